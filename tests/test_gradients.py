"""Every layer and loss against finite differences, in float64."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.nn import Network
from digitnet.nn.gradcheck import check_layer, numerical_gradient, relative_error
from digitnet.nn.layers import Dense, Dropout, Flatten, Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from digitnet.nn.losses import BinaryCrossEntropy, QuadraticLoss, SoftmaxCrossEntropy

TOL = 1e-6


def built(layer, shape, rng):
    layer.build(shape, rng, np.float64)
    return layer


@pytest.mark.parametrize("layer", [Sigmoid(), Tanh(), ReLU(), LeakyReLU(0.1), Identity(), Softmax()],
                         ids=lambda layer: layer.type_name)
def test_activation_gradients(layer, rng):
    x = rng.standard_normal((5, 7))
    x[np.abs(x) < 1e-3] = 0.5  # keep ReLU kinks away from the finite-difference step
    errors = check_layer(built(layer, (7,), rng), x)
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("shape", [(6,), (2, 3, 4)])
def test_dense_gradients_any_input_shape(shape, rng):
    layer = built(Dense(5, init="glorot", bias_init="normal"), shape, rng)
    errors = check_layer(layer, rng.standard_normal((4, *shape)))
    assert set(errors) == {"input", "W", "b"}
    assert max(errors.values()) < TOL, errors


def test_flatten_gradient(rng):
    errors = check_layer(built(Flatten(), (2, 3, 4), rng), rng.standard_normal((3, 2, 3, 4)))
    assert errors["input"] < TOL


def test_dropout_gradient_uses_the_same_mask(rng):
    layer = built(Dropout(0.5), (10,), rng)
    x = rng.standard_normal((4, 10))
    out = layer.forward(x, training=True)
    mask = out / x  # what survived, scaled by 1 / (1 - rate)
    grad = layer.backward(np.ones_like(x))
    assert np.array_equal(grad, mask)
    assert set(np.unique(mask)) <= {0.0, 2.0}


def test_dropout_is_identity_at_test_time_and_keeps_the_mean(rng):
    layer = built(Dropout(0.3), (1000,), rng)
    x = np.ones((50, 1000))
    assert layer.forward(x, training=False) is x
    assert abs(layer.forward(x, training=True).mean() - 1.0) < 0.02


LOSSES = [QuadraticLoss(), SoftmaxCrossEntropy(), SoftmaxCrossEntropy(smoothing=0.1), BinaryCrossEntropy()]


def loss_id(loss) -> str:
    return loss.name + ("-smoothed" if getattr(loss, "smoothing", 0) else "")


def reference_loss(loss, z: np.ndarray, y: np.ndarray) -> float:
    """Each loss written out from its formula, the slow and obvious way (float64, no shared work)."""
    if isinstance(loss, QuadraticLoss):
        t = np.eye(z.shape[1])[y] if y.ndim == 1 else y
        return 0.5 * np.sum((z - t) ** 2) / len(z)
    if isinstance(loss, SoftmaxCrossEntropy):
        t = np.eye(z.shape[1])[y] if y.ndim == 1 else y
        t = (1 - loss.smoothing) * t + loss.smoothing / z.shape[1]
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return -np.sum(t * np.log(p)) / len(z)
    p = 1 / (1 + np.exp(-z))
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / len(z)


@pytest.mark.parametrize("loss", LOSSES, ids=loss_id)
@pytest.mark.parametrize("targets", ["labels", "one_hot"])
def test_loss_gradients(loss, targets, rng):
    """``loss_and_grad``: the value is the loss's formula and the gradient its finite differences."""
    z = rng.standard_normal((6, 4)) * 3
    labels = rng.integers(0, 4, size=6)
    y = labels if targets == "labels" else np.eye(4)[labels]
    if isinstance(loss, BinaryCrossEntropy):
        y = (rng.random((6, 4)) > 0.5).astype(float)
    value, delta = loss.loss_and_grad(z, y)
    assert value == pytest.approx(reference_loss(loss, z, y), rel=1e-12)
    assert relative_error(delta, numerical_gradient(lambda: reference_loss(loss, z, y), z)) < TOL
    assert loss.value(z, y) == value  # the value alone is the same computation's first half


def test_whole_network_gradient_matches_finite_differences(rng):
    net = Network.from_sizes([5, 4, 3, 3], activation="tanh", dtype=np.float64, seed=3, inputs="features")
    X, y = rng.standard_normal((8, 5)), rng.integers(0, 3, size=8)
    net.forward(X, training=True)
    _, delta = net.loss.loss_and_grad(net.forward(X, training=True), y)
    net.backward(delta)
    for p in net.parameters():
        numeric = numerical_gradient(lambda: net.loss.value(net.forward(X), y), p.value)
        assert relative_error(p.grad, numeric) < TOL, p.name


def test_softmax_layer_plus_quadratic_matches_numeric(rng):
    """A network that keeps its softmax layer (no fused loss) must still backpropagate through it."""
    net = Network([Dense(3, input_dim=4), Softmax()], loss="quadratic", dtype=np.float64, seed=1, inputs="features")
    X, y = rng.standard_normal((5, 4)), rng.integers(0, 3, size=5)
    _, delta = net.loss.loss_and_grad(net.forward(X, training=True), y)
    net.backward(delta)
    W = net.parameters()[0]
    assert relative_error(W.grad, numerical_gradient(lambda: net.loss.value(net.forward(X), y), W.value)) < TOL


@pytest.mark.parametrize("targets", ["labels", "one_hot"])
def test_label_smoothing_is_cross_entropy_against_the_smoothed_target(targets, rng):
    z, labels, s = rng.standard_normal((5, 4)) * 3, rng.integers(0, 4, size=5), 0.2
    y = labels if targets == "labels" else np.eye(4)[labels]
    target = (1 - s) * np.eye(4)[labels] + s / 4
    log_p = z - z.max(axis=1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    loss, delta = SoftmaxCrossEntropy(smoothing=s).loss_and_grad(z, y)
    assert loss == pytest.approx(-np.mean(np.sum(target * log_p, axis=1)), rel=1e-10)
    np.testing.assert_allclose(delta, (np.exp(log_p) - target) / 5, atol=1e-12)
