"""What an optimiser does: after each backward pass, move every parameter a little against its gradient.

An optimiser is given the network's parameters once (``Parameter``: the array, its gradient array and
whether L2 weight decay applies; see ``digitnet.nn.parameters``) and updates them in place on each
``step()``. ``lr`` is a plain attribute, so a learning-rate schedule simply sets it before each step.

L2 weight decay adds (lambda/2) ||W||^2 to the cost, i.e. ``weight_decay * W`` to each weight's gradient.
With Nielsen's lambda over a training set of n images, ``weight_decay = lambda / n``. Biases are not decayed.
"""

from __future__ import annotations

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.parameters import Parameter


class Optimizer:
    name = "optimizer"

    def __init__(self, params: list[Parameter], lr: float = 0.1, weight_decay: float = 0.0):
        if not lr > 0:
            raise DigitnetError(f"the learning rate must be positive, got {lr}")
        if weight_decay < 0:
            raise DigitnetError(f"weight decay must be zero or positive, got {weight_decay}")
        self.params = list(params)
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)
        # One scratch array per parameter, so that steps allocate nothing.
        self._scratch = [np.empty_like(p.value) for p in self.params]

    def gradient(self, i: int, p: Parameter) -> np.ndarray:
        """The gradient of the full cost, L2 term included (written into scratch space)."""
        if self.weight_decay and p.decay:
            g = self._scratch[i]
            np.multiply(p.value, self.weight_decay, out=g)
            g += p.grad
            return g
        return p.grad

    def step(self) -> None:
        for i, p in enumerate(self.params):
            self.update(i, p, self.gradient(i, p))

    def update(self, i: int, p: Parameter, g: np.ndarray) -> None:
        raise NotImplementedError
