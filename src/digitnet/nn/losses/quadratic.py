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

    def loss_and_grad(self, a, y):
        """Both from one difference a - y."""
        y = np.asarray(y)
        if y.ndim == 1 and a.ndim == 2 and a.shape[1] > 1:  # labels: a - onehot(y) without building onehot(y)
            diff = a.copy()
            diff[np.arange(len(a)), y.astype(np.intp, copy=False)] -= 1
        else:
            diff = a - targets_like(a, y)
        loss = 0.5 * float(np.vdot(diff, diff)) / len(a)  # vdot: the sum of squares in one call
        diff /= len(a)
        return loss, diff
