"""``digitnet serve``: a local web page to draw digits on, and a JSON API that reads pictures.

The page (``static/``) is plain HTML, CSS and JavaScript: no build step, nothing fetched from the
internet. It sends each drawing to the server as a PNG; the server prepares it exactly like any other
picture (:func:`digitnet.images.prepare`) and answers with the probabilities and the 28x28 image the
network saw. The API is described in docs/serve.md.

    app.py          the routes, the reader (a model and a pool of workers), the JSON answers
    connections.py  who gets in, deadlines, strict request framing: the plumbing around http.server
"""

from digitnet.serve.app import MAX_PIXELS, DigitReader, DigitServer
from digitnet.serve.connections import MAX_BODY

__all__ = ["DigitReader", "DigitServer", "MAX_BODY", "MAX_PIXELS"]
