"""The presets of the five tutorials digitnet grew out of (plus the two-moons MLP), with their settings.

The ordinary MNIST classifiers (Nielsen's networks, tutorial 5's momentum network) train with
``digitnet train --model NAME`` like any preset. The others follow their tutorial's own protocol:
random mini-batch *steps* for "is it a 0?", full-batch gradient descent with a grid search for softmax
regression, the two-moons data for the MLP. They carry a ``protocol`` and run with
``digitnet reproduce --only NAME`` (see ``digitnet.tutorials``), which also runs the others and
compares every figure with the published one.

Nielsen's chapter 1 network initialises weights *and biases* N(0, 1) ("normal"); his chapter 3
"improved" network uses N(0, 1/n_in) weights ("lecun") and N(0, 1) biases, sigmoid outputs with his
cross-entropy cost (a yes/no cross-entropy per output unit, summed: our ``binary_cross_entropy``) and
L2 with lambda = 5.0 over n = 50,000 images, i.e. ``weight_decay = lambda / n = 1e-4``. The book's
98.04% came from 60 epochs at eta = 0.1 ("tuning just a little more"); its 30 epochs at eta = 0.5 gave
97.92%. ``nielsen-ch3`` uses the settings of the 98.04% run.
"""

from __future__ import annotations

from digitnet.presets import register
from digitnet.presets.recipe import Recipe


def nielsen_ch1(name: str, sizes: tuple) -> Recipe:
    """Chapter 1: sigmoid everywhere, quadratic cost, N(0,1) weights and biases, SGD eta=3, batch 10."""
    return Recipe.mlp(sizes, activation="sigmoid", init="normal", bias_init="normal", name=name, loss="quadratic",
                      optimizer="sgd", lr=3.0, epochs=30, batch_size=10, val_size=10000)


register(Recipe.mlp(
    (784, 1), init="small", name="is-it-zero", loss="binary_cross_entropy", optimizer="sgd", lr=1.0, batch_size=256,
    protocol="2,000 steps of random mini-batches on 0-versus-rest labels",
))
register(Recipe.mlp(
    (784, 64, 1), activation="sigmoid", init="glorot", name="is-it-zero-hidden", loss="binary_cross_entropy",
    optimizer="sgd", lr=1.0, batch_size=1024, protocol="2,000 steps of random mini-batches on 0-versus-rest labels",
))
register(Recipe.mlp(
    (784, 10), init="zeros", name="softmax-l2", loss="cross_entropy", optimizer="sgd", lr=1.0, weight_decay=1e-4,
    protocol="full-batch gradient descent on a 6:2:2 split with a grid search over (c, lr)",
))
register(nielsen_ch1("nielsen-ch1", (784, 30, 10)))
register(nielsen_ch1("nielsen-ch1-100", (784, 100, 10)))
register(nielsen_ch1("nielsen-ch1-linear", (784, 10)))
register(Recipe.mlp(
    (784, 100, 10), activation="sigmoid", init="lecun", bias_init="normal", name="nielsen-ch3",
    loss="binary_cross_entropy", optimizer="sgd", lr=0.1, weight_decay=5.0 / 50000, epochs=60, batch_size=10,
    val_size=10000,
))
register(Recipe.mlp(
    (784, 100, 10), activation="sigmoid", init="glorot", name="momentum-100", loss="cross_entropy",
    optimizer="momentum", lr=0.1, momentum=0.9, epochs=20, batch_size=64, val_size=5000,
))
#: tutorial 6 wrote its network as a list of layers (2-25-50-50-25-1, ReLU inside, a sigmoid unit at the
#: end); as an MLP it is the same network, given by its sizes
register(Recipe.mlp(
    (2, 25, 50, 50, 25, 1), name="moons", loss="binary_cross_entropy", optimizer="sgd", lr=0.1, inputs="features",
    protocol="two-moons data (not MNIST), 3,000 full-batch gradient-descent iterations",
))
