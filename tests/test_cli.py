"""The command line end to end: train -> info -> evaluate, and one-line errors with exit code 2."""

from __future__ import annotations

import json

import numpy as np
import pytest

from digitnet.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_train_info_evaluate_round_trip(tiny_data, tmp_path, capsys):
    model = tmp_path / "m.npz"
    code, out, err = run(capsys, "train", "--data", str(tiny_data), "--layers", "784,16,10", "--epochs", "3",
                         "--val-size", "50", "--lr", "0.1", "--no-progress", "--out", str(model))
    assert code == 0, err
    assert "epoch 3/3" in out and "test accuracy" in out and model.is_file()
    code, out, _ = run(capsys, "info", str(model), "--json")
    info = json.loads(out)
    assert code == 0 and info["dataset"]["train"] == 250
    assert [d["units"] for d in info["recipe"]["layers"] if d["type"] == "dense"] == [16, 10]
    assert info["recipe"]["input_shape"] == [784] and "784-16-10 MLP" in info["recipe"]["description"]
    code, out, _ = run(capsys, "evaluate", str(model), "--data", str(tiny_data), "--json")
    result = json.loads(out)
    assert code == 0 and result["n"] == 100
    assert result["accuracy"] == pytest.approx(info["metrics"]["test_accuracy"])
    assert np.array(result["confusion_matrix"]).sum() == 100
    code, out, _ = run(capsys, "evaluate", str(model), "--data", str(tiny_data))
    assert "confusion matrix" in out and "weighted avg" in out


def test_same_seed_gives_byte_identical_weights(tiny_data, tmp_path, capsys):
    paths = [tmp_path / f"{i}.npz" for i in range(2)]
    for path in paths:
        assert run(capsys, "train", "--data", str(tiny_data), "--layers", "784,8,10", "--epochs", "2",
                   "--val-size", "50", "--seed", "7", "--quiet", "--out", str(path))[0] == 0
    with np.load(paths[0]) as a, np.load(paths[1]) as b:
        assert all(np.array_equal(a[k], b[k]) for k in a.files if k.startswith("param."))


@pytest.mark.parametrize("argv,message", [
    (["train", "--lr", "-1"], "positive"),
    (["train", "--layers", "784,x"], "sizes"),
    (["train", "--model", "nope"], "unknown preset 'nope' (--model)"),
    (["train", "--model", "lenet5", "--layers", "784,10"],
     "preset 'lenet5' is described layer by layer, and --layers would"),
    (["train", "--model", "best", "--activation", "tanh", "--dropout", "0.2"], "--activation, --dropout would replace"),
    (["train", "--optimizer", "rmsprop"], "expected one of adam, momentum, nesterov, sgd"),
    (["evaluate", "missing.npz"], "no model file"),
    (["info", "missing.npz"], "no model file"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_exit_2_with_one_line(argv, message, capsys):
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse exits on its own
        code = exit_.code
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("digitnet")]) == 1


def test_bad_files_exit_2(tmp_path, tiny_data, capsys):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = run(capsys, "evaluate", str(junk), "--data", str(tiny_data))
    assert code == 2 and "not a readable digitnet model" in err
    code, _, err = run(capsys, "train", "--data", str(tmp_path / "nowhere"), "--quiet")
    assert code == 2 and "nowhere" in err


def test_wrong_layer_sizes_for_the_data(tiny_data, capsys):
    code, _, err = run(capsys, "train", "--data", str(tiny_data), "--layers", "100,10", "--val-size", "50", "--quiet")
    assert code == 2 and "does not fit this network" in err


def test_divergence_is_reported_not_saved(tiny_data, tmp_path, capsys):
    out = tmp_path / "m.npz"
    code, _, err = run(capsys, "train", "--data", str(tiny_data), "--layers", "784,16,10", "--lr", "1e9",
                       "--val-size", "50", "--quiet", "--out", str(out))
    assert code == 2 and "learning rate" in err and not out.exists()


@pytest.mark.slow
def test_default_recipe_learns_real_mnist_quickly(mnist, tmp_path, capsys):
    """One epoch of the default recipe (the CNN) already beats 97% on the real test set."""
    code, out, err = run(capsys, "train", "--epochs", "1", "--quiet", "--out", str(tmp_path / "m.npz"))
    assert code == 0, err
    accuracy = float(out.split("test accuracy ")[1].split("%")[0])
    assert accuracy > 97.0


def test_ctrl_c_during_training_saves_the_best_model_so_far(tiny_data, tmp_path, capsys, monkeypatch):
    """The README promises it: Ctrl-C in epoch 3 keeps epochs 1-2's best weights, saves them, exits 130."""
    from digitnet.train import Trainer

    real_epoch, calls = Trainer._train_epoch, []

    def interrupted_in_epoch_3(self, X, y, epoch):
        calls.append(epoch)
        if epoch == 3:
            raise KeyboardInterrupt
        return real_epoch(self, X, y, epoch)

    monkeypatch.setattr(Trainer, "_train_epoch", interrupted_in_epoch_3)
    model = tmp_path / "m.npz"
    code, out, err = run(capsys, "train", "--data", str(tiny_data), "--layers", "784,16,10", "--epochs", "5",
                         "--val-size", "50", "--no-progress", "--out", str(model))
    assert code == 130 and calls == [1, 2, 3], err
    assert "after 2 epochs (interrupted)" in out and model.is_file()
    code, out, _ = run(capsys, "info", str(model), "--json")
    assert json.loads(out)["metrics"]["epochs_run"] == 2
