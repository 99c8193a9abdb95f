"""What every layer promises.

A layer is a function of its input and its parameters. Training needs two things from it:

- ``forward(x, training)`` computes the output; with ``training=True`` it also keeps, through
  :meth:`Layer.save_for_backward`, whatever backward will need. With ``training=False`` (prediction) it
  stores nothing at all, so one network can answer many threads at once;
- ``backward(grad_out)`` receives dLoss/dOutput, writes dLoss/dParameter into ``self.grads`` and returns
  dLoss/dInput for the layer below (the chain rule, one link at a time).

``build`` is the same for every layer: it records the shapes, asks the layer for its initial parameters
(:meth:`create_params`) and for the arrays it keeps but nobody trains (:meth:`create_state`, batch
normalisation's running statistics), and allocates a gradient of the same shape for each parameter.
Optimisers and model files can then treat every layer alike. Inputs are batches of any shape ``(N, ...)``.

A layer also says what it would need for samples of a given shape, without building anything:
:meth:`param_shapes` and :meth:`state_shapes` (the arrays' shapes) and :meth:`cost` (the numbers one
sample occupies inside it, and the multiply-adds it costs). A model file from a stranger is checked
against these before a single weight exists (``digitnet.io.limits``), whatever the layer type.

Inside a network, ``params`` and ``grads`` are views into one flat array (``digitnet.nn.parameters``):
a layer updates them in place (``out=``, ``[...] =``) and never rebinds them.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from digitnet.errors import DigitnetError

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
        self.input_shape: tuple[int, ...] = ()  # per-sample shapes, known after build (empty before)
        self.output_shape: tuple[int, ...] = ()

    # -- building -------------------------------------------------------------------------------
    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator | None, dtype) -> tuple[int, ...]:
        """Create parameters, state and gradients for a per-sample ``input_shape``; return the output shape.

        ``rng=None`` builds every parameter as zeros and draws nothing: for a network whose weights are
        loaded next (``digitnet.io``), where random initial weights would be thrown away.

        Gradients start as ``np.zeros``, which costs nothing until written (the operating system hands out
        zeroed pages lazily), so a network that moves them into its flat storage wastes nothing.
        """
        dtype = np.dtype(dtype)
        self.input_shape = tuple(int(s) for s in input_shape)
        self.output_shape = self.compute_output_shape(self.input_shape)
        initial = self.create_params(self.input_shape, rng, dtype) if rng is not None else {
            name: np.zeros(shape, dtype) for name, shape in self.param_shapes(self.input_shape).items()}
        self.params = {name: np.ascontiguousarray(a, dtype) for name, a in initial.items()}
        self.state = {name: np.ascontiguousarray(a, dtype) for name, a in
                      self.create_state(self.input_shape, dtype).items()}
        self.grads = {name: np.zeros(a.shape, dtype) for name, a in self.params.items()}
        return self.output_shape

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return input_shape

    def create_params(self, input_shape: tuple[int, ...], rng: np.random.Generator, dtype: np.dtype) -> dict:
        """The initial values of the learned arrays, by name (none for most layers), shaped as
        :meth:`param_shapes` says."""
        return {}

    def create_state(self, input_shape: tuple[int, ...], dtype: np.dtype) -> dict:
        """Arrays the layer keeps and model files save, but no optimiser updates, shaped as
        :meth:`state_shapes` says."""
        return {}

    # -- sizing, without building ---------------------------------------------------------------------
    def param_shapes(self, input_shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        """The shape of each learned array for samples of ``input_shape``, by name; nothing is allocated.
        Raises :class:`DigitnetError` when the layer cannot take such inputs."""
        return {}

    def state_shapes(self, input_shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
        """The shape of each array :meth:`create_state` makes, by name; nothing is allocated."""
        return {}

    def cost(self, input_shape: tuple[int, ...]) -> tuple[int, int]:
        """``(numbers, work)`` for one sample of ``input_shape`` in prediction: the most numbers the layer
        holds for it at once (its output, or more where it unfolds its input), and the multiply-adds (or
        comparisons) it spends on it. Here: one operation per output value, as an activation costs."""
        out = math.prod(self.compute_output_shape(input_shape))
        return out, out

    # -- computing ------------------------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """``need_input_grad=False`` lets the first layer skip a product nobody will use."""
        raise NotImplementedError

    def save_for_backward(self, *arrays) -> None:
        """Keep what backward needs; called by ``forward`` in training only."""
        self._saved = arrays

    def saved(self) -> tuple:
        """What the last training forward pass kept for backward."""
        try:
            return self._saved
        except AttributeError:
            raise DigitnetError(f"{type(self).__name__}.backward needs a forward pass with training=True first; "
                                "prediction (training=False) keeps nothing for it") from None

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
