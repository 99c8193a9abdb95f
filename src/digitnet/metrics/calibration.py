"""Calibration: do the probabilities mean what they say?

Of all the images a classifier answers with 90% confidence, about 90% should be right. The
*reliability* of a classifier is measured by sorting its answers into bins by confidence (the top
probability) and comparing, in each bin, the mean confidence with the accuracy (DeGroot & Fienberg
1983; Niculescu-Mizil & Caruana 2005). The *expected calibration error* (ECE, Naeini et al. 2015;
Guo et al. 2017) is the gap between the two, averaged over the bins weighted by how many answers
fall in each::

    ECE = sum over bins b of (n_b / N) * |accuracy_b - confidence_b|

with 15 equal-width bins over [0, 1] by default, as in Guo et al.; a confidence c falls in the bin
(i/15, (i+1)/15] (a confidence of exactly 0 in the first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BINS = 15


@dataclass
class Reliability:
    """Per bin: its edges, how many answers fell in it, their mean confidence and their accuracy (NaN
    for an empty bin), and the overall expected calibration error."""

    edges: np.ndarray  # (bins + 1,)
    counts: np.ndarray  # (bins,)
    confidence: np.ndarray  # (bins,)
    accuracy: np.ndarray  # (bins,)
    ece: float


def reliability(probabilities, labels, bins: int = BINS) -> Reliability:
    """The reliability table of ``probabilities`` (N, K) against the true ``labels`` (N,)."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels)
    if p.ndim != 2 or len(p) != len(y) or not len(p):
        raise ValueError(f"need probabilities (N, K) and N labels, got {p.shape} and {y.shape}")
    if int(bins) < 1:
        raise ValueError(f"need at least one bin, got {bins}")
    confidence = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    which = np.clip(np.ceil(confidence * bins).astype(np.int64) - 1, 0, bins - 1)
    counts = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(which, weights=confidence, minlength=bins) / counts
        accuracy = np.bincount(which, weights=correct, minlength=bins) / counts
    gaps = np.where(counts > 0, np.abs(np.nan_to_num(accuracy) - np.nan_to_num(mean_conf)), 0.0)
    ece = float(np.sum(gaps * counts) / len(p))
    return Reliability(np.linspace(0.0, 1.0, bins + 1), counts, mean_conf, accuracy, ece)


def expected_calibration_error(probabilities, labels, bins: int = BINS) -> float:
    """ECE of ``probabilities`` (N, K) against ``labels``: see the module docstring."""
    return reliability(probabilities, labels, bins).ece
