"""How much a network's outputs look like a digit: one number per image, from the logits alone.

Each score is a short formula of the ten logits z (and a temperature T), so that any runtime that
computes the logits (ONNX, a few lines of JavaScript) computes the same score:

- ``max_probability``: the largest of softmax(z / T), the "confidence" a reader sees;
- ``energy``: T * log(sum_k exp(z_k / T)), minus the free energy of Liu et al. (2020). It keeps what the
  softmax throws away, how large the logits are overall: a network sure of some digit has one large
  logit, one that has seen nothing it knows has all of them small;
- ``max_logit``: the largest logit (Hendrycks et al. 2022), the energy's limit as T -> 0.

Higher always means "more like a digit"; a picture is refused below a threshold
(:mod:`digitnet.reject.rule`).
"""

from __future__ import annotations

import numpy as np

from digitnet.nn import functional as F


def _check(logits) -> np.ndarray:
    z = np.asarray(logits)
    if z.ndim != 2 or z.shape[1] < 2:
        raise ValueError(f"scores need logits shaped (N, K) with K >= 2, got {z.shape}")
    return z


def max_probability(logits, temperature: float = 1.0) -> np.ndarray:
    return F.softmax(_check(logits) / temperature).max(axis=1)


def energy(logits, temperature: float = 1.0) -> np.ndarray:
    return temperature * F.logsumexp(_check(logits) / temperature, axis=1)


def max_logit(logits, temperature: float = 1.0) -> np.ndarray:
    """The largest logit (``temperature`` is accepted for a uniform signature and ignored)."""
    return _check(logits).max(axis=1)


SCORES = {"max_probability": max_probability, "energy": energy, "max_logit": max_logit}
