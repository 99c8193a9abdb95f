"""``digitnet sweep``: a hyper-parameter search over any recipe's settings, one training run per trial.

A search (:mod:`digitnet.scale.space`) is a preset (with any settings fixed), a :class:`Space` of
settings to vary and the training seeds. A grid tries every combination of the listed values; a random
search draws ``random`` points (listed values chosen from, ranges sampled uniformly or log-uniformly)
with its own ``search_seed``, so the same command draws the same trials. Every trial is one
:func:`digitnet.train.run`, run by a :class:`~digitnet.scale.trial.TrialPool` (a Dask cluster, or here
one after the other). This module runs them and keeps what they give; :mod:`digitnet.scale.record`
is one trial's record and :mod:`digitnet.scale.report` the table, ranked by **validation** accuracy.

The output folder is the sweep's memory, and makes it resumable::

    OUT/trials/<key>.json   each finished trial: its recipe, seed, figures, worker and time
    OUT/trials/<key>.npz    its model
    OUT/results.md, .json   the table so far, rewritten as each trial finishes
    OUT/best.npz            the best model so far (by validation)

A trial's key comes from its recipe, seed and data, so running the same command again (after Ctrl-C,
a crash, or with more values) trains only what has no record yet. A trial that failed by its own
settings (a ``DigitnetError``: the loss diverged, say) keeps its record and is not run again unless
``retry_failed``; one that crashed or lost its worker too often is run again. ``best.npz`` is made
again from the best trial's model whenever it is missing or stale.

A disk that fills up stops the sweep with one line: the trial's model that could not be written is
kept in the temporary folder (the message says where), and the finished trials stay on disk for the
next run.
"""

from __future__ import annotations

import filecmp
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from digitnet.errors import DigitnetError
from digitnet.io.atomic import WriteFailed, atomic_path, save_or_rescue
from digitnet.scale import report
from digitnet.scale.record import TrialRecord
from digitnet.scale.space import MAX_TRIALS, Search, Space
from digitnet.scale.trial import DataSpec, Outcome, TrialPool, trial_key


@dataclass
class SweepResult:
    rows: list[TrialRecord]  # every trial's record, best first (failures last)
    ran: int  # trials trained in this call
    reused: int  # trials whose records were already on disk
    folder: Path

    @property
    def best(self) -> TrialRecord | None:
        return report.best(self.rows)

    @property
    def best_model(self) -> Path | None:
        """``best.npz``, the best trial's model, when there is a best trial."""
        return self.folder / "best.npz" if self.best is not None else None

    @property
    def failed(self) -> list[TrialRecord]:
        return [r for r in self.rows if not r.ok]


def read_records(search: Search, out: "str | Path", data: DataSpec,
                 retry_failed: bool = False) -> dict[str, TrialRecord]:
    """The records in ``out`` of ``search``'s trials that need not run again, by key (see the module
    docstring); a damaged record stops here, before any training, naming its file and field."""
    records = {}
    for recipe, seed in search.trials():
        key = trial_key(recipe, seed, data)
        record = _reusable(Path(out), key, recipe, seed, retry_failed)
        if record is not None:
            records[key] = record
    return records


