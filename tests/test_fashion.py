"""Fashion-MNIST as negatives: where it is found, which pictures a seed picks, and how a run adds them."""

from __future__ import annotations

import numpy as np
import pytest

from data_helpers import arrays, write_dataset
from digitnet.data import fashion, read_dataset
from digitnet.errors import DigitnetError
from digitnet.reject import NOT_A_DIGIT
from digitnet.train import reject_data


def test_it_is_found_through_the_argument_then_the_variable_then_debian(fashion_folder, tmp_path, monkeypatch):
    other = write_dataset(tmp_path / "other", arrays(n_train=20, n_test=5))
    assert fashion.find_fashion(other) == other
    assert fashion.find_fashion() == fashion_folder  # $DIGITNET_FASHION (set for the session)
    monkeypatch.delenv(fashion.ENV_FASHION)
    monkeypatch.setattr(fashion, "DEBIAN_FOLDER", other)
    assert fashion.find_fashion() == other


def test_without_it_the_error_says_where_to_get_it(tmp_path, monkeypatch):
    monkeypatch.delenv(fashion.ENV_FASHION)
    monkeypatch.setattr(fashion, "DEBIAN_FOLDER", tmp_path / "absent")
    with pytest.raises(DigitnetError) as err:
        fashion.find_fashion()
    message = str(err.value)
    assert "apt-install.sh dataset-fashion-mnist" in message and "--fashion-negatives 0" in message
    assert "DIGITNET_FASHION" in message and "\n" not in message
    monkeypatch.setenv(fashion.ENV_FASHION, str(tmp_path))  # named, but empty: said so, not skipped over
    with pytest.raises(DigitnetError, match=r"\$DIGITNET_FASHION, .* does not hold Fashion-MNIST's four IDX files"):
        fashion.find_fashion()


def test_a_seed_picks_training_images_the_same_way_every_time(fashion_folder):
    train = read_dataset(fashion_folder).train_images
    picked = fashion.fashion_images(50, seed=3)
    assert picked.shape == (50, 28, 28) and picked.dtype == np.uint8
    assert np.array_equal(picked, fashion.fashion_images(50, seed=3))
    assert not np.array_equal(picked, fashion.fashion_images(50, seed=4))
    rows = {image.tobytes() for image in train}
    assert all(image.tobytes() in rows for image in picked)
    assert len(fashion.fashion_images(0, seed=3)) == 0


@pytest.mark.parametrize("count, message", [(6001, "holds 6,000 training images; asked for 6,001"),
                                            (60001, "has 60,000 training images")])
def test_asking_for_too_many_is_a_clear_error(count, message):
    with pytest.raises(DigitnetError, match=message):
        fashion.fashion_images(count, seed=0)


