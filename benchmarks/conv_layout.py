"""Does unfolding narrow convolutions with the batch last pay? The default network's training steps, both ways.

    python benchmarks/conv_layout.py                  # the default preset, 50 batches of 128, 4 rounds
    python benchmarks/conv_layout.py --preset best

Trains the preset's network (its augmentation, loss and optimiser) on the same 6,400 MNIST images with
``conv.BATCH_LAST_BELOW`` at 0 (every convolution channel first) and at its value (narrow outputs batch
last), in alternating rounds, and prints the fastest round of each, the ratio, and the fastest time of
each convolution's forward and backward pass. Measure alone: a second job on a two-core machine makes
every figure meaningless.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from digitnet.data import load_mnist
from digitnet.nn.layers import conv
from digitnet.presets import get_preset
from digitnet.train.build import build_network, build_trainer


def steps(recipe, images, labels, rounds: int) -> tuple[float, dict[str, float]]:
    """The fastest of ``rounds`` passes over the images, and the fastest time of each convolution's passes."""
    network = build_network(recipe, seed=0)
    trainer = build_trainer(recipe, network, seed=0, progress=False)
    loss = trainer.loss or network.loss  # outlier exposure when the recipe has negatives
    x, layers, clock = network.as_input(images), network.layers_before_loss, time.perf_counter
    best_round, best = float("inf"), defaultdict(lambda: float("inf"))
    for _ in range(rounds):
        spent: dict[str, float] = defaultdict(float)
        started = clock()
        for i in range(0, len(x), recipe.batch_size):
            z, y = x[i:i + recipe.batch_size], labels[i:i + recipe.batch_size]
            if trainer.transform is not None:
                z = trainer.transform(z, trainer.rng)
            for k, layer in enumerate(layers):
                t = clock()
                z = layer.forward(z, training=True)
                spent[f"forward {k} {layer.type_name}"] += clock() - t
            _, grad = loss.loss_and_grad(z, y)
            for k in range(len(layers) - 1, -1, -1):
                t = clock()
                grad = layers[k].backward(grad, need_input_grad=k > 0)
                spent[f"backward {k} {layers[k].type_name}"] += clock() - t
            trainer.optimizer.step()
        best_round = min(best_round, clock() - started)
        for name, seconds in spent.items():
            best[name] = min(best[name], seconds)
    return best_round, {k: v for k, v in best.items() if "conv2d" in k}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="default")
    parser.add_argument("--images", type=int, default=6400)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)
    recipe, mnist = get_preset(args.preset), load_mnist(progress=False)
    images, labels = mnist.train_images[:args.images], mnist.train_labels[:args.images]
    below, results = conv.BATCH_LAST_BELOW, {}
    for _ in range(2):  # alternate, so that a slow spell of the machine falls on both
        for name, value in (("channel first", 0), ("batch last where narrow", below)):
            conv.BATCH_LAST_BELOW = value
            total, layers = steps(recipe, images, labels, args.rounds)
            previous = results.get(name)
            if previous is None or total < previous[0]:
                results[name] = (total, layers)
    conv.BATCH_LAST_BELOW = below
    print(f"{args.preset}: {args.images:,} images in batches of {recipe.batch_size}, fastest of "
          f"{2 * args.rounds} rounds each")
    for name, (total, layers) in results.items():
        print(f"  {name:24} {total:.3f} s   " + ", ".join(f"{k} {v * 1e3:.0f} ms" for k, v in layers.items()))
    ratio = results["batch last where narrow"][0] / results["channel first"][0]
    print(f"  batch last / channel first: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
