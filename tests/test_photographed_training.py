"""benchmarks/photographed_training.py (docs/reject.md, eleventh round): its photograph is a picture the
preparation reads like a digit's, seeded, and ``--all`` photographs the share it says of every picture."""

from __future__ import annotations

import numpy as np
import pytest

from benchmark_scripts import load_script


@pytest.fixture
def harness(monkeypatch):
    return load_script(monkeypatch, "photographed_training.py")  # (the pool's workers import it by name)


def bar() -> np.ndarray:
    mask = np.zeros((60, 40), np.float32)
    mask[5:55, 16:24] = 1.0  # a thick upright stroke: a 1
    return mask


def test_a_photograph_is_prepared_like_a_digit_and_repeats_from_its_seed(harness):
    first = harness.photograph(bar(), np.random.default_rng(3))
    assert first.shape == (28, 28) and first.dtype == np.uint8
    assert np.array_equal(first, harness.photograph(bar(), np.random.default_rng(3)))
    rows, cols = np.nonzero(first > 64)  # MNIST's form: the ink fits a 20x20 box, taller than wide
    assert rows.max() - rows.min() >= 15 and cols.max() - cols.min() < rows.max() - rows.min()
    with pytest.raises(ValueError):
        harness.photograph(np.zeros((10, 10)), np.random.default_rng(0))


def test_photograph_share_changes_about_that_share_and_leaves_the_rest(harness):
    rng = np.random.default_rng(0)
    images = np.zeros((200, 28, 28), np.uint8)
    images[:, 6:22, 12:16] = rng.integers(150, 256, (200, 16, 4))  # 200 ones, each its own grey
    out = harness.photograph_share(images, 0.25, seed=1, salt=2)
    changed = np.any(out != images, axis=(1, 2))
    assert 25 <= changed.sum() <= 75 and out.dtype == np.uint8
    assert np.array_equal(out, harness.photograph_share(images, 0.25, seed=1, salt=2))


def test_all_photographs_the_training_digits_and_drawn_pictures_not_the_validation_images(harness, monkeypatch):
    from types import SimpleNamespace

    from digitnet.data.mnist import Dataset
    from digitnet.train import runner
    from digitnet.train.reject_data import RejectSet

    seen = {}
    monkeypatch.setattr(runner, "split", lambda network, recipe, data, seed, validation: seen.setdefault("data", data))
    drawn = RejectSet(np.repeat(bar_image()[None], 6, axis=0), -np.ones(6, np.int64), 0.0, None, True)
    monkeypatch.setattr(runner, "reject_set", lambda *args, **kwargs: drawn)
    harness.photograph_all(1.0, seed=0)  # every picture it may touch
    images = np.repeat(bar_image()[None], 10, axis=0)
    data = Dataset.from_arrays(images, np.ones(10, np.int64))
    runner.split(None, SimpleNamespace(val_size=4), data, 0, "last")
    photographed = np.any(seen["data"].train_images != images, axis=(1, 2))
    assert photographed[:6].all() and not photographed[6:].any()  # the last four validate, untouched
    assert np.any(runner.reject_set().images != drawn.images, axis=(1, 2)).all()
    assert np.array_equal(data.train_images, images)  # the caller's data set is not changed in place


def test_a_harness_run_says_so_in_its_file(harness, monkeypatch):
    from digitnet.train import runner

    monkeypatch.setattr(runner, "describe", lambda *args, **kwargs: {"seed": 0})
    harness.mark_harness("photographed_training.py train --all 0.3")
    assert runner.describe() == {"seed": 0, "harness": "photographed_training.py train --all 0.3"}


def test_the_photographs_take_the_runs_own_seed(harness):
    assert harness.run_seed(["--seed", "3", "--epochs", "1"]) == 3
    assert harness.run_seed(["--seed=4"]) == 4 and harness.run_seed(["--epochs", "1"]) == 0


def bar_image() -> np.ndarray:
    image = np.zeros((28, 28), np.uint8)
    image[4:24, 12:16] = 255
    return image
