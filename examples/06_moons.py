"""Tutorial 6: a general multi-layer network on the two-moons data, and its decision boundary as a movie.

    python examples/06_moons.py [--quick] [--plots DIR]

The tutorial wrote its network as a list of layers, 2-25-50-50-25-1 with ReLU inside and a sigmoid
unit at the end. The ``moons`` preset is that network, and prints it the way digitnet writes any
network, as layer descriptions::

    {'type': 'dense', 'units': 25, 'init': 'he', 'bias_init': 'zeros'}
    {'type': 'relu'}
    ...
    {'type': 'dense', 'units': 1, 'init': 'he', 'bias_init': 'zeros'}
    {'type': 'sigmoid'}

It learns 800 of 1,000 noisy two-moon points by 3,000 full-batch gradient-descent steps (binary
cross-entropy, learning rate 0.1); the other 200 test it. Every 100 steps the boundary is redrawn.
"""

import argparse

from digitnet.presets import get_preset
from digitnet.tutorials import moons

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help=f"{moons.QUICK_ITERATIONS} steps instead of 3,000")
parser.add_argument("--plots", metavar="DIR", default="runs/moons",
                    help="where the GIF and the final PNG go (default: runs/moons)")
args = parser.parse_args()

recipe = get_preset("moons")
X_train, y_train, X_test, y_test = moons.moons_data()
print(f"{len(X_train)} training points, {len(X_test)} held out; layers for inputs of shape {recipe.input_shape}:")
for layer in recipe.layers:
    print(f"  {layer}")

from digitnet.plots import BoundaryMovie  # noqa: E402  (matplotlib is only needed from here on)

movie = BoundaryMovie(X_train, y_train, title="Two moons: 2-25-50-50-25-1 MLP learning")
iterations = moons.QUICK_ITERATIONS if args.quick else moons.ITERATIONS
network, costs = moons.train(recipe, X_train, y_train, iterations, movie=movie)
for step, cost in costs[:: max(len(costs) // 6, 1)]:
    print(f"step {step:>5}: cost {cost:.4f}")

print(f"\nheld-out accuracy {network.score(X_test, y_test):.1%}, training {network.score(X_train, y_train):.1%}")
gif, png = movie.save(f"{args.plots}/moons_boundary.gif", f"{args.plots}/moons_boundary.png")
print(f"the boundary while learning: {gif}\nthe final boundary: {png}")
