"""Inference: how many of the 10,000 MNIST test images per second, and how long one image takes.

    python benchmarks/inference.py            # digitnet against PyTorch, 784-256-10, 7 rounds

Both libraries get the same weights and the same float32 images, each in its own process, one round
after the other; the predictions must agree (same weights, same arithmetic up to rounding).
"""

from __future__ import annotations

import argparse
import sys
import tempfile

import numpy as np

import _common
from epoch import initial_weights


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--threads", type=int, help="threads for every library's BLAS / OpenMP (default: one per core)")
    p.add_argument("--sizes", default="784,256,10")
    p.add_argument("--single", type=int, default=1000, help="single-image predictions per round")
    args = p.parse_args(argv)
    _common.limit_threads(args.threads)
    sizes = [int(s) for s in args.sizes.split(",")]
    libraries = ["digitnet"] + (["torch"] if _common.available("torch") else [])
    if len(libraries) == 1:
        print("note: torch is not installed, so there is nothing to compare with (pip install -e '.[bench]')")
    batch = {name: [] for name in libraries}
    single = {name: [] for name in libraries}
    with tempfile.TemporaryDirectory() as tmp:
        weights = initial_weights(sizes, 0, tmp)
        with _common.workers(libraries) as workers:
            info = {name: w.call("info") for name, w in workers.items()}
            for w in workers.values():
                w.call("setup_inference", sizes=sizes, weights=weights)
            predictions = {}
            for r in range(args.rounds + 1):  # round 0 warms up
                for name, w in workers.items():
                    out = w.call("predict_all")
                    predictions[name] = np.array(out["predictions"])
                    one = w.call("predict_one", repeats=args.single)
                    if r:
                        batch[name].append(out["seconds"])
                        single[name].append(one["seconds"])
                    _common.settle()
    n = len(predictions["digitnet"])
    print(f"\n== inference on the {n:,} MNIST test images, {'-'.join(map(str, sizes))} ReLU MLP, float32; "
          f"{args.rounds} rounds ==")
    _common.print_machine(info["digitnet"], {k: v for k, v in info.items() if k != "digitnet"})
    print(f"\n{'':10}{'all test images: seconds':<30}{'images per second':<30}{'one image: median latency'}")
    for name in libraries:
        rate = [n / s for s in batch[name]]
        print(f"{name:<10}{_common.spread(batch[name], 's', 4):<30}{_common.spread(rate, '/s', 0):<30}"
              f"{_common.spread([s * 1e6 for s in single[name]], 'us', 1)}")
    if "torch" in batch:
        ratio = [t / d for d, t in zip(batch["digitnet"], batch["torch"])]
        met = np.median(ratio) >= 1.0
        agree = float(np.mean(predictions["digitnet"] == predictions["torch"]))
        print(f"\nthroughput digitnet / torch, same round: {_common.spread(ratio, '', 2)} "
              f"(target >= 1: {'met' if met else 'MISSED'}); predictions agree on {agree:.2%} of images")
    one = np.median(single["digitnet"]) * 1e3
    print(f"single-image prediction: {one:.3f} ms (target well under 1 ms: {'met' if one < 0.5 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
