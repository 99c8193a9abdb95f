"""The training loop: shuffled mini-batches, a validation check after every epoch, and the best weights kept.

One step is forward -> loss -> backward -> optimiser update on a mini-batch held as a matrix (no loop
over samples). After each epoch the network is scored on the validation set; the weights with the
lowest validation loss are remembered and put back at the end, so a few over-fitted epochs at the end
cost nothing. ``patience`` stops early when the validation loss has not improved for that many epochs.
``weight_average`` (a decay such as 0.999) keeps a running average of the weights and validates and
keeps that instead (``averaging.py``).
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
from typing import Callable

import numpy as np
from tqdm.auto import tqdm

from digitnet.errors import DigitnetError
from digitnet.nn.losses import Loss, as_labels
from digitnet.nn.network import Network
from digitnet.nn.optimizers import Optimizer
from digitnet.nn.schedulers import make_schedule
from digitnet.reject.outlier_exposure import OutlierExposure
from digitnet.train.averaging import WeightAverage
from digitnet.train.history import History
from digitnet.train.step import TrainingDiverged, train_step


def evaluate(network: Network, X: np.ndarray, y: np.ndarray, batch_size: int = 4096) -> tuple[float, float]:
    """Mean loss and accuracy of ``network`` on (X, y), in chunks to bound memory."""
    total_loss, correct = 0.0, 0
    for i in range(0, len(X), batch_size):
        z = network.forward(X[i:i + batch_size])
        yb = y[i:i + batch_size]
        total_loss += network.loss.value(z, yb) * len(z)
        correct += count_correct(network, z, yb)
    return total_loss / len(X), correct / len(X)


def labelled(y: np.ndarray) -> int:
    """How many of the targets ``y`` are classes: all of them, except pictures that are not digits
    (labelled -1, ``digitnet.reject.NOT_A_DIGIT``), which have no class to be right about."""
    y = np.asarray(y)
    return len(y) if y.ndim != 1 or y.dtype.kind not in "iu" else int(np.count_nonzero(y >= 0))


def count_correct(network: Network, z: np.ndarray, y: np.ndarray) -> int:
    """How many rows of the loss's input ``z`` are classified as their label ``y``."""
    return int(np.count_nonzero(network.classes(z) == as_labels(y)))