def test_a_count_no_fashion_mnist_holds_is_refused_before_anything_is_read(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("Fashion-MNIST was read for a count it cannot hold")

    monkeypatch.setattr(fashion, "load_fashion", never)
    with pytest.raises(DigitnetError, match="has 60,000 training images; asked for 60,001"):
        fashion.fashion_images(60001, seed=0)


def test_a_run_adds_them_after_the_drawn_pictures_as_negatives_and_never_caches_them(negatives_cache):
    alone = reject_data.reject_set(0, 0, seed=0, fashion=30)
    assert alone.cached is None and len(alone.images) == 30
    assert np.all(alone.labels == NOT_A_DIGIT)
    assert np.array_equal(alone.images, fashion.fashion_images(30, seed=0))
    both = reject_data.reject_set(20, 10, seed=0, fashion=30)
    again = reject_data.reject_set(20, 10, seed=0, fashion=30)
    assert both.drawn and not again.drawn and np.array_equal(both.images, again.images)
    assert np.array_equal(both.images[-30:], alone.images) and list(both.labels[:10]) == list(range(10))
    with np.load(both.cached) as archive:
        assert len(archive["images"]) == 30  # the drawn ones only


def test_a_folder_of_mnist_is_not_taken_for_fashion_mnist(mnist, monkeypatch):
    monkeypatch.setenv(fashion.ENV_FASHION, str(mnist.source))
    with pytest.raises(DigitnetError, match="holds MNIST's digits, not Fashion-MNIST's pictures"):
        fashion.load_fashion()


def test_the_data_set_trained_on_is_not_its_own_negatives(fashion_folder):
    from digitnet.presets import get_preset
    from digitnet.train import run

    data = read_dataset(fashion_folder)
    recipe = get_preset("default").with_overrides(epochs=1, val_size=100, negatives=0, fashion_negatives=10,
                                                font_digits=0, pen_digits=0)
    with pytest.raises(DigitnetError, match="are the data set being trained on"):
        run(recipe, data, seed=0)


def test_a_run_records_which_pictures_were_its_negatives(fashion_folder, mnist):
    import warnings

    from digitnet.presets import get_preset
    from digitnet.train import run

    recipe = get_preset("mlp").with_overrides(epochs=1, val_size=100, fashion_negatives=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trained = run(recipe, mnist.head(600, 100), seed=0, if_nothing_learned="note")
    assert trained.metadata["dataset"]["fashion_checksum"] == read_dataset(fashion_folder).checksum
    assert len(trained.history.epochs) == 1


def test_a_recipe_that_wants_them_fails_before_training_when_they_are_missing(mnist, tmp_path, monkeypatch):
    from digitnet.presets import get_preset
    from digitnet.train import run

    monkeypatch.delenv(fashion.ENV_FASHION)
    monkeypatch.setattr(fashion, "DEBIAN_FOLDER", tmp_path / "absent")
    recipe = get_preset("default").with_overrides(epochs=1, val_size=100, negatives=0, fashion_negatives=10,
                                                font_digits=0, pen_digits=0)
    with pytest.raises(DigitnetError, match="--fashion-negatives 0"):
        run(recipe, mnist.head(300, 100), seed=0)


def test_they_are_negatives_of_the_training_loss_of_a_28x28_pixel_recipe():
    from digitnet.presets import get_preset
    from digitnet.reject import OutlierExposure
    from digitnet.train.build import build_network, build_trainer, build_training_loss

    recipe = get_preset("default").with_overrides(negatives=0, fashion_negatives=10, negative_weight=0.5,
                                                  negatives_as="uniform")
    assert isinstance(build_training_loss(recipe), OutlierExposure) and recipe.all_negatives == 10
    trainer = build_trainer(recipe, build_network(recipe, seed=0), seed=0, progress=False)
    assert isinstance(trainer.loss, OutlierExposure) and trainer.loss.weight == 0.5
    assert "10 Fashion-MNIST negatives (weight 0.5, energy margins 0.1)" in recipe.description
    with pytest.raises(DigitnetError, match="`fashion_negatives` are 28x28 pictures"):
        get_preset("mlp").with_overrides(layers=(2, 8, 10), fashion_negatives=10)


@pytest.mark.parametrize("drawn, cached, counts, expected", [
    (True, "c.npz", {}, "drew 6,000 negatives and 3,000 font digits and 3,000 pen digits, and read 6,000 "
                        "Fashion-MNIST negatives in 2.0 s; kept in c.npz for the next run"),
    (False, "c.npz", {"fashion_negatives": 0}, "read 6,000 negatives and 3,000 font digits and 3,000 pen digits "
                                               "from the cache in 2.0 s (c.npz)"),
    (True, None, {"font_digits": 0, "pen_digits": 0, "fashion_negatives": 0},
     "drew 6,000 negatives in 2.0 s; the cache cannot be written"),
    (False, None, {"negatives": 0, "font_digits": 0, "pen_digits": 0}, "read 6,000 Fashion-MNIST negatives in 2.0 s"),
])
def test_the_log_says_what_was_drawn_read_or_cached(drawn, cached, counts, expected):
    from pathlib import Path

    from digitnet.presets import get_preset
    from digitnet.train.runner import drawn_text

    recipe = get_preset("default").with_overrides(**counts)
    found = reject_data.RejectSet(np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.int64), 2.0,
                                  Path(cached) if cached else None, drawn)
    assert drawn_text(found, recipe) == expected
