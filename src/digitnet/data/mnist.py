"""The loaded data set, and the two transformations every trainer needs: scaling and a validation split."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitnet.data.checksums import MNIST_CHECKSUM, fingerprint, raw_sha256
from digitnet.data.errors import DataError
from digitnet.data.files import STEMS, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS, require_files
from digitnet.data.idx import parse_idx, read_idx_bytes
from digitnet.data.sources import ENV_DATA, FetchOptions, find_data

NUM_CLASSES = 10
_noted: set[Path] = set()  # custom data sets already announced on stderr


@dataclass(frozen=True, eq=False)
class MNIST:
    """An MNIST-format data set: uint8 images (N, H, W) and uint8 labels 0..9, plus where it came from."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: Path  # the folder the files were read from
    name: str  # "mnist" for the official files, else the folder's name
    checksum: str  # SHA-256 fingerprint of the four decompressed files (see checksums.fingerprint)
    origin: str = ""  # how the folder was found: "argument", "DIGITNET_DATA", "cache" or "download"

    @property
    def official(self) -> bool:
        """True when these are exactly the official MNIST files."""
        return self.checksum == MNIST_CHECKSUM

    def __repr__(self) -> str:
        return (f"MNIST(name={self.name!r}, train={self.train_images.shape}, test={self.test_images.shape}, "
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


def read_dataset(directory: Path, origin: str = "") -> MNIST:
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
    if not official and origin in ("argument", ENV_DATA) and directory.resolve() not in _noted:
        _noted.add(directory.resolve())
        print(f"digitnet: note: {directory} is not the official MNIST (checksums differ); "
              f"using it as the MNIST-format data set '{name}'", file=sys.stderr)
    return MNIST(arrays[TRAIN_IMAGES], arrays[TRAIN_LABELS], arrays[TEST_IMAGES], arrays[TEST_LABELS],
                 directory, name, checksum, origin)


def load_mnist(data_dir: str | Path | None = None, download: bool = True, progress: bool = True, *,
               options: FetchOptions | None = None) -> MNIST:
    """Find (and if needed fetch) the data set, then load it; see :func:`locate_mnist` for the search order."""
    located = find_data(data_dir, download, progress, options)
    return read_dataset(located.path, located.origin)


def to_float(images: np.ndarray) -> np.ndarray:
    """uint8 images (N, H, W) or (N, H*W) -> float32 (N, H*W) in [0, 1], the input a network expects."""
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise DataError(f"to_float expects uint8 images, got {images.dtype}")
    if images.ndim < 2:
        raise DataError(f"to_float expects a batch of images (N, H, W) or (N, H*W), got shape {images.shape}")
    out = images.reshape(len(images), -1).astype(np.float32)
    np.divide(out, 255, out=out)
    return out


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
        raise DataError(f"validation size must be a whole number from 0 to {n - 1} "
                        f"(there are {n} examples), got {size!r}")
    if seed is None:
        cut = n - int(size)
        return images[:cut], labels[:cut], images[cut:], labels[cut:]
    order = np.random.default_rng(seed).permutation(n)
    val = np.sort(order[:size])
    train = np.sort(order[size:])
    return images[train], labels[train], images[val], labels[val]
