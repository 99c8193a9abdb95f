"""ONNX export, checked the way a user would check it: the file passes ``onnx.checker`` and, run in ONNX
Runtime, gives digitnet's classes and probabilities (within 1e-5) on MNIST test images and on random ones.

Every layer type and option is covered by a small network with random weights (equivalence needs no
training); the MLP, LeNet-5 and a BN CNN are also trained briefly and compared on real test digits.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from digitnet.cli import main
from digitnet.errors import DigitnetError
from digitnet.export import IR_VERSION, OPSET, committee_to_onnx, export_onnx, to_onnx
from digitnet.io import load_model, save_model
from digitnet.nn import Network
from digitnet.nn.layers import Dense, Layer
from digitnet.nn.losses import Loss
from digitnet.nn.optimizers import make_optimizer
from digitnet.presets import get_preset
from digitnet.train import Trainer, build_network

IMAGE = (1, 28, 28)
TOLERANCE = 1e-5  # float32 sums in another order (ONNX Runtime's kernels against NumPy's BLAS)


def session(model) -> ort.InferenceSession:
    """An ONNX Runtime session on a ModelProto or a file, as a user would open it."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # the test machine's cores are shared
    source = model.SerializeToString() if isinstance(model, onnx.ModelProto) else str(model)
    return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])


def run_onnx(model, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    probabilities, labels = session(model).run(["probabilities", "label"], {"input": x})
    return probabilities, labels


def assert_matches(network: Network, model, x: np.ndarray) -> None:
    """Same classes on every sample, probabilities within TOLERANCE, and a valid, pinned-version graph."""
    if isinstance(model, onnx.ModelProto):
        onnx.checker.check_model(model, full_check=True)
    probabilities, labels = run_onnx(model, x)
    expected_labels, expected = network.predict_with_proba(x)
    assert probabilities.dtype == np.float32 and probabilities.shape == expected.shape
    assert labels.dtype == np.int64 and labels.shape == (len(x),)
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_allclose(probabilities, expected, rtol=0, atol=TOLERANCE)


def randomise_state(network: Network, seed: int = 0) -> Network:
    """Batch norms with statistics and scales of their own, so that exporting them wrongly shows."""
    rng = np.random.default_rng(seed)
    weights = network.get_weights()
    for name, array in weights.items():
        if name.endswith(("running_mean", "beta")):
            weights[name] = rng.normal(0, 0.3, array.shape)
        elif name.endswith(("running_var", "gamma")):
            weights[name] = rng.uniform(0.5, 2.0, array.shape)
    network.set_weights(weights)
    return network


def images(n: int, shape=IMAGE, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, *shape), dtype=np.float32)


def spec_network(layers: list[dict], input_shape=IMAGE, loss="cross_entropy", seed=0, **kwargs) -> Network:
    return randomise_state(Network.from_spec(layers, loss=loss, input_shape=input_shape, seed=seed, **kwargs), seed)


def conv(filters, size=3, **kwargs):
    return {"type": "conv2d", "filters": filters, "kernel_size": size, **kwargs}


def dense(units):
    return {"type": "dense", "units": units}


def t(kind, **kwargs):
    return {"type": kind, **kwargs}


def train_briefly(network: Network, mnist, n: int = 2000) -> Network:
    Trainer(network, make_optimizer("momentum", network.params, 0.05), epochs=1, batch_size=64, seed=0,
            progress=False).fit(
        mnist.train_images[:n], mnist.train_labels[:n])
    return network


# -- every layer type and option, random weights ----------------------------------------------------
MLP_784 = (784,)

