"""A picture of what data augmentation does: each digit, then a few random versions of it per method.

    python -m digitnet.plots.augment_grid docs/images/augmentations.png

draws the first few MNIST test digits with the augmentations the CNN presets use. Looking at the
picture is the quickest check that a setting is sensible: every version must still be the same digit.
"""

from __future__ import annotations

import sys

import numpy as np

from digitnet.augment import make_augmentation

DEFAULT_SPECS = ("shift:2", "affine:rot=12,scale=0.12,shift=2", "elastic:alpha=34,sigma=4",
                 "affine:rot=12,scale=0.12,shift=2+elastic:alpha=34,sigma=4")


def augmentation_grid(images: np.ndarray, specs=DEFAULT_SPECS, per_spec: int = 3, seed: int = 0):
    """A matplotlib figure: one row per image; the original, then ``per_spec`` draws of each spec."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    images = np.asarray(images, dtype=np.float32).reshape(len(images), 28, 28)
    if images.max() > 1:
        images = images / 255
    rng = np.random.default_rng(seed)
    columns = [("original", images)]
    for spec in specs:
        augment = make_augmentation(spec)
        columns += [(spec if i == 0 else "", augment(images, rng)) for i in range(per_spec)]
    fig, axes = plt.subplots(len(images), len(columns), figsize=(0.8 * len(columns), 0.85 * len(images) + 0.6),
                             squeeze=False)
    for col, (title, batch) in enumerate(columns):
        for row in range(len(images)):
            ax = axes[row, col]
            ax.imshow(batch[row], cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([]), ax.set_yticks([])
            if row == 0 and title:
                ax.set_title(title.replace("+", "+\n").replace(",", ",\n", 1), fontsize=6, loc="left")
    fig.suptitle(f"on-the-fly augmentation: each draw is new in every epoch (seed {seed})", fontsize=8)
    fig.tight_layout()
    return fig


def save_augmentation_grid(path, images: np.ndarray, specs=DEFAULT_SPECS, per_spec: int = 3, seed: int = 0,
                           dpi: int = 110):
    from digitnet.io.atomic import atomic_path

    fig = augmentation_grid(images, specs, per_spec, seed)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png")
    return path


def main(argv: list[str]) -> int:
    from digitnet.data import load_mnist

    path = argv[0] if argv else "augmentations.png"
    ds = load_mnist(progress=False)
    save_augmentation_grid(path, ds.test_images[:6])
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
