"""digitnet: neural networks from scratch in NumPy that learn to read handwritten digits.

The library is small on purpose. Each concern has its own folder:

- ``digitnet.data``     reading, fetching and verifying MNIST (IDX files)
- ``digitnet.nn``       layers, losses, optimisers, initialisers, schedules and the network
- ``digitnet.train``    the training loop (epochs, validation, early stopping)
- ``digitnet.augment``  new training images from old ones (shifts, ...)
- ``digitnet.presets``  named recipes: architecture + training settings
- ``digitnet.metrics``  accuracy, confusion matrix, classification report
- ``digitnet.io``       safe model files (``.npz`` + JSON, never pickle)
- ``digitnet.cli``      the ``digitnet`` command

Quick start::

    from digitnet import DigitClassifier, load_mnist
    ds = load_mnist()
    clf = DigitClassifier(hidden=(256,), epochs=5).fit(ds.train_images, ds.train_labels)
    clf.score(ds.test_images, ds.test_labels)   # 0.976 with the default seed
"""

__version__ = "0.1.0"

from digitnet.errors import DigitnetError  # noqa: E402
from digitnet.data import load_mnist  # noqa: E402
from digitnet.estimator import DigitClassifier  # noqa: E402
from digitnet.io import load_model, save_model  # noqa: E402
from digitnet.nn import Network  # noqa: E402
from digitnet.presets import PRESETS, Recipe  # noqa: E402
from digitnet.train import Trainer  # noqa: E402

__all__ = ["DigitClassifier", "DigitnetError", "Network", "PRESETS", "Recipe", "Trainer", "__version__",
           "load_mnist", "load_model", "save_model"]
