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
