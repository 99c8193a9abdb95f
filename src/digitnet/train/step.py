"""One step of gradient descent: forward, loss, backward, update. Every way of training takes it.

The trainer's epochs of shuffled mini-batches and the tutorials' fixed numbers of steps differ only in
which examples each step sees; the step itself is :func:`backpropagate` (forward, loss, backward: every
gradient of the batch) and then the optimiser's update, so there is one place where a loss that stops
being a number is caught.
"""

from __future__ import annotations

import math

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.losses import Loss
from digitnet.nn.network import Network
from digitnet.nn.optimizers import Optimizer


class TrainingFailed(DigitnetError):
    """A training run ended without a model worth keeping (see :func:`digitnet.train.runner.nothing_learned`)."""


class TrainingNote(UserWarning):
    """What a run that is only meant to show that everything works (a quick run) says instead of
    failing; issued through :mod:`warnings`, and printed as a note by the command line."""


class TrainingDiverged(TrainingFailed):
    """The loss became NaN or infinite: the weights are garbage from here on."""


def backpropagate(network: Network, xb: np.ndarray, yb: np.ndarray, lr: float,
                  loss_fn: Loss | None = None) -> tuple[float, np.ndarray]:
    """Forward, loss, backward on the batch (xb, yb): afterwards every parameter's ``grad`` holds the
    batch's gradient. Returns the loss and the values the loss was computed from; a loss that is not a
    number stops training here (``lr``, the learning rate that got it there, is named in the message).
    ``loss_fn`` is the loss to train with when it is not the network's own (outlier exposure trains on
    pictures that are not digits; the network keeps, and is saved with, its plain loss)."""
    z = network.forward(xb, training=True)
    loss, delta = (network.loss if loss_fn is None else loss_fn).loss_and_grad(z, yb)
    check_finite(loss, lr)
    network.backward(delta)
    return loss, z


def train_step(network: Network, optimizer: Optimizer, xb: np.ndarray, yb: np.ndarray,
               loss_fn: Loss | None = None) -> tuple[float, np.ndarray]:
    """Take one step on the batch (xb, yb); return its loss (before the step) and the network's outputs."""
    loss, z = backpropagate(network, xb, yb, optimizer.lr, loss_fn)
    optimizer.step()
    return loss, z


def check_finite(loss: float, lr: float) -> None:
    if not math.isfinite(loss):
        raise TrainingDiverged(f"the loss became {loss}: the learning rate (`lr` {lr:g}) is probably too high; "
                               "try a smaller `lr` (a tenth of it, say)", parameter="lr")
