"""Letters and symbols drawn from fonts, slanted, turned and thickened like a pen would.

Each glyph is drawn by Pillow as an ink mask (1 = ink) on a canvas a little larger than the
character, then sheared and rotated. How strong each variation is was chosen to cover what people do
when they write a letter on the drawing page, not tuned on any measurement.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

#: the font sizes glyphs are drawn at (few, so that each loaded font is reused)
SIZES = (28, 34, 40)


@functools.lru_cache(maxsize=256)
def load_font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size=size)


def draw_glyph(char: str, font_path: Path, rng: np.random.Generator) -> np.ndarray:
    """``char`` in the font at ``font_path`` as an ink mask (float32 in [0, 1]): a random size, a pen
    between the font's own and a few pixels bolder, a slant of up to 0.3 and a turn of up to 20 degrees."""
    size = int(SIZES[rng.integers(len(SIZES))])
    font = load_font(font_path, size)
    bold = int(rng.choice([0, 0, 0, 1, 2]) * size / 34)
    left, top, right, bottom = font.getbbox(char, stroke_width=bold)
    pad = size // 2
    canvas = Image.new("L", (max(1, right - left) + 2 * pad, max(1, bottom - top) + 2 * pad), 0)
    ImageDraw.Draw(canvas).text((pad - left, pad - top), char, fill=255, font=font, stroke_width=bold,
                                stroke_fill=255)
    slant = float(rng.uniform(-0.3, 0.3))
    w, h = canvas.size
    canvas = canvas.transform((w, h), Image.Transform.AFFINE, (1, slant, -slant * h / 2, 0, 1, 0),
                              Image.Resampling.BILINEAR)
    canvas = canvas.rotate(float(rng.uniform(-20, 20)), Image.Resampling.BILINEAR, expand=True)
    return np.asarray(canvas, dtype=np.float32) / 255.0
