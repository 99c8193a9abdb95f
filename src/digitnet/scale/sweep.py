"""``digitnet sweep``: a hyper-parameter search over any recipe's settings, one training run per trial.

A search is a preset (with any settings fixed), a :class:`Space` of settings to vary and the training
seeds. A grid tries every combination of the listed values; a random search draws ``random`` points
(listed values chosen from, ranges sampled uniformly or log-uniformly) with its own ``search_seed``,
so the same command draws the same trials. Every trial is one :func:`digitnet.train.run`, run by a
:class:`~digitnet.scale.trial.TrialPool` (a Dask cluster, or here one after the other).

Trials are ranked by their **validation** accuracy (the weights of their best epoch, on the
``val_size`` images held out of the training set), then by validation loss; the test accuracy is shown
for the record and never chooses anything, so the best trial's test figure is an honest estimate.

The output folder is the sweep's memory, and makes it resumable::

    OUT/trials/<key>.json   each finished trial: its recipe, seed, figures, worker and time
    OUT/trials/<key>.npz    its model
    OUT/results.md, .json   the table so far, rewritten as each trial finishes
    OUT/best.npz            the best model so far (by validation)

A trial's key comes from its recipe, seed and data, so running the same command again (after Ctrl-C,
a crash, or with more values) trains only what has no record yet. A trial that failed by its own
settings (a ``DigitnetError``: the loss diverged, say) keeps its record and is not run again unless
``retry_failed``; one that crashed or lost its worker too often is run again.
"""

from __future__ import annotations

import itertools
import json
import math
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

from digitnet._version import __version__
from digitnet.errors import DigitnetError
from digitnet.io.atomic import atomic_path, atomic_write
from digitnet.io.jsonable import json_default
from digitnet.presets.recipe import SETTINGS, Recipe
from digitnet.scale.trial import DataSpec, Outcome, TrialPool, trial_key


# -- the space searched ------------------------------------------------------------------------------
def _setting(name: str):
    if name in SETTINGS:
        return SETTINGS[name]
    raise DigitnetError(f"unknown setting {name!r} to sweep; settings: {', '.join(SETTINGS)}")


def _checked(name: str, value):
    f = _setting(name)
    try:
        return f.check(value)
    except ValueError as err:
        raise DigitnetError(f"`{name}`: {err}", parameter=name) from None


def _whole(name: str) -> bool:
    """Settings that hold whole numbers (ranges over them are rounded)."""
    return getattr(_setting(name).check, "whole", False)


@dataclass(frozen=True)
class Space:
    """Settings to vary: ``choices`` lists values, ``ranges`` gives (low, high, log) for random search."""

    choices: dict[str, tuple] = field(default_factory=dict)
    ranges: dict[str, tuple[float, float, bool]] = field(default_factory=dict)

    @classmethod
    def parse(cls, params=(), uniform=(), log_uniform=()) -> "Space":
        """From the command line's words: ``params`` [[NAME, VALUE, ...], ...], ``uniform`` and
        ``log_uniform`` [[NAME, LOW, HIGH], ...]. Each value goes through its setting's own check."""
        choices: dict[str, tuple] = {}
        for name, *values in params:
            if not values:
                raise DigitnetError(f"--param {name} needs at least one value")
            checked = tuple(dict.fromkeys(_freeze(_checked(name, v)) for v in values))
            choices[name] = choices.get(name, ()) + tuple(v for v in checked if v not in choices.get(name, ()))
        ranges: dict[str, tuple[float, float, bool]] = {}
        for log, triples in ((False, uniform), (True, log_uniform)):
            for name, low, high in triples:
                _setting(name)
                try:
                    lo, hi = float(low), float(high)
                except ValueError:
                    raise DigitnetError(f"the range of {name} must be two numbers, got {low!r} and {high!r}") from None
                if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi) or (log and lo <= 0):
                    raise DigitnetError(f"the range of {name} must be LOW < HIGH" + (" with LOW > 0 for a log-uniform "
                                        "range" if log else "") + f", got {low} {high}")
                _checked(name, int(round(lo)) if _whole(name) else lo)
                _checked(name, int(round(hi)) if _whole(name) else hi)
                ranges[name] = (lo, hi, log)
        both = set(choices) & set(ranges)
        if both:
            raise DigitnetError(f"{', '.join(sorted(both))}: give either values or a range, not both")
        if not choices and not ranges:
            raise DigitnetError("nothing to sweep: give --param NAME VALUE... "
                                "(or --uniform/--log-uniform with --random)")
        return cls(choices, ranges)

    def grid(self) -> list[dict[str, Any]]:
        """Every combination of the listed values."""
        if self.ranges:
            raise DigitnetError(f"ranges ({', '.join(self.ranges)}) need a random search: add --random N")
        names = list(self.choices)
        return [dict(zip(names, values)) for values in itertools.product(*(self.choices[n] for n in names))]

    def sample(self, n: int, seed: int = 0) -> list[dict[str, Any]]:
        """``n`` different points drawn at random (fewer if the space has fewer), the same for the same seed."""
        if n < 1:
            raise DigitnetError(f"`random` must be at least 1 trial, got {n}", parameter="random")
        rng = np.random.default_rng(seed)
        points: dict[str, dict] = {}
        for _ in range(50 * n):
            if len(points) == n:
                break
            point = {name: values[int(rng.integers(len(values)))] for name, values in self.choices.items()}
            for name, (low, high, log) in self.ranges.items():
                value = math.exp(rng.uniform(math.log(low), math.log(high))) if log else rng.uniform(low, high)
                point[name] = _checked(name, int(round(value)) if _whole(name) else float(f"{value:.4g}"))
            points.setdefault(json.dumps(point, sort_keys=True, default=str), point)
        return list(points.values())

    def to_dict(self) -> dict[str, Any]:
        return {"choices": {k: list(v) for k, v in self.choices.items()},
                "ranges": {k: {"low": lo, "high": hi, "log": log} for k, (lo, hi, log) in self.ranges.items()}}


