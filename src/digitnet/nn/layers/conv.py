"""2-D convolution: the same small set of weights applied at every position of the image.

A dense layer on MNIST gives every pixel its own weight for every unit, so it must learn a "7" at each
position separately. A convolution learns a few small kernels (e.g. 20 of 5x5) and slides each one over
the whole image: far fewer weights, and a feature found in one place is found everywhere (Nielsen's
"shared weights and local receptive fields", LeCun et al. 1998).

With the patches of the whole batch unfolded into columns (``im2col.py``), the layer is three matrix
products, each over the whole batch at once::

    cols:  (C*kh*kw, N*OH*OW)   one column per output position of every image
    Wm:    (F, C*kh*kw)         the kernels, one row per filter (the stored weights, reshaped)
    y = Wm @ cols + b           (F, N*OH*OW): already the output, channel first

    dL/dWm   = g @ cols^T       one product for the whole batch (no sum of N small ones)
    dL/db    = sum of g over every image and position
    dL/dx    two ways, with the same result:
      scatter: dL/dcols = Wm^T @ g, folded back onto the pixels by col2im (an add per kernel offset);
      gather (stride 1): the convolution of g, padded by kh-1-padding, with the kernels flipped and
        their input and output channels swapped: im2col of g and one product, no scatter at all.
      The gather copies F channels where the scatter adds C, so it is taken when F <= C (the
      32 -> 32 and 64 -> 64 layers of a modern network); its one big product also uses every core,
      where the scatter's adds run on one.

The weights are stored as (F, C, kh, kw), as PyTorch and ONNX store them. In training, the large
arrays a step needs (the padded input, the patch columns) are kept from one step to the next and
refilled, because fresh ones of tens of megabytes cost more in page faults than the copying itself;
prediction allocates its own and stores nothing.
"""

from __future__ import annotations

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.initializers import get_initializer, initialize
from digitnet.nn.layers.base import Layer, pair_text, register
from digitnet.nn.layers.im2col import batch_last, check_image_input, cnhw, col2im, im2col, output_size, pad, pair

