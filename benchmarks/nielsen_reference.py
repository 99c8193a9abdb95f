"""The per-sample backpropagation loop of chapter 1 of Nielsen's "Neural Networks and Deep Learning",
written out here from the book's description as the reference digitnet's batched trainer is checked against.

The book's network keeps one weight matrix per layer with shape (out, in) and one bias column (out, 1),
feeds samples one at a time as column vectors (784, 1), uses sigmoid units and the quadratic cost, and
updates after each mini-batch with the *sum* of the per-sample gradients times eta / m:

    for each mini-batch:
        for each (x, y) in it:  gradients += backprop(x, y)
        w <- w - (eta / m) * gradients

digitnet does the same arithmetic on a whole mini-batch at once (rows are samples, W is (in, out)), so
from the same start and in the same order both must reach the same weights, up to rounding.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1 - s)


class BookNetwork:
    """Per-sample SGD for a sigmoid network with the quadratic cost."""

    def __init__(self, weights: list[np.ndarray], biases: list[np.ndarray]):
        """``weights[i]`` (out, in) and ``biases[i]`` (out, 1), copied."""
        self.weights = [np.array(w) for w in weights]
        self.biases = [np.array(b).reshape(-1, 1) for b in biases]

    @classmethod
    def from_digitnet(cls, network) -> "BookNetwork":
        """The same start as a digitnet network built with ``Network.from_sizes`` (Dense W is (in, out))."""
        dense = [layer for layer in network.layers if "W" in layer.params]
        return cls([layer.params["W"].T for layer in dense], [layer.params["b"] for layer in dense])

    def feedforward(self, a: np.ndarray) -> np.ndarray:
        for w, b in zip(self.weights, self.biases):
            a = sigmoid(w @ a + b)
        return a

    def sgd_epoch(self, X: np.ndarray, labels: np.ndarray, order: np.ndarray, batch_size: int, eta: float,
                  num_classes: int = 10) -> None:
        """One epoch over the samples in ``order``; X rows are images, labels are class numbers."""
        for start in range(0, len(order), batch_size):
            batch = [(X[i].reshape(-1, 1), one_hot_column(labels[i], num_classes, X.dtype))
                     for i in order[start:start + batch_size]]
            self.update_mini_batch(batch, eta)

    def update_mini_batch(self, batch, eta: float) -> None:
        nabla_b = [np.zeros(b.shape, b.dtype) for b in self.biases]
        nabla_w = [np.zeros(w.shape, w.dtype) for w in self.weights]
        for x, y in batch:
            delta_b, delta_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_w)]
        self.weights = [w - (eta / len(batch)) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(batch)) * nb for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x: np.ndarray, y: np.ndarray):
        """Gradients of the cost 1/2 ||a - y||^2 of one sample, layer by layer."""
        nabla_b = [None] * len(self.biases)
        nabla_w = [None] * len(self.weights)
        activation, activations, zs = x, [x], []
        for w, b in zip(self.weights, self.biases):
            z = w @ activation + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        delta = (activations[-1] - y) * sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = delta @ activations[-2].T
        for layer in range(2, len(self.weights) + 1):
            delta = (self.weights[-layer + 1].T @ delta) * sigmoid_prime(zs[-layer])
            nabla_b[-layer] = delta
            nabla_w[-layer] = delta @ activations[-layer - 1].T
        return nabla_b, nabla_w

    def digitnet_weights(self) -> dict[str, np.ndarray]:
        """The weights under digitnet's names ("<layer index>.W" is (in, out)), for comparison."""
        out = {}
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            out[f"{2 * i}.W"], out[f"{2 * i}.b"] = w.T, b[:, 0]
        return out


def one_hot_column(label: int, num_classes: int, dtype) -> np.ndarray:
    y = np.zeros((num_classes, 1), dtype)
    y[int(label)] = 1
    return y


def digitnet_book_network(sizes=(784, 30, 10), seed: int = 0, dtype=np.float64):
    """digitnet's version of the book's network: sigmoid everywhere, quadratic cost, N(0, 1) weights and biases."""
    from digitnet.nn import Network

    return Network.from_sizes(list(sizes), activation="sigmoid", loss="quadratic", init="normal",
                              bias_init="normal", seed=seed, dtype=dtype)


def digitnet_trainer(network, batch_size: int = 10, eta: float = 3.0, seed: int = 0, epochs: int = 1):
    """Plain SGD with the book's eta; the trainer's first shuffle is ``default_rng(seed).permutation(n)``."""
    from digitnet.nn.optimizers import make_optimizer
    from digitnet.train import Trainer

    return Trainer(network, make_optimizer("sgd", network.params, eta), epochs=epochs, batch_size=batch_size,
                   seed=seed, progress=False, log=lambda msg: None)


def first_epoch_order(n: int, seed: int) -> np.ndarray:
    """The order digitnet's Trainer(seed=seed) visits n samples in its first epoch."""
    return np.random.default_rng(seed).permutation(n)
