"""2-D convolution: the same small set of weights applied at every position of the image.

A dense layer on MNIST gives every pixel its own weight for every unit, so it must learn a "7" at each
position separately. A convolution learns a few small kernels (e.g. 20 of 5x5) and slides each one over
the whole image: far fewer weights, and a feature found in one place is found everywhere (Nielsen's
"shared weights and local receptive fields", LeCun et al. 1998).

With the patches unfolded into columns (see ``im2col.py``), each image's output is one matrix product:

    cols_n:  (C*kh*kw, OH*OW)   one column per output position
    W:       (F, C*kh*kw)       one row per filter
    y_n = W @ cols_n + b        (F, OH*OW), already in (channels, height, width) order

and the backward pass is two more products plus the fold back:

    dL/dW = sum over n of g_n @ cols_n^T      dL/db = sum of g over images and positions
    dL/dcols_n = W^T @ g_n                    dL/dx = col2im(dL/dcols)
"""

from __future__ import annotations

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.initializers import get_initializer, initialize
from digitnet.nn.layers.base import Layer, register
from digitnet.nn.layers.im2col import check_image_input, col2im, im2col, output_size, pair

#: in inference, unfold at most this many column entries at a time (256 MB of float32) so that scoring
#: 10,000 test images does not need gigabytes of columns; training batches are small and unfold whole
EVAL_CHUNK_ELEMENTS = 64 * 2**20


@register
class Conv2D(Layer):
    """``filters`` kernels of ``kernel_size`` over (C, H, W) inputs, giving (filters, OH, OW).

    ``padding`` adds that many zero pixels on each side (``padding=2`` keeps 28x28 at 28x28 for a 5x5
    kernel); ``"same"`` picks it for you when the stride is 1 and the kernel odd.
    """

    type_name = "conv2d"
    decayed = ("W",)

    def __init__(self, filters: int, kernel_size=5, stride=1, padding=0, init: str = "he",
                 bias_init: str = "zeros", in_channels: int | None = None):
        super().__init__()
        if int(filters) < 1:
            raise DigitnetError(f"a conv2d layer needs at least 1 filter, got {filters}")
        get_initializer(init), get_initializer(bias_init)  # fail early on a typo
        self.filters, self.init, self.bias_init = int(filters), init, bias_init
        self.kernel_size = pair(kernel_size, "conv2d kernel_size")
        self.stride = pair(stride, "conv2d stride")
        if padding == "same":
            if self.stride != (1, 1) or min(self.kernel_size) % 2 == 0:
                raise DigitnetError("conv2d padding='same' needs stride 1 and an odd kernel size; give a number instead")
            padding = (self.kernel_size[0] // 2, self.kernel_size[1] // 2)
        self.padding = pair(padding, "conv2d padding")
        self.in_channels = None if in_channels is None else int(in_channels)

    def compute_output_shape(self, input_shape):
        _, h, w = check_image_input(input_shape, "a conv2d layer")
        what = f"conv2d {self.kernel_size[0]}x{self.kernel_size[1]}"
        oh = output_size(h, self.kernel_size[0], self.stride[0], self.padding[0], what)
        ow = output_size(w, self.kernel_size[1], self.stride[1], self.padding[1], what)
        return (self.filters, oh, ow)

    def create_params(self, input_shape, rng, dtype):
        c, _, _ = check_image_input(input_shape, "a conv2d layer")
        if self.in_channels is not None and self.in_channels != c:
            raise DigitnetError(f"conv2d expects {self.in_channels} input channels but the layer below gives {c}")
        self.in_channels = c
        kh, kw = self.kernel_size
        fan_in, fan_out = c * kh * kw, self.filters * kh * kw
        return {"W": initialize(self.init, (self.filters, c, kh, kw), fan_in, fan_out, rng, dtype),
                "b": initialize(self.bias_init, (self.filters,), fan_in, fan_out, rng, dtype)}

    def forward(self, x, training=False):
        if training:
            y, cols = self._convolve(x)
            self.save_for_backward(cols)
            return y
        n, (_, oh, ow) = len(x), self.output_shape
        per_image = self.params["W"][0].size * oh * ow  # column entries one image unfolds into
        step = max(1, EVAL_CHUNK_ELEMENTS // per_image)  # a big inference batch is unfolded in chunks
        if n <= step:
            return self._convolve(x)[0]
        return np.concatenate([self._convolve(x[i:i + step])[0] for i in range(0, n, step)])

    def _convolve(self, x):
        n, (f, oh, ow) = len(x), self.output_shape
        cols = im2col(x, self.kernel_size, self.stride, self.padding).reshape(n, -1, oh * ow)
        y = np.matmul(self.params["W"].reshape(f, -1), cols)  # (N, F, OH*OW): one product per image
        y += self.params["b"][:, None]
        return y.reshape(n, f, oh, ow), cols

    def backward(self, grad_out, need_input_grad=True):
        (cols,) = self.saved()
        n, (f, oh, ow) = len(grad_out), self.output_shape
        g = grad_out.reshape(n, f, oh * ow)
        np.sum(np.matmul(g, cols.transpose(0, 2, 1)), axis=0, out=self.grads["W"].reshape(f, -1))
        np.sum(g, axis=(0, 2), out=self.grads["b"])
        if not need_input_grad:
            return None
        dcols = np.matmul(self.params["W"].reshape(f, -1).T, g)  # (N, C*kh*kw, OH*OW)
        return col2im(dcols.reshape(n, self.in_channels, *self.kernel_size, oh, ow), (n,) + self.input_shape,
                      self.stride, self.padding)

    def describe(self):
        kh, kw = self.kernel_size
        extra = "".join([f" s{self.stride[0]}" if self.stride != (1, 1) else "",
                         f" p{self.padding[0]}" if self.padding != (0, 0) else ""])
        return f"Conv2D {self.filters}x{kh}x{kw}{extra} ({self.init})"

    def get_config(self):
        return {"type": self.type_name, "filters": self.filters, "kernel_size": list(self.kernel_size),
                "stride": list(self.stride), "padding": list(self.padding), "init": self.init,
                "bias_init": self.bias_init, "in_channels": self.in_channels}
