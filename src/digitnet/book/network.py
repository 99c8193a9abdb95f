"""Chapter 1's ``network.py``: a network of sigmoid neurons learning by stochastic gradient descent.

As in the book::

    net = network.Network([784, 30, 10])
    net.SGD(training_data, 30, 10, 3.0, test_data=test_data)

prints ``Epoch 0: 9046 / 10000`` and so on, one line per epoch (the count of test images classified
correctly; yours will differ a little, as the book's did from run to run). The cost is the quadratic
one, C = 1/2 ||a - y||^2, and every weight and bias starts as a draw from N(0, 1).

Each mini-batch is one matrix pushed through digitnet's layers (``digitnet.book.core``), and the
update is digitnet's SGD: ``w -> w - (eta / m) * (sum of the m gradients)``, the book's rule.
"""

from __future__ import annotations

import numpy as np

from digitnet.book.core import (
    BookLayers,
    as_matrices,
    check_eta,
    labels_of,
    mini_batches,
    one_hot,
    sigmoid,
    sigmoid_prime,
)
from digitnet.nn.optimizers import SGD

__all__ = ["Network", "sigmoid", "sigmoid_prime"]


class Network(BookLayers):
    """``sizes`` lists the neurons in each layer: ``[2, 3, 1]`` is 2 inputs, 3 hidden neurons, 1 output.

    Biases and weights start from N(0, 1) drawn with ``np.random.randn`` in the book's order (all
    biases, then all weights); the input layer has no biases.
    """

    def __init__(self, sizes):
        super().__init__(sizes, loss="quadratic")
        self.num_layers = len(self.sizes)
        self.biases = [np.random.randn(y, 1) for y in self.sizes[1:]]
        self.weights = [np.random.randn(y, x) for x, y in zip(self.sizes[:-1], self.sizes[1:])]

    def SGD(self, training_data, epochs, mini_batch_size, eta, test_data=None):  # noqa: N802 (the book's name)
        """Train with mini-batch stochastic gradient descent on a list of ``(x, y)`` pairs.

        With ``test_data``, the network is evaluated after each epoch and the count printed (useful for
        following progress, the book says, but it slows things down: here it costs one matrix product).
        """
        X, Y = as_matrices(training_data, "training_data")
        Y = one_hot(Y, self.sizes[-1])
        eta = check_eta(eta)
        tests = as_matrices(test_data, "test_data") if test_data is not None else None
        optimizer = SGD(self.net.params.groups(), lr=eta)
        for j in range(int(epochs)):
            for batch in mini_batches(len(X), mini_batch_size):
                self.step(X[batch], Y[batch], optimizer)
            if tests is not None:
                print(f"Epoch {j}: {self.correct(tests[0], labels_of(tests[1]))} / {len(tests[0])}")
            else:
                print(f"Epoch {j} complete")

    def update_mini_batch(self, mini_batch, eta):
        """One gradient-descent step on one mini-batch, a list of ``(x, y)`` pairs, as a single matrix."""
        X, Y = as_matrices(mini_batch, "mini_batch")
        self.step(X, one_hot(Y, self.sizes[-1]), SGD(self.net.params.groups(), lr=check_eta(eta)))

    def backprop(self, x, y):
        """``(nabla_b, nabla_w)``, the gradient of the cost for the sample ``(x, y)``, as lists of arrays
        shaped like ``biases`` and ``weights``."""
        return self.gradients(x, y)

    def evaluate(self, test_data):
        """How many test inputs the network gets right (its answer is the output neuron that fires most)."""
        X, y = as_matrices(test_data, "test_data")
        return self.correct(X, labels_of(y))

    def cost_derivative(self, output_activations, y):
        """The vector of partial derivatives dC_x / da of the quadratic cost for the output activations."""
        return output_activations - y
