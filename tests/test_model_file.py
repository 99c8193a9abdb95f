"""Model files: exact round trips, atomic writes, and refusal of anything damaged or foreign."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tracemalloc
import zipfile

import numpy as np
import pytest

from digitnet.errors import DigitnetError
from digitnet.io import load_model, save_model
from digitnet.io.model_file import META_KEY
from digitnet.nn import Network
from tampering import rewrite_arrays, rewrite_description


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
    assert np.array_equal(loaded.network.predict_proba(X), net.predict_proba(X))
    assert loaded.metadata["note"] == "hello" and loaded.metadata["metrics"]["test_accuracy"] == 0.5
    assert loaded.test_accuracy == 0.5 and loaded.members == () and not loaded.is_committee
    assert loaded.network.get_config() == net.get_config()


@pytest.mark.parametrize("damage,message", [
    (lambda a: a.__setitem__("param.0.W", a["param.0.W"][:5]), "shape"),
    (lambda a: a.pop("param.3.b"), "missing"),
    (lambda a: a.__setitem__("param.0.b", np.full_like(a["param.0.b"], np.nan)), "finite"),
    (lambda a: a.__setitem__(META_KEY, np.frombuffer(b"{not json", np.uint8)), "JSON"),
    (lambda a: a.pop(META_KEY), "not a digitnet model"),
])
def test_damaged_files_are_refused(model_path, damage, message):
    _, path = model_path
    rewrite_arrays(path, damage)
    with pytest.raises(DigitnetError, match=message):
        load_model(path)


@pytest.mark.parametrize("damage,message", [
    (lambda meta, a: meta.update(format_version=99), "newer"),
    (lambda meta, a: meta["architecture"].update(layers=[{"type": "os.system"}]), "unknown layer"),
])
def test_damaged_descriptions_are_refused(model_path, damage, message):
    _, path = model_path
    rewrite_description(path, damage)
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


def add_pickle_bomb(path, member: str, flag) -> None:
    """Add to the archive at ``path`` an object array whose unpickling would create the file ``flag``."""

    class Boom:
        def __reduce__(self):
            return (os.system, ("touch " + str(flag),))

    buf = io.BytesIO()
    np.save(buf, np.array([Boom()], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr(member, buf.getvalue())


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_pickled_object_arrays_are_never_unpickled(model_path, tmp_path):
    """An archive whose arrays are pickles (object dtype) must be refused, not executed."""
    _, path = model_path

    add_pickle_bomb(path, "param.0.W.npy", tmp_path / "pwned")
    with pytest.raises(DigitnetError):
        load_model(path)
    assert not (tmp_path / "pwned").exists()


def test_the_array_reader_never_unpickles_even_when_the_header_check_is_bypassed(model_path, tmp_path):
    """The header check refuses object arrays first; the reader itself must refuse them too
    (``allow_pickle=False``), so that one guard going quietly does not open the door."""
    from digitnet.io.model_file import ArrayHeader, ModelArchive

    _, path = model_path

    add_pickle_bomb(path, "param.evil.npy", tmp_path / "pwned")
    with ModelArchive(path) as archive:
        with pytest.raises(DigitnetError, match="not an array of plain numbers"):
            archive.header("param.evil")  # the first guard
        with pytest.raises(DigitnetError, match="not a readable digitnet model file"):
            archive.read(ArrayHeader("param.evil.npy", (1,), np.dtype(object)))  # the second, alone
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


# -- hostile files: every size a file claims is checked before it is paid for ------------------------
def write_archive(path, members: dict) -> None:
    """A zip archive as np.savez would write it, but with any members: arrays, or raw .npy bytes."""
    with zipfile.ZipFile(path, "w") as z:
        for name, value in members.items():
            if isinstance(value, np.ndarray):
                buffer = io.BytesIO()
                np.save(buffer, value, allow_pickle=False)
                value = buffer.getvalue()
            z.writestr(name + ".npy", value)


def description(architecture=None, **extra) -> np.ndarray:
    meta = {"format": "digitnet-model", "format_version": 1,
            "architecture": architecture or {"layers": [{"type": "dense", "units": 3, "input_dim": 4},
                                                        {"type": "softmax"}],
                                             "loss": "cross_entropy", "input_shape": [4], "dtype": "float32"},
            **extra}
    return np.frombuffer(json.dumps(meta).encode(), np.uint8)


def good_arrays() -> dict:
    return {"param.0.W": np.zeros((4, 3), np.float32), "param.0.b": np.zeros(3, np.float32)}


@contextlib.contextmanager
def bounded(megabytes: float):
    """The block may allocate at most ``megabytes`` at its peak (NumPy reports its arrays to tracemalloc)."""
    tracemalloc.start()
    try:
        yield
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < megabytes * 2**20, f"peak {peak / 2**20:.0f} MB"


def test_a_small_file_claiming_a_huge_layer_is_refused_before_anything_is_built(tmp_path):
    """784 x 1,000,000 weights would be 3 GB of random numbers drawn before the first check."""
    arch = {"layers": [{"type": "dense", "units": 1_000_000, "input_dim": 784}, {"type": "relu"},
                       {"type": "dense", "units": 10}, {"type": "softmax"}],
            "loss": "cross_entropy", "input_shape": [784], "dtype": "float32"}
    path = tmp_path / "huge.npz"
    write_archive(path, {META_KEY: description(arch), "param.0.W": np.zeros((2, 2), np.float32)})
    assert path.stat().st_size < 10_000
    with bounded(20), pytest.raises(DigitnetError, match="unusable architecture: the network would have more than "
                                                         "33,554,432 parameters"):
        load_model(path)


@pytest.mark.parametrize("layer,message", [
    ({"type": "dense", "units": 1e30, "input_dim": 4}, "more than"),
    ({"type": "dense", "units": "abc", "input_dim": 4}, "bad settings for a 'dense' layer"),
    ({"type": "dense", "units": [3], "input_dim": 4}, "bad settings for a 'dense' layer"),
    ({"type": "dense", "units": 3, "input_dim": 4, "init": "os.system"}, "unknown initialiser"),
    ({"type": "conv2d", "filters": 3, "kernel_size": 1e9}, "conv2d kernel_size|does not fit"),
    ({"type": "conv2d", "filters": 1, "kernel_size": 3, "padding": 10_000, "stride": 10_000},
     "numbers for each sample"),
    ({"type": "conv2d", "filters": 2_000_000, "kernel_size": 1}, "numbers for each sample"),
    ({"type": "dropout", "rate": "abc"}, "bad settings for a 'dropout' layer"),
    ({"type": ["dense"]}, "unknown layer type"),
    ({"units": 3}, "unknown layer type"),
    ("dense", "unknown layer type"),
])
def test_bad_layer_sizes_and_types_get_one_line(tmp_path, layer, message):
    conv = isinstance(layer, dict) and layer.get("type") == "conv2d"
    arch = {"layers": [layer, {"type": "flatten"}, {"type": "dense", "units": 2}, {"type": "softmax"}],
            "loss": "cross_entropy", "input_shape": [1, 28, 28] if conv else [4], "dtype": "float32"}
    path = tmp_path / "bad.npz"
    write_archive(path, {META_KEY: description(arch)})
    with bounded(50), pytest.raises(DigitnetError, match=message) as err:
        load_model(path)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("change,message", [
    ({"input_shape": "abc"}, "input shape must be one to three positive whole numbers"),
    ({"input_shape": [0]}, "input shape must be"),
    ({"input_shape": [1, 2, 3, 4]}, "input shape must be"),
    ({"input_shape": None}, "no `input_shape`"),
    ({"dtype": "object"}, "`dtype` must be float32 or float64, got 'object'"),
    ({"dtype": "int8"}, "`dtype` must be float32 or float64"),
    ({"dtype": "U10"}, "`dtype` must be float32 or float64"),
    ({"dtype": "no such type"}, "`dtype` must be float32 or float64"),
    ({"dtype": ["float32"]}, "`dtype` must be float32 or float64"),
    ({"loss": ["cross_entropy"]}, "`loss` and `inputs` must be names"),
    ({"loss": "hinge"}, "unknown loss"),
    ({"layers": "dense"}, "`layers` must be a list"),
    ({"layers": [{"type": "relu"}] * 1001}, "1,001 layers"),
])
def test_bad_architectures_get_one_line(tmp_path, change, message):
    arch = {"layers": [{"type": "dense", "units": 3, "input_dim": 4}, {"type": "softmax"}],
            "loss": "cross_entropy", "input_shape": [4], "dtype": "float32", **change}
    path = tmp_path / "bad.npz"
    write_archive(path, {META_KEY: description(arch), **good_arrays()})
    with pytest.raises(DigitnetError, match=message):
        load_model(path)


def test_an_array_claiming_gigabytes_is_refused_before_its_data_is_read(tmp_path):
    """A member whose header and zip entry both claim 3.9 GB behind a few bytes of real data: the
    claim alone is refused (reading it would inflate gigabytes of zeros)."""
    path = tmp_path / "inflating.npz"
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False, "shape": (975_000_000,)})
    write_archive(path, {META_KEY: description(), "param.0.W": header.getvalue() + b"\0" * 1000,
                         "param.0.b": np.zeros(3, np.float32)})
    claim_size(path, "param.0.W.npy", len(header.getvalue()) + 975_000_000 * 4)
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("param.0.W.npy").file_size > 3.9e9  # what the zip itself says
    with bounded(20), pytest.raises(DigitnetError, match="its arrays claim more than 128 MB"):
        load_model(path)


def claim_size(path, member: str, size: int) -> None:
    """Make the zip entry of ``member`` claim ``size`` uncompressed bytes (local and central headers)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[at + offset:at + offset + 4] = size.to_bytes(4, "little")
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("member,message", [
    (np.zeros((4, 3), np.int8), "is int8, not a float array"),
    (np.zeros((4, 3), np.complex64), "not a float array"),
    (np.zeros((4, 3), np.longdouble), "not a float array"),
    (np.zeros(3, [("a", np.float32)]), "not an array of plain numbers"),
    (np.zeros((4, 3), np.float64), None),  # another float type is fine: it is converted
])
def test_array_types_are_checked_from_the_header(tmp_path, member, message):
    path = tmp_path / "m.npz"
    write_archive(path, {META_KEY: description(), **good_arrays(), "param.0.W": member})
    if message is None:
        assert load_model(path).network.named_arrays()["0.W"].dtype == np.float32
    else:
        with pytest.raises(DigitnetError, match=message):
            load_model(path)


