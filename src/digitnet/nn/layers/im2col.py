"""im2col and col2im: how convolution becomes one big matrix product.

A convolution slides a small kernel over the image and takes a dot product at every position. With
Python loops over images and pixels that is hopelessly slow, so we *unfold* the input instead: for
every output position of every image we copy the patch under the kernel into one column of a matrix.
Then

    convolution of the whole batch = (kernel weights, one row per filter) @ (patch columns)

is ONE matrix product, which BLAS runs at full speed on every core.

Layout: channel first, then batch. A layer sees its input as (N, C, H, W), the order PyTorch and ONNX
use and model files describe, but works on the same numbers viewed as (C, N, H, W) (:func:`cnhw`, a
free transpose). Every image layer here hands on outputs whose memory is in (C, N, H, W) order, so the
next layer's view is contiguous again and nothing is transposed in a copy. Why this order:

- the patch columns are (C, kh, kw, N, OH, OW): row (c, p, q) holds, for every image and output
  position, the pixel of channel c at kernel offset (p, q). Filling row block (:, p, q) is one copy of
  whole image rows, contiguous on both sides, and the rows are in the order of the weights
  (F, C, kh, kw), so the weights need no rearranging;
- the product's result (F, N*OH*OW) already *is* the output, in (F, N, OH, OW) order;
- batch normalisation's per-channel sums run along contiguous rows, and pooling's window slices keep
  whole rows.

(Channels last, (N*OH*OW, kh*kw*C) rows, was tried first: filling it writes runs of C values at a stride,
five times slower for the 32-channel layers, and OpenBLAS was slow on its weight-gradient product.)

Small outputs: batch last. When an output row is short (8 pixels for the second convolution of a
MNIST network), each copy above moves only 8 numbers at a time, and folding the gradient back
(``col2im``) is 25 adds of many short runs: slower than the layer's matrix products. Such a layer
(:class:`~digitnet.nn.layers.conv.Conv2D` decides, by the width of its output) copies its input once
into (C, H, W, N) order, the batch last, so a window's rows are runs of OW*N numbers; its columns are
(C, kh, kw, OH, OW, N), and its output and gradient are copied back to channel-first order. The
second convolution of the default network takes 0.58 of the time this way, forward and backward
(``benchmarks/conv_layout.py``).

``col2im`` is the exact reverse of ``im2col`` (its adjoint), which the backward pass needs: each entry
is added back onto the pixel it came from, so pixels that several patches share receive the sum.
"""

from __future__ import annotations

import numpy as np

from digitnet.errors import DigitnetError


def pair(value, name: str) -> tuple[int, int]:
    """``5`` -> (5, 5); ``(3, 5)`` -> (3, 5). Kernel sizes, strides and paddings may be either."""
    if isinstance(value, (int, np.integer)):
        value = (value, value)
    try:
        a, b = (int(v) for v in value)
    except (TypeError, ValueError):
        raise DigitnetError(f"{name} must be a whole number or a pair of them, got {value!r}") from None
    return a, b


def output_size(size: int, kernel: int, stride: int, padding: int, what: str = "layer") -> int:
    """Positions a kernel fits in along one axis: floor((size + 2 padding - kernel) / stride) + 1."""
    if kernel < 1 or stride < 1 or padding < 0:
        raise DigitnetError(f"{what}: kernel and stride must be at least 1 and padding at least 0 "
                            f"(got kernel {kernel}, stride {stride}, padding {padding})")
    if kernel > size + 2 * padding:
        raise DigitnetError(f"{what}: a kernel of {kernel} does not fit an input of {size} pixels"
                            f"{f' padded by {padding}' if padding else ''}; use a smaller kernel, more "
                            "padding or fewer pooling layers before it")
    return (size + 2 * padding - kernel) // stride + 1


def check_image_input(input_shape: tuple[int, ...], what: str) -> tuple[int, int, int]:
    """Convolution and pooling need per-sample inputs shaped (channels, height, width)."""
    if len(input_shape) != 3:
        raise DigitnetError(
            f"{what} needs inputs shaped (channels, height, width), but gets {tuple(input_shape)}; "
            "give the network input_shape=(1, 28, 28) for MNIST, and put convolutions before any flatten or dense layer"
        )
    c, h, w = (int(s) for s in input_shape)
    return c, h, w


