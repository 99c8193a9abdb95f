"""Time to 98.0% test accuracy with digitnet's default model, against PyTorch doing the same recipe.

    python benchmarks/time_to_98.py                 # the 'mlp-512' preset, 2 rounds

The default recipe (``digitnet train``): 784-512-10 ReLU MLP, SGD momentum 0.9, lr 0.05 on a cosine
schedule, batch 128, random shifts of up to 2 pixels, 15 epochs, 55,000 training images (5,000 held out
for validation). PyTorch starts from the same weights, sees the same batches with the same shifts (made
by digitnet's NumPy augmentation, fed by the same random generator) and follows the same schedule.
Only training steps count as time; the per-epoch validation and test evaluations are not timed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

import _common

GOAL = 0.98


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--preset", default="mlp-512")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, help="override the preset's epochs (also shortens its cosine schedule)")
    args = p.parse_args(argv)
    libraries = ["digitnet"] + (["torch"] if _common.available("torch") else [])
    runs = {name: [] for name in libraries}
    with tempfile.TemporaryDirectory() as tmp:
        weights = str(Path(tmp) / "initial.npz")
        with _common.workers(libraries) as workers:
            info = {name: w.call("info") for name, w in workers.items()}
            for r in range(args.rounds):
                for name, w in workers.items():
                    if name == "digitnet":
                        rows = w.call("train_recipe", preset=args.preset, seed=args.seed, weights_out=weights,
                                      epochs=args.epochs)
                    else:
                        rows = w.call("train_recipe", preset=args.preset, seed=args.seed, weights=weights,
                                      epochs=args.epochs)
                    runs[name].append(rows)
                    print(f"round {r + 1}: {name} done, {sum(row['seconds'] for row in rows):.1f}s of training",
                          file=sys.stderr)
                    _common.settle()
    epochs = f", epochs overridden to {args.epochs}" if args.epochs else ""
    print(f"\n== time to {GOAL:.1%} test accuracy, preset {args.preset!r}{epochs}, seed {args.seed}; "
          f"{args.rounds} rounds ==")
    _common.print_machine(info["digitnet"], {k: v for k, v in info.items() if k != "digitnet"})
    reached = {}
    for name, name_runs in runs.items():
        print(f"\n{name}: epoch, cumulative training seconds, test accuracy (round 1)")
        cumulative = np.cumsum([row["seconds"] for row in name_runs[0]])
        for row, total in zip(name_runs[0], cumulative):
            print(f"  {row['epoch']:>2}  {total:7.2f}s  {row['test_accuracy']:.2%}")
        reached[name] = [time_to_goal(rows) for rows in name_runs]
    print()
    for name, results in reached.items():
        text = ", ".join(f"epoch {e} after {s:.2f}s" if e else "never" for e, s in results)
        epoch_seconds = [row["seconds"] for rows in runs[name] for row in rows]
        print(f"{name:<9} reaches {GOAL:.1%} at: {text}; seconds per epoch {_common.spread(epoch_seconds)}")
    if "torch" in reached and all(e for e, _ in reached["torch"] + reached["digitnet"]):
        ratio = [t[1] / d[1] for d, t in zip(reached["digitnet"], reached["torch"])]
        print(f"torch time / digitnet time, same round: {', '.join(f'{x:.2f}x' for x in ratio)} "
              f"(target > 1: {'met' if min(ratio) > 1 else 'MISSED'})")
    return 0


def time_to_goal(rows) -> tuple[int | None, float]:
    """(first epoch whose test accuracy reaches the goal, training seconds up to and including it)."""
    total = 0.0
    for row in rows:
        total += row["seconds"]
        if row["test_accuracy"] >= GOAL:
            return row["epoch"], total
    return None, total


if __name__ == "__main__":
    sys.exit(main())
