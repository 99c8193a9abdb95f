"""Two interleaving half-moons: a tiny 2-D problem that no straight line can separate.

Tutorial 6 learns it with a small multi-layer network, which makes the decision boundary something you
can look at. The construction is the usual one: the upper moon is the half circle (cos t, sin t), the
lower moon the same half circle flipped and shifted to (1 - cos t, 0.5 - sin t), for t in [0, pi];
Gaussian noise then blurs both. Only NumPy is needed (no scikit-learn).
"""

from __future__ import annotations

import numpy as np

from digitnet.errors import DigitnetError


def make_moons(n_samples: int = 1000, noise: float = 0.2, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n_samples`` points -> (X float32 (n, 2), y int64 (n,)): label 0 for the upper moon, 1 for the lower.

    The upper moon gets ``n_samples // 2`` points, the lower one the rest; the rows are shuffled.
    """
    if int(n_samples) < 2:
        raise DigitnetError(f"two moons need at least 2 points, got {n_samples}")
    if not noise >= 0:
        raise DigitnetError(f"the noise must be zero or positive, got {noise}")
    rng = np.random.default_rng(seed)
    n_upper = int(n_samples) // 2
    n_lower = int(n_samples) - n_upper
    t_upper = np.linspace(0, np.pi, n_upper)
    t_lower = np.linspace(0, np.pi, n_lower)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.concatenate([upper, lower]) + rng.normal(0.0, noise, size=(int(n_samples), 2))
    y = np.concatenate([np.zeros(n_upper, np.int64), np.ones(n_lower, np.int64)])
    order = rng.permutation(len(X))
    return X[order].astype(np.float32), y[order]


def train_test_split(X: np.ndarray, y: np.ndarray, test_fraction: float = 0.2,
                     seed: int | None = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A random split -> (X_train, y_train, X_test, y_test); ``test_fraction`` of the rows are held out."""
    if not 0 < test_fraction < 1:
        raise DigitnetError(f"the test fraction must be between 0 and 1, got {test_fraction}")
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = max(1, round(len(X) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]