#: in inference, unfold at most this many patch entries at a time (256 MB of float32) so that scoring
#: 10,000 test images does not need gigabytes of rows; training batches are small and unfold whole
EVAL_CHUNK_ELEMENTS = 64 * 2**20
#: a layer whose output is narrower than this convolves with the batch as the last axis (im2col.py):
#: its window copies move whole runs of OW*N numbers instead of OW (8 -> 1,024 for the default's second
#: convolution: its forward and backward passes take 0.58 of the time, benchmarks/conv_layout.py); wider
#: outputs gain nothing from the two extra copies
BATCH_LAST_BELOW = 16


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
                raise DigitnetError("conv2d padding='same' needs stride 1 and an odd kernel size; "
                                    "give a number instead")
            padding = (self.kernel_size[0] // 2, self.kernel_size[1] // 2)
        self.padding = pair(padding, "conv2d padding")
        self.in_channels = None if in_channels is None else int(in_channels)
        self._buffers: dict[str, np.ndarray] = {}

    def compute_output_shape(self, input_shape):
        _, h, w = check_image_input(input_shape, "a conv2d layer")
        what = f"conv2d {self.kernel_size[0]}x{self.kernel_size[1]}"
        oh = output_size(h, self.kernel_size[0], self.stride[0], self.padding[0], what)
        ow = output_size(w, self.kernel_size[1], self.stride[1], self.padding[1], what)
        return (self.filters, oh, ow)

    def param_shapes(self, input_shape):
        c, _, _ = check_image_input(input_shape, "a conv2d layer")
        if self.in_channels is not None and self.in_channels != c:
            raise DigitnetError(f"conv2d expects {self.in_channels} input channels but the layer below gives {c}")
        return {"W": (self.filters, c, *self.kernel_size), "b": (self.filters,)}

    def create_params(self, input_shape, rng, dtype):
        shapes = self.param_shapes(input_shape)
        c, (kh, kw) = shapes["W"][1], self.kernel_size
        fan_in, fan_out = c * kh * kw, self.filters * kh * kw
        return {"W": initialize(self.init, shapes["W"], fan_in, fan_out, rng, dtype),
                "b": initialize(self.bias_init, shapes["b"], fan_in, fan_out, rng, dtype)}

    def build(self, input_shape, rng, dtype):
        out = super().build(input_shape, rng, dtype)  # remember the channels, for get_config
        self.in_channels = self.input_shape[0]
        return out

    def cost(self, input_shape):
        """Per sample: the output, the unfolded patches or the padded input, whichever is largest (the
        columns are what inference holds, up to EVAL_CHUNK_ELEMENTS for the batch), and one multiply-add
        per kernel weight at every output position, plus the bias."""
        (c, h, w), (kh, kw), (ph, pw) = check_image_input(input_shape, "a conv2d layer"), self.kernel_size, self.padding
        f, oh, ow = self.compute_output_shape(input_shape)
        patches = c * kh * kw * oh * ow
        return max(f * oh * ow, patches, c * (h + 2 * ph) * (w + 2 * pw)), f * patches + f * oh * ow

    # -- forward --------------------------------------------------------------------------------
    def forward(self, x, training=False):
        if training:
            y, cols = self._convolve(x, self._buffer)
            self.save_for_backward(cols)
            return y
        n, (_, oh, ow) = len(x), self.output_shape
        per_image = self.params["W"][0].size * oh * ow  # patch entries one image unfolds into
        step = max(1, EVAL_CHUNK_ELEMENTS // per_image)  # a big inference batch is unfolded in chunks
        if n <= step:
            return self._convolve(x)[0]
        return np.concatenate([self._convolve(x[i:i + step])[0] for i in range(0, n, step)])

    @property
    def batch_last(self) -> bool:
        """Whether this layer unfolds its input in (C, H, W, N) order (a narrow output; see im2col.py)."""
        return self.output_shape[2] < BATCH_LAST_BELOW

    def _convolve(self, x, buffer=None):
        """(output (N, F, OH, OW) with channel-first memory, the patch columns) of a batch (N, C, H, W)."""
        n, (f, oh, ow), (kh, kw), (c, h, w) = len(x), self.output_shape, self.kernel_size, self.input_shape
        (ph, pw), wm = self.padding, self.params["W"].reshape(f, -1)
        if self.batch_last:
            unfolded = batch_last(x, self.padding, out=buffer("padded", (c, h + 2 * ph, w + 2 * pw, n), x.dtype)
                                  if buffer else None)
            cols = im2col(unfolded, self.kernel_size, self.stride, batch_last=True,
                          out=buffer("cols", (c, kh, kw, oh, ow, n), x.dtype) if buffer else None)
            cols = cols.reshape(c * kh * kw, oh * ow * n)
            y = np.empty((f, n, oh, ow), np.result_type(x.dtype, wm.dtype))  # channel first again, with the bias
            bias = self.params["b"][:, None, None, None]
            np.add((wm @ cols).reshape(f, oh, ow, n).transpose(0, 3, 1, 2), bias, out=y)
            return cnhw(y), cols
        padded = pad(cnhw(x), self.padding,
                     out=buffer("padded", (c, n, h + 2 * ph, w + 2 * pw), x.dtype) if buffer and (ph or pw) else None)
        cols = im2col(padded, self.kernel_size, self.stride,
                      out=buffer("cols", (c, kh, kw, n, oh, ow), x.dtype) if buffer else None)
        cols = cols.reshape(c * kh * kw, n * oh * ow)
        y = wm @ cols
        y += self.params["b"][:, None]
        return cnhw(y.reshape(f, n, oh, ow)), cols

    # -- backward -------------------------------------------------------------------------------
    def backward(self, grad_out, need_input_grad=True):
        (cols,) = self.saved()
        n, (f, oh, ow) = len(grad_out), self.output_shape
        if self.batch_last:  # (F, OH, OW, N), in the order of the columns: one copy
            g = np.ascontiguousarray(grad_out.transpose(1, 2, 3, 0)).reshape(f, oh * ow * n)
        else:  # a view when grad_out is channel first, else one copy
            g = cnhw(grad_out).reshape(f, n * oh * ow)
        # (cols @ g^T)^T rather than g @ cols^T: the same numbers, and OpenBLAS is many times faster at it
        self.grads["W"].reshape(f, -1)[...] = (cols @ g.T).T
        np.sum(g, axis=1, out=self.grads["b"])
        if not need_input_grad:
            return None
        (kh, kw), (ph, pw), (c, h, w) = self.kernel_size, self.padding, self.input_shape
        if not self.batch_last and self.stride == (1, 1) and f <= c and ph < kh and pw < kw:
            return cnhw(self._input_grad_by_gather(g.reshape(f, n, oh, ow)))
        dcols = (self.params["W"].reshape(f, -1).T @ g).reshape(
            (c, kh, kw, oh, ow, n) if self.batch_last else (c, kh, kw, n, oh, ow))
        dx = col2im(dcols, (h + 2 * ph, w + 2 * pw), self.stride, batch_last=self.batch_last)
        if self.batch_last:  # (C, H, W, N) back to (C, N, H, W) memory: one copy, of the inside only
            return cnhw(np.ascontiguousarray(np.moveaxis(dx[:, ph:ph + h, pw:pw + w], 3, 1)))
        return cnhw(dx[:, :, ph:ph + h, pw:pw + w])

    def _input_grad_by_gather(self, g: np.ndarray) -> np.ndarray:
        """dL/dx (C, N, H, W) for stride 1: g (F, N, OH, OW), padded by kh-1-padding, correlated with the
        flipped kernels, whose input and output channels trade places."""
        (kh, kw), (ph, pw), (c, h, w) = self.kernel_size, self.padding, self.input_shape
        f, n, oh, ow = g.shape
        around = (kh - 1 - ph, kw - 1 - pw)
        padded = pad(g, around, out=self._buffer("g_padded", (f, n, oh + 2 * around[0], ow + 2 * around[1]), g.dtype)
                     if any(around) else None)  # (g itself when nothing is added around it)
        cols = im2col(padded, self.kernel_size, (1, 1), out=self._buffer("g_cols", (f, kh, kw, n, h, w), g.dtype))
        flipped = self.params["W"][:, :, ::-1, ::-1].transpose(1, 0, 2, 3).reshape(c, -1)
        return (flipped @ cols.reshape(f * kh * kw, -1)).reshape(c, n, h, w)

    def _buffer(self, name: str, shape: tuple, dtype) -> np.ndarray:
        """An array kept from one training step to the next (refilled, not reallocated)."""
        array = self._buffers.get(name)
        if array is None or array.shape != shape or array.dtype != dtype:
            array = self._buffers[name] = np.empty(shape, dtype)
        return array

    # -- describing -----------------------------------------------------------------------------
    def describe(self):
        kh, kw = self.kernel_size
        stride = f" stride {pair_text(self.stride)}" if self.stride != (1, 1) else ""
        padding = f" pad {pair_text(self.padding)}" if self.padding != (0, 0) else ""
        return f"conv {self.filters}@{kh}x{kw}{stride}{padding}"

    def get_config(self):
        return {"type": self.type_name, "filters": self.filters, "kernel_size": list(self.kernel_size),
                "stride": list(self.stride), "padding": list(self.padding), "init": self.init,
                "bias_init": self.bias_init, "in_channels": self.in_channels}

    def __getstate__(self):
        """Copies and pickles leave the training buffers behind (they are refilled at the next step)."""
        return {**self.__dict__, "_buffers": {}}
