"""digitnet: neural networks from scratch in NumPy that learn to read handwritten digits.

The library is small on purpose. Each concern has its own folder (docs/architecture.md shows how a
training run and a prediction pass through them, and what may import what):

- ``digitnet.nn``        layers, losses, optimisers, initialisers, schedules, the input contract, the network
- ``digitnet.train``     one training run (``run``), the training loop (``Trainer``), building from a recipe
- ``digitnet.augment``   new training images from old ones (shifts, affine warps, elastic distortions)
- ``digitnet.presets``   recipes (architecture + training settings, data only) and named presets
- ``digitnet.data``      reading, fetching and verifying MNIST-format data sets (IDX files)
- ``digitnet.io``        safe model files (``.npz`` + JSON, never pickle), atomic writes
- ``digitnet.metrics``   accuracy, confusion matrix, classification report
- ``digitnet.images``    pictures of digits prepared the way MNIST's were
- ``digitnet.plots``     learning curves, confusion heat maps, digit grids, weights
- ``digitnet.serve``     the drawing page and its HTTP server
- ``digitnet.tutorials`` the five tutorials and the CNN ladder, reproduced
- ``digitnet.estimator`` ``DigitClassifier``, a scikit-learn estimator
- ``digitnet.cli``       the ``digitnet`` command

The public names live in those subpackages, and are imported from there: ``digitnet.nn.Network``,
``digitnet.data.load_mnist``, ``digitnet.io.load_model`` and ``save_model``,
``digitnet.presets.get_preset`` and ``Recipe``, ``digitnet.train.run`` and ``Trainer``,
``digitnet.estimator.DigitClassifier``. The package itself holds only its version and
:class:`DigitnetError`, so ``import digitnet.nn`` loads the neural-network core and nothing else.

Quick start::

    from digitnet.data import load_mnist
    from digitnet.estimator import DigitClassifier

    ds = load_mnist()
    clf = DigitClassifier(hidden=(256,), epochs=5).fit(ds.train_images, ds.train_labels)
    clf.score(ds.test_images, ds.test_labels)
"""

from digitnet._version import __version__
from digitnet.errors import DigitnetError

__all__ = ["DigitnetError", "__version__"]
