"""benchmarks/posthoc_scores.py (docs/reject.md, twelfth round): the energy's gradient with respect to the
pixels, which ODIN's step follows, checked against finite differences through every kind of layer the
default network has, with batch norm and dropout as they predict; and GradNorm's closed form."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from digitnet.nn import Network

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def harness(monkeypatch):
    for folder in ("", "handwriting", "non_digits"):  # as the scripts put them on their own path
        monkeypatch.syspath_prepend(str(BENCHMARKS / folder))
    spec = importlib.util.spec_from_file_location("posthoc_scores", BENCHMARKS / "posthoc_scores.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "posthoc_scores", module)
    spec.loader.exec_module(module)
    return module


def small_network() -> Network:
    """The default's kinds of layer, small, in float64, batch norm with running statistics of its own."""
    spec = [{"type": "conv2d", "filters": 3, "kernel_size": 3}, {"type": "maxpool2d", "size": 2},
            {"type": "batchnorm"}, {"type": "relu"}, {"type": "flatten"}, {"type": "dense", "units": 8},
            {"type": "batchnorm"}, {"type": "relu"}, {"type": "dropout", "rate": 0.5},
            {"type": "dense", "units": 11}, {"type": "softmax"}]
    net = Network.from_spec(spec, input_shape=(1, 8, 8), seed=0, dtype=np.float64)
    rng = np.random.default_rng(1)
    for layer in net.layers:
        if layer.type_name == "batchnorm":
            layer.state["running_mean"][...] = rng.normal(0, 0.3, layer.state["running_mean"].shape)
            layer.state["running_var"][...] = rng.uniform(0.5, 2.0, layer.state["running_var"].shape)
            layer.params["gamma"][...] = rng.uniform(0.5, 1.5, layer.params["gamma"].shape)
    return net


def test_the_energy_gradient_matches_finite_differences_and_changes_nothing_kept(harness):
    net, t = small_network(), 1.3
    x = np.random.default_rng(2).uniform(0.05, 0.95, (4, 1, 8, 8))
    kept = {k: v.copy() for k, v in net.state_arrays().items()}
    grad = harness.energy_input_gradient(net, x, t)
    assert grad.shape == x.shape
    assert all(np.array_equal(kept[k], v) for k, v in net.state_arrays().items())  # running statistics untouched

    def energy(xx):
        return harness.energy(net.forward(xx), t)

    h = 1e-6
    numeric = np.zeros_like(x)
    for idx in np.ndindex(x.shape[1:]):
        step = np.zeros_like(x)
        step[(slice(None), *idx)] = h
        numeric[(slice(None), *idx)] = (energy(x + step) - energy(x - step)) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


def test_odin_steps_up_the_energy_within_the_pixel_range(harness):
    net, t = small_network(), 1.0
    images = np.random.default_rng(3).uniform(0, 1, (6, 64))
    before = harness.energy(harness.perturbed_logits(net, images, 0.0, t), t)
    np.testing.assert_allclose(before, harness.energy(net.forward(net.as_input(images)), t), rtol=1e-12)
    after = harness.energy(harness.perturbed_logits(net, images, 1e-3, t), t)
    assert np.all(after > before)  # a small step along the gradient's sign raises the energy


def test_gradnorm_is_the_norm_of_the_last_layers_gradient(harness):
    rng = np.random.default_rng(4)
    z, h = rng.normal(size=(5, 10)), np.abs(rng.normal(size=(5, 7)))
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    by_hand = [np.log(np.abs(np.outer(h[i], p[i] - 0.1)).sum()) for i in range(5)]
    np.testing.assert_allclose(harness.gradnorm(z, h, 1.0), by_hand, rtol=1e-12)
