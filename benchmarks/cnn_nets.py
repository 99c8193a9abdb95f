"""The convolutional networks the CNN benchmark trains, and the same networks for PyTorch.

Each network is a digitnet recipe; :func:`torch_model` builds the PyTorch network with the same layers
from the recipe's layer descriptions and copies digitnet's initial weights into it, and
:class:`Products` times the matrix products one digitnet epoch of it makes, alone.
"""

from __future__ import annotations

import time

import numpy as np

from digitnet.presets import get_preset
from digitnet.presets.cnn import cnn, conv, dense, layer, recipe

#: the "modern block network" of the issue: two blocks of two 3x3 convolutions with batch norm
BLOCK = recipe(name="block", layers=cnn(
    conv(32, 3, padding=1), layer("batchnorm"), layer("relu"), conv(32, 3), layer("batchnorm"), layer("relu"),
    layer("maxpool2d", size=2),
    conv(64, 3, padding=1), layer("batchnorm"), layer("relu"), conv(64, 3), layer("batchnorm"), layer("relu"),
    layer("maxpool2d", size=2),
    layer("flatten"), dense(256), layer("relu"), dense(10)), lr=0.05, batch_size=64, epochs=1)

NETS = {"lenet5": lambda: get_preset("lenet5"), "block": lambda: BLOCK, "best": lambda: get_preset("best")}


def benchmark_recipe(name: str):
    """The network's recipe for one epoch without augmentation (the engines are compared, not the data),
    plain cross-entropy and no weight averaging, which the PyTorch loop does the same way."""
    return NETS[name]().with_overrides(epochs=1, augment="none", val_size=0, label_smoothing=0.0, weight_average=0.0)


def torch_model(network, weights_path: str):
    """digitnet's network as an ``nn.Sequential``, with digitnet's initial weights from ``weights_path``."""
    import torch
    from torch import nn

    modules = []
    for lay in network.layers_before_loss:
        kind = lay.type_name
        if kind == "conv2d":
            modules.append(nn.Conv2d(lay.in_channels, lay.filters, lay.kernel_size, lay.stride, lay.padding))
        elif kind == "dense":
            modules.append(nn.Linear(lay.input_dim, lay.units))
        elif kind == "batchnorm":
            bn = nn.BatchNorm2d if len(lay.input_shape) == 3 else nn.BatchNorm1d
            modules.append(bn(lay.input_shape[0], eps=lay.eps, momentum=lay.momentum))
        elif kind in ("maxpool2d", "avgpool2d"):
            pool = nn.MaxPool2d if kind == "maxpool2d" else nn.AvgPool2d
            modules.append(pool(lay.size, lay.stride))
        else:
            modules.append({"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "flatten": nn.Flatten,
                            "dropout": lambda: nn.Dropout(lay.rate)}[kind]())
    model = nn.Sequential(*modules)
    with np.load(weights_path) as saved, torch.no_grad():
        for i, (module, lay) in enumerate(zip(model, network.layers_before_loss)):
            names = {"W": "weight", "b": "bias", "gamma": "weight", "beta": "bias"}
            for name, value in lay.params.items():
                array = saved[f"{i}.{name}"]
                getattr(module, names[name]).copy_(torch.from_numpy(array.T.copy() if lay.type_name == "dense"
                                                                    and name == "W" else array))
    return model


class Products:
    """The matrix products of one digitnet training epoch of ``network``, on arrays of the same shapes."""

    def __init__(self, network, n_images: int, batch_size: int, seed: int = 0):
        rng = np.random.default_rng(seed)
        dtype = network.dtype
        self.batches = ([batch_size] * (n_images // batch_size)
                        + ([n_images % batch_size] if n_images % batch_size else []))
        self.work: dict[int, list] = {}
        for b in set(self.batches):
            jobs, first = [], True
            for lay in network.layers_before_loss:
                if lay.type_name == "conv2d":
                    f, oh, ow = lay.output_shape
                    k, m = lay.params["W"][0].size, b * oh * ow
                    W, cols, g = (rng.standard_normal(s).astype(dtype) for s in ((f, k), (k, m), (f, m)))
                elif lay.type_name == "dense":
                    W, cols, g = (rng.standard_normal(s).astype(dtype) for s in
                                  ((lay.units, lay.input_dim), (lay.input_dim, b), (lay.units, b)))
                else:
                    continue
                jobs.append((W, cols, g, not first))
                first = False
            self.work[b] = jobs

    def epoch(self) -> float:
        started = time.perf_counter()
        for b in self.batches:
            for W, cols, g, input_grad in self.work[b]:
                W @ cols            # forward
                cols @ g.T          # weight gradient
                if input_grad:
                    W.T @ g         # input gradient
        return time.perf_counter() - started
