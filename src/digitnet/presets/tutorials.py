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


def nielsen_ch1(name: str, layers: tuple) -> Recipe:
    """Chapter 1: sigmoid everywhere, quadratic cost, N(0,1) weights and biases, SGD eta=3, batch 10."""
    return Recipe(name=name, layers=layers, activation="sigmoid", loss="quadratic", init="normal",
                  bias_init="normal", optimizer="sgd", lr=3.0, epochs=30, batch_size=10, val_size=10000)


register(Recipe(
    name="is-it-zero",
    layers=(784, 1), loss="binary_cross_entropy", init="small", optimizer="sgd", lr=1.0, batch_size=256,
    protocol="2,000 steps of random mini-batches on 0-versus-rest labels",
))
register(Recipe(
    name="is-it-zero-hidden",
    layers=(784, 64, 1), activation="sigmoid", loss="binary_cross_entropy", init="glorot", optimizer="sgd",
    lr=1.0, batch_size=1024, protocol="2,000 steps of random mini-batches on 0-versus-rest labels",
))
register(Recipe(
    name="softmax-l2",
    layers=(784, 10), loss="cross_entropy", init="zeros", optimizer="sgd", lr=1.0, weight_decay=1e-4,
    protocol="full-batch gradient descent on a 6:2:2 split with a grid search over (c, lr)",
))
register(nielsen_ch1("nielsen-ch1", (784, 30, 10)))
register(nielsen_ch1("nielsen-ch1-100", (784, 100, 10)))
register(nielsen_ch1("nielsen-ch1-linear", (784, 10)))
register(Recipe(
    name="nielsen-ch3",
    layers=(784, 100, 10), activation="sigmoid", loss="binary_cross_entropy", init="lecun", bias_init="normal",
    optimizer="sgd", lr=0.1, weight_decay=5.0 / 50000, epochs=60, batch_size=10, val_size=10000,
))
register(Recipe(
    name="momentum-100",
    layers=(784, 100, 10), activation="sigmoid", loss="cross_entropy", init="glorot", optimizer="momentum",
    lr=0.1, momentum=0.9, epochs=20, batch_size=64, val_size=5000,
))
register(Recipe(
    name="moons",
    layers=({"input_dim": 2, "output_dim": 25, "activation": "relu"},
            {"input_dim": 25, "output_dim": 50, "activation": "relu"},
            {"input_dim": 50, "output_dim": 50, "activation": "relu"},
            {"input_dim": 50, "output_dim": 25, "activation": "relu"},
            {"input_dim": 25, "output_dim": 1, "activation": "sigmoid"}),
    loss="binary_cross_entropy", optimizer="sgd", lr=0.1, inputs="features",
    protocol="two-moons data (not MNIST), 3,000 full-batch gradient-descent iterations",
))
