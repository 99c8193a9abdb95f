"""Letters and symbols written with a pen: strokes in a unit box, drawn as the scribbles are.

Font glyphs teach a network what letters look like in print: shaded strokes, serifs, exact curves.
People drawing on the page or photographing a note write with a pen of even width, in one or two
strokes per letter, with wobble. These are those letters, written out as strokes (y down, the capital
height from 0 to 1, small letters from 0.4 to 1, descenders below 1), their corners moved a little
at random every time and drawn by :func:`digitnet.negatives.scribbles.draw_strokes`. Only characters
that are not written like a digit are here (``fonts.LOOKALIKES``); "%" is not either, since the
preparation may keep only its slash, a 1.
"""

from __future__ import annotations

import numpy as np

from digitnet.negatives.scribbles import draw_strokes


def _arc(cx, cy, rx, ry, start, stop, n=None) -> np.ndarray:
    """Points on an ellipse from angle ``start`` to ``stop`` in degrees (0 = right, 90 = down)."""
    n = n or max(8, int(abs(stop - start) / 10))
    t = np.radians(np.linspace(start, stop, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def P(*points) -> np.ndarray:
    return np.array(points, float)


def _join(*parts) -> np.ndarray:
    return np.concatenate([np.atleast_2d(p) for p in parts])


def _bowl() -> np.ndarray:
    """The upper bowl of a P or an R."""
    return _join(P((0.1, 0), (0.55, 0)), _arc(0.55, 0.27, 0.3, 0.27, -90, 90), P((0.1, 0.54)))


#: character -> its strokes
STROKES = {
    "A": lambda: [P((0, 1), (0.5, 0), (1, 1)), P((0.22, 0.6), (0.78, 0.6))],
    "B": lambda: [P((0.1, 1), (0.1, 0)),
                  _join(P((0.1, 0), (0.5, 0)), _arc(0.5, 0.25, 0.3, 0.25, -90, 90), P((0.1, 0.5))),
                  _join(P((0.1, 0.5), (0.55, 0.5)), _arc(0.55, 0.75, 0.35, 0.25, -90, 90), P((0.1, 1)))],
    "C": lambda: [_arc(0.55, 0.5, 0.45, 0.5, 320, 40)],
    "D": lambda: [P((0.1, 0), (0.1, 1)), _join(P((0.1, 0), (0.4, 0)), _arc(0.4, 0.5, 0.5, 0.5, -90, 90), P((0.1, 1)))],
    "E": lambda: [P((0.9, 0), (0.1, 0), (0.1, 1), (0.9, 1)), P((0.1, 0.5), (0.7, 0.5))],
    "F": lambda: [P((0.9, 0), (0.1, 0), (0.1, 1)), P((0.1, 0.5), (0.7, 0.5))],
    "G": lambda: [_join(_arc(0.5, 0.5, 0.45, 0.5, 320, 10), P((0.55, 0.58)))],
    "H": lambda: [P((0.1, 0), (0.1, 1)), P((0.9, 0), (0.9, 1)), P((0.1, 0.5), (0.9, 0.5))],
    "J": lambda: [_join(P((0.7, 0), (0.7, 0.7)), _arc(0.4, 0.7, 0.3, 0.3, 0, 180)), P((0.35, 0), (0.95, 0))],
    "K": lambda: [P((0.1, 0), (0.1, 1)), P((0.9, 0), (0.1, 0.6)), P((0.35, 0.42), (0.9, 1))],
    "L": lambda: [P((0.1, 0), (0.1, 1), (0.85, 1))],
    "M": lambda: [P((0.05, 1), (0.15, 0), (0.5, 0.7), (0.85, 0), (0.95, 1))],
    "N": lambda: [P((0.1, 1), (0.1, 0), (0.9, 1), (0.9, 0))],
    "P": lambda: [P((0.1, 1), (0.1, 0)), _bowl()],
    "Q": lambda: [_arc(0.5, 0.5, 0.45, 0.5, 0, 360, 40), P((0.6, 0.75), (1.0, 1.1))],
    "R": lambda: [P((0.1, 1), (0.1, 0)), _bowl(), P((0.4, 0.54), (0.9, 1))],
    "T": lambda: [P((0, 0), (1, 0)), P((0.5, 0), (0.5, 1))],
    "U": lambda: [_join(P((0.1, 0)), _arc(0.5, 0.6, 0.4, 0.4, 180, 0), P((0.9, 0)))],
    "V": lambda: [P((0, 0), (0.5, 1), (1, 0))],
    "W": lambda: [P((0, 0), (0.25, 1), (0.5, 0.35), (0.75, 1), (1, 0))],
    "X": lambda: [P((0.05, 0), (0.95, 1)), P((0.95, 0), (0.05, 1))],
    "Y": lambda: [P((0, 0), (0.5, 0.5), (1, 0)), P((0.5, 0.5), (0.5, 1))],
    "a": lambda: [_arc(0.45, 0.72, 0.33, 0.28, 0, 360, 30), P((0.78, 0.42), (0.78, 1))],
    "c": lambda: [_arc(0.5, 0.7, 0.38, 0.3, 320, 40)],
    "d": lambda: [_arc(0.42, 0.72, 0.33, 0.28, 0, 360, 30), P((0.75, 0), (0.75, 1))],
    "e": lambda: [_join(P((0.15, 0.7), (0.85, 0.7)), _arc(0.5, 0.7, 0.35, 0.3, 0, -320))],
    "f": lambda: [_join(_arc(0.6, 0.2, 0.22, 0.18, 0, -180), P((0.38, 1))), P((0.12, 0.45), (0.72, 0.45))],
    "h": lambda: [P((0.15, 0), (0.15, 1)), _join(_arc(0.47, 0.68, 0.32, 0.25, 180, 360), P((0.79, 1)))],
    "k": lambda: [P((0.15, 0), (0.15, 1)), P((0.75, 0.4), (0.15, 0.78)), P((0.35, 0.66), (0.8, 1))],
    "m": lambda: [P((0.05, 0.42), (0.05, 1)), _join(_arc(0.27, 0.62, 0.22, 0.2, 180, 360), P((0.49, 1))),
                  _join(_arc(0.71, 0.62, 0.22, 0.2, 180, 360), P((0.93, 1)))],
    "n": lambda: [P((0.1, 0.4), (0.1, 1)), _join(_arc(0.45, 0.65, 0.35, 0.25, 180, 360), P((0.8, 1)))],
    "p": lambda: [P((0.15, 0.4), (0.15, 1.45)), _arc(0.47, 0.7, 0.32, 0.3, 0, 360, 30)],
    "r": lambda: [P((0.2, 0.4), (0.2, 1)), _arc(0.5, 0.65, 0.3, 0.22, 180, 300)],
    "t": lambda: [_join(P((0.42, 0.05)), _arc(0.62, 0.8, 0.2, 0.18, 180, 60)), P((0.12, 0.4), (0.82, 0.4))],
    "u": lambda: [_join(P((0.15, 0.4)), _arc(0.47, 0.75, 0.32, 0.25, 180, 0)), P((0.79, 0.4), (0.79, 1))],
    "v": lambda: [P((0.1, 0.4), (0.5, 1), (0.9, 0.4))],
    "w": lambda: [P((0, 0.4), (0.25, 1), (0.5, 0.55), (0.75, 1), (1, 0.4))],
    "x": lambda: [P((0.15, 0.4), (0.85, 1)), P((0.85, 0.4), (0.15, 1))],
    "y": lambda: [P((0.1, 0.4), (0.5, 0.95)), P((0.9, 0.4), (0.3, 1.45))],
    "<": lambda: [P((0.9, 0.1), (0.1, 0.5), (0.9, 0.9))],
    ">": lambda: [P((0.1, 0.1), (0.9, 0.5), (0.1, 0.9))],
    "?": lambda: [_join(_arc(0.5, 0.28, 0.35, 0.25, 180, 360), _arc(0.5, 0.28, 0.35, 0.25, 0, 90), P((0.5, 0.72))),
                  P((0.5, 0.95))],
    "^": lambda: [P((0.1, 0.7), (0.5, 0.1), (0.9, 0.7))],
    "&": lambda: [_join(P((0.95, 1)), _arc(0.4, 0.25, 0.2, 0.2, 90, -180), P((0.15, 0.8)),
                        _arc(0.4, 0.75, 0.25, 0.25, 180, 45), P((0.85, 0.5)))],
    "@": lambda: [_arc(0.52, 0.55, 0.18, 0.2, 0, 360, 24),
                  _join(P((0.7, 0.35), (0.7, 0.7)), _arc(0.8, 0.7, 0.1, 0.1, 180, 0),
                        _arc(0.5, 0.5, 0.4, 0.45, 0, -300))],
}


def pen_letter(char: str, rng: np.random.Generator) -> np.ndarray:
    """``char`` written with a pen, as an ink mask: each point of its strokes moved up to 0.06 of the
    letter's size, a slant of up to 0.35, then drawn as a scribble is."""
    strokes = STROKES[char]()
    slant = rng.uniform(-0.35, 0.15)
    shaken = []
    for stroke in strokes:
        s = stroke + rng.uniform(-0.06, 0.06, (1, 2)) + rng.uniform(-0.03, 0.03, stroke.shape)
        s[:, 0] += slant * (1 - s[:, 1])
        shaken.append(s)
    points = np.concatenate(shaken)
    low, high = points.min(axis=0), points.max(axis=0)
    scale = 0.9 / max(float((high - low).max()), 1e-6)
    return draw_strokes([(s - (low + high) / 2) * scale + 0.5 for s in shaken], rng)


CHARACTERS = "".join(STROKES)
