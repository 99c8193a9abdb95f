"""Scribbles drawn with a pen: dashes, crosses, stars, spirals, waves, loops, boxes, faces, hashes...

Each kind is a small function that returns strokes: arrays of (x, y) points in a unit square (y down),
or single dots. :func:`draw_scribble` bends them a little the way a hand does (a smooth random wobble
along each stroke), turns and stretches the whole drawing, and draws it with a round pen on a canvas.

What is never drawn: a lone circle or ellipse (a 0), a lone stroke near the vertical (a 1), a spiral
of less than one and three quarter turns (a 6 or a 9). A digit must not be a negative.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

CANVAS = 48  # pixels a side; the strokes fill about 70-90% of it (twice the 20-pixel box: enough detail)

Strokes = list  # of (M, 2) float arrays; an array of one point is a dot


def _line(a, b, n: int = 2) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)[:, None]
    return (1 - t) * np.asarray(a, float) + t * np.asarray(b, float)


def _ellipse(cx, cy, rx, ry, start=0.0, stop=2 * math.pi, n=48) -> np.ndarray:
    t = np.linspace(start, stop, n)
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _angle_away_from_vertical(rng, margin_deg: float = 35.0) -> float:
    """An angle (radians) at least ``margin_deg`` from the vertical: a stroke that cannot pass for a 1."""
    return math.radians(float(rng.uniform(-(90 - margin_deg), 90 - margin_deg)))


def dash(rng) -> Strokes:
    """One dash, or two or three parallel ones ("=", "≡"), never steeper than 55 degrees."""
    angle, n = _angle_away_from_vertical(rng), int(rng.choice([1, 1, 2, 3]))
    half = rng.uniform(0.25, 0.45)
    d = np.array([math.cos(angle), math.sin(angle)]) * half
    normal = np.array([-d[1], d[0]]) / half * rng.uniform(0.12, 0.25)
    return [_line(0.5 - d + (i - (n - 1) / 2) * normal, 0.5 + d + (i - (n - 1) / 2) * normal) for i in range(n)]


def cross(rng) -> Strokes:
    """An x or a +, arms of similar length."""
    base = math.radians(rng.uniform(-15, 15)) + (math.pi / 4 if rng.random() < 0.5 else 0)
    strokes = []
    for turn in (0, math.pi / 2 + math.radians(rng.uniform(-15, 15))):
        a, r = base + turn, rng.uniform(0.3, 0.45)
        d = np.array([math.cos(a), math.sin(a)]) * r
        strokes.append(_line(0.5 - d, 0.5 + d))
    return strokes


def star(rng) -> Strokes:
    """A five-pointed star in one stroke, or an asterisk of three or four bars."""
    spin = rng.uniform(0, 2 * math.pi)
    if rng.random() < 0.5:
        t = spin + np.arange(6) * 4 * math.pi / 5
        return [np.stack([0.5 + 0.42 * np.cos(t), 0.5 + 0.42 * np.sin(t)], axis=1)]
    n = int(rng.integers(3, 5))
    strokes = []
    for i in range(n):
        a = spin + i * math.pi / n
        d = np.array([math.cos(a), math.sin(a)]) * 0.42
        strokes.append(_line(0.5 - d, 0.5 + d))
    return strokes


def spiral(rng) -> Strokes:
    """An Archimedean spiral of 1.75 to 4 turns, either way round."""
    turns = rng.uniform(1.75, 4.0)
    t = np.linspace(0, turns * 2 * math.pi, int(60 * turns))
    r = 0.03 + 0.42 * t / t[-1]
    sign = 1 if rng.random() < 0.5 else -1
    return [np.stack([0.5 + r * np.cos(sign * t), 0.5 + r * np.sin(sign * t)], axis=1)]


def wave(rng) -> Strokes:
    """A sine wave, a zigzag or a row of cursive loops, across the canvas."""
    x = np.linspace(0.08, 0.92, 120)
    periods, amp = rng.uniform(1.5, 4.5), rng.uniform(0.08, 0.25)
    phase = rng.uniform(0, 2 * math.pi)
    kind = rng.integers(3)
    if kind == 0:
        y = 0.5 + amp * np.sin(2 * math.pi * periods * (x - 0.08) / 0.84 + phase)
        return [np.stack([x, y], axis=1)]
    if kind == 1:
        k = int(round(periods * 2)) + 1
        xs = np.linspace(0.08, 0.92, k)
        ys = 0.5 + amp * np.where(np.arange(k) % 2 == 0, -1, 1)
        return [np.stack([xs, ys], axis=1)]
    loops = int(rng.integers(3, 7))  # a prolate trochoid: a pen drawing "eeee" or "llll"
    t = np.linspace(0, loops * 2 * math.pi, 60 * loops)
    r = rng.uniform(0.08, 0.14)
    step = 0.8 / (loops * 2 * math.pi)
    return [np.stack([0.1 + step * t - r * np.sin(t), 0.5 - r * np.cos(t) * rng.uniform(1.0, 2.0)], axis=1)]


def box(rng) -> Strokes:
    """A rectangle, triangle or diamond, sometimes crossed by a diagonal or two."""
    kind = rng.integers(3)
    if kind == 0:
        w, h = rng.uniform(0.3, 0.45), rng.uniform(0.3, 0.45)
        corners = [(0.5 - w, 0.5 - h), (0.5 + w, 0.5 - h), (0.5 + w, 0.5 + h), (0.5 - w, 0.5 + h)]
    elif kind == 1:
        corners = [(0.5, 0.08), (0.92, 0.88), (0.08, 0.88)]
    else:
        corners = [(0.5, 0.06), (0.92, 0.5), (0.5, 0.94), (0.08, 0.5)]
    outline = np.array(corners + corners[:1], float)
    strokes = [outline]
    if rng.random() < 0.35:
        strokes.append(_line(outline[0], outline[2]))
        if len(corners) == 4 and rng.random() < 0.5:
            strokes.append(_line(outline[1], outline[3]))
    return strokes


def face(rng) -> Strokes:
    """A smiley: a round outline (sometimes left out), two eyes, a smiling, frowning or straight mouth."""
    strokes = []
    if rng.random() < 0.75:
        strokes.append(_ellipse(0.5, 0.5, 0.42, 0.42 * rng.uniform(0.85, 1.15)))
    eye_y, eye_dx = rng.uniform(0.33, 0.42), rng.uniform(0.1, 0.16)
    for x in (0.5 - eye_dx, 0.5 + eye_dx):
        if rng.random() < 0.7:
            strokes.append(np.array([[x, eye_y]]))
        else:
            strokes.append(_line((x, eye_y - 0.05), (x, eye_y + 0.05)))
    mood = rng.integers(3)
    if mood == 2:
        strokes.append(_line((0.35, 0.68), (0.65, 0.68)))
    else:
        start = 0.15 * math.pi if mood == 0 else 1.15 * math.pi
        y = 0.52 if mood == 0 else 0.82
        strokes.append(_ellipse(0.5, y, 0.2, 0.15, start, start + 0.7 * math.pi, 24))
    return strokes


def hash_mark(rng) -> Strokes:
    """A # or a noughts-and-crosses grid: two or three lines each way."""
    n = int(rng.choice([2, 2, 3]))
    tilt = rng.uniform(-0.15, 0.15)
    positions = np.linspace(0.3, 0.7, n) if n == 2 else np.linspace(0.22, 0.78, n)
    strokes = [_line((p - tilt, 0.08), (p + tilt, 0.92)) for p in positions]
    strokes += [_line((0.08, p), (0.92, p + tilt / 2)) for p in positions]
    return strokes


