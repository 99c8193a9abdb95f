"""A running average of the weights (Polyak averaging, "EMA"): a smoother model for free.

Mini-batch gradient descent never settles: each step moves the weights a little towards the last
batch, so the weights of any one moment carry that batch's noise. An exponential moving average of
the weights over the last thousand or so steps,

    average <- d * average + (1 - d) * weights        after every step (d = 0.999, say),

averages the noise away; it is the average, not the last weights, that is validated, kept and used
to predict (Polyak & Juditsky 1992; most modern image classifiers train with one). With every weight
in one flat array (``digitnet.nn.parameters``) the update is two NumPy calls per step, whatever the
network. Batch normalisation's running statistics are averaged the same way, so that they match the
averaged weights. Early on, when the average would still remember the random start, the decay grows
from 0.1 towards ``d`` as (1 + t) / (10 + t), step t.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import numpy as np

from digitnet.nn.network import Network


class WeightAverage:
    def __init__(self, network: Network, decay: float):
        if not 0.0 < decay < 1.0:
            raise ValueError(f"the decay of a weight average must be in (0, 1), got {decay}")
        self.network, self.decay, self.steps = network, float(decay), 0
        self.live = [network.params.values, *network.state_arrays().values()]
        self.average = [a.copy() for a in self.live]
        self._scratch = [np.empty_like(a) for a in self.live]

    def update(self) -> None:
        """Move the average towards the current weights (call after every optimiser step)."""
        self.steps += 1
        d = min(self.decay, (1 + self.steps) / (10 + self.steps))
        for average, live, scratch in zip(self.average, self.live, self._scratch):
            average *= d
            average += np.multiply(live, 1 - d, out=scratch)

    @contextlib.contextmanager
    def swapped_in(self) -> Iterator[None]:
        """The network holds the averaged weights inside the block, its own ones again after it."""
        for live, scratch, average in zip(self.live, self._scratch, self.average):
            np.copyto(scratch, live)
            np.copyto(live, average)
        try:
            yield
        finally:
            for live, scratch in zip(self.live, self._scratch):
                np.copyto(live, scratch)

    def apply(self) -> None:
        """Put the averaged weights into the network for good."""
        for live, average in zip(self.live, self.average):
            np.copyto(live, average)
