"""Learning-rate schedules: big steps early to make progress, small steps late to settle.

A schedule maps training progress to a learning rate. Progress is measured in (fractional) epochs, so
``epoch = 2.5`` is half-way through the third epoch; the trainer asks before every mini-batch.

- ``constant``  lr throughout
- ``step``      lr * gamma^floor(epoch / step_size): the classic staircase
- ``cosine``    lr * (1 + cos(pi * epoch / epochs)) / 2: a smooth glide to zero (Loshchilov & Hutter, 2017)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from digitnet.errors import DigitnetError


@dataclass(frozen=True)
class Constant:
    lr: float

    def __call__(self, epoch: float) -> float:
        return self.lr


@dataclass(frozen=True)
class Step:
    lr: float
    step_size: float = 10
    gamma: float = 0.1

    def __call__(self, epoch: float) -> float:
        return self.lr * self.gamma ** math.floor(epoch / self.step_size)


@dataclass(frozen=True)
class Cosine:
    lr: float
    epochs: float
    min_lr: float = 0.0

    def __call__(self, epoch: float) -> float:
        t = min(max(epoch / self.epochs, 0.0), 1.0)
        return self.min_lr + 0.5 * (self.lr - self.min_lr) * (1.0 + math.cos(math.pi * t))


SCHEDULES = ("constant", "step", "cosine")


def make_schedule(name: str, lr: float, epochs: float):
    """The schedule called ``name`` from ``lr`` over ``epochs`` (``step`` divides by 10 every 10 epochs)."""
    if name == "constant":
        return Constant(lr)
    if name == "step":
        return Step(lr)
    if name == "cosine":
        return Cosine(lr, epochs)
    raise DigitnetError(f"unknown schedule {name!r}; choose one of {', '.join(SCHEDULES)}", parameter="schedule")


__all__ = ["Constant", "Cosine", "SCHEDULES", "Step", "make_schedule"]
