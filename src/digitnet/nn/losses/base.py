"""What a loss promises, in the spirit of the cost classes of Nielsen's network2.py.

- ``loss_and_grad(z, y)``: the mean loss over the batch (a float) and its gradient dLoss/dz, the
  ``delta`` that starts backpropagation. Each loss computes both in one pass, because they share
  most of the work (the softmax, the difference a - y): this is the one thing a loss must write;
- ``value(z, y)``: the loss alone, for reporting (validation, the tutorials' cost curves); it is the
  first half of ``loss_and_grad``, so the number reported is the number trained on;
- ``output(z)``: turns the network's last values into predictions (probabilities for the cross-entropies).

``z`` is what the network's layers before the loss produce (``Network.layers_before_loss``). The
cross-entropy losses take *logits* and ``absorbs`` names the output activation (softmax, sigmoid)
they fold in: if a network ends with that layer, the network hands the loss the values just before
it. Doing the activation inside the loss is what makes it stable (log-sum-exp) and gives the famously
simple gradient p - y.

Targets ``y`` may be integer class labels (N,) or one-hot rows (N, K); ``targets_like`` converts.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np


def one_hot(labels: np.ndarray, num_classes: int, dtype=np.float32) -> np.ndarray:
    out = np.zeros((len(labels), num_classes), dtype=dtype)
    out[np.arange(len(labels)), labels.astype(np.intp)] = 1
    return out


def targets_like(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Targets with the same shape and dtype as ``z``: labels become one-hot, (N,) becomes (N, 1)."""
    y = np.asarray(y)
    if y.shape == z.shape:
        return y.astype(z.dtype, copy=False)
    if y.ndim == 1 and z.ndim == 2 and z.shape[1] == 1:
        return y.reshape(-1, 1).astype(z.dtype)
    if y.ndim == 1 and z.ndim == 2:
        return one_hot(y, z.shape[1], z.dtype)
    raise ValueError(f"targets of shape {y.shape} do not fit outputs of shape {z.shape}")


def as_labels(y: np.ndarray) -> np.ndarray:
    """Class numbers (N,) from any form of targets: labels stay, one-hot rows become their argmax,
    a single column (N, 1) of 0/1 becomes (N,). The inverse of ``targets_like``."""
    y = np.asarray(y)
    if y.ndim == 2:
        return y.argmax(axis=1) if y.shape[1] > 1 else y[:, 0]
    return y


class Loss:
    name: ClassVar[str] = "loss"
    absorbs: ClassVar[str | None] = None  # type name of the output activation folded into this loss

    def loss_and_grad(self, z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """The mean loss over the batch and dLoss/dz (what training calls once per mini-batch)."""
        raise NotImplementedError

    def value(self, z: np.ndarray, y: np.ndarray) -> float:
        """The mean loss alone (its gradient, computed on the way, is dropped)."""
        return self.loss_and_grad(z, y)[0]

    def output(self, z: np.ndarray) -> np.ndarray:
        return z

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
