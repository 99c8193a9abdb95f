"""The convolutional presets: they build, LeNet-5 trains end to end through the CLI, the ladder rows run."""

from __future__ import annotations

import json

import numpy as np
import pytest

from data_helpers import write_dataset
from digitnet.cli import main
from digitnet.data.files import TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS
from digitnet.io import load_model, save_model
from digitnet.presets import PRESETS
from digitnet.presets.cnn import CNN_PRESETS, LADDER


@pytest.mark.parametrize("name", [r.name for r in CNN_PRESETS])
def test_every_cnn_preset_builds_and_takes_flat_mnist_rows(name, rng):
    recipe = PRESETS[name]
    net = recipe.build(seed=0)
    assert net.input_shape == (1, 28, 28) and net.layers[-1].output_shape == (10,)
    p = net.predict_proba(rng.random((3, 784), dtype=np.float32))
    assert p.shape == (3, 10) and np.allclose(p.sum(axis=1), 1, atol=1e-5)


def test_ladder_rungs_carry_their_published_figures_in_order():
    from digitnet.tutorials.ladder import PUBLISHED, RUNGS

    published = [PUBLISHED[r.name].value for r in LADDER]
    assert published == sorted(published) and published[0] == 0.9878 and published[-1] == 0.9960
    assert all(PUBLISHED[name].source for name in RUNGS)


@pytest.fixture
def small_mnist(mnist, tmp_path):
    """600 real training and 300 real test digits in an MNIST-format folder."""
    return write_dataset(tmp_path / "small",
                         {TRAIN_IMAGES: mnist.train_images[:600], TRAIN_LABELS: mnist.train_labels[:600],
                          TEST_IMAGES: mnist.test_images[:300], TEST_LABELS: mnist.test_labels[:300]})


