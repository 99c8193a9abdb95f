"""The fast paths compute the same thing as the simple formulas (correctness, not timing).

Speed work rewrites arithmetic (fused steps, reused arrays, a batch at a time instead of a sample at a
time); these tests pin down that every such rewrite changes results by rounding at most.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from digitnet.nn import Network
from digitnet.nn import functional as F
from digitnet.nn.layers import ReLU
from digitnet.nn.losses import QuadraticLoss, SoftmaxCrossEntropy
from digitnet.nn.optimizers import make_optimizer
from digitnet.train import Trainer

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark_module(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def quiet_trainer(net, lr=0.1, momentum=0.9, **kwargs):
    return Trainer(net, make_optimizer("momentum", net.params, lr, momentum=momentum), progress=False,
                   log=lambda msg: None, **kwargs)


def test_batched_sgd_matches_the_books_per_sample_loop():
    """Nielsen's [784, 30, 10], mini-batch 10, eta 3.0: 300 steps from the same start in the same order
    give the same weights whether gradients are summed sample by sample or computed for the batch."""
    book = load_benchmark_module("nielsen_reference")
    rng = np.random.default_rng(5)
    X = rng.random((3000, 784))  # stands in for MNIST: the arithmetic, not the accuracy, is under test
    labels = rng.integers(0, 10, size=3000)
    net = book.digitnet_book_network(seed=1, dtype=np.float64)
    reference = book.BookNetwork.from_digitnet(net)
    start = net.get_weights()
    book.digitnet_trainer(net, batch_size=10, eta=3.0, seed=2).fit(X, labels)
    reference.sgd_epoch(X, labels, book.first_epoch_order(len(X), seed=2), batch_size=10, eta=3.0)
    expected, got = reference.digitnet_weights(), net.get_weights()
    for name in got:
        assert not np.allclose(got[name], start[name]), f"{name} did not move: the comparison would be empty"
        assert np.allclose(got[name], expected[name], rtol=0, atol=1e-10), name


def plain_momentum_epoch(params, X, y, order, lr, momentum, batch_size):
    """One epoch of a ReLU MLP with softmax cross-entropy and momentum SGD, in the simplest NumPy."""
    W1, b1, W2, b2 = params
    velocity = [np.zeros_like(p) for p in params]
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        x, labels = X[idx], y[idx]
        h = np.maximum(x @ W1 + b1, 0)
        z = h @ W2 + b2
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        d = (p - np.eye(z.shape[1])[labels]) / len(idx)
        dh = (d @ W2.T) * (h > 0)
        grads = [x.T @ dh, dh.sum(axis=0), h.T @ d, d.sum(axis=0)]
        for param, v, g in zip(params, velocity, grads):
            v[...] = momentum * v - lr * g
            param += v


@pytest.mark.parametrize("dtype,tolerance", [(np.float64, 1e-12), (np.float32, 2e-5)])
def test_trainer_epoch_matches_plain_formulas(blobs, dtype, tolerance):
    X, y = blobs
    X = X.astype(dtype)
    net = Network.from_sizes([20, 32, 3], seed=4, dtype=dtype, inputs="features")
    params = [np.array(w, dtype=np.float64) for w in net.get_weights().values()]
    # 600 samples in batches of 128: the last batch is smaller, as in a real epoch
    quiet_trainer(net, lr=0.1, momentum=0.9, epochs=1, batch_size=128, seed=3).fit(X, y)
    order = np.random.default_rng(3).permutation(len(X))
    plain_momentum_epoch(params, X.astype(np.float64), y, order, lr=0.1, momentum=0.9, batch_size=128)
    for got, expected in zip(net.get_weights().values(), params):
        assert np.allclose(got, expected, rtol=0, atol=tolerance)


@pytest.mark.parametrize("targets", ["labels", "one_hot"])
def test_cross_entropy_fast_path_matches_the_textbook_formula(rng, targets):
    z = rng.standard_normal((9, 5)) * 4
    labels = rng.integers(0, 5, size=9)
    y = labels if targets == "labels" else np.eye(5)[labels]
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    loss, delta = SoftmaxCrossEntropy().loss_and_grad(z, y)
    assert loss == pytest.approx(np.mean(-np.log(p[np.arange(9), labels])), rel=1e-12)
    assert np.allclose(delta, (p - np.eye(5)[labels]) / 9, rtol=0, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_quadratic_label_path_equals_the_one_hot_formula_bit_for_bit(rng, dtype):
    a = rng.random((10, 10)).astype(dtype)
    labels = rng.integers(0, 10, 10)
    loss, delta = QuadraticLoss().loss_and_grad(a, labels)
    diff = a - np.eye(10, dtype=dtype)[labels]
    assert np.array_equal(delta, diff / dtype(10))  # the gradient that training uses: exactly the same
    assert loss == pytest.approx(0.5 * np.sum(diff.astype(np.float64) ** 2) / 10, rel=1e-6)
    assert np.array_equal(QuadraticLoss().loss_and_grad(a, np.eye(10, dtype=dtype)[labels])[1], delta)


def test_sigmoid_equals_the_plain_formula_where_that_formula_is_exact(rng):
    x = rng.standard_normal(1000) * 8
    assert np.array_equal(F.sigmoid(x[x >= 0]), 1.0 / (1.0 + np.exp(-x[x >= 0])))
    e = np.exp(x[x < 0])
    assert np.array_equal(F.sigmoid(x[x < 0]), e / (1.0 + e))
    assert F.sigmoid(x.astype(np.float32)).dtype == np.float32


def test_relu_training_path_matches_inference_and_keeps_earlier_outputs(rng):
    relu = ReLU()
    a, b = rng.standard_normal((128, 7)), rng.standard_normal((96, 7))  # a full and a last, smaller batch
    out_a = relu.forward(a, training=True)
    kept = out_a.copy()
    out_b = relu.forward(b, training=True)
    assert np.array_equal(out_b, np.maximum(b, 0)) and np.array_equal(relu.forward(b), out_b)
    assert np.array_equal(out_a, kept), "a later batch must not overwrite an earlier result"
    assert np.array_equal(relu.backward(np.ones_like(b)), (b > 0).astype(float))


def test_predictions_are_fresh_arrays(rng):
    net = Network.from_sizes([6, 5, 3], seed=0, inputs="features")
    first = net.predict_proba(rng.standard_normal((4, 6)))
    kept = first.copy()
    net.predict_proba(rng.standard_normal((4, 6)))
    assert np.array_equal(first, kept)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adam"])
@pytest.mark.parametrize("weight_decay", [0.0, 1e-3])
def test_one_flat_update_equals_one_update_per_array(optimizer, weight_decay, rng):
    """Optimisers update the whole network as one or two flat arrays (``Parameters.groups``); that must
    move every weight exactly as updating each weight matrix and bias vector on its own would."""
    from digitnet.nn.optimizers import make_optimizer

    X, y = rng.random((64, 12)), rng.integers(0, 3, 64)
    nets = [Network.from_sizes([12, 7, 5, 3], seed=3, dtype=np.float64, inputs="features") for _ in range(2)]
    opts = [make_optimizer(optimizer, nets[0].params, 0.05, weight_decay),
            make_optimizer(optimizer, nets[1].parameters(), 0.05, weight_decay)]
    for step in range(5):
        for net, opt in zip(nets, opts):
            _, delta = net.loss.loss_and_grad(net.forward(X[step::5], training=True), y[step::5])
            net.backward(delta)
            opt.step()
    flat, separate = nets[0].get_weights(), nets[1].get_weights()
    for name in flat:
        np.testing.assert_allclose(flat[name], separate[name], rtol=0, atol=1e-14, err_msg=name)
    assert not np.allclose(flat["0.W"], Network.from_sizes([12, 7, 5, 3], seed=3, dtype=np.float64,
                                                            inputs="features").get_weights()["0.W"])


def test_layers_parameters_are_views_of_one_flat_array():
    net = Network.from_sizes([12, 7, 3], seed=0, inputs="features")
    (group,) = net.params.groups()
    assert net.n_parameters <= group.value.size < net.n_parameters + 16 * len(net.parameters())  # little padding
    for p in net.parameters():
        assert np.shares_memory(p.value, group.value) and np.shares_memory(p.grad, group.grad), p.name
    net.set_weights({name: np.full_like(w, 0.5) for name, w in net.get_weights().items()})
    assert np.all(net.layers[0].params["W"] == 0.5) and np.shares_memory(net.layers[0].params["W"], group.value)
    decayed, biases = net.params.groups(weight_decay=True)
    assert decayed.decay and not biases.decay
    assert np.all(decayed.value[:84] == 0.5)  # 0.W (12 x 7) is stored first


def test_a_deep_copy_of_a_network_still_trains(rng):
    """copy.deepcopy turns the views into separate arrays; the optimiser must still move the copy's weights."""
    import copy

    net = Network.from_sizes([12, 7, 3], seed=0, inputs="features")
    original = net.get_weights()
    twin = copy.deepcopy(net)
    assert not np.shares_memory(twin.layers[0].params["W"], net.layers[0].params["W"])
    assert all(np.shares_memory(p.value, twin.params.values) for p in twin.parameters())
    quiet_trainer(twin, epochs=2, lr=0.1, batch_size=16, seed=0).fit(rng.random((64, 12)), rng.integers(0, 3, 64))
    assert not np.allclose(twin.get_weights()["0.W"], original["0.W"])
    for name, w in net.get_weights().items():
        assert np.array_equal(w, original[name]), name  # the original is untouched


def test_benchmark_floor_does_the_products_gather_and_update_without_touching_the_network(rng):
    products = load_benchmark_module("matrix_products").MatrixProducts
    net = Network.from_sizes([12, 8, 3], seed=0, inputs="features")
    X = rng.random((50, 12)).astype(np.float32)
    before = net.get_weights()
    bench = products(net, X, batch_size=16)
    assert bench.epoch() > 0 and bench.floor_epoch() > 0
    assert all(np.array_equal(w, before[k]) for k, w in net.get_weights().items())
    assert not np.array_equal(bench.floor_weights[0], before["0.W"])  # the floor really updated its copies
    assert np.count_nonzero(bench.velocities[0]) > 0
