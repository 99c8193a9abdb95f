"""One training run, one input contract, inference without side effects, settings declared once."""

from __future__ import annotations

import re
import threading

import numpy as np
import pytest

from digitnet.cli import main
from digitnet.data import load_mnist
from digitnet.errors import DigitnetError
from digitnet.io import load_model
from digitnet.nn import Network
from digitnet.nn.inputs import scale_pixels, to_input
from digitnet.presets import PRESETS, SETTINGS, Recipe, get_preset
from digitnet.train import build_network


# -- one definition of a training run ----------------------------------------------------------------
def test_train_command_the_ladder_and_the_estimator_write_the_same_metadata_keys(tiny_data, tmp_path, capsys,
                                                                                   monkeypatch):
    from digitnet.estimator import DigitClassifier
    from digitnet.train import runner
    from digitnet.tutorials import ladder

    by_cli = tmp_path / "cli.npz"
    assert main(["train", "--data", str(tiny_data), "--model", "lenet5", "--epochs", "1", "--val-size", "50",
                 "--quiet", "--out", str(by_cli)]) == 0
    ds = load_mnist(tiny_data, download=False)
    by_ladder = tmp_path / "lenet5-s0.npz"
    ladder.train_rung(get_preset("lenet5").with_overrides(epochs=1, val_size=50), 0, ds, by_ladder, log=print)
    described, describe = [], runner.describe  # the estimator keeps no file: catch the description it made
    monkeypatch.setattr(runner, "describe", lambda *a, **k: described.append(describe(*a, **k)) or described[-1])
    DigitClassifier(model="lenet5", epochs=1, validation_fraction=0.2).fit(ds.train_images, ds.train_labels)
    metas = [load_model(by_cli).metadata, load_model(by_ladder).metadata, described[-1]]
    assert metas[0].keys() - {"format", "format_version", "architecture"} == metas[2].keys()
    assert metas[0].keys() == metas[1].keys()
    for part in ("metrics", "dataset", "recipe", "history"):
        assert metas[0][part].keys() == metas[1][part].keys() == metas[2][part].keys(), part
    assert {"created", "classes", "seed"} <= metas[1].keys() and metas[1]["metrics"]["val_loss"] is not None


def test_info_describes_what_was_trained_after_overrides(tiny_data, tmp_path, capsys):
    model = tmp_path / "m.npz"
    assert main(["train", "--data", str(tiny_data), "--layers", "784,100,10", "--activation", "sigmoid", "--lr", "0.5",
                 "--augment", "none", "--epochs", "1", "--val-size", "50", "--quiet", "--out", str(model)]) == 0
    capsys.readouterr()
    assert main(["info", str(model)]) == 0
    out = capsys.readouterr().out
    assert "recipe 'mlp-512' with layers 784-100-10, sigmoid, augment none, lr 0.5" in out
    assert "784-100-10 MLP, sigmoid units" in out and "shift" not in out and "784-512" not in out
    assert "data: tiny" in out


def test_a_description_is_generated_from_the_settings():
    recipe = get_preset("mlp-512").with_overrides(lr=0.5, epochs=3)
    assert recipe.label == "'mlp-512' with lr 0.5, 3 epochs"
    assert "lr 0.5" in recipe.description and "3 epochs" in recipe.description
    assert get_preset("mlp-512").with_overrides(lr=get_preset("mlp-512").lr).label == "'mlp-512'"  # no real change
    assert Recipe.from_dict(recipe.to_dict()) == recipe


def test_layer_by_layer_presets_refuse_mlp_settings():
    with pytest.raises(DigitnetError, match="`layers`, `activation` would replace"):
        get_preset("lenet5").with_overrides(layers=(784, 10), activation="relu")


# -- each setting declared once ----------------------------------------------------------------------
def test_every_recipe_setting_is_a_train_flag_and_an_estimator_parameter(capsys):
    from digitnet.cli import build_parser
    from digitnet.cli.common import RECIPE_FLAGS
    from digitnet.estimator import DigitClassifier

    dests = vars(build_parser().parse_args(["train"])).keys()
    assert RECIPE_FLAGS.keys() == SETTINGS.keys() - {"inputs"}  # the command line always reads pictures
    assert RECIPE_FLAGS.keys() <= dests and "inputs" not in dests
    params = DigitClassifier().get_params()
    assert SETTINGS.keys() - {"layers", "val_size"} <= params.keys()
    assert {"hidden", "validation_fraction", "model", "seed"} <= params.keys()


@pytest.mark.parametrize("setting,value,message", [
    ("lr", -1, "`lr`: expected a positive number"), ("epochs", 2.5, "`epochs`: expected a whole number"),
    ("optimizer", "rmsprop", "expected one of adam"), ("augment", "twirl:3", "unknown augmentation"),
    ("batch_size", True, "expected a whole number"),
])
def test_a_bad_setting_is_refused_by_the_recipe_with_its_name(setting, value, message):
    with pytest.raises(DigitnetError, match=message) as err:
        Recipe(**{setting: value})
    assert err.value.parameter == setting


def test_the_command_line_names_flags_where_the_library_names_parameters(capsys):
    assert main(["train", "--model", "lenet5", "--layers", "784,10", "--no-download"]) == 2
    assert "--layers would replace" in capsys.readouterr().err


