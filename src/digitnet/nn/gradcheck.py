"""Check backpropagation against finite differences: the test every layer and loss must pass.

For a scalar function f, df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), with error O(eps^2).
We check in float64 (float32's 7 digits are not enough to see a 1e-6 nudge) on a random linear
functional of the output, L = sum(out * R), so that every output element contributes.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from digitnet.nn.layers.base import Layer


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of ``f()`` with respect to every element of ``x``, which is nudged in place."""
    grad = np.zeros_like(x, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        plus = f()
        flat[i] = saved - eps
        minus = f()
        flat[i] = saved
        gflat[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``max |a - b| / max(|a| + |b|, tiny)``: 1e-7 is excellent, 1e-2 means a bug."""
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-12))


def check_layer(layer: Layer, x: np.ndarray, seed: int = 0, training: bool = True) -> dict[str, float]:
    """Relative errors of the layer's input gradient and of each parameter's gradient.

    ``layer`` must already be built in float64. The forward passes run in training mode (backward needs
    what they keep); layers with randomness (dropout) are checked only with their random state frozen
    between calls, see the tests.
    """
    rng = np.random.default_rng(seed)
    out = layer.forward(x, training)
    r = rng.standard_normal(out.shape)

    def loss() -> float:
        return float(np.sum(layer.forward(x, training) * r))

    layer.forward(x, training)
    analytic_x = layer.backward(r.copy())
    assert analytic_x is not None  # need_input_grad is True
    analytic_params = {k: g.copy() for k, g in layer.grads.items()}
    errors = {"input": relative_error(analytic_x, numerical_gradient(loss, x))}
    for name, value in layer.params.items():
        errors[name] = relative_error(analytic_params[name], numerical_gradient(loss, value))
    return errors
