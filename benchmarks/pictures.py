"""Pictures for the preparation and server benchmarks, drawn on the spot (no files in the repository).

- ``drawing(side)``: a 7 drawn with a round pen on white, like the page's canvas sends (a 280x280 PNG);
- ``photo(width, height)``: a 7 in ink on grey, unevenly lit paper with grain, as a phone's JPEG
  (4000x3000 is 12 megapixels).
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw

#: the strokes of a 7 in a unit square (x right, y down)
SEVEN = [(0.3, 0.18), (0.7, 0.18), (0.45, 0.85)]


def _seven(size: tuple[int, int], ink, paper, width: int) -> Image.Image:
    picture = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(picture)
    points = [(x * size[0], y * size[1]) for x, y in SEVEN]
    draw.line(points, fill=ink, width=width, joint="curve")
    for x, y in (points[0], points[-1]):
        draw.ellipse([x - width / 2, y - width / 2, x + width / 2, y + width / 2], fill=ink)
    return picture


def encode(picture: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def drawing(side: int = 280) -> bytes:
    """A PNG of a 7 as the drawing page sends it: black strokes on white, ``side`` pixels square."""
    return encode(_seven((side, side), (0, 0, 0), (255, 255, 255), max(2, side // 15)), "PNG")


def photo(width: int = 4000, height: int = 3000, seed: int = 0) -> bytes:
    """A JPEG of a 7 in blue ink on grey paper, lit from one side, with grain (quality 90)."""
    rng = np.random.default_rng(seed)
    picture = np.asarray(_seven((width, height), (30, 40, 120), (200, 195, 185), max(2, min(width, height) // 25)),
                         dtype=np.float32)
    light = np.linspace(0.75, 1.1, width, dtype=np.float32)[None, :, None]
    picture = picture * light + rng.normal(0, 6, (height, width, 1)).astype(np.float32)
    return encode(Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8)), "JPEG", quality=90)
