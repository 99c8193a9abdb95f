"""``digitnet export [MODEL] --web DIR`` and ``digitnet export MODEL OUT.onnx``: what they write, and what
they refuse to overwrite. The page itself runs in a browser: tests/e2e/test_static_page.py."""

from __future__ import annotations

import base64
import hashlib
import json
import os

import numpy as np
import pytest

from digitnet.cli import main
from digitnet.errors import DigitnetError
from digitnet.export.web import (
    MANIFEST,
    MODEL_FILE,
    PAGE_FILES,
    export_web,
    model_description,
    network_and_metadata,
    reject_rule,
)
from digitnet.io import load_model, save_model
from digitnet.io.committee_file import save_committee
from digitnet.models import packaged_model_path
from digitnet.nn import Network
from digitnet.nn.committee import Committee


def described(folder) -> dict:
    script = (folder / MODEL_FILE).read_text("utf-8")
    assert script.startswith("// ") and "window.digitnetModel = " in script
    return json.loads(script.split("window.digitnetModel = ", 1)[1].rstrip().rstrip(";"))


def decoded(array: dict) -> np.ndarray:
    dtype = {"float32": "<f4", "float64": "<f8"}[array["dtype"]]
    return np.frombuffer(base64.b64decode(array["data"]), dtype=dtype).reshape(array["shape"])


