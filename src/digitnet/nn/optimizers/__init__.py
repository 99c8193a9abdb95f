"""Optimisers: how to turn gradients into better weights. See ``base.py`` for the contract."""

from digitnet.errors import DigitnetError
from digitnet.nn.optimizers.adam import Adam
from digitnet.nn.optimizers.base import Optimizer, Parameter
from digitnet.nn.optimizers.momentum import Momentum, Nesterov
from digitnet.nn.optimizers.sgd import SGD
from digitnet.nn.parameters import Parameters

OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, Momentum, Nesterov, Adam)}


def make_optimizer(name: str, params: "Parameters | list[Parameter]", lr: float, weight_decay: float = 0.0,
                   momentum: float = 0.9) -> Optimizer:
    """Build an optimiser by name over a network's ``Parameters`` (or a list of ``Parameter``).

    Given the whole store, it takes the fewest flat arrays the update needs: one, or two with weight
    decay. ``momentum`` is used by the momentum kinds only.
    """
    if name not in OPTIMIZERS:
        raise DigitnetError(f"unknown optimiser {name!r} (`optimizer`); choose one of {', '.join(OPTIMIZERS)}",
                            parameter="optimizer")
    if isinstance(params, Parameters):
        params = params.groups(weight_decay > 0)
    cls = OPTIMIZERS[name]
    if issubclass(cls, Momentum):
        return cls(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    return cls(params, lr=lr, weight_decay=weight_decay)


__all__ = ["OPTIMIZERS", "Adam", "Momentum", "Nesterov", "Optimizer", "Parameter", "SGD", "make_optimizer"]