def _freeze(value):
    """Values as dictionary keys and JSON: layer lists as tuples."""
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class Search:
    """What a sweep trains: ``base`` (a preset with any fixed settings) at each point of ``space``
    (a grid, or ``random`` points drawn with ``search_seed``), once per training seed."""

    base: Recipe
    space: Space
    seeds: tuple[int, ...] = (0,)
    random: int | None = None
    search_seed: int = 0

    def trials(self) -> list[tuple[Recipe, int]]:
        points = self.space.sample(self.random, self.search_seed) if self.random else self.space.grid()
        recipes = [self.base.with_overrides(**point) for point in points]
        blind = next((recipe for recipe in recipes if not recipe.val_size), None)
        if blind is not None:
            raise DigitnetError(f"a sweep ranks its trials by validation accuracy, and {blind.label} holds no "
                                "images out for validation; give `val_size` (e.g. 5000)", parameter="val_size")
        return [(recipe, seed) for recipe in recipes for seed in self.seeds]


# -- running it ------------------------------------------------------------------------------------
@dataclass
class SweepResult:
    rows: list[dict[str, Any]]  # every trial's record, best first (failures last)
    ran: int  # trials trained in this call
    reused: int  # trials whose records were already on disk
    folder: Path

    @property
    def best(self) -> dict[str, Any] | None:
        return self.rows[0] if self.rows and self.rows[0]["status"] == "ok" else None

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["status"] != "ok"]


def run_sweep(search: Search, out: "str | Path", pool: TrialPool, *, retry_failed: bool = False,
              progress: bool = False, log: Callable[[str], None] | None = None, command: str = "",
              on_outcome: Callable[[Outcome], None] | None = None) -> SweepResult:
    """Run every trial of ``search`` that ``out`` has no record of, on ``pool``; see the module docstring.

    ``progress`` shows a bar counting trials (on stderr); ``log`` receives a line per finished trial
    (write it with ``tqdm.write`` to keep the bar whole).

    ``on_outcome(outcome)`` is called after each new trial is recorded (tests interrupt a sweep there).
    """
    from tqdm.auto import tqdm

    say = log or (lambda message: None)
    out = Path(out)
    trials = search.trials()
    keys = [trial_key(recipe, seed, pool.data) for recipe, seed in trials]
    records = {key: record for key in keys if (record := _reusable(out, key, retry_failed)) is not None}
    for (recipe, seed), key in zip(trials, keys):
        if key not in records:
            pool.submit(recipe, seed)
    _write_json(out / "sweep.json", {"base": search.base.to_dict(), "space": search.space.to_dict(),
                                     "seeds": list(search.seeds), "random": search.random,
                                     "search_seed": search.search_seed, "data": pool.data.describe(),
                                     "command": command})
    reused, ran = len(records), 0
    say(f"{len(trials)} trial{'s' if len(trials) != 1 else ''} of {search.base.label}: {reused} already done"
        + (", running the rest " + ("on the cluster" if pool.parallel else "here, one after the other")
           if reused < len(trials) else ""))
    names = list(search.space.choices) + list(search.space.ranges)
    _write_table(out, [records[k] for k in keys if k in records], len(trials), command, names)
    bar = tqdm(total=len(trials), initial=reused, unit="trial", desc="sweep", file=sys.stderr,
               disable=not progress or None, dynamic_ncols=True)
    try:
        for outcome in pool.as_completed():
            record = _record(out, outcome)
            records[outcome.key] = record
            ran += 1
            bar.update(1)
            say(_line(record, reused + ran, len(trials)))
            rows = _write_table(out, [records[k] for k in keys if k in records], len(trials), command, names)
            if rows[0]["status"] == "ok" and rows[0]["key"] == outcome.key:
                _copy(out / "trials" / f"{outcome.key}.npz", out / "best.npz")
            if on_outcome is not None:
                on_outcome(outcome)
    finally:
        bar.close()
    rows = _ranked([records[k] for k in keys if k in records])
    return SweepResult(rows, ran, reused, out)


