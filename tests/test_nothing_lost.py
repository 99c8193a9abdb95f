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
    from digitnet import DigitClassifier

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
        check_digit_model(trained.network, trained.metadata)
    trained.metadata["dataset"]["checksum"] = None  # recorded no fingerprint: nothing to compare
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_digit_model(trained.network, trained.metadata)


# -- a full disk -----------------------------------------------------------------------------------------
@pytest.fixture
def full(monkeypatch, tmp_path):
    """``full(folder)`` makes a folder full: the atomic writes under it go to /dev/full, whose writes fail
    with ENOSPC from the kernel itself, as on a full disk (no root, no file system needed). The temporary
    folder, where a trained model is kept instead, is tmp_path/tmp."""
    import builtins
    import tempfile
    from pathlib import Path

    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full (Linux)")
    folders: list[Path] = []

    def open_here(file, mode="r", *args, **kwargs):
        if any(folder == Path(file).parent or folder in Path(file).parents for folder in folders):
            return builtins.open("/dev/full", mode)
        return builtins.open(file, mode, *args, **kwargs)

    monkeypatch.setattr(atomic, "open", open_here, raising=False)
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    return lambda folder: folders.append(Path(folder))


def kept_in_tmp(tmp_path):
    return sorted((tmp_path / "tmp").glob("digitnet-kept-*/*"))


def test_a_full_disk_when_writing_keeps_the_old_file_and_says_so_in_one_line(good_model, full):
    path, before = good_model
    full(path.parent)
    with pytest.raises(atomic.WriteFailed) as failed:
        save_model(Network.from_sizes([784, 4, 10], seed=1), path)
    assert str(failed.value) == (f"cannot write {path}: No space left on device ({path} is left as it was); "
                                 "free some space or choose another location")
    assert failed.value.reason == "No space left on device" and isinstance(failed.value, DigitnetError)
    assert path.read_bytes() == before and leftovers(path.parent) == []


def test_other_errors_inside_an_atomic_write_are_passed_on_as_they_are(tmp_path):
    with pytest.raises(FileNotFoundError):
        with atomic.atomic_path(tmp_path / "copy") as tmp:
            import shutil

            shutil.copyfile(tmp_path / "no such source", tmp)
    assert leftovers(tmp_path) == []


def test_train_on_a_full_disk_keeps_the_trained_model_in_the_temporary_folder(tiny_data, good_model, full, tmp_path,
                                                                              capsys):
    good, before = good_model
    path = tmp_path / "models" / good.name
    path.parent.mkdir()
    good.rename(path)
    full(path.parent)
    code = main([*TRAIN, "--data", str(tiny_data), "--out", str(path)])
    err = capsys.readouterr().err.strip().splitlines()[-1]
    (kept,) = kept_in_tmp(tmp_path)
    assert code == 2 and path.read_bytes() == before and leftovers(path.parent) == []
    assert err == (f"digitnet: error: cannot write {path}: No space left on device ({path} is left as it was); free "
                   f"some space or choose another location; the trained model is kept in {kept} instead")
    assert kept.name == path.name and load_model(kept).metadata["recipe"]["layers"] == [784, 16, 10]


