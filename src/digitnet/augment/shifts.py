"""Random shifts: the cheapest augmentation, and for MNIST one of the most useful.

A digit moved a pixel or two is still the same digit, but to a fully connected network it is a quite
different vector. Showing each training image at a fresh random offset every epoch teaches the network
that position does not matter, which alone lifts a 784-512-10 MLP from about 98.1% to about 98.6%.
"""

from __future__ import annotations

import numpy as np

from digitnet.errors import DigitnetError


class RandomShift:
    """Move each image by up to ``max_shift`` pixels in each direction, filling with background (0).

    Vectorised: the batch is copied into a zero-padded canvas once, then every image is read back
    through its own offset with a single gather (``take_along_axis``), with no loop over images.
    """

    def __init__(self, max_shift: int = 2, image_shape: tuple[int, int] = (28, 28)):
        if int(max_shift) < 1:
            raise DigitnetError(f"the largest shift must be at least 1 pixel, got {max_shift}")
        self.max_shift, self.image_shape = int(max_shift), tuple(image_shape)
        h, w = self.image_shape
        self._padded_width = w + 2 * self.max_shift
        rows, cols = np.arange(h), np.arange(w)
        # flat positions of an unshifted image inside the padded canvas, offset (0, 0) = top-left corner
        self._template = (rows[:, None] * self._padded_width + cols[None, :]).ravel()

    def __call__(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        n, (h, w), m = len(x), self.image_shape, self.max_shift
        canvas = np.zeros((n, h + 2 * m, self._padded_width), dtype=x.dtype)
        canvas[:, m:m + h, m:m + w] = x.reshape(n, h, w)
        offsets = rng.integers(0, 2 * m + 1, n) * self._padded_width + rng.integers(0, 2 * m + 1, n)
        shifted = np.take_along_axis(canvas.reshape(n, -1), offsets[:, None] + self._template, axis=1)
        return shifted.reshape(x.shape)

    def __repr__(self) -> str:
        return f"RandomShift({self.max_shift})"
