"""digitnet: neural networks from scratch in NumPy that learn to read handwritten digits.

The library is small on purpose. Each concern has its own folder (docs/architecture.md shows how a
training run and a prediction pass through them, and what may import what):

- ``digitnet.nn``        layers, losses, optimisers, initialisers, schedules, the input contract, the network
- ``digitnet.train``     one training run (``run``), the training loop (epochs, validation, early stopping)
- ``digitnet.augment``   new training images from old ones (shifts, affine warps, elastic distortions)
- ``digitnet.presets``   recipes (architecture + training settings, each declared once) and named presets
- ``digitnet.data``      reading, fetching and verifying MNIST-format data sets (IDX files)
- ``digitnet.io``        safe model files (``.npz`` + JSON, never pickle), atomic writes
- ``digitnet.metrics``   accuracy, confusion matrix, classification report
- ``digitnet.images``    pictures of digits prepared the way MNIST's were
- ``digitnet.plots``     learning curves, confusion heat maps, digit grids, weights
- ``digitnet.serve``     the drawing page and its HTTP server
- ``digitnet.tutorials`` the five tutorials and the CNN ladder, reproduced
- ``digitnet.cli``       the ``digitnet`` command

Quick start::

    from digitnet import DigitClassifier, load_mnist
    ds = load_mnist()
    clf = DigitClassifier(hidden=(256,), epochs=5).fit(ds.train_images, ds.train_labels)
    clf.score(ds.test_images, ds.test_labels)

The names below are imported when first used, so ``import digitnet.nn`` loads the neural-network core
and nothing else.
"""

from __future__ import annotations

import importlib

from digitnet._version import __version__
from digitnet.errors import DigitnetError

#: public name -> the module that defines it
_EXPORTS = {
    "DigitClassifier": "digitnet.estimator",
    "Network": "digitnet.nn.network",
    "PRESETS": "digitnet.presets",
    "Recipe": "digitnet.presets.recipe",
    "Trainer": "digitnet.train.trainer",
    "load_mnist": "digitnet.data.mnist",
    "load_model": "digitnet.io.model_file",
    "save_model": "digitnet.io.model_file",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(_EXPORTS[name])
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'digitnet' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_EXPORTS))


__all__ = ["DigitClassifier", "DigitnetError", "Network", "PRESETS", "Recipe", "Trainer", "__version__",
           "load_mnist", "load_model", "save_model"]