def test_when_the_temporary_folder_is_full_too_the_message_says_the_model_is_lost(tiny_data, tmp_path, full, capsys):
    out = tmp_path / "models" / "m.npz"
    full(out.parent)
    full(tmp_path / "tmp")
    assert main([*TRAIN, "--data", str(tiny_data), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"the trained model could not be kept in {tmp_path / 'tmp'} either (No space left on device)" in err
    assert kept_in_tmp(tmp_path) == [] and not out.exists() and "Traceback" not in err


@pytest.mark.filterwarnings("ignore::digitnet.data.errors.DataNote")
def test_a_committee_on_a_full_disk_keeps_its_first_member_and_stops(tiny_data, tmp_path, full, capsys):
    members = tmp_path / "members"
    full(members)
    code = main([*TRAIN, "--committee", "2", "--serial", "--data", str(tiny_data), "--members", str(members),
                 "--out", str(tmp_path / "c.npz")])
    err = capsys.readouterr().err
    (kept,) = kept_in_tmp(tmp_path)
    assert code == 2 and "No space left on device" in err and f"member seed 0 is kept in {kept} instead" in err
    assert load_model(kept).metadata["seed"] == 0 and "Traceback" not in err


@pytest.mark.filterwarnings("ignore::digitnet.data.errors.DataNote")
def test_a_committee_file_on_a_full_disk_is_kept_in_the_temporary_folder(tiny_data, tmp_path, full, capsys):
    out = tmp_path / "full" / "c.npz"
    full(out.parent)
    assert main([*TRAIN, "--committee", "2", "--serial", "--data", str(tiny_data), "--out", str(out)]) == 2
    (kept,) = kept_in_tmp(tmp_path)
    assert f"the committee is kept in {kept} instead" in capsys.readouterr().err
    assert len(load_model(kept).members) == 2


def test_a_members_folder_that_cannot_be_written_is_found_before_training(tiny_data, tmp_path, monkeypatch, capsys):
    refuse_training(monkeypatch)
    from digitnet.scale import trial

    monkeypatch.setattr(trial, "train_trial", lambda *a, **k: pytest.fail("a member was trained"))
    (tmp_path / "file").write_text("not a folder")
    for members, said in ((tmp_path / "file", "is a file, not a folder"), (tmp_path, None)):
        if said is None:  # a folder where the first member's file goes
            from digitnet.presets import get_preset
            from digitnet.scale.members import member_file

            recipe = get_preset("mlp-512").with_overrides(layers=(784, 16, 10), epochs=2, val_size=50)
            member_file(members, recipe, 0).mkdir()
            said = "it is a folder"
        code = main([*TRAIN, "--committee", "2", "--serial", "--data", str(tiny_data), "--members", str(members),
                     "--out", str(tmp_path / "c.npz")])
        err = capsys.readouterr().err
        assert code == 2 and "cannot write --members" in err and said in err, err


@pytest.mark.filterwarnings("ignore::digitnet.data.errors.DataNote")
def test_a_sweep_on_a_full_disk_stops_in_one_line_and_keeps_the_trials_model(tiny_data, tmp_path, full, capsys,
                                                                              monkeypatch):
    out = tmp_path / "sweep"
    command = ["sweep", "--model", "mlp-512", "--layers", "784,16,10", "--epochs", "2", "--val-size", "50",
               "--param", "lr", "0.05", "0.1", "--serial", "--data", str(tiny_data), "--out", str(out),
               "--no-progress"]
    full(out / "trials")
    assert main(command) == 2
    err = capsys.readouterr().err
    (kept,) = kept_in_tmp(tmp_path)
    assert f"the trial's model is kept in {kept} instead; the sweep stops here" in err and "Traceback" not in err
    assert load_model(kept).metadata["recipe"]["lr"] in (0.05, 0.1)
    monkeypatch.delattr(atomic, "open")  # space freed: the same command goes on
    assert main(command) == 0 and len(list((out / "trials").glob("*.npz"))) == 2


def test_predict_save_28_on_a_full_disk_says_so_once_and_still_reads_every_picture(tmp_path, monkeypatch, capsys):
    from PIL import Image

    picture = np.zeros((28, 28), np.uint8)
    picture[6:22, 12:16] = 255
    for name in ("a.png", "b.png"):
        Image.fromarray(picture).save(tmp_path / name)
    saved = Image.Image.save

    def no_space(self, fp, *args, **kwargs):
        if "digits28" in str(fp):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return saved(self, fp, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "save", no_space)
    code = main(["predict", str(tmp_path / "a.png"), str(tmp_path / "b.png"), "--save-28", str(tmp_path / "digits28")])
    out, err = capsys.readouterr()
    assert code == 1 and out.count(": 1 (") == 2 and "Traceback" not in err
    assert err.count("No space left on device") == 1 and "the next 28x28 images are not saved either" in err
    assert list((tmp_path / "digits28").iterdir()) == []


# -- a real full file system: a tiny tmpfs in a mount namespace (root, or a user namespace) -------------------
def _namespace() -> list[str] | None:
    """The command that runs a shell where mounting a tmpfs is allowed, or None."""
    import shutil
    import subprocess

    if shutil.which("unshare") is None:
        return None
    for prefix in (["unshare", "--mount"], ["unshare", "--mount", "--map-root-user"]):
        probe = subprocess.run([*prefix, "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt 2>/dev/null || "
                                "mount -t tmpfs -o size=4k tmpfs \"$TMPDIR\""], capture_output=True,
                               env={**os.environ, "TMPDIR": "/tmp"})
        if probe.returncode == 0:
            return prefix
    return None


@pytest.mark.filterwarnings("ignore::digitnet.data.errors.DataNote")
def test_on_a_real_full_file_system_nothing_is_lost(tiny_data, tmp_path):
    """train, sweep and predict --save-28 on a 32 kB tmpfs (a model of 784-16-10 takes 54 kB): one line
    each, the old file kept, the trained model in the temporary folder."""
    import subprocess
    import sys

    prefix = _namespace()
    if prefix is None:
        pytest.skip("mounting a tmpfs needs root or unprivileged user namespaces")
    disk, rescue = tmp_path / "disk", tmp_path / "rescue"
    disk.mkdir()
    rescue.mkdir()
    from PIL import Image

    picture = np.zeros((28, 28), np.uint8)
    picture[6:22, 12:16] = 255
    Image.fromarray(picture).save(tmp_path / "one.png")
    digitnet = f"{sys.executable} -m digitnet"
    small = f"--model mlp-512 --layers 784,16,10 --epochs 2 --val-size 50 --data {tiny_data}"
    script = f"""
        mount -t tmpfs -o size=32k tmpfs {disk} || exit 99
        printf 'the old model' > {disk}/m.npz
        {digitnet} train {small} --quiet --out {disk}/m.npz; echo "train exit $?"
        echo "old: $(cat {disk}/m.npz)"
        {digitnet} sweep {small} --param lr 0.05 0.1 --serial --quiet --out {disk}/sweep; echo "sweep exit $?"
        head -c 32768 /dev/zero > {disk}/filler 2>/dev/null
        {digitnet} predict {tmp_path}/one.png --save-28 {disk}/p; echo "predict exit $?"
    """
    done = subprocess.run([*prefix, "sh", "-c", script], capture_output=True, text=True, errors="replace",
                          timeout=300, env={**os.environ, "TMPDIR": str(rescue)})
    said = done.stdout + done.stderr
    assert "exit 99" not in said and "Traceback" not in said, said
    assert "train exit 2" in said and "old: the old model" in said and "sweep exit 2" in said, said
    assert "predict exit 1" in said and ": 1 (" in said, said
    assert said.count("No space left on device") == 3, said
    kept = sorted(rescue.glob("digitnet-kept-*/*.npz"))
    assert len(kept) == 2 and {p.name for p in kept} >= {"m.npz"}, said
    assert all(len(load_model(p).network.get_weights()) for p in kept)


# -- any terminal encoding ---------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore::digitnet.data.errors.DataNote")
def test_a_committee_prints_its_spread_on_an_ascii_terminal(tiny_data, tmp_path, monkeypatch):
    """'±' raised UnicodeEncodeError under PYTHONIOENCODING=ascii, after the model was saved."""
    import io
    import sys

    stdout = io.TextIOWrapper(io.BytesIO(), encoding="ascii")  # errors="strict", as PYTHONIOENCODING=ascii gives
    monkeypatch.setattr(sys, "stdout", stdout)
    assert main([*TRAIN, "--committee", "2", "--serial", "--data", str(tiny_data), "--out",
                 str(tmp_path / "c.npz")]) == 0
    stdout.flush()
    assert b"\\xb1" in stdout.buffer.getvalue() and (tmp_path / "c.npz").is_file()


@pytest.mark.filterwarnings("ignore::digitnet.data.errors.DataNote")
def test_commands_survive_an_ascii_terminal(tiny_data, tmp_path):
    """Under PYTHONIOENCODING=ascii, what the terminal cannot show comes out as escapes, never as a traceback."""
    import subprocess
    import sys

    from PIL import Image

    picture = np.zeros((28, 28), np.uint8)
    picture[6:22, 12:16] = 255
    Image.fromarray(picture).save(tmp_path / "chiffre-é.png")
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0"}
    committee = str(tmp_path / "c.npz")
    said = {}
    for name, command in {
        "train": ["train", *TRAIN[1:], "--committee", "2", "--serial", "--data", str(tiny_data), "--out", committee],
        "predict": ["predict", committee, str(tmp_path / "chiffre-é.png"), str(tmp_path / "absent-é.png")],
    }.items():
        done = subprocess.run([sys.executable, "-m", "digitnet", *command], capture_output=True, env=env, timeout=300)
        said[name] = done.stdout.decode("ascii") + done.stderr.decode("ascii")  # nothing but ASCII came out
        assert "Traceback" not in said[name] and done.returncode == (0 if name == "train" else 1), said[name]
    assert "(members " in said["train"] and "\\xb1" in said["train"]
    assert "chiffre-\\xe9.png: " in said["predict"] and "absent-\\xe9.png: error: " in said["predict"]
