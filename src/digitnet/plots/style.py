"""What every digitnet plot shares: drawn off-screen with Agg, a readable size, written atomically.

Figures are made with ``matplotlib.figure.Figure`` and an explicit Agg canvas rather than ``pyplot``:
no display is needed, no global figure list grows, and the caller's own matplotlib backend is left alone.
A figure of ``size`` inches saved at ``DPI`` is ``size * DPI`` pixels (no tight cropping), so tests can
check the size of the file that comes out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from digitnet.errors import DigitnetError
from digitnet.io.atomic import atomic_path
from digitnet.nn.inputs import picture_size

DPI = 100
#: a colour map where a digit looks like ink on paper
INK = "gray_r"


def new_figure(width: float, height: float, title: str, title_size: float = 13,
               layout: "str | None" = "constrained") -> Figure:
    """An empty ``width`` x ``height`` inch figure with an overall title and an Agg canvas.

    ``title_size`` and ``layout`` (None, then ``fig.tight_layout()``) let the dense documentation grids
    keep their small title and tight spacing.
    """
    fig = Figure(figsize=(width, height), dpi=DPI, layout=layout)
    FigureCanvasAgg(fig)
    fig.suptitle(title, fontsize=title_size)
    return fig


def save(fig: Figure, path: "str | Path", dpi: int = DPI) -> Path:
    """Write ``fig`` to ``path`` (the format follows the suffix, PNG by default) and return the path."""
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(".png")
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format=path.suffix.lstrip(".").lower())
    return path


def to_rgb(fig: Figure) -> np.ndarray:
    """The rendered figure as an (H, W, 3) uint8 array: one frame of an animation."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


def as_images(images: np.ndarray) -> np.ndarray:
    """Images of any usual form (uint8 or [0, 1] floats; (N, H, W), (N, 1, H, W), or (N, 784) for square
    ones) -> (N, H, W) floats in [0, 1]."""
    images = np.asarray(images)
    scale = 255.0 if images.dtype == np.uint8 else 1.0
    size = picture_size(images.shape[1:])
    if size is None:
        what = (f"{images.shape[1]:,} numbers as pictures: they are not square" if images.ndim == 2 else
                f"samples of shape {images.shape[1:]} as pictures: they are not one-channel pictures")
        raise DigitnetError(f"cannot draw {what}; give them as (N, height, width)")
    return images.reshape(len(images), *size).astype(np.float32) / scale


def grid_shape(n: int, columns: int) -> tuple[int, int]:
    """Rows and columns for ``n`` small pictures, at most ``columns`` wide."""
    columns = max(1, min(columns, n))
    return -(-n // columns), columns


def hide_unused(axes: np.ndarray, used: int) -> None:
    """Blank the cells of a picture grid beyond the first ``used``."""
    for ax in axes.flat[used:]:
        ax.set_visible(False)
