"""Chapter 1's ``mnist_loader.py``: MNIST in the shapes the book's code expects, read from digitnet's
own MNIST files (found the way ``digitnet.data.load_mnist`` finds them; no ``mnist.pkl.gz``, no pickle).

- ``load_data()``: ``(training_data, validation_data, test_data)``, each a pair ``(images, labels)``:
  images an (n, 784) float32 array with pixels in [0, 1], labels an (n,) array of digits. Training is
  the first 50,000 of MNIST's training images, validation the last 10,000 (the book's split).
- ``load_data_wrapper()``: the same as lists of ``(x, y)`` pairs. ``x`` is a (784, 1) column; ``y`` is a
  (10, 1) one-hot column for training and the digit itself (an int) for validation and test.

Lists, not Python 3's one-use ``zip`` objects, so ``training_data[0]`` and ``len(test_data)`` work as in
the book. The columns are views into one array, so the lists cost a few megabytes, not copies.
"""

from __future__ import annotations

import numpy as np

from digitnet.book.core import vectorized_result
from digitnet.data import load_mnist

__all__ = ["load_data", "load_data_wrapper", "vectorized_result"]

#: the book keeps the last 10,000 training images for validation
TRAINING_SIZE = 50000


def load_data(data_dir=None):
    """``(training_data, validation_data, test_data)`` as pairs of arrays (see the module docstring).

    ``data_dir`` is a folder holding the four MNIST files; by default digitnet looks where it always
    does (``DIGITNET_DATA``, the user cache) and downloads them if needed.
    """
    ds = load_mnist(data_dir, progress=False)
    images = ds.train_images.reshape(len(ds.train_images), -1).astype(np.float32) / np.float32(255)
    test = ds.test_images.reshape(len(ds.test_images), -1).astype(np.float32) / np.float32(255)
    labels, test_labels = ds.train_labels.astype(np.int64), ds.test_labels.astype(np.int64)
    return ((images[:TRAINING_SIZE], labels[:TRAINING_SIZE]), (images[TRAINING_SIZE:], labels[TRAINING_SIZE:]),
            (test, test_labels))


def load_data_wrapper(data_dir=None):
    """``(training_data, validation_data, test_data)`` as lists of ``(x, y)`` pairs (see the module docstring)."""
    tr_d, va_d, te_d = load_data(data_dir)
    targets = np.eye(10)[tr_d[1]]  # one row per image; targets[i, :, None] is the book's (10, 1) column
    training_data = [(x[:, None], t[:, None]) for x, t in zip(tr_d[0], targets)]
    validation_data = [(x[:, None], int(y)) for x, y in zip(va_d[0], va_d[1])]
    test_data = [(x[:, None], int(y)) for x, y in zip(te_d[0], te_d[1])]
    return training_data, validation_data, test_data
