"""A loaded model carries its description (``digitnet.io.Model``), checked field by field when the file is
read, committees' members included; nothing is attached to a network from outside."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.cli import main
from digitnet.errors import DigitnetError
from digitnet.io import Model, load_model, save_model
from digitnet.io.committee_file import save_committee
from digitnet.nn import Network
from digitnet.nn.committee import Committee


def nets(n=2):
    return [Network.from_sizes([12, 8, 3], seed=seed, inputs="features") for seed in range(n)]


def test_a_model_carries_its_description_and_saves_as_it_was_loaded(tmp_path, rng):
    net = nets(1)[0]
    about = {"recipe": {"name": "mlp", "label": "'mlp' with lr 0.1"}, "seed": 4, "classes": ["a", "b", "c"],
             "metrics": {"test_accuracy": 0.75}, "dataset": {"name": "blobs", "checksum": "ab"}}
    model = load_model(save_model(Model(net, about), tmp_path / "m.npz"))
    assert (model.label, model.seed, model.test_accuracy) == ("'mlp' with lr 0.1", 4, 0.75)
    assert model.classes == ["a", "b", "c"]
    assert model.dataset["name"] == "blobs" and model.recipe["name"] == "mlp" and not hasattr(model.network, "metadata")
    again = load_model(save_model(model, tmp_path / "again.npz"))
    X = rng.standard_normal((4, 12)).astype(np.float32)
    assert np.array_equal(again.network.predict_proba(X), net.predict_proba(X)) and again.metadata == model.metadata
    with pytest.raises(DigitnetError, match="carries its own description"):
        save_model(model, tmp_path / "x.npz", {"seed": 1})
    assert Model(net).label is None and Model(net).metrics == {} and Model(net).members == ()


def test_a_committee_model_has_members_with_their_own_descriptions(tmp_path, rng):
    path = save_committee(Committee(nets(3)), tmp_path / "c.npz", {"metrics": {"test_accuracy": 0.5}},
                          [{"seed": s, "metrics": {"test_accuracy": 0.25 * s}} for s in range(3)])
    model = load_model(path)
    assert model.is_committee and [m.seed for m in model.members] == [0, 1, 2]
    assert [m.test_accuracy for m in model.members] == [0.0, 0.25, 0.5] and model.test_accuracy == 0.5
    assert all(m.network is n for m, n in zip(model.members, model.network.members))
    again = load_model(save_model(model, tmp_path / "again.npz"))  # a Model of a committee saves as a committee
    X = rng.standard_normal((4, 12)).astype(np.float32)
    assert np.array_equal(again.network.predict_proba(X), model.network.predict_proba(X))
    assert [m.metadata for m in again.members] == [m.metadata for m in model.members]


@pytest.mark.parametrize("member,field", [
    ({"metrics": [0.99]}, r"members\[1\].metrics as a list, not an object"),
    ({"metrics": {"test_accuracy": "0.99"}}, r"members\[1\].metrics.test_accuracy as the text '0.99'"),
    ({"seed": "1"}, r"members\[1\].seed as the text '1'"),
    ({"classes": ["0", "1"]}, r"members\[1\].classes names 2 classes, but the network has 3 outputs"),
])
def test_info_on_a_committee_with_a_damaged_member_description_says_which_in_one_line(tmp_path, capsys, member,
                                                                                      field):
    """Issue 21: a member's metrics as a list gave an AttributeError traceback, its accuracy as text a
    ValueError; now the file is refused as it is read, naming the file and the field."""
    path = save_committee(Committee(nets()), tmp_path / "c.npz", {}, [{"seed": 0}, {"seed": 1, **member}])
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"digitnet: error: {path} is damaged: its description")
    with pytest.raises(DigitnetError, match=field):
        load_model(path)


def committee_member_setting(tmp_path):
    from digitnet.presets import get_preset

    recipe = get_preset("mlp").with_overrides(layers=(12, 8, 3), inputs="features", epochs=1)
    return recipe, tmp_path / "members"


def test_a_committee_file_under_a_members_name_is_refused_not_used_as_a_member(tmp_path):
    """Issue 21: it was read as a member, then ``'Committee' object has no attribute 'loss'``; training a
    member in its place would replace it."""
    from digitnet.scale.committee import read_members
    from digitnet.scale.members import member_file

    recipe, folder = committee_member_setting(tmp_path)
    path = member_file(folder, recipe, 0)
    save_committee(Committee(nets()), path, {"recipe": recipe.to_dict(), "seed": 0,
                                             "metrics": {"test_accuracy": 0.5, "train_seconds": 1.0}})
    before = path.read_bytes()
    with pytest.raises(DigitnetError, match=f"{path} holds a committee, not one network; it is neither reused "
                                            "nor replaced"):
        read_members(recipe, [0, 1], folder)
    assert path.read_bytes() == before


def test_a_member_file_whose_accuracy_is_text_is_refused_in_one_line_and_kept(tmp_path):
    """Issue 21: ``test_accuracy`` "0.99" in a member's file gave a ValueError when its figures were
    printed; such a file does not load, so it is named in one line before anything trains, and left alone."""
    from digitnet.scale.committee import read_members
    from digitnet.scale.members import member_file

    recipe, folder = committee_member_setting(tmp_path)
    good = {"recipe": recipe.to_dict(), "metrics": {"test_accuracy": 0.5, "train_seconds": 1.0}}
    save_model(nets(1)[0], member_file(folder, recipe, 0), {**good, "seed": 0})
    save_model(nets(1)[0], member_file(folder, recipe, 1), {**good, "seed": 1,
                                                           "metrics": {"test_accuracy": "0.99", "train_seconds": 1}})
    before = member_file(folder, recipe, 1).read_bytes()
    with pytest.raises(DigitnetError, match=r"metrics.test_accuracy as the text '0.99'") as refused:
        read_members(recipe, [0, 1], folder)
    assert "\n" not in str(refused.value) and member_file(folder, recipe, 1).read_bytes() == before


def test_texts_shown_from_a_file_are_cut_with_a_mark_and_the_default_recipe_is_not():
    """A stranger's file may hold megabytes of text; what ``info``, ``serve`` and the exports show of it
    is cut, with "…" where it was. The default's own description (over 500 characters) is shown whole."""
    from digitnet.io.metadata import summary
    from digitnet.presets import get_preset

    shown = summary({"recipe": {"name": "n" * 300, "description": "d" * 10**6}, "created": "c" * 100})
    assert shown["description"] == "d" * 1999 + "…" and shown["created"] == "c" * 39 + "…"
    assert shown["label"] == repr("n" * 99 + "…")
    default = get_preset("default").to_dict()
    assert len(default["description"]) > 500
    assert summary({"recipe": default})["description"] == default["description"]