def cnhw(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) seen as (C, N, H, W), and back: a free transpose (it is its own inverse).

    An image layer works on ``cnhw(x)`` and returns ``cnhw(result)``, so its output has channel-first
    memory under the (N, C, H, W) shape every layer speaks.
    """
    return x.transpose(1, 0, 2, 3)


def window_slices(stride, out_hw, p: int, q: int, batch_last: bool = False) -> tuple:
    """The index of kernel offset (p, q) in every window at once, for a (C, N, H, W) array, or a
    (C, H, W, N) one when ``batch_last``."""
    (sh, sw), (oh, ow) = stride, out_hw
    rows, columns = slice(p, p + sh * (oh - 1) + 1, sh), slice(q, q + sw * (ow - 1) + 1, sw)
    return (slice(None), rows, columns, slice(None)) if batch_last else (slice(None), slice(None), rows, columns)


def pad(x: np.ndarray, padding: tuple[int, int], out: np.ndarray | None = None) -> np.ndarray:
    """(C, N, H, W) with ``padding`` rows and columns of zeros on every side: into ``out`` when given
    (a reused buffer, or a view of one), else a new array (or ``x`` itself if there is no padding)."""
    ph, pw = padding
    c, n, h, w = x.shape
    if out is None and not (ph or pw):
        return x
    if out is None:
        out = np.zeros((c, n, h + 2 * ph, w + 2 * pw), x.dtype)
    else:  # a reused buffer: only the border must be zeroed, the inside is overwritten
        out[:, :, :ph], out[:, :, h + ph:], out[:, :, :, :pw], out[:, :, :, w + pw:] = 0, 0, 0, 0
    out[:, :, ph:ph + h, pw:pw + w] = x
    return out


def batch_last(x: np.ndarray, padding: tuple[int, int], out: np.ndarray | None = None) -> np.ndarray:
    """An (N, C, H, W) batch copied into (C, H, W, N) order, with ``padding`` zeros around each image:
    :func:`pad` writing through a (C, N, H, W) view of the batch-last buffer."""
    ph, pw = padding
    n, c, h, w = x.shape
    if out is None:
        out = np.empty((c, h + 2 * ph, w + 2 * pw, n), x.dtype)
    pad(x.transpose(1, 0, 2, 3), padding, out=np.moveaxis(out, 3, 1))
    return out


def im2col(x: np.ndarray, kernel, stride, out: np.ndarray | None = None, batch_last: bool = False) -> np.ndarray:
    """Patch columns (C, kh, kw, N, OH, OW) of an already padded (C, N, H, W) batch; with ``batch_last``,
    (C, kh, kw, OH, OW, N) of a (C, H, W, N) batch."""
    (kh, kw) = kernel
    c, n, h, w = (x.shape[0], x.shape[3], *x.shape[1:3]) if batch_last else x.shape
    oh, ow = output_size(h, kh, stride[0], 0), output_size(w, kw, stride[1], 0)
    if out is None:
        out = np.empty((c, kh, kw, oh, ow, n) if batch_last else (c, kh, kw, n, oh, ow), x.dtype)
    for p in range(kh):
        for q in range(kw):
            out[:, p, q] = x[window_slices(stride, (oh, ow), p, q, batch_last)]
    return out


def col2im(cols: np.ndarray, padded_hw: tuple[int, int], stride, batch_last: bool = False) -> np.ndarray:
    """Fold patch columns (C, kh, kw, N, OH, OW) back to a padded (C, N, H, W) batch, summing overlaps
    (with ``batch_last``, (C, kh, kw, OH, OW, N) back to (C, H, W, N)).

    The transpose of :func:`im2col`: the gradient with respect to the input is ``col2im`` of the
    gradient with respect to the patch columns.
    """
    if batch_last:
        c, kh, kw, oh, ow, n = cols.shape
        dx = np.zeros((c, *padded_hw, n), cols.dtype)
    else:
        c, kh, kw, n, oh, ow = cols.shape
        dx = np.zeros((c, n, *padded_hw), cols.dtype)
    for p in range(kh):
        for q in range(kw):
            dx[window_slices(stride, (oh, ow), p, q, batch_last)] += cols[:, p, q]
    return dx