def run_sweep(search: Search, out: "str | Path", pool: TrialPool, *, retry_failed: bool = False,
              progress: bool = False, log: Callable[[str], None] | None = None, command: str = "",
              on_outcome: Callable[[Outcome], None] | None = None,
              records: "dict[str, TrialRecord] | None" = None) -> SweepResult:
    """Run every trial of ``search`` that ``out`` has no record of, on ``pool``; see the module docstring.

    ``records`` is what :func:`read_records` returned, if it was called already (to find damaged records
    before a cluster starts). ``progress`` shows a bar counting trials (on stderr); ``log`` receives a
    line per finished trial (write it with ``tqdm.write`` to keep the bar whole).

    ``on_outcome(outcome)`` is called after each new trial is recorded (tests interrupt a sweep there).
    """
    from tqdm.auto import tqdm

    say = log or (lambda message: None)
    out = Path(out)
    trials = search.trials()
    keys = [trial_key(recipe, seed, pool.data) for recipe, seed in trials]
    if records is None:
        records = read_records(search, out, pool.data, retry_failed)
    records = {key: records[key] for key in keys if key in records}
    for (recipe, seed), key in zip(trials, keys):
        if key not in records:
            pool.submit(recipe, seed)
    report.write_json(out / "sweep.json", {"base": search.base.to_dict(), "space": search.space.to_dict(),
                                           "seeds": list(search.seeds), "random": search.random,
                                           "search_seed": search.search_seed, "data": pool.data.describe(),
                                           "command": command})
    reused, ran = len(records), 0
    say(f"{len(trials)} trial{'s' if len(trials) != 1 else ''} of {search.base.label}: {reused} already done"
        + (", running the rest " + ("on the cluster" if pool.parallel else "here, one after the other")
           if reused < len(trials) else ""))
    names = search.space.names
    rows = report.write_table(out, list(records.values()), len(trials), command, names)
    bar = tqdm(total=len(trials), initial=reused, unit="trial", desc="sweep", file=sys.stderr,
               disable=not progress or None, dynamic_ncols=True)
    try:
        for outcome in pool.as_completed():
            record = _record(out, outcome)
            records[outcome.key] = record
            ran += 1
            bar.update(1)
            say(report.trial_line(record, reused + ran, len(trials)))
            rows = report.write_table(out, [records[k] for k in keys if k in records], len(trials), command, names)
            if rows[0].ok and rows[0].key == outcome.key:
                _keep_best(out, rows[0])
            if on_outcome is not None:
                on_outcome(outcome)
    finally:
        bar.close()
    rows = report.ranked([records[k] for k in keys if k in records])
    if report.best(rows) is not None:  # also after a resume with nothing to train, if best.npz went missing
        _keep_best(out, rows[0], only_if_stale=True)
    return SweepResult(rows, ran, reused, out)


def _reusable(out: Path, key: str, recipe, seed: int, retry_failed: bool) -> TrialRecord | None:
    """The record of a finished trial, if there is one to keep (see the module docstring)."""
    path = out / "trials" / f"{key}.json"
    if not path.exists():
        return None
    record = TrialRecord.read(path, key, recipe, seed)
    if record.ok:
        return record if (out / "trials" / f"{key}.npz").is_file() else None
    return record if record.status == "failed" and not retry_failed else None


def _record(out: Path, outcome: Outcome) -> TrialRecord:
    """Keep the outcome on disk: the model first, checked by loading it back, then its record. A disk
    that is full stops the sweep, the model kept in the temporary folder."""
    model = out / "trials" / f"{outcome.key}.npz"
    if outcome.ok:
        try:
            save_or_rescue(outcome.save, model, "the trial's model")
        except WriteFailed as err:
            raise DigitnetError(f"{err}; the sweep stops here (its finished trials are kept: run the same command "
                                "again to go on)") from None
        except DigitnetError as err:
            outcome.status, outcome.error = "error", f"the model that came back is unreadable: {err}"
    record = TrialRecord.from_outcome(outcome)
    try:
        record.write(out / "trials" / f"{outcome.key}.json")
    except WriteFailed as err:
        kept = f"; its model is in {model}, but without its record it is trained again next time" \
            if outcome.ok else ""
        raise DigitnetError(f"{err}{kept}; the sweep stops here") from None
    return record


def _keep_best(out: Path, best: TrialRecord, only_if_stale: bool = False) -> None:
    """Copy the best trial's model to ``best.npz`` (only if that is missing or another file, when
    ``only_if_stale``)."""
    source, target = out / "trials" / f"{best.key}.npz", out / "best.npz"
    if only_if_stale and target.is_file() and filecmp.cmp(source, target, shallow=False):
        return
    try:
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)
    except WriteFailed as err:
        raise DigitnetError(f"{err}; the best model so far is {source}") from None


__all__ = ["DataSpec", "MAX_TRIALS", "Search", "Space", "SweepResult", "TrialRecord", "read_records", "run_sweep"]
