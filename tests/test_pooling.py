"""Max and average pooling: gradients, a slow reference, ties, floor mode and errors."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.errors import DigitnetError
from digitnet.nn.gradcheck import check_layer
from digitnet.nn.layers import AvgPool2D, MaxPool2D, layer_from_config

TOL = 1e-6
SHAPES = [  # (size, stride, per-sample input shape)
    (2, None, (3, 4, 6)),      # the usual 2x2, stride 2
    (2, None, (2, 5, 7)),      # odd sizes: the last row and column are dropped
    (3, 2, (2, 7, 7)),         # overlapping windows
    ((2, 3), 1, (1, 4, 5)),    # non-square window, stride 1
]


def reference_pool(x, size, stride, reduce):
    (kh, kw), (sh, sw) = size, stride
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = reduce(x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw], axis=(2, 3))
    return y


@pytest.mark.parametrize("cls,reduce", [(MaxPool2D, np.max), (AvgPool2D, np.mean)], ids=["max", "avg"])
@pytest.mark.parametrize("size,stride,shape", SHAPES, ids=str)
def test_gradients_and_forward(cls, reduce, size, stride, shape, rng):
    layer = cls(size, stride)
    layer.build(shape, rng, np.float64)
    x = rng.standard_normal((3, *shape))  # continuous values: no ties, so max has a gradient everywhere
    y = layer.forward(x)
    assert y.shape == (3, *layer.output_shape)
    assert np.allclose(y, reference_pool(x, layer.size, layer.stride, reduce))
    assert check_layer(layer, x)["input"] < TOL


def test_max_pool_sends_each_gradient_to_one_winner_even_with_ties(rng):
    """After ReLU many windows are all zeros; the gradient must not be copied to every tied pixel."""
    layer = MaxPool2D(2)
    layer.build((1, 4, 4), rng, np.float32)
    x = np.zeros((1, 1, 4, 4), np.float32)
    x[0, 0, 0, 1] = 3.0
    layer.forward(x, training=True)
    dx = layer.backward(np.ones((1, 1, 2, 2), np.float32))
    assert dx.sum() == 4 and dx[0, 0, 0, 1] == 1
    windows = dx.reshape(2, 2, 2, 2)  # (window row, row inside, window column, column inside)
    assert np.all(np.count_nonzero(windows, axis=(1, 3)) == 1)


def reference_max_pool_gradient(x, grad_out, size, stride, order):
    """Each window's gradient to the first of its largest pixels, ``order`` listing the positions (p, q)
    inside a window from first to last."""
    (kh, kw), (sh, sw) = size, stride
    dx = np.zeros_like(x)
    n, c, oh, ow = grad_out.shape
    for b in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    window = x[b, ch, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    p, q = next((p, q) for p, q in order if window[p, q] == window.max())
                    dx[b, ch, i * sh + p, j * sw + q] += grad_out[b, ch, i, j]
    return dx


@pytest.mark.parametrize("size,stride,shape", [
    (2, None, (2, 4, 6)),  # the usual 2x2: two stages of pairs
    (3, None, (1, 6, 7)),  # 3x3 of stride 3: two stages of threes
    (3, 2, (2, 7, 7)),     # overlapping windows: a tournament
    (2, 1, (1, 4, 5)),     # overlapping 2x2
], ids=str)
def test_max_pool_ties_go_to_the_first_pixel_as_the_docstring_promises(size, stride, shape, rng):
    """Ties are the rule after ReLU (whole windows of zeros): the gradient goes to the first largest pixel
    of each window. Windows that do not overlap are pooled rows first, so "first" is in column order
    (top before bottom, then left before right); overlapping windows hold a tournament in row order."""
    layer = MaxPool2D(size, stride)
    layer.build(shape, rng, np.float32)
    x = rng.integers(0, 3, (3, *shape)).astype(np.float32)  # three values: ties in most windows
    x[0] = 0  # and whole windows of zeros
    grad_out = rng.uniform(1, 2, (3, *layer.output_shape)).astype(np.float32)
    layer.forward(x, training=True)
    (kh, kw) = layer.size
    order = ([(p, q) for p in range(kh) for q in range(kw)] if layer.overlapping
             else [(p, q) for q in range(kw) for p in range(kh)])
    expected = reference_max_pool_gradient(x, grad_out, layer.size, layer.stride, order)
    np.testing.assert_allclose(layer.backward(grad_out), expected, rtol=1e-6)
    # a window of equal pixels: the top-left one takes it all, in either order
    assert np.all(layer.backward(grad_out)[0, :, 0, 0] == grad_out[0, :, 0, 0])


def test_avg_pool_spreads_the_gradient_evenly(rng):
    layer = AvgPool2D(2)
    layer.build((1, 4, 4), rng, np.float32)
    layer.forward(rng.random((1, 1, 4, 4), dtype=np.float32), training=True)
    assert np.all(layer.backward(np.ones((1, 1, 2, 2), np.float32)) == 0.25)


@pytest.mark.parametrize("make_layer,shape,message", [
    (lambda: MaxPool2D(3), (2, 2, 2), "does not fit"),
    (lambda: AvgPool2D(2), (16,), "channels, height, width"),
    (lambda: MaxPool2D(2, stride=0), (1, 4, 4), "stride must be at least 1"),
])
def test_bad_configurations_give_clear_errors(make_layer, shape, message, rng):
    with pytest.raises(DigitnetError, match=message):
        make_layer().build(shape, rng, np.float32)


def test_config_round_trip():
    for layer in (MaxPool2D(3, 2), AvgPool2D((2, 3))):
        assert layer_from_config(layer.get_config()).get_config() == layer.get_config()
