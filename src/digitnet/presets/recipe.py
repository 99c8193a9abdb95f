"""A recipe is everything needed to train a model, written down: architecture plus training settings.

Presets are named recipes (``digitnet train --model NAME``). A recipe is data only: names and
numbers, each checked when the recipe is made, and nothing built from them (that is
``digitnet.train.build``). Each setting is declared once, as a field below made with
:func:`~digitnet.presets.settings.setting`: its check, its help and how a description shows it. From
those come the command line's flags, the estimator's parameters, :meth:`Recipe.with_overrides` and the
description saved in every model file, which is generated from the settings actually used, so it
cannot drift from them. A preset changed by options says so: its :attr:`~Recipe.label` reads
``'mlp-512' with layers 784-100-10, sigmoid, lr 0.5``.

The network is ``layers``, a tuple of layer descriptions in the spelling of ``Layer.get_config()``
(``{"type": "dense", "units": 100, "init": "he", ...}``, ``{"type": "relu"}``), for samples of
``input_shape``. An MLP may be given in the shorthand of ``presets/mlp.py`` instead: ``layers`` as
sizes (784, 100, 10) and the options ``activation``, ``init`` and ``dropout``. The shorthand is turned
into layer descriptions when the recipe is made (``Recipe(layers=(784, 100, 10))``,
:meth:`Recipe.mlp`) or changed (``with_overrides(activation="sigmoid")``), so the layers stay the one
truth; the options are read back from them when asked for.

A model file records ``recipe.to_dict()``; :meth:`Recipe.from_dict` turns that back into the recipe,
including those of earlier versions, whose MLPs were saved as sizes and options.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from functools import cached_property
from typing import Any

from digitnet.errors import DigitnetError
from digitnet.nn.inputs import INPUT_KINDS
from digitnet.nn.layers import layer_from_config
from digitnet.nn.losses import LOSSES
from digitnet.nn.network import sample_shape
from digitnet.nn.optimizers import OPTIMIZERS
from digitnet.nn.schedulers import SCHEDULES
from digitnet.presets import settings as S
from digitnet.presets.mlp import MLP, OPTION_NAMES, OPTIONS, output_for, sizes_text
from digitnet.presets.settings import Setting, setting, setting_of
from digitnet.reject.eleventh_class import LOG_ODDS_IN, LOG_ODDS_OUT, foldable, last_dense
from digitnet.reject.energy_margin import MARGIN_IN, MARGIN_OUT
from digitnet.reject.scores import SCORES as REJECT_SCORES

LOSS_WORDS = {"cross_entropy": "softmax cross-entropy", "binary_cross_entropy": "binary cross-entropy",
              "quadratic": "quadratic cost", "ce": "softmax cross-entropy", "bce": "binary cross-entropy",
              "mse": "quadratic cost"}
#: the reject option's training pictures that are not digits: drawn, and from Fashion-MNIST
NEGATIVE_PICTURES = ("negatives", "fashion_negatives")
#: digits drawn from the negatives' fonts and by their pen, trained on as digits
DIGIT_PICTURES = ("font_digits", "pen_digits")
#: all the reject option's extra training pictures
EXTRA_PICTURES = NEGATIVE_PICTURES + DIGIT_PICTURES
#: what training asks of a negative: no confident digit (outlier exposure), or an eleventh class of its own
NEGATIVE_TARGETS = ("uniform", "class")
#: what files of earlier versions saved beside MLP sizes; the layers say it now
LEGACY_MLP_FIELDS = ("activation", "init", "dropout", "output", "bias_init")


@dataclass(frozen=True)
class Recipe:
    name: str = "custom"
    layers: tuple = setting((784, 256, 10), "the layers: sizes of an MLP, e.g. 784,256,10, or layer descriptions",
                            S.layers, show=lambda v: "layers (layer by layer)")
    loss: str = setting("cross_entropy", "cost function", S.one_of(LOSSES), show=lambda v: LOSS_WORDS.get(v, v))
    augment: str = setting("", "augmentation, e.g. shift:2 ('none' to switch it off)", S.augmentation,
                           show=lambda v: f"augment {v or 'none'}")
    optimizer: str = setting("momentum", "how to step downhill", S.one_of(OPTIMIZERS), show=str)
    lr: float = setting(0.1, "learning rate", S.positive_float)
    momentum: float = setting(0.9, "momentum coefficient (momentum, nesterov)", S.fraction)
    weight_decay: float = setting(0.0, "L2 penalty WD/2*||W||^2 per sample (Nielsen's lambda=5 over 50,000 "
                                  "images is 1e-4)", S.non_negative_float)
    schedule: str = setting("constant", "learning-rate schedule", S.one_of(SCHEDULES),
                            show=lambda v: f"{v} schedule" if v != "constant" else "constant")
    epochs: int = setting(10, "passes over the training images", S.positive_int,
                          show=lambda v: f"{v} epoch{'' if v == 1 else 's'}")
    batch_size: int = setting(128, "images per step", S.positive_int, show=lambda v: f"batch {v}")
    val_size: int = setting(5000, "hold out the last N training images for validation (0: none)",
                            S.non_negative_int, show=lambda v: f"{v:,} for validation" if v else "no validation")
    label_smoothing: float = setting(0.0, "aim at 1 - S for the true class and S / K for every class "
                                     "(softmax cross-entropy only)", S.fraction,
                                     show=lambda v: f"label smoothing {v:g}")
    weight_average: float = setting(0.0, "keep a running average of the weights with this decay per step (e.g. "
                                    "0.999) and validate, keep and predict with it (0: off)", S.fraction,
                                    show=lambda v: f"weight average {v:g}")
    patience: int | None = setting(None, "stop when the validation loss has not improved for this many epochs",
                                   S.optional(S.positive_int))
    inputs: str = setting("pixels", "what the inputs are: pixels (scaled to [0, 1]) or features (used as they are)",
                          S.one_of(INPUT_KINDS), show=lambda v: f"{v} inputs")
    # -- the reject option ("not a digit", docs/reject.md): configuration only; train/ draws and fits
    negatives: int = setting(0, "pictures that are not digits, drawn (seeded) and trained on as such (see "
                             "`negatives_as`): the network learns to give them no confident answer (0: none)",
                             S.non_negative_int, show=lambda v: f"{v:,} negatives")
    fashion_negatives: int = setting(0, "pictures of clothes from Fashion-MNIST's training set (chosen by the seed), "
                                     "trained on as negatives beside the drawn ones (0: none; found in "
                                     "$DIGITNET_FASHION or where Debian's dataset-fashion-mnist puts it)",
                                     S.non_negative_int, show=lambda v: f"{v:,} Fashion-MNIST negatives")
    negative_weight: float = setting(1.0, "the weight of the negatives in the loss (their cross-entropy against "
                                     "the uniform distribution, or against the eleventh class)", S.non_negative_float,
                                     show=lambda v: f"negative weight {v:g}")
    negatives_as: str = setting("uniform", "what training asks of a negative: 'uniform' (outlier exposure: the "
                                "same probability for every digit) or 'class' (an eleventh output, 'not a digit', "
                                "trained as a class and folded into the ten after training; without negatives, or "
                                "at weight 0, there is none to train)",
                                S.one_of(NEGATIVE_TARGETS),
                                show=lambda v: "negatives as an eleventh class" if v == "class" else
                                "negatives aimed at the uniform distribution")
    energy_weight: float = setting(0.0, "the weight of the energy margins (Liu et al. 2020): train the score the "
                                   "rule refuses by, the log-sum-exp of the logits, to stay above "
                                   f"{MARGIN_IN:g} for digits and below {MARGIN_OUT:g} for negatives (with "
                                   "`negatives_as` class: the log-odds of 'a digit', the folded network's energy, "
                                   f"above {LOG_ODDS_IN:g} and below {LOG_ODDS_OUT:g}; 0: no margins)",
                                   S.non_negative_float,
                                   show=lambda v: f"energy margins {v:g}")
    font_digits: int = setting(0, "digits drawn from the negatives' fonts, trained on as digits, so that being "
                               "drawn by a font says nothing (0: none)", S.non_negative_int,
                               show=lambda v: f"{v:,} font digits")
    pen_digits: int = setting(0, "digits written by the negatives' pen (stroke by stroke, with the pen letters' "
                              "slant, warp and pressure), trained on as digits, so that being written with a pen "
                              "says nothing either (0: none)", S.non_negative_int,
                              show=lambda v: f"{v:,} pen digits")
    reject_accept: float = setting(0.0, "fit a reject rule after training: the threshold of its score that accepts "
                                   "this share of the validation digits, e.g. 0.997 (0: no rule, the model never "
                                   "refuses a picture)", S.share, show=lambda v: "no reject rule" if not v else
                                   f"accepting {v:.1%} of validation digits")
    reject_score: str = setting("energy", "what the reject rule scores: energy, max_logit or max_probability",
                                S.one_of(REJECT_SCORES), show=lambda v: f"{v} score")
    #: the shape of one sample, e.g. (784,) for an MLP or (1, 28, 28) for a convolutional network
    #: (MLP sizes set it; layers given as descriptions need it, unless the first is a dense layer with
    #: an ``input_dim``)
    input_shape: tuple | None = None
    #: set for tutorials trained by their own protocol (fixed steps, a grid search...), not by epochs
    protocol: str = ""
    #: the settings changed from the preset named ``name``, in the order of :data:`SETTINGS`
    overrides: tuple = ()

    def __post_init__(self) -> None:
        for f in fields(self):
            declared = setting_of(f)
            if declared is not None:
                object.__setattr__(self, f.name, _checked(declared, getattr(self, f.name)))
        if self.label_smoothing and LOSSES[self.loss].name != "cross_entropy":
            raise DigitnetError(f"`label_smoothing` works with the softmax cross-entropy, not {self.loss}",
                                parameter="label_smoothing")
        shape = self.input_shape
        if all(isinstance(s, int) for s in self.layers):  # the MLP shorthand: sizes become layers here
            if shape is not None and tuple(shape) != self.layers[:1]:
                raise DigitnetError(f"`input_shape` {tuple(shape)} does not fit the layer sizes "
                                    f"{sizes_text(self.layers)}", parameter="input_shape")
            shape = self.layers[:1]
            object.__setattr__(self, "layers", MLP(self.layers, output=output_for(self.loss)).layers())
        elif shape is None and self.layers[0].get("input_dim"):
            shape = (self.layers[0]["input_dim"],)
        if shape is None:
            raise DigitnetError("a recipe given layer by layer needs `input_shape`, the shape of one sample, "
                                "e.g. (1, 28, 28)", parameter="input_shape")
        object.__setattr__(self, "input_shape", sample_shape(tuple(shape)))
        self._check_reject_option()
        object.__setattr__(self, "overrides", tuple(self.overrides))

    def _check_reject_option(self) -> None:
        """Negatives and font digits are 28x28 pictures, trained on through the softmax cross-entropy; a
        reject rule scores the logits of a softmax over several classes."""
        drawn = [name for name in EXTRA_PICTURES if getattr(self, name)]
        if drawn and (self.inputs != "pixels" or _product(self.input_shape) != 784):
            raise DigitnetError(f"`{drawn[0]}` are 28x28 pictures, for a recipe that reads 784 pixels, not "
                                f"{self.inputs} of shape {self.input_shape}", parameter=drawn[0])
        wanted = drawn + ["energy_weight"] * bool(self.energy_weight) + ["reject_accept"] * bool(self.reject_accept)
        if wanted and LOSSES[self.loss].name != "cross_entropy":
            raise DigitnetError(f"`{wanted[0]}` works with the softmax cross-entropy, not {self.loss}",
                                parameter=wanted[0])
        if self.extra_outputs:
            self._check_eleventh_output()

    def _check_eleventh_output(self) -> None:
        """An eleventh output needs logits straight out of a dense layer to fold it from, and a score that
        reads it (the softmax of ten folded logits does not)."""
        if self.reject_accept and self.reject_score == "max_probability":
            raise DigitnetError("`negatives_as` class: the top probability of the ten folded outputs ignores the "
                                "eleventh; score by `reject_score` energy (its log-odds) or max_logit",
                                parameter="reject_score")
        if not foldable(self.layers):
            raise DigitnetError("`negatives_as` class folds an eleventh output of the last dense layer into the "
                                "others after training, so the logits must come straight out of that layer (only "
                                "dropout or the softmax after it)", parameter="negatives_as")

    @classmethod
    def mlp(cls, sizes, activation: str = "relu", init: str = "he", dropout: float = 0.0, bias_init: str = "zeros",
            **settings) -> "Recipe":
        """A recipe for a multilayer perceptron of ``sizes`` (input first), its output suiting the loss."""
        given = {"layers": sizes, "activation": activation, "init": init, "dropout": dropout,
                 "loss": settings.get("loss", "cross_entropy")}
        checked = {name: _checked(SETTINGS[name], value) for name, value in given.items()}
        if not all(isinstance(s, int) for s in checked["layers"]):
            raise DigitnetError(f"`layers`: expected the sizes of an MLP, like 784,256,10, got {sizes!r}",
                                parameter="layers")
        mlp = MLP(checked["layers"], checked["activation"], checked["init"], checked["dropout"],
                  output_for(checked["loss"]), bias_init)
        return cls(layers=mlp.layers(), input_shape=mlp.sizes[:1], **settings)

    # -- what it is -----------------------------------------------------------------------------
    @cached_property
    def as_mlp(self) -> MLP | None:
        """The layers read as an MLP (``presets/mlp.py``), or None for any other network."""
        return MLP.read(self.layers, self.input_shape)

    def value(self, name: str) -> Any:
        """A setting's value; for an MLP option, what the layers say (None if they are not an MLP)."""
        if name in OPTION_NAMES:
            return getattr(self.as_mlp, name, None)
        return getattr(self, name)

    @property
    def label(self) -> str:
        """The preset's name, and what was changed from it: ``'mlp-512' with layers 784-100-10, lr 0.5``."""
        if not self.overrides:
            return repr(self.name)
        return f"{self.name!r} with {', '.join(self.show(name) for name in self.overrides)}"

    @property
    def description(self) -> str:
        """The settings in words, generated from the fields (never written by hand, so never out of date)."""
        mlp = self.as_mlp
        net = mlp.text() if mlp else ", ".join(layer_from_config(d).describe() for d in self.layers)
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
        text = f"{net}; {', '.join(train)}"
        if self.extra_pictures or self.energy_weight or self.reject_accept:
            text += "; " + self.reject_text()
        return text

    @property
    def extra_pictures(self) -> int:
        """How many pictures the reject option adds to the training images (negatives and drawn digits)."""
        return sum(getattr(self, name) for name in EXTRA_PICTURES)

    @property
    def extra_outputs(self) -> int:
        """Outputs training adds to the recipe's network: one, "not a digit", when the negatives are a class
        of their own (folded into the others after training) and there are some, with a weight. Without
        them there is nothing to train as a class, and the network trains with its own outputs (so
        ``--negatives 0 --fashion-negatives 0`` turns the default's negatives off, whatever they are)."""
        return int(self.negatives_as == "class" and self.all_negatives > 0 and self.negative_weight > 0)

    @property
    def training_layers(self) -> tuple:
        """The layers training builds: the recipe's, with :attr:`extra_outputs` more units in the last dense
        layer (the recipe has checked that its logits come straight out of it)."""
        at = last_dense(self.layers)
        if not self.extra_outputs or at is None:
            return self.layers
        return (*self.layers[:at], {**self.layers[at], "units": self.layers[at]["units"] + self.extra_outputs},
                *self.layers[at + 1:])

    @property
    def all_negatives(self) -> int:
        """How many training pictures are not digits (drawn and from Fashion-MNIST)."""
        return sum(getattr(self, name) for name in NEGATIVE_PICTURES)

    def pictures_text(self, names: tuple = EXTRA_PICTURES, joiner: str = ", ") -> str:
        """The extra pictures among ``names`` that the recipe asks for, in words: ``6,000 negatives and
        3,000 font digits``."""
        return joiner.join(self.show(name) for name in names if getattr(self, name))

    def reject_text(self) -> str:
        """The reject option in words: ``6,000 negatives (weight 1, as an eleventh class, energy margins
        0.1), 6,000 Fashion-MNIST negatives, 3,000 font digits, 3,000 pen digits, energy score, threshold
        accepting 99.6% of validation digits`` (the weights are every negative's)."""
        negatives = [self.show(name) for name in NEGATIVE_PICTURES if getattr(self, name)]
        digits = [self.show(name) for name in DIGIT_PICTURES if getattr(self, name)]
        margins = self.show("energy_weight") if self.energy_weight else ""
        if negatives:  # the weights of every negative, drawn or not, said once, with the first
            kind = ", as an eleventh class" if self.extra_outputs else ""
            negatives[0] += f" (weight {self.negative_weight:g}{kind}{', ' * bool(margins)}{margins})"
        elif margins:  # the digits' margin alone
            negatives.append(margins)
        parts = negatives + digits
        if self.reject_accept:
            parts.append(f"{self.reject_score} score, threshold accepting {self.reject_accept:.1%} of validation "
                         "digits")
        return ", ".join(parts)

    def show(self, name: str) -> str:
        """One setting as a description shows it: ``lr 0.5``, ``sigmoid``, ``batch 64``."""
        if name == "layers" and self.as_mlp is not None:
            return f"layers {sizes_text(self.as_mlp.sizes)}"
        declared = SETTINGS.get(name) or Setting(name, None, "", S.text)
        return declared.text(self.value(name))

    # -- changing it ----------------------------------------------------------------------------
    def with_overrides(self, **changes) -> "Recipe":
        """A copy with the given settings changed and recorded in ``overrides``; ``None`` keeps the preset's.

        Settings are the fields and the MLP options (``activation``, ``init``, ``dropout``; ``layers``
        given as sizes): those rewrite the layers of an MLP and keep what they do not mention, and are
        refused for a network described layer by layer. A changed loss brings its own output activation
        to an MLP whose output suited the old one.
        """
        known = {f.name for f in fields(self)} | set(OPTION_NAMES)
        unknown = set(changes) - known
        if unknown:
            raise DigitnetError(f"unknown recipe settings: {', '.join(sorted(unknown))}; known: "
                                f"{', '.join(SETTINGS)}")
        changes = {k: v for k, v in changes.items() if v is not None}
        given = set(changes)
        options = {k: _checked(SETTINGS[k], changes.pop(k)) for k in OPTION_NAMES if k in changes}
        if "layers" in changes and all(isinstance(s, int) for s in _checked(SETTINGS["layers"], changes["layers"])):
            options["sizes"] = _checked(SETTINGS["layers"], changes.pop("layers"))
        new = replace(self, **changes)
        mlp = self.as_mlp
        if options and mlp is None:
            named = ["layers"] * ("sizes" in options) + [n for n in OPTION_NAMES if n in options]
            raise DigitnetError(f"preset {self.name!r} is described layer by layer, and "
                                f"{', '.join(f'`{n}`' for n in named)} would replace it with an MLP under its name; "
                                "these settings are for the MLP presets (e.g. 'mlp-512')", parameter=named[0])
        if mlp is not None and (options or new.loss != self.loss):
            output = output_for(new.loss) if mlp.output == output_for(self.loss) else mlp.output
            mlp = replace(mlp, output=output, **options)
            new = replace(new, layers=mlp.layers(), input_shape=mlp.sizes[:1])
        changed = {name for name in given if new.value(name) != self.value(name)}
        order = dict.fromkeys([*SETTINGS, *(f.name for f in fields(self))])
        overrides = [n for n in order if n in self.overrides or n in changed]
        if new.as_mlp is None:  # the MLP options are no longer what the layers say
            overrides = [n for n in overrides if n not in OPTION_NAMES]
        return replace(new, overrides=tuple(overrides))

    def for_data(self, n_features: int, n_classes: int) -> "Recipe":
        """This recipe for samples of ``n_features`` values and ``n_classes`` classes (the estimator's need).

        A flat input (an MLP's) takes the data's size; an input with channels and rows (a convolutional
        network's) stays, and the data must fit it. The last dense layer gets an output for each class
        (one yes/no unit for two classes under the binary cross-entropy).
        """
        layers, shape = list(self.layers), self.input_shape
        if len(shape) == 1:
            shape = (int(n_features),)
            if layers[0].get("input_dim") is not None:
                layers[0] = {**layers[0], "input_dim": int(n_features)}
        elif _product(shape) != n_features:
            raise DigitnetError(f"preset {self.name!r} takes samples of shape {shape} ({_product(shape)} values), "
                                f"but the data has {n_features} features per sample")
        output = last_dense(layers)
        if output is not None:
            layers[output] = {**layers[output], "units": n_outputs(self.loss, n_classes)}
        if tuple(layers) == self.layers and shape == self.input_shape:
            return self
        return replace(self, layers=tuple(layers), input_shape=shape,
                       overrides=tuple(dict.fromkeys(self.overrides + ("layers",))))

    # -- in model files -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with the generated ``label`` and ``description`` for readers of the file."""
        d = asdict(self)
        d["layers"] = list(d["layers"])
        d["input_shape"] = list(self.input_shape)
        d["overrides"] = list(self.overrides)
        return {**d, "label": self.label, "description": self.description}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Recipe":
        """The recipe ``to_dict`` wrote (older files' ``extra`` notes and ``description`` are dropped).

        Files of earlier versions saved an MLP as sizes with ``activation``, ``init``, ``dropout``,
        ``output`` and ``bias_init`` beside them: those become its layers (and were ignored beside
        layers given one by one, as they are here).
        """
        if not isinstance(d, dict):
            raise DigitnetError(f"a recipe must be a mapping of settings, got {type(d).__name__}")
        d = {k: v for k, v in d.items() if k not in ("label", "description", "extra")}
        legacy = {k: d.pop(k) for k in LEGACY_MLP_FIELDS if k in d}
        unknown = set(d) - {f.name for f in fields(cls)}
        if unknown:
            raise DigitnetError(f"unknown recipe settings: {', '.join(sorted(unknown))}")
        try:
            layers = d.get("layers", _field("layers").default)
            if isinstance(layers, (list, tuple)) and layers and all(isinstance(s, int) for s in layers):
                loss = d.get("loss", "cross_entropy")
                d["layers"] = MLP(tuple(layers), legacy.get("activation", "relu"), legacy.get("init", "he"),
                                  float(legacy.get("dropout", 0.0)), legacy.get("output") or output_for(loss),
                                  legacy.get("bias_init", "zeros")).layers()
                d["input_shape"] = d.get("input_shape") or layers[:1]
            elif isinstance(layers, list):
                d["layers"] = tuple(layers)
            if isinstance(d.get("overrides"), list):
                d["overrides"] = [n for n in d["overrides"] if n not in ("output", "bias_init")]
            return cls(**d)
        except (TypeError, ValueError, KeyError) as err:
            raise DigitnetError(f"the recipe is malformed ({err})") from None


def n_outputs(loss: str, n_classes: int) -> int:
    """Output units for ``n_classes``: one yes/no unit for two classes under binary cross-entropy."""
    return 1 if n_classes == 2 and LOSSES[loss].name == "binary_cross_entropy" else n_classes


def _checked(declared: Setting, value):
    try:
        return declared.check(value)
    except ValueError as err:
        raise DigitnetError(f"`{declared.name}`: {err}", parameter=declared.name) from None


def _field(name: str):
    return next(f for f in fields(Recipe) if f.name == name)


def _product(shape) -> int:
    total = 1
    for s in shape:
        total *= s
    return total


def _settings_table() -> dict[str, Setting]:
    table: dict[str, Setting] = {}
    for f in fields(Recipe):
        declared = setting_of(f)
        if declared is not None:
            table[f.name] = declared
            if f.name == "layers":
                table.update((option.name, option) for option in OPTIONS)
    return table


#: every setting a user may choose, by name, in the order of the command line's help and of a label:
#: the fields made with ``setting`` and, after ``layers``, the MLP options
SETTINGS: dict[str, Setting] = _settings_table()

__all__ = ["Recipe", "SETTINGS", "n_outputs"]