# -- one input contract ------------------------------------------------------------------------------
def test_the_pixel_rule():
    grey = np.array([[0, 51, 255]], dtype=np.uint8)
    expected = grey.astype(np.float32) / np.float32(255)
    for form in (grey, grey.astype(np.int64), grey.astype(np.float64), grey.tolist(), expected,
                 expected.astype(np.float16)):
        np.testing.assert_allclose(scale_pixels(form), expected, rtol=1e-3)
        assert scale_pixels(form).dtype == np.float32
    assert np.array_equal(scale_pixels(np.array([[True, False]])), [[1.0, 0.0]])


@pytest.mark.parametrize("bad,message", [
    (np.array([[0, 300]]), "from 0 to 300; pixels must be 0-255"),
    (np.array([[-1, 5]]), "from -1 to 5"),
    (np.array([[0.0, 256.5]]), "up to 256.5"),
    (np.array([[-0.5, 0.5]]), "down to -0.5"),
    (np.array([[np.nan, 0.5]]), "NaN or infinite"),
    (np.array([[np.inf, 0.5]]), "NaN or infinite"),
    (np.array([["a", "b"]]), "holds <U1 values"),
    (np.array([[1 + 2j]]), "complex numbers"),
    ([[1, 2], [3]], "not a rectangular array"),
])
def test_pixels_out_of_range_get_a_one_line_error_naming_the_fix(bad, message):
    with pytest.raises(DigitnetError, match=message) as err:
        scale_pixels(bad)
    assert "\n" not in str(err.value)


def test_shapes_are_the_networks_business():
    batch = np.zeros((3, 784), np.uint8)
    for form in (batch, batch.reshape(3, 28, 28), batch.reshape(3, 1, 28, 28)):
        assert to_input(form, (1, 28, 28)).shape == (3, 1, 28, 28) and to_input(form, (784,)).shape == (3, 784)
    assert to_input(batch[0].reshape(28, 28), (784,)).shape == (1, 784)  # one sample without its batch axis
    with pytest.raises(DigitnetError, match="expects samples of shape"):
        to_input(np.zeros((2, 100)), (784,))
    features = to_input(np.array([[-3.0, 7.5]]), (2,), kind="features")
    assert features.tolist() == [[-3.0, 7.5]]  # features are never rescaled


@pytest.mark.slow
def test_the_estimator_learns_the_same_from_every_form_of_the_same_pixels(mnist):
    """The issue's report: int64 pixels (pandas.read_csv) trained to 8.9% instead of 80% without a word."""
    pd = pytest.importorskip("pandas")
    from digitnet.estimator import DigitClassifier

    images, labels = mnist.train_images[:3000].reshape(3000, 784), mnist.train_labels[:3000]
    test_x, test_y = mnist.test_images[:2000], mnist.test_labels[:2000]
    forms = {"uint8": images, "int64": images.astype(np.int64), "float64 0-255": images.astype(np.float64),
             "float32 0-1": images.astype(np.float32) / np.float32(255),
             "DataFrame": pd.DataFrame(images.astype(np.int64))}
    scores = {name: DigitClassifier(epochs=2).fit(X, labels).score(test_x, test_y) for name, X in forms.items()}
    assert min(scores.values()) > 0.8, scores
    assert max(scores.values()) - min(scores.values()) <= 0.005, scores
    with pytest.raises(DigitnetError, match="pixels must be 0-255"):
        DigitClassifier(epochs=1).fit(images.astype(np.int64) * 2, labels)


# -- inference without side effects ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["default", "best"])
def test_predictions_from_eight_threads_equal_the_serial_ones(name):
    network = build_network(PRESETS[name], seed=0)
    rng = np.random.default_rng(0)
    batches = [rng.random((int(rng.integers(1, 40)), 784), dtype=np.float32) for _ in range(32)]
    serial = [network.predict_proba(b) for b in batches]
    before = {id(layer): dict(vars(layer)).keys() for layer in network.layers}
    results: dict[int, np.ndarray] = {}
    start = threading.Barrier(8)

    def work(worker: int) -> None:
        start.wait()
        for i in range(worker, len(batches), 8):
            results[i] = network.predict_proba(batches[i])

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(np.array_equal(results[i], serial[i]) for i in range(len(batches)))
    assert all(vars(layer).keys() == before[id(layer)] for layer in network.layers)  # nothing kept


def test_the_server_reads_pictures_without_a_lock():
    import inspect

    from digitnet.images import reading
    from digitnet.serve import app

    assert "Lock" not in inspect.getsource(app.DigitReader) and "lock" not in inspect.getsource(reading.read_digit)


# -- layering (the import rule: tests/test_architecture.py) ---------------------------------------------
def test_library_code_never_prints():
    from pathlib import Path

    import digitnet

    root = Path(digitnet.__file__).parent
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.parts[-2] not in ("cli", "book") and re.search(r"\bprint\(", p.read_text())
                 and p.name not in ("conv_filters.py", "augment_grid.py")]  # those two are also scripts (__main__)
    assert offenders == []  # cli/ talks to the user; book/ prints its progress because the book's code does


def test_a_network_without_a_known_input_kind_is_refused():
    with pytest.raises(DigitnetError, match="`inputs` must be one of"):
        Network.from_sizes([4, 2], inputs="pictures")
