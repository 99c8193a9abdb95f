"""Fashion-MNIST: pictures of clothes in MNIST's form, which the reject option trains on as "not a digit".

Zalando's Fashion-MNIST has MNIST's shape and files (four IDX files: 60,000 training and 10,000 test
images, 28x28), so digitnet reads it as it reads MNIST. It is what a program hands a digit reader that
no one drew: filled shapes with texture, trousers that look like a 0 or an 11, sandals of thin straps.
The generated negatives (:mod:`digitnet.negatives`) are letters, scribbles and shapes; these are the
public ones (docs/reject.md). Only the *training* images are trained on; the test images measure the
reject option (``benchmarks/reject.py``).

Where it is found, in order: a folder given as an argument, ``$DIGITNET_FASHION``, then the folder
Debian's ``dataset-fashion-mnist`` installs (``scripts/apt-install.sh dataset-fashion-mnist``; ``make
train`` runs it). There is no download: a recipe that wants these pictures says where to get them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from digitnet.data.checksums import MNIST_CHECKSUM
from digitnet.data.errors import DataError
from digitnet.data.files import STEMS, find_files
from digitnet.data.mnist import Dataset, read_dataset

ENV_FASHION = "DIGITNET_FASHION"
DEBIAN_FOLDER = Path("/usr/share/datasets/fashion-mnist")
#: Fashion-MNIST's training images: how many a recipe may ask for
TRAINING_IMAGES = 60000


def _complete(folder: Path) -> bool:
    return folder.is_dir() and len(find_files(folder)) == len(STEMS)


def find_fashion(folder: str | Path | None = None) -> Path:
    """The folder holding Fashion-MNIST's four files: ``folder``, else ``$DIGITNET_FASHION``, else Debian's."""
    given = [(Path(folder), "the folder given")] if folder is not None else []
    if os.environ.get(ENV_FASHION):
        given.append((Path(os.environ[ENV_FASHION]), f"${ENV_FASHION}"))
    for path, what in given:
        if not _complete(path):
            raise DataError(f"{what}, {path}, does not hold Fashion-MNIST's four IDX files "
                            "(train-images-idx3-ubyte and the others, gzipped or not)")
        return path
    if _complete(DEBIAN_FOLDER):
        return DEBIAN_FOLDER
    raise DataError(f"this recipe trains on pictures from Fashion-MNIST as negatives, and none was found in "
                    f"{DEBIAN_FOLDER}; install it (scripts/apt-install.sh dataset-fashion-mnist, or apt-get install "
                    f"dataset-fashion-mnist), set ${ENV_FASHION} to a folder with its four files, or train "
                    "without them (--fashion-negatives 0; fashion_negatives=0 in Python)")


def load_fashion(folder: str | Path | None = None) -> Dataset:
    """Fashion-MNIST as a :class:`~digitnet.data.Dataset` (found by :func:`find_fashion`): 28x28 images,
    and not MNIST itself (a folder of digits would teach that digits are not digits)."""
    found = find_fashion(folder)
    data = read_dataset(found)
    if data.train_images.shape[1:] != (28, 28):
        raise DataError(f"{found} holds images of {data.train_images.shape[1:]}, not Fashion-MNIST's 28x28")
    if data.checksum == MNIST_CHECKSUM:
        raise DataError(f"{found} holds MNIST's digits, not Fashion-MNIST's pictures of clothes; point "
                        f"${ENV_FASHION} at Fashion-MNIST's files")
    return data


def fashion_images(count: int, seed: int, data: Dataset | None = None) -> np.ndarray:
    """``count`` of Fashion-MNIST's training images (uint8 (count, 28, 28)), chosen by ``seed``, from
    ``data`` (default: :func:`load_fashion`). A count that no Fashion-MNIST holds is refused before
    anything is read."""
    check_count(count)
    data = data if data is not None else load_fashion()
    check_count(count, data)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2000,)))  # a stream nothing else uses
    return data.train_images[np.sort(rng.permutation(len(data.train_images))[:int(count)])]


def check_count(count: int, data: Dataset | None = None) -> None:
    """A one-line error when ``count`` pictures are more than Fashion-MNIST (or ``data``) has."""
    if not 0 <= int(count) <= TRAINING_IMAGES:
        raise DataError(f"Fashion-MNIST has {TRAINING_IMAGES:,} training images; asked for {count:,}",
                        parameter="fashion_negatives")
    if data is not None and int(count) > len(data.train_images):
        raise DataError(f"{data.source} holds {len(data.train_images):,} training images; asked for {count:,}",
                        parameter="fashion_negatives")
