"""Optimisers against their textbook update rules, and schedules against their formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from digitnet.errors import DigitnetError
from digitnet.nn.optimizers import SGD, Adam, Momentum, Nesterov, Parameter, make_optimizer
from digitnet.nn.schedulers import Constant, Cosine, Step, make_schedule


def param(value, grad, decay=True):
    return Parameter("w", np.array(value, dtype=np.float64), np.array(grad, dtype=np.float64), decay)


def test_sgd_step():
    p = param([1.0, -2.0], [0.5, 0.5])
    SGD([p], lr=0.1).step()
    assert np.allclose(p.value, [0.95, -2.05])


def test_momentum_accumulates_velocity_not_weights():
    """With a constant gradient g the velocity grows -lr g (1 + mu + mu^2 ...), the weights follow it."""
    p = param([0.0], [1.0])
    opt = Momentum([p], lr=0.1, momentum=0.9)
    w, v = 0.0, 0.0
    for _ in range(5):
        opt.step()
        v = 0.9 * v - 0.1 * 1.0
        w = w + v
    assert p.value[0] == pytest.approx(w)
    assert opt.velocity[0][0] == pytest.approx(v)
    assert p.value[0] < -0.1 * 5  # faster than plain SGD would move


def test_nesterov_looks_ahead():
    p = param([0.0], [1.0])
    opt = Nesterov([p], lr=0.1, momentum=0.9)
    w, v = 0.0, 0.0
    for _ in range(4):
        opt.step()
        v = 0.9 * v - 0.1
        w = w + 0.9 * v - 0.1
    assert p.value[0] == pytest.approx(w)


def test_adam_matches_reference_formula():
    rng = np.random.default_rng(0)
    p = param(rng.standard_normal(5), np.zeros(5))
    opt = Adam([p], lr=0.01)
    w, m, v = p.value.copy(), np.zeros(5), np.zeros(5)
    for t in range(1, 6):
        g = rng.standard_normal(5)
        p.grad[...] = g
        opt.step()
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w = w - 0.01 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    assert np.allclose(p.value, w, atol=1e-9)


def test_weight_decay_applies_to_weights_not_biases():
    w, b = param([1.0], [0.0], decay=True), param([1.0], [0.0], decay=False)
    SGD([w, b], lr=0.5, weight_decay=0.1).step()
    assert w.value[0] == pytest.approx(1.0 - 0.5 * 0.1)
    assert b.value[0] == 1.0


@pytest.mark.parametrize("name,lr", [("sgd", 0.1), ("momentum", 0.05), ("nesterov", 0.05), ("adam", 0.1)])
def test_every_optimizer_minimises_a_bowl(name, lr):
    """f(w) = 1/2 sum(a w^2) with uneven curvature: all should get close to 0 in 300 steps."""
    a = np.array([1.0, 3.0, 0.5])
    p = param([3.0, -2.0, 4.0], [0.0, 0.0, 0.0])
    opt = make_optimizer(name, [p], lr=lr)
    for _ in range(300):
        p.grad[...] = a * p.value
        opt.step()
    assert np.abs(p.value).max() < 0.05, p.value


def test_bad_settings_are_refused():
    with pytest.raises(DigitnetError, match="learning rate"):
        SGD([param([1.0], [1.0])], lr=0)
    with pytest.raises(DigitnetError, match="momentum"):
        Momentum([param([1.0], [1.0])], lr=0.1, momentum=1.5)
    with pytest.raises(DigitnetError, match="unknown optimiser"):
        make_optimizer("rmsprop-ish", [], lr=0.1)


def test_schedules():
    assert Constant(0.3)(7.5) == 0.3
    step = Step(1.0, step_size=10, gamma=0.1)
    assert [step(e) for e in (0, 9.9, 10, 25)] == pytest.approx([1, 1, 0.1, 0.01])
    cos = Cosine(1.0, epochs=10)
    assert cos(0) == 1.0 and cos(5) == pytest.approx(0.5) and cos(10) == pytest.approx(0.0)
    assert cos(2.5) == pytest.approx(0.5 * (1 + math.cos(math.pi / 4)))
    with pytest.raises(DigitnetError):
        make_schedule("triangle", 0.1, 10)
