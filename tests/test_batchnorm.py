"""Batch normalisation: gradients, what it computes in training and at test time, and its saved statistics."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.errors import DigitnetError
from digitnet.io import load_model, save_model
from digitnet.nn import Network
from digitnet.nn.gradcheck import check_layer
from digitnet.nn.layers import BatchNorm
from digitnet.nn.optimizers import make_optimizer

TOL = 1e-6


def built(shape, rng, dtype=np.float64, **kwargs):
    layer = BatchNorm(**kwargs)
    layer.build(shape, rng, dtype)
    layer.params["gamma"][:] = rng.uniform(0.5, 2, layer.params["gamma"].shape)
    layer.params["beta"][:] = rng.standard_normal(layer.params["beta"].shape)
    return layer


@pytest.mark.parametrize("shape", [(5,), (3, 4, 2)], ids=["dense", "conv"])
def test_training_gradients_match_finite_differences(shape, rng):
    layer = built(shape, rng)
    errors = check_layer(layer, rng.standard_normal((6, *shape)) * 3 + 1, training=True)
    for name in ("input", "gamma", "beta"):
        assert errors[name] < TOL, errors
    # the running statistics are state, not parameters: nothing claims a gradient for them
    assert "running_mean" not in errors and "running_var" not in errors


@pytest.mark.parametrize("shape", [(5,), (3, 4, 2)], ids=["dense", "conv"])
def test_a_test_time_pass_changes_and_keeps_nothing(shape, rng):
    layer = built(shape, rng)
    state = {k: v.copy() for k, v in layer.state.items()}
    attributes = dict(vars(layer))
    layer.forward(rng.standard_normal((4, *shape)), training=False)
    assert vars(layer).keys() == attributes.keys() and all(np.array_equal(layer.state[k], state[k]) for k in state)
    with pytest.raises(DigitnetError, match="training=True"):
        layer.backward(np.ones((4, *shape)))


def test_training_output_has_zero_mean_unit_variance_per_channel(rng):
    layer = BatchNorm()
    layer.build((3, 5, 5), rng, np.float32)
    x = (rng.standard_normal((8, 3, 5, 5)) * [[[[2.0]], [[0.1]], [[5.0]]]] + 7).astype(np.float32)
    y = layer.forward(x, training=True)
    assert y.dtype == np.float32
    # float32: the channel of mean 7 and spread 0.1 keeps a few units in the last place of its mean
    assert np.allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-4)
    assert np.allclose(y.var(axis=(0, 2, 3)), 1, atol=1e-3)


def test_running_statistics_follow_the_data_and_are_used_at_test_time(rng):
    layer = BatchNorm(momentum=0.2)
    layer.build((4,), rng, np.float64)
    for _ in range(100):
        layer.forward(rng.normal(3.0, 2.0, (64, 4)), training=True)
    assert np.allclose(layer.state["running_mean"], 3.0, atol=0.3)
    assert np.allclose(layer.state["running_var"], 4.0, atol=0.8)
    x = rng.standard_normal((1, 4))  # a single image: normalised by the running statistics, not its own
    expected = (x - layer.state["running_mean"]) / np.sqrt(layer.state["running_var"] + layer.eps)
    assert np.allclose(layer.forward(x, training=False), expected)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adam"])
def test_optimisers_leave_the_running_statistics_alone(optimizer, rng):
    """The statistics sit in ``state``: model files save them, optimisers never see them, and only a
    training forward pass moves them (a test-time pass, backward and the optimiser do not)."""
    net = Network([BatchNorm()], loss="quadratic", input_shape=(3,), seed=0, inputs="features")
    assert {p.name for p in net.parameters()} == {"0.gamma", "0.beta"}
    opt = make_optimizer(optimizer, net.params, lr=0.1, weight_decay=0.01)
    layer = net.layers[0]
    for group in opt.params:
        assert not any(np.shares_memory(group.value, s) for s in layer.state.values())
    for _ in range(3):
        x = rng.normal(2.0, 3.0, (16, 3)).astype(np.float32)
        before = {k: layer.state[k].copy() for k in layer.state}
        _, delta = net.loss.fn_and_delta(net.forward(x, training=True), rng.random((16, 3)))
        assert not np.array_equal(layer.state["running_mean"], before["running_mean"])  # the training pass moved it
        moved = {k: layer.state[k].copy() for k in layer.state}
        net.backward(delta)
        opt.step()
        net.forward(x, training=False)
        for k in layer.state:
            assert np.array_equal(layer.state[k], moved[k]), k


def test_model_files_keep_the_running_statistics(rng, tmp_path):
    spec = [{"type": "conv2d", "filters": 3, "kernel_size": 3}, {"type": "batchnorm"}, {"type": "relu"},
            {"type": "flatten"}, {"type": "dense", "units": 8}, {"type": "batchnorm"}, {"type": "relu"},
            {"type": "dense", "units": 3}, {"type": "softmax"}]
    net = Network.from_spec(spec, input_shape=(1, 6, 6), seed=0, inputs="features")
    for _ in range(5):
        net.forward(rng.normal(0.5, 1.0, (32, 1, 6, 6)).astype(np.float32), training=True)
    save_model(net, tmp_path / "bn.npz")
    with np.load(tmp_path / "bn.npz") as archive:  # the keys files had before ``Layer.state`` existed
        assert {"param.1.running_mean", "param.1.running_var", "param.5.running_var"} <= set(archive.files)
    loaded = load_model(tmp_path / "bn.npz").network
    x = rng.random((7, 36), dtype=np.float32)
    assert np.array_equal(loaded.predict_proba(x), net.predict_proba(x))
    assert np.array_equal(loaded.layers[1].state["running_var"], net.layers[1].state["running_var"])


def test_bad_settings_are_refused(rng):
    with pytest.raises(DigitnetError, match="momentum"):
        BatchNorm(momentum=0)
    with pytest.raises(DigitnetError, match="features"):
        BatchNorm().build((2, 3), rng, np.float32)


def reference_batchnorm(x, gamma, beta, eps):
    """The definition, one channel at a time, in float64."""
    y = np.empty_like(x, dtype=np.float64)
    for c in range(x.shape[1]):
        values = x[:, c].astype(np.float64)
        y[:, c] = gamma[c] * (values - values.mean()) / np.sqrt(values.var() + eps) + beta[c]
    return y


@pytest.mark.parametrize("shape", [(7,), (3, 5, 7), (2, 1, 9)], ids=["features", "odd maps", "one row"])
def test_training_output_matches_the_definition(shape, rng):
    layer = built(shape, rng, np.float32)
    x = (rng.standard_normal((5, *shape)) * 2 + 3).astype(np.float32)
    expected = reference_batchnorm(x, layer.params["gamma"], layer.params["beta"], layer.eps)
    np.testing.assert_allclose(layer.forward(x, training=True), expected, rtol=1e-4, atol=1e-4)
    # test time: the running statistics, here set by hand, take the batch's place
    layer.state["running_mean"][:] = rng.standard_normal(shape[0])
    layer.state["running_var"][:] = rng.uniform(0.5, 2, shape[0])
    view = (1, -1) + (1,) * (x.ndim - 2)
    expected = (layer.params["gamma"].reshape(view) * (x - layer.state["running_mean"].reshape(view))
                / np.sqrt(layer.state["running_var"].reshape(view) + layer.eps) + layer.params["beta"].reshape(view))
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shape,n", [((3,), 4), ((2, 2, 1), 2)], ids=["features", "maps"])
def test_the_running_variance_is_the_unbiased_one(shape, n, rng):
    """The running variance averages each batch's variance with m / (m - 1) (Bessel's correction, as
    PyTorch keeps it): with m = 4 values per channel that is a third more than the batch's own variance,
    which a large batch would hide."""
    layer = BatchNorm(momentum=0.25)
    layer.build(shape, rng, np.float64)
    x = rng.normal(2.0, 3.0, (n, *shape))
    layer.forward(x, training=True)
    axes = (0,) if len(shape) == 1 else (0, 2, 3)
    m = x.size // shape[0]
    assert m == 4
    unbiased = x.var(axis=axes, ddof=1)
    np.testing.assert_allclose(layer.state["running_var"], 0.75 * 1.0 + 0.25 * unbiased, rtol=1e-12)
    np.testing.assert_allclose(layer.state["running_mean"], 0.25 * x.mean(axis=axes), rtol=1e-12)
    layer.forward(x[:1], training=True)  # one sample: m = 1 for features, where m - 1 would be 0
    assert np.all(np.isfinite(layer.state["running_var"]))
