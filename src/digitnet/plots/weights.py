"""The first layer's weights drawn as 28x28 pictures: what each hidden unit looks for.

Each unit adds up the pixels weighted by its column of ``W``. Drawn in the shape of the image, red
weights are pixels that excite the unit and blue ones pixels that inhibit it; strokes, blobs and
digit-shaped templates appear as the network learns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.inputs import picture_size
from digitnet.nn.layers import Dense
from digitnet.plots.style import grid_shape, hide_unused, new_figure, save


def first_dense_weights(network) -> np.ndarray:
    """The (inputs, units) weight matrix of the network's first dense layer."""
    for layer in network.layers:
        if isinstance(layer, Dense):
            return layer.params["W"]
    raise DigitnetError("this network has no dense layer whose weights could be drawn")


def plot_first_layer(network, path: "str | Path", n: int = 36, columns: int = 9,
                     title: str = "First-layer weights: what each hidden unit looks for",
                     unit_name: str = "unit", image_shape: tuple[int, int] | None = None) -> Path:
    """Up to ``n`` units' weights as images of ``image_shape`` (default: square), each on its own symmetric
    colour scale (red +, blue -)."""
    W = first_dense_weights(network)
    shape = tuple(image_shape) if image_shape is not None else picture_size((W.shape[0],))
    if shape is None or shape[0] * shape[1] != W.shape[0]:
        raise DigitnetError(f"the first dense layer has {W.shape[0]} inputs, not a picture of "
                            f"{shape[0]}x{shape[1]}" if image_shape is not None else
                            f"the first dense layer has {W.shape[0]} inputs, not a square image")
    units = min(n, W.shape[1])
    rows, cols = grid_shape(units, columns)
    fig = new_figure(1.2 * cols + 0.4, 1.3 * rows + 0.8, title)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False))
    for unit, ax in zip(range(units), axes.flat):
        w = W[:, unit].reshape(shape)
        limit = float(np.abs(w).max()) or 1.0
        ax.imshow(w, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"{unit_name} {unit}", fontsize=8)
    hide_unused(axes, units)
    return save(fig, path)
