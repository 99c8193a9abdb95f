"""Plain stochastic gradient descent: w <- w - lr * g."""

from __future__ import annotations

import numpy as np

from digitnet.nn.optimizers.base import Optimizer


class SGD(Optimizer):
    name = "sgd"

    def update(self, i, p, g):
        step = self._scratch[i]
        np.multiply(g, self.lr, out=step)  # g may already live in scratch: reading it first is fine
        p.value -= step
