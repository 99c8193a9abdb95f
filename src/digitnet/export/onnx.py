"""Networks as ONNX graphs: the same probabilities as ``Network.predict_proba``, in a file any ONNX runtime runs.

Every digitnet layer has a standard ONNX operator that computes the same thing, so a network becomes a
chain of nodes with its weights stored beside them::

    dense -> Gemm (W is (in, out), as Gemm's B)         conv2d -> Conv (W is (F, C, kh, kw), as ONNX's)
    maxpool2d / avgpool2d -> MaxPool / AveragePool (no padding, floor mode: windows that do not fit are
    dropped, as digitnet does)      batchnorm -> BatchNormalization with the running mean and variance
    sigmoid, tanh, relu, leaky_relu, softmax -> Sigmoid, Tanh, Relu, LeakyRelu, Softmax (last axis)
    flatten -> Flatten          dropout, identity -> nothing (dropout only acts in training)

Then comes what ``predict_proba`` adds: the loss's ``output`` of what the layers before the loss give
(softmax for cross-entropy, sigmoid for binary cross-entropy, nothing for the quadratic cost; a final
softmax layer is folded into the cross-entropy in training, so it appears once, not twice).

The graph has one input and two outputs:

- ``input``: float32 ``(N, *input_shape)``, N any batch size: (N, 784) for an MLP, (N, 1, 28, 28) for a CNN.
  Pixels must already be scaled to [0, 1] (digitnet's rule, ``digitnet.nn.inputs``: 0-255 values are
  divided by 255); the graph does not rescale, because it cannot tell 0-1 inputs from 0-255 ones;
- ``probabilities``: float32 (N, K), ``predict_proba``'s values (N, 1 for a single yes/no output);
- ``label``: int64 (N,), ``predict``'s class numbers, by the same rule (the largest logit, or
  p >= 0.5 for a single output); ``classes`` in the metadata names them.

A model with a reject rule (``"reject"`` in its description: docs/reject.md) gets what reproduces its
decision, all in the graph:

- ``probabilities`` are then calibrated, softmax(z / T), as ``digitnet.io.Model.predict_proba``;
- ``score``: float32 (N,), the rule's score of the logits (``energy``: T * logsumexp(z / T) by
  ``ReduceLogSumExp``; ``max_logit``: the largest logit; ``max_probability``: the largest probability);
- ``is_digit``: bool (N,), ``score >= threshold`` (and, for a committee whose rule says so, no more than
  its share of the networks answering another digit): False is "not a digit".

The model's metadata (``metadata_props``) carries the class names as a JSON list (``classes``), the
recipe's label and description (``recipe``, ``description``) and how to feed the input (``inputs``);
with a rule, the rule itself as JSON (``reject``) and its ``temperature`` and ``threshold``.

A committee (several networks whose probabilities are averaged) is one graph: each member's nodes on
the same input, then ONNX's ``Mean`` of their probabilities (:func:`committee_to_onnx`); with a rule,
each member's logits divided by its own temperature, and the committee's score the mean of theirs.

The opset and IR version are pinned (:data:`OPSET`, :data:`IR_VERSION`) so that files written with a
new ``onnx`` package still load in ONNX Runtime releases of the last few years. The ``onnx`` package is
imported only when a graph is built; without it the error says how to install it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from digitnet._version import __version__
from digitnet.errors import DigitnetError
from digitnet.io.atomic import atomic_write

if TYPE_CHECKING:  # pragma: no cover
    import onnx as onnx_module

    from digitnet.io.model import Model
    from digitnet.nn.committee import Committee
    from digitnet.nn.layers import Layer
    from digitnet.nn.network import Network

#: ONNX operator set 17 (ONNX 1.12, 2022) has every operator used here in its current form (Softmax over
#: one axis, Squeeze taking its axes as an input); ONNX Runtime reads it from 1.13 (2022) on (the files
#: were checked with 1.15.1 and 1.32.0)
OPSET = 17
#: the file format version that goes with opset 17; newer onnx packages would write a newer one by default
IR_VERSION = 8
INSTALL = "pip install 'digitnet[onnx]'"
INPUT, PROBABILITIES, LABEL, BATCH = "input", "probabilities", "label", "N"
SCORE, IS_DIGIT = "score", "is_digit"

#: what the graph's input holds, by ``Network.inputs``; written into the metadata as ``inputs``
INPUT_NOTES = {
    "pixels": "float32 pixels scaled to [0, 1] (divide 0-255 values by 255), light digit on a dark background "
              "as in MNIST",
    "features": "float32 features, used as they are (no scaling)",
}
OUTPUT_NOTE = (f"{PROBABILITIES}: float32 (N, K) class probabilities (N, 1: the probability of class 1); "
               f"{LABEL}: int64 (N,) the predicted class, an index into classes")
REJECT_NOTE = (f"; {PROBABILITIES} are calibrated, softmax(logits / temperature); {SCORE}: float32 (N,) how much "
               f"each input looks like a digit (the reject rule's score, higher is more); {IS_DIGIT}: bool (N,) "
               f"{SCORE} >= threshold, False meaning 'not a digit' (see reject)")


def require_onnx() -> "onnx_module":
    """The ``onnx`` package, or a one-line error that says how to install it."""
    try:
        import onnx
    except ImportError:
        raise DigitnetError(f"writing ONNX files needs the onnx package; install it with: {INSTALL}") from None
    return onnx


# -- the graph under construction ---------------------------------------------------------------------
class _Graph:
    """The nodes and weights of one graph; every name is the layer's place in its network."""

    def __init__(self, onnx) -> None:
        self.helper, self.numpy_helper = onnx.helper, onnx.numpy_helper
        self.int64, self.float32 = onnx.TensorProto.INT64, onnx.TensorProto.FLOAT
        self.nodes: list = []
        self.weights: list = []

    def weight(self, name: str, array, dtype=np.float32) -> str:
        """Store an array in the file (float32, whatever the network computes in) and return its name."""
        self.weights.append(self.numpy_helper.from_array(np.ascontiguousarray(array, dtype), name))
        return name

    def add(self, op: str, inputs: list[str], name: str, **attributes) -> str:
        """A node whose single output is called ``name``; returns that name for the next node."""
        self.nodes.append(self.helper.make_node(op, inputs, [name], name=name, **attributes))
        return name


