"""What every layer promises.

A layer is a function of its input and its parameters. Training needs two things from it:

- ``forward(x, training)`` computes the output and remembers whatever backward will need;
- ``backward(grad_out)`` receives dLoss/dOutput, stores dLoss/dParameter in ``self.grads`` and returns
  dLoss/dInput for the layer below (the chain rule, one link at a time).

Parameters live in ``self.params`` (name -> array) with gradients of the same shapes in ``self.grads``,
so optimisers and model files can treat every layer alike. Arrays a layer must keep but nobody trains
(batch normalisation's running statistics) live in ``self.state``: model files save them, optimisers
never see them. Inputs are batches of any shape ``(N, ...)``.

Once a network is built, ``params`` and ``grads`` hold *views* into one flat array per network (see
``Network.build``), so a layer must update them in place (``out=``, ``[...] =``), never rebind them.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

#: type name -> layer class, filled by ``@register``; model files name layers by these strings.
LAYER_TYPES: dict[str, type["Layer"]] = {}


def register(cls: type["Layer"]) -> type["Layer"]:
    """Record a layer class under its ``type_name`` so a saved description can be turned back into it."""
    LAYER_TYPES[cls.type_name] = cls
    return cls


class Layer:
    type_name: ClassVar[str] = "layer"
    #: names of parameters that L2 weight decay applies to (weights yes, biases no, as in Nielsen's book)
    decayed: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.state: dict[str, np.ndarray] = {}
        self.input_shape: tuple[int, ...] | None = None  # per-sample shape, known after build
        self.output_shape: tuple[int, ...] | None = None

    # -- building -------------------------------------------------------------------------------
    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator, dtype: np.dtype) -> tuple[int, ...]:
        """Create parameters for a per-sample ``input_shape``; return the per-sample output shape."""
        self.input_shape = tuple(input_shape)
        self.output_shape = self.compute_output_shape(self.input_shape)
        return self.output_shape

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return input_shape

    # -- computing ------------------------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """``need_input_grad=False`` lets the first layer skip a product nobody will use."""
        raise NotImplementedError

    # -- describing -----------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """A JSON-ready description from which ``from_config`` rebuilds the same (untrained) layer."""
        return {"type": self.type_name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Layer":
        args = {k: v for k, v in config.items() if k != "type"}
        return cls(**args)

    def describe(self) -> str:
        """A short label for tables such as ``Network.summary``."""
        args = ", ".join(f"{v}" for k, v in self.get_config().items() if k != "type")
        return f"{type(self).__name__}({args})" if args else type(self).__name__

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "type")
        return f"{type(self).__name__}({args})"
