"""A sweep's memory of one trial: ``OUT/trials/<key>.json``, written as the trial ends, read on resuming.

:class:`TrialRecord` declares what a record holds. A record is read back by :meth:`TrialRecord.read`
only, which checks every value it takes from the file, once, for its type and range (a figure that is
text, a seed that is missing, a key that is not the file's), and says which file and which field in
one line: the table and the ranking then work on values they can trust. The recipe and seed are not
taken from the file at all: the trial's key is made from them (:func:`~digitnet.scale.trial.trial_key`),
so the search that looks for the record already knows them, and the file's copy must agree.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from digitnet._version import __version__
from digitnet.errors import DigitnetError
from digitnet.io.atomic import atomic_write
from digitnet.io.jsonable import json_default
from digitnet.presets.recipe import Recipe
from digitnet.scale.trial import Outcome

#: what became of a trial: trained ("ok"), refused by its own settings ("failed": not run again unless
#: asked), or crashed ("error": run again next time)
STATUSES = ("ok", "failed", "error")
#: the figures a record keeps, and what each may be (None: not measured)
METRICS = {"test_accuracy": "fraction", "val_accuracy": "fraction", "val_loss": "non-negative",
           "best_epoch": "count", "epochs_run": "count", "train_seconds": "non-negative",
           "test_seconds": "non-negative"}
#: the largest record read back (a record is a few kilobytes: a recipe and a dozen figures)
MAX_RECORD_BYTES = 1 << 20


@dataclass(frozen=True)
class TrialRecord:
    key: str
    recipe: Recipe
    seed: int
    status: str
    metrics: dict[str, Any] = field(default_factory=dict)  # each key of METRICS: a number, or None
    error: str | None = None
    worker: str | None = None
    seconds: float | None = None  # wall time on the worker, data loading included
    data_checksum: str | None = None
    digitnet_version: str | None = None
    finished: str | None = None  # when, as ISO 8601 text

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def label(self) -> str:
        return self.recipe.label

    @classmethod
    def from_outcome(cls, outcome: Outcome) -> "TrialRecord":
        return cls(outcome.key, outcome.recipe, outcome.seed, outcome.status,
                   {k: outcome.metrics.get(k) for k in METRICS},
                   outcome.error, outcome.worker, None if outcome.seconds is None else round(outcome.seconds, 2),
                   outcome.data_checksum, __version__, datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "seed": self.seed, "status": self.status,
                "metrics": dict(self.metrics), "error": self.error, "worker": self.worker, "seconds": self.seconds,
                "data_checksum": self.data_checksum, "recipe": self.recipe.to_dict(),
                "digitnet_version": self.digitnet_version, "finished": self.finished}

    def write(self, path: Path) -> None:
        with atomic_write(path, "w") as f:
            json.dump(self.to_dict(), f, indent=1, default=json_default)

    @classmethod
    def read(cls, path: Path, key: str, recipe: Recipe, seed: int) -> "TrialRecord":
        """The record at ``path`` of the trial ``key`` (``recipe`` from ``seed``), every value checked;
        :class:`DigitnetError` naming the file and the field otherwise."""
        def bad(what: str) -> DigitnetError:
            return DigitnetError(f"the sweep's trial record {path} is damaged: {what}; delete it (and the .npz "
                                 "beside it) to train that trial again")

        try:
            with open(path, "rb") as f:
                raw = f.read(MAX_RECORD_BYTES + 1)
        except OSError as err:
            raise DigitnetError(f"cannot read the sweep's trial record {path}: {err.strerror}") from None
        if len(raw) > MAX_RECORD_BYTES:
            raise bad(f"it is larger than {MAX_RECORD_BYTES >> 20} MB")
        try:
            d = json.loads(raw)
        except (ValueError, RecursionError) as err:
            raise bad(f"it is not JSON ({str(err).splitlines()[0][:100]})") from None
        if not isinstance(d, dict):
            raise bad(f"it holds {type(d).__name__}, not a record")

        def value(name: str, check, wanted: str, where: dict = d, prefix: str = "", required: bool = False):
            if name not in where:
                if required:
                    raise bad(f"field '{prefix}{name}' is missing")
                return None
            v = where[name]
            if v is None and not required:
                return None
            if not check(v):
                raise bad(f"field '{prefix}{name}' must be {wanted}, got {_shown(v)}")
            return v

        value("key", lambda v: v == key, f"{key!r} (the file's own name)", required=True)
        value("seed", lambda v: _whole(v) and v == seed, f"{seed} (the seed its key was made from)", required=True)
        value("label", lambda v: isinstance(v, str), "text", required=True)
        status = value("status", lambda v: v in STATUSES, f"one of {', '.join(STATUSES)}", required=True)
        metrics = value("metrics", lambda v: isinstance(v, dict), "a mapping of figures") or {}
        checked = {name: value(name, _KINDS[kind][1], _KINDS[kind][0], metrics, "metrics.")
                   for name, kind in METRICS.items()}
        text = (lambda v: isinstance(v, str)), "text"
        return cls(key, recipe, seed, status, checked, value("error", *text), value("worker", *text),
                   value("seconds", _KINDS["non-negative"][1], _KINDS["non-negative"][0]),
                   value("data_checksum", *text), value("digitnet_version", *text), value("finished", *text))


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _whole(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


_KINDS = {
    "fraction": ("a number from 0 to 1", lambda v: _number(v) and 0 <= v <= 1),
    "non-negative": ("a number, zero or more", lambda v: _number(v) and v >= 0),
    "count": ("a whole number, zero or more", lambda v: _whole(v) and v >= 0),
}


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
