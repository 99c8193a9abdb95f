"""A hand with a pen: characters written stroke by stroke, never twice the same.

Fonts teach a network what printed characters look like; people write. This module writes a
character from its strokes (smooth curves and straight lines in a unit box, y down) the way a hand
does, and the same hand writes the pen letters (negatives, :mod:`.pen_letters`) and the pen digits
(trained on as digits, :mod:`.pen_digits`), so that "written with a pen" says nothing about whether it
is a digit: only the shape does.

What changes from one writing to the next (each drawn at random, ranges chosen to cover what people
do, not tuned on a measurement):

- the shape bends: a smooth random displacement of the whole box (a few long sine waves, an elastic
  warp of the character), and each stroke moves a little against the others (a bar that misses its
  stem, a loop that does not close);
- the hand slants it (a shear), turns it, makes it narrower or wider;
- the pen: round, of a width between a fine pen and a marker, pressing harder and softer along a
  stroke, sometimes thinning at the stroke's ends, with a little tremor.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from digitnet.negatives.scribbles import catmull_rom as spline

#: pixels a side of the canvas a character is written on (the preparation then fits it into 20x20)
CANVAS = 56

Stroke = np.ndarray  # (M, 2) points, x right and y down; one point is a dot


# -- building strokes ------------------------------------------------------------------------------------
def catmull_rom(points, per_segment: int = 10) -> np.ndarray:
    """A smooth curve through ``points`` (the scribbles' Catmull-Rom spline); fewer than three points are
    a dot or a straight stroke, kept as they are."""
    points = np.asarray(points, float)
    return points if len(points) < 3 else spline(points, per_segment)


def curve(*points) -> np.ndarray:
    """A smooth stroke through the points."""
    return catmull_rom(points)


def line(*points) -> np.ndarray:
    """Straight segments through the points, corners kept."""
    return np.asarray(points, float)


def arc(cx: float, cy: float, rx: float, ry: float, start: float, stop: float) -> np.ndarray:
    """Points on an ellipse from angle ``start`` to ``stop`` in degrees (0 = right, 90 = down: a
    decreasing angle goes anticlockwise on the page)."""
    n = max(6, int(abs(stop - start) / 8))
    t = np.radians(np.linspace(start, stop, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def join(*parts) -> np.ndarray:
    """One stroke made of pieces written without lifting the pen."""
    return np.concatenate([np.atleast_2d(np.asarray(p, float)) for p in parts])


def dot(x: float, y: float) -> np.ndarray:
    return np.array([[x, y]], float)


# -- the hand ---------------------------------------------------------------------------------------------
def resample(stroke: np.ndarray, step: float) -> np.ndarray:
    """The stroke as points ``step`` apart along its length (a dot stays a dot)."""
    if len(stroke) < 2:
        return stroke
    lengths = np.sqrt((np.diff(stroke, axis=0) ** 2).sum(axis=1))
    s = np.concatenate([[0.0], np.cumsum(lengths)])
    if s[-1] <= 0:
        return stroke[:1]
    q = np.linspace(0.0, s[-1], max(2, int(math.ceil(s[-1] / step)) + 1))
    return np.stack([np.interp(q, s, stroke[:, 0]), np.interp(q, s, stroke[:, 1])], axis=1)


def smooth_warp(points: np.ndarray, waves: np.ndarray) -> np.ndarray:
    """``points`` displaced by a sum of sine waves: ``waves`` rows are (amplitude x, amplitude y,
    frequency x, frequency y, phase), a smooth field over the box (an elastic warp of the whole character)."""
    arg = points @ waves[:, 2:4].T + waves[:, 4]  # (M, waves)
    return points + np.sin(arg) @ waves[:, 0:2]


def random_waves(rng: np.random.Generator, amount: float, count: int = 3) -> np.ndarray:
    """Waves for :func:`smooth_warp` of about one cycle across the box, together moving a point up to
    about ``amount``."""
    amplitude = rng.normal(0.0, amount / math.sqrt(count), (count, 2))
    frequency = rng.normal(0.0, 2 * math.pi * 0.6, (count, 2))
    phase = rng.uniform(0.0, 2 * math.pi, (count, 1))
    return np.concatenate([amplitude, frequency, phase], axis=1)


def write(strokes: list[np.ndarray], rng: np.random.Generator, warp: float = 0.06, shift: float = 0.03,
          slant: tuple[float, float] = (-0.2, 0.45), turn: float = 10.0, aspect: tuple[float, float] = (0.75, 1.3),
          width: tuple[float, float] = (0.04, 0.13)) -> np.ndarray:
    """``strokes`` (in a box about 1 high) written by a hand, as an ink mask: float32 in [0, 1] on a
    :data:`CANVAS` square. ``warp`` is the elastic warp's size, ``shift`` how far a stroke may move
    against the others, ``slant`` the shear's range, ``turn`` the largest turn in degrees, ``aspect``
    the range of width over height, ``width`` the pen's width as a share of the character's height."""
    waves = random_waves(rng, rng.uniform(0.3, 1.0) * warp)
    written = []
    for stroke in strokes:
        s = resample(np.asarray(stroke, float), 0.02)
        s = smooth_warp(s, waves) + rng.normal(0.0, shift, (1, 2))
        written.append(s)
    points = np.concatenate(written)
    centre = (points.min(axis=0) + points.max(axis=0)) / 2
    shear = rng.uniform(*slant)
    angle = math.radians(rng.uniform(-turn, turn))
    stretch = rng.uniform(*aspect)
    c, s_ = math.cos(angle), math.sin(angle)
    # x' = stretch * (x + shear * (centre_y - y)): a forward slant leans the top to the right
    matrix = np.array([[c, -s_], [s_, c]]) @ np.array([[stretch, -stretch * shear], [0.0, 1.0]])
    written = [(w - centre) @ matrix.T for w in written]
    points = np.concatenate(written)
    low, high = points.min(axis=0), points.max(axis=0)
    height = max(float(high[1] - low[1]), 1e-6)
    size = max(float((high - low).max()), 1e-6)
    pen = rng.uniform(*width) * height  # in the character's units
    scale = CANVAS * 0.8 / (size + pen)
    offset = CANVAS / 2 - (low + high) / 2 * scale
    radius = max(0.6, pen * scale / 2)
    pressure = rng.uniform(0.0, 0.45)
    taper = rng.random() < 0.4
    canvas = Image.new("L", (CANVAS, CANVAS), 0)
    draw = ImageDraw.Draw(canvas)
    for w in written:
        xy = resample(w * scale + offset, 0.5)
        xy = xy + np.cumsum(rng.normal(0.0, 0.04, xy.shape), axis=0) * (len(xy) > 1)  # tremor
        n = len(xy)
        along = np.linspace(0.0, 1.0, n)
        r = radius * (1 - pressure * 0.5 * (1 + np.sin(rng.uniform(2, 9) * along * math.pi + rng.uniform(0, 6.3))))
        if taper and n > 8:
            r = r * np.clip(np.minimum(along, 1 - along) * n / 6 + 0.35, 0.35, 1.0)
        for (x, y), rr in zip(xy.tolist(), r.tolist()):
            draw.ellipse((x - rr, y - rr, x + rr, y + rr), fill=255)
    return np.asarray(canvas, dtype=np.float32) / 255.0
