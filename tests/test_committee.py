"""Committees: the mean of the members' probabilities, one model file, checked on loading like any other."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.cli import main
from digitnet.errors import DigitnetError
from digitnet.io import load_model, save_model
from digitnet.io.committee_file import save_committee
from digitnet.nn import Network
from digitnet.nn.committee import Committee
from digitnet.presets.recipe import Recipe
from tampering import rewrite_description


def members(n=3, sizes=(12, 8, 3)):
    return [Network.from_sizes(list(sizes), seed=seed, inputs="features") for seed in range(n)]


def test_the_committee_averages_its_members_probabilities(rng):
    nets = members()
    committee = Committee(nets)
    X = rng.standard_normal((7, 12)).astype(np.float32)
    mean = np.mean([net.predict_proba(X) for net in nets], axis=0)
    assert np.allclose(committee.predict_proba(X), mean, atol=1e-6)
    labels, proba = committee.predict_with_proba(X, batch_size=3)
    assert np.array_equal(labels, mean.argmax(axis=1)) and np.array_equal(committee.predict(X), labels)
    assert committee.score(X, labels) == 1.0
    assert (committee.input_shape, committee.n_outputs, committee.inputs) == ((12,), 3, "features")
    assert committee.n_parameters == 3 * nets[0].n_parameters and "committee of 3" in committee.summary()


def test_single_output_members_vote_with_their_mean_probability(rng):
    nets = [Network.from_sizes([5, 1], loss="binary_cross_entropy", seed=s, inputs="features") for s in range(2)]
    X = rng.standard_normal((20, 5)).astype(np.float32)
    mean = (nets[0].predict_proba(X) + nets[1].predict_proba(X)) / 2
    assert np.array_equal(Committee(nets).predict(X), (mean[:, 0] >= 0.5).astype(int))


def test_members_must_agree_on_inputs_and_outputs():
    with pytest.raises(DigitnetError, match="at least two"):
        Committee(members(1))
    with pytest.raises(DigitnetError, match="member 1"):
        Committee([members(1)[0], members(1, sizes=(12, 8, 4))[0]])


def test_a_committee_file_round_trips_and_says_it_is_a_committee(tmp_path, rng):
    committee = Committee(members())
    path = save_committee(committee, tmp_path / "c.npz", {"metrics": {"test_accuracy": 0.5}},
                          [{"seed": s} for s in range(3)])
    loaded = load_model(path)
    assert isinstance(loaded.network, Committee) and len(loaded.network.members) == len(loaded.members) == 3
    X = rng.standard_normal((4, 12)).astype(np.float32)
    assert np.array_equal(loaded.network.predict_proba(X), committee.predict_proba(X))
    assert loaded.metadata["kind"] == "committee" and loaded.metadata["format_version"] == 2
    assert [m.metadata["seed"] for m in loaded.members] == [0, 1, 2]
    single = save_model(members(1)[0], tmp_path / "one.npz")
    assert load_model(single).metadata["format_version"] == 1  # one network's files did not change


@pytest.mark.parametrize("change, message", [
    (lambda meta, arrays: meta.update(members=meta["members"][:1]), "2 to 100 member"),
    (lambda meta, arrays: meta.update(members="all of them"), "gives members as the text 'all of them', not a list"),
    (lambda meta, arrays: meta.update(members=[{"architecture": {}}] * 101), "2 to 100 member descriptions"),
    (lambda meta, arrays: arrays.pop("param.m1.0.W"), "missing"),
    (lambda meta, arrays: arrays.update({"param.m7.0.W": np.zeros(3, np.float32)}), "belong to no member"),
    (lambda meta, arrays: arrays.update({"param.m2.0.W": np.full((12, 8), np.nan, np.float32)}), "finite"),
    (lambda meta, arrays: meta["members"][1]["architecture"].update(inputs="pixels"), "damaged: committee member 1"),
])
def test_damaged_committee_files_are_refused(tmp_path, change, message):
    path = save_committee(Committee(members()), tmp_path / "c.npz")
    rewrite_description(path, change)
    with pytest.raises(DigitnetError, match=message):
        load_model(path)


def test_the_server_reads_digits_with_a_committee(rng):
    import io

    from PIL import Image

    from digitnet.serve import DigitReader

    committee = Committee([Network.from_sizes([784, 16, 10], seed=s) for s in range(2)])
    picture = np.zeros((28, 28), np.uint8)
    picture[6:22, 12:16] = 255  # a "1"
    png = io.BytesIO()
    Image.fromarray(picture).save(png, format="PNG")
    reader = DigitReader(committee, name="committee")
    reading = reader.read(png.getvalue())
    image = np.asarray(reading["image28"], dtype=np.uint8)
    assert np.allclose(reading["probabilities"], committee.predict_proba(image)[0], atol=1e-6)
    assert reader.info(1000)["classes"] == 10


# -- members kept in a folder: named and checked by the whole recipe, kept as each ends ----------------------
TINY = ["--model", "mlp-512", "--augment", "none", "--val-size", "50", "--epochs", "2"]


def committee_args(data, members, out, *options) -> list[str]:
    return ["train", *TINY, *options, "--committee", "2", "--serial", "--data", str(data), "--members",
            str(members), "--out", str(out), "--quiet"]


def tiny_recipe(layers=(784, 16, 10)):
    """The recipe ``committee_args`` trains (the same ``with_overrides`` call as the command line's)."""
    from digitnet.presets import get_preset

    return get_preset("mlp-512").with_overrides(layers=layers, augment="none", val_size=50, epochs=2)


def no_training(monkeypatch):
    from digitnet.scale import trial

    monkeypatch.setattr(trial, "train_trial", lambda *a, **k: pytest.fail("a member was trained"))


@pytest.mark.filterwarnings("ignore::digitnet.data.errors.DataNote")
def test_members_of_another_recipe_in_the_folder_are_neither_overwritten_nor_reused(tiny_data, tmp_path, capsys):
    """A committee of 784-24-10 once replaced the 784-16-10 members kept in the same folder."""
    from digitnet.scale.members import member_file

    members = tmp_path / "members"
    assert main(committee_args(tiny_data, members, tmp_path / "c16.npz", "--layers", "784,16,10")) == 0
    before = {p.name: p.read_bytes() for p in members.iterdir()}
    assert sorted(before) == sorted(member_file(members, tiny_recipe(), s).name for s in (0, 1))
    assert main(committee_args(tiny_data, members, tmp_path / "c24.npz", "--layers", "784,24,10")) == 0
    after = {p.name: p.read_bytes() for p in members.iterdir()}
    assert len(after) == 4 and all(after[name] == data for name, data in before.items())
    for name, hidden in (("c16.npz", 16), ("c24.npz", 24)):
        loaded = load_model(tmp_path / name)
        assert [Recipe.from_dict(m.metadata["recipe"]).as_mlp.sizes for m in loaded.members] == [(784, hidden, 10)] * 2
    capsys.readouterr()
    assert main(committee_args(tiny_data, members, tmp_path / "again.npz", "--layers", "784,16,10")) == 0
    assert capsys.readouterr().out.count("read from") == 0  # --quiet; the files were read, nothing retrained
    assert {p.name: p.read_bytes() for p in members.iterdir()} == after


def test_a_member_name_holding_another_recipe_is_refused_before_training(tiny_data, tmp_path, monkeypatch, capsys):
    """A preset as it is keeps the ladder's short name (best-s0.npz), so an older preset's file can sit
    there: it is neither trained over nor read as a member."""
    from digitnet.presets import PRESETS
    from digitnet.presets.recipe import Recipe
    from digitnet.scale.members import member_file

    preset = Recipe(name="tiny", layers=(784, 16, 10), val_size=50, epochs=2)
    monkeypatch.setitem(PRESETS, "tiny", preset)
    members = tmp_path / "members"
    older = Recipe(name="tiny", layers=(784, 16, 10), val_size=50, epochs=3)  # the preset as it once was
    path = member_file(members, preset, 0)
    assert path.name == "tiny-s0.npz"
    members.mkdir()
    save_model(Network.from_sizes([784, 16, 10], seed=0), path, {"recipe": older.to_dict(), "seed": 0,
                                                                 "metrics": {"test_accuracy": 0.9, "train_seconds": 1}})
    before = path.read_bytes()
    no_training(monkeypatch)
    code = main(["train", "--model", "tiny", "--committee", "2", "--serial", "--data", str(tiny_data), "--members",
                 str(members), "--out", str(tmp_path / "c.npz"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and path.read_bytes() == before and not (tmp_path / "c.npz").exists()
    assert f"{path} holds a model of another recipe ('tiny'" in err and "neither reused nor replaced" in err
    assert "Traceback" not in err and len([x for x in err.splitlines() if "error" in x]) == 1


@pytest.mark.parametrize("holds", ["committee", "damaged", "other seed", "folder"])
def test_a_members_file_that_is_not_that_member_is_refused(tiny_data, tmp_path, monkeypatch, capsys, holds):
    from digitnet.scale.members import member_file

    folder = tmp_path / "members"
    folder.mkdir()
    recipe = tiny_recipe()
    path = member_file(folder, recipe, 1)
    meta = {"recipe": recipe.to_dict(), "seed": 1, "metrics": {"test_accuracy": 0.9, "train_seconds": 1}}
    if holds == "committee":
        save_committee(Committee(members(2, (784, 16, 10))), path, meta, [meta, meta])
    elif holds == "damaged":
        path.write_bytes(b"PK\x03\x04 half a model")
    elif holds == "other seed":
        save_model(Network.from_sizes([784, 16, 10], seed=0), path, {**meta, "seed": 7})
    else:
        path.mkdir()
    no_training(monkeypatch)
    assert main(committee_args(tiny_data, folder, tmp_path / "c.npz", "--layers", "784,16,10")) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "Traceback" not in err
    assert ("it is a folder" if holds == "folder" else "neither reused nor replaced") in err


@pytest.mark.filterwarnings("ignore::digitnet.data.errors.DataNote")
def test_ctrl_c_while_the_second_member_trains_keeps_the_first(tiny_data, tmp_path, monkeypatch, capsys):
    from digitnet.scale import trial
    from digitnet.scale.members import member_file

    members, trained = tmp_path / "members", []
    real = trial.train_trial

    def ctrl_c_in_the_second(*args):
        trained.append(args[1])
        if len(trained) == 2:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(trial, "train_trial", ctrl_c_in_the_second)
    assert main(committee_args(tiny_data, members, tmp_path / "c.npz", "--layers", "784,16,10")) == 130
    first, second = (member_file(members, tiny_recipe(), seed) for seed in (0, 1))
    assert first.is_file() and not second.exists() and not (tmp_path / "c.npz").exists()
    assert load_model(first).metadata["seed"] == 0
    monkeypatch.setattr(trial, "train_trial", real)
    capsys.readouterr()
    command = committee_args(tiny_data, members, tmp_path / "c.npz", "--layers", "784,16,10")
    assert main([c for c in command if c != "--quiet"]) == 0
    said = capsys.readouterr().out
    assert said.count("read from") == 1 and "training 1 members" in said and second.is_file()


def test_the_ladders_model_names_are_the_members_names(mnist_free_context):
    """models/ladder/best-s0.npz and the others are read back by the ladder and by a committee alike."""
    from digitnet.presets import get_preset
    from digitnet.scale.members import member_file
    from digitnet.tutorials import ladder

    folder, ctx = mnist_free_context
    assert [path.name for _, path in ladder.rung_runs("best", ctx)[2]] == ["best-s0.npz", "best-s1.npz", "best-s2.npz"]
    assert member_file(folder, get_preset("lenet5"), 0) == folder / "lenet5-s0.npz"
    changed = get_preset("lenet5").with_overrides(epochs=1)
    assert member_file(folder, changed, 0).name.startswith("lenet5-") and member_file(folder, changed, 0).name != \
        "lenet5-s0.npz"


@pytest.mark.filterwarnings("ignore::digitnet.data.errors.DataNote")
def test_a_committee_reads_a_model_the_ladder_kept(tiny_data, tmp_path):
    from digitnet.data import load_mnist
    from digitnet.presets.recipe import Recipe
    from digitnet.scale.committee import read_members
    from digitnet.scale.members import member_file
    from digitnet.train import run

    data = load_mnist(tiny_data, download=False)
    recipe = Recipe(name="tiny", layers=(784, 16, 10), val_size=50, epochs=2)
    run(recipe, data, 0).save(tmp_path / "tiny-s0.npz")  # as the ladder saves a rung
    kept = read_members(recipe, [0, 1], tmp_path, data)
    assert list(kept) == [0] and kept[0].path == member_file(tmp_path, recipe, 0) == tmp_path / "tiny-s0.npz"


@pytest.fixture
def mnist_free_context(tmp_path):
    from digitnet.data import Dataset
    from digitnet.tutorials.result import Context

    data = Dataset.from_arrays(np.zeros((20, 784), np.float32), np.zeros(20, np.int64),
                               np.zeros((10, 784), np.float32), np.zeros(10, np.int64))
    return tmp_path, Context(data, seed=0, models=tmp_path, log=lambda msg: None)


def test_the_ladder_neither_trains_over_nor_reads_a_model_of_another_recipe(mnist_free_context, monkeypatch):
    """best-s0.npz of an older 'best' (say, before the preset changed) is someone's two hours of training."""
    from digitnet.presets import get_preset
    from digitnet.tutorials import ladder

    folder, ctx = mnist_free_context
    older = get_preset("lenet5").with_overrides(epochs=1)
    path = folder / "lenet5-s0.npz"
    save_model(Network.from_sizes([784, 4, 10], seed=0), path, {"recipe": {**older.to_dict(), "overrides": []},
                                                                "seed": 0, "metrics": {"test_accuracy": 0.9,
                                                                                       "train_seconds": 1.0}})
    before = path.read_bytes()
    monkeypatch.setattr(ladder, "train_rung", lambda *a, **k: pytest.fail("the rung was trained"))
    with pytest.raises(DigitnetError, match=r"`models`: .*lenet5-s0.npz holds a model of another recipe"):
        ladder.run_rung("lenet5", ctx)
    with pytest.raises(DigitnetError, match="neither reused nor replaced"):
        ladder.submit_rungs(["lenet5"], ctx)
    assert path.read_bytes() == before
