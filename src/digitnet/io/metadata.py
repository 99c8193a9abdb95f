"""Reading a model file's description defensively: what ``digitnet info``, ``evaluate`` and the server show.

A model file's JSON is written by digitnet, but a file from a stranger may hold anything there: the
accuracy as text, the recipe as a list, a data set without a training count. :func:`summary` picks out
only values of the expected types (anything else counts as unknown, and text is cut short); the
recipe is shown by the label and description the file recorded, which digitnet writes from the
recipe's settings when it trains (``Recipe.to_dict``). This module reads the stored description only:
it knows nothing of recipes, so a file from any version reads the same. :func:`recorded_history`
keeps the well-formed epochs for learning curves, :func:`note_other_data` warns when a model is
used on data other than it was trained on, and :func:`environment_text` and
:func:`environment_differences` read where it was trained (``digitnet.train.environment`` records it).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from digitnet.data.errors import DataNote


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return value


def _text(value, limit: int = 500) -> str | None:
    """A text of the file cut to ``limit`` characters (a stranger's file may hold megabytes), with "…"
    where it was cut."""
    if not isinstance(value, str):
        return None
    return value if len(value) <= limit else value[:limit - 1] + "…"


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def summary(meta: dict[str, Any]) -> dict[str, Any]:
    """The parts of a model's metadata worth showing, each of the right type or None."""
    recipe, metrics, data = _mapping(meta.get("recipe")), _mapping(meta.get("metrics")), _mapping(meta.get("dataset"))
    name = _text(recipe.get("name"), 100)
    label = _text(recipe.get("label")) or (repr(name) if name else None)
    description = _text(recipe.get("description"), 2000)  # a recipe said in words runs to 500 and more
    classes = meta.get("classes")
    return {
        "label": label, "description": description,
        "seed": meta.get("seed") if isinstance(meta.get("seed"), int) else None,
        "created": _text(meta.get("created"), 40),
        "digitnet_version": _text(meta.get("digitnet_version"), 40),
        "test_accuracy": _number(metrics.get("test_accuracy")),
        "best_epoch": _number(metrics.get("best_epoch")), "epochs_run": _number(metrics.get("epochs_run")),
        "train_seconds": _number(metrics.get("train_seconds")),
        "dataset": _text(data.get("name"), 200), "checksum": _text(data.get("checksum"), 64),
        "train": _number(data.get("train")), "validation": _number(data.get("validation")),
        "classes": [str(c)[:50] for c in classes[:1000]] if isinstance(classes, list) else None,
    }


def recorded_history(meta: dict[str, Any]) -> dict[str, Any] | None:
    """The training history a model file records, keeping only well-formed epochs (for learning curves):
    rows with a number for ``epoch``, ``loss`` and ``accuracy``, and validation figures only where every
    row has them as numbers. None when nothing usable is recorded."""
    history = _mapping(meta.get("history"))
    epochs = history.get("epochs")
    rows = []
    for row in epochs[:10_000] if isinstance(epochs, list) else []:
        if isinstance(row, dict) and all(_number(row.get(key)) is not None for key in ("epoch", "loss", "accuracy")):
            rows.append({key: row[key] for key in ("epoch", "loss", "accuracy", "val_loss", "val_accuracy")
                         if _number(row.get(key)) is not None})
    if not rows:
        return None
    if not all("val_loss" in r and "val_accuracy" in r for r in rows):
        rows = [{key: r[key] for key in ("epoch", "loss", "accuracy")} for r in rows]
    return {"epochs": rows, "best_epoch": _number(history.get("best_epoch"))}


def note_other_data(meta: dict[str, Any], name: str, checksum: str | None, consequence: str) -> bool:
    """Warn (:class:`~digitnet.data.DataNote`) when the model file records a data set other than the one
    (``name``, ``checksum``) it is now used with, saying the ``consequence``; True if it warned.

    Data sets are told apart by their fingerprint; a model that records none (quick runs on part of a
    data set, arrays) is not compared.
    """
    about = summary(meta)
    if about["checksum"] is None or checksum is None or about["checksum"] == checksum:
        return False
    warnings.warn(f"this model was trained on '{about['dataset'] or 'another data set'}', not on '{name}' "
                  f"(their fingerprints differ); {consequence}", DataNote, stacklevel=2)
    return True


#: the packages whose versions change what a run computes, as a model file's ``environment`` names them
#: (NumPy's BLAS is recorded on its own: ``blas``, ``blas_kernels``, ``blas_threads``)
ENVIRONMENT_PACKAGES = {"numpy": "NumPy", "pillow": "Pillow", "matplotlib": "matplotlib"}
#: each key of a model file's ``environment`` and how it is said
ENVIRONMENT_NAMES = {"python": "Python", **ENVIRONMENT_PACKAGES, "blas": "BLAS", "blas_kernels": "BLAS kernels",
                     "blas_threads": "BLAS threads"}


def _recorded(env) -> dict[str, str | None] | None:
    """An ``environment`` (its types checked where the file was read: ``io/description.py``) as short
    texts, None for what it does not say; None when there is none (files made before they recorded it)."""
    if not isinstance(env, dict) or not env:
        return None
    return {key: None if env.get(key) is None else _text(str(env[key]), 60) for key in ENVIRONMENT_NAMES}


def environment_text(meta: dict[str, Any]) -> str | None:
    """Where the model was trained, in one line ("Python 3.11.7, NumPy 2.4.6, Pillow 13.0.0, matplotlib
    3.11.2, openblas 0.3.31 (SkylakeX kernels, 2 threads)"), or None when the file does not say."""
    env = _recorded(meta.get("environment"))
    if env is None:
        return None
    parts = [f"{ENVIRONMENT_NAMES[key]} {env[key] or 'unknown'}" for key in ("python", *ENVIRONMENT_PACKAGES)]
    kernels, threads = env["blas_kernels"], env["blas_threads"]
    detail = ", ".join(([f"{kernels} kernels"] if kernels else [])
                       + ([f"{threads} thread{'' if threads == '1' else 's'}"] if threads else []))
    return ", ".join([*parts, env["blas"] or "an unknown BLAS"]) + (f" ({detail})" if detail else "")


def environment_differences(meta: dict[str, Any], here: dict[str, Any]) -> list[str] | None:
    """What differs between where the model was trained and ``here`` (an environment as
    ``digitnet.train.environment`` records it): "Pillow 12.1.0 there, 13.0.0 here", one text each, and
    whatever either side does not know (unknown on both is not known to be the same); None when the file
    does not say where it was trained."""
    env, now = _recorded(meta.get("environment")), _recorded(here) or {}
    if env is None:
        return None
    return [f"{name} {env[key] or 'unknown'} there, {now.get(key) or 'unknown'} here"  # unknown is not the same
            for key, name in ENVIRONMENT_NAMES.items() if env[key] is None or env[key] != now.get(key)]
