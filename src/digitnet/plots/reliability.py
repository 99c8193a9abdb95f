"""Reliability diagrams: confidence against accuracy, bin by bin, before and after calibration.

Each panel sorts a model's answers into bins by confidence (their top probability) and draws, per
bin, a bar as high as the share of those answers that were right; a perfectly calibrated model's bars
reach the diagonal. The red part of a bar is the gap between its accuracy and its mean confidence,
and the title gives the expected calibration error (:mod:`digitnet.metrics.calibration`). A strip
under each panel counts the answers in each bin on a log scale, since a good MNIST model puts almost
all of them in the last bin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from digitnet.metrics.calibration import Reliability
from digitnet.plots.style import new_figure, save


def plot_reliability(panels: Sequence[tuple[str, Reliability]], path: "str | Path",
                     title: str = "Reliability on MNIST's test images") -> Path:
    """One panel per (name, :class:`Reliability`), side by side, e.g. before and after temperature scaling."""
    if not panels:
        raise ValueError("need at least one reliability table to draw")
    fig = new_figure(4.2 * len(panels), 5.2, title)
    grid = fig.add_gridspec(2, len(panels), height_ratios=(4, 1))
    for col, (name, rel) in enumerate(panels):
        ax = fig.add_subplot(grid[0, col])
        lefts, width = rel.edges[:-1], np.diff(rel.edges)
        filled = rel.counts > 0
        accuracy, confidence = np.nan_to_num(rel.accuracy), np.nan_to_num(rel.confidence)
        ax.bar(lefts[filled], accuracy[filled], width[filled], align="edge", color="#4c72b0",
               edgecolor="white", label="accuracy")
        low, high = np.minimum(accuracy, confidence), np.maximum(accuracy, confidence)
        ax.bar(lefts[filled], (high - low)[filled], width[filled], bottom=low[filled], align="edge",
               color="#dd4444", alpha=0.6, edgecolor="none", label="gap to confidence")
        ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="perfect calibration")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_ylabel("accuracy")
        ax.set_title(f"{name}\nECE {rel.ece:.2%} ({len(rel.counts)} bins)", fontsize=11)
        ax.legend(loc="upper left", fontsize=8)
        counts = fig.add_subplot(grid[1, col], sharex=ax)
        counts.bar(lefts[filled], rel.counts[filled], width[filled], align="edge", color="grey")
        counts.set_yscale("log")
        counts.set_xlabel("confidence (top probability)")
        counts.set_ylabel("answers")
    return save(fig, path)