def scrawl(rng) -> Strokes:
    """A random smooth curve through six to eleven points: what a bored hand draws."""
    points = rng.uniform(0.08, 0.92, (int(rng.integers(6, 12)), 2))
    return [catmull_rom(points, 12)]


def heart(rng) -> Strokes:
    t = np.linspace(0, 2 * math.pi, 80)
    x = 16 * np.sin(t) ** 3
    y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    return [np.stack([0.5 + x / 38, 0.48 + y / 38], axis=1)]


def arrow(rng) -> Strokes:
    """A shaft and a head, pointing anywhere but up or down (an upright arrow is too close to a 1)."""
    a = _angle_away_from_vertical(rng, 30) + (math.pi if rng.random() < 0.5 else 0.0)
    d = np.array([math.cos(a), math.sin(a)]) * 0.42
    tip, tail = 0.5 + d, 0.5 - d
    strokes = [_line(tail, tip)]
    for side in (-1, 1):
        b = a + math.pi + side * math.radians(rng.uniform(25, 40))
        strokes.append(_line(tip, tip + 0.22 * np.array([math.cos(b), math.sin(b)])))
    return strokes


def sun(rng) -> Strokes:
    """A small circle with six to twelve rays (a circle alone would be a 0)."""
    r = rng.uniform(0.14, 0.22)
    strokes = [_ellipse(0.5, 0.5, r, r)]
    n = int(rng.integers(6, 13))
    for i in range(n):
        a = 2 * math.pi * i / n
        u = np.array([math.cos(a), math.sin(a)])
        strokes.append(_line(0.5 + u * (r + 0.05), 0.5 + u * 0.45))
    return strokes


def house(rng) -> Strokes:
    roof = rng.uniform(0.08, 0.3)
    outline = np.array([(0.15, 0.9), (0.15, 0.45), (0.5, roof), (0.85, 0.45), (0.85, 0.9), (0.15, 0.9)])
    strokes = [outline]
    if rng.random() < 0.6:
        strokes.append(np.array([(0.42, 0.9), (0.42, 0.68), (0.58, 0.68), (0.58, 0.9)]))
    return strokes


