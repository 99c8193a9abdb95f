"""Tutorial 3: softmax regression with L2, full-batch gradient descent and a grid search.

A single 784 -> 10 softmax layer whose weights start at zero (the cost is convex, so there is no
symmetry to break). The cost is J = mean cross-entropy + c/2 ||W||^2, which is exactly what our
optimisers follow with ``weight_decay = c`` (biases are not penalised). Every iteration is one
gradient step on the whole training part; J is recorded every 100 iterations and plotted.

The data (the 60,000 MNIST training images) are shuffled and split 6:2:2 into training, validation
and test parts. Every pair (c, learning rate) of the grid is trained on the training part and scored
on the validation part; the winner is trained again for the full 1,000 iterations and scored on the
test part (and, for reference, on the official 10,000 test images). To keep the reproduction within its
time budget the grid candidates run for 100 iterations each, enough to rank them.
"""

from __future__ import annotations

import itertools
import time

import numpy as np

from digitnet.nn.inputs import scale_pixels
from digitnet.presets import get_preset
from digitnet.train import build_network, build_optimizer
from digitnet.tutorials.result import Context, Published, Result
from digitnet.tutorials.training import descend

KEY = "softmax-l2"
PUBLISHED = Published("91.6% training, 91.1% test after 1,000 iterations",
                      "tutorial 3 (softmax regression with L2, 6:2:2 split)", 0.911)
PUBLISHED_TRAIN = 0.916
ITERATIONS = 1000
#: the (c, lr) pairs tried on the validation part
GRID = {"weight_decay": (0.0, 1e-4, 1e-3), "lr": (0.5, 1.0, 2.0)}
GRID_ITERATIONS, QUICK_GRID_ITERATIONS, QUICK_ITERATIONS = 100, 10, 50
QUICK_IMAGES = 10000  # a --quick run splits only the first 10,000 training images


def split_622(images: np.ndarray, labels: np.ndarray, seed: int = 0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Shuffle, then cut 60% / 20% / 20% into "train", "validation" and "test" (floats in [0, 1])."""
    order = np.random.default_rng(seed).permutation(len(images))
    a, b = int(0.6 * len(order)), int(0.8 * len(order))
    X = scale_pixels(images).reshape(len(images), -1)
    return {part: (X[idx], labels[idx]) for part, idx in
            (("train", order[:a]), ("validation", order[a:b]), ("test", order[b:]))}


def fit(recipe, X: np.ndarray, y: np.ndarray, iterations: int, every: int = 100, seed: int = 0):
    """Train a fresh softmax regression with ``recipe``'s lr and c; return (network, [(iteration, J)])."""
    network = build_network(recipe, seed)
    costs = descend(network, build_optimizer(recipe, network), X, y, iterations, batch_size=None, every=every)
    return network, costs


def grid_search(recipe, parts, iterations: int, log=None) -> list[dict]:
    """Every (c, lr) of :data:`GRID`, trained ``iterations`` steps, scored on validation; best first."""
    rows = []
    for c, lr in itertools.product(GRID["weight_decay"], GRID["lr"]):
        network, costs = fit(recipe.with_overrides(weight_decay=c, lr=lr), *parts["train"], iterations,
                             every=iterations)
        rows.append({"c": c, "lr": lr, "cost": costs[-1][1], "val_accuracy": network.score(*parts["validation"])})
        if log:
            log(f"grid c={c:g} lr={lr:g}: cost {costs[-1][1]:.4f}, validation {rows[-1]['val_accuracy']:.2%}")
    return sorted(rows, key=lambda r: (-r["val_accuracy"], r["cost"]))


def run(ctx: Context) -> Result:
    recipe = get_preset(KEY)
    iterations = QUICK_ITERATIONS if ctx.quick else ITERATIONS
    every = 10 if ctx.quick else 100
    n = QUICK_IMAGES if ctx.quick else len(ctx.data.train_labels)
    parts = split_622(ctx.data.train_images[:n], ctx.data.train_labels[:n], seed=ctx.seed)
    started = time.perf_counter()
    grid = grid_search(recipe, parts, QUICK_GRID_ITERATIONS if ctx.quick else GRID_ITERATIONS, ctx.log)
    best = recipe.with_overrides(weight_decay=grid[0]["c"], lr=grid[0]["lr"])
    network, costs = fit(best, *parts["train"], iterations, every=every, seed=ctx.seed)
    seconds = time.perf_counter() - started
    metrics = {"c": best.weight_decay, "lr": best.lr, "grid": grid, "costs": costs,
               "train_accuracy": network.score(*parts["train"]), "val_accuracy": network.score(*parts["validation"]),
               "test_accuracy": network.score(*parts["test"]),
               "official_test_accuracy": network.score(ctx.data.test_images, ctx.data.test_labels)}
    plots = []
    if ctx.plots is not None:
        from digitnet.plots import plot_cost_curve, plot_first_layer

        plots.append(str(plot_cost_curve(
            [s for s, _ in costs], [c for _, c in costs], ctx.plot_path("softmax_l2_cost.png"),
            title=f"Softmax regression: cost J every {every} iterations (c={best.weight_decay:g}, lr={best.lr:g})")))
        # Without a hidden layer each digit's weights are a template of that digit: worth a look.
        plots.append(str(plot_first_layer(network, ctx.plot_path("softmax_l2_weights.png"), n=10, columns=5,
                                          title="Softmax regression: the weights of each class (red +, blue -)",
                                          unit_name="class")))
    figure = (f"{metrics['train_accuracy']:.2%} training, {metrics['test_accuracy']:.2%} test "
              f"(official test set {metrics['official_test_accuracy']:.2%}); chose c={best.weight_decay:g}, "
              f"lr={best.lr:g}")
    meets = None if ctx.quick else (metrics["test_accuracy"] >= PUBLISHED.value
                                    and metrics["train_accuracy"] >= PUBLISHED_TRAIN)
    return Result(KEY, "3. Softmax regression with L2",
                  f"784->10 softmax from zero weights, full-batch GD, {iterations:,} iterations, grid "
                  f"{len(grid)} x (c, lr) on validation, 6:2:2 split of {n:,} training images",
                  PUBLISHED, figure, seconds, meets, ctx.quick, metrics, plots)