def test_an_array_whose_header_claims_more_than_its_member_holds_is_refused(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False, "shape": (4, 3)})
    path = tmp_path / "m.npz"
    write_archive(path, {META_KEY: description(), **good_arrays(), "param.0.W": header.getvalue() + b"\0" * 8})
    with pytest.raises(DigitnetError, match=r"claims \(4, 3\) values of float32 but its member holds 8 bytes"):
        load_model(path)


def test_a_description_nested_200000_deep_is_refused_without_recursing(tmp_path):
    nested = b'{"format": "digitnet-model", "format_version": 1, "x": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    path = tmp_path / "deep.npz"
    write_archive(path, {META_KEY: np.frombuffer(nested, np.uint8)})
    with pytest.raises(DigitnetError, match="nests deeper than 64 levels"):
        load_model(path)


def test_brackets_inside_strings_do_not_count_as_nesting(model_path):
    net, path = model_path
    save_model(net, path, {"note": "[[[[" * 100 + '\\"{{' * 100})
    assert load_model(path).metadata["note"].startswith("[[[[")


def test_a_description_larger_than_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from digitnet.io import model_file

    monkeypatch.setattr(model_file, "MAX_DESCRIPTION_BYTES", 1000)
    path = tmp_path / "m.npz"
    write_archive(path, {META_KEY: description(note="x" * 2000), **good_arrays()})
    monkeypatch.setattr(model_file.ModelArchive, "read", lambda *a: pytest.fail("the description was read"))
    with pytest.raises(DigitnetError, match="description is not a text of at most"):
        load_model(path)


