"""Loading a data set, checking its files fit together, scaling and splitting; plus one test on the real MNIST."""

import os

import numpy as np
import pytest

from data_helpers import arrays, write_dataset
from digitnet.data import MNIST_CHECKSUM, DataError, load_mnist, validation_split, write_idx
from digitnet.data.files import TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS, find_files
from digitnet.data.sources import CACHE_SUBDIR, cache_root

DATA = arrays(n_train=12, n_test=4)


def test_load_shapes_dtypes_and_fingerprint(tmp_path):
    ds = load_mnist(write_dataset(tmp_path / "tiny", DATA), download=False, progress=False)
    assert ds.train_images.shape == (12, 28, 28) and ds.train_labels.shape == (12,)
    assert ds.test_images.shape == (4, 28, 28) and ds.test_labels.shape == (4,)
    for a in (ds.train_images, ds.train_labels, ds.test_images, ds.test_labels):
        assert a.dtype == np.uint8 and a.flags.c_contiguous
    assert len(ds.checksum) == 64 and ds.checksum != MNIST_CHECKSUM
    # the fingerprint depends on content only, not on compression
    raw = load_mnist(write_dataset(tmp_path / "raw", DATA, gz=False), download=False)
    assert raw.checksum == ds.checksum and raw.name == "raw"


@pytest.mark.parametrize("damage, message", [
    (lambda d: write_idx(d / (TEST_LABELS + ".gz"), np.zeros(3, np.uint8)), "4 images but 3 labels"),
    (lambda d: write_idx(d / (TRAIN_LABELS + ".gz"), np.full(12, 10, np.uint8)), "label 10 is outside 0..9"),
    (lambda d: write_idx(d / (TRAIN_IMAGES + ".gz"), np.zeros((12, 784), np.uint8)), "expected images of shape"),
    (lambda d: write_idx(d / (TEST_IMAGES + ".gz"), np.zeros((4, 20, 20), np.uint8)), "do not belong together"),
    (lambda d: (d / (TRAIN_IMAGES + ".gz")).write_bytes(b"\x1f\x8b broken"), "damaged gzip"),
])
def test_files_that_do_not_fit_together(tmp_path, damage, message):
    folder = write_dataset(tmp_path / "bad", DATA)
    damage(folder)
    with pytest.raises(DataError, match=message):
        load_mnist(folder, download=False)


def test_validation_split_last_rows_by_default():
    x, y = DATA[TRAIN_IMAGES], DATA[TRAIN_LABELS]
    tx, ty, vx, vy = validation_split(x, y, size=5)
    assert np.array_equal(tx, x[:7]) and np.array_equal(vy, y[7:]) and len(vx) == 5
    tx, ty, vx, vy = validation_split(x, y, size=0)
    assert len(tx) == 12 and vx.shape == (0, 28, 28) and vy.shape == (0,)


def test_validation_split_seeded():
    x, y = DATA[TRAIN_IMAGES], np.arange(12, dtype=np.uint8)
    tx, ty, vx, vy = validation_split(x, y, size=4, seed=3)
    again = validation_split(x, y, size=4, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip((tx, ty, vx, vy), again))
    assert sorted(ty.tolist() + vy.tolist()) == list(range(12)) and len(vy) == 4
    assert np.array_equal(tx, x[ty]) and np.array_equal(vx, x[vy])  # images stay with their labels
    assert not np.array_equal(vy, np.arange(8, 12))  # not simply the last rows


@pytest.mark.parametrize("size", [12, 13, -1, 2.5, True])
def test_validation_split_bad_size(size):
    with pytest.raises(DataError, match="val_size"):
        validation_split(DATA[TRAIN_IMAGES], DATA[TRAIN_LABELS], size=size)


def test_real_mnist():
    """The real thing, when it is already here (DIGITNET_DATA or the cache); never downloads."""
    if not os.environ.get("DIGITNET_DATA") and len(find_files(cache_root() / CACHE_SUBDIR)) < 4:
        pytest.skip("real MNIST not available: set DIGITNET_DATA or run 'digitnet data' once")
    ds = load_mnist(download=False, progress=False)
    assert ds.train_images.shape == (60000, 28, 28) and ds.test_images.shape == (10000, 28, 28)
    assert ds.train_images.dtype == np.uint8 and ds.train_labels.dtype == np.uint8
    assert ds.name == "mnist" and ds.official and ds.checksum == MNIST_CHECKSUM
    assert ds.train_labels[0] == 5 and ds.test_labels[0] == 7
    assert np.bincount(ds.train_labels).tolist()[:2] == [5923, 6742]
    assert np.bincount(ds.test_labels, minlength=10).sum() == 10000
