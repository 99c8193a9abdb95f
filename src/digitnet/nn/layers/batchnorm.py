"""Batch normalisation: give every channel zero mean and unit variance over the batch, then rescale.

Training a deep network is easier when each layer's inputs keep a steady scale while the layers below
change (Ioffe & Szegedy, 2015). In training, each channel is normalised with the mean and variance of
the current mini-batch, then multiplied by a learned ``gamma`` and shifted by a learned ``beta`` (so the
layer can undo the normalisation if that is best). It also lets larger learning rates work.

For dense inputs (N, C) the statistics run over the batch; for feature maps (N, C, H, W) over the batch
*and* every position, so each of the C channels has one mean and one variance, just as a convolution
uses one kernel everywhere.

At test time there is no batch to average over (and one image must not change another's prediction),
so the layer uses running averages of the training statistics instead:
    running <- (1 - momentum) * running + momentum * batch statistic.

With x_hat = (x - mean) / sqrt(var + eps) and m values per channel, the backward pass is
    dL/dgamma = sum(g * x_hat)      dL/dbeta = sum(g)
    dL/dx = gamma / (m * sqrt(var + eps)) * (m * g - sum(g) - x_hat * sum(g * x_hat))
where the two sums come from the mean and the variance depending on every x of the channel.

The running mean and variance live in ``state``, not ``params``: model files save them, but no optimiser
sees them, since they are averaged, not learned.
"""

from __future__ import annotations

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.layers.base import Layer, register


@register
class BatchNorm(Layer):
    type_name = "batchnorm"

    def __init__(self, momentum: float = 0.1, eps: float = 1e-5):
        super().__init__()
        if not 0.0 < float(momentum) <= 1.0:
            raise DigitnetError(f"batchnorm momentum must be in (0, 1], got {momentum}")
        if not float(eps) > 0:
            raise DigitnetError(f"batchnorm eps must be positive, got {eps}")
        self.momentum, self.eps = float(momentum), float(eps)

    def create_params(self, input_shape, rng, dtype):
        if len(input_shape) not in (1, 3):
            raise DigitnetError(f"batchnorm works on (features,) or (channels, height, width) inputs, got {tuple(input_shape)}")
        c = int(input_shape[0])
        self._axes = (0,) if len(input_shape) == 1 else (0, 2, 3)
        self._shape = (1, c) if len(input_shape) == 1 else (1, c, 1, 1)  # broadcasts a per-channel vector
        return {"gamma": np.ones(c, dtype), "beta": np.zeros(c, dtype)}

    def create_state(self, input_shape, dtype):
        c = int(input_shape[0])
        return {"running_mean": np.zeros(c, dtype), "running_var": np.ones(c, dtype)}

    def forward(self, x, training=False):
        p, s = self.params, self.state
        if not training:  # fixed statistics: an affine map per channel, and nothing is kept
            inv_std = (1.0 / np.sqrt(s["running_var"] + np.asarray(self.eps, x.dtype))).reshape(self._shape)
            x_hat = (x - s["running_mean"].reshape(self._shape)) * inv_std
            return x_hat * p["gamma"].reshape(self._shape) + p["beta"].reshape(self._shape)
        mean = x.mean(axis=self._axes, dtype=x.dtype)
        centred = x - mean.reshape(self._shape)
        var = np.mean(centred * centred, axis=self._axes, dtype=x.dtype)
        m = x.size // len(mean)
        s["running_mean"] *= 1 - self.momentum
        s["running_mean"] += self.momentum * mean
        s["running_var"] *= 1 - self.momentum
        s["running_var"] += self.momentum * var * (m / max(m - 1, 1))  # unbiased, as PyTorch keeps it
        inv_std = (1.0 / np.sqrt(var + np.asarray(self.eps, x.dtype))).reshape(self._shape)
        x_hat = centred * inv_std
        self.save_for_backward(x_hat, inv_std)
        return x_hat * p["gamma"].reshape(self._shape) + p["beta"].reshape(self._shape)

    def backward(self, grad_out, need_input_grad=True):
        x_hat, inv_std = self.saved()
        axes = self._axes
        np.sum(grad_out, axis=axes, out=self.grads["beta"])
        np.sum(grad_out * x_hat, axis=axes, out=self.grads["gamma"])
        if not need_input_grad:
            return None
        scale = self.params["gamma"].reshape(self._shape) * inv_std
        m = grad_out.size // grad_out.shape[1]
        sum_g = self.grads["beta"].reshape(self._shape)
        sum_gx = self.grads["gamma"].reshape(self._shape)
        return (scale / m) * (m * grad_out - sum_g - x_hat * sum_gx)

    def describe(self):
        return f"BatchNorm ({'channels' if len(self.input_shape or ()) == 3 else 'features'})"

    def get_config(self):
        return {"type": self.type_name, "momentum": self.momentum, "eps": self.eps}
