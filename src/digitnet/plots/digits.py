"""Grids of digits: a sample of the data with its labels, and the network's most confident mistakes.

Looking at the worst mistakes is the quickest way to see what a network gets wrong, and how often the
label itself is doubtful.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from digitnet.plots.style import INK, as_images, grid_shape, hide_unused, new_figure, save


def digit_grid(images: np.ndarray, captions: Sequence[str], path, title: str, columns: int,
               colours: "str | Sequence[str]" = "black", names: Sequence[str] | None = None) -> Path:
    """``images`` in a grid, each with its caption below (in its colour) and, when given, its name above."""
    images = as_images(images)
    rows, cols = grid_shape(len(images), columns)
    fig = new_figure(1.25 * cols + 0.4, (1.45 if names is None else 1.6) * rows + 0.7, title)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False))
    colours = [colours] * len(images) if isinstance(colours, str) else list(colours)
    for i, (ax, image) in enumerate(zip(axes.flat, images)):
        ax.imshow(image, cmap=INK, vmin=0, vmax=1, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(captions[i], fontsize=9, color=colours[i])
        if names is not None:
            ax.set_title(str(names[i]), fontsize=8)
    hide_unused(axes, len(images))
    return save(fig, path)


def plot_samples(images: np.ndarray, labels: np.ndarray, path: "str | Path", n: int = 40, columns: int = 10,
                 title: str = "Sample images and their labels", seed: int | None = 0) -> Path:
    """``n`` images picked at random (``seed``), each captioned with its label."""
    pick = np.random.default_rng(seed).choice(len(images), size=min(n, len(images)), replace=False)
    return digit_grid(np.asarray(images)[pick], [f"label {labels[i]}" for i in pick], path, title, columns)


def worst_mistakes(proba: np.ndarray, labels: np.ndarray, n: int = 24,
                   predicted: np.ndarray | None = None) -> np.ndarray:
    """Indices of the ``n`` misclassified samples predicted with the highest confidence, worst first."""
    predicted = proba.argmax(axis=1) if predicted is None else predicted
    wrong = np.flatnonzero(predicted != labels)
    confidence = proba[wrong, predicted[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")[:n]]


def plot_worst_mistakes(network, images: np.ndarray, labels: np.ndarray, path: "str | Path", n: int = 24,
                        columns: int = 8, title: str | None = None,
                        predictions: tuple | None = None) -> Path:
    """The ``n`` test digits the network got wrong most confidently: true label, prediction, confidence.

    ``predictions``, ``network.predict_with_proba(images)`` when the caller already has it, saves a pass.
    """
    predicted, proba = predictions if predictions is not None else network.predict_with_proba(images)
    if proba.shape[1] == 1:  # a single yes/no output: make it two columns, P(no) and P(yes)
        proba = np.hstack([1 - proba, proba])
    labels = np.asarray(labels)
    worst = worst_mistakes(proba, labels, n, predicted)
    total = int(np.count_nonzero(predicted != labels))
    title = title or f"The {len(worst)} most confident mistakes (of {total:,} on {len(labels):,} images)"
    if not len(worst):
        return digit_grid(np.zeros_like(as_images(images)[:1]), ["no mistakes"], path, title, columns)
    captions = [f"true {labels[i]}, said {predicted[i]}\n{proba[i, predicted[i]]:.0%} sure" for i in worst]
    return digit_grid(np.asarray(images)[worst], captions, path, title, columns, colours="firebrick")
