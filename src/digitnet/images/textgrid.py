"""Digits written as text: a grid of numbers, one image row per line.

Some tutorials store a 28x28 digit as 28 lines of 28 numbers (``0 0 12 255 ...``, with spaces or
commas), or as 28 lines of 28 single digits (``0000139990000...``). The numbers are ink intensities
(high = ink), exactly like MNIST's pixels, so the grid is returned as brightness with bright ink on a
dark background, and the usual preparation takes it from there.
"""

from __future__ import annotations

import re

import numpy as np

from digitnet.images.errors import ImageError

_SEPARATORS = re.compile(r"[\s,;]+")
MAX_SIDE = 1024  # a grid is typed or printed by a program: anything bigger is not one


def parse_text_grid(text: str, name: str = "text") -> np.ndarray:
    """Grey levels (H, W) in [0, 1] from a grid of numbers; raises :class:`ImageError` if it is not one.

    The scale is read from the numbers: decimals up to 1 are already fractions, whole numbers up to 9
    are single-digit levels (0-9), anything larger is 0-255 like MNIST's bytes.
    """
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        raise ImageError(f"{name} is empty")
    rows = [_parse_row(line, i + 1, name) for i, line in enumerate(lines)]
    width = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != width:
            raise ImageError(f"{name} is not a grid: line {i + 1} has {len(row)} values, line 1 has {width}")
    if len(rows) < 2 or width < 2 or max(len(rows), width) > MAX_SIDE:
        raise ImageError(f"{name} is a {len(rows)}x{width} grid; expected something like 28 lines of 28 numbers")
    grid = np.array(rows, dtype=np.float64)
    if not np.all(np.isfinite(grid)) or grid.min() < 0:
        raise ImageError(f"{name} has negative or non-finite numbers; expected ink levels like 0-255")
    top = grid.max()
    integers = np.all(grid == np.round(grid))
    scale = 1.0 if top <= 1 else 9.0 if integers and top <= 9 else 255.0
    if top > 255:
        raise ImageError(f"{name} has numbers above 255 ({top:g}); expected ink levels 0-255, 0-9 or 0-1")
    return (grid / scale).astype(np.float32)


def _parse_row(line: str, number: int, name: str) -> list[float]:
    parts = [p for p in _SEPARATORS.split(line) if p]
    if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) > 1:
        parts = list(parts[0])  # "00139990..." : one digit per pixel
    try:
        return [float(p) for p in parts]
    except ValueError:
        raise ImageError(f"{name} is neither a picture nor a grid of numbers (line {number}: {line[:40]!r})") from None