def _reusable(out: Path, key: str, retry_failed: bool) -> dict | None:
    """The record of a finished trial, if there is one to keep (see the module docstring)."""
    path = out / "trials" / f"{key}.json"
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("key") != key:
        return None
    if record.get("status") == "ok":
        return record if (out / "trials" / f"{key}.npz").is_file() else None
    return record if record.get("status") == "failed" and not retry_failed else None


def _record(out: Path, outcome: Outcome) -> dict[str, Any]:
    """Keep the outcome on disk (the model first, checked by loading it back, then its record)."""
    if outcome.ok:
        try:
            outcome.save(out / "trials" / f"{outcome.key}.npz")
        except DigitnetError as err:
            outcome.status, outcome.error = "error", f"the model that came back is unreadable: {err}"
    record = {"key": outcome.key, "label": outcome.recipe.label, "seed": outcome.seed, "status": outcome.status,
              "metrics": outcome.metrics, "error": outcome.error, "worker": outcome.worker,
              "seconds": None if outcome.seconds is None else round(outcome.seconds, 2),
              "data_checksum": outcome.data_checksum, "recipe": outcome.recipe.to_dict(),
              "digitnet_version": __version__,
              "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    _write_json(out / "trials" / f"{outcome.key}.json", record)
    return record


def _ranked(records: list[dict]) -> list[dict]:
    """Finished trials by validation accuracy, then validation loss (never by test); failures last."""
    def order(r):
        m = r.get("metrics") or {}
        if r.get("status") != "ok" or m.get("val_accuracy") is None:
            return (1, 0.0, 0.0, r["key"])
        return (0, -m["val_accuracy"], m.get("val_loss") if m.get("val_loss") is not None else math.inf, r["key"])
    return sorted(records, key=order)


def _line(record: dict, done: int, total: int) -> str:
    where = f"{record['seconds']:.0f}s on {record['worker']}" if record.get("seconds") is not None else record["worker"]
    if record["status"] != "ok":
        return f"trial {done}/{total} {record['label']}, seed {record['seed']}: {record['status']}: {record['error']}"
    m = record["metrics"]
    return (f"trial {done}/{total} {record['label']}, seed {record['seed']}: validation {_pct(m.get('val_accuracy'))}, "
            f"test {_pct(m.get('test_accuracy'))} ({where})")


def _pct(value) -> str:
    return "-" if value is None else f"{value:.2%}"


def _write_table(out: Path, records: list[dict], total: int, command: str, names: list[str]) -> list[dict]:
    """results.md and results.json: every trial so far, best first, with a column per swept setting."""
    rows = _ranked(records)
    finished = sum(r["status"] == "ok" for r in rows)
    header = ["# digitnet sweep", ""] + ([f"`{command}`", ""] if command else []) + [
        f"{len(rows)} of {total} trials recorded ({finished} finished, {len(rows) - finished} failed), ranked by "
        "validation accuracy, never by test accuracy." + (" The best is saved as best.npz." if finished else ""), ""]
    lines = ["| rank | " + " | ".join(names) + " | seed | validation | val loss | test | best epoch | train s | "
             "wall s | worker | recipe |",
             "|---:|" + "---|" * len(names) + "---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for rank, r in enumerate(rows, start=1):
        m = r.get("metrics") or {}
        swept = " | ".join(_shown((r.get("recipe") or {}).get(name)) for name in names)
        if r["status"] != "ok":
            lines.append(f"| - | {swept} | {r['seed']} | {r['status']}: {str(r['error']).replace('|', '/')} "
                         f"| | | | | | {r.get('worker') or ''} | {r['label']} |")
            continue
        loss = "-" if m.get("val_loss") is None else f"{m['val_loss']:.4f}"
        wall = "-" if r.get("seconds") is None else f"{r['seconds']:.1f}"
        lines.append(f"| {rank} | {swept} | {r['seed']} | {_pct(m.get('val_accuracy'))} | {loss} | "
                     f"{_pct(m.get('test_accuracy'))} | {m.get('best_epoch')}/{m.get('epochs_run')} | "
                     f"{m.get('train_seconds', 0):.1f} | {wall} | {r.get('worker') or ''} | {r['label']} |")
    with atomic_write(out / "results.md", "w") as f:
        f.write("\n".join(header + lines) + "\n")
    _write_json(out / "results.json", {"command": command, "trials_total": total, "swept": names,
                                       "best": rows[0]["key"] if rows and rows[0]["status"] == "ok" else None,
                                       "trials": [{k: v for k, v in r.items() if k != "recipe"} | {"rank": i + 1}
                                                  | {"settings": {n: (r.get("recipe") or {}).get(n) for n in names}}
                                                  for i, r in enumerate(rows)]})
    return rows


def _shown(value) -> str:
    if isinstance(value, (list, tuple)):
        return "-".join(str(v) for v in value) if all(isinstance(v, int) for v in value) else "(layers)"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _write_json(path: Path, obj) -> None:
    with atomic_write(path, "w") as f:
        json.dump(obj, f, indent=1, default=json_default)


def _copy(source: Path, target: Path) -> None:
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)


__all__ = ["DataSpec", "Search", "Space", "SweepResult", "run_sweep"]
