"""What every tutorial run hands back: one row of the reproduction table, plus the raw numbers.

Published figures are constants with their source named (:class:`Published`); digitnet's figures are
always measured by the run itself and only formatted here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from digitnet.data import Dataset


@dataclass(frozen=True)
class Published:
    text: str  # the figure as the table shows it
    source: str  # where it was published
    value: float | None = None  # the number to meet or beat, when there is one


@dataclass
class Result:
    key: str  # preset / runner name, e.g. "nielsen-ch1"
    tutorial: str  # e.g. "4. Nielsen ch. 1"
    configuration: str
    published: Published
    figure: str  # digitnet's figure, formatted from ``metrics``
    seconds: float  # training time
    meets: bool | None  # None when there is nothing to compare (or in a --quick run)
    quick: bool
    metrics: dict[str, Any] = field(default_factory=dict)
    plots: list[str] = field(default_factory=list)
    within_noise: bool = False  # meets it only by allowing for seed-to-seed noise (the CNN ladder)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Context:
    """What a tutorial run needs: the data, how long to run, where pictures go and earlier results."""

    data: Dataset | None
    quick: bool = False
    seed: int = 0
    plots: Path | None = None
    models: Path | None = None  # where long runs (the CNN ladder) save their models, and reuse them
    log: Callable[[str], None] = field(default=lambda msg: None)  # progress lines (the CLI prints them)
    pool: Any = None  # a digitnet.scale.trial.TrialPool: long runs (the CNN ladder) train on a cluster
    unsaved: dict = field(default_factory=dict)  # trial key -> where its model goes, until it has come back
    results: dict[str, Result] = field(default_factory=dict)

    def plot_path(self, name: str) -> Path | None:
        """``plots/name`` when pictures were asked for, else None."""
        if self.plots is None:
            return None
        self.plots.mkdir(parents=True, exist_ok=True)
        return self.plots / name


def verdict(measured: float, published: Published, quick: bool) -> bool | None:
    """Does the measured figure meet (or beat) the published one? Not judged for --quick runs."""
    if quick or published.value is None:
        return None
    return measured >= published.value


def plural(n: int, word: str) -> str:
    """``plural(1, "epoch")`` -> "1 epoch", ``plural(30, "epoch")`` -> "30 epochs"."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"
