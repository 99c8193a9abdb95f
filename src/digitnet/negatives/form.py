"""From a drawn ink mask to the 28x28 image ``digitnet predict`` would give the network.

A negative must look the way a picture of it reaches the network, or the network learns to refuse
something it never meets: a picture goes through :func:`digitnet.images.pipeline.prepare`, which finds
the paper, removes the background, keeps the largest marks, normalises the strokes, crops, fits the
ink into 20x20 and centres it by mass. A negative is drawn directly as ink on clean paper, so the
paper-finding steps have nothing to do (the paper is exactly 0, the ink is the mask); the steps from
``remove_background`` on are run here exactly as ``prepare`` runs them, which gives the image that
preparing a picture of the mask gives, to within two grey levels (``tests/test_negatives.py`` checks
it), at a fraction of the cost of decoding and measuring a whole picture.
"""

from __future__ import annotations

import numpy as np

from digitnet.images import geometry, ink


def mnist_form(mask: np.ndarray) -> np.ndarray:
    """The (28, 28) uint8 image of ``mask`` (ink amounts in [0, 1], bright ink on a 0 background) as
    ``prepare`` makes it; :class:`~digitnet.images.NoDigitError` if the mask is blank or too faint."""
    amount = ink.remove_background(np.array(mask, dtype=np.float32))
    amount = ink.keep_digit(amount)
    amount = ink.normalise_thickness(ink.normalise_contrast(amount))
    return geometry.to_bytes(geometry.centre_by_mass(geometry.fit_in_box(geometry.crop_to_ink(amount))))
