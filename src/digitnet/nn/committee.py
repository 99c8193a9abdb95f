"""A committee: several networks trained alike (different seeds) whose probabilities are averaged.

Averaging the class probabilities of independently trained networks cancels part of each one's
mistakes: it is how the published MNIST results got past 99.7% (Ciresan et al. 2012, a committee of
35 CNNs; Deotte's 15 CNNs). A :class:`Committee` answers to the same calls as a
:class:`~digitnet.nn.network.Network` - ``predict``, ``predict_proba``, ``predict_with_proba``,
``score``, ``as_input``, ``input_shape``, ``n_outputs``, ``summary`` - so ``digitnet evaluate``,
``predict``, ``serve`` and ``info`` take either. Its members are plain networks (``.members``), for
anything that needs one network at a time (drawing first-layer weights, exporting).

Model files: ``digitnet.io.committee_file`` saves a committee as one ``.npz``, read back by
``digitnet.io.load_model`` (a ``Model`` whose description holds each member's).
"""

from __future__ import annotations

from typing import Sequence, cast

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.network import Network


class Committee:
    """Networks that take the same input and give the same outputs; the answer is their mean probability."""

    def __init__(self, members: Sequence[Network]):
        self.members: list[Network] = list(members)
        if len(self.members) < 2:
            raise DigitnetError(f"a committee needs at least two networks, got {len(self.members)}")
        for i, member in enumerate(self.members):
            if not isinstance(member, Network):  # a committee of committees is not one: its members have no loss
                raise DigitnetError(f"committee member {i} is a {type(member).__name__}, not one network")
        first = self.members[0]
        for i, member in enumerate(self.members[1:], start=1):
            if (member.input_shape, member.inputs, member.n_outputs) != (first.input_shape, first.inputs,
                                                                          first.n_outputs):
                raise DigitnetError(
                    f"committee member {i} takes {member.input_shape} {member.inputs} and gives {member.n_outputs} "
                    f"outputs, but member 0 takes {first.input_shape} {first.inputs} and gives {first.n_outputs}; "
                    "a committee's networks must agree on both")

    # -- what it takes and gives: the members' -----------------------------------------------------
    @property
    def input_shape(self) -> tuple[int, ...] | None:
        return self.members[0].input_shape

    @property
    def inputs(self) -> str:
        return self.members[0].inputs

    @property
    def dtype(self) -> np.dtype:
        return self.members[0].dtype

    @property
    def n_outputs(self) -> int:
        return self.members[0].n_outputs

    @property
    def n_parameters(self) -> int:
        return sum(member.n_parameters for member in self.members)

    def as_input(self, X) -> np.ndarray:
        """``X`` as the members' input batch (the one rule of ``digitnet.nn.inputs``, applied once)."""
        return self.members[0].as_input(X)

    # -- predictions -----------------------------------------------------------------------------
    def predict_proba(self, X, batch_size: int = 4096) -> np.ndarray:
        """The members' mean probabilities: (N, K), or P(class 1) (N, 1) for single-output members."""
        return cast(np.ndarray, self.predict_with_proba(X, batch_size, classes=False)[1])

    def predict(self, X, batch_size: int = 4096) -> np.ndarray:
        """The class with the highest mean probability (mean P(class 1) >= 0.5 for a single output)."""
        return cast(np.ndarray, self.predict_with_proba(X, batch_size)[0])

    def predict_with_proba(self, X, batch_size: int = 4096, classes: bool = True,
                           proba: bool = True) -> tuple[np.ndarray | None, np.ndarray | None]:
        """``(predict(X), predict_proba(X))`` from one pass of each member over X, in batches that bound
        the memory as a network's do (:meth:`Network.prediction_batch`, the smallest of the members').

        The classes come from the averaged probabilities (the probabilities are needed either way).
        """
        X = self.as_input(X)
        mean = np.empty((len(X), self.n_outputs), dtype=np.float64)
        batch_size = min(member.prediction_batch(batch_size) for member in self.members)  # each member's cap
        for i in range(0, len(X), batch_size):
            xb = X[i:i + batch_size]
            total = np.zeros((len(xb), self.n_outputs), dtype=np.float64)
            for member in self.members:  # inputs are converted once; each member only runs forward
                total += member.loss.output(member.forward(xb))
            mean[i:i + batch_size] = total / len(self.members)
        labels = None
        if classes:
            labels = (mean[:, 0] >= 0.5).astype(np.int64) if self.n_outputs == 1 else mean.argmax(axis=1)
        return labels, mean.astype(self.dtype) if proba else None

    def score(self, X, y) -> float:
        """Accuracy of the committee's answers."""
        from digitnet.nn.losses import as_labels

        return float(np.mean(self.predict(X) == as_labels(y)))

    def summary(self) -> str:
        first = self.members[0]
        return (f"committee of {len(self.members)} networks, probabilities averaged; "
                f"{self.n_parameters:,} parameters in all. Each member:\n{first.summary()}")

    def __repr__(self) -> str:
        return f"Committee({len(self.members)} x {self.members[0]!r})"