# -- one exporter per layer type: (graph, layer, input name, node name) -> output name ---------------
Exporter = Callable[[_Graph, "Layer", str, str], str]


def _dense(g: _Graph, layer, x: str, name: str) -> str:
    if len(layer.input_shape) > 1:  # digitnet's dense layer flattens (N, C, H, W) itself
        x = g.add("Flatten", [x], f"{name}.flatten", axis=1)
    return g.add("Gemm", [x, g.weight(f"{name}.W", layer.params["W"]), g.weight(f"{name}.b", layer.params["b"])], name)


def _conv2d(g: _Graph, layer, x: str, name: str) -> str:
    config = layer.get_config()
    ph, pw = config["padding"]
    return g.add("Conv", [x, g.weight(f"{name}.W", layer.params["W"]), g.weight(f"{name}.b", layer.params["b"])], name,
                 kernel_shape=list(config["kernel_size"]), strides=list(config["stride"]), pads=[ph, pw, ph, pw])


def _pool(op: str) -> Exporter:
    def export(g: _Graph, layer, x: str, name: str) -> str:
        config = layer.get_config()  # no padding and ceil_mode 0: the floor mode digitnet pools in
        return g.add(op, [x], name, kernel_shape=list(config["size"]), strides=list(config["stride"]))
    return export


def _batchnorm(g: _Graph, layer, x: str, name: str) -> str:
    """Inference form: (x - running_mean) / sqrt(running_var + eps) * gamma + beta, on (N, C) or (N, C, H, W)."""
    arrays = [g.weight(f"{name}.{key}", source[key]) for source, key in
              ((layer.params, "gamma"), (layer.params, "beta"), (layer.state, "running_mean"),
               (layer.state, "running_var"))]
    return g.add("BatchNormalization", [x, *arrays], name, epsilon=float(layer.get_config()["eps"]))


