"""A sweep's table: its trials ranked by validation accuracy, as ``results.md`` and ``results.json``.

Finished trials come first, by validation accuracy and then validation loss; the test accuracy is
shown for the record and never ranks anything, so the best trial's test figure is an honest estimate.
Failed trials follow with their message. The table has a column for each swept setting, and is
rewritten whole as each trial ends, so it is never more than one trial behind.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from digitnet.io.atomic import atomic_write
from digitnet.io.jsonable import json_default
from digitnet.scale.record import TrialRecord


def ranked(records: list[TrialRecord]) -> list[TrialRecord]:
    """Finished trials by validation accuracy, then validation loss (never by test); failures last."""
    def order(r: TrialRecord):
        accuracy, loss = r.metrics.get("val_accuracy"), r.metrics.get("val_loss")
        if not r.ok or accuracy is None:
            return (1, 0.0, 0.0, r.key)
        return (0, -accuracy, math.inf if loss is None else loss, r.key)
    return sorted(records, key=order)


def best(rows: list[TrialRecord]) -> TrialRecord | None:
    """The first of ``ranked`` rows if it finished."""
    return rows[0] if rows and rows[0].ok else None


def trial_line(record: TrialRecord, done: int, total: int) -> str:
    """One line as a trial ends: ``trial 3/8 'mlp-512' with lr 0.1, seed 0: validation 97.10%, ...``."""
    head = f"trial {done}/{total} {record.label}, seed {record.seed}"
    if not record.ok:
        return f"{head}: {record.status}: {record.error}"
    where = f"{record.seconds:.0f}s on {record.worker}" if record.seconds is not None else record.worker
    return (f"{head}: validation {pct(record.metrics.get('val_accuracy'))}, "
            f"test {pct(record.metrics.get('test_accuracy'))} ({where})")


def pct(value) -> str:
    return "-" if value is None else f"{value:.2%}"


def write_table(out: Path, records: list[TrialRecord], total: int, command: str, names: list[str]) -> list[TrialRecord]:
    """results.md and results.json in ``out``: every trial so far, best first, a column per swept setting
    (``names``); returns the records in that order."""
    rows = ranked(records)
    finished = sum(r.ok for r in rows)
    header = ["# digitnet sweep", ""] + ([f"`{command}`", ""] if command else []) + [
        f"{len(rows)} of {total} trials recorded ({finished} finished, {len(rows) - finished} failed), ranked by "
        "validation accuracy, never by test accuracy." + (" The best is saved as best.npz." if finished else ""), ""]
    lines = ["| rank | " + " | ".join(names) + " | seed | validation | val loss | test | best epoch | train s | "
             "wall s | worker | recipe |",
             "|---:|" + "---|" * len(names) + "---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for rank, r in enumerate(rows, start=1):
        m = r.metrics
        swept = " | ".join(_shown(getattr(r.recipe, name)) for name in names)
        if not r.ok:
            lines.append(f"| - | {swept} | {r.seed} | {r.status}: {str(r.error).replace('|', '/')} "
                         f"| | | | | | {r.worker or ''} | {r.label} |")
            continue
        loss = "-" if m.get("val_loss") is None else f"{m['val_loss']:.4f}"
        wall = "-" if r.seconds is None else f"{r.seconds:.1f}"
        lines.append(f"| {rank} | {swept} | {r.seed} | {pct(m.get('val_accuracy'))} | {loss} | "
                     f"{pct(m.get('test_accuracy'))} | {m.get('best_epoch')}/{m.get('epochs_run')} | "
                     f"{m.get('train_seconds') or 0:.1f} | {wall} | {r.worker or ''} | {r.label} |")
    with atomic_write(out / "results.md", "w") as f:
        f.write("\n".join(header + lines) + "\n")
    first = best(rows)
    write_json(out / "results.json", {
        "command": command, "trials_total": total, "swept": names, "best": first.key if first else None,
        "trials": [{k: v for k, v in r.to_dict().items() if k != "recipe"} | {"rank": i + 1}
                   | {"settings": {name: _plain(getattr(r.recipe, name)) for name in names}}
                   for i, r in enumerate(rows)]})
    return rows


def write_json(path: Path, obj) -> None:
    with atomic_write(path, "w") as f:
        json.dump(obj, f, indent=1, default=json_default)


def _shown(value) -> str:
    if isinstance(value, (list, tuple)):
        return "-".join(str(v) for v in value) if all(isinstance(v, int) for v in value) else "(layers)"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _plain(value):
    """A setting as JSON shows it (layer sizes as a list, as the recipe's ``to_dict`` writes them)."""
    return list(value) if isinstance(value, tuple) else value
