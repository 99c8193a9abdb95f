"""How much a network described by a stranger may cost, worked out before anything is built.

A model file's description says how big its network is, and a file of a few kilobytes may claim a layer
of a billion weights, or a hundred networks each at the edge of what is allowed. Every layer says what
it would need for samples of a given shape without building anything (``Layer.param_shapes``,
``state_shapes`` and ``cost``, written next to its forward pass), so here a whole network is sized from
its description alone, layer by layer, and refused at the first layer that passes a bound. Only then is
it built, from zeros (``Network(..., draw=False)``): its weights are read from the file next.

The bounds are far above every preset (the largest has 1.7 million parameters and 14,400 numbers per
image in its widest step) and far below what would exhaust a machine. A committee's file is one budget:
its members' parameters and their work per picture add up, so that a hundred members each at the bound
cost no more than one network at the bound would.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Any, Iterator

from digitnet.errors import DigitnetError
from digitnet.nn.layers import Layer
from digitnet.nn.network import Network, network_dtype, read_config, sample_shape


@dataclass(frozen=True)
class SizeLimits:
    """The most one model file may need; see the module docstring."""

    bytes: int = 2**27  # parameters and state, all layers (of all members) together: 33.5 million float32
    per_sample: int = 2**21  # numbers one sample needs inside one layer: its output or unfolded patches
    work: int = 2**28  # multiply-adds one sample costs, all layers (of all members) together
    layers: int = 1000  # in one network


@dataclass(frozen=True)
class Sizes:
    """What the networks sized so far need: bytes of parameters and state, and multiply-adds per sample."""

    bytes: int = 0
    work: int = 0


def sized_network(architecture: Any, limits: SizeLimits = SizeLimits(), spent: Sizes = Sizes(),
                  whole: str = "the network", where: str = "") -> tuple[Network, Sizes]:
    """The network ``architecture`` (a ``Network.get_config`` description from a file) describes, built
    from zeros once :func:`check_sizes` has found that it fits ``limits`` together with what ``spent``
    already holds; and the new totals. ``whole`` names what the totals are of, and ``where`` the network
    among them (``"member 3, "``), for messages."""
    specs = architecture.get("layers") if isinstance(architecture, dict) else None
    if isinstance(specs, list) and len(specs) > limits.layers:  # before a single layer object is made
        raise DigitnetError(f"the network description has {len(specs):,} layers, more than the "
                            f"{limits.layers:,} allowed")
    layers, settings = read_config(architecture)
    if settings["input_shape"] is None:
        raise DigitnetError("the network description has no `input_shape`")
    total = check_sizes(layers, settings["input_shape"], settings["dtype"], limits, spent, whole, where)
    return Network(layers, draw=False, **settings), total


def check_sizes(layers: list[Layer], input_shape: Any, dtype: Any, limits: SizeLimits = SizeLimits(),
                spent: Sizes = Sizes(), whole: str = "the network", where: str = "") -> Sizes:
    """Work out what ``layers`` would need for samples of ``input_shape``, asking each layer and building
    nothing; raise :class:`DigitnetError` at the first layer where that, added to ``spent``, passes
    ``limits``. Returns the totals (``spent`` and these layers)."""
    shape, itemsize = sample_shape(input_shape), network_dtype(dtype).itemsize
    total_bytes, work = spent.bytes, spent.work
    for i, layer in enumerate(layers):
        what = f"{where}layer {i} ({layer.type_name})"
        with _layer_errors(what, shape):
            out = tuple(int(n) for n in layer.compute_output_shape(shape))
            numbers, cost = layer.cost(shape) if out and min(out) >= 1 else (0, 0)
        if not out or min(out) < 1:
            raise DigitnetError(f"{what} gives an empty output {out} for its input of shape {shape}")
        if numbers > limits.per_sample:
            raise DigitnetError(f"{what} would need {numbers:,} numbers for each sample, more than the "
                                f"{limits.per_sample:,} allowed; the description is damaged or not meant for digitnet")
        with _layer_errors(what, shape):
            shapes = [*layer.param_shapes(shape).values(), *layer.state_shapes(shape).values()]
        total_bytes += sum(math.prod(s) for s in shapes) * itemsize
        if total_bytes > limits.bytes:
            raise DigitnetError(f"{whole} would have more than {limits.bytes // itemsize:,} parameters (at {what}); "
                                "the description is damaged or not meant for digitnet")
        work += cost
        if work > limits.work:
            raise DigitnetError(f"{whole} would take more than {limits.work:,} multiply-adds for each sample "
                                f"(at {what}); the description is damaged or not meant for digitnet")
        shape = out
    return Sizes(total_bytes, work)


@contextlib.contextmanager
def _layer_errors(what: str, shape: tuple[int, ...]) -> Iterator[None]:
    """A layer that cannot be sized for its input, whatever it raises, as one DigitnetError naming it."""
    try:
        yield
    except DigitnetError as err:
        raise DigitnetError(f"{what}: {err}") from None
    except (TypeError, ValueError, OverflowError, IndexError, ZeroDivisionError) as err:
        raise DigitnetError(f"{what} does not fit its input of shape {shape} ({err})") from None