def _op(op: str, **attributes) -> Exporter:
    return lambda g, layer, x, name: g.add(op, [x], name, **attributes)


def _nothing(g: _Graph, layer, x: str, name: str) -> str:
    return x


#: layer type name -> how it is written; a layer type missing here cannot be exported
EXPORTERS: dict[str, Exporter] = {
    "dense": _dense, "conv2d": _conv2d, "maxpool2d": _pool("MaxPool"), "avgpool2d": _pool("AveragePool"),
    "batchnorm": _batchnorm, "flatten": _op("Flatten", axis=1),
    "sigmoid": _op("Sigmoid"), "tanh": _op("Tanh"), "relu": _op("Relu"), "softmax": _op("Softmax", axis=-1),
    "leaky_relu": lambda g, layer, x, name: g.add("LeakyRelu", [x], name, alpha=float(layer.get_config()["alpha"])),
    "identity": _nothing, "dropout": _nothing,
}
#: what ``Loss.output`` does to the values of the layers before the loss, by loss name (None: nothing)
LOSS_OUTPUTS = {"cross_entropy": "Softmax", "binary_cross_entropy": "Sigmoid", "quadratic": None}


def _network_nodes(g: _Graph, network: "Network", x: str, prefix: str,
                   temperature: float | None = None) -> tuple[str, str]:
    """Add ``network``'s nodes after ``x``; return the names of ``forward``'s values and of the probabilities
    (with a ``temperature``, softmax of the values divided by it: the calibrated probabilities)."""
    if network.loss.name not in LOSS_OUTPUTS:
        raise DigitnetError(f"the {network.loss.name!r} loss has no ONNX form; digitnet can export networks "
                            f"trained with {', '.join(LOSS_OUTPUTS)}")
    for i, layer in enumerate(network.layers_before_loss):
        exporter = EXPORTERS.get(layer.type_name)
        if exporter is None:
            raise DigitnetError(f"layer {i} ({layer.describe()}) has no ONNX form; digitnet can export "
                                f"{', '.join(sorted(EXPORTERS))} layers")
        x = exporter(g, layer, x, f"{prefix}{i}.{layer.type_name}")
    output = LOSS_OUTPUTS[network.loss.name]
    if temperature is not None:
        if output != "Softmax":
            raise DigitnetError("a reject rule scores the logits of a softmax; this network's loss is "
                                f"{network.loss.name!r}")
        scaled = g.add("Div", [x, g.weight(f"{prefix}temperature", temperature)], f"{prefix}scaled")
        return x, g.add("Softmax", [scaled], f"{prefix}output", axis=-1)
    return x, (g.add(output, [x], f"{prefix}output", **({"axis": -1} if output == "Softmax" else {}))
               if output else x)


def _member_score(g: _Graph, score: str, logits: str, temperature: float, prefix: str) -> str:
    """One network's score of its ``logits`` (N, K) as (N,): energy or the largest logit."""
    if score == "energy":
        scaled = g.add("Div", [logits, g.weight(f"{prefix}score.T", temperature)], f"{prefix}score.scaled")
        lse = g.add("ReduceLogSumExp", [scaled], f"{prefix}score.lse", axes=[1], keepdims=0)
        return g.add("Mul", [lse, g.weight(f"{prefix}score.T2", temperature)], f"{prefix}score.value")
    if score == "max_logit":
        return g.add("ReduceMax", [logits], f"{prefix}score.value", axes=[1], keepdims=0)
    raise DigitnetError(f"no ONNX form for the reject score {score!r}")  # max_probability: see _reject_nodes


