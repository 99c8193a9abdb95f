"""Model files: exact round trips, atomic writes, and refusal of anything damaged or foreign."""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest

from digitnet.errors import DigitnetError
from digitnet.io import load_model, save_model
from digitnet.io.model_file import META_KEY
from digitnet.nn import Network


@pytest.fixture
def model_path(tmp_path):
    net = Network.from_sizes([12, 8, 3], dropout=0.1, seed=0, inputs="features")
    path = tmp_path / "m.npz"
    save_model(net, path, {"metrics": {"test_accuracy": np.float64(0.5)}, "note": "hello"})
    return net, path


def test_round_trip_gives_identical_predictions(model_path, rng):
    net, path = model_path
    loaded = load_model(path)
    X = rng.standard_normal((5, 12)).astype(np.float32)
    assert np.array_equal(loaded.predict_proba(X), net.predict_proba(X))
    assert loaded.metadata["note"] == "hello" and loaded.metadata["metrics"]["test_accuracy"] == 0.5
    assert loaded.get_config() == net.get_config()


def rewrite(path, change):
    """Rewrite the archive with ``change(arrays)`` applied, as a tamperer would."""
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    change(arrays)
    with open(path, "wb") as out:
        np.savez(out, **arrays)


def meta_of(arrays):
    return json.loads(arrays[META_KEY].tobytes())


def set_meta(arrays, meta):
    arrays[META_KEY] = np.frombuffer(json.dumps(meta).encode(), np.uint8)


@pytest.mark.parametrize("damage,message", [
    (lambda a: a.__setitem__("param.0.W", a["param.0.W"][:5]), "shape"),
    (lambda a: a.pop("param.3.b"), "missing"),
    (lambda a: a.__setitem__("param.0.b", np.full_like(a["param.0.b"], np.nan)), "finite"),
    (lambda a: a.__setitem__(META_KEY, np.frombuffer(b"{not json", np.uint8)), "JSON"),
    (lambda a: a.pop(META_KEY), "not a digitnet model"),
    (lambda a: set_meta(a, {**meta_of(a), "format_version": 99}), "newer"),
    (lambda a: set_meta(a, {**meta_of(a), "architecture": {**meta_of(a)["architecture"],
                                                           "layers": [{"type": "os.system"}]}}), "unknown layer"),
])
def test_damaged_files_are_refused(model_path, damage, message):
    _, path = model_path
    rewrite(path, damage)
    with pytest.raises(DigitnetError, match=message):
        load_model(path)


def test_truncated_and_foreign_files_are_refused(model_path, tmp_path):
    _, path = model_path
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DigitnetError, match="not a readable digitnet model"):
        load_model(path)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(DigitnetError, match=r"not a digitnet model file \(those are .npz archives") as err:
        load_model(text)
    assert "pickle" not in str(err.value)  # NumPy's own guess would talk about pickles
    with pytest.raises(DigitnetError, match="no model file"):
        load_model(tmp_path / "missing.npz")
    with pytest.raises(DigitnetError, match="is a folder; give the path of a model file in it"):
        load_model(tmp_path)


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_pickled_object_arrays_are_never_unpickled(model_path, tmp_path):
    """An archive whose arrays are pickles (object dtype) must be refused, not executed."""
    _, path = model_path

    class Boom:
        def __reduce__(self):
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    buf = io.BytesIO()
    np.save(buf, np.array([Boom()], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("param.0.W.npy", buf.getvalue())
    with pytest.raises(DigitnetError):
        load_model(path)
    assert not (tmp_path / "pwned").exists()


def test_failed_save_leaves_the_old_file_intact(model_path, monkeypatch):
    net, path = model_path
    before = path.read_bytes()

    def broken_savez(f, **arrays):
        f.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError):
        save_model(net, path)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
