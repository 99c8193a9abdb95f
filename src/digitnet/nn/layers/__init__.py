"""Layers: the pieces a network is stacked from. See ``base.py`` for what each one promises."""

from digitnet.nn.layers.activations import ACTIVATIONS, Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from digitnet.nn.layers.base import LAYER_TYPES, Layer, register
from digitnet.nn.layers.batchnorm import BatchNorm
from digitnet.nn.layers.conv import Conv2D
from digitnet.nn.layers.dense import Dense
from digitnet.nn.layers.dropout import Dropout
from digitnet.nn.layers.flatten import Flatten
from digitnet.nn.layers.pooling import AvgPool2D, MaxPool2D

__all__ = ["ACTIVATIONS", "LAYER_TYPES", "AvgPool2D", "BatchNorm", "Conv2D", "Dense", "Dropout", "Flatten", "Identity",
           "Layer", "LeakyReLU", "MaxPool2D", "ReLU", "Sigmoid", "Softmax", "Tanh", "layer_from_config",
           "register"]


def layer_from_config(config: dict) -> Layer:
    """Rebuild a layer from ``Layer.get_config()`` output (as stored in model files)."""
    from digitnet.errors import DigitnetError

    kind = config.get("type") if isinstance(config, dict) else None
    if not isinstance(kind, str) or kind not in LAYER_TYPES:
        raise DigitnetError(f"unknown layer type {kind!r}; known types: {', '.join(sorted(LAYER_TYPES))}")
    try:
        return LAYER_TYPES[kind].from_config(config)
    except (TypeError, ValueError, OverflowError) as err:  # a missing or unknown setting, "abc" for a size
        raise DigitnetError(f"bad settings for a {kind!r} layer: {err}") from None
