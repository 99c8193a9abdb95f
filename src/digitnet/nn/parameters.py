"""Every learned number of a network in one flat array, and every gradient in another.

Why: an optimiser step is then a few NumPy calls on one long array, whatever the number of layers,
instead of a few calls per weight matrix and bias vector; for small batches those calls, not the
arithmetic, are most of a step's time (docs/performance.md).

How: each layer keeps its parameters in ``layer.params`` and their gradients in ``layer.grads`` (name
-> array). :class:`Parameters` moves them into two flat arrays and hands the layer *views* of its part,
so the layer's code reads as if it owned plain arrays. The one rule this asks of a layer: update them
in place (``out=``, ``[...] =``), never rebind them. Weights that L2 weight decay applies to are stored
first, so "the decayed ones" is one leading slice and an optimiser with decay needs two arrays, not
one per layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(eq=False)
class Parameter:
    """One array an optimiser updates: its values, its gradient (same shape) and whether L2 decay applies."""

    name: str
    value: np.ndarray
    grad: np.ndarray
    decay: bool = False


class Parameters:
    """The flat storage of a list of built layers (see the module docstring)."""

    def __init__(self, layers, dtype=np.float32):
        entries = [(f"{i}.{name}", layer, name) for i, layer in enumerate(layers) for name in layer.params]
        storage_order = sorted(entries, key=lambda e: e[2] not in e[1].decayed)  # stable: decayed first
        total = sum(layer.params[name].size for _, layer, name in entries)
        self.values, self.grads = np.zeros(total, dtype), np.zeros(total, dtype)
        self.n_decayed, offset = 0, 0
        for _, layer, name in storage_order:
            array, end = layer.params[name], offset + layer.params[name].size
            layer.params[name] = self.values[offset:end].reshape(array.shape)
            layer.params[name][...] = array
            layer.grads[name] = self.grads[offset:end].reshape(array.shape)
            offset = end
            if name in layer.decayed:
                self.n_decayed = offset
        #: every array by name, "<layer index>.<name>", in layer order
        self.named = [Parameter(full, layer.params[name], layer.grads[name], name in layer.decayed)
                      for full, layer, name in entries]

    @property
    def size(self) -> int:
        return self.values.size

    def groups(self, weight_decay: bool = False) -> list[Parameter]:
        """The same numbers as ``named``, as few arrays as possible: what optimisers update.

        One array for the whole network, or two when weight decay must tell the decayed weights
        from the rest.
        """
        if not weight_decay:
            return [Parameter("all", self.values, self.grads, decay=False)]
        cut = self.n_decayed
        groups = [Parameter("decayed", self.values[:cut], self.grads[:cut], decay=True),
                  Parameter("not decayed", self.values[cut:], self.grads[cut:], decay=False)]
        return [g for g in groups if g.value.size]