CASES = {
    # activations (and dropout, which inference leaves out), in an MLP on flat (N, 784) input
    **{f"mlp-{act}": ([dense(24), t(act), t("dropout", rate=0.3), dense(10), t("softmax")], MLP_784, "cross_entropy")
       for act in ("sigmoid", "tanh", "relu", "identity", "softmax")},
    "mlp-leaky_relu": ([dense(24), t("leaky_relu", alpha=0.2), dense(10)], MLP_784, "cross_entropy"),
    # the outputs predict_proba gives for each loss
    "cross_entropy-logits": ([dense(16), t("relu"), dense(10)], MLP_784, "cross_entropy"),
    "bce-single-output": ([dense(16), t("tanh"), dense(1), t("sigmoid")], MLP_784, "binary_cross_entropy"),
    "bce-three-outputs": ([dense(16), t("relu"), dense(3)], MLP_784, "binary_cross_entropy"),
    "quadratic-sigmoid": ([dense(16), t("sigmoid"), dense(10), t("sigmoid")], MLP_784, "quadratic"),
    "quadratic-softmax": ([dense(16), t("relu"), dense(10), t("softmax")], MLP_784, "quadratic"),
    "quadratic-single-identity": ([dense(8), t("relu"), dense(1), t("identity")], MLP_784, "quadratic"),
    "mlp-batchnorm-features": ([dense(32), t("batchnorm"), t("relu"), dense(10), t("batchnorm"), t("softmax")],
                               MLP_784, "cross_entropy"),
    # convolutions, pooling and batch norm on (N, 1, 28, 28)
    "conv-stride-padding": ([conv(4, 3, stride=2, padding=1), t("relu"), conv(6, 5, padding=2), t("relu"),
                             t("flatten"), dense(10)], IMAGE, "cross_entropy"),
    "conv-rectangular": ([conv(3, (3, 5), stride=(2, 1), padding=(1, 2)), t("tanh"), t("flatten"), dense(10)],
                         IMAGE, "cross_entropy"),
    "maxpool-3-stride-2-floor": ([conv(4, 3), t("maxpool2d", size=3, stride=2), t("relu"), t("flatten"), dense(10)],
                                 IMAGE, "cross_entropy"),  # 26 -> 12, the last column dropped
    "avgpool-odd-floor": ([conv(4, 3, stride=2), t("avgpool2d", size=2), t("sigmoid"), t("flatten"), dense(10)],
                          IMAGE, "cross_entropy"),  # 28 -> 13 -> 6, the last row and column dropped
    "avgpool-7-to-3": ([t("maxpool2d", size=4), t("avgpool2d", size=2), t("flatten"), dense(10)],
                       IMAGE, "cross_entropy"),  # 28 -> 7 -> 3
    "pool-rectangular-overlapping": ([conv(2, 3), t("avgpool2d", size=(2, 3), stride=(1, 2)),
                                      t("maxpool2d", size=(3, 2), stride=(2, 1)), t("flatten"), dense(10)],
                                     IMAGE, "cross_entropy"),
    "conv-batchnorm-channels": ([conv(6, 3, padding=1), t("batchnorm"), t("leaky_relu", alpha=0.1),
                                 t("maxpool2d", size=2), t("flatten"), dense(16), t("batchnorm"), t("relu"),
                                 t("dropout", rate=0.5), dense(10), t("softmax")], IMAGE, "cross_entropy"),
    "dense-after-conv-no-flatten": ([conv(3, 5, stride=2), t("relu"), dense(10)], IMAGE, "cross_entropy"),
    "cnn-sigmoid-single-output": ([conv(3, 3, stride=2), t("relu"), t("flatten"), dense(1), t("sigmoid")],
                                  IMAGE, "binary_cross_entropy"),
    "cnn-quadratic": ([conv(3, 3), t("avgpool2d", size=2), t("sigmoid"), t("flatten"), dense(10), t("sigmoid")],
                      IMAGE, "quadratic"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_every_layer_type_and_option_gives_digitnets_probabilities(name):
    layers, shape, loss = CASES[name]
    network = spec_network(layers, shape, loss)
    assert_matches(network, to_onnx(network), images(16, shape))


def test_the_covered_cases_include_every_exportable_layer_type():
    from digitnet.export.onnx import EXPORTERS
    from digitnet.nn.layers import LAYER_TYPES

    used = {layer["type"] for layers, _, _ in CASES.values() for layer in layers}
    assert used == set(EXPORTERS) == set(LAYER_TYPES)


@pytest.mark.parametrize("batch", [1, 3, 50])
def test_the_batch_size_is_dynamic(batch):
    network = spec_network(CASES["conv-batchnorm-channels"][0])
    model = to_onnx(network)
    dims = model.graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "N" and [d.dim_value for d in dims[1:]] == list(IMAGE)
    assert_matches(network, model, images(batch, seed=batch))


def test_opset_and_ir_version_are_pinned_to_ones_onnx_runtime_reads():
    model = to_onnx(Network.from_sizes([784, 8, 10], seed=0))
    assert model.ir_version == IR_VERSION == 8
    assert [(o.domain, o.version) for o in model.opset_import] == [("", OPSET)] and OPSET == 17
    assert model.producer_name == "digitnet"


def test_a_float64_network_is_exported_in_float32():
    network = Network.from_sizes([784, 16, 10], activation="tanh", seed=3, dtype=np.float64)
    x = images(8, MLP_784)
    probabilities, labels = run_onnx(to_onnx(network), x)
    np.testing.assert_allclose(probabilities, network.predict_proba(x), rtol=0, atol=TOLERANCE)
    np.testing.assert_array_equal(labels, network.predict(x))


def test_a_features_network_says_its_input_is_not_rescaled():
    network = Network.from_sizes([2, 8, 2], seed=0, inputs="features")
    model = to_onnx(network)
    x = np.random.default_rng(0).normal(0, 3, (20, 2)).astype(np.float32)  # negative and > 1: not pixels
    assert_matches(network, model, x)
    props = {p.key: p.value for p in model.metadata_props}
    assert "no scaling" in props["inputs"] and json.loads(props["classes"]) == ["0", "1"]


def test_the_best_preset_exports():
    network = randomise_state(build_network(get_preset("best"), seed=0))
    assert_matches(network, to_onnx(network), images(8))


# -- real test digits, briefly trained networks --------------------------------------------------------
@pytest.mark.slow
def test_the_mlp_agrees_on_all_mnist_test_images(small_model, mnist, tmp_path):
    network = load_model(small_model).network
    path = export_onnx(network, tmp_path / "mlp.onnx")
    onnx.checker.check_model(str(path), full_check=True)
    x = network.as_input(mnist.test_images)  # the [0, 1] scaling the ONNX input expects
    assert x.shape == (10000, 784)
    assert_matches(network, path, x)


@pytest.fixture(scope="module")
def lenet5_file(mnist, tmp_path_factory):
    """LeNet-5 trained for one epoch on 2,000 digits, saved with a real recipe's description."""
    recipe = get_preset("lenet5").with_overrides(epochs=1)
    network = train_briefly(build_network(recipe, seed=0), mnist)
    path = tmp_path_factory.mktemp("lenet5") / "lenet5.npz"
    save_model(network, path, {"recipe": recipe.to_dict(), "classes": [str(k) for k in range(10)],
                               "metrics": {"test_accuracy": 0.5}})
    return path


@pytest.mark.slow
def test_lenet5_exported_from_the_command_line_agrees_on_mnist(lenet5_file, mnist, tmp_path, capsys):
    out = tmp_path / "lenet5.onnx"
    assert main(["export", str(lenet5_file), str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}" in printed and "opset 17" in printed and "(N, 1, 28, 28) pixels in [0, 1]" in printed
    network = load_model(lenet5_file).network
    x = (mnist.test_images[:3000].astype(np.float32) / 255).reshape(-1, 1, 28, 28)  # as docs/export.md does it
    assert_matches(network, out, x)
    assert np.mean(run_onnx(out, x)[1] == mnist.test_labels[:3000]) > 0.5  # it reads digits, not noise


@pytest.mark.slow
def test_a_bn_cnn_agrees_on_mnist(mnist, tmp_path):
    layers = [conv(8, 5, padding=2), t("batchnorm"), t("relu"), t("maxpool2d", size=2),
              conv(16, 3, stride=2), t("batchnorm"), t("relu"), t("flatten"), dense(32), t("batchnorm"),
              t("relu"), t("dropout", rate=0.3), dense(10), t("softmax")]
    network = train_briefly(Network.from_spec(layers, input_shape=IMAGE, seed=1), mnist)
    running = network.get_weights()["1.running_mean"]
    assert np.abs(running).max() > 0.01  # trained statistics, not the initial zeros
    path = export_onnx(network, tmp_path / "bn.onnx")
    assert_matches(network, path, network.as_input(mnist.test_images[:3000]))


# -- metadata ---------------------------------------------------------------------------------------------
def test_metadata_carries_the_class_names_and_the_recipe(lenet5_file):
    from digitnet.io.metadata import summary

    loaded = load_model(lenet5_file)
    about = summary(loaded.metadata)
    model = to_onnx(loaded.network, loaded.metadata)
    props = {p.key: p.value for p in model.metadata_props}
    assert json.loads(props["classes"]) == [str(k) for k in range(10)]
    assert props["recipe"] == about["label"] == get_preset("lenet5").with_overrides(epochs=1).label
    assert props["description"] == about["description"] and model.doc_string == about["description"]
    assert "[0, 1]" in props["inputs"] and props["test_accuracy"] == "0.5"


def test_class_names_given_in_the_metadata_are_used_and_checked():
    network = Network.from_sizes([784, 8, 3], seed=0)
    model = to_onnx(network, {"classes": ["cat", "dog", "fish"]})
    assert json.loads({p.key: p.value for p in model.metadata_props}["classes"]) == ["cat", "dog", "fish"]
    with pytest.raises(DigitnetError, match="names 2 classes but the network has 3 outputs"):
        to_onnx(network, {"classes": ["cat", "dog"]})


def test_odd_metadata_from_a_stranger_is_ignored_not_fatal():
    network = Network.from_sizes([784, 8, 10], seed=0)
    model = to_onnx(network, {"recipe": ["not", "a", "recipe"], "classes": "0123456789", "metrics": "high"})
    props = {p.key: p.value for p in model.metadata_props}
    assert "recipe" not in props and json.loads(props["classes"]) == [str(k) for k in range(10)]


# -- committees --------------------------------------------------------------------------------------------
def members():
    """An MLP reading (N, 784), a CNN and a BN CNN reading (N, 1, 28, 28): a committee may mix them."""
    return [Network.from_sizes([784, 16, 10], activation="sigmoid", seed=1),
            spec_network(CASES["conv-stride-padding"][0], seed=2),
            spec_network(CASES["conv-batchnorm-channels"][0], seed=3)]


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 0, 1]])
def test_a_committee_is_one_graph_averaging_its_members_probabilities(order):
    nets = [members()[i] for i in order]
    model = committee_to_onnx(nets)
    onnx.checker.check_model(model, full_check=True)
    shape = nets[0].input_shape
    x = images(12, IMAGE)
    mean = np.mean([net.predict_proba(x) for net in nets], axis=0)
    probabilities, labels = run_onnx(model, x.reshape(len(x), *shape))
    np.testing.assert_allclose(probabilities, mean, rtol=0, atol=TOLERANCE)
    np.testing.assert_array_equal(labels, mean.argmax(axis=1))
    assert not np.allclose(mean, nets[0].predict_proba(x), atol=1e-3)  # the others really count
    props = {p.key: p.value for p in model.metadata_props}
    assert props["recipe"].startswith("committee of 3") and len(json.loads(props["classes"])) == 10


