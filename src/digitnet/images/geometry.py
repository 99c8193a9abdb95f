"""Where the digit goes: crop to the ink, fit it in 20x20, centre it by mass in 28x28.

These are the three steps LeCun, Cortes and Burges describe for MNIST: "The original black and white
images from NIST were size normalized to fit in a 20x20 pixel box while preserving their aspect ratio.
The resulting images contain grey levels as a result of the anti-aliasing technique used by the
normalization algorithm. The images were centered in a 28x28 image by computing the center of mass of
the pixels, and translating the image so as to position this point at the center of the 28x28 field."
A network trained on MNIST has only ever seen digits placed this way.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

#: Where MNIST's centres of mass are, in (row, column) pixel indices: the mean over the test set is
#: (13.99, 14.00), so MNIST put the centre of mass on pixel 14, not between pixels 13 and 14.
MNIST_CENTRE = (14.0, 14.0)


def resample(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize a float image to ``size`` = (width, height) with a triangle (bilinear) filter.

    Why this filter: when shrinking, Pillow widens the filter to cover every source pixel, so each new
    pixel is a weighted average of the area it covers (anti-aliasing, as MNIST's normalisation did);
    when enlarging it interpolates smoothly; and unlike Lanczos it never rings below 0 or above 1.
    """
    out = Image.fromarray(np.ascontiguousarray(image, dtype=np.float32))
    return np.asarray(out.resize(size, Image.Resampling.BILINEAR), dtype=np.float32)


def max_filter(image: np.ndarray, size: int) -> np.ndarray:
    """Each pixel becomes the largest value in the ``size`` x ``size`` square around it (grey dilation)."""
    return _square_window(image, size, np.maximum, "constant")


def box_mean(image: np.ndarray, size: int) -> np.ndarray:
    """Each pixel becomes the mean of the ``size`` x ``size`` square around it (edges repeated)."""
    if size <= 1:
        return image
    total = _square_window(image, size, np.add, "edge")  # a new array
    total /= np.float32(size * size)
    return total


def _square_window(image: np.ndarray, size: int, combine, pad_mode: str) -> np.ndarray:
    """Combine (``np.maximum`` or ``np.add``) each pixel's ``size`` x ``size`` square, separably: along
    the rows, then along the columns, so the cost grows with ``size``, not its square. Shifted views
    are combined in place one after the other, which needs no stack of ``size`` copies."""
    if size <= 1:
        return image
    r = size // 2
    padded = _padded(np.asarray(image, dtype=np.float32), r, pad_mode)
    h, w = image.shape
    rows = combine(padded[:h, :], padded[1:1 + h, :])  # the first two views make the new array: no copy
    for i in range(2, size):
        combine(rows, padded[i:i + h, :], out=rows)
    out = combine(rows[:, :w], rows[:, 1:1 + w])
    for j in range(2, size):
        combine(out, rows[:, j:j + w], out=out)
    return out


def _padded(image: np.ndarray, r: int, mode: str) -> np.ndarray:
    """``np.pad(image, r, mode)`` for "constant" (zeros) and "edge", without its general machinery."""
    h, w = image.shape
    padded = np.zeros((h + 2 * r, w + 2 * r), dtype=image.dtype)
    padded[r:r + h, r:r + w] = image
    if mode == "edge":
        padded[:r, r:r + w] = image[0]
        padded[r + h:, r:r + w] = image[-1]
        padded[:, :r] = padded[:, r:r + 1]
        padded[:, r + w:] = padded[:, r + w - 1:r + w]
    elif mode != "constant":
        raise ValueError(f"unknown pad mode {mode!r}")
    return padded


def crop_to_ink(amount: np.ndarray) -> np.ndarray:
    """The smallest rectangle holding all the ink.

    Why: MNIST sizes the digit, not the paper: how much margin the photographer left must not matter.
    """
    top, bottom, left, right = ink_box(amount)
    return amount[top:bottom, left:right]


def ink_box(amount: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the nonzero pixels, bottom and right exclusive; ValueError if none.

    From which rows and columns hold ink, not from the coordinates of every inked pixel: the same box,
    a fraction of the work on a big picture.
    """
    rows, cols = np.flatnonzero(amount.any(axis=1)), np.flatnonzero(amount.any(axis=0))
    if rows.size == 0:
        raise ValueError("no ink")
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def fit_in_box(crop: np.ndarray, box: int = 20) -> np.ndarray:
    """Scale so the longer side is ``box`` pixels, keeping the aspect ratio (anti-aliased).

    Why keep the aspect ratio: a 1 is tall and thin in MNIST; stretched to a square it would be a
    black block. Shrinking averages each output pixel over the area it covers, which produces MNIST's
    grey edges.
    """
    h, w = crop.shape
    scale = box / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.clip(resample(crop, size), 0.0, 1.0)


def centre_by_mass(digit: np.ndarray, side: int = 28, centre: tuple[float, float] = MNIST_CENTRE) -> np.ndarray:
    """Place ``digit`` in a ``side`` x ``side`` field so its centre of mass is on ``centre``.

    Why mass and not the box: a 7's ink sits at the top of its box, a 4's on the left; MNIST centred
    the ink's weight, so the box of a 7 sits lower in the field than that of a 0. The shift is a whole
    number of pixels (as MNIST's was), and the digit is kept inside the field: the 20x20 box leaves 4
    pixels of play on every side, which is enough for all but extreme shapes.
    """
    h, w = digit.shape
    total = float(digit.sum())
    rows, cols = np.indices(digit.shape)
    com_r = float((rows * digit).sum()) / total if total else (h - 1) / 2
    com_c = float((cols * digit).sum()) / total if total else (w - 1) / 2
    top = int(np.clip(round(centre[0] - com_r), 0, side - h))
    left = int(np.clip(round(centre[1] - com_c), 0, side - w))
    field = np.zeros((side, side), dtype=np.float32)
    field[top:top + h, left:left + w] = digit
    return field


def to_bytes(image: np.ndarray) -> np.ndarray:
    """Floats in [0, 1] as MNIST's bytes, 0-255 (uint8)."""
    return np.round(np.clip(image, 0.0, 1.0) * 255.0).astype(np.uint8)
