"""IDX reading and writing: round trips and every kind of damage we promise to report clearly."""

import gzip
import struct

import numpy as np
import pytest

from digitnet.data import DataError, read_idx, write_idx
from digitnet.data.idx import encode_idx


def header(code: int, *shape: int) -> bytes:
    return bytes([0, 0, code, len(shape)]) + struct.pack(f">{len(shape)}i", *shape)


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
@pytest.mark.parametrize("shape", [(5, 28, 28), (7,), (0, 28, 28), (2, 3, 4, 5)])
def test_round_trip(tmp_path, name, shape):
    array = np.random.default_rng(1).integers(0, 256, shape, dtype=np.uint8)
    path = tmp_path / name
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == np.uint8 and back.shape == shape and np.array_equal(back, array)
    assert back.flags.writeable and back.flags.c_contiguous
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary files left behind


def test_magic_numbers_are_the_mnist_ones(tmp_path):
    write_idx(tmp_path / "i", np.zeros((2, 28, 28), np.uint8))
    write_idx(tmp_path / "l", np.zeros(2, np.uint8))
    assert struct.unpack(">i", (tmp_path / "i").read_bytes()[:4])[0] == 2051
    assert struct.unpack(">i", (tmp_path / "l").read_bytes()[:4])[0] == 2049


def test_gz_file_written_is_gzip_and_gzip_content_is_detected_without_suffix(tmp_path):
    array = np.arange(10, dtype=np.uint8)
    write_idx(tmp_path / "labels.gz", array)
    assert gzip.decompress((tmp_path / "labels.gz").read_bytes()) == encode_idx(array)
    (tmp_path / "labels").write_bytes((tmp_path / "labels.gz").read_bytes())
    assert np.array_equal(read_idx(tmp_path / "labels"), array)


def test_write_replaces_atomically(tmp_path):
    path = tmp_path / "x-idx1-ubyte"
    write_idx(path, np.ones(3, np.uint8))
    write_idx(path, np.zeros(4, np.uint8))
    assert read_idx(path).tolist() == [0, 0, 0, 0]
    assert len(list(tmp_path.iterdir())) == 1


def test_write_rejects_non_uint8(tmp_path):
    with pytest.raises(DataError, match="uint8"):
        write_idx(tmp_path / "f", np.zeros(3, np.float32))
    assert not list(tmp_path.iterdir())


GOOD = header(8, 2, 2, 2) + bytes(8)
DAMAGED = {
    "wrong magic": (b"\x12\x34" + GOOD[2:], "bad magic"),
    "empty file": (b"", "truncated IDX header"),
    "truncated header": (GOOD[:9], "truncated IDX header"),
    "truncated data": (GOOD[:-3], "truncated data"),
    "extra bytes": (GOOD + b"\0\0", "extra bytes after the data"),
    "wrong sizes": (header(8, 3, 2, 2) + bytes(8), "truncated data"),
    "zero dimensions": (bytes([0, 0, 8, 0]), "0 dimensions"),
    "negative size": (header(8, -1, 2, 2), "negative size"),
    "float32 type code": (header(0x0D, 2) + bytes(8), r"type code 0x0D \(float32\) is not supported"),
    "unknown type code": (header(0x42, 2) + bytes(2), "type code 0x42"),
}


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_damaged_input_names_file_and_problem(tmp_path, case, gz):
    data, message = DAMAGED[case]
    path = tmp_path / ("bad-idx3-ubyte" + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(data) if gz else data)
    with pytest.raises(DataError, match=message) as err:
        read_idx(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("content", [b"this is not gzip at all", gzip.compress(GOOD)[:-10], b"\x1f\x8b\x08garbage"])
def test_bad_gzip(tmp_path, content):
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(content)
    with pytest.raises(DataError, match="damaged gzip") as err:
        read_idx(path)
    assert str(path) in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_idx(tmp_path / "nope")


def test_a_gzip_file_inflating_far_beyond_its_header_is_refused_after_reading_what_the_header_claims(tmp_path):
    """A valid header for 4 bytes, then 256 MiB of zeros in a 1 MB gzip file: only what the header
    announces (and one byte more) is inflated, so memory and time stay those of a 4-byte file."""
    import tracemalloc
    import zlib

    path = tmp_path / "bomb-idx1-ubyte.gz"
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: a gzip wrapper
    chunk = bytes(2**20)
    with open(path, "wb") as f:
        f.write(packer.compress(header(8, 4) + bytes(4)))
        for _ in range(256):
            f.write(packer.compress(chunk))
        f.write(packer.flush())
    assert path.stat().st_size < 2e6
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match="extra bytes after the data for shape"):
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20, f"peak {peak / 2**20:.0f} MB"


def test_a_header_claiming_more_than_any_data_set_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(header(8, 60000, 2000, 2000) + bytes(100)))
    with pytest.raises(DataError, match="claims 240,000,000,000 bytes of data"):
        read_idx(path)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_devices_are_not_idx_files(device):
    with pytest.raises(DataError, match="not a regular file"):
        read_idx(device)


def test_reading_keeps_one_copy_of_the_data(tmp_path):
    path = tmp_path / "images-idx3-ubyte"
    write_idx(path, np.zeros((1000, 28, 28), np.uint8))
    from digitnet.data.idx import parse_idx, read_idx_bytes

    data = read_idx_bytes(path)
    array = parse_idx(data, path)
    assert array.flags.writeable and np.shares_memory(array, np.frombuffer(data, np.uint8))
    assert parse_idx(bytes(data), path).flags.writeable  # immutable bytes are copied


class ShortReads:
    """A file whose ``readinto`` hands out at most ``chunk`` bytes a call, as a buffered file may when its
    raw stream is a pipe or a network file system: a regular local file fills the whole buffer in one
    call and would hide a reading loop that stops early. ``read(n)`` (the header) returns n bytes."""

    def __init__(self, f, chunk: int = 5):
        self.f, self.chunk = f, chunk

    def readinto(self, buffer) -> int:
        return self.f.readinto(memoryview(buffer)[:self.chunk])

    def read(self, n: int = -1) -> bytes:
        return self.f.read(n)

    def seek(self, *args):
        return self.f.seek(*args)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()


@pytest.mark.parametrize("chunk", [1, 2, 5])
def test_a_file_that_comes_in_short_reads_is_read_to_its_last_byte(tmp_path, monkeypatch, chunk):
    import builtins
    import io

    from digitnet.data import idx

    array = np.arange(1, 28, dtype=np.uint8).reshape(3, 3, 3)  # the last byte is 27, not 0
    path = tmp_path / "small-idx3-ubyte"
    write_idx(path, array)
    monkeypatch.setattr(idx, "open", lambda *a, **k: ShortReads(builtins.open(*a, **k), chunk), raising=False)
    assert np.array_equal(read_idx(path), array)
    # a stream of unknown length (what a gzip file is read through) comes in short reads too
    data = encode_idx(array)
    assert idx._read_announced(ShortReads(io.BytesIO(data), chunk), path) == data
    with pytest.raises(DataError, match="truncated data"):
        idx._read_announced(ShortReads(io.BytesIO(data[:-1]), chunk), path)
