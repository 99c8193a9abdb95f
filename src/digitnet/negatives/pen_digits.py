"""Digits written with the pen of :mod:`.pen`, to be trained on as digits.

Why digits among the negatives: the pen letters are written by :func:`digitnet.negatives.pen.write`, and
MNIST's digits by people. A network shown only those two could learn "written by that pen = not a digit"
instead of "not shaped like a digit", and would then refuse digits that happen to look written that
way. Digits written by the very same hand, with the same warps, slants and pens, take the shortcut
away, and let the pen letters be many and varied.

Each digit has the shapes people commonly write it in (a 1 with and without its flag and base, an open
and a closed 4, a 7 with and without its bar, a 9 with a straight or a curved tail...). The box is
about 0.6 wide and 1 high, y down.
"""

from __future__ import annotations

import numpy as np

from digitnet.negatives.form import mnist_form
from digitnet.negatives.pen import arc, curve, join, line, write

#: digit -> the ways of writing it, each a function giving its strokes
SHAPES = {
    0: (lambda: [arc(0.3, 0.5, 0.3, 0.5, 265, -105)],  # from the top, anticlockwise, a little past the start
        lambda: [arc(0.3, 0.5, 0.28, 0.5, 300, -80)],
        lambda: [curve((0.45, 0.05), (0.15, 0.1), (0.02, 0.5), (0.2, 0.98), (0.5, 0.85), (0.58, 0.45), (0.42, 0.03),
                       (0.3, 0.06))]),
    1: (lambda: [line((0.3, 0.0), (0.3, 1.0))],
        lambda: [line((0.05, 0.25), (0.32, 0.0), (0.32, 1.0))],
        lambda: [line((0.08, 0.22), (0.32, 0.0), (0.32, 1.0)), line((0.05, 1.0), (0.6, 1.0))],
        lambda: [curve((0.1, 0.18), (0.22, 0.1), (0.34, 0.0)), line((0.34, 0.0), (0.3, 1.0))],
        lambda: [line((0.0, 0.42), (0.4, 0.0), (0.38, 1.0))]),  # the long flag of a continental 1
    2: (lambda: [join(curve((0.03, 0.25), (0.22, 0.02), (0.48, 0.06), (0.52, 0.32), (0.3, 0.64), (0.02, 1.0)),
                      line((0.02, 1.0), (0.62, 1.0)))],
        lambda: [curve((0.03, 0.22), (0.25, 0.0), (0.5, 0.12), (0.45, 0.42), (0.05, 0.95), (0.02, 0.85), (0.15, 0.9),
                       (0.35, 1.0), (0.62, 0.95))],
        lambda: [join(arc(0.3, 0.25, 0.27, 0.25, 200, 360), line((0.57, 0.25), (0.02, 1.0), (0.6, 1.0)))]),
    3: (lambda: [join(curve((0.05, 0.12), (0.3, 0.0), (0.52, 0.14), (0.48, 0.36), (0.22, 0.48)),
                      curve((0.22, 0.48), (0.52, 0.58), (0.56, 0.84), (0.3, 1.0), (0.02, 0.88)))],
        lambda: [join(line((0.05, 0.0), (0.55, 0.0), (0.22, 0.4)),
                      curve((0.22, 0.4), (0.52, 0.52), (0.56, 0.82), (0.3, 1.0), (0.02, 0.86)))],
        lambda: [join(arc(0.28, 0.25, 0.25, 0.24, 200, 450), arc(0.28, 0.73, 0.28, 0.27, 270, 500))]),
    4: (lambda: [line((0.42, 0.0), (0.0, 0.66), (0.62, 0.66)), line((0.45, 0.3), (0.45, 1.0))],
        lambda: [line((0.05, 0.0), (0.03, 0.6), (0.62, 0.6)), line((0.45, 0.05), (0.45, 1.0))],
        lambda: [line((0.45, 1.0), (0.45, 0.0), (0.0, 0.65), (0.62, 0.65))],
        lambda: [line((0.08, 0.0), (0.02, 0.55), (0.55, 0.55)), line((0.5, 0.0), (0.5, 1.0))]),
    5: (lambda: [join(line((0.55, 0.0), (0.1, 0.0), (0.07, 0.44)),
                      curve((0.07, 0.44), (0.35, 0.38), (0.58, 0.6), (0.5, 0.9), (0.25, 1.0), (0.0, 0.9)))],
        lambda: [join(line((0.1, 0.0), (0.06, 0.45)), curve((0.06, 0.45), (0.4, 0.4), (0.58, 0.65), (0.45, 0.95),
                                                             (0.02, 0.92))),
                 line((0.1, 0.0), (0.58, -0.02))],
        lambda: [join(line((0.12, 0.02), (0.08, 0.48)), arc(0.3, 0.7, 0.28, 0.3, 230, 480)),
                 line((0.12, 0.02), (0.55, 0.0))]),
    6: (lambda: [curve((0.52, 0.02), (0.25, 0.2), (0.05, 0.6), (0.18, 0.98), (0.45, 0.92), (0.5, 0.66), (0.25, 0.55),
                       (0.06, 0.72))],
        lambda: [join(curve((0.5, 0.0), (0.2, 0.25), (0.03, 0.65)), arc(0.3, 0.72, 0.27, 0.27, 180, -180))],
        lambda: [curve((0.45, 0.0), (0.12, 0.3), (0.05, 0.75), (0.3, 1.0), (0.55, 0.78), (0.35, 0.5), (0.1, 0.62))],
        lambda: [join(line((0.5, 0.0), (0.06, 0.7)), arc(0.3, 0.75, 0.25, 0.25, 180, -180))]),  # a straight stem
    7: (lambda: [line((0.0, 0.0), (0.6, 0.0), (0.2, 1.0))],
        lambda: [line((0.0, 0.0), (0.6, 0.0), (0.22, 1.0)), line((0.15, 0.5), (0.55, 0.5))],
        lambda: [line((0.02, 0.15), (0.05, 0.0), (0.6, 0.0)), curve((0.6, 0.0), (0.4, 0.4), (0.3, 1.0))]),
    8: (lambda: [curve((0.55, 0.12), (0.3, 0.0), (0.07, 0.14), (0.15, 0.36), (0.45, 0.58), (0.56, 0.82), (0.3, 1.0),
                       (0.04, 0.82), (0.15, 0.58), (0.45, 0.38), (0.53, 0.18), (0.42, 0.04))],
        lambda: [arc(0.3, 0.25, 0.22, 0.24, 90, 450), arc(0.3, 0.74, 0.28, 0.26, -90, 270)],
        lambda: [curve((0.3, 0.5), (0.05, 0.3), (0.3, 0.0), (0.55, 0.25), (0.3, 0.5), (0.02, 0.75), (0.3, 1.0),
                       (0.58, 0.75), (0.3, 0.5))]),
    9: (lambda: [arc(0.3, 0.27, 0.27, 0.27, 0, -360), line((0.57, 0.27), (0.52, 1.0))],
        lambda: [join(arc(0.3, 0.27, 0.27, 0.26, 10, -350), curve((0.57, 0.3), (0.55, 0.7), (0.4, 1.0), (0.1, 0.95)))],
        lambda: [join(arc(0.3, 0.28, 0.27, 0.27, -10, -370), line((0.57, 0.25), (0.48, 1.0)))]),
}


def pen_digit(digit: int, rng: np.random.Generator) -> np.ndarray:
    """``digit`` written with a pen in one of its shapes, as an ink mask."""
    shapes = SHAPES[int(digit)]
    return write(shapes[rng.integers(len(shapes))](), rng)


def make_pen_digits(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``count`` digits (uint8 (count, 28, 28), in MNIST form) and their labels, 0-9 in turn."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1001,)))  # a stream of its own
    labels = np.arange(int(count)) % 10
    images = np.zeros((len(labels), 28, 28), np.uint8)
    for i, digit in enumerate(labels):
        images[i] = mnist_form(pen_digit(int(digit), rng))
    return images, labels
