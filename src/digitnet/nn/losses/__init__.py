"""Losses: how wrong the network is, and which way to move. See ``base.py`` for the contract."""

from digitnet.errors import DigitnetError
from digitnet.nn.losses.base import Loss, as_labels, one_hot, targets_like
from digitnet.nn.losses.binary_cross_entropy import BinaryCrossEntropy
from digitnet.nn.losses.cross_entropy import SoftmaxCrossEntropy
from digitnet.nn.losses.quadratic import QuadraticLoss

LOSSES = {cls.name: cls for cls in (QuadraticLoss, SoftmaxCrossEntropy, BinaryCrossEntropy)}
#: the canonical names (``LOSSES`` also knows the short ones: mse, ce, bce)
LOSS_NAMES = tuple(LOSSES)
LOSSES.update({"mse": QuadraticLoss, "ce": SoftmaxCrossEntropy, "bce": BinaryCrossEntropy})


def get_loss(name: "str | Loss") -> Loss:
    if isinstance(name, Loss):
        return name
    try:
        return LOSSES[name]()
    except KeyError:
        raise DigitnetError(f"unknown loss {name!r}; choose one of {', '.join(sorted(LOSSES))}") from None


__all__ = ["BinaryCrossEntropy", "LOSSES", "LOSS_NAMES", "Loss", "QuadraticLoss", "SoftmaxCrossEntropy", "as_labels",
           "get_loss", "one_hot", "targets_like"]
