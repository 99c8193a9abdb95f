"""What a trained convolutional network's first layer looks for, and what it sees in one digit.

    python -m digitnet.plots.conv_filters models/best.npz docs/images/conv-filters.png

Top row: the first convolution's kernels (red: positive weights, blue: negative). Below: the maps
they produce for a few test digits, after the layers up to the first pooling. Each kernel is a small
stroke or edge detector, and each map lights up where the digit has that stroke.
"""

from __future__ import annotations

import sys

import numpy as np
from matplotlib.figure import Figure

from digitnet.errors import DigitnetError
from digitnet.plots.style import INK, new_figure, save


def conv_filters_figure(network, images: np.ndarray, max_filters: int = 12) -> Figure:
    """The picture as a figure (no pyplot: nothing stays open); save it with ``style.save``."""
    first = next((i for i, layer in enumerate(network.layers) if layer.type_name == "conv2d"), None)
    if first is None:
        raise DigitnetError("this model has no convolutional layer to draw; train one with --model lenet5 or best")
    kernels = network.layers[first].params["W"][:max_filters, 0]  # (F, kh, kw) for one input channel
    pool = next((i for i in range(first, len(network.layers)) if "pool" in network.layers[i].type_name), first)
    maps = network.as_input(images)
    for layer in network.layers[:pool + 1]:
        maps = layer.forward(maps)
    n_rows, n_cols = 1 + len(images), 1 + len(kernels)
    fig = new_figure(0.75 * n_cols, 0.8 * n_rows + 0.4,
                     "first-layer kernels (top) and their feature maps for three digits", title_size=8, layout=None)
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    for ax in axes.ravel():
        ax.set_xticks([]), ax.set_yticks([])
    axes[0, 0].axis("off")
    for j, kernel in enumerate(kernels, start=1):
        limit = np.abs(kernel).max() or 1
        axes[0, j].imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
    for i, image in enumerate(network.as_input(images), start=1):
        axes[i, 0].imshow(image.reshape(network.input_shape[-2:]), cmap=INK)
        for j in range(1, len(kernels) + 1):
            axes[i, j].imshow(maps[i - 1, j - 1], cmap="viridis")
    fig.tight_layout()
    return fig


def main(argv: list[str]) -> int:
    from digitnet.data import load_mnist
    from digitnet.io import load_model

    if len(argv) != 2:
        print("usage: python -m digitnet.plots.conv_filters MODEL.npz OUT.png", file=sys.stderr)
        return 2
    network = load_model(argv[0]).network
    fig = conv_filters_figure(network, load_mnist(progress=False).test_images[:3])
    print(f"wrote {save(fig, argv[1], dpi=110)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