def _reject_nodes(g: _Graph, rule, logits: list[str], probabilities: str, label: str) -> None:
    """``score`` and ``is_digit`` for a rule (a network's, or a committee's over its members' logits)."""
    from digitnet.reject import CommitteeRule

    temperatures = list(rule.temperatures) if isinstance(rule, CommitteeRule) else [rule.temperature]
    if rule.score == "max_probability":  # the largest of the (mean) calibrated probabilities
        score = g.add("ReduceMax", [probabilities], SCORE, axes=[1], keepdims=0)
    elif len(logits) == 1:
        score = g.add("Identity", [_member_score(g, rule.score, logits[0], temperatures[0], "")], SCORE)
    else:
        scores = [_member_score(g, rule.score, z, t, f"m{i}/") for i, (z, t) in enumerate(zip(logits, temperatures))]
        score = g.add("Mean", scores, SCORE)
    threshold = rule.threshold if math.isfinite(rule.threshold) else -np.inf
    passed = g.add("GreaterOrEqual", [score, g.weight("reject.threshold", threshold)], "reject.passed")
    if isinstance(rule, CommitteeRule) and rule.disagreement is not None:
        against = []
        for i, z in enumerate(logits):  # each member's own answer against the committee's
            own = g.add("ArgMax", [z], f"m{i}/label", axis=1, keepdims=0)
            same = g.add("Equal", [own, label], f"m{i}/agrees")
            against.append(g.add("Cast", [g.add("Not", [same], f"m{i}/disagrees")], f"m{i}/against",
                                 to=g.float32))
        count = g.add("Sum", against, "reject.against") if len(against) > 1 else against[0]
        few = g.add("LessOrEqual", [count, g.weight("reject.most", rule.disagreement * len(logits))],
                    "reject.agreed")
        passed = g.add("And", [passed, few], "reject.both")
    g.add("Identity", [passed], IS_DIGIT)


def _label(g: _Graph, scores: str, probabilities: str, n_outputs: int) -> str:
    """``Network.classes``: the largest score, or class 1 where a single output's probability is >= 0.5."""
    if n_outputs > 1:
        return g.add("ArgMax", [scores], LABEL, axis=1, keepdims=0)
    column = g.add("Squeeze", [probabilities, g.weight("label.axes", [1], np.int64)], "label.p")
    yes = g.add("GreaterOrEqual", [column, g.weight("label.half", 0.5)], "label.yes")
    return g.add("Cast", [yes], LABEL, to=g.int64)