@pytest.mark.parametrize("version,message", [
    ("1", "format version '1' is not a whole number"),
    (-7, "format version -7 is not a whole number from 1 up"),
    (0, "format version 0"),
    (True, "format version True"),
    (1.0, "format version 1.0"),
    (None, "format version None"),
    ("missing", "has no format version"),
    (3, "written by a newer digitnet"),  # 2 is a committee (io/committee_file.py)
])
def test_format_versions(tmp_path, version, message):
    meta = json.loads(description().tobytes())
    if version == "missing":
        del meta["format_version"]
    else:
        meta["format_version"] = version
    path = tmp_path / "m.npz"
    write_archive(path, {META_KEY: np.frombuffer(json.dumps(meta).encode(), np.uint8), **good_arrays()})
    with pytest.raises(DigitnetError, match=message):
        load_model(path)


def test_nan_and_huge_numbers_in_the_description_read_as_unknown(tmp_path):
    blob = description().tobytes().replace(b'"format": ', b'"accuracy": NaN, "big": 1e400, "format": ')
    path = tmp_path / "m.npz"
    write_archive(path, {META_KEY: np.frombuffer(blob, np.uint8), **good_arrays()})
    meta = load_model(path).metadata
    assert meta["accuracy"] is None and meta["big"] is None


