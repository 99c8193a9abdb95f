"""One step of gradient descent: forward, loss, backward, update. Every way of training takes it.

The trainer's epochs of shuffled mini-batches and the tutorials' fixed numbers of steps differ only in
which examples each step sees; the step itself is this function, so there is one place where a loss
that stops being a number is caught.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.network import Network
from digitnet.nn.optimizers import Optimizer


class TrainingFailed(DigitnetError):
    """A training run ended without a model worth keeping (see :func:`digitnet.train.runner.nothing_learned`)."""


class TrainingNote(UserWarning):
    """What a run that is only meant to show that everything works (a quick run) says instead of
    failing; issued through :mod:`warnings`, and printed as a note by the command line."""


class TrainingDiverged(TrainingFailed):
    """The loss became NaN or infinite: the weights are garbage from here on."""


def train_step(network: Network, optimizer: Optimizer, xb: np.ndarray, yb: np.ndarray,
               before_update: Callable[[float], None] | None = None) -> tuple[float, np.ndarray]:
    """Take one step on the batch (xb, yb); return its loss (before the step) and the network's outputs.

    ``before_update(loss)`` runs after the gradients are known but before the weights move (to record
    the cost of the weights the step started from).
    """
    z = network.forward(xb, training=True)
    loss, delta = network.loss.fn_and_delta(z, yb)
    check_finite(loss, optimizer.lr)
    network.backward(delta)
    if before_update is not None:
        before_update(loss)
    optimizer.step()
    return loss, z


def check_finite(loss: float, lr: float) -> None:
    if not math.isfinite(loss):
        raise TrainingDiverged(f"the loss became {loss}: the learning rate (`lr` {lr:g}) is probably too high; "
                               "try a smaller `lr` (a tenth of it, say)", parameter="lr")
