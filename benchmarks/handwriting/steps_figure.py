"""Draw the preparation of pictures step by step (docs/images/preparation-steps.png).

    python benchmarks/handwriting/steps_figure.py OUT.png PICTURE...

One row per picture: the picture, the paper found under it, the ink, the ink cleaned of grain and
specks, the digit fitted into 20x20, and the final 28x28 image, next to what a naive resize gives.
"""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from digitnet.images import naive, prepare  # noqa: E402

COLUMNS = [("grey", "picture (grey)"), ("paper", "paper found"), ("ink", "ink"), ("cleaned", "grain, specks gone"),
           ("boxed", "fitted in 20x20"), ("final", "centred in 28x28"), ("naive", "naive resize")]


def main(out: str, pictures: list[str]) -> None:
    fig, axes = plt.subplots(len(pictures), len(COLUMNS), figsize=(1.6 * len(COLUMNS), 1.75 * len(pictures)),
                             squeeze=False)
    for row, path in enumerate(pictures):
        prepared = prepare(path, keep_steps=True)
        images = {**prepared.steps, "final": prepared.image / 255.0, "naive": naive(path) / 255.0}
        for col, (key, title) in enumerate(COLUMNS):
            ax = axes[row, col]
            ax.imshow(np.clip(images[key], 0, 1), cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=80)
    print(f"saved {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