def dots(rng) -> Strokes:
    """Three to twelve dots, well apart: a sprinkle of pen marks."""
    return [np.array([p]) for p in rng.uniform(0.1, 0.9, (int(rng.integers(3, 13)), 2))]


def hatching(rng) -> Strokes:
    """Four to nine parallel strokes, as when shading an area."""
    n, a = int(rng.integers(4, 10)), rng.uniform(0, math.pi)
    d = np.array([math.cos(a), math.sin(a)]) * 0.3
    normal = np.array([-d[1], d[0]]) / 0.3
    return [_line(0.5 - d + o * normal, 0.5 + d + o * normal) for o in np.linspace(-0.35, 0.35, n)]


def cloud(rng) -> Strokes:
    """A bumpy closed curve: a cloud or a flower (five to nine bumps)."""
    k = int(rng.integers(5, 10))
    t = np.linspace(0, 2 * math.pi, 160)
    r = 0.32 + rng.uniform(0.06, 0.1) * np.abs(np.sin(k * t / 2))
    return [np.stack([0.5 + r * np.cos(t), 0.5 + r * np.sin(t)], axis=1)]


KINDS = {"dash": dash, "cross": cross, "star": star, "spiral": spiral, "wave": wave, "box": box, "face": face,
         "hash": hash_mark, "scrawl": scrawl, "heart": heart, "arrow": arrow, "sun": sun, "house": house,
         "dots": dots, "hatching": hatching, "cloud": cloud}


def catmull_rom(points: np.ndarray, per_segment: int) -> np.ndarray:
    """A smooth curve through ``points`` (a Catmull-Rom spline, the ends repeated)."""
    p = np.concatenate([points[:1], points, points[-1:]])
    t = np.linspace(0, 1, per_segment, endpoint=False)[:, None]
    pieces = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        pieces.append(0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                             + (3 * p1 - p0 - 3 * p2 + p3) * t ** 3))
    return np.concatenate(pieces + [points[-1:]])


def wobble(stroke: np.ndarray, rng, amount: float) -> np.ndarray:
    """The stroke resampled every 1/50 of the canvas and bent by a smooth random displacement."""
    if len(stroke) < 2:
        return stroke + rng.normal(0, amount, stroke.shape)
    steps = np.sqrt((np.diff(stroke, axis=0) ** 2).sum(axis=1))
    length = np.concatenate([[0.0], np.cumsum(steps)])
    n = max(2, int(length[-1] * 40))
    s = np.arange(n) * (length[-1] / (n - 1))
    dense = np.stack([np.interp(s, length, stroke[:, 0]), np.interp(s, length, stroke[:, 1])], axis=1)
    walk = np.cumsum(np.cumsum(rng.normal(0, 1, (n + 8, 2)), axis=0), axis=0)  # a random walk, summed again:
    drift = (walk[8:] - walk[:-8]) / 8  # its running mean over 8 points, a smooth wander
    drift -= drift.mean(axis=0)
    scale = np.abs(drift).max() or 1.0
    return dense + drift * (amount / scale)


def draw_scribble(kind: str, rng: np.random.Generator) -> np.ndarray:
    """A scribble of ``kind`` (a key of :data:`KINDS`) as an ink mask: see :func:`draw_strokes`."""
    return draw_strokes(KINDS[kind](rng), rng)


def draw_strokes(strokes: Strokes, rng: np.random.Generator) -> np.ndarray:
    """``strokes`` (in the unit square) as an ink mask (float32 in [0, 1]) on a canvas of :data:`CANVAS`
    pixels: wobbled, turned up to 20 degrees, stretched up to 25% either way, and drawn with a round pen
    2 to 6 pixels wide."""
    amount = rng.uniform(0.0, 0.025)
    angle = math.radians(rng.uniform(-20, 20))
    stretch = np.array([rng.uniform(0.75, 1.25), rng.uniform(0.75, 1.25)])
    turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    width = float(rng.uniform(2.0, 6.0))
    canvas = Image.new("L", (CANVAS, CANVAS), 0)
    draw = ImageDraw.Draw(canvas)
    margin, span = CANVAS * 0.1, CANVAS * 0.8
    for stroke in strokes:
        points = ((wobble(np.asarray(stroke, float), rng, amount) - 0.5) * stretch) @ turn.T + 0.5
        points = points * span + margin
        radius = width / 2 if len(points) > 1 else width * rng.uniform(0.6, 1.2)
        if len(points) > 1:
            draw.line(points.ravel().tolist(), fill=255, width=max(1, round(width)))
        for x, y in points[[0, -1]].tolist():  # round ends (and dots)
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return np.asarray(canvas, dtype=np.float32) / 255.0
