"""Write files so that a crash or Ctrl-C never leaves a half-written one behind.

The data goes to a temporary file in the same folder, is flushed to disk, and only then renamed over
the target: a rename within one file system is atomic, so readers see the old file or the new one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

from digitnet.errors import DigitnetError


@contextlib.contextmanager
def atomic_write(path: "str | os.PathLike", mode: str = "wb") -> Iterator[IO]:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise DigitnetError(f"cannot write {path}: {err.strerror}; choose another location") from None
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
