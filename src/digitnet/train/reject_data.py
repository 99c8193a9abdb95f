"""The extra training pictures of the reject option: negatives and font digits, drawn once and cached,
and pictures from Fashion-MNIST.

A recipe with ``negatives`` (or ``font_digits``, ``pen_digits``) trains on pictures that
:mod:`digitnet.negatives` draws from the run's seed: letters, symbols, scribbles, blobs and textures
labelled :data:`~digitnet.reject.NOT_A_DIGIT` (-1), and digits drawn from the same fonts or written by
the same pen, labelled as digits. Drawing the default's 12,000 of them takes tens of seconds of CPU, so
they are kept in the user cache beside MNIST
(``$XDG_CACHE_HOME/digitnet/negatives``, else ``~/.cache/digitnet/negatives``) and read back by the
next run of the same counts and seed.

The images are a pure function of the counts, the seed and the code that draws them. So a cached file
is named by a fingerprint of that code (the source of :mod:`digitnet.negatives` and of the
:mod:`digitnet.images` and :mod:`digitnet.augment` steps it uses) and of the versions of NumPy,
Pillow and matplotlib (which rasterise the strokes and ship the fonts): any change draws them again, and
the stale file is removed.
A cached file is read like a stranger's (no pickle, shapes and types checked); one that does not read
is drawn again. A run never depends on the cache: without a writable cache it draws every time.

A recipe's ``fashion_negatives`` are read from Fashion-MNIST's training images each run
(:mod:`digitnet.data.fashion`: a fraction of a second), chosen by the seed, and come after the drawn ones.
"""

from __future__ import annotations

import hashlib
import time
import zipfile
import zlib
from dataclasses import dataclass
from importlib import metadata as package_metadata
from pathlib import Path

import numpy as np

from digitnet.data.fashion import fashion_images
from digitnet.data.mnist import Dataset
from digitnet.data.sources import cache_root
from digitnet.errors import DigitnetError
from digitnet.io.atomic import atomic_write
from digitnet.reject import NOT_A_DIGIT

CACHE_SUBDIR = "negatives"
#: the packages whose code or files shape the drawn images
PACKAGES = ("numpy", "pillow", "matplotlib")


@dataclass
class RejectSet:
    """Pictures to add to the training images: (N, 28, 28) uint8 in MNIST's form, and their labels (the
    digits of the font and pen digits first, then -1 for each negative, drawn, then from Fashion-MNIST)."""

    images: np.ndarray
    labels: np.ndarray
    seconds: float  # drawing (or reading) them
    cached: Path | None  # the cache file they were read from or written to (None: not cached)
    drawn: bool  # True when drawn in this run, False when read from the cache


def cache_folder() -> Path:
    """Where drawn negatives are kept: ``<user cache>/digitnet/negatives``."""
    return cache_root() / CACHE_SUBDIR


def code_fingerprint() -> str:
    """A short digest of everything the drawn pictures depend on besides counts and seed."""
    import digitnet.augment
    import digitnet.images
    import digitnet.negatives

    h = hashlib.sha256()
    for package in (digitnet.negatives, digitnet.images, digitnet.augment):  # textures warp with augment's
        for path in sorted(Path(package.__file__).parent.glob("*.py")):
            h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in PACKAGES:
        try:
            version = package_metadata.version(name)
        except package_metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{name}={version}\0".encode())
    return h.hexdigest()[:16]


def draw(negatives: int, font_digits: int, seed: int, pen_digits: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The pictures themselves: ``font_digits`` then ``pen_digits`` digits (labelled), then ``negatives``
    negatives (-1)."""
    from digitnet.negatives import make_font_digits, make_negatives, make_pen_digits

    images, labels = [np.zeros((0, 28, 28), np.uint8)], [np.zeros(0, np.int64)]
    for count, make in ((font_digits, make_font_digits), (pen_digits, make_pen_digits)):
        if count:
            digits, digit_labels = make(count, seed=seed)
            images.append(np.asarray(digits, np.uint8))
            labels.append(np.asarray(digit_labels, np.int64))
    if negatives:
        drawn = make_negatives(negatives, seed=seed)
        images.append(np.asarray(drawn.images, np.uint8))
        labels.append(np.full(len(drawn.images), NOT_A_DIGIT, np.int64))
    return np.concatenate(images), np.concatenate(labels)


def reject_set(negatives: int, font_digits: int, seed: int, cache: bool = True, pen_digits: int = 0,
               fashion: int = 0, fashion_data: Dataset | None = None) -> RejectSet:
    """The negatives, font digits and pen digits for a run from ``seed``: from the cache when they are
    there, else drawn (and cached, when ``cache`` and the cache folder can be written); then ``fashion``
    pictures from Fashion-MNIST's training set (``fashion_data``, else found by :mod:`digitnet.data.fashion`)."""
    started = time.perf_counter()
    name = f"n{negatives}-f{font_digits}-p{pen_digits}-s{seed}-{code_fingerprint()}.npz"
    path = cache_folder() / name if cache and negatives + font_digits + pen_digits else None
    found = _read(path, negatives + font_digits + pen_digits) if path is not None else None
    images, labels = found if found is not None else draw(negatives, font_digits, seed, pen_digits)
    if found is None and path is not None and not _write(path, images, labels):
        path = None
    if fashion:
        images = np.concatenate([images, fashion_images(fashion, seed, fashion_data)])
        labels = np.concatenate([labels, np.full(fashion, NOT_A_DIGIT, np.int64)])
    return RejectSet(images, labels, time.perf_counter() - started, path, found is None)


def _read(path: Path, expected: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The cached images and labels if the file holds exactly what it should; None otherwise."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            images, labels = archive["images"], archive["labels"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error):  # damaged: draw again
        return None
    if images.dtype != np.uint8 or images.shape != (expected, 28, 28) or labels.dtype != np.int64 \
            or labels.shape != (expected,) or (labels.size and (labels.min() < NOT_A_DIGIT or labels.max() > 9)):
        return None
    return images, labels


def _write(path: Path, images: np.ndarray, labels: np.ndarray) -> bool:
    """Keep them in the cache (atomically), removing files of the same counts and seed that older code
    drew; False when the cache cannot be written (the run goes on without it)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path) as f:
            np.savez_compressed(f, images=images, labels=labels)
        stem = path.name.rsplit("-", 1)[0]
        for old in path.parent.glob(f"{stem}-*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, DigitnetError):
        return False
    return True