def snapshot(folder) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# -- what is written ---------------------------------------------------------------------------------------
def test_the_packaged_model_becomes_a_page_under_one_megabyte(tmp_path, capsys):
    folder = tmp_path / "page"
    assert main(["export", "--web", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert "using the packaged model" in err and "wrote the drawing page for default.npz" in out
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert files == sorted([MANIFEST, MODEL_FILE, *PAGE_FILES.values()])
    size = sum((folder / f).stat().st_size for f in files)
    assert size < 1_000_000 and f"{size / 1024:,.0f} KB" in out
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["format"] == "digitnet-web" and sorted(manifest["files"]) == sorted(set(files) - {MANIFEST})
    served = packaged_model_path().parents[1] / "serve" / "static" / "index.html"
    assert (folder / "index.html").read_bytes() == served.read_bytes()  # one front end, not two copies


def test_model_js_holds_the_networks_own_numbers(tmp_path):
    network = network_and_metadata(load_model(packaged_model_path()))[0]
    export_web(load_model(packaged_model_path()), tmp_path / "page", name=str(packaged_model_path()))
    model = described(tmp_path / "page")
    assert model["format"] == "digitnet-web-model" and model["version"] == 1 and model["server"] is False
    assert model["name"] == "default.npz"  # the file's name, not where it lies
    assert model["about"]["classes"] == [str(d) for d in range(10)]
    rule = load_model(packaged_model_path()).reject  # the packaged model's reject rule goes along
    assert model["reject"] == {"score": rule.score, "temperature": rule.temperature, "threshold": rule.threshold}
    (member,) = model["members"]
    assert member["input_shape"] == [1, 28, 28] and member["output"] == "softmax"
    layers = network.layers_before_loss  # the final softmax is the loss's output, run once
    assert [layer["type"] for layer in member["layers"]] == [layer.type_name for layer in layers]
    count = 0
    for layer, written in zip(layers, member["layers"]):
        for name, array in {**layer.params, **layer.state}.items():
            assert written[name]["dtype"] == "float32"
            np.testing.assert_array_equal(decoded(written[name]), array)  # bit for bit
            count += array.size
    assert count == 147_754 + 2 * (16 + 32 + 256)  # the weights, and batch norm's running statistics
    assert member["layers"][0]["kernel_size"] == [5, 5] and member["layers"][1]["size"] == [2, 2]


def test_a_committee_of_five_is_written_with_its_size_printed(tmp_path, capsys):
    members = [Network.from_sizes([784, 64, 10], seed=s) for s in range(5)]
    save_committee(Committee(members), tmp_path / "c.npz")
    assert main(["export", str(tmp_path / "c.npz"), "--web", str(tmp_path / "page")]) == 0
    out = capsys.readouterr().out
    assert "a committee of 5 networks" in out and "KB (static/model.js" in out
    assert len(described(tmp_path / "page")["members"]) == 5


def test_class_names_come_from_the_metadata_when_they_fit_the_network():
    network = Network.from_sizes([784, 8, 10], seed=0)
    letters = [chr(ord("a") + k) for k in range(10)]
    assert model_description(network, metadata={"classes": letters})["about"]["classes"] == letters
    numbers = [str(k) for k in range(10)]
    assert model_description(network, metadata={"classes": letters[:3]})["about"]["classes"] == numbers
    assert model_description(network, metadata={})["about"]["classes"] == numbers


def test_a_float64_network_keeps_its_float64_weights(tmp_path):
    network = Network.from_sizes([784, 8, 10], dtype="float64", seed=0)
    export_web(network, tmp_path / "page")
    first = described(tmp_path / "page")["members"][0]["layers"][0]
    np.testing.assert_array_equal(decoded(first["W"]), network.layers[0].params["W"])
    assert first["W"]["dtype"] == "float64"


@pytest.mark.parametrize("network, message", [
    (Network.from_sizes([100, 10]), "inputs of shape"),
    (Network.from_sizes([784, 1], loss="binary_cross_entropy"), "single output"),
    (Network.from_sizes([784, 10], inputs="features"), "reads features"),
])
def test_a_model_the_page_cannot_run_is_refused_and_nothing_written(tmp_path, network, message):
    with pytest.raises(DigitnetError, match=message):
        export_web(network, tmp_path / "page")
    assert not (tmp_path / "page").exists()


# -- the reject rule ----------------------------------------------------------------------------------------
def test_a_reject_rule_in_the_metadata_goes_into_the_page(tmp_path):
    network = Network.from_sizes([784, 8, 10], seed=0)
    metadata = {"reject": {"score": "energy", "temperature": 2, "threshold": 3.5}}
    assert model_description(network, metadata=metadata)["reject"] == {"score": "energy", "temperature": 2.0,
                                                                       "threshold": 3.5}
    metadata = {"reject": {"score": "max_probability", "threshold": 0.9, "disagreement": 0.5}}
    assert reject_rule(metadata, members=2) == {"score": "max_probability", "temperatures": [1.0, 1.0],
                                                "threshold": 0.9, "disagreement": 0.5}
    # no threshold: it refuses nothing by the score, as the reader of model files takes it
    assert reject_rule({"reject": {"score": "energy"}})["threshold"] is None
    # a threshold of -inf is stored as null in a model file: it refuses nothing; 'accept' is for readers
    metadata = {"reject": {"score": "max_logit", "temperature": 1.3, "threshold": None, "accept": 0.997}}
    assert reject_rule(metadata) == {"score": "max_logit", "temperature": 1.3, "threshold": None}


def test_a_model_brings_its_description_and_a_bare_network_takes_one(tmp_path):
    """What load_model gives (a Model: network and metadata), or a network with its metadata given."""
    from digitnet.io.model import Model

    network = Network.from_sizes([784, 8, 10], seed=0)
    about = {"metrics": {"test_accuracy": 0.5}, "reject": {"score": "energy", "threshold": 1}}
    export_web(Model(network, about), tmp_path / "page", name="held.npz")
    model = described(tmp_path / "page")
    assert model["about"]["test_accuracy"] == 0.5 and model["reject"]["threshold"] == 1.0
    assert model_description(network, metadata=about) == {**model, "name": "model"}
    committee = Model(Committee([network, Network.from_sizes([784, 8, 10], seed=1)]))
    assert len(model_description(committee)["members"]) == 2


@pytest.mark.parametrize("rule, message", [
    ("refuse", "must be a mapping"),
    ({"score": "entropy", "threshold": 1}, "unknown reject score 'entropy'"),
    ({"score": "energy", "threshold": "3"}, "threshold must be a number"),
    ({"score": "energy", "threshold": 3, "temperature": 0}, "temperature must be a number from"),
    ({"score": "energy", "threshold": 3, "disagreement": 2}, "`disagreement` must be a share"),
])
def test_a_malformed_reject_rule_is_an_error_not_ignored(rule, message):
    with pytest.raises(DigitnetError, match=message) as caught:
        reject_rule({"reject": rule}, "m.npz")
    assert "m.npz has a malformed 'reject' rule" in str(caught.value)


# -- what is refused -----------------------------------------------------------------------------------------
def test_an_earlier_export_is_written_over(tmp_path):
    folder = tmp_path / "page"
    export_web(Network.from_sizes([784, 8, 10], seed=0), folder)
    first = snapshot(folder)
    export_web(Network.from_sizes([784, 8, 10], seed=1), folder)
    second = snapshot(folder)
    assert first.keys() == second.keys() and first[MODEL_FILE] != second[MODEL_FILE]


def test_an_interrupted_export_can_be_run_again(tmp_path):
    folder = tmp_path / "page"
    export_web(Network.from_sizes([784, 8, 10], seed=0), folder)
    (folder / "static" / "app.js").unlink()  # as if stopped part way: the manifest is written first
    export_web(Network.from_sizes([784, 8, 10], seed=0), folder)
    assert (folder / "static" / "app.js").is_file()


@pytest.mark.parametrize("stranger", ["notes.txt", "static/photo.png", "model.npz", "static/deeper/", "empty/"])
def test_a_folder_holding_anything_else_is_refused_and_left_as_it_was(tmp_path, capsys, stranger):
    folder = tmp_path / "page"
    export_web(Network.from_sizes([784, 8, 10], seed=0), folder)
    path = folder / stranger
    if stranger.endswith("/"):
        path.mkdir()
    else:
        path.write_bytes(b"someone's work")
    before = snapshot(folder)
    assert main(["export", "--web", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "did not write" in err and stranger.rstrip("/") in err and err.count("\n") == 2  # note + one-line error
    assert snapshot(folder) == before and path.exists()


def test_a_folder_that_is_not_an_export_is_refused(tmp_path, capsys):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "index.html").write_text("<p>my own page</p>")
    assert main(["export", "--web", str(folder)]) == 2
    assert "index.html" in capsys.readouterr().err
    assert (folder / "index.html").read_text() == "<p>my own page</p>" and len(list(folder.iterdir())) == 1


def test_a_file_given_as_the_folder_is_refused(tmp_path, capsys):
    model = save_model(Network.from_sizes([784, 8, 10], seed=0), tmp_path / "m.npz")
    before = model.read_bytes()
    assert main(["export", str(model), "--web", str(model)]) == 2
    assert "is a file; --web needs a folder" in capsys.readouterr().err
    assert model.read_bytes() == before


# -- ONNX: nothing trained is lost (issue 21) -------------------------------------------------------------------
@pytest.fixture
def model_file(tmp_path):
    return save_model(Network.from_sizes([784, 8, 10], seed=0), tmp_path / "m.npz")


def test_exporting_a_model_onto_itself_is_refused(model_file, capsys):
    before = model_file.read_bytes()
    assert main(["export", str(model_file), str(model_file)]) == 2
    assert "is the model being exported" in capsys.readouterr().err
    assert model_file.read_bytes() == before
    kept = network_and_metadata(load_model(model_file))[0]
    assert kept.n_parameters == Network.from_sizes([784, 8, 10]).n_parameters


def test_exporting_onto_the_model_through_a_link_is_refused(model_file, tmp_path, capsys):
    link = tmp_path / "link.onnx"
    os.symlink(model_file, link)
    before = model_file.read_bytes()
    assert main(["export", str(model_file), str(link)]) == 2
    assert "is the model being exported" in capsys.readouterr().err and model_file.read_bytes() == before


def test_another_model_file_is_not_replaced(model_file, tmp_path, capsys):
    other = save_model(Network.from_sizes([784, 4, 10], seed=1), tmp_path / "other.onnx")  # a model, oddly named
    before = other.read_bytes()
    assert main(["export", str(model_file), str(other)]) == 2
    assert "is a model file" in capsys.readouterr().err and other.read_bytes() == before


def test_an_onnx_file_named_like_a_model_is_refused(model_file, tmp_path, capsys):
    assert main(["export", str(model_file), str(tmp_path / "new.npz")]) == 2
    assert "ends in .npz" in capsys.readouterr().err and not (tmp_path / "new.npz").exists()


def test_a_file_that_is_not_onnx_is_not_replaced(model_file, tmp_path, capsys):
    photo = tmp_path / "photo.onnx"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n...")
    assert main(["export", str(model_file), str(photo)]) == 2
    assert "is not an ONNX file" in capsys.readouterr().err and photo.read_bytes().startswith(b"\x89PNG")


def test_an_older_onnx_file_is_replaced(model_file, tmp_path):
    import onnx

    out = tmp_path / "m.onnx"
    assert main(["export", str(model_file), str(out)]) == 0
    assert main(["export", str(model_file), str(out)]) == 0  # the ONNX file of the first run is replaced
    assert onnx.load(str(out)).graph.input[0].name == "input"


def test_export_needs_something_to_write(model_file, capsys):
    assert main(["export", str(model_file)]) == 2
    assert "say what to write" in capsys.readouterr().err


def test_onnx_and_the_page_at_once(model_file, tmp_path):
    assert main(["export", str(model_file), str(tmp_path / "m.onnx"), "--web", str(tmp_path / "page")]) == 0
    assert (tmp_path / "m.onnx").is_file() and (tmp_path / "page" / MODEL_FILE).is_file()


def test_the_page_files_are_package_data():
    """A wheel must carry every file the page needs, or 'digitnet export --web' fails after 'pip install'."""
    import fnmatch
    from pathlib import Path

    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    patterns = project["tool"]["setuptools"]["package-data"]["digitnet.serve"]
    for name in PAGE_FILES:
        assert any(fnmatch.fnmatch(f"static/{name}", pattern) for pattern in patterns), name


def test_digitnet_serve_sends_model_js_or_why_the_page_cannot_run_the_model(tmp_path):
    import urllib.request

    from digit_pictures import running_server

    readable = save_model(Network.from_sizes([784, 8, 10], seed=0), tmp_path / "m.npz")
    features = save_model(Network.from_sizes([784, 8, 10], seed=0, inputs="features"), tmp_path / "f.npz")
    expected = {readable: "// The model for digitnet's drawing page", features: "window.digitnetModelError"}
    for path, start in expected.items():
        with running_server(path) as server, urllib.request.urlopen(server.url + "static/model.js") as response:
            assert response.headers["Content-Type"].startswith("text/javascript")
            body = response.read().decode("utf-8")
        assert body.startswith(start)
    assert "reads features, not pixels" in body
