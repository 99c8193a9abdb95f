"""Momentum and Nesterov momentum: a ball rolling downhill, carrying speed between steps.

The *velocity* accumulates gradients and the weights move by the velocity::

    v <- mu v - lr g
    w <- w + v

A common bug (one of our source tutorials has it) is to apply the decay factor mu to the weights
instead of to v; then nothing accumulates and the network barely learns.

Nesterov looks ahead: it moves by the velocity it is *about* to have, w <- w + mu v_new - lr g
(the form of Sutskever et al., 2013, used by most libraries).
"""

from __future__ import annotations

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.optimizers.base import Optimizer


class Momentum(Optimizer):
    name = "momentum"
    nesterov = False

    def __init__(self, params, lr=0.1, momentum=0.9, weight_decay=0.0):
        super().__init__(params, lr, weight_decay)
        if not 0.0 <= momentum < 1.0:
            raise DigitnetError(f"momentum must be in [0, 1), got {momentum}")
        self.momentum = float(momentum)
        self.velocity = [np.zeros_like(p.value) for p in self.params]

    def update(self, i, p, g):
        v, lr_g = self.velocity[i], self._scratch[i]
        np.multiply(g, self.lr, out=lr_g)
        v *= self.momentum
        v -= lr_g
        if self.nesterov:
            p.value -= lr_g
            p.value += self.momentum * v
        else:
            p.value += v


class Nesterov(Momentum):
    name = "nesterov"
    nesterov = True