@pytest.mark.slow
def test_lenet5_trains_saves_and_evaluates_through_the_cli(small_mnist, tmp_path, capsys):
    model = tmp_path / "lenet5.npz"
    code = main(["train", "--model", "lenet5", "--epochs", "2", "--val-size", "100", "--data", str(small_mnist),
                 "--no-progress", "--out", str(model)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Conv2D 6x5x5 p2" in out and "AvgPool2D 2x2" in out and model.is_file()
    trained = float(out.split("test accuracy ")[1].split("%")[0])
    assert trained > 50  # 2 epochs on 500 digits: far above chance (10%)
    assert main(["evaluate", str(model), "--data", str(small_mnist), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["accuracy"] * 100 == pytest.approx(trained, abs=0.01)
    loaded = load_model(model)
    assert loaded.metadata["recipe"]["input_shape"] == [1, 28, 28]
    assert [layer.type_name for layer in loaded.network.layers[:3]] == ["conv2d", "tanh", "avgpool2d"]


@pytest.mark.slow
def test_reproduce_quick_ladder_rows(mnist, tmp_path, capsys):
    assert main(["reproduce", "--quick", "--only", "ch6-relu,lenet5", "--out", str(tmp_path), "--no-plots",
                 "--quiet"]) == 0
    out = capsys.readouterr().out
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| CNN")}
    assert list(rows) == ["CNN: LeNet-5", "CNN: Nielsen ch. 6, relu"]  # table order, not command-line order
    assert "99.23%" in rows["CNN: Nielsen ch. 6, relu"] and "not judged (quick run)" in rows["CNN: LeNet-5"]
    results = {r["key"]: r for r in json.loads((tmp_path / "reproduce.json").read_text())["results"]}
    for key in ("lenet5", "ch6-relu"):
        assert 0.2 < results[key]["metrics"]["test_accuracy"] <= 1  # learned something from 1,000 digits
    assert not list(tmp_path.rglob("*.npz"))  # a quick run saves no model (docs/cnn.md)


def test_ladder_rows_reuse_saved_models_and_allow_for_noise(mnist, tmp_path, monkeypatch):
    """A rung whose model file exists with the same recipe and seed is read back, not trained again."""
    from digitnet.tutorials import ladder
    from digitnet.tutorials.result import Context
    from digitnet.tutorials.table import markdown_table

    recipe = PRESETS["ch6-conv2"]
    for seed, accuracy in ((0, 0.9903), (1, 0.9999)):
        path = tmp_path / f"ch6-conv2-s{seed}.npz"
        save_model(recipe.build(seed=seed), path, {"recipe": recipe.to_dict(), "seed": seed,
                                                   "metrics": {"test_accuracy": accuracy, "train_seconds": 60.0}})

    def no_training(*args, **kwargs):
        raise AssertionError("a saved model must be reused")

    monkeypatch.setattr(ladder, "train_rung", no_training)
    assert ladder.saved_metrics(tmp_path / "ch6-conv2-s0.npz", recipe, seed=1) is None  # another seed
    assert ladder.saved_metrics(tmp_path / "ch6-conv2-s0.npz", recipe, seed=0) is not None
    other_data = tmp_path / "ch6-conv2-s5.npz"  # trained on another data set: not reused for MNIST
    save_model(recipe.build(seed=5), other_data, {"recipe": recipe.to_dict(), "seed": 5, "dataset": {"checksum": "a"},
                                                  "metrics": {"test_accuracy": 0.9, "train_seconds": 1.0}})
    assert ladder.saved_metrics(other_data, recipe, seed=5, dataset="b") is None
    assert ladder.saved_metrics(other_data, recipe, seed=5, dataset="a") is not None
    close = ladder.run_rung("ch6-conv2", Context(mnist, seed=0, models=tmp_path, log=lambda msg: None))
    assert close.figure == "99.03%" and close.meets and close.within_noise  # published 99.06%
    assert "within noise" in markdown_table([close])
    above = ladder.run_rung("ch6-conv2", Context(mnist, seed=1, models=tmp_path, log=lambda msg: None))
    assert above.meets and not above.within_noise and "| yes |" in markdown_table([above])
    # a different recipe (another epoch count) is trained again rather than read
    monkeypatch.setitem(PRESETS, "ch6-conv2", recipe.with_overrides(epochs=recipe.epochs + 1))
    with pytest.raises(AssertionError, match="must be reused"):
        ladder.run_rung("ch6-conv2", Context(mnist, seed=0, models=tmp_path, log=lambda msg: None))


def test_an_interrupted_rung_is_neither_saved_nor_reused(tmp_path, monkeypatch):
    from digitnet.data import Dataset
    from digitnet.train import Trainer
    from digitnet.tutorials import ladder

    recipe = PRESETS["ch6-conv2"]
    path = tmp_path / "ch6-conv2-s0.npz"
    save_model(recipe.build(seed=0), path, {"recipe": recipe.to_dict(), "seed": 0, "history": {"interrupted": True},
                                            "metrics": {"test_accuracy": 0.5, "train_seconds": 1.0}})
    assert ladder.saved_metrics(path, recipe, seed=0) is None  # e.g. a 'digitnet train' stopped with Ctrl-C

    def interrupted(self, X, y, epoch):
        raise KeyboardInterrupt

    monkeypatch.setattr(Trainer, "_train_epoch", interrupted)
    data = Dataset.from_arrays(np.zeros((300, 784), np.float32), np.zeros(300, np.int64),
                               np.zeros((10, 784), np.float32), np.zeros(10, np.int64))
    with pytest.raises(KeyboardInterrupt):
        ladder.train_rung(recipe.with_overrides(val_size=100), 0, data, tmp_path / "new.npz", log=lambda msg: None)
    assert not (tmp_path / "new.npz").exists()


def test_filter_picture_draws_kernels_and_maps(rng, tmp_path):
    from digitnet.errors import DigitnetError
    from digitnet.nn import Network
    from digitnet.plots.conv_filters import conv_filters_figure

    fig = conv_filters_figure(PRESETS["lenet5"].build(seed=0), rng.random((2, 784), dtype=np.float32))
    assert len(fig.axes) == 3 * 7  # a header row and two digits; the digit column and 6 kernels
    fig.savefig(tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 1000
    with pytest.raises(DigitnetError, match="no convolutional layer"):
        conv_filters_figure(Network.from_sizes([784, 10], seed=0), rng.random((1, 784)))
