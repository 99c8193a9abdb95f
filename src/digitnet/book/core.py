"""What ``network`` and ``network2`` share: the book's lists of matrices kept as views of one digitnet
network, and the book's lists of ``(x, y)`` column vectors turned into matrices once.

The book stores layer ``l`` as ``weights[l]`` of shape (out, in) and ``biases[l]`` of shape (out, 1) and
feeds one column vector at a time. digitnet's ``Dense`` layer holds ``W`` as (in, out) and takes a batch
as rows, so a mini-batch of m images is one (m, 784) matrix. ``W.T`` is the book's matrix without a
copy: the book's names and digitnet's arithmetic share the same numbers.
"""

from __future__ import annotations

import random

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn import Network
from digitnet.nn.layers import Dense
from digitnet.nn.optimizers import SGD
from digitnet.train import train_step


def sigmoid(z):
    """The sigmoid function (the book's, for readers; digitnet's layers use a stable form)."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    """Derivative of the sigmoid function."""
    return sigmoid(z) * (1 - sigmoid(z))


def vectorized_result(j):
    """A 10-dimensional unit column vector with 1.0 in position ``j``: a digit as the network's target."""
    e = np.zeros((10, 1))
    e[int(j)] = 1.0
    return e


def check_sizes(sizes) -> list[int]:
    """The book's ``sizes`` list as whole numbers, refused in one line when it cannot be a network."""
    if not isinstance(sizes, (list, tuple)) or len(sizes) < 2 or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1 for n in sizes):
        raise DigitnetError(f"`sizes` must list at least two positive layer sizes, like [784, 30, 10]; got {sizes!r}",
                            parameter="sizes")
    return [int(n) for n in sizes]


