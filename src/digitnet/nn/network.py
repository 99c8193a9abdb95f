"""A network is a list of layers run in order, plus the loss it is trained on.

Three ways to describe one, from the shortest to the most explicit::

    Network.from_sizes([784, 30, 10], activation="sigmoid", loss="quadratic")      # Nielsen's style
    Network.from_spec([{"type": "dense", "units": 30}, {"type": "sigmoid"},          # layer descriptions
                       {"type": "dense", "units": 10}, {"type": "sigmoid"}], input_shape=784, loss="quadratic")
    Network([Dense(30, input_dim=784), Sigmoid(), Dense(10), Sigmoid()], loss="quadratic")  # layer objects

A layer description is what ``Layer.get_config()`` writes (and a model file stores); settings left out
take the layer's defaults. Sizes are turned into descriptions by :func:`mlp_layers`, the one place
that happens, so the three lines above make the same network from the same seed.

``predict``, ``predict_proba`` and ``score`` follow scikit-learn's names. Training lives in
``digitnet.train``: a network only knows how to compute forward and backward.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, cast

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.inputs import INPUT_KINDS, to_input
from digitnet.nn.layers import ACTIVATIONS, Dense, Layer, layer_from_config
from digitnet.nn.losses import Loss, as_labels, get_loss
from digitnet.nn.parameters import Parameter, Parameters

#: the output activation that goes with each loss when a network is given as layer sizes
OUTPUT_FOR_LOSS = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid", "quadratic": "sigmoid"}
#: the number types a network computes in
DTYPES = ("float32", "float64")
#: prediction runs in batches of at most this many numbers in the widest layer's output (128 MB of
#: float32): 4,096 images for the MLPs and LeNet-5, fewer for networks with wide feature maps
PREDICT_NUMBERS = 2**25


class Network:
    """Layers run in order, and the loss they are trained on.

    ``inputs`` says what the numbers fed in are: ``"pixels"`` (brightness, scaled to [0, 1] by the one
    rule in ``digitnet.nn.inputs``) or ``"features"`` (used as they are). ``draw=False`` builds every
    parameter as zeros, drawing no random numbers: for a network whose weights are loaded next.
    """

    def __init__(self, layers: Iterable[Layer], loss: "str | Loss" = "cross_entropy",
                 input_shape: "tuple[int, ...] | int | None" = None, seed: int | None = None, dtype=np.float32,
                 inputs: str = "pixels", draw: bool = True):
        self.layers: list[Layer] = list(layers)
        if not self.layers:
            raise DigitnetError("a network needs at least one layer")
        if inputs not in INPUT_KINDS:
            raise DigitnetError(f"`inputs` must be one of {', '.join(INPUT_KINDS)}, got {inputs!r}", parameter="inputs")
        self.loss = get_loss(loss)
        self.dtype = network_dtype(dtype)
        self.inputs = inputs
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.input_shape: tuple[int, ...] | None = None
        self.params: Parameters | None = None
        if input_shape is None and isinstance(self.layers[0], Dense) and self.layers[0].input_dim:
            input_shape = self.layers[0].input_dim
        if input_shape is not None:
            self.build(input_shape, draw=draw)

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_sizes(cls, sizes: list[int], activation: str = "relu", output: str | None = None,
                   loss: str = "cross_entropy", init: str = "he", bias_init: str = "zeros",
                   dropout: float = 0.0, **kwargs) -> "Network":
        """[784, 30, 10] -> Dense(30), act, Dense(10), output activation (chosen to suit the loss).

        The layers are :func:`mlp_layers`; ``sizes[0]`` is the input size."""
        output = output or OUTPUT_FOR_LOSS.get(get_loss(loss).name, "identity")
        layers = mlp_layers(sizes, activation, output, init, bias_init, dropout)
        return cls.from_spec(layers, loss=loss, input_shape=int(sizes[0]), **kwargs)

    @classmethod
    def from_spec(cls, spec: list[dict[str, Any]], loss: "str | Loss" = "cross_entropy", **kwargs) -> "Network":
        """Layers given as descriptions, ``{"type": "dense", "units": 64}``, ``{"type": "relu"}``..., the
        spelling of ``Layer.get_config()``; ``input_shape`` (a keyword) says what one sample is."""
        layers: list[Layer] = []
        for i, item in enumerate(spec):
            if not isinstance(item, dict) or "type" not in item:
                raise DigitnetError(f"layer {i} must be a layer description with a 'type', like "
                                    f"{{'type': 'dense', 'units': 64}}; got {item!r}")
            try:
                layers.append(layer_from_config(item))
            except DigitnetError as err:
                raise DigitnetError(f"layer {i}: {err}") from None
        return cls(layers, loss=loss, **kwargs)

    def build(self, input_shape: "tuple[int, ...] | int", draw: bool = True) -> "Network":
        """Create every layer's parameters for samples of ``input_shape`` (e.g. 784 or (1, 28, 28)),
        then gather them into one flat array (``digitnet.nn.parameters``). ``draw=False``: all zeros,
        nothing random drawn (the weights are loaded next)."""
        shape = sample_shape(input_shape)
        self.input_shape = shape
        for layer in self.layers:
            shape = layer.build(shape, self.rng if draw else None, self.dtype)
        self.params = Parameters(self.layers, self.dtype)
        return self

    # -- the two passes -------------------------------------------------------------------------
    @property
    def layers_before_loss(self) -> list[Layer]:
        """The layers whose output the loss takes: all of them, except a final activation the loss
        folds in (softmax under the cross-entropy, sigmoid under the binary cross-entropy), which only
        prediction runs (``loss.output``)."""
        if self.loss.absorbs and self.layers[-1].type_name == self.loss.absorbs:
            return self.layers[:-1]
        return self.layers

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Values handed to the loss (logits for the cross-entropies)."""
        self._require_built()
        for layer in self.layers_before_loss:
            x = layer.forward(x, training)
        return x

    def backward(self, delta: np.ndarray) -> None:
        """Backpropagate dLoss/dOutput; afterwards every layer's ``grads`` hold dLoss/dParameter."""
        layers = self.layers_before_loss
        for i in range(len(layers) - 1, -1, -1):
            delta = cast(np.ndarray, layers[i].backward(delta, need_input_grad=i > 0))  # None only after the first

    def parameters(self) -> list[Parameter]:
        """Every learned array by name (``"<layer index>.<name>"``), each a view into the flat storage."""
        return self._built()[1].named

    def state_arrays(self) -> dict[str, np.ndarray]:
        """Arrays layers keep but do not learn (BatchNorm's running statistics), by the same naming."""
        self._require_built()
        return {f"{i}.{name}": array for i, layer in enumerate(self.layers) for name, array in layer.state.items()}

    def named_arrays(self) -> dict[str, np.ndarray]:
        """Everything a model file must store: the parameters, then the state (live arrays, not copies)."""
        return {**{p.name: p.value for p in self.parameters()}, **self.state_arrays()}

    @property
    def n_outputs(self) -> int:
        """Values per sample out of the last layer: the number of classes, or 1 for a yes/no question."""
        self._require_built()
        return int(np.prod(self.layers[-1].output_shape))

    @property
    def n_parameters(self) -> int:
        return self._built()[1].size

    # -- scikit-learn style inference ------------------------------------------------------------
    def predict_proba(self, X: np.ndarray, batch_size: int = 4096) -> np.ndarray:
        """Class probabilities (N, K), or P(class 1) (N, 1) for a single sigmoid output."""
        return cast(np.ndarray, self.predict_with_proba(X, batch_size, classes=False)[1])

    def predict(self, X: np.ndarray, batch_size: int = 4096) -> np.ndarray:
        """Class labels: the largest output of each row, or p >= 0.5 for a single sigmoid output."""
        return cast(np.ndarray, self.predict_with_proba(X, batch_size, proba=False)[0])

    def predict_with_proba(self, X: np.ndarray, batch_size: int = 4096, classes: bool = True,
                           proba: bool = True) -> tuple[np.ndarray | None, np.ndarray | None]:
        """``(predict(X), predict_proba(X))`` from one pass over X, in batches that bound the memory.

        Classes come from the outputs by :meth:`classes`, not from the rounded probabilities, so they
        are the same as ``predict``'s even where two saturated sigmoids both round to 1.
        """
        X = self.as_input(X)
        labels, probabilities = [np.zeros(0, np.int64)], [np.empty((0,) + self.layers[-1].output_shape, self.dtype)]
        batch_size = self.prediction_batch(batch_size)
        for i in range(0, len(X), batch_size):
            z = self.forward(X[i:i + batch_size])
            if classes:
                labels.append(self.classes(z))
            if proba:
                probabilities.append(self.loss.output(z))
        return (np.concatenate(labels) if classes else None, np.concatenate(probabilities) if proba else None)

    def logits(self, X: np.ndarray, batch_size: int = 4096) -> np.ndarray:
        """``forward``'s values for every row of ``X`` (the logits, for the cross-entropies), in the
        batches prediction runs in: what the reject option scores and temperature scaling divides."""
        X = self.as_input(X)
        batch_size = self.prediction_batch(batch_size)
        out = [np.empty((0,) + self.layers_before_loss[-1].output_shape, self.dtype)]
        out += [self.forward(X[i:i + batch_size]) for i in range(0, len(X), batch_size)]
        return np.concatenate(out)

    def prediction_batch(self, batch_size: int = 4096) -> int:
        """``batch_size``, lowered where needed so that no layer's output for a batch holds more than
        :data:`PREDICT_NUMBERS` numbers: the memory a prediction may take, whatever the input's size."""
        self._require_built()
        widest = max(math.prod(layer.output_shape) for layer in self.layers)
        return max(1, min(int(batch_size), PREDICT_NUMBERS // widest))

    def classes(self, z: np.ndarray) -> np.ndarray:
        """Class labels from ``forward``'s output ``z``: the one rule that prediction and training's
        accuracy count share.

        The largest logit is the largest probability (softmax keeps the order of its inputs), so with
        several classes the probabilities are never computed. A single output is a yes/no question:
        class 1 when its probability is at least 0.5.
        """
        if z.shape[1] == 1:
            return (self.loss.output(z)[:, 0] >= 0.5).astype(np.int64)
        return z.argmax(axis=1)

    def score(self, X: np.ndarray, y: np.ndarray) -> float:
        """Accuracy: the fraction of samples whose predicted class is the label."""
        return float(np.mean(self.predict(X) == as_labels(y)))

    def as_input(self, X) -> np.ndarray:
        """``X`` as this network's input batch, by the one rule of ``digitnet.nn.inputs``."""
        return to_input(X, self._built()[0], self.inputs, self.dtype)

    # -- description and weights -----------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        return {"layers": [layer.get_config() for layer in self.layers], "loss": self.loss.name,
                "input_shape": list(self.input_shape) if self.input_shape else None, "dtype": self.dtype.name,
                "inputs": self.inputs}

    @classmethod
    def from_config(cls, config: dict[str, Any], draw: bool = True) -> "Network":
        """The network ``get_config`` describes, with fresh initial weights (``draw=True``) or all zeros.

        This checks the description's form, not its size: a description from a file is sized first by
        ``digitnet.io`` (``io/limits.py``), which then builds it with ``draw=False`` and loads its weights.
        """
        layers, settings = read_config(config)
        return cls(layers, draw=draw, **settings)

    def get_weights(self) -> dict[str, np.ndarray]:
        """Copies of all parameters and state, keyed ``"<layer index>.<name>"``."""
        return {name: array.copy() for name, array in self.named_arrays().items()}

    def set_weights(self, weights: dict[str, np.ndarray]) -> None:
        """Copy values into the existing arrays (in place: optimisers and the flat storage keep them)."""
        for name, array in self.named_arrays().items():
            if name not in weights:
                raise DigitnetError(f"weights for parameter {name} are missing")
            w = np.asarray(weights[name])
            if w.shape != array.shape:
                raise DigitnetError(f"parameter {name} should have shape {array.shape}, got {w.shape}")
            array[...] = w

    def summary(self) -> str:
        self._require_built()
        lines = [f"{'layer':<30}{'output':>14}{'parameters':>12}"]
        for layer in self.layers:
            n = sum(v.size for v in layer.params.values())
            lines.append(f"{layer.describe():<30}{str(layer.output_shape):>14}{n:>12,}")
        lines.append(f"loss: {self.loss.name}; {self.n_parameters:,} parameters in {self.dtype.name}")
        return "\n".join(lines)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """A copy (``copy.deepcopy``, pickle) turns the views into separate arrays: gather them again."""
        self.__dict__.update(state)
        if self.input_shape is not None:
            self.params = Parameters(self.layers, self.dtype)

    def __repr__(self) -> str:
        return f"Network({self.layers!r}, loss={self.loss.name!r})"

    def _require_built(self) -> None:
        self._built()

    def _built(self) -> "tuple[tuple[int, ...], Parameters]":
        """The input shape and parameters of a built network; a one-line error for one that is not."""
        if self.input_shape is None or self.params is None:
            raise DigitnetError("the network has no input size yet: give the first layer an input_dim or call build()")
        return self.input_shape, self.params


def read_config(config: Any) -> tuple[list[Layer], dict[str, Any]]:
    """The layers and the other settings (``loss``, ``input_shape``, ``dtype``, ``inputs``) of a description
    written by :meth:`Network.get_config`, as ``Network(layers, **settings)`` takes them; a malformed
    description raises :class:`DigitnetError` saying what is wrong. Layers are made only of known types."""
    if not isinstance(config, dict):
        raise DigitnetError("the network description is malformed (not a JSON object)")
    specs, loss, inputs = config.get("layers"), config.get("loss"), config.get("inputs", "pixels")
    if not isinstance(specs, list) or not specs:
        raise DigitnetError("the network description is malformed: `layers` must be a list of layers")
    if not isinstance(loss, str) or not isinstance(inputs, str):
        raise DigitnetError("the network description is malformed: `loss` and `inputs` must be names")
    layers = []
    for i, spec in enumerate(specs):
        try:
            layers.append(layer_from_config(spec))
        except DigitnetError as err:
            raise DigitnetError(f"layer {i} of the network description: {err}") from None
    return layers, {"loss": loss, "input_shape": config.get("input_shape"), "dtype": config.get("dtype", "float32"),
                    "inputs": inputs}


def network_dtype(dtype) -> np.dtype:
    """``dtype`` as the NumPy type a network computes in: float32 or float64, nothing else."""
    try:
        parsed = np.dtype(dtype)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None or parsed.name not in DTYPES:
        raise DigitnetError(f"`dtype` must be float32 or float64, got {dtype!r}", parameter="dtype")
    return parsed


def sample_shape(shape) -> tuple[int, ...]:
    """The shape of one input sample: a positive whole number (784) or up to three of them ((1, 28, 28))."""
    items = [shape] if isinstance(shape, (int, np.integer)) else shape
    if isinstance(items, (list, tuple)) and 1 <= len(items) <= 3 and all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1 for n in items):
        return tuple(int(n) for n in items)
    raise DigitnetError(f"an input shape must be one to three positive whole numbers, like 784 or (1, 28, 28); "
                        f"got {shape!r}", parameter="input_shape")


