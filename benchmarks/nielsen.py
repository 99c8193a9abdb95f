"""Nielsen's network, [784, 30, 10] with mini-batches of 10: the book's per-sample backpropagation loop
against digitnet's batched trainer, checked to compute the same weights, then timed per epoch.

    python benchmarks/nielsen.py                # equivalence over 300 steps, then 5 timed rounds (about 30 s)

The book trains sigmoid units with the quadratic cost and plain SGD (eta 3.0) on the first 50,000 MNIST
training images. Both versions start from the same weights and visit the images in the same order; the
check runs in float64 so that the only difference left is the order of additions.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import _common
import nielsen_reference as book

TARGET = 8.0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=5, help="timed rounds, each one epoch of every version")
    p.add_argument("--steps", type=int, default=300, help="mini-batch steps in the equivalence check")
    args = p.parse_args(argv)
    X, y, _, _ = _common.load_data()
    X, y = X[:50000], y[:50000]
    print("== Nielsen's [784, 30, 10], mini-batch 10, eta 3.0, sigmoid + quadratic cost, 50,000 images ==")
    _common.print_machine(_common.machine())

    # 1. Same start, same order, a few hundred steps: the same weights, to rounding.
    n = args.steps * 10
    net = book.digitnet_book_network(seed=0, dtype=np.float64)
    reference = book.BookNetwork.from_digitnet(net)
    X64 = X[:n].astype(np.float64)
    book.digitnet_trainer(net, seed=1).fit(X64, y[:n])
    reference.sgd_epoch(X64, y[:n], book.first_epoch_order(n, seed=1), batch_size=10, eta=3.0)
    expected = reference.digitnet_weights()
    worst = max(float(np.max(np.abs(w - expected[k]))) for k, w in net.get_weights().items())
    scale = max(float(np.max(np.abs(w))) for w in expected.values())
    print(f"\nequivalence, float64, {args.steps} steps of 10 images from the same start in the same order: "
          f"largest weight difference {worst:.2e} (weights up to {scale:.1f} in size)")

    # 2. Seconds per epoch on all 50,000 images, the three one after another in each round; the speed-up
    #    is taken within a round, so a busy moment slows both sides of a ratio alike.
    times = {"book loop (float64)": [], "digitnet (float64)": [], "digitnet (float32)": []}
    data = {np.float64: X.astype(np.float64), np.float32: X.astype(np.float32, copy=False)}  # once, not per round
    for r in range(args.rounds):
        reference = book.BookNetwork.from_digitnet(book.digitnet_book_network(seed=0, dtype=np.float64))
        started = time.perf_counter()
        reference.sgd_epoch(data[np.float64], y, book.first_epoch_order(len(X), seed=r), batch_size=10, eta=3.0)
        times["book loop (float64)"].append(time.perf_counter() - started)
        for dtype, key in ((np.float64, "digitnet (float64)"), (np.float32, "digitnet (float32)")):
            net = book.digitnet_book_network(seed=0, dtype=dtype)
            trainer = book.digitnet_trainer(net, seed=r)
            started = time.perf_counter()
            trainer.fit(data[dtype], y)
            times[key].append(time.perf_counter() - started)
        print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()), file=sys.stderr)
    book_times = np.array(times["book loop (float64)"])
    print(f"\n{'':22}{'seconds per epoch: median (min-max)':<38}speed-up over the book's loop, same round")
    for name, values in times.items():
        print(f"{name:<22}{_common.spread(values, 's', 2):<38}{_common.spread(list(book_times / values), 'x', 1)}")
    same = float(np.median(book_times / np.array(times["digitnet (float64)"])))
    print(f"\nsame computation (float64 both): {same:.1f}x faster, median of {args.rounds} rounds "
          f"(target >= {TARGET:g}x: {'met' if same >= TARGET else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