def test_a_committee_of_yes_no_members_votes_by_mean_probability(tmp_path):
    nets = [spec_network(CASES["bce-single-output"][0], MLP_784, "binary_cross_entropy", seed=s) for s in (1, 2)]
    x = images(40, MLP_784)
    mean = np.mean([net.predict_proba(x) for net in nets], axis=0)
    path = export_onnx(nets, tmp_path / "committee.onnx", {"classes": ["no", "yes"]})
    probabilities, labels = run_onnx(path, x)
    np.testing.assert_allclose(probabilities, mean, rtol=0, atol=TOLERANCE)
    np.testing.assert_array_equal(labels, (mean[:, 0] >= 0.5).astype(np.int64))
    assert 0 < labels.sum() < len(labels)


@pytest.mark.parametrize("nets,message", [
    ([], "at least one member"),
    ([Network.from_sizes([784, 4, 10]), Network.from_sizes([784, 4, 3])], "member 1 has 3 outputs but member 0 has 10"),
    ([Network.from_sizes([784, 4, 10]), Network.from_sizes([100, 4, 10])], "members must read the same inputs"),
    ([Network.from_sizes([784, 4, 10]), Network.from_sizes([784, 4, 10], inputs="features")], "the same inputs"),
    (["a model.npz"], "committee member 0 must be a digitnet Network"),
])
def test_a_committee_that_cannot_be_one_graph_is_refused(nets, message):
    with pytest.raises(DigitnetError, match=message):
        committee_to_onnx(nets)


