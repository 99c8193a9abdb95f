"""Trained runs kept in a folder, one file per recipe and seed: the CNN ladder's models, a committee's members.

``digitnet reproduce --models DIR`` keeps each rung's model there and ``digitnet train --committee N
--members DIR`` each member, under one rule of names (:func:`member_file`), so each reuses the other's
files: a preset as it is defined keeps the short name ``PRESET-sSEED.npz`` (``best-s0.npz``); a preset
with settings changed adds a digest of all its settings (``mlp-512-1c0ffee5-s0.npz``), so a committee
of 784-24-10 networks never lands on the files of a 784-16-10 one.

A name is only a promise, so :func:`examine` reads what a file holds before it is reused or replaced:

- a finished run of the same recipe and seed, on the same data: **reused** instead of trained again;
- an interrupted run of the same (Ctrl-C kept its best weights so far): trained again and **replaced**;
- anything else (another recipe, seed or data, a committee, a damaged file, one from a newer digitnet)
  is someone's work: neither reused nor replaced. :meth:`Found.refuse_other` says so in one line, and
  callers ask before they train, not after.

A run is kept as soon as it ends (:func:`keep`), so Ctrl-C during the next one loses only that one;
when the file cannot be written (a full disk), the run goes to the temporary folder and the error says
where (:func:`digitnet.io.atomic.save_or_rescue`).

:func:`load_run` is the one place where a kept run's file is read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from digitnet.errors import DigitnetError
from digitnet.io.atomic import check_writable, save_or_rescue
from digitnet.presets.recipe import Recipe

#: hex digits of the settings' digest in a member's name: 32 bits, and the file's own recipe is checked
DIGEST_LENGTH = 8


def recipe_settings(recipe: Recipe) -> dict[str, Any]:
    """Everything that decides how a run trains, JSON-ready (the generated label and description left out)."""
    return {k: v for k, v in recipe.to_dict().items() if k not in ("label", "description")}


def recipe_digest(recipe: Recipe) -> str:
    """A short name for the whole recipe, the same on any machine."""
    text = json.dumps(recipe_settings(recipe), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:DIGEST_LENGTH]


def member_file(folder: "str | Path", recipe: Recipe, seed: int) -> Path:
    """Where the run of ``recipe`` from ``seed`` is kept in ``folder`` (see the module docstring)."""
    tag = f"{recipe.name}-{recipe_digest(recipe)}" if recipe.overrides else recipe.name
    return Path(folder) / f"{tag}-s{seed}.npz"


def load_run(path: "str | Path") -> tuple[Any, dict[str, Any]]:
    """(network, description) of a model file, read by the ordinary loader, which checks it like any
    stranger's file."""
    from digitnet.io import load_model

    model = load_model(path)
    return model.network, model.metadata


@dataclass(frozen=True)
class Kept:
    """A finished run read back from its file (``path`` None: read from a trial's bytes, kept nowhere)."""

    path: Path | None
    network: Any
    metadata: dict[str, Any]

    @property
    def metrics(self) -> dict[str, Any]:
        return self.metadata.get("metrics") or {}


@dataclass(frozen=True)
class Found:
    """What the file of a run holds: ``kept`` (reuse it), ``other`` (why it is someone else's), or
    neither (nothing there, or an interrupted run of the same: train, and write the file)."""

    path: Path
    kept: Kept | None = None
    other: str | None = None

    def refuse_other(self, what: str = "") -> None:
        """Raise if the file is someone else's work (see the module docstring)."""
        if self.other is not None:
            raise DigitnetError(f"{what + ': ' if what else ''}{self.path} holds {self.other}; it is neither reused "
                                "nor replaced: move it away, or choose another folder")


def examine(path: "str | Path", recipe: Recipe, seed: int, dataset: str | None = None) -> Found:
    """Judge the file at ``path`` against the run of ``recipe`` from ``seed`` on the data set whose
    fingerprint is ``dataset`` (None: any)."""
    path = Path(path)
    if not path.exists():
        return Found(path)
    if not path.is_file():
        return Found(path, other="something that is not a file")
    try:
        network, meta = load_run(path)
    except DigitnetError as err:
        return Found(path, other=f"no model this digitnet can read ({err})")
    if meta.get("kind") == "committee":
        return Found(path, other="a committee, not one network")
    try:
        saved = Recipe.from_dict(meta.get("recipe"))
    except DigitnetError:
        return Found(path, other="a model whose recipe this digitnet cannot read")
    if saved != recipe:
        return Found(path, other=f"a model of another recipe ({saved.label}: {saved.description})")
    if meta.get("seed") != seed:
        return Found(path, other=f"a model of seed {meta.get('seed')!r}, not {seed}")
    checksum = (meta.get("dataset") or {}).get("checksum") if isinstance(meta.get("dataset"), dict) else None
    if dataset is not None and checksum not in (None, dataset):
        return Found(path, other="a model trained on other data (its data set's fingerprint differs)")
    if (meta.get("history") or {}).get("interrupted"):
        return Found(path)  # the same run, stopped early: trained again, and this file replaced
    metrics = meta.get("metrics")
    if not (isinstance(metrics, dict) and {"test_accuracy", "train_seconds"} <= metrics.keys()):
        return Found(path, other="a model whose figures are missing")
    return Found(path, kept=Kept(path, network, meta))


def saved_metrics(path: Path, recipe: Recipe, seed: int, dataset: str | None = None) -> dict | None:
    """The figures stored with a finished model file of the same recipe, seed and data, else None."""
    found = examine(path, recipe, seed, dataset)
    return found.kept.metrics if found.kept else None


def prepare(folder: "str | Path", recipe: Recipe, seeds, dataset: str | None = None,
            what: str = "") -> dict[int, Kept]:
    """The runs of ``seeds`` already finished in ``folder``, as {seed: Kept}; raises before anything is
    trained if a file where a run would go is someone else's or cannot be written."""
    kept: dict[int, Kept] = {}
    for seed in seeds:
        found = examine(member_file(folder, recipe, seed), recipe, seed, dataset)
        found.refuse_other(what)
        if found.kept is not None:
            kept[seed] = found.kept
        else:
            check_writable(found.path, what)
    return kept


def keep(write: Callable[[Path], object], folder: "str | Path", recipe: Recipe, seed: int,
         what: str = "the trained model") -> Kept:
    """Write the run of ``recipe`` from ``seed`` into ``folder`` with ``write(path)`` (kept in the
    temporary folder if that fails) and read it back."""
    path = save_or_rescue(write, member_file(folder, recipe, seed), what)
    network, meta = load_run(path)
    return Kept(path, network, meta)
