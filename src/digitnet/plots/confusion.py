"""The confusion matrix as a heat map: which classes are taken for which.

Rows are the true class, columns the prediction (the layout of ``digitnet.metrics.confusion_matrix``).
The colour is the share of each row on a log-like scale, so that the few mistakes off the diagonal are
visible next to the thousand correct answers on it; every cell also shows its count.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from matplotlib.colors import PowerNorm

from digitnet.plots.style import new_figure, save


def plot_confusion(cm: np.ndarray, path: "str | Path", names: Sequence[str] | None = None,
                   title: str = "Confusion matrix") -> Path:
    cm = np.asarray(cm)
    k = len(cm)
    names = [str(n) for n in (names if names is not None else range(k))]
    share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    size = 2.5 + 0.55 * k
    fig = new_figure(size + 1.2, size, title)
    ax = fig.subplots()
    image = ax.imshow(share, cmap="Blues", norm=PowerNorm(0.3, vmin=0, vmax=1))
    fig.colorbar(image, ax=ax, shrink=0.8, label="share of the true class")
    for i in range(k):
        for j in range(k):
            ax.text(j, i, f"{cm[i, j]}", ha="center", va="center", fontsize=8 if k > 4 else 11,
                    color="white" if share[i, j] > 0.5 else "black")
    ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    return save(fig, path)
