"""Random affine maps: small rotations, scalings and sub-pixel shifts of each digit.

Handwriting varies in slant, size and position; a digit tilted by 10 degrees or written 10% larger is
still the same digit. Drawing a fresh small transformation for every image in every epoch shows the
network many plausible variants of the same 55,000 examples.

The map turns about the image centre c: an output pixel p = (row, col) reads from::

    c + R(angle) (p - c - shift) / scale,       R(a) = [[cos a, -sin a], [sin a, cos a]]

which undoes "scale, rotate by -angle, then shift" (see ``warp.py`` for why we go backwards).
"""

from __future__ import annotations

import numpy as np

from digitnet.augment.warp import Warp
from digitnet.errors import DigitnetError


class RandomAffine(Warp):
    """Angles uniform in +-``rotate`` degrees, scale in 1 +- ``scale``, shifts in +-``shift`` pixels."""

    def __init__(self, rotate: float = 10.0, scale: float = 0.1, shift: float = 2.0,
                 image_shape: tuple[int, int] = (28, 28)):
        super().__init__(image_shape)
        self.check_settings(rotate, scale, shift, image_shape)
        self.rotate, self.scale, self.shift = float(rotate), float(scale), float(shift)

    @staticmethod
    def check_settings(rotate: float = 10.0, scale: float = 0.1, shift: float = 2.0,
                       image_shape: tuple[int, int] = (28, 28)) -> None:
        """Raise a DigitnetError for settings out of range (a recipe checks its spec with this)."""
        if not 0 <= rotate <= 180:
            raise DigitnetError(f"affine rot must be between 0 and 180 degrees, got {rotate}")
        if not 0 <= scale < 1:
            raise DigitnetError(f"affine scale must be in [0, 1) (0.1 means 90%-110%), got {scale}")
        if not 0 <= shift <= min(image_shape):
            raise DigitnetError(f"affine shift must be between 0 and the image size in pixels, got {shift}")

    def source(self, rows, cols, rng):
        n, (h, w) = len(rows), self.image_shape
        angle = np.deg2rad(rng.uniform(-self.rotate, self.rotate, n))
        zoom = rng.uniform(1 - self.scale, 1 + self.scale, n)
        shift = rng.uniform(-self.shift, self.shift, (2, n))
        cos, sin = (np.cos(angle) / zoom)[:, None, None], (np.sin(angle) / zoom)[:, None, None]
        cr, cc = (h - 1) / 2, (w - 1) / 2
        r = rows - cr - shift[0][:, None, None]
        c = cols - cc - shift[1][:, None, None]
        return (cr + cos * r - sin * c).astype(np.float32), (cc + sin * r + cos * c).astype(np.float32)

    def __repr__(self):
        return f"RandomAffine(rot={self.rotate:g}, scale={self.scale:g}, shift={self.shift:g})"