def mlp_layers(sizes, activation: str = "relu", output: str = "softmax", init: str = "he",
               bias_init: str = "zeros", dropout: float = 0.0) -> list[dict[str, Any]]:
    """A multilayer perceptron as layer descriptions: [784, 30, 10] -> dense 30, ``activation``
    (then dropout, if any), dense 10, ``output``. ``sizes[0]`` is the input size and makes no layer.

    This is the one place layer sizes become layers: ``Network.from_sizes`` and the recipes of
    ``digitnet.presets`` both use it, so an MLP is the same network (drawn from its seed in the same
    order) however it was written.
    """
    try:
        whole = [int(s) for s in sizes]
    except (TypeError, ValueError):
        whole = []
    if len(whole) < 2 or min(whole) < 1:
        raise DigitnetError(f"layer sizes must be at least two positive numbers, like 784,256,10; got {sizes!r}")
    for name in (activation, output):
        if name not in ACTIVATIONS:
            raise DigitnetError(f"unknown activation {name!r}; choose one of {', '.join(sorted(ACTIVATIONS))}")
    hidden = {"type": ACTIVATIONS[activation].type_name}
    weights = {"init": init, "bias_init": bias_init}
    layers: list[dict[str, Any]] = []
    for units in whole[1:-1]:
        layers += [{"type": "dense", "units": units, **weights}, dict(hidden)]
        if dropout:
            layers.append({"type": "dropout", "rate": float(dropout)})
    return layers + [{"type": "dense", "units": whole[-1], **weights}, {"type": ACTIVATIONS[output].type_name}]
