"""Dropout: in training, silence each unit with probability ``rate``; at test time, do nothing.

This is "inverted" dropout: the surviving units are scaled by 1 / (1 - rate) during training so that the
expected activation is unchanged and inference needs no rescaling. It stops units from relying on one
another (Srivastava et al., 2014), which acts like averaging many thinned networks.
"""

from __future__ import annotations

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.layers.base import Layer, register


@register
class Dropout(Layer):
    type_name = "dropout"

    def __init__(self, rate: float = 0.5):
        super().__init__()
        if not 0.0 <= float(rate) < 1.0:
            raise DigitnetError(f"dropout rate must be in [0, 1), got {rate}")
        self.rate = float(rate)
        self._rng = np.random.default_rng()

    def build(self, input_shape, rng, dtype):
        # Its own stream, spawned from the network's seed, so runs with the same seed repeat exactly
        # (a network built from zeros for loaded weights, rng None, has no seed to repeat).
        self._rng = np.random.default_rng(None if rng is None else rng.integers(2**63))
        return super().build(input_shape, rng, dtype)

    def forward(self, x, training=False):
        if not training:
            return x
        if self.rate == 0.0:
            self.save_for_backward(None)
            return x
        keep = 1.0 - self.rate
        mask = (self._rng.random(x.shape, dtype=np.float32) < keep).astype(x.dtype)
        mask *= 1.0 / keep
        self.save_for_backward(mask)
        return x * mask

    def backward(self, grad_out, need_input_grad=True):
        (mask,) = self.saved()
        return grad_out if mask is None else grad_out * mask

    def get_config(self):
        return {"type": self.type_name, "rate": self.rate}
