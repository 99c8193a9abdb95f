"""SHA-256 checksums: the official MNIST table, file hashing, and the data set's fingerprint.

Files are identified by the SHA-256 of their *decompressed* IDX bytes, so a cache may hold them gzipped or
raw. Hashes are memoised per (path, inode, size, times) because a run may verify the same 50 MB several times.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from digitnet.data.files import STEMS, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS
from digitnet.data.idx import read_idx_bytes


class FileChecksums(NamedTuple):
    """Expected SHA-256 of one file: as served gzipped (``None`` when unknown) and decompressed."""

    gz: str | None
    raw: str


#: What a set of expected files looks like: file stem -> checksums. Tests inject small ones.
Manifest = Mapping[str, FileChecksums]

#: The official MNIST files (LeCun, Cortes, Burges), by stem.
MNIST_FILES: Manifest = MappingProxyType({
    TRAIN_IMAGES: FileChecksums("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    TRAIN_LABELS: FileChecksums("3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                                "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    TEST_IMAGES: FileChecksums("8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                               "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    TEST_LABELS: FileChecksums("f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                               "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
})

_memo: dict[tuple, str] = {}


def sha256_file(path: Path) -> str:
    """SHA-256 of the file's bytes as stored (used for downloads and wheels)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _key(path: Path) -> tuple:
    st = os.stat(path)
    return (str(Path(path).resolve()), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def raw_sha256(path: Path, data: bytes | None = None) -> str:
    """SHA-256 of the decompressed IDX bytes of ``path`` (pass ``data`` if already read, to skip re-reading)."""
    key = _key(path)
    if key not in _memo:
        if data is None:
            data = read_idx_bytes(path)
        _memo[key] = hashlib.sha256(data).hexdigest()
    return _memo[key]


def fingerprint(raw_shas: Mapping[str, str]) -> str:
    """One SHA-256 for a whole data set: over the four decompressed-file hashes, in :data:`STEMS` order."""
    return hashlib.sha256("".join(raw_shas[stem] for stem in STEMS).encode("ascii")).hexdigest()


#: The fingerprint of the official MNIST data set (what model files record). Written out, not worked
#: out from :data:`MNIST_FILES`: a change in how :func:`fingerprint` works must not move it silently, or
#: the packaged model would seem to have been trained on another data set. tests/test_data_checksums.py
#: checks it against ``fingerprint`` of the table above and of the real files.
MNIST_CHECKSUM = "c65580678af93f1ea48c2c0d01d543ec89307c6b8a0eb7ca542d7c18c5f4c681"
