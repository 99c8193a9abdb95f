"""Conv2D and the im2col/col2im helpers: gradients, a slow reference, shapes and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.errors import DigitnetError
from digitnet.nn import Network
from digitnet.nn.gradcheck import check_layer
from digitnet.nn.layers import Conv2D, layer_from_config
from digitnet.nn.layers import conv as conv_module
from digitnet.nn.layers.im2col import col2im, im2col

TOL = 1e-6


def reference_conv(x, W, b, stride, padding):
    """The definition, one output value at a time (slow, obviously right)."""
    (sh, sw), (ph, pw) = stride, padding
    x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n, _, h, w = x.shape
    f, _, kh, kw = W.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    y = np.zeros((n, f, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            y[:, :, i, j] = np.tensordot(patch, W, axes=([1, 2, 3], [1, 2, 3])) + b
    return y


CASES = [  # (filters, kernel, stride, padding, per-sample input shape)
    dict(filters=3, kernel_size=3, stride=1, padding=0, shape=(2, 6, 5)),
    dict(filters=2, kernel_size=5, stride=1, padding=2, shape=(1, 5, 5)),      # "same" padding, kernel = input
    dict(filters=4, kernel_size=(3, 2), stride=2, padding=1, shape=(2, 7, 6)),  # stride 2, non-square kernel
    dict(filters=2, kernel_size=3, stride=(2, 3), padding=(0, 1), shape=(3, 8, 7)),  # leftover rows/cols dropped
    dict(filters=3, kernel_size=1, stride=1, padding=0, shape=(4, 3, 3)),      # 1x1 convolution mixes channels
    dict(filters=2, kernel_size=4, stride=1, padding=0, shape=(1, 4, 4)),      # a single output position
    # filters <= channels at stride 1: the input gradient is gathered (a convolution of g), not scattered
    dict(filters=2, kernel_size=3, stride=1, padding=1, shape=(3, 7, 5)),
    dict(filters=3, kernel_size=(3, 5), stride=1, padding=(0, 2), shape=(4, 6, 9)),
    dict(filters=4, kernel_size=2, stride=1, padding=0, shape=(4, 5, 5)),      # even kernel
]


#: both ways of unfolding: channel first (every output wider than 0 pixels is "wide") and batch last
#: (every output narrower than 1,000 pixels is "narrow"); conv.BATCH_LAST_BELOW picks one by width
LAYOUTS = {"channel-first": 0, "batch-last": 1000}


@pytest.fixture(params=list(LAYOUTS))
def layout(request, monkeypatch):
    monkeypatch.setattr(conv_module, "BATCH_LAST_BELOW", LAYOUTS[request.param])
    return request.param


def make(case, rng):
    case = dict(case)
    shape = case.pop("shape")
    layer = Conv2D(**case, bias_init="normal")
    layer.build(shape, rng, np.float64)
    return layer, rng.standard_normal((3, *shape))


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"k{c['kernel_size']}s{c['stride']}p{c['padding']}")
def test_gradients_match_finite_differences(case, layout, rng):
    layer, x = make(case, rng)
    assert layer.batch_last == (layout == "batch-last")
    errors = check_layer(layer, x)
    assert set(errors) == {"input", "W", "b"}
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"k{c['kernel_size']}s{c['stride']}p{c['padding']}")
def test_forward_matches_the_definition(case, layout, rng):
    layer, x = make(case, rng)
    y = layer.forward(x)
    assert y.shape == (len(x), *layer.output_shape)
    assert np.allclose(y, reference_conv(x, layer.params["W"], layer.params["b"], layer.stride, layer.padding))


def test_first_layer_skips_the_input_gradient(layout, rng):
    layer, x = make(CASES[0], rng)
    layer.forward(x, training=True)
    assert layer.backward(np.ones((3, *layer.output_shape)), need_input_grad=False) is None
    assert np.any(layer.grads["W"] != 0)


def test_col2im_is_the_transpose_of_im2col(rng):
    """<im2col(x), c> = <x, col2im(c)> for every x and c: exactly what backpropagation needs."""
    x = rng.standard_normal((3, 2, 9, 10))  # already padded, (C, N, H, W)
    kernel, stride = (3, 2), (2, 1)
    cols = im2col(x, kernel, stride)
    c = rng.standard_normal(cols.shape)
    assert np.isclose(np.sum(cols * c), np.sum(x * col2im(c, x.shape[2:], stride)))


def test_col2im_is_the_transpose_of_im2col_with_the_batch_last(rng):
    x = rng.standard_normal((3, 9, 10, 2))  # already padded, (C, H, W, N)
    kernel, stride = (3, 2), (2, 1)
    cols = im2col(x, kernel, stride, batch_last=True)
    assert cols.shape == (3, 3, 2, 4, 9, 2)
    c = rng.standard_normal(cols.shape)
    assert np.isclose(np.sum(cols * c), np.sum(x * col2im(c, x.shape[1:3], stride, batch_last=True)))
    # the same patches as in channel-first order
    assert np.array_equal(cols, im2col(x.transpose(0, 3, 1, 2), kernel, stride).transpose(0, 1, 2, 4, 5, 3))


@pytest.mark.parametrize("case", CASES[:4], ids=lambda c: f"k{c['kernel_size']}s{c['stride']}p{c['padding']}")
def test_both_layouts_give_the_same_outputs_and_gradients_in_float32(case, rng, monkeypatch):
    """What the default network trains with (float32): the two ways agree to rounding, and the output's
    memory is channel first either way (what the next layer expects)."""
    results = []
    for below in LAYOUTS.values():
        monkeypatch.setattr(conv_module, "BATCH_LAST_BELOW", below)
        layer, x = make(case, np.random.default_rng(5))
        layer.params = {k: v.astype(np.float32) for k, v in layer.params.items()}
        layer.grads = {k: v.astype(np.float32) for k, v in layer.grads.items()}
        y = layer.forward(x.astype(np.float32), training=True)
        assert y.dtype == np.float32 and y.transpose(1, 0, 2, 3).flags.c_contiguous
        dx = layer.backward(np.random.default_rng(6).standard_normal(y.shape).astype(np.float32))
        assert dx.dtype == np.float32
        results.append((y, dx, layer.grads["W"].copy(), layer.grads["b"].copy()))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_kept_buffers_serve_batches_of_every_size(layout, rng):
    """Training refills its padded input and columns from step to step: batches of 3, 5, then 2 images
    (buffers grown, then of another shape) give what a fresh layer gives, border zeros included."""
    layer, _ = make(CASES[1], rng)  # padding 2
    for n in (3, 5, 2, 5):
        x, g = rng.standard_normal((n, 1, 5, 5)), rng.standard_normal((n, 2, 5, 5))
        fresh = Conv2D(2, 5, padding=2)
        fresh.build((1, 5, 5), rng, np.float64)
        fresh.params = {k: v.copy() for k, v in layer.params.items()}
        np.testing.assert_allclose(layer.forward(x, training=True), fresh.forward(x, training=True), atol=1e-12)
        np.testing.assert_allclose(layer.backward(g), fresh.backward(g), atol=1e-12)
        np.testing.assert_allclose(layer.grads["W"], fresh.grads["W"], atol=1e-12)


def test_big_inference_batches_are_unfolded_in_chunks_with_the_same_result(rng, monkeypatch):
    layer, x = make(CASES[2], rng)
    whole = layer.forward(np.concatenate([x] * 5))
    monkeypatch.setattr(conv_module, "EVAL_CHUNK_ELEMENTS", 100)
    chunked = layer.forward(np.concatenate([x] * 5))
    assert np.allclose(whole, chunked)
    with pytest.raises(DigitnetError, match="backward"):
        layer.backward(chunked)


def test_float32_stays_float32(rng):
    layer = Conv2D(4, 3, padding="same")
    layer.build((2, 6, 6), rng, np.float32)
    y = layer.forward(rng.random((5, 2, 6, 6), dtype=np.float32), training=True)
    assert y.dtype == np.float32 and y.shape == (5, 4, 6, 6)
    assert layer.backward(np.ones_like(y)).dtype == np.float32


@pytest.mark.parametrize("make_layer,shape,message", [
    (lambda: Conv2D(4, 7), (1, 5, 5), "does not fit"),
    (lambda: Conv2D(4, 5, padding=1), (1, 2, 2), "padded by 1"),
    (lambda: Conv2D(4, 3), (784,), "channels, height, width"),
    (lambda: Conv2D(4, 3, in_channels=3), (1, 8, 8), "3 input channels"),
    (lambda: Conv2D(4, 3, stride=0), (1, 8, 8), "stride must be at least 1"),
])
def test_bad_configurations_give_clear_errors(make_layer, shape, message, rng):
    with pytest.raises(DigitnetError, match=message):
        make_layer().build(shape, rng, np.float32)


def test_bad_arguments_are_refused_at_once():
    with pytest.raises(DigitnetError, match="at least 1 filter"):
        Conv2D(0)
    with pytest.raises(DigitnetError, match="odd kernel"):
        Conv2D(3, 4, padding="same")
    with pytest.raises(DigitnetError, match="pair"):
        Conv2D(3, "five")


def test_config_round_trip(rng):
    layer = Conv2D(5, (3, 5), stride=2, padding=(1, 2), init="glorot")
    layer.build((2, 9, 9), rng, np.float32)
    again = layer_from_config(layer.get_config())
    assert again.get_config() == layer.get_config()


def test_network_reshapes_flat_mnist_rows_to_images(rng):
    """to_float() gives (N, 784); a network with input_shape (1, 28, 28) takes it as it is."""
    net = Network.from_spec([{"type": "conv2d", "filters": 2, "kernel_size": 5}, {"type": "relu"},
                             {"type": "flatten"}, {"type": "dense", "units": 10}, {"type": "softmax"}],
                            input_shape=(1, 28, 28), seed=0)
    flat = rng.random((4, 784), dtype=np.float32)
    assert np.allclose(net.predict_proba(flat), net.predict_proba(flat.reshape(4, 1, 28, 28)))
    assert net.layers[0].output_shape == (2, 24, 24)
