"""DigitClassifier: its parameters, fit/predict/score, arbitrary labels, pixels and features, partial_fit.

The estimator needs scikit-learn (the ``sklearn`` extra, installed by ``make test``); what happens
without it is in test_estimator_without_sklearn.py, and scikit-learn's own checks, tags and tools are
in test_estimator_sklearn.py.
"""

from __future__ import annotations

import inspect
import math
import pickle
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

from digitnet.errors import DigitnetError  # noqa: E402
from digitnet.estimator import AUTO_MIN_STEPS, DigitClassifier, InvalidInput, NotFittedError, auto_epochs  # noqa: E402


def test_the_constructor_lists_every_parameter_with_its_default():
    """scikit-learn's way: an explicit ``__init__`` that stores each parameter under its own name."""
    signature = inspect.signature(DigitClassifier.__init__)
    defaults = {name: p.default for name, p in signature.parameters.items() if name != "self"}
    assert defaults == DigitClassifier().get_params()
    assert defaults["model"] == "mlp" and defaults["epochs"] == "auto" and defaults["seed"] == 0
    assert defaults["validation_fraction"] == 0.0 and defaults["hidden"] is None and defaults["lr"] is None


def test_every_recipe_setting_is_a_parameter_that_reaches_the_recipe():
    """A setting added to the recipes is one the estimator takes too (under its own name, except the
    layers and the held-out share, which it says as ``hidden`` and ``validation_fraction``)."""
    from digitnet.estimator import recipe_parameters
    from digitnet.presets import SETTINGS

    assert set(recipe_parameters()) == set(SETTINGS) - {"layers", "val_size"}
    recipe = DigitClassifier(model="default", negatives=7, fashion_negatives=8, lr=0.01).recipe(784, 10)
    assert (recipe.negatives, recipe.fashion_negatives, recipe.lr) == (7, 8, 0.01)


def test_params_round_trip_and_repr():
    clf = DigitClassifier(hidden=(32,), epochs=3)
    assert clf.get_params()["hidden"] == (32,)
    assert clf.set_params(lr=0.2) is clf and clf.lr == 0.2
    shown = repr(clf)
    assert shown.startswith("DigitClassifier(") and all(p in shown for p in ("hidden=(32,)", "lr=0.2", "epochs=3"))
    assert "seed" not in shown  # only what differs from the defaults
    with pytest.raises(ValueError, match="learning_rate"):
        clf.set_params(learning_rate=1)


def test_fit_predict_with_string_labels(blobs):
    X, y = blobs
    names = np.array(["cat", "dog", "emu"])[y]
    clf = DigitClassifier(hidden=(16,), epochs=5, batch_size=32, validation_fraction=0.1,
                          inputs="features").fit(X[:500], names[:500])
    assert list(clf.classes_) == ["cat", "dog", "emu"]
    assert clf.predict(X[500:]).dtype == names.dtype
    assert clf.score(X[500:], names[500:]) > 0.95
    assert clf.predict_proba(X[:3]).shape == (3, 3)
    assert clf.history_.best_epoch is not None
    assert clf.n_iter_ == 5 and len(clf.loss_curve_) == 5 and clf.n_features_in_ == 20
    assert len(clf.validation_scores_) == 5 and clf.best_validation_score_ > 0.9


def test_unfitted_and_one_class_errors(blobs):
    X, _ = blobs
    with pytest.raises(NotFittedError, match="not fitted") as caught:
        DigitClassifier().predict(X)
    assert isinstance(caught.value, DigitnetError) and isinstance(caught.value, ValueError)
    with pytest.raises(InvalidInput, match="only one class"):
        DigitClassifier(inputs="features").fit(X, np.zeros(len(X)))


