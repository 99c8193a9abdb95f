"""Shared fixtures. Tests that need real MNIST use ``mnist`` (found the way digitnet always finds it:
``DIGITNET_DATA``, the user cache, or a download); everything else runs on small synthetic data."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from data_helpers import arrays, write_dataset


@pytest.fixture(scope="session", autouse=True)
def negatives_cache(tmp_path_factory) -> Iterator[Path]:
    """Negatives drawn by training runs are cached for the test session, not in the user's cache."""
    from digitnet.train import reject_data

    folder = tmp_path_factory.mktemp("negatives-cache")
    patch = pytest.MonkeyPatch()
    patch.setattr(reject_data, "cache_folder", lambda: folder)
    yield folder
    patch.undo()


@pytest.fixture(scope="session", autouse=True)
def fashion_folder(tmp_path_factory) -> Iterator[Path]:
    """A stand-in for Fashion-MNIST (6,000 training pictures of filled boxes, as many as the default recipe
    takes, in its four files), found through $DIGITNET_FASHION for the whole session: training runs whose
    recipe takes Fashion-MNIST pictures as negatives read these, not whatever the machine has installed."""
    from digitnet.data.fashion import ENV_FASHION

    data = arrays(n_train=6000, n_test=50, seed=7)
    for stem in data:
        if "images" in stem:
            boxes = np.zeros_like(data[stem])
            for i, image in enumerate(data[stem]):
                top, left = image[0, 0] % 10, image[0, 1] % 10
                boxes[i, top:top + 14 + image[0, 2] % 5, left:left + 10 + image[0, 3] % 8] = 120 + image[1, 0] % 120
            data[stem] = boxes
    folder = write_dataset(tmp_path_factory.mktemp("fashion"), data)
    patch = pytest.MonkeyPatch()
    patch.setenv(ENV_FASHION, str(folder))
    yield folder
    patch.undo()


@pytest.fixture(scope="session")
def mnist():
    from digitnet.data import load_mnist

    return load_mnist(progress=False)


@pytest.fixture(scope="session")
def small_model(mnist, tmp_path_factory) -> Path:
    """A 784-128-10 network trained for 2 epochs on 30,000 shifted MNIST digits (~96%), saved once per run:
    the picture, predict and serve tests need a model that reads digits, and training it takes seconds."""
    from digitnet.augment import make_augmentation
    from digitnet.io import save_model
    from digitnet.nn import Network
    from digitnet.nn.optimizers import make_optimizer
    from digitnet.train import Trainer

    network = Network.from_sizes([784, 128, 10], seed=0)
    Trainer(network, make_optimizer("momentum", network.params, 0.05, momentum=0.9), epochs=2, batch_size=128,
            seed=0, progress=False, transform=make_augmentation("shift:2")).fit(mnist.train_images[:30000],
                                                        mnist.train_labels[:30000])
    path = tmp_path_factory.mktemp("model") / "small.npz"
    save_model(network, path, {"recipe": {"description": "test model"}, "metrics": {"test_accuracy": 0.97}})
    return path


@pytest.fixture(scope="session")
def rule_model(mnist, tmp_path_factory) -> Path:
    """The default recipe with its reject option, trained briefly (one epoch of 4,000 digits, 400 negatives,
    100 Fashion-MNIST pictures from the stand-in, 100 font digits and 100 pen digits; the rule fitted on 500
    validation digits) and saved once per run:
    the tests of every surface that says "not a digit" need a model file with a rule that a real training
    run fitted."""
    import warnings

    from digitnet.presets import get_preset
    from digitnet.train import run

    recipe = get_preset("default").with_overrides(epochs=1, val_size=500, negatives=400, fashion_negatives=100,
                                                font_digits=100, pen_digits=100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trained = run(recipe, mnist.head(4500, 2000), seed=0, if_nothing_learned="note")
    path = tmp_path_factory.mktemp("rule-model") / "rule.npz"
    trained.save(path)
    return path


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
