"""Pooling: summarise each small window of a feature map by one number, shrinking the map.

After a convolution has marked *where* a feature is, pooling keeps *whether* it is roughly there:
2x2 pooling halves the height and width, so the next layer sees a wider area for the same cost and
small shifts of the digit change little. Pooling has no parameters.

- max pooling keeps the strongest response in each window (Nielsen's chapter 6, most modern networks);
  its gradient flows only to the pixel that won (found again in the backward pass);
- average pooling keeps the mean (LeNet-5's subsampling); its gradient is shared equally.

Like ``im2col``, both work one window position at a time over the whole batch: ``x[:, :, p::s, q::s]``
(cropped to the output size) is the pixel at offset (p, q) of *every* window of every image. A 2x2
max pool is then a four-round tournament between four such slices, and the backward pass adds the
gradient back through the same four slices. Windows that do not fit at the right or bottom edge are
dropped (floor mode, as in PyTorch): 7x7 pooled by 2 gives 3x3.
"""

from __future__ import annotations

import numpy as np

from digitnet.nn.layers.base import Layer, register
from digitnet.nn.layers.im2col import check_image_input, output_size, pair


class _Pool2D(Layer):
    """What max and average pooling share: window size, stride and the window-offset slices."""

    def __init__(self, size=2, stride=None):
        super().__init__()
        self.size = pair(size, f"{self.type_name} size")
        self.stride = pair(self.size if stride is None else stride, f"{self.type_name} stride")

    def compute_output_shape(self, input_shape):
        c, h, w = check_image_input(input_shape, f"a {self.type_name} layer")
        what = f"{self.type_name} {self.size[0]}x{self.size[1]}"
        return (c, output_size(h, self.size[0], self.stride[0], 0, what),
                output_size(w, self.size[1], self.stride[1], 0, what))

    def offsets(self):
        """For each position (p, q) inside a window: the index that picks it from every window at once."""
        (kh, kw), (sh, sw), (_, oh, ow) = self.size, self.stride, self.output_shape
        return [(slice(None), slice(None), slice(p, p + sh * (oh - 1) + 1, sh), slice(q, q + sw * (ow - 1) + 1, sw))
                for p in range(kh) for q in range(kw)]

    def describe(self):
        stride = f" stride {self.stride[0]}" if self.stride != self.size else ""
        return f"{type(self).__name__} {self.size[0]}x{self.size[1]}{stride}"

    def get_config(self):
        return {"type": self.type_name, "size": list(self.size), "stride": list(self.stride)}


@register
class MaxPool2D(_Pool2D):
    type_name = "maxpool2d"

    def forward(self, x, training=False):
        offsets = self.offsets()
        best = x[offsets[0]].copy()
        for index in offsets[1:]:
            np.maximum(best, x[index], out=best)
        if training:
            self.save_for_backward(x, best)
        return best

    def backward(self, grad_out, need_input_grad=True):
        """The gradient of each window goes to its winner: the first pixel, in window order, equal to the max."""
        x, best = self.saved()
        dx = np.zeros(x.shape, dtype=grad_out.dtype)
        unclaimed = np.ones(best.shape, dtype=bool)  # windows whose winner is not found yet (ties: first wins)
        wins, share = np.empty(best.shape, dtype=bool), np.empty_like(grad_out)
        for index in self.offsets():
            np.equal(x[index], best, out=wins)
            wins &= unclaimed
            unclaimed ^= wins
            np.multiply(grad_out, wins, out=share)
            dx[index] += share  # += because overlapping windows share pixels
        return dx


@register
class AvgPool2D(_Pool2D):
    type_name = "avgpool2d"

    def forward(self, x, training=False):
        offsets = self.offsets()
        total = x[offsets[0]].copy()
        for index in offsets[1:]:
            total += x[index]
        return total * np.asarray(1 / len(offsets), x.dtype)

    def backward(self, grad_out, need_input_grad=True):
        share = grad_out * np.asarray(1 / (self.size[0] * self.size[1]), grad_out.dtype)
        dx = np.zeros((len(grad_out),) + self.input_shape, dtype=grad_out.dtype)
        for index in self.offsets():
            dx[index] += share
        return dx
