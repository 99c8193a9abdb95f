"""Choosing the threshold: the score that accepts a chosen share of held-out digits.

The threshold is fixed at training time on validation images, which are digits: it is the score below
which only ``1 - accept`` of them fall. So "accept 99.7% of digits" is a promise measured on images
the network never trained on, and the share of non-digits it refuses is whatever the network has
learned, not something tuned on the non-digits themselves (those would then no longer measure it).
"""

from __future__ import annotations

import math

import numpy as np

from digitnet.errors import DigitnetError


def choose_threshold(scores, accept: float = 0.997) -> float:
    """The largest threshold t such that at least ``accept`` of ``scores`` are >= t."""
    s = np.sort(np.asarray(scores, dtype=np.float64).ravel())
    if not len(s) or not np.isfinite(s).all():
        raise DigitnetError("choosing a threshold needs at least one score, all finite")
    if not 0 < accept <= 1:
        raise DigitnetError(f"the share of digits to accept must be in (0, 1], got {accept}")
    refused = math.floor((1 - accept) * len(s) + 1e-9)  # at most this many may fall below
    return float(s[refused])


def acceptance(scores, threshold: float) -> float:
    """The share of ``scores`` at or above ``threshold``."""
    s = np.asarray(scores)
    return float(np.mean(s >= threshold)) if len(s) else 0.0
