"""The MLP shorthand: layer sizes, a hidden activation, an initialisation and a dropout rate.

A recipe's layers are always layer descriptions (``{"type": "dense", "units": 100, ...}``), the one
truth about its network. But a multilayer perceptron is most easily said as ``784,100,10`` with
``sigmoid`` units, and Nielsen's book, ``digitnet train --layers ... --activation ...``, the
estimator's ``hidden=(256,)`` and a sweep over ``--param layers`` all say it so. These four
*MLP options* are therefore declared here as settings of their own (:data:`OPTIONS`, plus sizes given
as ``layers``), and turned into layer descriptions as soon as a recipe is made or changed
(:func:`~digitnet.nn.network.mlp_layers`, the same function ``Network.from_sizes`` uses). Going the
other way, :meth:`MLP.read` recognises layers that are an MLP, so a recipe can say
"784-100-10 MLP, sigmoid units" and an option can change one part of it and keep the rest.

The output activation is not an option: it is the one that suits the loss (softmax for the
cross-entropy, sigmoid for the binary cross-entropy and the quadratic cost), and it follows the loss
when the loss changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from digitnet.errors import DigitnetError
from digitnet.nn.initializers import INITIALIZERS
from digitnet.nn.layers import ACTIVATIONS, layer_from_config
from digitnet.nn.losses import LOSSES
from digitnet.nn.network import OUTPUT_FOR_LOSS, mlp_layers
from digitnet.presets import settings as S
from digitnet.presets.settings import Setting

#: the MLP options besides the sizes (which are given as the ``layers`` setting)
OPTIONS = (
    Setting("activation", "relu", "hidden-layer activation", S.one_of(ACTIVATIONS), show=str),
    Setting("init", "he", "weight initialisation", S.one_of(INITIALIZERS), show=lambda v: f"{v} init"),
    Setting("dropout", 0.0, "dropout after each hidden layer", S.fraction),
)
OPTION_NAMES = tuple(option.name for option in OPTIONS)


def output_for(loss: str) -> str:
    """The output activation that suits ``loss`` (a name, short ones too: "ce", "bce", "mse")."""
    return OUTPUT_FOR_LOSS.get(LOSSES[loss].name, "identity")


def sizes_text(sizes) -> str:
    return "-".join(str(s) for s in sizes)


@dataclass(frozen=True)
class MLP:
    """A multilayer perceptron in the shorthand: ``sizes`` (input first), the hidden ``activation``,
    the weights' ``init``, ``dropout`` after each hidden layer, the ``output`` activation and the biases'
    ``bias_init``. ``layers()`` writes it as layer descriptions; ``read`` reads those back.

    A network with no hidden layer has no hidden activation: ``read`` gives None, and hidden layers
    added to it later are ReLU unless an activation is given with them."""

    sizes: tuple[int, ...]
    activation: str | None = "relu"
    init: str = "he"
    dropout: float = 0.0
    output: str = "softmax"
    bias_init: str = "zeros"

    def layers(self) -> tuple[dict[str, Any], ...]:
        return tuple(mlp_layers(self.sizes, self.activation or "relu", self.output, self.init, self.bias_init,
                                self.dropout))

    def text(self) -> str:
        """``784-100-10 MLP, sigmoid units, dropout 0.2``, or ``784-10, no hidden layer``."""
        if len(self.sizes) == 2:
            return f"{sizes_text(self.sizes)}, no hidden layer"
        return f"{sizes_text(self.sizes)} MLP, {self.activation} units" + (
            f", dropout {self.dropout:g}" if self.dropout else "")

    @classmethod
    def read(cls, layers, input_shape) -> "MLP | None":
        """The MLP that ``layers`` (descriptions) for samples of ``input_shape`` are, or None when they are
        another network: only layers exactly as :meth:`layers` would write them count (settings written
        out or left at their defaults alike)."""
        if input_shape is None or len(input_shape) != 1 or not layers:
            return None
        try:
            given = [_settled(d) for d in layers]
            dense = [d for d in given if d["type"] == "dense"]
            dropout = next((d["rate"] for d in given if d["type"] == "dropout"), 0.0)
            activation = given[1]["type"] if len(dense) > 1 else None  # no hidden layer: no hidden activation
            mlp = cls((int(input_shape[0]), *(d["units"] for d in dense)), activation, dense[0]["init"], dropout,
                      given[-1]["type"], dense[0]["bias_init"])
            same = [_settled(d) for d in mlp.layers()] == given
        except (DigitnetError, KeyError, IndexError, TypeError, ValueError):
            return None
        return mlp if same else None


def _settled(description: dict) -> dict:
    """A layer description with every setting written out (as ``get_config`` does), the input size left out."""
    return {k: v for k, v in layer_from_config(description).get_config().items() if k != "input_dim"}
