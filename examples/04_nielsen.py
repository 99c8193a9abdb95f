"""Tutorial 4: Michael Nielsen's network from chapter 1 of *Neural Networks and Deep Learning*.

    python examples/04_nielsen.py [--sizes 784,30,10] [--chapter3] [--epochs N] [--quick] [--plots DIR]

In the book::

    net = network.Network([784, 30, 10])
    net.SGD(training_data, 30, 10, 3.0, test_data=test_data)

Sigmoid units everywhere, weights and biases drawn from N(0, 1), the quadratic cost, and stochastic
gradient descent on mini-batches of 10 with learning rate eta = 3.0 for 30 epochs, on the first 50,000
training images. After every epoch it prints how many of the 10,000 test images it gets right. In
digitnet the same recipe is the preset ``nielsen-ch1`` (also: ``digitnet train --model nielsen-ch1``).
``--chapter3`` runs the chapter 3 network instead: cross-entropy, L2 with lambda = 5 and N(0, 1/n_in)
weights, [784, 100, 10], eta = 0.5.
"""

import argparse

from digitnet.data import load_mnist
from digitnet.presets import get_preset
from digitnet.tutorials import nielsen

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--sizes", default="784,30,10", help="layer sizes (default 784,30,10)")
parser.add_argument("--chapter3", action="store_true", help="the chapter 3 network ([784, 100, 10], improved)")
parser.add_argument("--epochs", type=int, help="epochs (default: the book's 30)")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--quick", action="store_true", help="one epoch")
parser.add_argument("--plots", metavar="DIR", help="save learning curves and first-layer weights in DIR")
args = parser.parse_args()

recipe = get_preset("nielsen-ch3" if args.chapter3 else "nielsen-ch1")
if not args.chapter3:  # the book tries other sizes too: [784, 100, 10] and [784, 10]
    recipe = recipe.with_overrides(layers=tuple(int(s) for s in args.sizes.split(",")))
recipe = recipe.with_overrides(epochs=1 if args.quick else args.epochs)
print(f"{recipe.label}: {recipe.description}")
print(f"layers {list(recipe.as_mlp.sizes)}, eta {recipe.lr}, mini-batch {recipe.batch_size}, cost {recipe.loss}\n")

ds = load_mnist()
trained, counts = nielsen.train_once(recipe, ds, seed=args.seed)
network, history, accuracy = trained.network, trained.history, trained.metrics["test_accuracy"]
print(f"\nPeak of the per-epoch test counts (how the book quotes it): {max(counts) / 100:.2f}%")
print(f"Weights kept (least validation loss, epoch {history.best_epoch}): {accuracy:.2%} on the test set")

if args.plots:
    from digitnet.plots import plot_first_layer, plot_learning_curves

    print(plot_learning_curves(history, f"{args.plots}/{recipe.name}_curves.png",
                               title=f"{recipe.name}: learning curves"))
    print(plot_first_layer(network, f"{args.plots}/{recipe.name}_weights.png"))