class BookLayers:
    """A digitnet network of sigmoid layers seen through the book's ``weights`` and ``biases`` lists.

    ``loss`` is the digitnet loss that trains it: ``"quadratic"`` (the network ends in sigmoid units) or
    ``"binary_cross_entropy"`` (the same sigmoid units, folded into the loss during training so that the
    gradient at the output is simply ``a - y``). Computation is in float64, the book's precision.
    """

    def __init__(self, sizes, loss: str = "quadratic"):
        self.sizes = check_sizes(sizes)
        # zeros: the book draws the starting weights itself, with np.random (see the callers)
        self.net = Network.from_sizes(self.sizes, activation="sigmoid", output="sigmoid", loss=loss,
                                      init="zeros", bias_init="zeros", dtype=np.float64, inputs="features")
        self.dense = [layer for layer in self.net.layers if isinstance(layer, Dense)]

    # -- the book's view of the parameters ----------------------------------------------------------
    @property
    def weights(self) -> list[np.ndarray]:
        """``weights[l]`` (out, in): views of digitnet's ``W`` (in, out), so writing into them trains."""
        return [layer.params["W"].T for layer in self.dense]

    @weights.setter
    def weights(self, values) -> None:
        self._assign([np.asarray(w).T for w in values], "W", "weights")

    @property
    def biases(self) -> list[np.ndarray]:
        """``biases[l]`` (out, 1): views of digitnet's ``b`` (out,)."""
        return [layer.params["b"].reshape(-1, 1) for layer in self.dense]

    @biases.setter
    def biases(self, values) -> None:
        self._assign([np.asarray(b).reshape(-1) for b in values], "b", "biases")

    def _assign(self, values: list[np.ndarray], name: str, what: str) -> None:
        """Copy new values into the existing arrays (``net.weights = [...]`` as the book's code writes)."""
        if len(values) != len(self.dense):
            raise DigitnetError(f"{what}: {len(values)} arrays for {len(self.dense)} layers")
        for i, (layer, value) in enumerate(zip(self.dense, values)):
            if value.shape != layer.params[name].shape:
                shape = layer.params[name].shape if name == "b" else layer.params[name].T.shape
                raise DigitnetError(f"{what}[{i}] should have shape {shape} (the book's layout), got "
                                    f"{value.T.shape if name == 'W' else value.shape}")
            layer.params[name][...] = value

    # -- computing ----------------------------------------------------------------------------------
    def feedforward(self, a: np.ndarray) -> np.ndarray:
        """The output for input ``a``: a column (784, 1), or a matrix whose columns are images."""
        z = self.net.forward(np.asarray(a, np.float64).T)
        return self.net.loss.output(z).T

    def step(self, X: np.ndarray, Y: np.ndarray, optimizer: SGD) -> float:
        """One gradient step on the mini-batch (rows of X and Y): forward, backward, update, all as matrices."""
        loss, _ = train_step(self.net, optimizer, X, Y)
        return loss

    def gradients(self, x: np.ndarray, y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The book's ``backprop``: (nabla_b, nabla_w) of the cost of the columns of x, summed over them."""
        X, Y = np.atleast_2d(np.asarray(x, np.float64).T), np.atleast_2d(np.asarray(y, np.float64).T)
        z = self.net.forward(X, training=True)
        _, delta = self.net.loss.loss_and_grad(z, Y)
        self.net.backward(delta * len(X))  # digitnet averages over the batch; the book sums
        return ([layer.grads["b"].reshape(-1, 1).copy() for layer in self.dense],
                [layer.grads["W"].T.copy() for layer in self.dense])

    def correct(self, X: np.ndarray, labels: np.ndarray) -> int:
        """How many rows of X the network classifies as ``labels`` (the largest output unit wins)."""
        return int(np.count_nonzero(self.net.predict(X) == labels))

    def mean_cost(self, X: np.ndarray, Y: np.ndarray) -> float:
        """The mean cost over the rows (without any L2 term): the book's sum of ``fn`` over the samples
        divided by their number."""
        return float(self.net.loss.value(self.net.forward(X), Y))


def as_matrices(data, what: str = "data") -> tuple[np.ndarray, np.ndarray]:
    """The book's list of ``(x, y)`` pairs as an image matrix (n, 784) and targets: one-hot rows (n, 10)
    when each ``y`` is a column vector (training data), class numbers (n,) when it is an int.

    This is the one pass over the samples in Python; everything after it works on whole matrices.
    """
    try:
        pairs = data if isinstance(data, list) else list(data)
        xs, ys = zip(*pairs)
    except (TypeError, ValueError):
        raise DigitnetError(f"{what} must be a list of (x, y) pairs, as mnist_loader.load_data_wrapper() "
                            "returns") from None
    X = np.concatenate([np.asarray(x).reshape(1, -1) for x in xs])  # float32 stays float32: half the memory
    if np.ndim(ys[0]) == 0:
        return X, np.array(ys, dtype=np.int64)
    return X, np.concatenate([np.asarray(y, np.float64).reshape(1, -1) for y in ys])


def labels_of(Y: np.ndarray) -> np.ndarray:
    """Class numbers from one-hot rows (or the class numbers themselves)."""
    return Y.argmax(axis=1) if Y.ndim == 2 else Y


def one_hot(Y: np.ndarray, classes: int) -> np.ndarray:
    """One-hot rows from class numbers (or the rows themselves)."""
    if Y.ndim == 2:
        return Y
    out = np.zeros((len(Y), classes))
    out[np.arange(len(Y)), Y] = 1.0
    return out


def book_order(n: int) -> list[int]:
    """The order of one epoch, drawn as the book draws it: ``random.shuffle`` of the training list.

    Shuffling the indices 0..n-1 consumes Python's random numbers exactly as shuffling a list of n
    samples does, so after ``random.seed(s)`` the book's code and this one visit the images in the
    same order.
    """
    order = list(range(n))
    random.shuffle(order)
    return order


def mini_batches(n: int, size: int) -> list[np.ndarray]:
    """Index arrays of consecutive mini-batches of a fresh epoch order (the last may be shorter)."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise DigitnetError(f"`mini_batch_size` must be a positive whole number, got {size!r}",
                            parameter="mini_batch_size")
    order = np.array(book_order(n), dtype=np.intp)
    return [order[k:k + size] for k in range(0, n, size)]


def check_eta(eta) -> float:
    if not isinstance(eta, (int, float, np.floating)) or isinstance(eta, bool) or not eta > 0:
        raise DigitnetError(f"`eta` (the learning rate) must be a positive number, like 3.0; got {eta!r}",
                            parameter="eta")
    return float(eta)
