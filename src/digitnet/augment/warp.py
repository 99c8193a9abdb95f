"""Geometric augmentation as a map of coordinates, applied to a whole batch with one resampling.

Rotating, scaling or distorting an image all come down to the same question: for every pixel of the
new image, *where in the old image should it read from?* A warp answers with two arrays of source
coordinates (rows, cols), one per output pixel and image, and :func:`bilinear` reads the old image
there, blending the four nearest pixels. Reading "backwards" this way leaves no holes in the output.

Several warps (say an affine map and an elastic distortion) are chained by passing the coordinates
through each map in turn and resampling only once at the end, so the digit is blurred only once.
"""

from __future__ import annotations

import numpy as np


def bilinear(images: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Sample images (N, H, W) at fractional positions rows, cols (N, H, W); outside the image is 0.

    Each value is the weighted mean of the four pixels around (row, col), the weights being how
    close it is to each: the standard bilinear interpolation, done for all images with four gathers.
    The images get a border of zeros (one pixel above and left, two below and right, where a position
    clipped to the edge still reads its lower-right neighbour) and the positions are clipped to it, so
    every gather lands inside and reading outside the image gives 0 with no test per pixel.
    """
    n, h, w = images.shape
    padded = np.zeros((n, h + 3, w + 3), images.dtype)
    padded[:, 1:h + 1, 1:w + 1] = images
    flat = padded.reshape(n, -1)
    rows, cols = np.clip(rows, -1, h), np.clip(cols, -1, w)
    top, left = np.floor(rows), np.floor(cols)
    dy, dx = (rows - top).astype(images.dtype), (cols - left).astype(images.dtype)
    base = ((top.astype(np.intp) + 1) * (w + 3) + left.astype(np.intp) + 1).reshape(n, -1)
    out = np.zeros_like(images)
    for offset, weight in ((0, (1 - dy) * (1 - dx)), (1, (1 - dy) * dx), (w + 3, dy * (1 - dx)), (w + 4, dy * dx)):
        out += np.take_along_axis(flat, base + offset if offset else base, axis=1).reshape(n, h, w) * weight
    return out


class Warp:
    """An augmentation that moves pixels: subclasses say where each output pixel reads from."""

    def __init__(self, image_shape: tuple[int, int] = (28, 28)):
        self.image_shape = tuple(image_shape)

    def source(self, rows: np.ndarray, cols: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Map coordinates (N, H, W) of output pixels to the coordinates they read from."""
        raise NotImplementedError

    def __call__(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Augment a batch of any shape (N, 784), (N, 1, 28, 28), (N, 28, 28); the shape is kept."""
        n, (h, w) = len(x), self.image_shape
        rows, cols = np.meshgrid(np.arange(h, dtype=np.float32), np.arange(w, dtype=np.float32), indexing="ij")
        rows, cols = self.source(np.broadcast_to(rows, (n, h, w)), np.broadcast_to(cols, (n, h, w)), rng)
        return bilinear(x.reshape(n, h, w), rows, cols).reshape(x.shape)


class Chain(Warp):
    """Several warps applied one after another, with a single resampling at the end.

    Showing the output of ``first`` to ``second`` means: an output pixel reads from ``second``'s
    source, which in turn reads from ``first``'s source of *that* position, so the maps run last-first.
    """

    def __init__(self, warps: list[Warp]):
        super().__init__(warps[0].image_shape)
        self.warps = list(warps)

    def source(self, rows, cols, rng):
        for warp in reversed(self.warps):
            rows, cols = warp.source(rows, cols, rng)
        return rows, cols

    def __repr__(self):
        return " + ".join(repr(w) for w in self.warps)
