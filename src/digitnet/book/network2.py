"""Chapter 3's ``network2.py``: the cross-entropy cost, L2 regularisation, better initial weights,
monitoring, and networks saved to JSON.

As in the book::

    net = network2.Network([784, 30, 10], cost=network2.CrossEntropyCost)
    net.large_weight_initializer()
    net.SGD(training_data, 30, 10, 0.5, lmbda=5.0, evaluation_data=validation_data,
            monitor_evaluation_accuracy=True)

A cost is a class with two static methods: ``fn(a, y)``, the cost of output ``a`` for target ``y``,
and ``delta(z, a, y)``, the error of the output layer that backpropagation starts from. They are
written here as in the book, for reading and for your own experiments; training uses the digitnet
loss each class names (``loss``), which computes the same numbers on a whole mini-batch at once and
never takes ``log(0)`` (``tests/test_book.py`` checks that the two agree).

L2 regularisation is digitnet's weight decay with ``lmbda / n``: each step does
``w -> (1 - eta * lmbda / n) * w - (eta / m) * (sum of the gradients)``, biases undecayed, as the book.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

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
    vectorized_result,
)
from digitnet.errors import DigitnetError
from digitnet.io.atomic import atomic_write
from digitnet.io.limits import SizeLimits
from digitnet.nn.optimizers import SGD

__all__ = ["CrossEntropyCost", "Network", "QuadraticCost", "load", "sigmoid", "sigmoid_prime", "vectorized_result"]

#: the largest JSON file ``load`` reads: about 3 million weights written as the book writes them
MAX_FILE_BYTES = 64 * 2**20


class QuadraticCost:
    """C = 1/2 ||a - y||^2: chapter 1's cost. Its delta keeps sigma'(z), which is what slows learning
    down when a sigmoid output is badly wrong."""

    loss = "quadratic"

    @staticmethod
    def fn(a, y):
        """The cost of output ``a`` when ``y`` is the desired output."""
        return 0.5 * np.linalg.norm(a - y) ** 2

    @staticmethod
    def delta(z, a, y):
        """The error delta from the output layer."""
        return (a - y) * sigmoid_prime(z)


class CrossEntropyCost:
    """C = -sum[y ln a + (1 - y) ln(1 - a)]: its delta is simply a - y, with no sigma'(z) to slow it."""

    loss = "binary_cross_entropy"

    @staticmethod
    def fn(a, y):
        """The cost of output ``a`` when ``y`` is the desired output. ``np.nan_to_num`` turns the
        0 * log(0) of an output that is exactly right into 0."""
        return np.sum(np.nan_to_num(-y * np.log(a) - (1 - y) * np.log(1 - a)))

    @staticmethod
    def delta(z, a, y):
        """The error delta from the output layer (``z`` is not needed: it is there to match the interface
        of the other cost classes)."""
        return a - y


COSTS = {cls.__name__: cls for cls in (QuadraticCost, CrossEntropyCost)}


