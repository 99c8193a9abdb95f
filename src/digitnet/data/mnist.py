"""The loaded data set, and the validation split every trainer needs."""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from digitnet.data.checksums import MNIST_CHECKSUM, fingerprint, raw_sha256
from digitnet.data.errors import DataError, DataNote
from digitnet.data.files import STEMS, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS, require_files
from digitnet.data.idx import parse_idx, read_idx_bytes
from digitnet.data.sources import ENV_DATA, FetchOptions, find_data

NUM_CLASSES = 10


@dataclass(frozen=True, eq=False)
class Dataset:
    """A data set: training and test images (uint8 (N, H, W) for MNIST-format files) with their labels,
    its name, a SHA-256 fingerprint of its contents, and where it came from."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: Path | None  # the folder the files were read from (None for arrays)
    name: str  # "mnist" for the official files, else the folder's name
    checksum: str | None  # SHA-256 fingerprint of the contents (see checksums.fingerprint)
    origin: str = ""  # how it was found: "argument", "DIGITNET_DATA", "cache", "download" or "arrays"

    @classmethod
    def from_arrays(cls, X, y, X_test=None, y_test=None, name: str = "arrays") -> "Dataset":
        """Arrays a user already has (the estimator's ``fit``), fingerprinted by their bytes."""
        X, y = np.asarray(X), np.asarray(y)
        X_test = X[:0] if X_test is None else np.asarray(X_test)
        y_test = y[:0] if y_test is None else np.asarray(y_test)
        digest = hashlib.sha256()
        for array in (X, y, X_test, y_test):
            digest.update(str((array.dtype.str, array.shape)).encode())
            digest.update(np.ascontiguousarray(array).data if array.dtype.kind != "O"
                          else repr(array.tolist()).encode())
        return cls(X, y, X_test, y_test, None, name, digest.hexdigest(), "arrays")

    def head(self, n_train: int, n_test: int) -> "Dataset":
        """The first ``n_train`` training and ``n_test`` test examples (quick runs); no longer the same data."""
        return replace(self, train_images=self.train_images[:n_train], train_labels=self.train_labels[:n_train],
                       test_images=self.test_images[:n_test], test_labels=self.test_labels[:n_test],
                       name=f"{self.name} (first {n_train:,} + {n_test:,})", checksum=None)

    @property
    def official(self) -> bool:
        """True when these are exactly the official MNIST files."""
        return self.checksum == MNIST_CHECKSUM

    def __repr__(self) -> str:
        return (f"Dataset(name={self.name!r}, train={self.train_images.shape}, test={self.test_images.shape}, "
                f"source={str(self.source)!r})")


def _read(path: Path) -> tuple[np.ndarray, str]:
    """Read one file once, both to decode it and to hash it."""
    data = read_idx_bytes(path)
    return parse_idx(data, path), raw_sha256(path, data)


def _check_pair(images: np.ndarray, images_path: Path, labels: np.ndarray, labels_path: Path) -> None:
    """Images and labels of one split must match in number, and labels must be digits."""
    if images.ndim != 3:
        raise DataError(f"{images_path}: expected images of shape (N, rows, cols), got {images.shape}")
    if labels.ndim != 1:
        raise DataError(f"{labels_path}: expected labels of shape (N,), got {labels.shape}")
    if len(images) != len(labels):
        raise DataError(f"{images_path.parent}: {len(images)} images but {len(labels)} labels in "
                        f"{labels_path.name}; the files do not belong together")
    if labels.size and labels.max() >= NUM_CLASSES:
        raise DataError(f"{labels_path}: label {labels.max()} is outside 0..9; not an MNIST-format label file")


def read_dataset(directory: Path, origin: str = "") -> Dataset:
    """Load the four files of an MNIST-format folder, checking they fit together."""
    files = require_files(directory)
    arrays, shas = {}, {}
    for stem in STEMS:
        arrays[stem], shas[stem] = _read(files[stem])
    for images, labels in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        _check_pair(arrays[images], files[images], arrays[labels], files[labels])
    if arrays[TRAIN_IMAGES].shape[1:] != arrays[TEST_IMAGES].shape[1:]:
        raise DataError(f"{directory}: training images are {arrays[TRAIN_IMAGES].shape[1:]} but test images "
                        f"{arrays[TEST_IMAGES].shape[1:]}; the files do not belong together")
    checksum = fingerprint(shas)
    official = checksum == MNIST_CHECKSUM
    name = "mnist" if official else directory.resolve().name
    if not official and origin in ("argument", ENV_DATA):
        warnings.warn(f"{directory} is not the official MNIST (checksums differ); using it as the MNIST-format "
                      f"data set '{name}'", DataNote, stacklevel=2)
    return Dataset(arrays[TRAIN_IMAGES], arrays[TRAIN_LABELS], arrays[TEST_IMAGES], arrays[TEST_LABELS],
                 directory, name, checksum, origin)


def load_mnist(data_dir: str | Path | None = None, download: bool = True, progress: bool = True, *,
               options: FetchOptions | None = None) -> Dataset:
    """Find (and if needed fetch) the data set, then load it; see :func:`find_data` for the search order."""
    located = find_data(data_dir, download, progress, options)
    return read_dataset(located.path, located.origin)


def validation_split(images: np.ndarray, labels: np.ndarray, size: int = 10000,
                     seed: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split off ``size`` examples for validation -> (train_x, train_y, val_x, val_y).

    ``seed=None`` takes the last ``size`` examples, as Nielsen's book does (its 50,000/10,000 split of the
    MNIST training set); an integer seed picks them at random, reproducibly. Both parts keep file order.
    """
    n = len(images)
    if len(labels) != n:
        raise DataError(f"validation_split: {n} images but {len(labels)} labels")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 0 <= size < n:
        raise DataError(f"`val_size` must be a whole number from 0 to {n - 1} "
                        f"(there are {n} examples), got {size!r}", parameter="val_size")
    if seed is None:
        cut = n - int(size)
        return images[:cut], labels[:cut], images[cut:], labels[cut:]
    order = np.random.default_rng(seed).permutation(n)
    val = np.sort(order[:size])
    train = np.sort(order[size:])
    return images[train], labels[train], images[val], labels[val]
