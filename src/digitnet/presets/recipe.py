"""A recipe is everything needed to train a model, written down: architecture plus training settings.

Presets are named recipes (``digitnet train --model NAME``). Each setting is declared once, as a field
below made with :func:`~digitnet.presets.settings.setting`: its check, its help and how a description
shows it. From those fields come the command line's flags, the estimator's parameters,
:meth:`Recipe.with_overrides` and the description saved in every model file, which is generated from
the settings actually used, so it cannot drift from them. A preset changed by options says so: its
:attr:`~Recipe.label` reads ``'mlp-512' with layers 784-100-10, sigmoid, lr 0.5``.

A model file records ``recipe.to_dict()``; :meth:`Recipe.from_dict` turns that back into the recipe.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from digitnet.augment import make_augmentation
from digitnet.errors import DigitnetError
from digitnet.nn.initializers import INITIALIZERS
from digitnet.nn.inputs import INPUT_KINDS
from digitnet.nn.layers import ACTIVATIONS
from digitnet.nn.losses import LOSS_NAMES, LOSSES, SoftmaxCrossEntropy, get_loss
from digitnet.nn.network import Network
from digitnet.nn.optimizers import OPTIMIZERS, Optimizer, make_optimizer
from digitnet.nn.schedulers import SCHEDULES
from digitnet.presets import settings as S
from digitnet.presets.settings import setting
from digitnet.train.trainer import Trainer

LOSS_WORDS = {"cross_entropy": "softmax cross-entropy", "binary_cross_entropy": "binary cross-entropy",
              "quadratic": "quadratic cost", "ce": "softmax cross-entropy", "bce": "binary cross-entropy",
              "mse": "quadratic cost"}


def _show_layers(layers) -> str:
    return "layers " + (sizes_text(layers) if all(isinstance(s, int) for s in layers) else "(layer by layer)")


def sizes_text(sizes) -> str:
    return "-".join(str(s) for s in sizes)


@dataclass(frozen=True)
class Recipe:
    name: str = "custom"
    layers: tuple = setting((784, 256, 10), "layer sizes, e.g. 784,256,10", S.layer_sizes, group="architecture",
                            mlp_only=True, metavar="SIZES", show=_show_layers)
    activation: str = setting("relu", "hidden-layer activation", S.one_of(ACTIVATIONS), group="architecture",
                              mlp_only=True, choices=tuple(sorted(ACTIVATIONS)), show=str)
    loss: str = setting("cross_entropy", "cost function", S.one_of(LOSSES), group="architecture",
                        choices=LOSS_NAMES, show=lambda v: LOSS_WORDS.get(v, v))
    init: str = setting("he", "weight initialisation", S.one_of(INITIALIZERS), group="architecture", mlp_only=True,
                        choices=tuple(sorted(INITIALIZERS)), show=lambda v: f"{v} init")
    dropout: float = setting(0.0, "dropout after each hidden layer", S.fraction, group="architecture", mlp_only=True,
                             metavar="RATE")
    augment: str = setting("", "augmentation, e.g. shift:2 ('none' to switch it off)", S.augmentation,
                           group="architecture", metavar="SPEC", show=lambda v: f"augment {v or 'none'}")
    optimizer: str = setting("momentum", "how to step downhill", S.one_of(OPTIMIZERS), choices=tuple(OPTIMIZERS),
                             show=str)
    lr: float = setting(0.1, "learning rate", S.positive_float)
    momentum: float = setting(0.9, "momentum coefficient (momentum, nesterov)", S.fraction)
    weight_decay: float = setting(0.0, "L2 penalty WD/2*||W||^2 per sample (Nielsen's lambda=5 over 50,000 "
                                  "images is 1e-4)", S.non_negative_float, aliases=("--l2",), metavar="WD")
    schedule: str = setting("constant", "learning-rate schedule", S.one_of(SCHEDULES), choices=SCHEDULES,
                            show=lambda v: f"{v} schedule" if v != "constant" else "constant")
    epochs: int = setting(10, "passes over the training images", S.positive_int,
                          show=lambda v: f"{v} epoch{'' if v == 1 else 's'}")
    batch_size: int = setting(128, "images per step", S.positive_int, show=lambda v: f"batch {v}")
    val_size: int = setting(5000, "hold out the last N training images for validation (0: none)",
                            S.non_negative_int, metavar="N",
                            show=lambda v: f"{v:,} for validation" if v else "no validation")
    label_smoothing: float = setting(0.0, "aim at 1 - S for the true class and S / K for every class "
                                     "(softmax cross-entropy only)", S.fraction, metavar="S",
                                     show=lambda v: f"label smoothing {v:g}")
    weight_average: float = setting(0.0, "keep a running average of the weights with this decay per step (e.g. "
                                    "0.999) and validate, keep and predict with it (0: off)", S.fraction,
                                    metavar="DECAY", show=lambda v: f"weight average {v:g}")
    patience: int | None = setting(None, "stop when the validation loss has not improved for this many epochs",
                                   S.optional(S.positive_int), metavar="EPOCHS")
    inputs: str = setting("pixels", "what the inputs are: pixels (scaled to [0, 1]) or features (used as they are)",
                          S.one_of(INPUT_KINDS), group="data", cli=False, show=lambda v: f"{v} inputs")
    #: per-sample input shape for layer lists that cannot infer it, e.g. (1, 28, 28) for convolutions
    input_shape: tuple | None = None
    output: str | None = None  # the output activation; None: the one that suits the loss
    bias_init: str = "zeros"
    #: set for tutorials trained by their own protocol (fixed steps, a grid search...), not by epochs
    protocol: str = ""
    #: the settings changed from the preset named ``name``, in the order of the fields
    overrides: tuple = ()

    def __post_init__(self) -> None:
        for f in settings_fields():
            try:
                value = f.metadata["check"](getattr(self, f.name))
            except ValueError as err:
                raise DigitnetError(f"`{f.name}`: {err}", parameter=f.name) from None
            object.__setattr__(self, f.name, value)
        if self.input_shape is not None:
            object.__setattr__(self, "input_shape", tuple(int(s) for s in self.input_shape))
        object.__setattr__(self, "overrides", tuple(self.overrides))

    # -- what it is -----------------------------------------------------------------------------
    @property
    def is_mlp(self) -> bool:
        """Described by layer sizes (an MLP), rather than layer by layer."""
        return all(isinstance(s, int) for s in self.layers)

    @property
    def label(self) -> str:
        """The preset's name, and what was changed from it: ``'mlp-512' with layers 784-100-10, lr 0.5``."""
        if not self.overrides:
            return repr(self.name)
        return f"{self.name!r} with {', '.join(self.show(name) for name in self.overrides)}"

    @property
    def description(self) -> str:
        """The settings in words, generated from the fields (never written by hand, so never out of date)."""
        if not self.is_mlp:
            net = ", ".join(filter(None, (layer_text(d) for d in self.layers)))
        elif len(self.layers) == 2:
            net = f"{sizes_text(self.layers)}, no hidden layer"
        else:
            net = f"{sizes_text(self.layers)} MLP, {self.activation} units" + (
                f", dropout {self.dropout:g}" if self.dropout else "")
        momentum = f" {self.momentum:g}" if self.optimizer in ("momentum", "nesterov") else ""
        lr = f"lr {self.lr:g}" + (f" {self.show('schedule')}" if self.schedule != "constant" else "")
        train = [self.show("loss"), self.optimizer + momentum, lr]
        if self.weight_decay:
            train.append(self.show("weight_decay"))
        if self.protocol:
            return f"{net}; {', '.join(train)}; {self.protocol}"
        train += [self.show("epochs"), self.show("batch_size"), self.show("val_size")]
        train += [self.show(name) for name in ("augment", "label_smoothing", "weight_average", "patience")
                  if getattr(self, name)]
        return f"{net}; {', '.join(train)}"

    def show(self, name: str) -> str:
        """One setting as a description shows it: ``lr 0.5``, ``sigmoid``, ``batch 64``."""
        f = next(f for f in settings_fields() if f.name == name)
        value = getattr(self, name)
        shown = f.metadata["show"]
        if shown is not None:
            return shown(value)
        return (f"{name.replace('_', ' ')} {value:g}" if isinstance(value, float)
                else f"{name.replace('_', ' ')} {value}")

    # -- changing it ----------------------------------------------------------------------------
    def with_overrides(self, **changes) -> "Recipe":
        """A copy with the given settings changed and recorded in ``overrides``; ``None`` keeps the preset's."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise DigitnetError(f"unknown recipe settings: {', '.join(sorted(unknown))}; known: "
                                f"{', '.join(f.name for f in settings_fields())}")
        changes = {k: v for k, v in changes.items() if v is not None}
        mlp_only = [f.name for f in settings_fields() if f.metadata["mlp_only"] and f.name in changes]
        if mlp_only and not self.is_mlp:
            raise DigitnetError(f"preset {self.name!r} is described layer by layer, and "
                                f"{', '.join(f'`{n}`' for n in mlp_only)} would "
                                "replace it with an MLP under its name; these settings are for the MLP presets "
                                "(e.g. 'mlp-512')", parameter=mlp_only[0])
        new = replace(self, **changes)
        changed = {k for k in changes if getattr(new, k) != getattr(self, k)}
        order = [f.name for f in fields(self)]
        overrides = tuple(n for n in order if n in self.overrides or n in changed)
        return replace(new, overrides=overrides)

    def for_data(self, n_features: int, n_classes: int) -> "Recipe":
        """This recipe for samples of ``n_features`` values and ``n_classes`` classes (the estimator's need).

        An MLP gets its first and last sizes from the data; a network described layer by layer keeps its
        input shape (the data must fit it) and gets ``n_classes`` outputs from its last dense layer.
        """
        if self.is_mlp:
            return self.with_overrides(layers=(n_features, *self.layers[1:-1], n_outputs(self.loss, n_classes)))
        if self.input_shape is not None:
            needed = 1
            for s in self.input_shape:
                needed *= s
            if needed != n_features:
                raise DigitnetError(f"preset {self.name!r} takes samples of shape {self.input_shape} "
                                    f"({needed} values), but the data has {n_features} features per sample")
        dense = [i for i, d in enumerate(self.layers) if d.get("type") == "dense"]
        if not dense or self.layers[dense[-1]].get("units") == n_classes:
            return self
        layers = list(self.layers)
        layers[dense[-1]] = {**layers[dense[-1]], "units": n_outputs(self.loss, n_classes)}
        return replace(self, layers=tuple(layers), overrides=tuple(dict.fromkeys(self.overrides + ("layers",))))

    # -- using it -------------------------------------------------------------------------------
    def build(self, seed: int | None = None) -> Network:
        loss = get_loss(self.loss)
        if self.label_smoothing:
            if not isinstance(loss, SoftmaxCrossEntropy):
                raise DigitnetError(f"`label_smoothing` works with the softmax cross-entropy, not {self.loss}",
                                    parameter="label_smoothing")
            loss = SoftmaxCrossEntropy(self.label_smoothing)
        if self.is_mlp:
            return Network.from_sizes(list(self.layers), activation=self.activation, output=self.output,
                                      loss=loss, init=self.init, bias_init=self.bias_init,
                                      dropout=self.dropout, seed=seed, inputs=self.inputs)
        return Network.from_spec([dict(d) for d in self.layers], loss=loss, seed=seed,
                                 input_shape=self.input_shape, inputs=self.inputs)

    def make_optimizer(self, network: Network) -> Optimizer:
        """The optimiser this recipe asks for, over ``network``'s parameters."""
        return make_optimizer(self.optimizer, network.params, self.lr, self.weight_decay, self.momentum)

    def trainer(self, network: Network, seed: int | None = None, **kwargs) -> Trainer:
        kwargs.setdefault("transform", make_augmentation(self.augment))
        return Trainer(network, optimizer=self.make_optimizer(network), lr=self.lr, schedule=self.schedule,
                       epochs=self.epochs, batch_size=self.batch_size, patience=self.patience, seed=seed,
                       weight_average=self.weight_average, **kwargs)

    # -- in model files -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with the generated ``label`` and ``description`` for readers of the file."""
        d = asdict(self)
        d["layers"] = list(d["layers"])
        d["input_shape"] = list(self.input_shape) if self.input_shape else None
        d["overrides"] = list(self.overrides)
        return {**d, "label": self.label, "description": self.description}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Recipe":
        """The recipe ``to_dict`` wrote (older files' ``extra`` notes and ``description`` are dropped)."""
        if not isinstance(d, dict):
            raise DigitnetError(f"a recipe must be a mapping of settings, got {type(d).__name__}")
        d = {k: v for k, v in d.items() if k not in ("label", "description", "extra")}
        unknown = set(d) - {f.name for f in fields(cls)}
        if unknown:
            raise DigitnetError(f"unknown recipe settings: {', '.join(sorted(unknown))}")
        layers = d.get("layers", cls.layers)
        if isinstance(layers, list):
            d["layers"] = tuple(layers)
        try:
            return cls(**d)
        except TypeError as err:
            raise DigitnetError(f"the recipe is malformed ({err})") from None


def settings_fields():
    """The fields users set (made with ``setting``), in declaration order."""
    return [f for f in fields(Recipe) if S.is_setting(f)]


def n_outputs(loss: str, n_classes: int) -> int:
    """Output units for ``n_classes``: one yes/no unit for two classes under binary cross-entropy."""
    return 1 if n_classes == 2 and loss == "binary_cross_entropy" else n_classes


def layer_text(d: dict) -> str:
    """A layer description in a few words: ``conv 32x5x5 p2``, ``max-pool 2``, ``dense 120``, ``tanh``."""
    kind = d.get("type", "dense")
    if kind == "conv2d":
        k = d.get("kernel_size", 5)
        kh, kw = (k, k) if isinstance(k, int) else k
        text = f"conv {d.get('filters')}@{kh}x{kw}"
        if _first(d.get("stride", 1)) != 1:
            text += f" stride {_first(d['stride'])}"
        if _first(d.get("padding", 0)) != 0:
            text += f" pad {_first(d['padding'])}"
        return text
    if kind in ("maxpool2d", "avgpool2d"):
        return f"{kind[:3]}-pool {_first(d.get('size', 2))}"
    if kind == "dense":
        return f"dense {d.get('units', d.get('output_dim'))}" + (f" {d['activation']}" if d.get("activation") else "")
    if kind == "dropout":
        return f"dropout {d.get('rate', 0.5):g}"
    if kind == "batchnorm":
        return "batch norm"
    if kind == "flatten":
        return ""
    return kind


def _first(value):
    return value[0] if isinstance(value, (list, tuple)) else value
