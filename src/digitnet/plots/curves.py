"""Learning curves: loss and accuracy per epoch, on the training and the validation data.

The gap between the two is the picture of over-fitting: training loss keeps falling while validation
loss turns up. The cost curve of tutorial 3 (cost against gradient-descent iteration) lives here too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from matplotlib.ticker import FormatStrFormatter, MaxNLocator

from digitnet.plots.style import new_figure, save


def history_rows(history: Any) -> list[dict]:
    """The per-epoch rows of a :class:`History`, of its ``to_dict()``, or a plain list of rows."""
    if hasattr(history, "epochs"):
        return list(history.epochs)
    if isinstance(history, dict):
        return list(history.get("epochs", []))
    return list(history)


def plot_learning_curves(history: Any, path: "str | Path", title: str = "Learning curves") -> Path:
    """Two panels, loss and accuracy, each with training and (when recorded) validation per epoch."""
    rows = history_rows(history)
    if not rows:
        raise ValueError("the history has no epochs to plot")
    epochs = [r["epoch"] for r in rows]
    fig = new_figure(10, 4.5, title)
    ax_loss, ax_acc = fig.subplots(1, 2)
    for ax, key, label in ((ax_loss, "loss", "loss"), (ax_acc, "accuracy", "accuracy (%)")):
        scale = 100 if key == "accuracy" else 1
        ax.plot(epochs, [r[key] * scale for r in rows], "o-", ms=3, label="training")
        if all(f"val_{key}" in r for r in rows):
            ax.plot(epochs, [r[f"val_{key}"] * scale for r in rows], "s-", ms=3, label="validation")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(label)
        ax.set_title(f"{key} per epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    best = history.get("best_epoch") if isinstance(history, dict) else getattr(history, "best_epoch", None)
    if best:
        for ax in (ax_loss, ax_acc):
            ax.axvline(best, color="grey", ls=":", lw=1)
        right_half = best > (epochs[0] + epochs[-1]) / 2
        ax_loss.annotate(f" kept: epoch {best} ", (best, ax_loss.get_ylim()[1]), ha="right" if right_half else "left",
                         va="top", fontsize=9)
    return save(fig, path)


def plot_cost_curve(iterations: Sequence[int], costs: Sequence[float], path: "str | Path",
                    title: str = "Cost during gradient descent", label: str = "training cost J",
                    extra: dict[str, tuple[Sequence[int], Sequence[float]]] | None = None) -> Path:
    """Cost against iteration (tutorial 3 records it every 100 iterations); ``extra`` adds named curves."""
    fig = new_figure(7, 4.5, title)
    ax = fig.subplots()
    ax.plot(list(iterations), list(costs), "o-", ms=4, label=label)
    for name, (xs, ys) in (extra or {}).items():
        ax.plot(list(xs), list(ys), "s--", ms=3, label=name)
    ax.set_xlabel("iteration (full-batch gradient-descent step)")
    ax.set_ylabel("cost")
    if max(costs) > 5 * min(costs) > 0:  # a steep first drop would flatten the rest of the curve
        ax.set_yscale("log")
        ax.set_ylabel("cost (log scale)")
        for axis in (ax.yaxis.set_major_formatter, ax.yaxis.set_minor_formatter):
            axis(FormatStrFormatter("%.2g"))  # 0.3, 0.4, ... rather than 3 x 10^-1
    ax.grid(alpha=0.3)
    ax.legend()
    return save(fig, path)
