"""The affine layer: y = x W + b, the part of a network that holds almost all the weights."""

from __future__ import annotations

import math

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.initializers import get_initializer, initialize
from digitnet.nn.layers.base import Layer, register


@register
class Dense(Layer):
    """Fully connected layer. Inputs of shape (N, ...) are flattened to (N, features) first.

    ``W`` has shape (in, out) so that a batch is one matrix product ``x @ W``, rows being samples.
    The gradients follow from y = xW + b by the chain rule:
    dL/dW = x^T g,  dL/db = sum of g over the batch,  dL/dx = g W^T.
    """

    type_name = "dense"
    decayed = ("W",)

    def __init__(self, units: int, input_dim: int | None = None, init: str = "he", bias_init: str = "zeros"):
        super().__init__()
        if int(units) < 1:
            raise DigitnetError(f"a dense layer needs at least 1 unit, got {units}")
        get_initializer(init), get_initializer(bias_init)  # fail early on a typo
        self.units, self.init, self.bias_init = int(units), init, bias_init
        self.input_dim = None if input_dim is None else int(input_dim)

    def compute_output_shape(self, input_shape):
        return (self.units,)

    def param_shapes(self, input_shape):
        fan_in = math.prod(input_shape)
        if self.input_dim is not None and self.input_dim != fan_in:
            raise DigitnetError(
                f"dense layer expects {self.input_dim} inputs but the layer below gives {fan_in}; fix the layer sizes"
            )
        return {"W": (fan_in, self.units), "b": (self.units,)}

    def create_params(self, input_shape, rng, dtype):
        shapes = self.param_shapes(input_shape)
        fan_in = shapes["W"][0]
        return {"W": initialize(self.init, shapes["W"], fan_in, self.units, rng, dtype),
                "b": initialize(self.bias_init, shapes["b"], fan_in, self.units, rng, dtype)}

    def build(self, input_shape, rng, dtype):
        out = super().build(input_shape, rng, dtype)  # remember the input size, for get_config and describe
        self.input_dim = math.prod(self.input_shape)
        return out

    def cost(self, input_shape):
        """The output per sample; one multiply-add per weight, and the bias."""
        fan_in = math.prod(input_shape)
        return self.units, fan_in * self.units + self.units

    def forward(self, x, training=False):
        flat = x.reshape(len(x), -1)
        y = flat @ self.params["W"]
        y += self.params["b"]
        if training:
            self.save_for_backward(flat)
        return y

    def backward(self, grad_out, need_input_grad=True):
        (flat,) = self.saved()
        np.matmul(flat.T, grad_out, out=self.grads["W"])
        grad_out.sum(axis=0, out=self.grads["b"])
        if not need_input_grad:
            return None
        return (grad_out @ self.params["W"].T).reshape((len(grad_out),) + self.input_shape)

    def describe(self):
        return f"Dense {self.input_dim or '?'} -> {self.units} ({self.init})"

    def get_config(self):
        return {"type": self.type_name, "units": self.units, "input_dim": self.input_dim,
                "init": self.init, "bias_init": self.bias_init}
