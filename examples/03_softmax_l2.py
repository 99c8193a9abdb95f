"""Tutorial 3: softmax regression with L2, full-batch gradient descent and a grid search.

    python examples/03_softmax_l2.py [--quick] [--plots DIR]

Ten outputs, one per digit, turned into probabilities by softmax; weights start at zero. The cost is
J = mean cross-entropy + c/2 ||W||^2 and every iteration is one step on the whole training part. The
pair (c, learning rate) is chosen on the validation part of a 6:2:2 split, then the winner is trained
for 1,000 iterations and scored on the test part.
"""

import argparse

from digitnet.data import load_mnist
from digitnet.presets import get_preset
from digitnet.tutorials import softmax_l2

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="a few iterations only")
parser.add_argument("--plots", metavar="DIR", help="save the cost curve in DIR")
args = parser.parse_args()

ds = load_mnist()
parts = softmax_l2.split_622(ds.train_images, ds.train_labels)
print("6:2:2 split: " + ", ".join(f"{name} {len(y):,}" for name, (X, y) in parts.items()))

recipe = get_preset("softmax-l2")
grid_iterations = softmax_l2.QUICK_GRID_ITERATIONS if args.quick else softmax_l2.GRID_ITERATIONS
print(f"\nGrid search, {grid_iterations} iterations per candidate, ranked by validation accuracy:")
ranking = softmax_l2.grid_search(recipe, parts, grid_iterations, log=print)
best = recipe.with_overrides(weight_decay=ranking[0]["c"], lr=ranking[0]["lr"])
print(f"chosen: c = {best.weight_decay:g}, learning rate = {best.lr:g}")

iterations = softmax_l2.QUICK_ITERATIONS if args.quick else softmax_l2.ITERATIONS
every = 10 if args.quick else 100
print(f"\nTraining it for {iterations:,} iterations; the cost J every {every}:")
network, costs = softmax_l2.fit(best, *parts["train"], iterations, every=every)
for step, cost in costs:
    print(f"  iteration {step:>5}: J = {cost:.4f}")
print(f"\ntraining {network.score(*parts['train']):.2%}, test {network.score(*parts['test']):.2%} "
      f"(the tutorial: {softmax_l2.PUBLISHED_TRAIN:.1%} and {softmax_l2.PUBLISHED.value:.1%})")

if args.plots:
    from digitnet.plots import plot_cost_curve, plot_first_layer

    print(plot_cost_curve([s for s, _ in costs], [c for _, c in costs], f"{args.plots}/softmax_l2_cost.png",
                          title="Softmax regression: cost J during full-batch gradient descent"))
    # With no hidden layer, each digit's weights are a template of that digit.
    print(plot_first_layer(network, f"{args.plots}/softmax_l2_weights.png", n=10, columns=5,
                           title="Softmax regression: the weights of each digit", unit_name="digit"))
