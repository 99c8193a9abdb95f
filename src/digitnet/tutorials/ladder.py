"""The convolutional ladder as rows of the reproduction table: LeNet-5, Nielsen's chapter 6, and ``best``.

Each rung is a preset (``digitnet.presets.cnn``) that carries its published figure. A run trains it as
``digitnet train --model RUNG`` does (the last 5,000 training images for validation, the weights of
the epoch with the lowest validation loss kept) and scores the 10,000 test images.

Rungs take minutes to tens of minutes each, so every trained model is saved (``ctx.models``) and a
later run with the same recipe and seed reads it back instead of training again: an interrupted ladder
resumes where it stopped, and finished models made with ``digitnet train --model RUNG --seed S --out
DIR/RUNG-sS.npz`` count too. A file is reused only if its recipe, seed and data set match and its
training was not interrupted.

"Meets it" allows for noise: two runs of the same recipe with different seeds differ by about 0.05 to
0.1 points (``best`` over three seeds: a standard deviation of 0.03 points), so a rung within
``NOISE`` below the published figure (0.1 points, included) is marked "within noise" rather than "no".
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from digitnet.data import to_float, validation_split
from digitnet.presets import get_preset
from digitnet.tutorials.result import Context, Published, Result, plural
from digitnet.tutorials.training import train_epochs

RUNGS = ("lenet5", "ch6-conv1", "ch6-conv2", "ch6-relu", "ch6-expanded", "ch6-dropout", "best")
#: runs (seeds) per rung: the issue asks for the mean and spread of ``best`` over three seeds
RUNS = {"best": 3}
NOISE = 0.001
#: a --quick run: a few images and one epoch, to check that everything runs
QUICK = {"train": 1000, "val": 200, "test": 1000, "epochs": 1}
TITLES = {"lenet5": "CNN: LeNet-5", "best": "CNN: best"}


def train_rung(recipe, seed: int, data: tuple, path: Path | None, log, dataset: str | None = None) -> dict:
    """Train ``recipe`` once; return its figures (and save the model with them when ``path`` is given).

    Ctrl-C is passed on rather than saved: a half-trained rung must not be read back as a finished one.
    """
    from digitnet.io import save_model

    x, y, x_test, y_test = data
    x_train, y_train, x_val, y_val = validation_split(x, y, size=recipe.val_size)
    net, history = train_epochs(recipe, x_train, y_train, x_val, y_val, seed=seed, log=log)
    if history.interrupted:
        raise KeyboardInterrupt
    metrics = {"test_accuracy": net.score(x_test, y_test), "train_seconds": round(history.train_seconds, 1),
               "epochs_run": len(history.epochs), "best_epoch": history.best_epoch}
    if path is not None:
        save_model(net, path, {"recipe": recipe.to_dict(), "seed": seed, "metrics": metrics,
                               "history": history.to_dict(), "dataset": {"checksum": dataset}})
    return metrics


def saved_metrics(path: Path, recipe, seed: int, dataset: str | None = None) -> dict | None:
    """The figures stored with a finished model file of the same recipe, seed and data, else None."""
    from digitnet.errors import DigitnetError
    from digitnet.io import load_model

    if not path.is_file():
        return None
    try:
        meta = load_model(path).metadata
    except DigitnetError:
        return None  # damaged: trained again, and the new file replaces it
    metrics = meta.get("metrics") or {}
    same = (json.loads(json.dumps(meta.get("recipe"))) == json.loads(json.dumps(recipe.to_dict()))
            and meta.get("seed") == seed and (meta.get("dataset") or {}).get("checksum") in (None, dataset)
            and not (meta.get("history") or {}).get("interrupted"))
    return metrics if same and {"test_accuracy", "train_seconds"} <= metrics.keys() else None


def rung_data(ctx: Context) -> tuple:
    """(train images, labels, test images, labels) as floats; a small slice in a quick run."""
    ds = ctx.data
    n, t = (QUICK["train"] + QUICK["val"], QUICK["test"]) if ctx.quick else (None, None)
    return to_float(ds.train_images[:n]), ds.train_labels[:n], to_float(ds.test_images[:t]), ds.test_labels[:t]


def run_rung(name: str, ctx: Context) -> Result:
    recipe = get_preset(name)
    if ctx.quick:
        recipe = recipe.with_overrides(epochs=QUICK["epochs"], val_size=QUICK["val"])
    data, runs = None, []
    for seed in range(ctx.seed, ctx.seed + (1 if ctx.quick else RUNS.get(name, 1))):
        path = None if ctx.quick or ctx.models is None else ctx.models / f"{name}-s{seed}.npz"
        metrics = saved_metrics(path, recipe, seed, ctx.data.checksum) if path else None
        if metrics is not None:
            ctx.log(f"{name}, seed {seed}: {metrics['test_accuracy']:.2%}, read from {path}")
        else:
            ctx.log(f"{name}, seed {seed}: training {plural(recipe.epochs, 'epoch')}")
            data = data or rung_data(ctx)
            metrics = train_rung(recipe, seed, data, path, lambda msg: ctx.log(f"  {msg}"), ctx.data.checksum)
        runs.append({"seed": seed, **metrics, **({"model": str(path)} if path else {})})
    accuracies = [r["test_accuracy"] for r in runs]
    mean = statistics.mean(accuracies)
    figure = f"{mean:.2%}"
    if len(runs) > 1:
        figure += f" ± {statistics.stdev(accuracies):.2%} (mean ± sd of {len(runs)} seeds; " \
                  f"{', '.join(f'{a:.2%}' for a in accuracies)})"
    value = recipe.extra.get("published") or recipe.extra.get("target")
    published = Published(f"{value:.2%}" if recipe.extra.get("published") else
                          f"- (aim: {value:.1%})" if value else "-",
                          recipe.extra.get("source", "this project's aim for its best CNN"), value)
    meets = within = None
    if value is not None and not ctx.quick:
        meets, within = mean >= value - NOISE, value - NOISE <= mean < value
    settings = (f"{recipe.description}; {recipe.optimizer} lr {recipe.lr:g}, batch {recipe.batch_size}, "
                f"{plural(recipe.epochs, 'epoch')}" + (f", augment {recipe.augment}" if recipe.augment else ""))
    return Result(name, TITLES.get(name, f"CNN: Nielsen ch. 6, {name[4:]}"), settings, published, figure,
                  statistics.mean(r["train_seconds"] for r in runs), meets, ctx.quick,
                  {"test_accuracy": mean, "runs": runs}, within_noise=bool(within))
