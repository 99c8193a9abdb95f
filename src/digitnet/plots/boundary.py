"""A 2-D classifier's decision boundary, redrawn while it learns (tutorial 6, the two moons).

:class:`BoundaryMovie` is handed the data once; each ``snapshot(network, step)`` colours the plane by
the network's P(class 1) and draws the points on top. ``save`` writes the frames as an animated GIF
(with Pillow) and the last frame as a PNG.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from digitnet.io.atomic import atomic_path
from digitnet.plots.style import new_figure, save, to_rgb


class BoundaryMovie:
    def __init__(self, X: np.ndarray, y: np.ndarray, resolution: int = 120, margin: float = 0.5,
                 title: str = "Decision boundary", frame_dpi: int = 60):
        self.X, self.y, self.title, self.frame_dpi = np.asarray(X), np.asarray(y), title, frame_dpi
        lo, hi = self.X.min(axis=0) - margin, self.X.max(axis=0) + margin
        self.xs = np.linspace(lo[0], hi[0], resolution)
        self.ys = np.linspace(lo[1], hi[1], resolution)
        gx, gy = np.meshgrid(self.xs, self.ys)
        self.grid = np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)
        self.frames: list[np.ndarray] = []
        self.last_figure = None

    def draw(self, network, step: int, accuracy: float | None = None):
        """A figure of the plane coloured by P(class 1), the 0.5 contour, and the points."""
        p = network.predict_proba(self.grid)[:, -1].reshape(len(self.ys), len(self.xs))
        fig = new_figure(6, 5, self.title)
        ax = fig.subplots()
        shade = ax.contourf(self.xs, self.ys, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
        ax.contour(self.xs, self.ys, p, levels=[0.5], colors="black", linewidths=1.5)
        ax.scatter(self.X[:, 0], self.X[:, 1], c=self.y, cmap="RdBu_r", edgecolors="black", linewidths=0.4, s=14)
        fig.colorbar(shade, ax=ax, label="P(lower moon)")
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        text = f"iteration {step}" + (f", training accuracy {accuracy:.1%}" if accuracy is not None else "")
        ax.set_title(text, fontsize=11)
        return fig

    def snapshot(self, network, step: int, accuracy: float | None = None) -> None:
        """Record one frame of the animation (drawn at ``frame_dpi`` to keep the GIF small)."""
        self.last_figure = self.draw(network, step, accuracy)
        self.last_figure.set_dpi(self.frame_dpi)
        self.frames.append(to_rgb(self.last_figure))

    def save(self, gif_path: "str | Path", png_path: "str | Path", frame_ms: int = 150) -> tuple[Path, Path]:
        """The animation (the last frame held longer) and the final picture."""
        if not self.frames:
            raise ValueError("no frames recorded: call snapshot() while training")
        frames = [Image.fromarray(f).quantize(colors=64, method=Image.Quantize.MEDIANCUT) for f in self.frames]
        durations = [frame_ms] * (len(frames) - 1) + [frame_ms * 10]
        gif_path = Path(gif_path)
        with atomic_path(gif_path) as tmp:
            frames[0].save(tmp, format="GIF", save_all=True, append_images=frames[1:], duration=durations,
                           loop=0, optimize=True)
        return gif_path, save(self.last_figure, png_path)