@pytest.mark.parametrize("X, y, message", [
    (np.ones(10), np.arange(10) % 2, "2-D|2D array"),
    (np.ones((10, 3)), np.arange(9) % 2, "samples"),
    (np.zeros((0, 3)), np.zeros(0), "0 sample|no data"),
    (np.linspace(0, 1, 30).reshape(10, 3), np.linspace(0, 1, 10), "continuous"),
    (np.where(np.eye(10, 3) > 0, np.nan, 0.5), np.arange(10) % 2, "NaN"),
    (np.full((10, 3), np.inf), np.arange(10) % 2, "infinit"),
    (np.ones((10, 3)), np.r_[np.arange(9) % 2, np.nan], "NaN"),
    (np.ones((10, 3)) * 1j, np.arange(10) % 2, "[Cc]omplex"),
])
def test_bad_training_data_is_refused_as_bad_input(X, y, message):
    """Each mistake in the data gets a ValueError naming it (NaN is bad data, not a learning rate)."""
    for inputs in ("pixels", "features"):
        with pytest.raises(ValueError, match=message):
            DigitClassifier(inputs=inputs, epochs=1).fit(X, y)


def test_pixels_refuse_negative_values_and_features_take_them(blobs):
    X, y = blobs
    with pytest.raises(InvalidInput, match="Negative values in data.*features"):
        DigitClassifier(epochs=1).fit(X, y)
    assert DigitClassifier(epochs=1, inputs="features").fit(X, y).n_iter_ == 1


def test_predictions_do_not_depend_on_the_rest_of_the_batch(blobs):
    """Floats all at most 1 are read the way the training floats were (``pixel_range_``), so one faint
    row alone gets the same probabilities as in a batch with brighter rows."""
    X, y = blobs
    X = X - X.min()  # pixels of 0 to about 25: a "0-255" model
    clf = DigitClassifier(hidden=16, epochs=3, batch_size=32).fit(X, y)
    assert clf.pixel_range_ == "0-255"
    faint = np.full((1, X.shape[1]), 0.5)
    batch = np.vstack([faint, X[:10]])
    assert np.allclose(clf.predict_proba(faint), clf.predict_proba(batch)[:1], atol=1e-6)
    with pytest.raises(InvalidInput, match="up to 300"):
        clf.predict(np.full((1, X.shape[1]), 300.0))


def test_a_model_fitted_on_bytes_reads_floats_0_1_the_same(tiny_data):
    from digitnet.data.mnist import read_dataset

    ds = read_dataset(tiny_data)
    clf = DigitClassifier(hidden=32, epochs=2, batch_size=32).fit(ds.train_images, ds.train_labels)
    assert clf.pixel_range_ == "0-1" and clf.n_features_in_ == 784  # (N, 28, 28) images as rows
    assert np.array_equal(clf.predict(ds.test_images), clf.predict(ds.test_images / 255.0))
    assert clf.score(ds.test_images, ds.test_labels) > 0.9


def test_a_cnn_preset_trains_through_the_estimator(tiny_data):
    from digitnet.data.mnist import read_dataset

    ds = read_dataset(tiny_data)
    clf = DigitClassifier(model="lenet5", epochs=2, batch_size=16).fit(ds.train_images[:200], ds.train_labels[:200])
    assert clf.recipe_.name == "lenet5" and clf.network_.input_shape == (1, 28, 28)
    assert clf.predict_proba(ds.test_images[:5]).shape == (5, 10)
    with pytest.raises(InvalidInput, match="784 values"):
        DigitClassifier(model="lenet5", epochs=1).fit(np.ones((20, 10)), np.arange(20) % 2)


def test_partial_fit_learns_epoch_by_epoch_and_survives_pickling(blobs):
    X, y = blobs
    clf = DigitClassifier(inputs="features", hidden=16, batch_size=32, lr=0.01)
    with pytest.raises(InvalidInput, match="classes"):
        clf.partial_fit(X, y)
    for _ in range(3):
        clf.partial_fit(X[:500], y[:500], classes=[0, 1, 2])
    assert clf.n_iter_ == 3 and clf.loss_curve_[2] < clf.loss_curve_[0]
    assert clf.score(X[500:], y[500:]) > 0.95
    copy = pickle.loads(pickle.dumps(clf))
    copy.partial_fit(X[:500], y[:500])
    assert copy.n_iter_ == 4 and clf.n_iter_ == 3
    with pytest.raises(InvalidInput, match="not in `classes`"):
        clf.partial_fit(X[:5], np.full(5, 7))
    with pytest.raises(ValueError, match="features"):
        clf.partial_fit(X[:5, :3], y[:5])
    clf.fit(X[:500], y[:500])  # fit starts again; partial_fit after it continues from there
    epochs = clf.n_iter_
    assert clf.partial_fit(X[:500], y[:500]).n_iter_ == epochs + 1


