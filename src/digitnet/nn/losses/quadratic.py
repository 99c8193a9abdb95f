"""Quadratic cost, C = 1/2 ||a - y||^2 averaged over the batch: Nielsen's chapter 1 cost."""

from __future__ import annotations

import numpy as np

from digitnet.nn.losses.base import Loss, targets_like


class QuadraticLoss(Loss):
    """Works on the network's final activations, so the output layer's derivative stays in the
    gradient: with sigmoid outputs, delta = (a - y) s'(z), which is tiny when a unit is confidently
    wrong. That learning slow-down is why chapter 3 moves to cross-entropy.
    """

    name = "quadratic"

    def fn(self, a, y):
        return self.fn_and_delta(a, y)[0]

    def delta(self, a, y):
        return self.fn_and_delta(a, y)[1]

    def fn_and_delta(self, a, y):
        """Both from one difference a - y (training calls this once per mini-batch)."""
        diff = a - targets_like(a, y)
        loss = float(0.5 * np.sum(diff * diff) / len(a))
        diff /= len(a)
        return loss, diff
