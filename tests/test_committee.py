"""Committees: the mean of the members' probabilities, one model file, checked on loading like any other."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.errors import DigitnetError
from digitnet.io import load_model, save_model
from digitnet.io.committee_file import save_committee
from digitnet.io.model_file import META_KEY
from digitnet.nn import Network
from digitnet.nn.committee import Committee


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


def rewrite(path, change):
    import json

    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    meta = json.loads(arrays[META_KEY].tobytes())
    change(meta, arrays)
    arrays[META_KEY] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(path, **arrays)


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
    rewrite(path, change)
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
