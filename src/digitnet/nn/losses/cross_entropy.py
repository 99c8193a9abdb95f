"""Softmax cross-entropy, C = -log p_y with p = softmax(z): the loss for choosing one class of many."""

from __future__ import annotations

import numpy as np

from digitnet.nn import functional as F
from digitnet.nn.losses.base import Loss


class SoftmaxCrossEntropy(Loss):
    """Takes logits z. -log softmax(z)_y = logsumexp(z) - z_y is computed without overflow, and the
    gradient is simply (softmax(z) - onehot(y)) / N: the sigmoid-style slow-down of the quadratic cost
    disappears because the log undoes the exp.

    ``smoothing`` (label smoothing, Szegedy et al. 2016) aims at 1 - s for the true class and s / K for
    every class instead of a one-hot target, so the network is never pushed towards infinite
    confidence: the loss is (1 - s) (logsumexp(z) - z_y) + s (logsumexp(z) - mean(z)), and the gradient
    (softmax(z) - target) / N.
    """

    name = "cross_entropy"
    absorbs = "softmax"

    def __init__(self, smoothing: float = 0.0):
        if not 0.0 <= float(smoothing) < 1.0:
            raise ValueError(f"label smoothing must be in [0, 1), got {smoothing}")
        self.smoothing = float(smoothing)

    def loss_and_grad(self, z, y):
        n = len(z)
        y = np.asarray(y)
        shifted = z - z.max(axis=1, keepdims=True)  # exp only sees numbers <= 0: no overflow
        p = np.exp(shifted)
        sums = p.sum(axis=1, keepdims=True)
        log_sums = np.log(sums)
        if y.ndim == 1:  # integer labels: pick the true class's log-probability, no one-hot needed
            rows, s = np.arange(n), self.smoothing
            loss = (float(log_sums.sum()) - float(shifted[rows, y].sum())) / n
            p *= 1 / (n * sums)  # p is now softmax(z) / n: normalised and averaged in one pass
            p[rows, y] -= (1 - s) / n
            if s:
                loss = (1 - s) * loss + s * (float(log_sums.sum()) - float(shifted.sum()) / z.shape[1]) / n
                p -= s / (z.shape[1] * n)
        else:  # one-hot or soft targets
            if self.smoothing:
                y = (1 - self.smoothing) * y + self.smoothing / z.shape[1]
            loss = float(np.sum(y * (log_sums - shifted))) / n
            p /= sums
            p -= y
            p /= n
        return loss, p

    def output(self, z):
        return F.softmax(z)
