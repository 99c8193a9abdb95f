"""The two-moons generator of tutorial 6: shapes, balance, geometry, noise, seeds and the split."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.data.moons import make_moons, train_test_split
from digitnet.errors import DigitnetError


def test_shapes_types_and_balance():
    X, y = make_moons(1000, noise=0.2, seed=0)
    assert X.shape == (1000, 2) and X.dtype == np.float32
    assert y.shape == (1000,) and set(np.unique(y)) == {0, 1}
    assert np.bincount(y).tolist() == [500, 500]
    X, y = make_moons(7, seed=0)
    assert np.bincount(y).tolist() == [3, 4]


def test_without_noise_the_points_lie_on_two_half_circles():
    X, y = make_moons(400, noise=0.0, seed=3)
    upper, lower = X[y == 0].astype(np.float64), X[y == 1].astype(np.float64)
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, atol=1e-6)
    assert upper[:, 1].min() >= -1e-6  # the upper half of the unit circle
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, atol=1e-6)
    assert lower[:, 1].max() <= 0.5 + 1e-6  # the lower half of the circle around (1, 0.5)


def test_noise_has_the_requested_spread():
    clean, _ = make_moons(20000, noise=0.0, seed=5)
    noisy, _ = make_moons(20000, noise=0.2, seed=5)
    # the same seed shuffles the same way, so the difference is the noise alone
    assert np.std(noisy - clean) == pytest.approx(0.2, rel=0.05)


def test_the_moons_interleave_so_no_straight_line_separates_them():
    X, y = make_moons(1000, noise=0.0, seed=0)
    A = np.column_stack([X, np.ones(len(X))])
    w, *_ = np.linalg.lstsq(A, 2.0 * y - 1, rcond=None)  # the best linear separator in the least-squares sense
    linear_accuracy = np.mean((A @ w > 0) == y)
    assert 0.75 < linear_accuracy < 0.95


def test_seeds_make_it_reproducible():
    a, b, c = make_moons(50, seed=1), make_moons(50, seed=1), make_moons(50, seed=2)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("kwargs", [{"n_samples": 1}, {"noise": -0.1}])
def test_bad_arguments_are_one_line_errors(kwargs):
    with pytest.raises(DigitnetError):
        make_moons(**{"n_samples": 100, **kwargs})


def test_split_is_a_partition_of_the_requested_sizes():
    X, y = make_moons(1000, seed=0)
    X_train, y_train, X_test, y_test = train_test_split(X, y, 0.2, seed=0)
    assert len(X_train) == 800 and len(X_test) == 200 and len(y_train) == 800 and len(y_test) == 200
    rows = {tuple(r) for r in np.vstack([X_train, X_test]).tolist()}
    assert rows == {tuple(r) for r in X.tolist()}
    with pytest.raises(DigitnetError):
        train_test_split(X, y, 1.5)
