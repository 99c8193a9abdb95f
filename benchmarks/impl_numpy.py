"""A plain, well-vectorised NumPy training loop for the same network: the baseline of the issue.

This is how one writes it the first time: correct, whole batches as matrices, no Python loop over
samples, but fresh arrays for every intermediate result and no attention to passes over memory.
"""

from __future__ import annotations

import time

import numpy as np

import _common


class Bench:
    def __init__(self):
        self.X, self.y, self.X_test, self.y_test = _common.load_data()

    def info(self) -> dict:
        return _common.machine()

    def setup_epoch(self, sizes, lr, momentum, batch_size, seed, weights=None) -> None:
        assert len(sizes) == 3, "this baseline is written for one hidden layer"
        with np.load(weights) as f:
            self.params = [f["0.W"], f["0.b"], f["2.W"], f["2.b"]]
        self.velocity = [np.zeros_like(p) for p in self.params]
        self.lr, self.momentum, self.batch_size = lr, momentum, batch_size
        self.rng = np.random.default_rng(seed)

    def epoch(self) -> dict:
        X, y, bs = self.X, self.y, self.batch_size
        W1, b1, W2, b2 = self.params
        started = time.perf_counter()
        order = self.rng.permutation(len(X))
        total_loss, correct = 0.0, 0
        for start in range(0, len(X), bs):
            idx = order[start:start + bs]
            xb, yb = X[idx], y[idx]
            n = len(idx)
            h = np.maximum(xb @ W1 + b1, 0)
            z = h @ W2 + b2
            z = z - z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            total_loss -= np.log(p[np.arange(n), yb]).sum()
            correct += np.count_nonzero(z.argmax(axis=1) == yb)
            d = p.copy()
            d[np.arange(n), yb] -= 1
            d /= n
            dh = (d @ W2.T) * (h > 0)
            grads = [xb.T @ dh, dh.sum(axis=0), h.T @ d, d.sum(axis=0)]
            for param, v, g in zip(self.params, self.velocity, grads):
                v *= self.momentum
                v -= self.lr * g
                param += v
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "loss": total_loss / len(X), "accuracy": correct / len(X)}

    def test_accuracy(self) -> float:
        W1, b1, W2, b2 = self.params
        return float(np.mean((np.maximum(self.X_test @ W1 + b1, 0) @ W2 + b2).argmax(axis=1) == self.y_test))
