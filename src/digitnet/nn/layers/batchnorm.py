"""Batch normalisation: give every channel zero mean and unit variance over the batch, then rescale.

Training a deep network is easier when each layer's inputs keep a steady scale while the layers below
change (Ioffe & Szegedy, 2015). In training, each channel is normalised with the mean and variance of
the current mini-batch, then multiplied by a learned ``gamma`` and shifted by a learned ``beta`` (so the
layer can undo the normalisation if that is best). It also lets larger learning rates work.

For dense inputs (N, C) the statistics run over the batch; for feature maps (N, C, H, W) over the batch
*and* every position, so each of the C channels has one mean and one variance, just as a convolution
uses one kernel everywhere.

At test time there is no batch to average over (and one image must not change another's prediction),
so the layer uses running averages of the training statistics instead::

    running <- (1 - momentum) * running + momentum * batch statistic.

The values are seen as a matrix with one row per channel (channel first, see ``im2col.py``), so each
channel's statistics are sums along one contiguous row. With x_hat = (x - mean) / sqrt(var + eps) and m
values per channel, the backward pass is::

    dL/dgamma = sum(g * x_hat)      dL/dbeta = sum(g)
    dL/dx = gamma / (m * sqrt(var + eps)) * (m * g - sum(g) - x_hat * sum(g * x_hat))

where the two sums come from the mean and the variance depending on every x of the channel.

The running mean and variance live in ``state``, not ``params``: model files save them, but no optimiser
sees them, since they are averaged, not learned.
"""

from __future__ import annotations

import math

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.layers.base import Layer, register
from digitnet.nn.layers.im2col import cnhw


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

    def param_shapes(self, input_shape):
        if len(input_shape) not in (1, 3):
            raise DigitnetError("batchnorm works on (features,) or (channels, height, width) inputs, "
                                f"got {tuple(input_shape)}")
        return {"gamma": (int(input_shape[0]),), "beta": (int(input_shape[0]),)}

    def state_shapes(self, input_shape):
        return {"running_mean": (int(input_shape[0]),), "running_var": (int(input_shape[0]),)}

    def create_params(self, input_shape, rng, dtype):
        channels = self.param_shapes(input_shape)["gamma"]
        return {"gamma": np.ones(channels, dtype), "beta": np.zeros(channels, dtype)}

    def create_state(self, input_shape, dtype):
        channels = self.state_shapes(input_shape)["running_mean"]
        return {"running_mean": np.zeros(channels, dtype), "running_var": np.ones(channels, dtype)}

    def cost(self, input_shape):
        """In prediction a multiply and an add per value (the statistics are fixed)."""
        out = math.prod(input_shape)
        return out, 2 * out

    def rows(self, x: np.ndarray) -> np.ndarray:
        """The values as (C, m): one row per channel, one column per sample (and position)."""
        return x.T if x.ndim == 2 else cnhw(x).reshape(x.shape[1], -1)

    def shaped(self, rows: np.ndarray, like: np.ndarray) -> np.ndarray:
        """Rows back in the layer's (N, C) or (N, C, H, W) shape (channel first in memory)."""
        if like.ndim == 2:
            return rows.T
        n, c, h, w = like.shape
        return cnhw(rows.reshape(c, n, h, w))

    def forward(self, x, training=False):
        p, s, rows = self.params, self.state, self.rows(x)
        eps = np.asarray(self.eps, x.dtype)
        if not training:  # fixed statistics: an affine map per channel, and nothing is kept
            scale = p["gamma"] / np.sqrt(s["running_var"] + eps)
            y = rows * scale[:, None]
            y += (p["beta"] - s["running_mean"] * scale)[:, None]
            return self.shaped(y, x)
        m = rows.shape[1]
        mean = rows.mean(axis=1)
        x_hat = rows - mean[:, None]
        var = np.einsum("ij,ij->i", x_hat, x_hat) / m  # sums of squares without a squared copy
        inv_std = 1.0 / np.sqrt(var + eps)
        x_hat *= inv_std[:, None]
        s["running_mean"] *= 1 - self.momentum
        s["running_mean"] += self.momentum * mean
        s["running_var"] *= 1 - self.momentum
        s["running_var"] += self.momentum * var * (m / max(m - 1, 1))  # unbiased, as PyTorch keeps it
        self.save_for_backward(x_hat, inv_std)
        y = x_hat * p["gamma"][:, None]
        y += p["beta"][:, None]
        return self.shaped(y, x)

    def backward(self, grad_out, need_input_grad=True):
        x_hat, inv_std = self.saved()
        g = self.rows(grad_out)
        m = g.shape[1]
        np.sum(g, axis=1, out=self.grads["beta"])
        np.einsum("ij,ij->i", g, x_hat, out=self.grads["gamma"])
        if not need_input_grad:
            return None
        # dL/dx = scale * g - scale * sum(g) / m - x_hat * scale * sum(g * x_hat) / m, in four passes
        scale = self.params["gamma"] * inv_std
        dx = g * scale[:, None]
        dx -= x_hat * (scale * self.grads["gamma"] / m)[:, None]
        dx -= (scale * self.grads["beta"] / m)[:, None]
        return self.shaped(dx, grad_out)

    def describe(self):
        return "batch norm"

    def get_config(self):
        return {"type": self.type_name, "momentum": self.momentum, "eps": self.eps}
