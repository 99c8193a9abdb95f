"""The data set's fingerprint: worked out over the four files in their fixed order, and pinned.

Model files record the fingerprint of the data they were trained on, and digitnet compares it with the
data at hand. If the way it is worked out changed (another order of the files, another hash), the
official MNIST would get another fingerprint and every existing model file, the packaged one first,
would seem to come from another data set. So the value is pinned here, written out, three ways: the
official table, the real files, and a tiny data set whose fingerprint was worked out by hand.
"""

from __future__ import annotations

import gzip
import hashlib
import struct

import pytest

from digitnet.data import MNIST_CHECKSUM, MNIST_FILES, fingerprint
from digitnet.data.mnist import read_dataset

#: the official MNIST's fingerprint, as every model file trained on it records it
OFFICIAL = "c65580678af93f1ea48c2c0d01d543ec89307c6b8a0eb7ca542d7c18c5f4c681"


def idx(shape: tuple[int, ...], values: list[int]) -> bytes:
    """IDX bytes written out by hand: 0 0 0x08 ndim, big-endian sizes, the bytes."""
    return bytes([0, 0, 8, len(shape)]) + struct.pack(f">{len(shape)}i", *shape) + bytes(values)


TINY = {
    "train-images-idx3-ubyte": idx((2, 2, 2), [0, 1, 2, 3, 252, 253, 254, 255]),
    "train-labels-idx1-ubyte": idx((2,), [3, 7]),
    "t10k-images-idx3-ubyte": idx((1, 2, 2), [9, 8, 7, 6]),
    "t10k-labels-idx1-ubyte": idx((1,), [5]),
}
#: worked out with sha256sum: the SHA-256 of the four files' SHA-256 hex digests, joined in the order
#: train images, train labels, test images, test labels
TINY_FINGERPRINT = "fdea0162abb91041033a8c0f28cb3428f2817ba0cb86636979120b4140b62ccd"


def test_the_official_fingerprint_is_pinned():
    assert MNIST_CHECKSUM == OFFICIAL
    assert fingerprint({stem: sums.raw for stem, sums in MNIST_FILES.items()}) == OFFICIAL


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gzip"])
def test_a_tiny_data_set_has_the_fingerprint_worked_out_by_hand(tmp_path, gz):
    for stem, data in TINY.items():
        (tmp_path / (stem + ".gz" if gz else stem)).write_bytes(gzip.compress(data, mtime=0) if gz else data)
    shas = [hashlib.sha256(TINY[stem]).hexdigest() for stem in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                                                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")]
    assert hashlib.sha256("".join(shas).encode("ascii")).hexdigest() == TINY_FINGERPRINT  # the recipe, spelt out
    ds = read_dataset(tmp_path)
    assert ds.checksum == TINY_FINGERPRINT and not ds.official
    assert ds.train_labels.tolist() == [3, 7] and ds.test_images.tolist() == [[[9, 8], [7, 6]]]


@pytest.mark.slow
def test_the_real_files_have_the_pinned_fingerprint(mnist):
    assert mnist.checksum == OFFICIAL and mnist.official and mnist.name == "mnist"


def test_the_packaged_model_records_the_pinned_fingerprint():
    """Read from the file itself (its JSON member), the way any version of digitnet finds it."""
    import json

    import numpy as np

    from digitnet.models import packaged_model_path

    with np.load(packaged_model_path(), allow_pickle=False) as archive:
        description = json.loads(archive["digitnet.json"].tobytes())
    assert description["dataset"]["checksum"] == OFFICIAL
