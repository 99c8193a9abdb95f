"""A grid of pictures with the network's answer: a digit, or "not a digit" when it refuses.

Refused pictures are captioned in red, accepted ones in black with their digit and calibrated
probability, so a reader sees at a glance what the reject option turns away and what it lets through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from digitnet.plots.digits import digit_grid


def plot_answers(images: np.ndarray, digits: Sequence[int], probabilities: Sequence[float], path: "str | Path",
                 title: str, columns: int = 10, names: Sequence[str] | None = None) -> Path:
    """``images`` captioned with their answer: ``digits[i]`` (-1: refused) and ``probabilities[i]``;
    ``names`` (what each picture shows) go above each image when given."""
    refused = [int(d) < 0 for d in digits]
    captions = ["not a digit" if no else f"{int(d)} ({p:.0%})" for no, d, p in zip(refused, digits, probabilities)]
    return digit_grid(images, captions, path, title, columns, ["firebrick" if no else "black" for no in refused],
                      names)
