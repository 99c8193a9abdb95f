"""One training epoch on MNIST: digitnet against PyTorch, scikit-learn, a plain NumPy loop and the
matrix products alone.

    python benchmarks/epoch.py                 # 784-256-10, momentum 0.9, lr 0.1, batch 128, 7 rounds

Every library runs in its own process; a round runs one epoch of each in turn, and the ratios are
taken within each round (then summarised as median and min-max), so a busy machine slows all alike.
The matrix products alone are timed in digitnet's process right after its epoch.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

import _common

NEEDS = {"torch": "torch", "sklearn": "sklearn"}
FLOOR = "products+gather+update"  # the products plus the batch gather and a three-pass momentum update
LABELS = {"torch": "PyTorch", "sklearn": "scikit-learn", "numpy": "plain NumPy loop",
          FLOOR: "products + gather + update"}
#: the issue's targets: other library's time / digitnet's time at least this
TARGETS = {"torch": 1.5, "sklearn": 1.6}
PRODUCTS_LIMIT = 1.3  # digitnet's epoch at most this many times the matrix products alone


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--threads", type=int, help="threads for every library's BLAS / OpenMP (default: one per core)")
    p.add_argument("--sizes", default="784,256,10")
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--libraries", default="digitnet,torch,sklearn,numpy",
                   help="comma-separated; missing optional libraries are skipped with a note")
    p.add_argument("--json", metavar="PATH", help="also write the raw figures here")
    p.add_argument("--plot", metavar="PNG", help="also draw the epoch times as a bar chart")
    return p.parse_args(argv)


def initial_weights(sizes, seed, folder) -> str:
    from digitnet.nn import Network

    path = str(Path(folder) / "initial.npz")
    np.savez(path, **Network.from_sizes(sizes, activation="relu", seed=seed).get_weights())
    return path


def main(argv=None) -> int:
    args = parse_args(argv)
    _common.limit_threads(args.threads)
    sizes = [int(s) for s in args.sizes.split(",")]
    wanted = [name for name in args.libraries.split(",") if name]
    libraries = [name for name in wanted if _common.available(NEEDS.get(name, "numpy"))]
    for name in set(wanted) - set(libraries):
        print(f"note: {name} is not installed, skipped (pip install -e '.[bench]')")
    if "digitnet" not in libraries:
        sys.exit("digitnet must be among the libraries: every ratio is relative to it")
    recipe = dict(sizes=sizes, lr=args.lr, momentum=args.momentum, batch_size=args.batch_size, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        recipe["weights"] = initial_weights(sizes, args.seed, tmp)
        with _common.workers(libraries) as workers:
            results = run(workers, recipe, args.rounds)
    report(results, recipe, args.rounds)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if args.plot:
        plot(results["times"], recipe, args.plot, _common.threads())
    return 0


def run(workers, recipe, rounds) -> dict:
    info = {name: w.call("info") for name, w in workers.items()}
    times = {name: [] for name in workers}
    times["matrix products"], times[FLOOR] = [], []
    losses = {name: [] for name in workers}
    for name, w in workers.items():
        w.call("setup_epoch", **recipe)
    for r in range(rounds + 1):  # round 0 warms up (first-touch of memory, BLAS thread start-up) and is dropped
        for name, w in workers.items():
            out = w.call("epoch")
            if r:
                times[name].append(out["seconds"])
                losses[name].append(out["loss"])
            if name == "digitnet":
                products = w.call("matrix_products_epoch")
                products_count = products["count"]
                if r:
                    times["matrix products"].append(products["seconds"])
                    times[FLOOR].append(products["floor_seconds"])
            _common.settle()
        print(f"round {r}{' (warm-up)' if not r else ''}: " +
              ", ".join(f"{k} {v[-1]:.3f}s" for k, v in times.items() if v and r), file=sys.stderr)
    accuracy = {name: w.call("test_accuracy") for name, w in workers.items()}
    return {"info": info, "times": times, "losses": losses, "test_accuracy": accuracy,
            "products_count": products_count}


def report(results, recipe, rounds) -> None:
    info, times = results["info"], results["times"]
    print(f"\n== one epoch of MNIST (60,000 images), {'-'.join(map(str, recipe['sizes']))} ReLU MLP, softmax "
          f"cross-entropy, SGD momentum {recipe['momentum']}, lr {recipe['lr']}, batch {recipe['batch_size']}, "
          f"float32; {rounds} rounds ==")
    versions = {name: ", ".join(f"{k} {v}" for k, v in i.items() if k not in info["digitnet"])
                for name, i in info.items() if name != "digitnet"}
    _common.print_machine(info["digitnet"], {k: v for k, v in versions.items() if v})
    count = results["products_count"]
    print(f"matrix products per epoch: {count['forward']} forward, {count['weight_grad']} weight-gradient, "
          f"{count['input_grad']} input-gradient ({count['steps']} steps)")
    mine = times["digitnet"]
    print(f"\n{'':24}{'seconds per epoch: median (min-max)':<38}{'its time / digitnet time, same round':<38}"
          "target")
    for name, values in times.items():
        ratios = [a / b for a, b in zip(values, mine)]
        target = ""
        if name == "matrix products":
            met = np.median(ratios) >= 1 / PRODUCTS_LIMIT
            target = f"digitnet <= {PRODUCTS_LIMIT}x products: {'met' if met else 'MISSED'}"
        elif name in TARGETS:
            target = f">= {TARGETS[name]}: {'met' if np.median(ratios) >= TARGETS[name] else 'MISSED'}"
        print(f"{name:<24}{_common.spread(values):<38}{_common.spread(ratios, '', 2):<38}{target}".rstrip())
    products = [b / a for a, b in zip(times["matrix products"], mine)]
    print(f"\ndigitnet's epoch / the matrix products alone, same round: {_common.spread(products, '', 2)}; "
          f"ratio of the fastest epochs {min(mine) / min(times['matrix products']):.2f}")
    floor = [b / a for a, b in zip(times["matrix products"], times[FLOOR])]
    print(f"{FLOOR} / the products alone, same round: {_common.spread(floor, '', 2)}: the part of the "
          "epoch no NumPy implementation can skip (benchmarks/matrix_products.py, floor_epoch)")
    for name in TARGETS:
        if name in times:
            print(f"{name} / digitnet from the fastest epochs: {min(times[name]) / min(mine):.2f}")
    print("\nsame start, same batch order: mean training loss of the last epoch "
          + ", ".join(f"{k} {v[-1]:.5f}" for k, v in results["losses"].items() if k != "sklearn")
          + "; test accuracy " + ", ".join(f"{k} {v:.2%}" for k, v in results["test_accuracy"].items()))
    print("(scikit-learn starts from its own random weights and order; the others from digitnet's.)")


def plot(times: dict, recipe: dict, path: str, threads: int) -> None:
    """Median seconds per epoch as bars, min-max as whiskers, fastest at the top."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = sorted(times, key=lambda k: np.median(times[k]))[::-1]
    medians = [np.median(times[k]) for k in names]
    errors = [[m - min(times[k]) for k, m in zip(names, medians)], [max(times[k]) - m for k, m in zip(names, medians)]]
    colours = ["#2b6cb0" if k == "digitnet" else "#a0aec0" if k in ("matrix products", FLOOR) else "#ed8936"
               for k in names]
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=100)
    ax.barh([LABELS.get(k, k) for k in names], medians, xerr=errors, color=colours, capsize=3)
    for y, (k, m) in enumerate(zip(names, medians)):
        ax.text(max(times[k]), y, f"  {m:.2f}s", va="center", ha="left", fontsize=9)
    ax.set_xlabel("seconds per epoch (median, min-max whiskers)")
    ax.set_title(f"One MNIST epoch, {'-'.join(map(str, recipe['sizes']))} MLP, batch {recipe['batch_size']}, "
                 f"{threads} thread{'s' if threads > 1 else ''} per library", fontsize=10)
    ax.set_xlim(0, max(max(v) for v in times.values()) * 1.25)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
