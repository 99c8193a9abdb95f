"""Elastic distortions (Simard, Steinkraus & Platt, 2003): the wobble of a real pen stroke.

Every pixel gets a random displacement, uniform in [-1, 1] in each direction. Alone that is noise;
smoothed with a Gaussian of width ``sigma`` neighbouring pixels move together, so strokes bend
instead of shattering. ``alpha`` scales the smoothed field to a few pixels. Simard et al. found
sigma = 4 and alpha = 34 best on MNIST, where it took a simple convolutional network to 99.6%.

The smoothing is a product of matrices: with G the (H, H) matrix whose row i holds the Gaussian
centred on i (pixels beyond the border count as zero), the 2-D blur of a field D is G D G^T, done
for the whole batch by one broadcast matmul.
"""

from __future__ import annotations

import numpy as np

from digitnet.augment.warp import Warp
from digitnet.errors import DigitnetError


def gaussian_matrix(size: int, sigma: float) -> np.ndarray:
    """(size, size) matrix that blurs a vector with a normalised Gaussian, zeros beyond the ends."""
    radius = int(np.ceil(4 * sigma))
    offsets = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    kernel /= kernel.sum()
    distance = np.arange(size)[None, :] - np.arange(size)[:, None]
    return np.where(np.abs(distance) <= radius, kernel[np.clip(distance + radius, 0, 2 * radius)], 0.0)


class ElasticDistortion(Warp):
    def __init__(self, alpha: float = 34.0, sigma: float = 4.0, image_shape: tuple[int, int] = (28, 28)):
        super().__init__(image_shape)
        self.check_settings(alpha, sigma)
        self.alpha, self.sigma = float(alpha), float(sigma)
        h, w = self.image_shape
        self._blur_rows = gaussian_matrix(h, sigma).astype(np.float32)
        self._blur_cols_t = gaussian_matrix(w, sigma).T.astype(np.float32)

    @staticmethod
    def check_settings(alpha: float = 34.0, sigma: float = 4.0) -> None:
        """Raise a DigitnetError for settings out of range (a recipe checks its spec with this)."""
        if not alpha >= 0:
            raise DigitnetError(f"elastic alpha must be zero or positive, got {alpha}")
        if not sigma > 0:
            raise DigitnetError(f"elastic sigma must be positive (4 is usual for MNIST), got {sigma}")

    def displacement(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Smoothed random fields (2, n, H, W) in pixels: row and column displacement of each pixel."""
        noise = rng.uniform(-1, 1, (2, n) + self.image_shape).astype(np.float32)
        return self.alpha * (self._blur_rows @ noise @ self._blur_cols_t)

    def source(self, rows, cols, rng):
        d_rows, d_cols = self.displacement(len(rows), rng)
        return rows + d_rows, cols + d_cols

    def __repr__(self):
        return f"ElasticDistortion(alpha={self.alpha:g}, sigma={self.sigma:g})"
