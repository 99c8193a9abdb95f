"""Write files so that a crash, a failed download or Ctrl-C never leaves a half-written one behind.

The data goes to a temporary file in the same folder and is renamed over the target only once it is
complete: a rename within one file system is atomic, so readers see the old file or the new one.

The temporary file is hidden (``.NAME.PID.RANDOM.part``) and removed if writing fails. A process killed
outright (``kill -9``, a power cut) cannot remove it, so the next write of the same target removes the
leftovers of processes that no longer run. :func:`check_writable` tries the folder before a long job
whose result will be written there, so a bad ``--out`` is found before the work, not after it.

A write that fails for want of room or permission (a full disk, a quota, a file system turned
read-only) raises :class:`WriteFailed`, one line saying why, and the old file stays as it was. What
took an hour to train should not die with it: :func:`save_or_rescue` then saves it in the temporary
folder instead and says where.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import IO, Callable, Iterator

from digitnet.errors import DigitnetError

#: a temporary file older than this is a leftover even if its process number is in use again
STALE_SECONDS = 24 * 3600
#: what writing raises when the place, not the data, is the problem: no room, a quota, a file too large
#: for the file system, a file system that turned read-only (an OSError with another number is a bug or
#: the caller's own business, and is passed on as it is)
DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


class WriteFailed(DigitnetError):
    """A file could not be written where asked. Whatever was there before is left as it was."""

    def __init__(self, message: str, path: "str | os.PathLike", reason: str):
        super().__init__(message)
        self.path, self.reason = Path(path), reason


def _write_failed(path: Path, err: OSError, existed: bool) -> WriteFailed:
    reason = err.strerror or type(err).__name__
    kept = f" ({path} is left as it was)" if existed else ""
    advice = "free some space or choose another location" if err.errno in (errno.ENOSPC, errno.EDQUOT) \
        else "choose another location"
    return WriteFailed(f"cannot write {path}: {reason}{kept}; {advice}", path, reason)


def check_writable(path: "str | os.PathLike", what: str = "") -> Path:
    """Raise :class:`DigitnetError` now if ``path`` could not be written later (it is a folder, or
    nothing can be created where it would go); creates its folders as writing would."""
    path = Path(path)
    label = f"{what} {path}" if what else str(path)
    if path.is_dir():
        raise DigitnetError(f"cannot write {label}: it is a folder; give a file name, like {path / 'model.npz'}")
    _make_folder(path, label)
    probe = _temporary_name(path)
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as err:
        raise DigitnetError(f"cannot write {label}: {err.strerror}; choose another location") from None
    _remove(probe)
    return path


@contextlib.contextmanager
def atomic_path(path: "str | os.PathLike") -> Iterator[Path]:
    """Yield a fresh temporary path beside ``path``; it replaces ``path`` only if the block succeeds."""
    path = Path(path)
    _make_folder(path, str(path))
    remove_stale_parts(path)
    existed = os.path.lexists(path)
    tmp = _temporary_name(path)
    try:
        try:
            yield tmp
        except OSError as err:
            if err.errno not in DISK_ERRORS:
                raise
            raise _write_failed(path, err, existed) from None
        try:
            os.replace(tmp, path)
        except IsADirectoryError:
            raise WriteFailed(f"cannot write {path}: it is a folder; give a file name", path,
                              "it is a folder") from None
        except OSError as err:
            raise _write_failed(path, err, existed) from None
    finally:
        _remove(tmp)  # a failure to clean up must not hide the error that brought us here


@contextlib.contextmanager
def atomic_write(path: "str | os.PathLike", mode: str = "wb") -> Iterator[IO]:
    """Like ``open(path, mode)``, but the file appears under its name only when complete and flushed."""
    with atomic_path(path) as tmp:
        try:
            f = open(tmp, mode)
        except OSError as err:
            raise _write_failed(Path(path), err, os.path.lexists(path)) from None
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())


def save_or_rescue(save: Callable[[Path], object], path: "str | os.PathLike", what: str = "the trained model") -> Path:
    """``save(path)``; if that fails (:class:`WriteFailed`: a full disk...), ``save`` into a new folder of
    the temporary folder instead and raise :class:`WriteFailed` saying where ``what`` was kept, or that it
    could not be kept anywhere. Returns ``path`` when the first save worked."""
    path = Path(path)
    try:
        save(path)
        return path
    except WriteFailed as err:
        failed = err
    elsewhere = Path(tempfile.gettempdir())
    try:
        folder = Path(tempfile.mkdtemp(prefix="digitnet-kept-"))
    except OSError as err:
        raise WriteFailed(f"{failed}; {what} could not be kept in {elsewhere} either ({err.strerror}) and is lost",
                          path, failed.reason) from None
    try:
        save(folder / path.name)
    except WriteFailed as err:
        shutil.rmtree(folder, ignore_errors=True)
        raise WriteFailed(f"{failed}; {what} could not be kept in {elsewhere} either ({err.reason}) and is lost",
                          path, failed.reason) from None
    raise WriteFailed(f"{failed}; {what} is kept in {folder / path.name} instead", path, failed.reason)


def remove_stale_parts(path: "str | os.PathLike") -> list[Path]:
    """Remove the temporary files that writes of ``path`` left behind in processes that no longer run
    (or more than a day ago); return them. Another process's write in progress is left alone."""
    path = Path(path)
    prefix = f".{path.name}."
    removed: list[Path] = []
    try:
        candidates = [p for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".part")]
    except OSError:
        return removed
    for part in candidates:
        pid_text = part.name[len(prefix):-len(".part")].split(".")[0]
        try:
            old = time.time() - part.stat().st_mtime > STALE_SECONDS
        except OSError:
            continue
        if old or (pid_text.isdigit() and not _running(int(pid_text))):
            if _remove(part):
                removed.append(part)
    return removed


def _temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")


def _make_folder(path: Path, label: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise WriteFailed(f"cannot write {label}: {path.parent} is a file, not a folder", path,
                          "a file is in the way") from None
    except OSError as err:
        raise WriteFailed(f"cannot write {label}: {err.strerror}; choose another location", path,
                          err.strerror or type(err).__name__) from None


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process (or an odd number): assume it is still writing
    return True


def _remove(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except OSError:
        return False
