"""Pooling: summarise each small window of a feature map by one number, shrinking the map.

After a convolution has marked *where* a feature is, pooling keeps *whether* it is roughly there:
2x2 pooling halves the height and width, so the next layer sees a wider area for the same cost and
small shifts of the digit change little. Pooling has no parameters.

- max pooling keeps the strongest response in each window (Nielsen's chapter 6, most modern networks);
  its gradient flows only to the pixel that won;
- average pooling keeps the mean (LeNet-5's subsampling); its gradient is shared equally.

Both work on the whole batch at once, channel first (see ``im2col.py``), with no loop over images or
pixels. Windows that do not fit at the right or bottom edge are dropped (floor mode, as in PyTorch):
7x7 pooled by 2 gives 3x3.

Windows that do not overlap (the usual 2x2 of stride 2) are pooled in two stages: first neighbouring
rows, ``x[:, :, 0::2]`` against ``x[:, :, 1::2]`` (whole contiguous rows, the fast case for NumPy), then
neighbouring columns of the half-size result. Max pooling keeps, in training, which of the two won at
each stage (a boolean per value), so the backward pass sends each gradient straight to its winner:
the first one in column order (top before bottom, then left before right) when several tie, because
after ReLU many windows are all zeros and the gradient must not be copied to every tied pixel.

Overlapping windows (a 3x3 of stride 2) go position by position instead: ``x[:, :, p::s, q::s]``
(cropped to the output size) is the pixel at offset (p, q) of *every* window, and a max pool is a
tournament between such slices, keeping the round each window's winner came from.
"""

from __future__ import annotations

import math

import numpy as np

from digitnet.nn.layers.base import Layer, register
from digitnet.nn.layers.im2col import check_image_input, cnhw, output_size, pair, window_slices


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

    def cost(self, input_shape):
        """The output per sample, and one comparison (or addition) per window position for each value."""
        out = math.prod(self.compute_output_shape(input_shape))
        return out, out * self.size[0] * self.size[1]

    def offsets(self) -> list[tuple]:
        """For each position (p, q) inside a window: the index that picks it from every window at once."""
        (kh, kw), out_hw = self.size, self.output_shape[1:]
        return [window_slices(self.stride, out_hw, p, q) for p in range(kh) for q in range(kw)]

    @property
    def overlapping(self) -> bool:
        return self.stride[0] < self.size[0] or self.stride[1] < self.size[1]

    def spread(self, parts, n: int, dtype) -> np.ndarray:
        """The input gradient (N, C, H, W), channel first in memory, from each window position's share of it."""
        c, h, w = self.input_shape
        dx = np.zeros((c, n, h, w), dtype)
        for index, part in zip(self.offsets(), parts):
            if self.overlapping:  # pixels shared by windows receive the sum
                dx[index] += part
            else:
                dx[index] = part
        return cnhw(dx)

    def describe(self):
        stride = f" stride {self.stride[0]}" if self.stride != self.size else ""
        return f"{type(self).__name__} {self.size[0]}x{self.size[1]}{stride}"

    def get_config(self):
        return {"type": self.type_name, "size": list(self.size), "stride": list(self.stride)}


def _stage_slices(k: int, axis: int, out: int) -> list[tuple]:
    """The k neighbours along ``axis`` (2 or 3) of every non-overlapping group, cropped to ``out`` groups."""
    return [(slice(None),) * axis + (slice(i, i + k * (out - 1) + 1, k),) for i in range(k)]


def _max_stage(x: np.ndarray, k: int, axis: int, out: int, training: bool):
    """The max of each group of k neighbours along ``axis``, and (in training) which one won (first on ties)."""
    parts = [x[index] for index in _stage_slices(k, axis, out)]
    if k == 1:
        return parts[0], None
    if k == 2:
        return np.maximum(parts[0], parts[1]), (np.greater(parts[1], parts[0]) if training else None)
    best = parts[0].copy()
    winner = np.zeros(best.shape, np.uint8) if training else None
    for i, part in enumerate(parts[1:], start=1):
        if winner is not None:  # in training
            winner[part > best] = i
        np.maximum(best, part, out=best)
    return best, winner


def _route_stage(g: np.ndarray, winner, k: int, axis: int, full: int, out: int) -> np.ndarray:
    """The gradient of a max stage's input: each value of ``g`` goes to the neighbour that won."""
    shape = list(g.shape)
    shape[axis] = full
    dx = np.zeros(shape, g.dtype) if full != k * out else np.empty(shape, g.dtype)
    for i, index in enumerate(_stage_slices(k, axis, out)):
        if k == 1:
            dx[index] = g
        elif k == 2:
            np.multiply(g, winner if i else ~winner, out=dx[index])
        else:
            np.multiply(g, winner == i, out=dx[index])
    return dx


@register
class MaxPool2D(_Pool2D):
    type_name = "maxpool2d"

    def forward(self, x, training=False):
        xc = cnhw(x)
        if self.overlapping:
            return cnhw(self._tournament(xc, training))
        (kh, kw), (_, oh, ow) = self.size, self.output_shape
        rows, row_winner = _max_stage(xc, kh, 2, oh, training)
        best, column_winner = _max_stage(rows, kw, 3, ow, training)
        if training:
            self.save_for_backward(row_winner, column_winner)
        return cnhw(best)

    def backward(self, grad_out, need_input_grad=True):
        """Each window's gradient goes to its winner."""
        g = cnhw(grad_out)
        if self.overlapping:
            (winner,) = self.saved()
            zero = np.zeros((), g.dtype)
            return self.spread((np.where(winner == round_, g, zero) for round_ in range(len(self.offsets()))),
                               len(grad_out), g.dtype)
        row_winner, column_winner = self.saved()
        (kh, kw), (_, h, w), (_, oh, ow) = self.size, self.input_shape, self.output_shape
        rows = _route_stage(g, column_winner, kw, 3, w, ow)
        return cnhw(_route_stage(rows, row_winner, kh, 2, h, oh))

    def _tournament(self, xc: np.ndarray, training: bool) -> np.ndarray:
        offsets = self.offsets()
        best = xc[offsets[0]].copy()
        winner = np.zeros(best.shape, np.uint8) if training else None
        for round_, index in enumerate(offsets[1:], start=1):
            candidate = xc[index]
            if winner is not None:  # training; strictly greater: on a tie the earlier position keeps the window
                winner[candidate > best] = round_
            np.maximum(best, candidate, out=best)
        if training:
            self.save_for_backward(winner)
        return best


@register
class AvgPool2D(_Pool2D):
    type_name = "avgpool2d"

    def forward(self, x, training=False):
        xc, offsets = cnhw(x), self.offsets()
        if not self.overlapping:  # rows first, then columns, as for max pooling
            (kh, kw), (_, oh, ow) = self.size, self.output_shape
            rows = sum(xc[index] for index in _stage_slices(kh, 2, oh))
            total = sum(rows[index] for index in _stage_slices(kw, 3, ow))
        else:
            total = xc[offsets[0]].copy()
            for index in offsets[1:]:
                total += xc[index]
        total *= np.asarray(1 / len(offsets), x.dtype)
        return cnhw(total)

    def backward(self, grad_out, need_input_grad=True):
        share = cnhw(grad_out) * np.asarray(1 / (self.size[0] * self.size[1]), grad_out.dtype)
        return self.spread([share] * len(self.offsets()), len(grad_out), share.dtype)
