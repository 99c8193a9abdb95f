"""``digitnet serve``: a local web page to draw digits on, and a JSON API that reads pictures.

The page (``static/``) is plain HTML, CSS and JavaScript: no build step, nothing fetched from the
internet. It sends each drawing to the server as a PNG; the server prepares it exactly like any other
picture (:func:`digitnet.images.prepare`) and answers with the probabilities and the 28x28 image the
network saw. The API is described in docs/serve.md.
"""

from digitnet.serve.server import MAX_BODY, MAX_PIXELS, DigitReader, DigitServer

__all__ = ["DigitReader", "DigitServer", "MAX_BODY", "MAX_PIXELS"]
