"""What can go wrong with a picture, as :class:`DigitnetError` subclasses.

The command line prints any of them as one line; the web server tells them apart to choose the HTTP
status (a picture too large is 413, anything unreadable is 400). A picture without a digit is not a
failure to read it: :func:`digitnet.images.reading.read_digit` answers it "not a digit" (``NoDigitError``
says why), and ``prepare`` raises it for callers that want pictures of digits only.
"""

from digitnet.errors import DigitnetError


class ImageError(DigitnetError):
    """The input is not a picture digitnet can read: not an image, damaged, or of an unusable shape."""


class ImageTooLargeError(ImageError):
    """The picture has more pixels than allowed (a decompression bomb, or simply far too big)."""


class NoDigitError(DigitnetError):
    """The picture was read, but nothing in it stands out from the paper: it is blank."""
