"""Reading a model file's description defensively: what ``digitnet info`` and the server show.

A model file's JSON is written by digitnet, but a file from a stranger may hold anything there: the
accuracy as text, the recipe as a list, a data set without a training count. :func:`summary` picks out
only values of the expected types (anything else counts as unknown), and describes the recipe from its
settings when this version can read them, so what is shown is what was trained.
"""

from __future__ import annotations

import math
from typing import Any


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return value


def _text(value, limit: int = 500) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def summary(meta: dict[str, Any]) -> dict[str, Any]:
    """The parts of a model's metadata worth showing, each of the right type or None."""
    from digitnet.errors import DigitnetError
    from digitnet.presets.recipe import Recipe

    recipe, metrics, data = _mapping(meta.get("recipe")), _mapping(meta.get("metrics")), _mapping(meta.get("dataset"))
    label, description = _text(recipe.get("label")) or (repr(recipe["name"]) if _text(recipe.get("name")) else None), \
        _text(recipe.get("description"))
    try:  # only a whole recipe is described from its settings (a bare description stays as written)
        parsed = Recipe.from_dict(recipe) if {"name", "layers"} <= recipe.keys() else None
    except (DigitnetError, TypeError, ValueError, RecursionError):
        parsed = None
    if parsed is not None:
        label, description = parsed.label, parsed.description
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