class Trainer:
    """Trains a :class:`Network` with mini-batch gradient descent, stepping with ``optimizer``.

    ``optimizer`` is a :class:`~digitnet.nn.optimizers.Optimizer` over the network's parameters
    (``make_optimizer("momentum", network.params, lr=0.1)``); its ``lr`` is where ``schedule`` starts:
    a name ("constant", "step", "cosine" over ``epochs``) or any function of the fractional epoch.
    ``transform(xb, rng)`` may change each training batch (data augmentation); ``callbacks`` are called
    as ``callback(trainer, row)`` after every epoch with that epoch's history row. Progress messages go
    to ``log`` (default: above the progress bar, on stderr). ``loss`` is what the steps minimise when it
    is not the network's own loss (outlier exposure); validation always uses the network's own.
    :func:`digitnet.train.build_trainer` makes one from a recipe.
    """

    def __init__(self, network: Network, optimizer: Optimizer, schedule: "str | Callable[[float], float]" = "constant",
                 epochs: int = 10, batch_size: int = 128, patience: int | None = None, seed: int | None = None,
                 progress: bool = True, log: Callable[[str], None] | None = None, transform: Callable | None = None,
                 callbacks: tuple[Callable, ...] = (), weight_average: float = 0.0, loss: Loss | None = None):
        if int(epochs) < 1:
            raise DigitnetError(f"`epochs` must be at least 1, got {epochs}", parameter="epochs")
        if int(batch_size) < 1:
            raise DigitnetError(f"`batch_size` must be at least 1, got {batch_size}", parameter="batch_size")
        if patience is not None and int(patience) < 1:
            raise DigitnetError(f"`patience` must be at least 1 epoch, got {patience}", parameter="patience")
        if loss is not None and not isinstance(loss, Loss):
            raise DigitnetError(f"`loss` must be a Loss (e.g. OutlierExposure(1.0)) or None for the network's own, "
                                f"got {loss!r}", parameter="loss")
        if not isinstance(optimizer, Optimizer):
            raise DigitnetError(f"`optimizer` must be an Optimizer over the network's parameters (make_optimizer("
                                f"'momentum', network.params, lr=0.1)), got {optimizer!r}", parameter="optimizer")
        self.network, self.optimizer, self.loss = network, optimizer, loss
        self.schedule = make_schedule(schedule, optimizer.lr, epochs) if isinstance(schedule, str) else schedule
        self.epochs, self.batch_size = int(epochs), int(batch_size)
        self.patience = patience
        self.rng = np.random.default_rng(seed)
        self.progress = progress
        self.log = log if log is not None else (lambda msg: tqdm.write(msg, file=sys.stderr))
        self.transform, self.callbacks = transform, tuple(callbacks)
        self.weight_average = float(weight_average)
        self.average: WeightAverage | None = None
        self.history = History()

    def _training_set(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        """The network's input and the labels, checked: one label per sample, and a -1 ("not one of the
        classes") only for a loss that knows it (any other would read it as the last class)."""
        X, y = self.network.as_input(X), np.asarray(y)
        if len(X) != len(y):
            raise DigitnetError(f"{len(X)} training samples but {len(y)} labels; give one label per sample")
        if y.ndim == 1 and y.size and np.issubdtype(y.dtype, np.signedinteger) and y.min() < 0 \
                and not isinstance(self.loss or self.network.loss, OutlierExposure):
            raise DigitnetError(f"label {int(y.min())} (-1: not one of the classes) needs the outlier-exposure loss, "
                                "Trainer(..., loss=OutlierExposure(1.0)); any other loss would read it as a class",
                                parameter="loss")
        return X, y

    def fit(self, X: np.ndarray, y: np.ndarray, X_val: np.ndarray | None = None,
            y_val: np.ndarray | None = None) -> History:
        X, y = self._training_set(X, y)
        has_val = X_val is not None and len(X_val) > 0
        if has_val:
            X_val = self.network.as_input(X_val)
        self._best_loss, self._best_weights = math.inf, None
        if self.weight_average and self.average is None:
            self.average = WeightAverage(self.network, self.weight_average)
        try:
            with np.errstate(over="ignore", invalid="ignore"):  # divergence is caught by the loss check instead
                self._run_epochs(X, y, X_val if has_val else None, y_val)
        except KeyboardInterrupt:
            self.history.interrupted = True
            self.log("interrupted: keeping the best weights so far")
        if self._best_weights is not None:
            self.network.set_weights(self._best_weights)
        elif self.average is not None:  # no validation: the last average is what was learned
            self.average.apply()
        return self.history

    def train_epoch(self, X: np.ndarray, y: np.ndarray) -> dict:
        """One more epoch over (X, y), continuing this trainer's optimiser state and epoch count.

        Incremental learning (``DigitClassifier.partial_fit``): no validation, no best weights to put
        back; the row is appended to the history, whose ``best_epoch`` is the latest.
        """
        X, y = self._training_set(X, y)
        with np.errstate(over="ignore", invalid="ignore"):
            row = self._train_epoch(X, y, len(self.history.epochs) + 1)
        self.history.epochs.append(row)
        self.history.best_epoch = len(self.history.epochs)
        self.log(_format_row(row, max(self.epochs, row["epoch"])))
        return row

    def _run_epochs(self, X, y, X_val, y_val) -> None:
        history, waited = self.history, 0
        for epoch in range(1, self.epochs + 1):
            row = self._train_epoch(X, y, epoch)
            with self.average.swapped_in() if self.average else contextlib.nullcontext():
                if X_val is not None:  # the averaged weights, when there are any, are the ones judged
                    row["val_loss"], row["val_accuracy"] = evaluate(self.network, X_val, y_val)
                history.epochs.append(row)
                score = row["val_loss"] if X_val is not None else row["loss"]
                if score < self._best_loss:
                    self._best_loss, waited, history.best_epoch = score, 0, epoch
                    if X_val is not None:  # without validation data the last weights are kept
                        self._best_weights = self.network.get_weights()
                else:
                    waited += 1
                self.log(_format_row(row, self.epochs))
                for callback in self.callbacks:
                    callback(self, row)
            if X_val is not None and self.patience and waited >= self.patience:
                history.stopped_early = True
                self.log(f"stopping early: no better validation loss for {self.patience} epochs")
                return

    def _train_epoch(self, X: np.ndarray, y: np.ndarray, epoch: int) -> dict:
        net, opt, n, bs = self.network, self.optimizer, len(X), self.batch_size
        order = self.rng.permutation(n)
        steps = math.ceil(n / bs)
        total_loss, correct, seen, digits = 0.0, 0, 0, 0
        started = time.perf_counter()
        bar = tqdm(range(steps), desc=f"epoch {epoch}/{self.epochs}", leave=False, file=sys.stderr,
                   disable=not self.progress or None, unit="batch", mininterval=0.5)
        for step in bar:
            idx = order[step * bs:(step + 1) * bs]
            # one gather per batch from the contiguous training array (take: NumPy's plain gather
            # along an axis, a little faster than general fancy indexing; see docs/performance.md)
            xb, yb = X.take(idx, axis=0), y.take(idx, axis=0)
            if self.transform is not None:
                xb = self.transform(xb, self.rng)
            opt.lr = self.schedule(epoch - 1 + step / steps)
            try:
                loss, z = train_step(net, opt, xb, yb, self.loss)
            except TrainingDiverged as err:
                raise TrainingDiverged(f"in epoch {epoch}, batch {step + 1}, {err}", err.parameter) from None
            if self.average is not None:
                self.average.update()
            total_loss += loss * len(idx)
            correct += count_correct(net, z, yb)
            seen += len(idx)
            digits += labelled(yb)
            if step % 20 == 0:
                bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / max(digits, 1):.2%}", refresh=False)
        bar.close()
        seconds = time.perf_counter() - started
        self.history.train_seconds += seconds
        return {"epoch": epoch, "loss": total_loss / seen, "accuracy": correct / max(digits, 1), "lr": opt.lr,
                "seconds": seconds}


def _format_row(row: dict, epochs: int) -> str:
    text = f"epoch {row['epoch']:>{len(str(epochs))}}/{epochs}  loss {row['loss']:.4f}  acc {row['accuracy']:.2%}"
    if "val_loss" in row:
        text += f"  val_loss {row['val_loss']:.4f}  val_acc {row['val_accuracy']:.2%}"
    return text + f"  ({row['seconds']:.1f}s)"
