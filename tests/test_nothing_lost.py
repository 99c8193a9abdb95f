"""Nothing already saved is lost: a run that learned nothing, a bad --out, Ctrl-C, a kill during a save."""

from __future__ import annotations

import errno
import os
import warnings

import numpy as np
import pytest

from data_helpers import arrays, write_dataset
from digitnet.cli import main
from digitnet.data import load_mnist
from digitnet.errors import DigitnetError
from digitnet.io import atomic, load_model, save_model
from digitnet.nn import Network
from digitnet.presets import get_preset
from digitnet.train import History, TrainingFailed, TrainingNote, run
from digitnet.train.runner import nothing_learned

TRAIN = ["train", "--layers", "784,16,10", "--epochs", "2", "--val-size", "50", "--no-progress", "--quiet"]


@pytest.fixture
def good_model(tmp_path):
    """An existing model file that a failed run must leave exactly as it is."""
    path = tmp_path / "good.npz"
    save_model(Network.from_sizes([784, 4, 10], seed=0), path, {"note": "the good one"})
    return path, path.read_bytes()


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# -- a run that learned nothing ------------------------------------------------------------------------
@pytest.mark.parametrize("lr", ["1e6", "200"])
def test_a_run_that_ends_at_chance_fails_and_leaves_the_good_model_alone(tiny_data, good_model, lr, capsys):
    """With these rates the loss grows huge but stays a number, so the NaN check alone lets it through."""
    path, before = good_model
    code = main([*TRAIN, "--data", str(tiny_data), "--lr", lr, "--out", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and path.read_bytes() == before and leftovers(path.parent) == []
    assert "training failed: the kept weights classify" in err and "no better than always answering" in err
    assert f"--lr {float(lr):g}" in err and "Traceback" not in err
    assert [line for line in err.splitlines() if not line.startswith("digitnet: note:")] == [err.splitlines()[-1]]


def test_the_check_is_in_the_one_training_run_so_every_entry_point_has_it(tiny_data):
    from digitnet.estimator import DigitClassifier

    ds = load_mnist(tiny_data, download=False)
    with pytest.raises(TrainingFailed, match="no better than always answering the commonest class"):
        run(get_preset("mlp-512").with_overrides(lr=1e6, epochs=2, val_size=50), ds, 0)
    with pytest.raises(TrainingFailed):  # here the loss diverges; learning little only warns (TrainingNote)
        DigitClassifier(lr=1e6, epochs=2).fit(ds.train_images, ds.train_labels)


def test_a_quick_run_still_at_chance_gets_a_note_instead(tiny_data):
    ds = load_mnist(tiny_data, download=False)
    with pytest.warns(TrainingNote, match="has learned nothing yet in this short run"):
        trained = run(get_preset("mlp-512").with_overrides(lr=1e6, epochs=1, val_size=50), ds, 0,
                      if_nothing_learned="note")
    assert trained.metrics["val_accuracy"] is not None


def history(*rows) -> History:
    h = History(epochs=[{"epoch": i + 1, "accuracy": acc, "val_accuracy": val} for i, (acc, val) in enumerate(rows)])
    h.best_epoch = 1
    return h


@pytest.mark.parametrize("val_accuracy,labels,learned", [
    (0.097, np.arange(10_000) % 10, False),  # lr 1e6 on MNIST: 9.7%
    (0.10, np.arange(10_000) % 10, False),  # exactly the commonest class
    (0.104, np.arange(10_000) % 10, False),  # within the margin of chance
    (0.20, np.arange(60) % 8, True),  # a tiny run that learned a little (chance 13.3%, asks 17.7%)
    (0.96, np.r_[np.zeros(950, int), np.ones(50, int)], True),  # imbalanced classes, a real model
    (0.95, np.r_[np.zeros(950, int), np.ones(50, int)], False),  # ... and one that always says 0
])
def test_nothing_learned_compares_with_the_commonest_class(val_accuracy, labels, learned):
    shortfall = nothing_learned(history((0.5, val_accuracy)), labels)
    assert (shortfall is None) == learned
    if not learned:
        assert f"{val_accuracy:.1%}" in shortfall


def test_without_validation_the_training_accuracy_is_compared(tiny_data):
    assert nothing_learned(history((0.05, None)), np.arange(100) % 10, "training") is not None
    assert nothing_learned(history((0.9, None)), np.arange(100) % 10, "training") is None


# -- --out is checked before the epochs, not after them --------------------------------------------------
def refuse_training(monkeypatch):
    from digitnet.train import runner

    monkeypatch.setattr(runner, "run", lambda *a, **k: pytest.fail("training started before --out was checked"))


def test_out_naming_a_folder_is_refused_before_training(tiny_data, tmp_path, monkeypatch, capsys):
    refuse_training(monkeypatch)
    code = main([*TRAIN, "--data", str(tiny_data), "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "cannot write --out" in err and "it is a folder" in err


def test_out_on_a_read_only_file_system_is_refused_before_training_with_the_real_reason(tiny_data, tmp_path,
                                                                                         monkeypatch, capsys):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    refuse_training(monkeypatch)
    monkeypatch.setattr(atomic.os, "open", read_only)
    code = main([*TRAIN, "--data", str(tiny_data), "--out", str(tmp_path / "m.npz")])
    err = capsys.readouterr().err
    assert code == 2 and "Read-only file system" in err and "Traceback" not in err


def test_a_failing_cleanup_does_not_hide_the_real_error(tmp_path, monkeypatch):
    """On a read-only file system the temporary file's removal fails too; the error shown is the first."""
    import builtins
    from pathlib import Path

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(builtins, "open", read_only)
    monkeypatch.setattr(Path, "unlink", read_only)
    with pytest.raises(DigitnetError, match="cannot write .*Read-only file system"):
        with atomic.atomic_write(tmp_path / "m.npz"):
            pass


def test_out_under_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(DigitnetError, match="is a file, not a folder"):
        atomic.check_writable(tmp_path / "file" / "m.npz")
    assert leftovers(tmp_path) == []


def test_check_writable_leaves_nothing_behind(tmp_path):
    atomic.check_writable(tmp_path / "new" / "m.npz")
    assert list((tmp_path / "new").iterdir()) == []


# -- Ctrl-C ---------------------------------------------------------------------------------------------
def interrupt_after_the_last_epoch(monkeypatch):
    from digitnet.train.trainer import Trainer

    epochs = Trainer._run_epochs

    def then_ctrl_c(self, *args):
        epochs(self, *args)
        raise KeyboardInterrupt  # every epoch ran; Ctrl-C arrives before fit returns

    monkeypatch.setattr(Trainer, "_run_epochs", then_ctrl_c)


def test_ctrl_c_after_the_last_epoch_does_not_replace_an_existing_model(tiny_data, good_model, monkeypatch, capsys):
    path, before = good_model
    interrupt_after_the_last_epoch(monkeypatch)
    code = main([*TRAIN, "--data", str(tiny_data), "--out", str(path)])
    out = capsys.readouterr().out
    beside = path.with_name("good.interrupted.npz")
    assert code == 130 and path.read_bytes() == before and beside.is_file()
    assert f"saved {beside} ({path} is left as it was)" in out
    assert load_model(beside).metadata["history"]["interrupted"] is True


def test_ctrl_c_with_no_model_there_yet_saves_the_best_so_far(tiny_data, tmp_path, monkeypatch, capsys):
    interrupt_after_the_last_epoch(monkeypatch)
    path = tmp_path / "m.npz"
    assert main([*TRAIN, "--data", str(tiny_data), "--out", str(path)]) == 130
    assert path.is_file() and not path.with_name("m.interrupted.npz").exists()


def test_ctrl_c_while_the_test_set_is_scored_saves_nothing(tiny_data, good_model, monkeypatch, capsys):
    path, before = good_model

    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Network, "predict_with_proba", ctrl_c)
    assert main([*TRAIN, "--data", str(tiny_data), "--out", str(path)]) == 130
    assert path.read_bytes() == before and leftovers(path.parent) == []


def test_ctrl_c_during_a_save_leaves_the_old_file_and_no_temporary_one(good_model, monkeypatch):
    path, before = good_model

    def interrupted_savez(f, **arrays):
        f.write(b"half a model")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted_savez)
    with pytest.raises(KeyboardInterrupt):
        save_model(Network.from_sizes([784, 4, 10], seed=1), path)
    assert path.read_bytes() == before and leftovers(path.parent) == []


# -- a kill during a save --------------------------------------------------------------------------------
def test_the_next_save_removes_what_a_killed_save_left_behind(good_model):
    path, _ = good_model
    folder = path.parent
    dead = folder / f".{path.name}.{2**22 + 12345}.deadbeef.part"  # a process number no process has
    alive = folder / f".{path.name}.1.cafe0000.part"  # process 1 runs: maybe a save in progress
    old_alive = folder / f".{path.name}.1.0ld00000.part"
    other = folder / ".other.npz.99999999.deadbeef.part"  # another target's: not ours to judge
    for p in (dead, alive, old_alive, other):
        p.write_bytes(b"half")
    os.utime(old_alive, (0, 0))  # written in 1970: a leftover whatever its process number
    save_model(Network.from_sizes([784, 4, 10], seed=1), path)
    assert leftovers(folder) == sorted([alive.name, other.name])
    assert load_model(path).metadata.get("note") is None  # the new model


def test_seed_minus_one_is_refused(capsys):
    for command in (["train", "--seed", "-1"], ["reproduce", "--seed", "-1"]):
        with pytest.raises(SystemExit) as exit_:
            main(command)
        err = capsys.readouterr().err
        assert exit_.value.code == 2 and "a whole number from 0 to 4294967295" in err, command


@pytest.mark.parametrize("command,advice", [
    (["train"], "try a smaller --batch-size or a smaller network"),
    (["info", "m.npz"], "free some memory"),
    (["data"], "free some memory"),
    (["predict", "m.npz", "x.png"], "give fewer or smaller pictures"),
])
def test_out_of_memory_advice_fits_the_command(command, advice, monkeypatch, capsys):
    import importlib

    def no_memory(args):
        raise MemoryError

    module = importlib.import_module(f"digitnet.cli.{command[0]}_cmd")
    monkeypatch.setattr(module, "run", no_memory)
    assert main(command) == 2
    err = capsys.readouterr().err
    assert f"out of memory in 'digitnet {command[0]}'" in err and advice in err
    if command[0] != "train":
        assert "--batch-size" not in err


# -- an empty test set, another data set ------------------------------------------------------------------
@pytest.fixture
def no_test_images(tmp_path):
    data = arrays(n_train=300, n_test=0, seed=1)
    for i, label in enumerate(data["train-labels-idx1-ubyte"]):
        data["train-images-idx3-ubyte"][i] //= 8
        data["train-images-idx3-ubyte"][i, 2 + 2 * label, :] = 255
    return write_dataset(tmp_path / "no-test", data)


def test_an_empty_test_set(no_test_images, tmp_path, capsys):
    model = tmp_path / "m.npz"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main([*TRAIN, "--epochs", "3", "--data", str(no_test_images), "--out", str(model)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "no test images after 3 epochs" in out and load_model(model).metadata["metrics"]["test_accuracy"] is None
    assert main(["evaluate", str(model), "--data", str(no_test_images)]) == 2
    assert "has no test images to evaluate on" in capsys.readouterr().err
    refuse_training_for = tmp_path / "plots"
    assert main([*TRAIN, "--data", str(no_test_images), "--out", str(model), "--plots", str(refuse_training_for)]) == 2
    assert "--plots draws the model on the test images, and the data set 'no-test' has none" in capsys.readouterr().err


def test_evaluating_on_another_data_set_gets_a_note(tiny_data, no_test_images, tmp_path, capsys):
    model = tmp_path / "m.npz"
    assert main([*TRAIN, "--data", str(no_test_images), "--epochs", "3", "--out", str(model)]) == 0
    capsys.readouterr()
    assert main(["evaluate", str(model), "--data", str(tiny_data)]) == 0
    err = capsys.readouterr().err
    assert "digitnet: note: this model was trained on 'no-test', not on 'tiny' (their fingerprints differ)" in err
    assert main(["evaluate", str(model), "--data", str(no_test_images)]) == 2  # (no test images there)
    assert "trained on" not in capsys.readouterr().err  # the same data set: no note


def test_reading_pictures_with_a_model_of_another_data_set_gets_a_warning(tiny_data, tmp_path):
    from digitnet.data import DataNote
    from digitnet.images.reading import check_digit_model

    ds = load_mnist(tiny_data, download=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trained = run(get_preset("mlp-512").with_overrides(epochs=2, val_size=50), ds, 0)
    with pytest.warns(DataNote, match="trained on 'tiny', not on 'mnist'.*may read them poorly"):
        check_digit_model(trained.network)
    trained.network.metadata["dataset"]["checksum"] = None  # recorded no fingerprint: nothing to compare
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_digit_model(trained.network)
