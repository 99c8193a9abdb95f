"""Shared fixtures. Tests that need real MNIST use ``mnist`` (found the way digitnet always finds it:
``DIGITNET_DATA``, the user cache, or a download); everything else runs on small synthetic data."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="session")
def mnist():
    from digitnet.data import load_mnist

    return load_mnist(progress=False)


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
