"""Where one training epoch's time goes, phase by phase: "profile before optimising".

    python benchmarks/profile_epoch.py                 # 784-256-10, momentum, batch 128, 5 epochs
    python benchmarks/profile_epoch.py --sizes 784,512,10 --epochs 3

Runs the same steps as ``Trainer._train_epoch`` (gather, forward layer by layer, loss, backward layer by
layer, optimiser, accuracy count) with a clock around each, and prints each phase's share of the epoch
next to the matrix products alone. The clocks cost a little themselves (well under a microsecond each).
Each figure is the fastest epoch's, the closest to what the machine can do when nothing disturbs it.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import defaultdict

import _common
from digitnet.nn import Network
from digitnet.nn.optimizers import make_optimizer
from digitnet.train import Trainer, count_correct
from matrix_products import MatrixProducts


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="784,256,10")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--epochs", type=int, default=5)
    args = p.parse_args(argv)
    X, y, _, _ = _common.load_data()
    net = Network.from_sizes([int(s) for s in args.sizes.split(",")], seed=0)
    trainer = Trainer(net, make_optimizer("momentum", net.params, 0.1, momentum=0.9), batch_size=args.batch_size,
                      seed=0, progress=False)
    products = MatrixProducts(net, X, args.batch_size)
    phases, epochs, gemm = defaultdict(list), [], []
    for _ in range(args.epochs):
        times = profile_epoch(trainer, X, y)
        epochs.append(sum(times.values()))
        for name, seconds in times.items():
            phases[name].append(seconds)
        gemm.append(products.epoch())
    best, steps = min(epochs), math.ceil(len(X) / args.batch_size)
    print(f"{args.sizes}, batch {args.batch_size}: fastest epoch {best:.3f}s, matrix products alone "
          f"{min(gemm):.3f}s (ratio {best / min(gemm):.2f}); {steps} steps")
    _common.print_machine(_common.machine())
    print(f"\n{'phase':<22}{'ms per epoch':>13}{'us per step':>13}{'share':>8}")
    for name, values in sorted(phases.items(), key=lambda kv: -min(kv[1])):
        print(f"{name:<22}{min(values) * 1e3:>13.1f}{min(values) / steps * 1e6:>13.1f}{min(values) / best:>8.1%}")
    return 0


def profile_epoch(trainer: Trainer, X, y) -> dict[str, float]:
    net, opt, bs = trainer.network, trainer.optimizer, trainer.batch_size
    layers = net.layers_before_loss
    clock, t = time.perf_counter, defaultdict(float)
    order = trainer.rng.permutation(len(X))
    for start in range(0, len(X), bs):
        a = clock()
        idx = order[start:start + bs]
        xb, yb = X.take(idx, axis=0), y.take(idx, axis=0)
        b = clock()
        t["gather batch"] += b - a
        z = xb
        for i, layer in enumerate(layers):
            a = clock()
            z = layer.forward(z, training=True)
            t[f"forward {i} {layer.type_name}"] += clock() - a
        a = clock()
        loss, delta = net.loss.loss_and_grad(z, yb)
        math.isfinite(loss)
        t["loss + gradient"] += clock() - a
        for i in range(len(layers) - 1, -1, -1):
            a = clock()
            delta = layers[i].backward(delta, need_input_grad=i > 0)
            t[f"backward {i} {layers[i].type_name}"] += clock() - a
        a = clock()
        opt.step()
        b = clock()
        count_correct(net, z, yb)
        c = clock()
        t["optimiser"] += b - a
        t["accuracy count"] += c - b
    return t


if __name__ == "__main__":
    sys.exit(main())