def _model(onnx, g: _Graph, input_shape: tuple[int, ...], n_outputs: int, properties: dict[str, str],
           reject: bool = False):
    """The finished, checked model: pinned opset and IR version, dynamic batch size, metadata."""
    h, types = onnx.helper, onnx.TensorProto
    outputs = [h.make_tensor_value_info(PROBABILITIES, types.FLOAT, [BATCH, n_outputs]),
               h.make_tensor_value_info(LABEL, types.INT64, [BATCH])]
    if reject:
        outputs += [h.make_tensor_value_info(SCORE, types.FLOAT, [BATCH]),
                    h.make_tensor_value_info(IS_DIGIT, types.BOOL, [BATCH])]
    graph = h.make_graph(g.nodes, "digitnet", [h.make_tensor_value_info(INPUT, types.FLOAT, [BATCH, *input_shape])],
                         outputs, initializer=g.weights)
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", OPSET)], ir_version=IR_VERSION,
                         producer_name="digitnet", producer_version=__version__,
                         doc_string=properties.get("description", ""))
    h.set_model_props(model, properties)
    try:
        onnx.checker.check_model(model, full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as err:  # a bug here, not the user's
        raise DigitnetError(f"the ONNX graph failed onnx.checker ({str(err).splitlines()[0]}); "
                            "please report this with the model") from None
    return model


# -- metadata ------------------------------------------------------------------------------------------
def _class_names(classes, n_outputs: int, what: str) -> list[str]:
    expected = max(n_outputs, 2)  # a single output answers a yes/no question: two classes
    if classes is None:
        return [str(k) for k in range(expected)]
    if len(classes) != expected:
        raise DigitnetError(f"{what} names {len(classes)} classes but the network has {n_outputs} output"
                            f"{'s' if n_outputs != 1 else ''} (expected {expected} class names)")
    return list(classes)


def _properties(about: dict[str, Any], classes: list[str], inputs: str, rule=None) -> dict[str, str]:
    """Metadata as ONNX stores it: text only, keys with no value left out."""
    from digitnet.io.jsonable import finite_only

    props = {"classes": json.dumps(classes), "inputs": INPUT_NOTES[inputs],
             "outputs": OUTPUT_NOTE + (REJECT_NOTE if rule is not None else ""),
             "recipe": about.get("label"), "description": about.get("description"),
             "test_accuracy": about.get("test_accuracy"), "seed": about.get("seed"),
             "dataset": about.get("dataset"), "trained_with": about.get("digitnet_version") and
             f"digitnet {about['digitnet_version']}"}
    if rule is not None:
        described = finite_only(rule.to_dict())
        props.update({"reject": json.dumps(described), "threshold": json.dumps(described["threshold"]),
                      "temperature": json.dumps(described.get("temperature", described.get("temperatures")))})
    return {key: str(value) for key, value in props.items() if value is not None}


def _rule(metadata, networks: int):
    """The reject rule a model's description keeps, checked (``digitnet.io.description.reject_rule``)."""
    from digitnet.io.description import reject_rule

    if not isinstance(metadata, dict) or metadata.get("reject") is None:
        return None
    return reject_rule(metadata["reject"], networks)


def _about(metadata) -> dict[str, Any]:
    from digitnet.io.metadata import summary

    return summary(metadata) if isinstance(metadata, dict) else {}


def _check_built(network, what: str) -> "Network":
    from digitnet.nn.network import Network

    if not isinstance(network, Network):
        raise DigitnetError(f"{what} must be a digitnet Network, got {type(network).__name__}")
    if network.input_shape is None:
        raise DigitnetError(f"{what} has no input size yet: build it (or train it) before exporting")
    return network


# -- the public functions --------------------------------------------------------------------------------
def to_onnx(network: "Network", metadata: dict[str, Any] | None = None):
    """``network`` as an ``onnx.ModelProto`` whose ``probabilities`` equal ``network.predict_proba``.

    ``metadata`` is a model file's description (``Model.metadata`` after ``load_model``, or
    ``TrainedModel.metadata`` after ``digitnet.train.run``): its class names, recipe and figures go into
    the model's metadata. A layer or loss without an ONNX form raises a ``DigitnetError`` naming it.
    """
    onnx = require_onnx()
    network = _check_built(network, "the network")
    about = _about(metadata)
    n_outputs = network.n_outputs
    classes = _class_names(about.get("classes"), n_outputs, "the model's metadata")
    rule = _rule(metadata, 1)
    g = _Graph(onnx)
    scores, probabilities = _network_nodes(g, network, INPUT, "", rule.temperature if rule is not None else None)
    label = _label(g, scores, g.add("Identity", [probabilities], PROBABILITIES), n_outputs)
    if rule is not None:
        _reject_nodes(g, rule, [scores], PROBABILITIES, label)
    return _model(onnx, g, network.input_shape, n_outputs, _properties(about, classes, network.inputs, rule),
                  reject=rule is not None)


def committee_to_onnx(members: Sequence["Network"], metadata: dict[str, Any] | None = None,
                      member_metadata: "Sequence[dict[str, Any] | None] | None" = None):
    """One graph for a committee: every member on the same input, their probabilities averaged (ONNX ``Mean``).

    The label is the class of the largest mean probability (p >= 0.5 for single-output members).
    Members must agree on what they read (pixels or features, the same number of values; an MLP's
    (N, 784) and a CNN's (N, 1, 28, 28) may be mixed: the input takes the first member's shape) and on
    their number of outputs. ``metadata`` describes the committee as a model file would; without it the
    class names come from the members' descriptions (``member_metadata``, which must agree) and the
    recipe lists the members' recipes.
    """
    onnx = require_onnx()
    members = [_check_built(m, f"committee member {i}") for i, m in enumerate(members)]
    if not members:
        raise DigitnetError("a committee needs at least one member network")
    first = members[0]
    for i, member in enumerate(members[1:], 1):
        if member.n_outputs != first.n_outputs:
            raise DigitnetError(f"committee member {i} has {member.n_outputs} outputs but member 0 has "
                                f"{first.n_outputs}; members must answer the same question")
        if member.inputs != first.inputs or int(np.prod(member.input_shape)) != int(np.prod(first.input_shape)):
            raise DigitnetError(f"committee member {i} reads {member.inputs} of shape {member.input_shape} but "
                                f"member 0 reads {first.inputs} of shape {first.input_shape}; members must read "
                                "the same inputs")
    abouts = [_about(m) for m in (member_metadata or [None] * len(members))]
    if metadata is not None:
        about = _about(metadata)
        classes = about.get("classes")
    else:
        named = {tuple(a["classes"]) for a in abouts if a.get("classes")}
        if len(named) > 1:
            raise DigitnetError("the committee members name their classes differently; give the committee's "
                                "`metadata` with the class names to use")
        classes = list(named.pop()) if named else None
        labels = [a.get("label") or "a network" for a in abouts]
        about = {"label": f"committee of {len(members)}: {', '.join(labels)}",
                 "description": f"the mean of {len(members)} networks' probabilities"}
    classes = _class_names(classes, first.n_outputs, "the committee's metadata")
    rule = _rule(metadata, len(members))
    g = _Graph(onnx)
    logits, outputs = [], []
    for i, member in enumerate(members):
        x = INPUT
        if member.input_shape != first.input_shape:  # 0 keeps the batch size, even for a batch of none
            x = g.add("Reshape", [x, g.weight(f"m{i}/shape", [0, *member.input_shape], np.int64)], f"m{i}/input")
        z, p = _network_nodes(g, member, x, f"m{i}/", rule.temperatures[i] if rule is not None else None)
        logits.append(z)
        outputs.append(p)
    mean = g.add("Mean", outputs, PROBABILITIES)
    label = _label(g, mean, mean, first.n_outputs)
    if rule is not None:
        _reject_nodes(g, rule, logits, PROBABILITIES, label)
    return _model(onnx, g, first.input_shape, first.n_outputs, _properties(about, classes, first.inputs, rule),
                  reject=rule is not None)


def export_onnx(model: "Model | Network | Committee | Sequence[Network]", path: "str | Path",
                metadata: dict[str, Any] | None = None) -> Path:
    """Write a model (``digitnet.io.load_model``'s, with its description), a network, a committee or a
    list of committee members to ``path`` as an ONNX file, atomically.

    The file appears under its name only when complete (``digitnet.io.atomic``): a failed export
    leaves an older file of that name as it was.
    """
    from digitnet.io.model import Model
    from digitnet.nn.committee import Committee

    path, member_metadata = Path(path), None
    if isinstance(model, Model):
        member_metadata = [m.metadata for m in model.members]
        model, metadata = model.network, metadata if metadata is not None else model.metadata
    if isinstance(model, Committee):  # its members, averaged
        model = list(model.members)
    if isinstance(model, (list, tuple)):
        proto = committee_to_onnx(model, metadata, member_metadata)
    else:
        proto = to_onnx(model, metadata)
    if path.is_dir():
        raise DigitnetError(f"{path} is a folder; give the name of the file to write, like {path / 'model.onnx'}")
    try:
        blob = proto.SerializeToString()
    except ValueError as err:  # protobuf refuses messages over 2 GB
        raise DigitnetError(f"the network is too large for one ONNX file ({err})") from None
    try:
        with atomic_write(path) as f:
            f.write(blob)
    except OSError as err:
        raise DigitnetError(f"cannot write {path}: {err.strerror or err}; choose another location") from None
    return path
