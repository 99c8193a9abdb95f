"""Flatten (N, C, H, W) feature maps to (N, C*H*W) vectors: the hinge between convolution and dense layers."""

from __future__ import annotations

import math

from digitnet.nn.layers.base import Layer, register


@register
class Flatten(Layer):
    type_name = "flatten"

    def compute_output_shape(self, input_shape):
        return (math.prod(input_shape),)

    def forward(self, x, training=False):
        return x.reshape(len(x), -1)

    def backward(self, grad_out, need_input_grad=True):
        return grad_out.reshape((len(grad_out),) + self.input_shape)
