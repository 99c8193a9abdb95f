"""The convolutional ladder: each preset's published test accuracy beside the one digitnet reaches.

    .venv/bin/python benchmarks/ladder.py                       # every rung, seed 0 (hours on 2 cores)
    .venv/bin/python benchmarks/ladder.py --rungs ch6-conv1,ch6-relu --seeds 0,1,2
    .venv/bin/python benchmarks/ladder.py --quick               # a 1-minute smoke run on a few images
    .venv/bin/python benchmarks/ladder.py --collect             # only read the model files already made

Every run is saved as ``DIR/<rung>-s<seed>.npz`` (default DIR: models/ladder). A run whose model file
exists with the same recipe is not trained again, so an interrupted ladder resumes where it stopped,
and models trained elsewhere with ``digitnet train --model RUNG --seed S --out DIR/RUNG-sS.npz`` count.
Test accuracy is measured on the 10,000 MNIST test images; the weights kept are those of the epoch
with the lowest validation loss (the last 5,000 training images are held out), as ``digitnet train``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

DEFAULT_RUNGS = ("lenet5", "ch6-conv1", "ch6-conv2", "ch6-relu", "ch6-expanded", "ch6-dropout", "best")
QUICK = {"train": 1000, "val": 200, "test": 1000, "epochs": 1}


def train_one(recipe, seed: int, data, path: Path | None, log) -> dict:
    """Train ``recipe`` with ``seed``; return its metrics (and save the model when ``path`` is given)."""
    from digitnet.data import validation_split
    from digitnet.io import save_model

    x, y, x_test, y_test = data
    x_train, y_train, x_val, y_val = validation_split(x, y, size=recipe.val_size)
    net = recipe.build(seed=seed)
    history = recipe.trainer(net, seed=seed, progress=False, log=log).fit(x_train, y_train, x_val, y_val)
    metrics = {"test_accuracy": net.score(x_test, y_test), "train_seconds": round(history.train_seconds, 1),
               "epochs_run": len(history.epochs), "best_epoch": history.best_epoch}
    if path is not None:
        save_model(net, path, {"recipe": recipe.to_dict(), "seed": seed, "metrics": metrics,
                               "history": history.to_dict()})
    return metrics


def saved_metrics(path: Path, recipe) -> dict | None:
    """Metrics of an existing model file made from the same recipe, else None."""
    from digitnet.io import load_model

    if not path.is_file():
        return None
    meta = load_model(path).metadata
    same = json.loads(json.dumps(meta.get("recipe"))) == json.loads(json.dumps(recipe.to_dict()))
    return meta.get("metrics") if same else None


def summarise(values: list[float]) -> str:
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.2%}"
    return f"{statistics.mean(values):.2%} ± {statistics.stdev(values):.2%} (n={len(values)})"


def table(rows: list[dict]) -> str:
    lines = [f"{'rung':<13} {'published':>9}  {'digitnet':<26} {'epochs':>6} {'train time/run':>14}  description",
             "-" * 110]
    for r in rows:
        published = f"{r['published']:.2%}" if r["published"] else "-"
        seconds = [m["train_seconds"] for m in r["runs"]]
        mean = statistics.mean(seconds) if seconds else None
        time_text = "-" if mean is None else f"{mean / 60:.1f} min" if mean >= 60 else f"{mean:.1f} s"
        lines.append(f"{r['rung']:<13} {published:>9}  {summarise([m['test_accuracy'] for m in r['runs']]):<26} "
                     f"{r['epochs']:>6} {time_text:>14}  {r['description']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Reproduce the convolutional ladder (Nielsen ch. 6, LeNet-5, best).")
    p.add_argument("--rungs", default=",".join(DEFAULT_RUNGS), help="comma-separated presets (default: all)")
    p.add_argument("--seeds", default="0", help="comma-separated seeds (default 0)")
    p.add_argument("--epochs", type=int, help="override every rung's epochs (for trials)")
    p.add_argument("--dir", type=Path, default=Path("models/ladder"), help="where model files go (default models/ladder)")
    p.add_argument("--quick", action="store_true",
                   help=f"smoke test: {QUICK['train']} training images, {QUICK['epochs']} epoch, {QUICK['test']} test images, "
                        "nothing saved; the figures mean nothing")
    p.add_argument("--collect", action="store_true", help="train nothing; tabulate the model files in --dir")
    p.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = p.parse_args(argv)

    from digitnet.data import load_mnist, to_float
    from digitnet.presets import get_preset

    rungs = [r.strip() for r in args.rungs.split(",") if r.strip()]
    seeds = [int(s) for s in args.seeds.split(",")]
    recipes = [get_preset(r) for r in rungs]  # fail early on a typo
    ds = load_mnist(progress=False)
    n, t = (QUICK["train"] + QUICK["val"], QUICK["test"]) if args.quick else (None, None)
    data = (to_float(ds.train_images[:n]), ds.train_labels[:n], to_float(ds.test_images[:t]), ds.test_labels[:t])

    rows = []
    for recipe in recipes:
        if args.quick:
            recipe = recipe.with_overrides(epochs=QUICK["epochs"], val_size=QUICK["val"])
        elif args.epochs:
            recipe = recipe.with_overrides(epochs=args.epochs)
        row = {"rung": recipe.name, "published": recipe.extra.get("published"), "epochs": recipe.epochs,
               "description": recipe.description, "runs": []}
        for seed in seeds:
            path = None if args.quick else args.dir / f"{recipe.name}-s{seed}.npz"
            metrics = saved_metrics(path, recipe) if path else None
            if metrics is None and not args.collect:
                print(f"training {recipe.name} seed {seed} ({recipe.epochs} epochs)...", file=sys.stderr, flush=True)
                started = time.perf_counter()
                metrics = train_one(recipe, seed, data, path,
                                    log=lambda msg, name=recipe.name: print(f"  {name}: {msg}", file=sys.stderr, flush=True))
                print(f"  {recipe.name} seed {seed}: {metrics['test_accuracy']:.2%} in "
                      f"{time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
            if metrics is not None:
                row["runs"].append({"seed": seed, **metrics})
        rows.append(row)
    if args.quick:
        print(f"QUICK MODE: {QUICK['train']} training images, {QUICK['epochs']} epoch: the figures are not comparable")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
