"""Random shifts: the cheapest augmentation, and for MNIST one of the most useful.

A digit moved a pixel or two is still the same digit, but to a fully connected network it is a quite
different vector. Showing each training image at a fresh random offset every epoch teaches the network
that position does not matter, which alone lifts a 784-512-10 MLP from about 98.1% to about 98.6%.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from digitnet.errors import DigitnetError


class RandomShift:
    """Move each image by up to ``max_shift`` pixels in each direction, filling with background (0).

    Vectorised: the batch is copied into a zero-padded canvas once; ``sliding_window_view`` then sees
    every image-sized window of every canvas without copying anything, and one indexing operation picks
    each image's own window (offset). No loop over images, and no index array as large as the batch.
    """

    def __init__(self, max_shift: int = 2, image_shape: tuple[int, int] = (28, 28)):
        self.check_settings(max_shift)
        self.max_shift, self.image_shape = int(max_shift), tuple(image_shape)

    @staticmethod
    def check_settings(max_shift: int = 2) -> None:
        """Raise a DigitnetError for a shift out of range (a recipe checks its spec with this)."""
        if int(max_shift) < 1:
            raise DigitnetError(f"the largest shift must be at least 1 pixel, got {max_shift}")

    def __call__(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        n, (h, w), m = len(x), self.image_shape, self.max_shift
        canvas = np.zeros((n, h + 2 * m, w + 2 * m), dtype=x.dtype)
        canvas[:, m:m + h, m:m + w] = x.reshape(n, h, w)
        windows = sliding_window_view(canvas, (h, w), axis=(1, 2))  # (n, 2m+1, 2m+1, h, w): a view
        top, left = rng.integers(0, 2 * m + 1, n), rng.integers(0, 2 * m + 1, n)  # (m, m) = unmoved
        return windows[np.arange(n), top, left].reshape(x.shape)

    def __repr__(self) -> str:
        return f"RandomShift({self.max_shift})"
