"""A picture of what data augmentation does: each digit, then a few random versions of it per method.

    python -m digitnet.plots.augment_grid docs/images/augmentations.png

draws the first few MNIST test digits with the augmentations the CNN presets use. Looking at the
picture is the quickest check that a setting is sensible: every version must still be the same digit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from digitnet.augment import make_augmentation
from digitnet.plots.style import INK, new_figure, save

DEFAULT_SPECS = ("shift:2", "affine:rot=12,scale=0.12,shift=2", "elastic:alpha=34,sigma=4",
                 "affine:rot=12,scale=0.12,shift=2+elastic:alpha=34,sigma=4")


def augmentation_grid(images: np.ndarray, specs=DEFAULT_SPECS, per_spec: int = 3, seed: int = 0) -> Figure:
    """A figure (no pyplot: nothing stays open) with one row per image: the original, then ``per_spec``
    draws of each spec."""
    images = np.asarray(images, dtype=np.float32).reshape(len(images), 28, 28)
    if images.max() > 1:
        images = images / 255
    rng = np.random.default_rng(seed)
    columns = [("original", images)]
    for spec in specs:
        augment = make_augmentation(spec)
        columns += [(spec if i == 0 else "", augment(images, rng)) for i in range(per_spec)]
    fig = new_figure(0.8 * len(columns), 0.85 * len(images) + 0.6,
                     f"on-the-fly augmentation: each draw is new in every epoch (seed {seed})",
                     title_size=8, layout=None)
    axes = fig.subplots(len(images), len(columns), squeeze=False)
    for col, (title, batch) in enumerate(columns):
        for row in range(len(images)):
            ax = axes[row, col]
            ax.imshow(batch[row], cmap=INK, vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([]), ax.set_yticks([])
            if row == 0 and title:
                ax.set_title(title.replace("+", "+\n").replace(",", ",\n", 1), fontsize=6, loc="left")
    fig.tight_layout()
    return fig


def save_augmentation_grid(path, images: np.ndarray, specs=DEFAULT_SPECS, per_spec: int = 3, seed: int = 0,
                           dpi: int = 110) -> Path:
    return save(augmentation_grid(images, specs, per_spec, seed), path, dpi=dpi)


def main(argv: list[str]) -> int:
    from digitnet.data import load_mnist

    path = argv[0] if argv else "augmentations.png"
    ds = load_mnist(progress=False)
    print(f"wrote {save_augmentation_grid(path, ds.test_images[:6])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
