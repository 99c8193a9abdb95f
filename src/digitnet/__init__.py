"""digitnet: neural networks from scratch in NumPy that learn to read handwritten digits.

The library is small on purpose. Each concern has its own folder:

- ``digitnet.data``     reading, fetching and verifying MNIST (IDX files)
- ``digitnet.nn``       layers, losses, optimisers, initialisers, schedules and the network
- ``digitnet.train``    the training loop (epochs, validation, early stopping)
- ``digitnet.metrics``  accuracy, confusion matrix, classification report
- ``digitnet.io``       safe model files (``.npz`` + JSON, never pickle)
- ``digitnet.cli``      the ``digitnet`` command
"""

__version__ = "0.1.0"

from digitnet.errors import DigitnetError  # noqa: E402

__all__ = ["DigitnetError", "__version__"]
