"""Digits drawn from the same fonts as the glyph negatives, to be trained on as digits.

Why a module of positives among the negatives: every glyph negative is a character drawn from a font,
and every digit in MNIST is handwriting. A network shown only those two could learn the shortcut
"drawn by a font = not a digit" instead of "not shaped like a digit", and would then refuse pictures
of digits written in a neat hand or typed (the handwriting benchmark's digits are drawn from fonts
too). Digits drawn from the very fonts, sizes, pens, slants and turns of the glyph negatives, and
prepared the same way, take that shortcut away: the font says nothing, only the shape does.
"""

from __future__ import annotations

import numpy as np

from digitnet.negatives import fonts
from digitnet.negatives.form import mnist_form
from digitnet.negatives.glyphs import draw_glyph

#: faces whose digits are not the usual ones: Computer Modern's math italic has old-style figures
#: (a 3, 4, 5, 7 and 9 that hang below the line)
SKIP = ("cmmi10.ttf",)


def digit_fonts():
    """The training faces that draw all ten digits the usual way."""
    from matplotlib.ft2font import FT2Font

    faces = []
    for name in fonts.FONT_FILES:
        path = fonts.font_folder() / name
        if name not in SKIP and path.is_file():
            have = FT2Font(str(path)).get_charmap()
            if all(ord(str(d)) in have for d in range(10)):
                faces.append(path)
    return faces


def make_font_digits(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``count`` digits (uint8 (count, 28, 28), in MNIST form) and their labels, 0-9 in turn, each in a
    random training face, drawn as :func:`~digitnet.negatives.glyphs.draw_glyph` draws the negatives."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1000,)))  # a stream the negatives never use
    faces = digit_fonts()
    labels = np.arange(int(count)) % 10
    images = np.zeros((len(labels), 28, 28), np.uint8)
    for i, digit in enumerate(labels):
        path = faces[rng.integers(len(faces))]
        images[i] = mnist_form(draw_glyph(str(digit), path, rng))
    return images, labels
