"""Numerically stable building blocks shared by layers and losses.

Naive formulas overflow: ``1 / (1 + exp(-x))`` warns for x = -1000 and ``exp(x) / sum(exp(x))`` returns
NaN for x = 1000. Each function here rearranges the algebra so that ``exp`` only ever sees numbers <= 0.
"""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x), computed as e^x / (1 + e^x) for negative x so that exp never overflows."""
    e = np.exp(-np.abs(x))  # in (0, 1]: safe
    numerator = np.where(x >= 0, 1.0, e).astype(x.dtype, copy=False)
    np.add(e, 1.0, out=e)  # in place: e is not needed any more, and a fresh array costs more than the sum
    return np.divide(numerator, e, out=numerator)


def softmax(z: np.ndarray) -> np.ndarray:
    """exp(z) / sum(exp(z)) along the last axis; subtracting the max first changes nothing but safety."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def logsumexp(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """log(sum(exp(z))) along ``axis``, shifted by the max so the largest term is exp(0) = 1 (the energy
    score of ``digitnet.reject`` is this of the logits)."""
    m = z.max(axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.exp(z - m).sum(axis=axis))


def softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + e^x) = max(x, 0) + log(1 + e^-|x|)``: the second term never overflows."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
