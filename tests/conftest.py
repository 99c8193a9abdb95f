"""Shared fixtures. Tests that need real MNIST use ``mnist`` (found the way digitnet always finds it:
``DIGITNET_DATA``, the user cache, or a download); everything else runs on small synthetic data."""

from __future__ import annotations

import numpy as np
import pytest

from data_helpers import arrays, write_dataset


@pytest.fixture(scope="session")
def mnist():
    from digitnet.data import load_mnist

    return load_mnist(progress=False)


@pytest.fixture
def tiny_data(tmp_path):
    """A learnable MNIST-format data set: each digit class is a bright bar at its own row."""
    data = arrays(n_train=300, n_test=100, seed=1)
    for images, labels in (("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
                           ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")):
        data[images] = (data[images] // 8).astype(np.uint8)
        for i, label in enumerate(data[labels]):
            data[images][i, 2 + 2 * label, :] = 255
    return write_dataset(tmp_path / "tiny", data)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def blobs():
    """A small, easy 3-class problem in 20 dimensions: any working network gets it right."""
    gen = np.random.default_rng(7)
    centres = gen.normal(0, 3, size=(3, 20))
    y = gen.integers(0, 3, size=600)
    X = (centres[y] + gen.normal(0, 1, size=(600, 20))).astype(np.float32)
    return X, y
