"""Adam: momentum on the gradient plus a per-weight step size from a running mean of squared gradients.

::

    m <- b1 m + (1 - b1) g          (direction, smoothed)
    v <- b2 v + (1 - b2) g^2        (scale, smoothed)
    w <- w - lr * m_hat / (sqrt(v_hat) + eps)

where m_hat and v_hat undo the bias of starting m and v at zero (Kingma & Ba, 2015).
"""

from __future__ import annotations

import numpy as np

from digitnet.nn.optimizers.base import Optimizer


class Adam(Optimizer):
    name = "adam"

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr, weight_decay)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.m = [np.zeros_like(p.value) for p in self.params]
        self.v = [np.zeros_like(p.value) for p in self.params]
        self.t = 0

    def step(self):
        self.t += 1
        super().step()

    def update(self, i, p, g):
        m, v = self.m[i], self.v[i]
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * (g * g)
        # Fold both bias corrections into one scalar step size.
        step_size = self.lr * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        denom = self._scratch[i]
        np.sqrt(v, out=denom)
        denom += self.eps
        p.value -= step_size * m / denom
