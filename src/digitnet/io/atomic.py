"""Write files so that a crash, a failed download or Ctrl-C never leaves a half-written one behind.

The data goes to a temporary file in the same folder and is renamed over the target only once it is
complete: a rename within one file system is atomic, so readers see the old file or the new one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import IO, Iterator

from digitnet.errors import DigitnetError


@contextlib.contextmanager
def atomic_path(path: "str | os.PathLike") -> Iterator[Path]:
    """Yield a fresh temporary path beside ``path``; it replaces ``path`` only if the block succeeds."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DigitnetError(f"cannot write {path}: {err.strerror}; choose another location") from None
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_write(path: "str | os.PathLike", mode: str = "wb") -> Iterator[IO]:
    """Like ``open(path, mode)``, but the file appears under its name only when complete and flushed."""
    with atomic_path(path) as tmp:
        try:
            f = open(tmp, mode)
        except OSError as err:
            raise DigitnetError(f"cannot write {path}: {err.strerror}; choose another location") from None
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
