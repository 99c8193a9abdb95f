"""How the tutorials that do not train in epochs train: a fixed number of gradient steps.

Most tutorials train the way ``digitnet train`` does, with :func:`digitnet.train.run` (epochs of shuffled
mini-batches, the least-validation-loss weights kept). Some instead take a fixed number of *steps*, each
on a freshly drawn random mini-batch (tutorials 1 and 2), or on the whole training set at once
(full-batch gradient descent: tutorials 3 and 6). :func:`descend` does exactly that with the library's
own network, loss, optimiser and training step, and records the cost every ``every`` steps.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from digitnet.nn.network import Network
from digitnet.nn.optimizers import Optimizer
from digitnet.train.step import backpropagate, check_finite


def l2_penalty(network: Network, weight_decay: float) -> float:
    """(weight_decay / 2) * sum of squared decayed weights: the L2 part of the cost the optimiser follows."""
    if not weight_decay:
        return 0.0
    return 0.5 * weight_decay * sum(float(np.sum(np.square(p.value, dtype=np.float64)))
                                    for p in network.parameters() if p.decay)


def descend(network: Network, optimizer: Optimizer, X: np.ndarray, y: np.ndarray, steps: int,
            batch_size: int | None = None, rng: np.random.Generator | None = None, every: int = 100,
            on_record: Callable[[int, float], None] | None = None) -> list[tuple[int, float]]:
    """Take ``steps`` gradient steps; return [(step, cost)] recorded at step 0 and every ``every`` steps.

    ``batch_size=None`` uses all of X at every step (full-batch gradient descent); otherwise each step
    draws ``batch_size`` random rows, with replacement like ``np.random.choice``, so no step depends on
    an epoch boundary. The cost recorded is the batch's loss plus the optimiser's L2 term, measured
    just before the step: each step is the training step (``digitnet.train.step``) taken in its two
    parts, the gradients and then the update, with the record between them. ``on_record(step, cost)``
    is called at each record (e.g. to draw a frame).
    """
    X = network.as_input(X)
    rng = rng if rng is not None else np.random.default_rng(0)
    full = batch_size is None or batch_size >= len(X)
    record: list[tuple[int, float]] = []

    def keep(step: int, loss: float) -> None:
        record.append((step, loss + l2_penalty(network, optimizer.weight_decay)))
        if on_record is not None:
            on_record(*record[-1])

    with np.errstate(over="ignore", invalid="ignore"):  # divergence is caught by the cost check instead
        for step in range(steps):
            xb, yb = (X, y) if full else _draw(X, y, batch_size, rng)
            loss, _ = backpropagate(network, xb, yb, optimizer.lr)
            if step % every == 0:
                keep(step, loss)  # the weights this step starts from
            optimizer.step()
        xb, yb = (X, y) if full else _draw(X, y, batch_size, rng)
        loss = network.loss.value(network.forward(xb), yb)  # the last pass only measures the final weights
        check_finite(loss, optimizer.lr)
        keep(steps, loss)
    return record


def _draw(X: np.ndarray, y: np.ndarray, batch_size: int, rng: np.random.Generator):
    idx = rng.integers(0, len(X), size=batch_size)
    return X[idx], y[idx]
