"""Reading and writing IDX files, the format MNIST is distributed in.

An IDX file is ``0x00 0x00 <type code> <ndims>``, then ``ndims`` big-endian int32 sizes, then the data.
Only unsigned bytes (type code 0x08) are supported: that is all MNIST-format data sets use. Every
damage we can detect is reported as a :class:`DataError` naming the file, because a half-downloaded or
renamed file is the most common way training goes wrong before it starts.
"""

from __future__ import annotations

import gzip
import math
import stat
import struct
import zlib
from pathlib import Path

import numpy as np

from digitnet.data.errors import DataError
from digitnet.io.atomic import atomic_path

UBYTE = 0x08
_TYPE_NAMES = {0x08: "uint8", 0x09: "int8", 0x0B: "int16", 0x0C: "int32", 0x0D: "float32", 0x0E: "float64"}
_GZIP_MAGIC = b"\x1f\x8b"


#: the most data an IDX file may claim: EMNIST's largest split (814,255 images of 28x28) is 640 MB
MAX_IDX_BYTES = 2**31


def read_idx_bytes(path: str | Path) -> bytearray:
    """The file's IDX bytes, decompressed if it is gzip (by name or by content).

    Never more than the header says belongs there is read: the header first, then exactly the data
    it announces (and one byte more, to notice extra data), so a small gzip file that inflates to
    gigabytes behind a valid header costs no more than the data set it claims to be. Only regular
    files are read (a device such as /dev/zero never ends).
    """
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DataError(f"{path}: not a regular file (a folder, a device or a pipe); give an IDX file")
        with open(path, "rb") as f:
            head = f.read(2)
            f.seek(0)
            if path.suffix != ".gz" and head != _GZIP_MAGIC:
                return _read_announced(f, path, info.st_size)
            with gzip.GzipFile(fileobj=f) as gz:
                return _read_announced(gz, path)
    except FileNotFoundError:
        raise DataError(f"{path}: file not found; check the path or the data folder") from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        reason = str(err) or "truncated"
        raise DataError(f"{path}: damaged gzip data ({reason}); delete the file and fetch it again") from None
    except OSError as err:
        raise DataError(f"{path}: cannot read it ({err.strerror or err})") from None


def _read_announced(f, name: Path, size: int | None = None) -> bytearray:
    """The header, then exactly the data it announces, from the open file ``f`` (``size`` bytes long;
    None for a gzip stream, whose length is unknown until it is read)."""
    head = f.read(4)
    _header(head, name, dims_only=True)
    head += f.read(4 * head[3])
    shape, header = _header(head, name)
    expected = math.prod(shape)
    if expected > MAX_IDX_BYTES:
        raise DataError(f"{name}: the IDX header claims {expected:,} bytes of data for shape {shape}, more than "
                        f"any MNIST-format data set holds (at most {MAX_IDX_BYTES:,}); the file is damaged")
    data = bytearray(header + expected)
    data[:header] = head
    view, filled = memoryview(data), header
    while filled < len(data):
        got = f.readinto(view[filled:])
        if not got:
            break
        filled += got
    view.release()
    if size is not None and size >= filled:
        _check_length(name, size - header, expected, shape)
    else:
        _check_length(name, filled - header, expected, shape, more=bool(f.read(1)))
    return data


def _header(data: bytes, name: "str | Path", dims_only: bool = False) -> tuple[tuple[int, ...], int]:
    """Check an IDX header; return (shape, header length). ``dims_only``: only its first four bytes."""
    if len(data) < 4:
        raise DataError(f"{name}: truncated IDX header ({len(data)} bytes); fetch the file again")
    zero, code, ndim = data[:2], data[2], data[3]
    if zero != b"\0\0":
        raise DataError(f"{name}: not an IDX file (bad magic number 0x{bytes(data[:4]).hex()}); "
                        "expected an MNIST-format file such as train-images-idx3-ubyte[.gz]")
    if code != UBYTE:
        kind = _TYPE_NAMES.get(code, "unknown")
        raise DataError(f"{name}: IDX type code 0x{code:02X} ({kind}) is not supported; "
                        "only unsigned-byte (0x08) files are")
    if ndim == 0:
        raise DataError(f"{name}: IDX header declares 0 dimensions; the file is damaged")
    header = 4 + 4 * ndim
    if dims_only:
        return (), header
    if len(data) < header:
        raise DataError(f"{name}: truncated IDX header (needs {header} bytes, has {len(data)}); fetch the file again")
    shape = struct.unpack(f">{ndim}i", bytes(data[4:header]))
    if any(size < 0 for size in shape):
        raise DataError(f"{name}: IDX header has a negative size {shape}; the file is damaged")
    return shape, header


def _check_length(name: "str | Path", actual: int, expected: int, shape: tuple[int, ...], more: bool = False) -> None:
    if actual < expected:
        raise DataError(f"{name}: truncated data ({actual} of {expected} bytes for shape {shape}); "
                        "fetch the file again")
    if actual > expected or more:
        extra = f"{actual - expected} extra bytes" if actual > expected else "extra bytes"
        raise DataError(f"{name}: {extra} after the data for shape {shape}; the file is damaged")


def parse_idx(data: "bytes | bytearray", name: str | Path = "<bytes>") -> np.ndarray:
    """Decode IDX bytes into a writable uint8 array, checking the header against the data length.

    A ``bytearray`` (what :func:`read_idx_bytes` returns) is used in place, without a copy.
    """
    shape, header = _header(data, name)
    expected = math.prod(shape)
    _check_length(name, len(data) - header, expected, shape)
    array = np.frombuffer(data, dtype=np.uint8, count=expected, offset=header).reshape(shape)
    return array if array.flags.writeable else array.copy()  # writable and independent of immutable bytes


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (raw or .gz) into a uint8 array."""
    return parse_idx(read_idx_bytes(path), path)


def encode_idx(array: np.ndarray) -> bytes:
    """The IDX bytes of a uint8 array."""
    array = np.asarray(array)
    if array.dtype != np.uint8:
        raise DataError(f"write_idx supports uint8 arrays only, got {array.dtype}; convert with .astype(np.uint8)")
    if not 1 <= array.ndim <= 255:
        raise DataError(f"write_idx needs an array with 1 to 255 dimensions, got {array.ndim}")
    header = bytes([0, 0, UBYTE, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape)
    return header + np.ascontiguousarray(array).tobytes()


def write_idx(path: str | Path, array: np.ndarray) -> None:
    """Write ``array`` as IDX, gzip-compressed when ``path`` ends with .gz; atomic, so never half-written."""
    path = Path(path)
    data = encode_idx(array)
    with atomic_path(path) as tmp:
        if path.suffix == ".gz":
            with open(tmp, "wb") as raw, gzip.GzipFile(filename=path.stem, mode="wb", fileobj=raw, mtime=0) as gz:
                gz.write(data)
        else:
            tmp.write_bytes(data)