def test_committee_members_that_name_classes_differently_are_refused():
    a, b = Network.from_sizes([784, 4, 2], seed=0), Network.from_sizes([784, 4, 2], seed=1)
    described = [{"classes": ["even", "odd"]}, {"classes": ["odd", "even"]}]
    with pytest.raises(DigitnetError, match="name their classes differently"):
        committee_to_onnx([a, b], member_metadata=described)
    proto = committee_to_onnx([a, b], {"classes": ["e", "o"]}, described)
    assert json.loads({p.key: p.value for p in proto.metadata_props}["classes"]) == ["e", "o"]


# -- what cannot be exported, and where the file goes ---------------------------------------------------
class Doubling(Layer):
    type_name = "doubling"

    def forward(self, x, training=False):
        return 2 * x


class Hinge(Loss):
    name = "hinge"


@pytest.mark.parametrize("network,message", [
    (Network([Dense(4, input_dim=3), Doubling(), Dense(2)]),
     r"layer 1 \(doubling\) has no ONNX form; digitnet can export"),
    (Network([Dense(2, input_dim=3)], loss=Hinge()), "the 'hinge' loss has no ONNX form"),
    (Network([Dense(2)]), "has no input size yet"),
])
def test_what_cannot_be_exported_gets_a_one_line_error(network, message):
    with pytest.raises(DigitnetError, match=message) as caught:
        to_onnx(network)
    assert "\n" not in str(caught.value)


