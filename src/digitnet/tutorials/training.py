"""How the tutorials train: in epochs with the library's Trainer, or in a fixed number of steps.

The :class:`~digitnet.train.Trainer` walks through the data in epochs of shuffled mini-batches, keeps
the weights with the least validation loss and calls callbacks after each epoch; :func:`train_epochs`
runs a preset with it. Some tutorials instead take a fixed number of *steps*, each on a freshly drawn
random mini-batch (tutorials 1 and 2), or on the whole training set at once (full-batch gradient
descent: tutorials 3 and 6). :func:`descend` does exactly that with the library's own network, loss and
optimiser, and records the cost every ``every`` steps.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from digitnet.nn.network import Network
from digitnet.nn.optimizers import Optimizer, make_optimizer
from digitnet.train.history import History
from digitnet.train.trainer import TrainingDiverged


def train_epochs(recipe, X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray, seed: int = 0,
                 log: Callable[[str], None] | None = None, callbacks: tuple = ()) -> tuple[Network, History]:
    """Build ``recipe``'s network and train it with its Trainer; the least-validation-loss weights are kept."""
    network = recipe.build(seed=seed)
    trainer = recipe.trainer(network, seed=seed, progress=False, log=log or (lambda msg: None), callbacks=callbacks)
    return network, trainer.fit(X, y, X_val, y_val)


def optimizer_for(recipe, network: Network) -> Optimizer:
    """The optimiser a recipe asks for, over ``network``'s parameters."""
    groups = network.parameter_groups(recipe.weight_decay > 0)
    return make_optimizer(recipe.optimizer, groups, recipe.lr, recipe.weight_decay, recipe.momentum)


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
    just before the step. ``on_record(step, cost)`` is called at each record (e.g. to draw a frame).
    """
    X = network.as_input(X)
    rng = rng if rng is not None else np.random.default_rng(0)
    full = batch_size is None or batch_size >= len(X)
    record: list[tuple[int, float]] = []
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is caught by the cost check instead
        for step in range(steps + 1):
            xb, yb = (X, y) if full else _draw(X, y, batch_size, rng)
            z = network.forward(xb, training=True)
            loss, delta = network.loss.fn_and_delta(z, yb)
            if not math.isfinite(loss):
                raise TrainingDiverged(f"the cost became {loss} at step {step}: the learning rate "
                                       f"({optimizer.lr:g}) is too high for this problem; try a smaller one")
            last = step == steps  # the last pass only measures the cost of the final weights
            if not last:
                network.backward(delta)  # before on_record, which may run the network on other data
            if step % every == 0 or last:
                record.append((step, loss + l2_penalty(network, optimizer.weight_decay)))
                if on_record is not None:
                    on_record(*record[-1])
            if not last:
                optimizer.step()
    return record


def _draw(X: np.ndarray, y: np.ndarray, batch_size: int, rng: np.random.Generator):
    idx = rng.integers(0, len(X), size=batch_size)
    return X[idx], y[idx]
