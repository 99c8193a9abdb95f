"""A grid of pictures with the network's answer: a digit, or "not a digit" when it refuses.

Refused pictures are captioned in red, accepted ones in black with their digit and calibrated
probability, so a reader sees at a glance what the reject option turns away and what it lets through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from digitnet.plots.style import INK, as_images, grid_shape, hide_unused, new_figure, save


def plot_answers(images: np.ndarray, digits: Sequence[int], probabilities: Sequence[float], path: "str | Path",
                 title: str, columns: int = 10, names: Sequence[str] | None = None) -> Path:
    """``images`` captioned with their answer: ``digits[i]`` (-1: refused) and ``probabilities[i]``;
    ``names`` (what each picture shows) go above each image when given."""
    images = as_images(images)
    rows, cols = grid_shape(len(images), columns)
    fig = new_figure(1.2 * cols + 0.4, 1.55 * rows + 0.7, title)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False))
    for i, (ax, image) in enumerate(zip(axes.flat, images)):
        ax.imshow(image, cmap=INK, vmin=0, vmax=1, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        refused = int(digits[i]) < 0
        caption = "not a digit" if refused else f"{int(digits[i])} ({probabilities[i]:.0%})"
        ax.set_xlabel(caption, fontsize=9, color="firebrick" if refused else "black")
        if names is not None:
            ax.set_title(str(names[i]), fontsize=8)
    hide_unused(axes, len(images))
    return save(fig, path)
