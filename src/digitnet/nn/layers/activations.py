"""Activation functions as layers: no parameters, just f(x) forward and f'(x) * grad backward.

In training each one keeps what its derivative needs. For sigmoid and tanh the derivative is cheapest
written in terms of the output (s' = s(1 - s), tanh' = 1 - tanh^2), so they keep the output.
"""

from __future__ import annotations

import numpy as np

from digitnet.nn import functional as F
from digitnet.nn.layers.base import Layer, register


@register
class Sigmoid(Layer):
    """``s(x) = 1 / (1 + e^-x)``: squashes to (0, 1). Saturates for ``|x| >> 1``, which slows learning."""

    type_name = "sigmoid"

    def forward(self, x, training=False):
        y = F.sigmoid(x)
        if training:
            self.save_for_backward(y)
        return y

    def backward(self, grad_out, need_input_grad=True):
        (y,) = self.saved()
        return grad_out * y * (1 - y)


@register
class Tanh(Layer):
    """tanh(x) = 2 s(2x) - 1: like sigmoid but centred on 0, which suits the layer above better."""

    type_name = "tanh"

    def forward(self, x, training=False):
        y = np.tanh(x)
        if training:
            self.save_for_backward(y)
        return y

    def backward(self, grad_out, need_input_grad=True):
        (y,) = self.saved()
        return grad_out * (1 - y * y)


@register
class ReLU(Layer):
    """max(0, x): gradient 1 where the unit is on and 0 where it is off. Cheap and does not saturate.

    In training the comparison is made against an array of zeros kept from batch to batch rather than
    the scalar 0: NumPy's ``maximum`` has a vectorised loop for two arrays of the same shape but not for
    an array and a scalar, and on a hidden layer of a training batch the array form is about three times
    faster. (Inference batches vary in size, so they use the scalar; the result is the same.)
    """

    type_name = "relu"

    def __init__(self):
        super().__init__()
        self._zeros = np.zeros(0)

    def forward(self, x, training=False):
        if not training:
            return np.maximum(x, 0)
        if self._zeros.shape != x.shape or self._zeros.dtype != x.dtype:
            self._zeros = np.zeros_like(x)
        y = np.maximum(x, self._zeros)
        self.save_for_backward(y)
        return y

    def backward(self, grad_out, need_input_grad=True):
        (y,) = self.saved()
        return grad_out * (y > 0)


@register
class LeakyReLU(Layer):
    """x for x > 0, alpha * x otherwise: a small slope keeps 'dead' units learning."""

    type_name = "leaky_relu"

    def __init__(self, alpha: float = 0.01):
        super().__init__()
        self.alpha = float(alpha)

    def forward(self, x, training=False):
        positive = x > 0
        if training:
            self.save_for_backward(positive)
        return np.where(positive, x, x * np.asarray(self.alpha, x.dtype))

    def backward(self, grad_out, need_input_grad=True):
        (positive,) = self.saved()
        return np.where(positive, grad_out, grad_out * np.asarray(self.alpha, grad_out.dtype))

    def get_config(self):
        return {"type": self.type_name, "alpha": self.alpha}


@register
class Identity(Layer):
    """f(x) = x: a linear output (for regression, or for logits handed straight to a loss)."""

    type_name = "identity"

    def forward(self, x, training=False):
        return x

    def backward(self, grad_out, need_input_grad=True):
        return grad_out


@register
class Softmax(Layer):
    """exp(z_i) / sum_j exp(z_j) over the last axis: a probability distribution over classes.

    Its Jacobian is diag(s) - s s^T, so the vector-Jacobian product is s * (g - sum(g * s)).
    When it is the last layer and the loss is softmax cross-entropy, the network skips this layer in
    training and the loss works on the logits directly: simpler, faster and more accurate.
    """

    type_name = "softmax"

    def forward(self, x, training=False):
        s = F.softmax(x)
        if training:
            self.save_for_backward(s)
        return s

    def backward(self, grad_out, need_input_grad=True):
        (s,) = self.saved()
        return s * (grad_out - np.sum(grad_out * s, axis=-1, keepdims=True))


ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leaky_relu": LeakyReLU,
               "identity": Identity, "linear": Identity, "softmax": Softmax}