def test_auto_epochs_train_a_small_data_set_for_enough_steps_and_mnist_for_the_presets_epochs(blobs):
    """``epochs="auto"``: at least AUTO_MIN_STEPS gradient steps, never fewer epochs than the preset's."""
    from digitnet.presets import get_preset

    mlp = get_preset(DigitClassifier().model)
    assert auto_epochs(mlp.epochs, 60_000, mlp.batch_size) == mlp.epochs == 10  # MNIST: 469 steps an epoch
    assert auto_epochs(10, 300, 128) == math.ceil(AUTO_MIN_STEPS / 3)
    assert auto_epochs(10, 20, 128) == AUTO_MIN_STEPS  # one full-batch step per epoch
    X, y = blobs
    clf = DigitClassifier(inputs="features", hidden=8, validation_fraction=0.5).fit(X[:200], y[:200])
    assert clf.n_iter_ == AUTO_MIN_STEPS == clf.recipe_.epochs  # 100 samples to train on: one step an epoch
    assert DigitClassifier(inputs="features", hidden=8, epochs=3).fit(X[:200], y[:200]).n_iter_ == 3
    with pytest.raises(InvalidInput, match="`epochs`"):
        DigitClassifier(inputs="features", epochs="many").fit(X[:20], y[:20])


def test_a_one_output_estimator_orders_its_probabilities_as_its_classes(blobs):
    """Binary cross-entropy with two classes: one sigmoid output, P(classes_[1]); predict_proba's
    columns follow ``classes_``, so its argmax is what predict answers."""
    X, y = blobs
    keep = y < 2
    X, labels = X[keep], np.array(["no", "yes"])[y[keep]]
    clf = DigitClassifier(inputs="features", loss="binary_cross_entropy", hidden=8, epochs=3).fit(X, labels)
    assert clf.network_.n_outputs == 1 and list(clf.classes_) == ["no", "yes"]
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1)
    assert np.array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))
    np.testing.assert_allclose(proba[:, 1], clf.network_.predict_proba(X)[:, 0])
    assert clf.score(X, labels) > 0.95


def test_pixels_are_scaled_once_by_the_networks_own_rule(tiny_data):
    """The estimator hands pixels to the network as they came (the network's rule scales them); it
    divides only a batch of small floats for a model trained on 0-255 floats."""
    from digitnet.data.mnist import read_dataset

    ds = read_dataset(tiny_data)
    images, labels = ds.train_images[:100], ds.train_labels[:100]
    clf = DigitClassifier(hidden=16, epochs=2).fit(images, labels)
    network = clf.network_
    for X in (images, images.astype(np.int64), images.astype(np.float64), images / 255.0):
        assert np.array_equal(clf.predict_proba(X), network.predict_proba(X.reshape(len(X), -1)))
    bright = DigitClassifier(hidden=16, epochs=2).fit(images.astype(np.float32), labels)
    assert bright.pixel_range_ == "0-255"
    faint = np.full((1, 784), 0.5)
    assert np.array_equal(bright.predict_proba(faint), bright.network_.predict_proba(faint / 255))


def test_a_fitted_estimator_pickles(blobs):
    X, y = blobs
    clf = DigitClassifier(inputs="features", hidden=8, epochs=2).fit(X, y)
    copy = pickle.loads(pickle.dumps(clf))
    assert np.array_equal(copy.predict_proba(X), clf.predict_proba(X))


@pytest.mark.slow
def test_the_readme_python_example_prints_the_figure_it_shows(mnist):
    """The README's first Python example says what it prints; this run is where that number comes from."""
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    shown = re.search(r"clf = (DigitClassifier\(hidden=\(256,\), epochs=5\)).*\n.*# (0\.\d+) \(seed 0\)", readme)
    assert shown, "the README example changed: update this test with it"
    clf = DigitClassifier(hidden=(256,), epochs=5).fit(mnist.train_images, mnist.train_labels)
    assert f"{clf.score(mnist.test_images, mnist.test_labels):.3f}" == shown.group(2)