class Network(BookLayers):
    """``sizes`` lists the neurons in each layer; ``cost`` is a cost class (the class, not an instance).

    Weights start with ``default_weight_initializer``: N(0, 1/n_in), so a neuron's weighted input is
    not saturated from the start.
    """

    def __init__(self, sizes, cost=CrossEntropyCost):
        name = getattr(cost, "__name__", None)
        if COSTS.get(name) is not cost:
            raise DigitnetError(f"`cost` must be network2.QuadraticCost or network2.CrossEntropyCost (the class "
                                f"itself), got {cost!r}", parameter="cost")
        super().__init__(sizes, loss=cost.loss)
        self.num_layers = len(self.sizes)
        self.cost = cost
        self.default_weight_initializer()

    def default_weight_initializer(self):
        """Weights from N(0, 1/n_in) for a neuron with n_in inputs, biases from N(0, 1)."""
        self.biases = [np.random.randn(y, 1) for y in self.sizes[1:]]
        self.weights = [np.random.randn(y, x) / np.sqrt(x) for x, y in zip(self.sizes[:-1], self.sizes[1:])]

    def large_weight_initializer(self):
        """Weights and biases from N(0, 1), as in chapter 1 (kept for comparison)."""
        self.biases = [np.random.randn(y, 1) for y in self.sizes[1:]]
        self.weights = [np.random.randn(y, x) for x, y in zip(self.sizes[:-1], self.sizes[1:])]

    def SGD(self, training_data, epochs, mini_batch_size, eta, lmbda=0.0, evaluation_data=None,  # noqa: N802
            monitor_evaluation_cost=False, monitor_evaluation_accuracy=False, monitor_training_cost=False,
            monitor_training_accuracy=False, early_stopping_n=0):
        """Train with mini-batch SGD and L2 regularisation ``lmbda``; return the four monitoring lists
        ``(evaluation_cost, evaluation_accuracy, training_cost, training_accuracy)``, one entry per epoch
        for each kind of monitoring switched on (empty otherwise).

        ``early_stopping_n`` > 0 stops when the evaluation accuracy has not improved for that many epochs.
        """
        X, Y = as_matrices(training_data, "training_data")
        Y = one_hot(Y, self.sizes[-1])
        n, eta = len(X), check_eta(eta)
        evaluation = as_matrices(evaluation_data, "evaluation_data") if evaluation_data is not None else None
        optimizer = SGD(self.net.params.groups(lmbda > 0), lr=eta, weight_decay=float(lmbda) / n)
        evaluation_cost, evaluation_accuracy, training_cost, training_accuracy = [], [], [], []
        best_accuracy, no_change = 0, 0
        for j in range(int(epochs)):
            for batch in mini_batches(n, mini_batch_size):
                self.step(X[batch], Y[batch], optimizer)
            print(f"Epoch {j} training complete")
            if monitor_training_cost:
                training_cost.append(self._total_cost(X, Y, lmbda))
                print(f"Cost on training data: {training_cost[-1]}")
            if monitor_training_accuracy:
                training_accuracy.append(self.correct(X, labels_of(Y)))
                print(f"Accuracy on training data: {training_accuracy[-1]} / {n}")
            if evaluation is not None and monitor_evaluation_cost:
                evaluation_cost.append(self._total_cost(*evaluation, lmbda))
                print(f"Cost on evaluation data: {evaluation_cost[-1]}")
            if evaluation is not None and monitor_evaluation_accuracy:
                evaluation_accuracy.append(self.correct(evaluation[0], labels_of(evaluation[1])))
                print(f"Accuracy on evaluation data: {evaluation_accuracy[-1]} / {len(evaluation[0])}")
            print()
            if early_stopping_n > 0 and evaluation_accuracy:
                if evaluation_accuracy[-1] > best_accuracy:
                    best_accuracy, no_change = evaluation_accuracy[-1], 0
                else:
                    no_change += 1
                if no_change == early_stopping_n:
                    print(f"Early-stopping: No accuracy change in last epochs: {early_stopping_n}")
                    break
        return evaluation_cost, evaluation_accuracy, training_cost, training_accuracy

    def update_mini_batch(self, mini_batch, eta, lmbda, n):
        """One step on a list of ``(x, y)`` pairs; ``n`` is the size of the whole training set."""
        X, Y = as_matrices(mini_batch, "mini_batch")
        optimizer = SGD(self.net.params.groups(lmbda > 0), lr=check_eta(eta), weight_decay=float(lmbda) / n)
        self.step(X, one_hot(Y, self.sizes[-1]), optimizer)

    def backprop(self, x, y):
        """``(nabla_b, nabla_w)``: the gradient of the cost (without the L2 term) for the sample ``(x, y)``."""
        return self.gradients(x, y)

    def accuracy(self, data, convert=False):
        """How many inputs in ``data`` the network classifies correctly. ``convert`` is the book's flag for
        data whose ``y`` are one-hot vectors (training data); here either kind is recognised by itself."""
        X, Y = as_matrices(data, "data")
        return self.correct(X, labels_of(Y))

    def total_cost(self, data, lmbda, convert=False):
        """The total cost for ``data``, with the L2 term ``lmbda / (2 n)`` times the sum of squared weights
        (``n`` the size of ``data``, as in the book). ``convert`` as in :meth:`accuracy`."""
        X, Y = as_matrices(data, "data")
        return self._total_cost(X, Y, lmbda)

    def _total_cost(self, X, Y, lmbda) -> float:
        l2 = 0.5 * (lmbda / len(X)) * sum(float(np.vdot(w, w)) for w in self.weights)
        return self.mean_cost(X, one_hot(Y, self.sizes[-1])) + l2

    def save(self, filename):
        """Save the network to ``filename`` as JSON: sizes, weights, biases and the cost's name.

        Written to a temporary file and renamed, so a crash never leaves half a file."""
        data = {"sizes": self.sizes, "weights": [w.tolist() for w in self.weights],
                "biases": [b.tolist() for b in self.biases], "cost": self.cost.__name__}
        with atomic_write(filename, "w") as f:
            json.dump(data, f)


def load(filename):
    """Load a network saved by :meth:`Network.save` (this one's or the book's) and return it.

    The file is a stranger's until checked: it is read only up to :data:`MAX_FILE_BYTES`, the cost must
    be one of the two classes above (the book looks the name up in its module; here nothing else is
    reachable), and the sizes are checked against digitnet's limits before any array is built.
    """
    path = Path(filename)
    try:
        if not path.is_file():
            raise DigitnetError(f"{path}: no such file; give the path of a network saved with net.save()")
        if os.path.getsize(path) > MAX_FILE_BYTES:
            raise DigitnetError(f"{path} is larger than {MAX_FILE_BYTES // 2**20} MB, more than a network saved "
                                "by network2 needs; not loading it")
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
        raise DigitnetError(f"{path} is not a network saved by network2 (not readable JSON: "
                            f"{type(err).__name__})") from None
    if not isinstance(data, dict) or not {"sizes", "weights", "biases", "cost"} <= set(data):
        raise DigitnetError(f"{path} is not a network saved by network2: it needs sizes, weights, biases and cost")
    if data["cost"] not in COSTS:
        raise DigitnetError(f"{path}: unknown cost {data['cost']!r}; network2 knows {', '.join(COSTS)}")
    sizes = data["sizes"]
    if not isinstance(sizes, list) or not all(isinstance(s, int) and s >= 1 for s in sizes) or len(sizes) < 2:
        raise DigitnetError(f"{path}: `sizes` must list at least two positive layer sizes")
    if 8 * sum(x * y + y for x, y in zip(sizes[:-1], sizes[1:])) > SizeLimits().bytes:  # float64, as the book
        raise DigitnetError(f"{path}: a network of sizes {sizes} has more weights than digitnet allows")
    net = Network(sizes, cost=COSTS[data["cost"]])
    try:
        net.weights = [np.array(w, dtype=np.float64) for w in data["weights"]]
        net.biases = [np.array(b, dtype=np.float64) for b in data["biases"]]
    except (TypeError, ValueError) as err:
        raise DigitnetError(f"{path}: the weights or biases are not arrays of numbers of the right shapes "
                            f"({err})") from None
    return net
