"""A recipe is everything needed to train a model, written down: architecture plus training settings.

Presets are named recipes (``digitnet train --model NAME``); command-line options override single
fields. Keeping the whole recipe in one plain dataclass means a model file can record exactly how it
was made, and ``Recipe(**saved)`` makes it again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from digitnet.augment import make_augmentation
from digitnet.errors import DigitnetError
from digitnet.nn.network import Network
from digitnet.train.trainer import Trainer


@dataclass(frozen=True)
class Recipe:
    name: str = "custom"
    description: str = ""
    #: layer sizes like [784, 256, 10], or layer descriptions for ``Network.from_spec``
    layers: tuple = (784, 256, 10)
    #: per-sample input shape for layer lists that cannot infer it, e.g. (1, 28, 28) for convolutions
    input_shape: tuple | None = None
    activation: str = "relu"
    output: str | None = None  # chosen to suit the loss when None
    loss: str = "cross_entropy"
    init: str = "he"
    bias_init: str = "zeros"
    dropout: float = 0.0
    optimizer: str = "momentum"
    lr: float = 0.1
    momentum: float = 0.9
    weight_decay: float = 0.0
    schedule: str = "constant"
    epochs: int = 10
    batch_size: int = 128
    val_size: int = 5000  # taken from the end of the training set
    patience: int | None = None
    augment: str | None = None  # e.g. "shift:2"; see digitnet.augment
    extra: dict[str, Any] = field(default_factory=dict)  # free-form notes (e.g. the published figure)

    def build(self, seed: int | None = None) -> Network:
        if self.layers and all(isinstance(s, int) for s in self.layers):
            return Network.from_sizes(list(self.layers), activation=self.activation, output=self.output,
                                      loss=self.loss, init=self.init, bias_init=self.bias_init,
                                      dropout=self.dropout, seed=seed)
        return Network.from_spec([dict(d) for d in self.layers], loss=self.loss, seed=seed,
                                 input_shape=self.input_shape)

    def trainer(self, network: Network, seed: int | None = None, **kwargs) -> Trainer:
        kwargs.setdefault("transform", make_augmentation(self.augment))
        return Trainer(network, optimizer=self.optimizer, lr=self.lr, momentum=self.momentum,
                       weight_decay=self.weight_decay, schedule=self.schedule, epochs=self.epochs,
                       batch_size=self.batch_size, patience=self.patience, seed=seed, **kwargs)

    def with_overrides(self, **overrides) -> "Recipe":
        """A copy with the given fields changed; ``None`` values mean "keep the preset's"."""
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise DigitnetError(f"unknown recipe settings: {', '.join(sorted(unknown))}")
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["layers"] = list(d["layers"])
        return d