def test_a_failed_export_leaves_an_older_file_as_it_was(tmp_path):
    out = tmp_path / "model.onnx"
    out.write_bytes(b"older")
    with pytest.raises(DigitnetError):
        export_onnx(Network([Dense(4, input_dim=3), Doubling(), Dense(2)]), out)
    with pytest.raises(DigitnetError, match="is a folder"):
        export_onnx(Network.from_sizes([3, 2]), tmp_path)
    assert out.read_bytes() == b"older" and sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx"]
    export_onnx(Network.from_sizes([3, 2]), out)
    assert onnx.load(str(out)).graph.input[0].name == "input"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx"]


def test_the_command_says_how_to_install_onnx_when_it_is_missing(tmp_path, monkeypatch, capsys):
    model = save_model(Network.from_sizes([784, 4, 10], seed=0), tmp_path / "m.npz")
    monkeypatch.setitem(sys.modules, "onnx", None)  # what 'import onnx' meets without the package
    assert main(["export", str(model), str(tmp_path / "m.onnx")]) == 2
    err = capsys.readouterr().err
    assert err == "digitnet: error: writing ONNX files needs the onnx package; install it with: " \
                  "pip install 'digitnet[onnx]'\n"
    assert not (tmp_path / "m.onnx").exists()


def test_the_command_refuses_a_missing_model(tmp_path, capsys):
    assert main(["export", str(tmp_path / "missing.npz"), str(tmp_path / "m.onnx")]) == 2
    assert "no model file" in capsys.readouterr().err


def test_the_core_and_the_command_line_never_import_onnx():
    code = ("import sys, digitnet, digitnet.nn, digitnet.io, digitnet.export, digitnet.cli; "
            "digitnet.cli.build_parser(); print('onnx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.slow
def test_the_docs_example_reads_a_digit_like_digitnet(small_model, mnist, tmp_path, monkeypatch, capsys):
    """docs/export.md's five lines, run as written on an MNIST test digit saved as the PNG they read."""
    import re
    from pathlib import Path

    from PIL import Image

    text = (Path(__file__).parents[1] / "docs" / "export.md").read_text()
    code = re.search(r"## Running it.*?```python\n(.*?)```", text, re.S).group(1)
    from digitnet.models import packaged_model_path

    monkeypatch.chdir(tmp_path)
    Image.fromarray(mnist.test_images[0]).save("photo.28.png")
    for path in (small_model, packaged_model_path()):  # an MLP's (N, 784) input, the CNN's (N, 1, 28, 28)
        network = load_model(path).network
        export_onnx(network, "models/default.onnx")
        exec(compile(code, "docs/export.md", "exec"), {})
        probabilities = network.predict_proba(mnist.test_images[:1])[0]
        digit = int(probabilities.argmax())
        printed = re.fullmatch(r"digit (\d) with probability ([\d.]+)%\n", capsys.readouterr().out)
        assert int(printed.group(1)) == digit  # the percentage may round the other way: compare it loosely
        assert abs(float(printed.group(2)) - 100 * probabilities[digit]) <= 0.051


def test_a_saved_committee_file_exports_from_the_command_line(tmp_path, capsys):
    from digitnet.io.committee_file import save_committee
    from digitnet.nn.committee import Committee

    nets = [Network.from_sizes([784, 16, 10], seed=s) for s in (1, 2, 3)]
    save_committee(Committee(nets), tmp_path / "c.npz", {"classes": [str(k) for k in range(10)]})
    assert main(["export", str(tmp_path / "c.npz"), str(tmp_path / "c.onnx")]) == 0
    x = images(20, (784,))
    probabilities, labels = run_onnx(onnx.load(tmp_path / "c.onnx"), x)
    loaded = load_model(tmp_path / "c.npz").network
    np.testing.assert_allclose(probabilities, loaded.predict_proba(x), rtol=0, atol=TOLERANCE)
    np.testing.assert_array_equal(labels, loaded.predict(x))
