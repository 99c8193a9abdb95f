"""One training epoch of three convolutional networks: digitnet against PyTorch (CPU) and against its
own matrix products alone.

    python benchmarks/cnn_epoch.py                       # lenet5, block, best; 6,400 images; 5 rounds
    python benchmarks/cnn_epoch.py --nets block --images 12800 --rounds 3 --threads 1

The networks: the ``lenet5`` preset (conv 6@5x5 pad 2, tanh, avg-pool, conv 16@5x5, tanh, avg-pool,
dense 120, 84, 10; batch 64), the "block" network of the issue (conv 32@3x3 pad 1, BN, ReLU, conv
32@3x3, BN, ReLU, max-pool 2; the same with 64 maps; dense 256, ReLU, dense 10; batch 64) and the
``best`` preset (batch as the preset says). Each library trains the same network from the same initial
weights (copied from digitnet's), with the same optimiser settings, batch size and batch order, on the
same MNIST images, without augmentation (the augmentation is NumPy code that both would share; this
compares the engines). digitnet runs its real ``Trainer``; PyTorch the usual zero_grad / forward /
backward / step loop. Each library has its own process with the same number of BLAS/OpenMP threads,
and the libraries alternate round by round, so a busy machine slows both alike; the ratios are taken
within each round. "matrix products" is the time of the matrix products one digitnet epoch makes for
these layers (forward, weight gradient, input gradient), on arrays of the same shapes, nothing else.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

import _common
import cnn_nets

TARGET = 1.25  # PyTorch's epoch / digitnet's, at least


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--nets", default=",".join(cnn_nets.NETS), help=f"comma-separated: {', '.join(cnn_nets.NETS)}")
    p.add_argument("--images", type=int, default=6400, help="training images per epoch (default 6,400)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--threads", type=int, default=2, help="threads per library (default 2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", metavar="PATH", help="also write the raw figures here")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    _common.limit_threads(args.threads)
    nets = [n for n in args.nets.split(",") if n]
    unknown = set(nets) - set(cnn_nets.NETS)
    if unknown:
        sys.exit(f"unknown network {', '.join(sorted(unknown))}; choose from {', '.join(cnn_nets.NETS)}")
    libraries = ["digitnet"] + (["torch"] if _common.available("torch") else [])
    if "torch" not in libraries:
        print("note: PyTorch is not installed (pip install -e '.[bench]'): only digitnet and its products run")
    results = {}
    with tempfile.TemporaryDirectory() as tmp, _common.workers(libraries) as workers:
        info = {name: w.call("info") for name, w in workers.items()}
        for net in nets:
            weights = str(Path(tmp) / f"{net}.npz")
            results[net] = run(workers, net, weights, args)
    report(info, results, args)
    if args.json:
        Path(args.json).write_text(json.dumps({"info": info, "results": results}, indent=1))
    return 0


def run(workers, net: str, weights: str, args) -> dict:
    setup = dict(net=net, images=args.images, seed=args.seed, weights=weights)
    workers["digitnet"].call("setup_cnn", **setup, save_weights=True)  # writes the initial weights
    for name, w in workers.items():
        if name != "digitnet":
            w.call("setup_cnn", **setup)
    times = {name: [] for name in workers}
    times["matrix products"] = []
    losses = {name: [] for name in workers}
    for r in range(args.rounds + 1):  # round 0 warms up (first touch of memory, thread start-up) and is dropped
        for name, w in workers.items():
            out = w.call("cnn_epoch")
            if r:
                times[name].append(out["seconds"])
                losses[name].append(out["loss"])
            if name == "digitnet" and r:
                times["matrix products"].append(w.call("cnn_products_epoch")["seconds"])
            _common.settle()
        if r:
            print(f"{net} round {r}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()), file=sys.stderr)
    return {"times": times, "losses": losses}


def report(info, results, args) -> None:
    print(f"\n== one training epoch of {args.images:,} MNIST images, float32, {args.threads} thread"
          f"{'s' if args.threads != 1 else ''} per library; {args.rounds} rounds ==")
    versions = {name: ", ".join(f"{k} {v}" for k, v in i.items() if k not in info["digitnet"])
                for name, i in info.items() if name != "digitnet"}
    _common.print_machine(info["digitnet"], {k: v for k, v in versions.items() if v})
    print(f"\n{'network':<9}{'library':<18}{'seconds per epoch: median (min-max)':<38}"
          f"{'its time / digitnet time, same round':<38}target")
    for net, result in results.items():
        times, mine = result["times"], result["times"]["digitnet"]
        for name, values in times.items():
            ratios = [a / b for a, b in zip(values, mine)]
            target = ""
            if name == "torch":
                target = f">= {TARGET}: {'met' if np.median(ratios) >= TARGET else 'MISSED'}"
            print(f"{net:<9}{name:<18}{_common.spread(values, 's', 2):<38}{_common.spread(ratios, '', 2):<38}"
                  f"{target}".rstrip())
        products = [b / a for a, b in zip(times["matrix products"], mine)]
        print(f"{net:<9}digitnet's epoch / its matrix products alone: {_common.spread(products, '', 2)}")
        print(f"{net:<9}mean training loss of the last epoch: "
              + ", ".join(f"{k} {v[-1]:.4f}" for k, v in result["losses"].items()))


if __name__ == "__main__":
    sys.exit(main())
