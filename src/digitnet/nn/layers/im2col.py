"""im2col and col2im: how convolution and pooling become plain array operations.

A convolution slides a small kernel over the image and takes a dot product at every position. Doing
that with Python loops over images and pixels would be hopelessly slow, so we *unfold* the input
instead: for every output position we copy the input patch under the kernel into a column. Then

    convolution = one matrix product (kernel weights) @ (columns)
    max pooling = a max over each column

and the whole batch is handled by NumPy's compiled loops and BLAS.

Layout (NCHW, like PyTorch): an input batch is (N, C, H, W). The columns are kept as
(N, C, kh, kw, OH, OW): element [n, c, p, q, i, j] is the input pixel that kernel offset (p, q) sees
when the output is at (i, j), i.e. ``x_padded[n, c, i*stride + p, j*stride + q]``. With this order,
``cols.reshape(N, C*kh*kw, OH*OW)`` is, for each image, the matrix whose columns are the patches.

We fill it with one strided copy per kernel offset (kh*kw copies, 25 for a 5x5 kernel), each moving a
whole (N, C, OH, OW) block at once: far faster than gathering tiny 5x5 patches one by one.
``col2im`` is the exact reverse (the adjoint), needed by the backward pass: each column entry is added
back onto the input pixel it came from; pixels that several patches share receive the sum.
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


def im2col(x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int]) -> np.ndarray:
    """Unfold a batch (N, C, H, W) into patch columns (N, C, kh, kw, OH, OW), zero padding included."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    n, c, h, w = x.shape
    oh, ow = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    if ph or pw:
        padded = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=x.dtype)
        padded[:, :, ph:ph + h, pw:pw + w] = x
        x = padded
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=x.dtype)
    for p in range(kh):
        for q in range(kw):
            # every output position's pixel at kernel offset (p, q), for all images and channels at once
            cols[:, :, p, q] = x[:, :, p:p + sh * (oh - 1) + 1:sh, q:q + sw * (ow - 1) + 1:sw]
    return cols


def col2im(cols: np.ndarray, input_shape: tuple[int, int, int, int], stride: tuple[int, int],
           padding: tuple[int, int]) -> np.ndarray:
    """Fold columns (N, C, kh, kw, OH, OW) back to (N, C, H, W), summing where patches overlap.

    This is the transpose of :func:`im2col`, so the gradient with respect to the input is
    ``col2im(gradient with respect to the columns)``. Padding pixels are dropped at the end.
    """
    n, c, kh, kw, oh, ow = cols.shape
    (sh, sw), (ph, pw) = stride, padding
    _, _, h, w = input_shape
    dx = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    for p in range(kh):
        for q in range(kw):
            dx[:, :, p:p + sh * (oh - 1) + 1:sh, q:q + sw * (ow - 1) + 1:sw] += cols[:, :, p, q]
    if ph or pw:
        dx = dx[:, :, ph:ph + h, pw:pw + w]
    return dx


def check_image_input(input_shape: tuple[int, ...], what: str) -> tuple[int, int, int]:
    """Convolution and pooling need per-sample inputs shaped (channels, height, width)."""
    if len(input_shape) != 3:
        raise DigitnetError(
            f"{what} needs inputs shaped (channels, height, width), but gets {tuple(input_shape)}; "
            "give the network input_shape=(1, 28, 28) for MNIST, and put convolutions before any flatten or dense layer"
        )
    return tuple(int(s) for s in input_shape)
