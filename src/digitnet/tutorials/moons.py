"""Tutorial 6: a general multi-layer network on the two-moons data, its decision boundary as a movie.

The tutorial wrote its network as a list of layers, ``{"input_dim": 2, "output_dim": 25, "activation":
"relu"}`` and so on: 2-25-50-50-25-1, ReLU inside, a sigmoid unit at the end. The ``moons`` preset is
the same network, given by its sizes and written out as digitnet's layer descriptions
(``{"type": "dense", "units": 25, ...}``, ``{"type": "relu"}``...). 1,000 points with noise 0.2
(``digitnet.data.moons``), 80% to learn from
and 20% held out, binary cross-entropy, learning rate 0.1, 3,000 full-batch gradient-descent
iterations. Every 100 iterations the decision boundary is redrawn; the frames become a GIF.
"""

from __future__ import annotations

import time

from digitnet.data.moons import make_moons, train_test_split
from digitnet.presets import get_preset
from digitnet.train import build_network, build_optimizer
from digitnet.tutorials.result import Context, Published, Result
from digitnet.tutorials.training import descend

KEY = "moons"
PUBLISHED = Published("no figure published (the decision-boundary animation)",
                      "tutorial 6 (a general MLP on two moons)", None)
ITERATIONS, QUICK_ITERATIONS = 3000, 300
POINTS, NOISE, TEST_FRACTION = 1000, 0.2, 0.2


def moons_data(seed: int = 0):
    """The tutorial's data: :data:`POINTS` moons with :data:`NOISE`, split into training and held-out parts."""
    X, y = make_moons(POINTS, NOISE, seed=seed)
    return train_test_split(X, y, TEST_FRACTION, seed=seed)


def train(recipe, X, y, iterations: int, seed: int = 0, movie=None, every: int = 100):
    """Full-batch gradient descent; if ``movie`` (a BoundaryMovie) is given, a frame every ``every`` steps."""
    network = build_network(recipe, seed)
    snapshot = None
    if movie is not None:
        snapshot = lambda step, cost: movie.snapshot(network, step, network.score(X, y))  # noqa: E731
    costs = descend(network, build_optimizer(recipe, network), X, y, iterations, batch_size=None, every=every,
                    on_record=snapshot)
    return network, costs


def run(ctx: Context) -> Result:
    recipe = get_preset(KEY)
    iterations = QUICK_ITERATIONS if ctx.quick else ITERATIONS
    X_train, y_train, X_test, y_test = moons_data(seed=ctx.seed)
    movie = None
    if ctx.plots is not None:
        from digitnet.plots import BoundaryMovie

        movie = BoundaryMovie(X_train, y_train, title="Two moons: 2-25-50-50-25-1 MLP learning")
    started = time.perf_counter()
    network, costs = train(recipe, X_train, y_train, iterations, ctx.seed, movie)
    seconds = time.perf_counter() - started  # includes drawing the frames when plots are asked for
    metrics = {"test_accuracy": network.score(X_test, y_test), "train_accuracy": network.score(X_train, y_train),
               "costs": costs}
    plots = []
    if movie is not None:
        plots = [str(p) for p in movie.save(ctx.plot_path("moons_boundary.gif"), ctx.plot_path("moons_boundary.png"))]
    figure = (f"{metrics['test_accuracy']:.1%} held out ({len(y_test)} points), "
              f"{metrics['train_accuracy']:.1%} training")
    return Result(KEY, "6. General MLP on two moons",
                  f"2-25-50-50-25-1 ReLU/sigmoid, BCE, lr {recipe.lr:g}, {iterations:,} full-batch iterations, "
                  f"{POINTS:,} points (noise {NOISE:g}), 80/20 split",
                  PUBLISHED, figure, seconds, None, ctx.quick, metrics, plots)