def test_nan_in_metadata_is_saved_as_null(model_path):
    net, path = model_path
    save_model(net, path, {"metrics": {"val_loss": float("nan"), "x": np.float32("inf")}})
    assert load_model(path).metadata["metrics"] == {"val_loss": None, "x": None}


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_not_a_model_file(device):
    with pytest.raises(DigitnetError, match="not a regular file"):
        load_model(device)


def test_members_with_the_same_name_or_too_many_members_are_refused(tmp_path, monkeypatch):
    from digitnet.io import model_file

    path = tmp_path / "m.npz"
    write_archive(path, {META_KEY: description(), **good_arrays()})
    with zipfile.ZipFile(path, "a") as z, pytest.warns(UserWarning, match="Duplicate name"):
        z.writestr("param.0.b.npy", b"x")
    with pytest.raises(DigitnetError, match="two of its members have the same name"):
        load_model(path)
    monkeypatch.setattr(model_file, "MAX_MEMBERS", 2)
    write_archive(path, {META_KEY: description(), **good_arrays()})
    with pytest.raises(DigitnetError, match="it has 3 members"):
        load_model(path)


@pytest.mark.parametrize("metadata,field", [
    ({"metrics": {"test_accuracy": "high", "epochs_run": [1]}}, "metrics.test_accuracy as the text 'high'"),
    ({"metrics": {"test_accuracy": "0.99"}}, "metrics.test_accuracy as the text '0.99', not a fraction from 0 to 1"),
    ({"metrics": {"test_accuracy": 99.1}}, "metrics.test_accuracy as 99.1, not a fraction"),
    ({"metrics": {"epochs_run": [1]}}, "metrics.epochs_run as a list, not a whole number"),
    ({"metrics": "good"}, "metrics as the text 'good', not an object"),
    ({"metrics": [0.5]}, "metrics as a list, not an object"),
    ({"recipe": ["default"]}, "recipe as a list"),
    ({"recipe": {"name": {"x": 1}}}, "recipe.name as an object, not a line of text"),
    ({"recipe": {"label": "x\x1b[2J"}}, "recipe.label as the text"),
    ({"dataset": {"name": 5}}, "dataset.name as 5"),
    ({"dataset": []}, "dataset as a list"),
    ({"dataset": {"train": -3}}, "dataset.train as -3, not a whole number, 0 or more"),
    ({"classes": "0123"}, "classes as the text '0123', not a list"),
    ({"classes": [None, 1, 2]}, r"classes\[1\] as 1"),
    ({"classes": ["a", "b"]}, "classes names 2 classes, but the network has 3 outputs"),
    ({"seed": "zero"}, "seed as the text 'zero', not a whole number"),
    ({"seed": -1}, "seed as -1"),
    ({"seed": True}, "seed as True"),
    ({"created": 7}, "created as 7"),
    ({"environment": ["numpy"]}, "environment as a list"),
    ({"environment": {"blas_threads": "two"}}, "environment.blas_threads as the text 'two'"),
    ({"environment": {"pillow": "13\x1b[2J"}}, "environment.pillow as the text"),
    ({"history": {"epochs": [{"epoch": 1, "loss": 0.5}, {"epoch": 2, "loss": "nan"}]}},
     r"history.epochs\[1\].loss as the text 'nan', not a number"),
    ({"history": {"interrupted": "no"}}, "history.interrupted as the text 'no', not true or false"),
    ({"history": {"epochs": {"1": {}}}}, "history.epochs as an object, not a list"),
])
def test_every_field_read_from_a_description_is_checked_and_named_in_one_line(model_path, metadata, field, capsys):
    """A stranger's description with a field of the wrong type or range is refused when the file is read,
    with the file and the field named, instead of breaking whoever reads the field later."""
    from digitnet.cli import main

    net, path = model_path
    save_model(net, path, metadata)
    with pytest.raises(DigitnetError, match=f"{path} is damaged: its description('s| gives) {field}") as err:
        load_model(path)
    assert "\n" not in str(err.value)
    assert main(["info", str(path)]) == 2
    assert capsys.readouterr().err.strip() == f"digitnet: error: {err.value}"


def test_unknown_fields_and_unknown_values_are_fine(model_path):
    net, path = model_path
    save_model(net, path, {"note": {"any": ["thing"]}, "seed": None, "metrics": {"test_accuracy": None, "extra": "x"},
                           "history": {"epochs": [{"epoch": 1, "loss": None, "custom": [1]}]},
                           "classes": ["a", "b", "c"]})
    model = load_model(path)
    assert model.test_accuracy is None and model.seed is None and model.classes == ["a", "b", "c"]
    assert model.metadata["note"] == {"any": ["thing"]}
