"""benchmarks/posthoc_scores.py (docs/reject.md, twelfth round): the energy's gradient with respect to the
pixels, which ODIN's step follows, checked against finite differences through every kind of layer the
default network has, with batch norm and dropout as they predict; and GradNorm's formula, against finite
differences of the loss it is the gradient of."""

from __future__ import annotations

import numpy as np
import pytest

from benchmark_scripts import load_script
from digitnet.nn import Network
from digitnet.nn.gradcheck import numerical_gradient, relative_error
from digitnet.reject.scores import energy


@pytest.fixture
def harness(monkeypatch):
    return load_script(monkeypatch, "posthoc_scores.py")


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

    numeric = numerical_gradient(lambda: float(energy(net.forward(x)[:, :10], t).sum()), x)
    assert relative_error(grad, numeric) < 1e-6  # each picture's energy depends on its own pixels only


def test_odin_steps_up_the_energy_within_the_pixel_range(harness):
    net, t = small_network(), 1.0
    images = np.random.default_rng(3).uniform(0, 1, (6, 64))
    before = energy(harness.perturbed_logits(net, images, 0.0, t)[:, :10], t)
    np.testing.assert_allclose(before, energy(net.forward(net.as_input(images))[:, :10], t), rtol=1e-12)
    after = energy(harness.perturbed_logits(net, images, 1e-3, t)[:, :10], t)
    assert np.all(after > before)  # a small step along the gradient's sign raises the energy


def test_gradnorm_is_the_size_of_the_uniform_losss_gradient_on_the_last_weights(harness):
    """Checked against finite differences of the cross-entropy against the uniform distribution with
    respect to a last dense layer's weights W (z = h W), at a temperature: GradNorm is the log of that
    gradient's L1 norm, plus log T."""
    rng = np.random.default_rng(4)
    t, h, W = 1.7, np.abs(rng.normal(size=(5, 7))), rng.normal(size=(7, 10))
    for i in range(5):
        def loss():
            z = h[i] @ W / t
            return float(-np.mean(z - z.max() - np.log(np.exp(z - z.max()).sum())))
        size = np.abs(numerical_gradient(loss, W)).sum()
        assert harness.gradnorm((h @ W)[i:i + 1], h[i:i + 1], t)[0] == pytest.approx(np.log(size * t), abs=1e-6)
