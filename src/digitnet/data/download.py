"""Fetching the gzipped IDX files from HTTPS mirrors of MNIST, verified by SHA-256.

Mirrors are tried in order; the first failure on a mirror (HTTP error, unreachable host, timeout,
wrong checksum) moves on to the next mirror for the files still missing, so an offline machine spends at
most one failed connection per mirror.
"""

from __future__ import annotations

import hashlib
import http.client
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from digitnet._version import __version__
from digitnet.data.checksums import Manifest, raw_sha256
from digitnet.data.errors import DataError
from digitnet.io.atomic import atomic_path

#: Public HTTPS mirrors of the original MNIST files, tried in this order.
DEFAULT_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
_CHUNK = 1 << 16
_MAX_BYTES = 256 << 20  # far above any MNIST-format file; stops a broken server streaming forever


def download_file(url: str, target: Path, *, timeout: float, progress: bool) -> str:
    """Download ``url`` to ``target`` atomically and return the SHA-256 of what was received."""
    request = urllib.request.Request(url, headers={"User-Agent": f"digitnet/{__version__}"})
    digest = hashlib.sha256()
    with urllib.request.urlopen(request, timeout=timeout) as response, atomic_path(target) as tmp:
        total = int(response.headers.get("Content-Length") or 0) or None
        bar = tqdm(total=total, unit="B", unit_scale=True, desc=target.name, file=sys.stderr,
                   disable=None if progress else True, leave=False)
        with bar, open(tmp, "wb") as out:
            received = 0
            while chunk := response.read(_CHUNK):
                received += len(chunk)
                if received > _MAX_BYTES:
                    raise DataError(f"response larger than {_MAX_BYTES >> 20} MB")
                digest.update(chunk)
                out.write(chunk)
                bar.update(len(chunk))
    return digest.hexdigest()


def _reason(err: BaseException | str) -> str:
    """A short, human reason for a failed download."""
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code} {err.reason}"
    if isinstance(err, urllib.error.URLError):
        err = err.reason  # the underlying exception, or a string
    if isinstance(err, TimeoutError):
        return "timed out"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__


def fetch_verified(url: str, target: Path, stem: str, manifest: Manifest, *, timeout: float, progress: bool) -> None:
    """Download one gzipped file and keep it only if its checksum is the expected one."""
    got = download_file(url, target, timeout=timeout, progress=progress)
    expected = manifest[stem]
    if expected.gz is not None:
        ok = got == expected.gz
    else:  # no checksum for the .gz known: judge the decompressed bytes instead
        ok = raw_sha256(target) == expected.raw
    if not ok:
        target.unlink(missing_ok=True)
        raise DataError(f"checksum mismatch for {stem}.gz")


def fetch_from_mirrors(stems: Sequence[str], dest: Path, mirrors: Sequence[str], manifest: Manifest, *,
                       timeout: float, progress: bool) -> tuple[list[str], list[str]]:
    """Fetch ``stems`` into ``dest``; return (stems still missing, one "mirror: reason" line per failure)."""
    missing = list(stems)
    failures = []
    for base in mirrors:
        if not missing:
            break
        for stem in list(missing):
            url = base.rstrip("/") + "/" + stem + ".gz"
            try:
                fetch_verified(url, dest / (stem + ".gz"), stem, manifest, timeout=timeout, progress=progress)
            except (OSError, ValueError, http.client.HTTPException, DataError) as err:
                failures.append(f"mirror {base}: {_reason(err)}")
                break
            missing.remove(stem)
    return missing, failures
