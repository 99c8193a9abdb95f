"""Pictures of handwritten digits -> 28x28 images prepared exactly the way MNIST's were.

A network trained on MNIST has only seen white digits on black, fitted into a 20x20 box and centred by
centre of mass in a 28x28 field. A photo of a digit is none of that, which is why people's own digits
so often come out wrong. ``prepare`` closes the gap::

    from digitnet.images import prepare
    prepared = prepare("my-seven.jpg")         # PNG, JPEG, BMP, GIF, TIFF, WebP, text grid, array
    network.predict(prepared.image)             # (28, 28) uint8, like MNIST

The steps are listed, in order, in :mod:`digitnet.images.pipeline`; each is a small function in
:mod:`.ink` (what is ink) or :mod:`.geometry` (where it goes). Reading and checking files is in :mod:`.load`.
"""

from digitnet.images.errors import ImageError, ImageTooLargeError, NoDigitError
from digitnet.images.ink import INK_CHOICES
from digitnet.images.load import MAX_PIXELS, array_to_grey, load_grey
from digitnet.images.pipeline import Prepared, naive, prepare
from digitnet.images.textgrid import parse_text_grid

#: File name endings ``digitnet predict`` picks up from a folder.
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".txt")

__all__ = [
    "INK_CHOICES", "ImageError", "ImageTooLargeError", "MAX_PIXELS", "NoDigitError", "PICTURE_SUFFIXES",
    "Prepared", "array_to_grey", "load_grey", "naive", "parse_text_grid", "prepare",
]
