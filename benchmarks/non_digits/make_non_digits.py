"""Make a held-out test set of pictures that are NOT digits: letters, symbols and scribbles, photographed.

The pictures are made the way ``benchmarks/handwriting/make_digits.py`` makes its digits (the same
``photograph``: any picture size and shape, paper, pen or chalk, uneven light, texture, grain, blur,
specks, six file formats), so the only difference between the two sets is what is drawn:

- **letters**: the Latin letters in the 24 handwriting fonts of the handwriting set, and in the 16
  Liberation faces (Debian's fonts-liberation; the issue's examples were in Liberation Sans Bold Italic);
- **symbols**: # $ % & * + < = > ? @ ^ ~ { } and a few more, in the same fonts where they have them;
- **scribbles**: smileys, stars, spirals, waves, zigzags, crosses, hashes, boxes, triangles, hearts,
  arrows, ticks, scrawls, houses, flowers, suns, stick figures, cursive "names", hatching, dashes,
  clouds and infinity signs, drawn by a pen with varying pressure (a drawing routine of its own, not
  the one that makes the training negatives).

None of these fonts and none of this drawing code makes a training negative (those come from
matplotlib's fonts and ``digitnet.negatives.scribbles``), so the set measures generalisation. Letters
and symbols that people write like a digit (O, l, S, Z, g...: ``digitnet.negatives.fonts.LOOKALIKES``)
are left out: refusing them would mean refusing digits. One seeded generator draws everything.

    python benchmarks/non_digits/make_non_digits.py --out runs/non_digits --count 400 --seed 1

writes the pictures and ``labels.csv`` (file, kind, what is drawn, font, conditions).

:func:`numbers` photographs numbers of two and three digits in the handwriting fonts the same way (not
part of the set: ``benchmarks/reject.py --numbers`` draws them afresh), for what one digit's reader
makes of several.
"""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "handwriting"))

import make_digits  # noqa: E402  (the handwriting set's fonts and photograph)

from digitnet.negatives.fonts import is_lookalike  # noqa: E402

LIBERATION = {f"Liberation{family}-{style}.ttf": "fonts-liberation"
              for family in ("Sans", "Serif", "Mono", "SansNarrow")
              for style in ("Regular", "Bold", "Italic", "BoldItalic")}
LETTERS = "".join(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if not is_lookalike(c))
SYMBOLS = "".join(c for c in "#$%&*+<=>?@^~{}€£§¶©±×÷" if not is_lookalike(c))
#: shares of the set: letters, symbols, scribbles
SHARES = {"letter": 0.45, "symbol": 0.15, "scribble": 0.4}
MIN_FONTS = 8


def find_fonts() -> dict[str, Path]:
    """The handwriting set's fonts and the Liberation faces that are installed, by file name."""
    found = make_digits.find_fonts()
    for folder in make_digits.FONT_DIRS:
        if folder.is_dir():
            for path in folder.rglob("Liberation*.ttf"):
                if path.name in LIBERATION and path.name not in found:
                    found[path.name] = path
    return found


def packages() -> list[str]:
    return sorted(set(make_digits.FONTS.values()) | set(LIBERATION.values()))


def drawable(font: Path, chars: str) -> str:
    from matplotlib.ft2font import FT2Font

    have = FT2Font(str(font)).get_charmap()
    return "".join(c for c in chars if ord(c) in have)


# -- scribbles: paths in a unit square (y down), drawn by a pen whose width follows its pressure ----------
def _arc(cx, cy, rx, ry, a0, a1, n=40):
    t = np.linspace(a0, a1, n)
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _seg(*points):
    return np.array(points, float)


def scribble_paths(kind: str, rng: np.random.Generator) -> list[np.ndarray]:
    u = rng.uniform
    if kind == "smiley":
        paths = [_arc(0.5, 0.5, 0.45, 0.45 * u(0.85, 1.1), 0, 2 * math.pi, 60)]
        paths += [_arc(x, 0.38, 0.03, 0.04, 0, 2 * math.pi, 10) for x in (0.35, 0.65)]
        smile = u(0.1, 0.9) * math.pi
        return paths + [_arc(0.5, 0.55, 0.22, 0.15, smile * 0.2, math.pi - smile * 0.2, 20)]
    if kind == "star":
        t = u(0, 6.3) + np.arange(6) * 4 * math.pi / 5
        return [np.stack([0.5 + 0.45 * np.sin(t), 0.5 - 0.45 * np.cos(t)], axis=1)]
    if kind == "spiral":
        turns = u(2.0, 3.5)
        t = np.linspace(0, 2 * math.pi * turns, 200)
        r = 0.45 * (t / t[-1]) ** u(0.8, 1.2)
        return [np.stack([0.5 + r * np.cos(t), 0.5 + r * np.sin(t)], axis=1)]
    if kind == "wave":
        x = np.linspace(0, 1, 100)
        return [np.stack([x, 0.5 + 0.2 * np.sin(x * 2 * math.pi * u(1.5, 3.5))], axis=1)]
    if kind == "zigzag":
        k = int(rng.integers(4, 9))
        return [np.stack([np.linspace(0, 1, k), 0.5 + 0.25 * (-1) ** np.arange(k)], axis=1)]
    if kind == "cross":
        return [_seg((0.1, 0.1), (0.9, 0.9)), _seg((0.9, 0.1), (0.1, 0.9))]
    if kind == "hash":
        return [_seg((0.35, 0.05), (0.3, 0.95)), _seg((0.7, 0.05), (0.65, 0.95)),
                _seg((0.05, 0.35), (0.95, 0.35)), _seg((0.05, 0.65), (0.95, 0.65))]
    if kind == "box":
        return [_seg((0.1, 0.15), (0.9, 0.12), (0.92, 0.88), (0.08, 0.9), (0.1, 0.15))]
    if kind == "triangle":
        return [_seg((0.5, 0.05), (0.95, 0.92), (0.05, 0.92), (0.5, 0.05))]
    if kind == "heart":
        t = np.linspace(0, 2 * math.pi, 80)
        return [np.stack([0.5 + 0.4 * np.sin(t) ** 3,
                          0.45 - (13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)) / 36],
                         axis=1)]
    if kind == "arrow":
        return [_seg((0.05, 0.5), (0.95, 0.5)), _seg((0.7, 0.25), (0.95, 0.5), (0.7, 0.75))]
    if kind == "tick":
        return [_seg((0.05, 0.55), (0.35, 0.9), (0.95, 0.1))]
    if kind == "scrawl":
        pts = rng.uniform(0, 1, (int(rng.integers(7, 12)), 2))
        return [make_digits_smooth(pts)]
    if kind == "house":
        return [_seg((0.1, 0.95), (0.1, 0.45), (0.5, 0.08), (0.9, 0.45), (0.9, 0.95), (0.1, 0.95)),
                _seg((0.4, 0.95), (0.4, 0.7), (0.6, 0.7), (0.6, 0.95))]
    if kind == "flower":
        k = int(rng.integers(5, 8))
        t = np.linspace(0, 2 * math.pi, 200)
        r = 0.2 + 0.25 * np.abs(np.cos(k * t / 2))
        return [np.stack([0.5 + r * np.cos(t), 0.5 + r * np.sin(t)], axis=1), _arc(0.5, 0.5, 0.08, 0.08, 0, 6.3, 16)]
    if kind == "sun":
        paths = [_arc(0.5, 0.5, 0.2, 0.2, 0, 2 * math.pi, 40)]
        for a in np.linspace(0, 2 * math.pi, int(rng.integers(7, 12)), endpoint=False):
            paths.append(_seg((0.5 + 0.28 * math.cos(a), 0.5 + 0.28 * math.sin(a)),
                              (0.5 + 0.47 * math.cos(a), 0.5 + 0.47 * math.sin(a))))
        return paths
    if kind == "stick figure":
        return [_arc(0.5, 0.15, 0.12, 0.12, 0, 6.3, 24), _seg((0.5, 0.27), (0.5, 0.65)),
                _seg((0.2, 0.4), (0.8, 0.4)), _seg((0.3, 0.95), (0.5, 0.65), (0.7, 0.95))]
    if kind == "cursive":
        n = int(rng.integers(4, 8))
        t = np.linspace(0, 2 * math.pi * n, 60 * n)
        height = rng.uniform(0.6, 1.4, n).repeat(60)
        return [np.stack([0.05 + 0.9 * t / t[-1] - 0.06 * np.sin(t), 0.6 - 0.15 * height * (1 - np.cos(t))], axis=1)]
    if kind == "hatching":
        return [_seg((0.1 + d, 0.9), (0.3 + d, 0.1)) for d in np.linspace(0, 0.6, int(rng.integers(4, 8)))]
    if kind == "dashes":
        return [_seg((0.05, y), (0.95, y + u(-0.05, 0.05))) for y in np.linspace(0.3, 0.7, int(rng.integers(1, 4)))]
    if kind == "cloud":
        t = np.linspace(0, 2 * math.pi, 200)
        r = 0.35 + 0.08 * np.abs(np.sin(int(rng.integers(4, 8)) * t / 2))
        return [np.stack([0.5 + 0.55 / 0.45 * r * np.cos(t) * 0.8, 0.5 + r * np.sin(t) * 0.8], axis=1)]
    if kind == "infinity":
        t = np.linspace(0, 2 * math.pi, 120)
        return [np.stack([0.5 + 0.45 * np.cos(t), 0.5 + 0.25 * np.sin(2 * t)], axis=1)]
    raise ValueError(kind)


SCRIBBLES = ("smiley", "star", "spiral", "wave", "zigzag", "cross", "hash", "box", "triangle", "heart", "arrow",
             "tick", "scrawl", "house", "flower", "sun", "stick figure", "cursive", "hatching", "dashes", "cloud",
             "infinity")


def make_digits_smooth(points: np.ndarray, per: int = 16) -> np.ndarray:
    """A quadratic B-spline through the midpoints of ``points``: a smooth hand-drawn curve."""
    mids = (points[:-1] + points[1:]) / 2
    curve = [mids[0]]
    t = np.linspace(0, 1, per)[:, None]
    for i in range(1, len(points) - 1):
        a, b, c = mids[i - 1], points[i], mids[i]
        curve.append((1 - t) ** 2 * a + 2 * (1 - t) * t * b + t ** 2 * c)
    return np.vstack([np.atleast_2d(c) for c in curve])


def render_scribble(kind: str, height: int, rng: np.random.Generator) -> Image.Image:
    """The scribble as an "L" ink mask about ``height`` pixels tall, stamped dot by dot along each path
    with a pen whose width rises and falls like a hand's pressure, shaken a little and turned."""
    paths = scribble_paths(kind, rng)
    side = int(height * 1.3) + 8
    canvas = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(canvas)
    pen = max(1.0, height * rng.uniform(0.025, 0.07))
    turn = math.radians(rng.uniform(-15, 15))
    rot = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    aspect = np.array([rng.uniform(0.8, 1.25), 1.0])
    for path in paths:
        seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
        s = np.concatenate([[0], np.cumsum(seg)])
        n = max(2, int(s[-1] * height / max(1.0, pen / 3)))
        q = np.linspace(0, s[-1], n)
        dense = np.stack([np.interp(q, s, path[:, 0]), np.interp(q, s, path[:, 1])], axis=1)
        shake = np.cumsum(rng.normal(0, 0.004, dense.shape), axis=0)
        dense = ((dense + shake - 0.5) * aspect) @ rot.T * height + side / 2
        pressure = 0.75 + 0.25 * np.sin(np.linspace(0, rng.uniform(2, 8), n) + rng.uniform(0, 6.3))
        for (x, y), p in zip(dense, pressure):
            r = pen * p / 2
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    box = canvas.getbbox()
    return canvas.crop(box) if box else canvas


def generate(out: Path, count: int, seed: int, fonts: dict[str, Path]) -> list[dict]:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    handwriting = sorted(n for n in fonts if n in make_digits.FONTS)
    liberation = sorted(n for n in fonts if n in LIBERATION)
    kinds = list(SHARES)
    rows = []
    for i in range(count):
        kind = kinds[int(rng.choice(len(kinds), p=list(SHARES.values())))]
        font = ""
        if kind == "scribble":
            what = SCRIBBLES[int(rng.integers(len(SCRIBBLES)))]
            picture, conditions = make_digits.photograph(lambda h: render_scribble(what, h, rng), rng)
        else:
            names = liberation if liberation and rng.random() < 0.25 else handwriting
            font = names[int(rng.integers(len(names)))]
            chars = drawable(fonts[font], LETTERS if kind == "letter" else SYMBOLS) or LETTERS
            what = chars[int(rng.integers(len(chars)))]
            picture, conditions = make_digits.photograph(
                lambda h: make_digits.render_glyph(what, fonts[font], h, rng), rng)
        ext, fmt = make_digits.FORMATS[i % len(make_digits.FORMATS)]
        path = out / f"{i:04d}-{kind}.{ext}"
        make_digits.save(picture, path, fmt, rng)
        rows.append({"file": path.name, "kind": kind, "what": what, "font": font, "format": ext, **conditions})
    make_digits.write_labels(out, rows)
    return rows


def render_number(digits: str, font: Path, height: int, rng: np.random.Generator) -> Image.Image:
    """``digits`` written one after another in one hand (a font), each as the handwriting set writes a
    digit, with a gap of 5-30% of a digit's height between them and a margin of a third of it around
    them (a number photographed whole: the preparation drops marks that touch the picture's edge, but
    the largest), ``height`` pixels tall in all."""
    size = max(8, round(height * 3 / 5))
    glyphs = [make_digits.render_glyph(int(d), font, size, rng) for d in digits]
    gap, margin = int(size * rng.uniform(0.05, 0.3)), (height - size) // 2
    canvas = Image.new("L", (sum(g.width for g in glyphs) + gap * (len(glyphs) - 1) + 2 * margin, height), 0)
    x = margin
    for glyph in glyphs:
        canvas.paste(glyph, (x, margin))
        x += glyph.width + gap
    return canvas


def numbers(count: int, seed: int, fonts: dict[str, Path]) -> list[tuple[bytes, str, str]]:
    """``count`` photographed numbers, of two and of three digits in turn, each pair of them in the next of
    the handwriting ``fonts`` and the next of the set's file formats (so that both lengths meet every
    font and format alike): (the picture's file; the number; the font)."""
    rng = np.random.default_rng(seed)
    names = sorted(fonts)
    found = []
    for i in range(count):
        font = names[i // 2 % len(names)]
        number = "".join(str(d) for d in rng.integers(0, 10, 2 + i % 2))
        picture, _ = make_digits.photograph(lambda h: render_number(number, fonts[font], h, rng), rng)
        file = io.BytesIO()
        make_digits.save(picture, file, make_digits.FORMATS[i // 2 % len(make_digits.FORMATS)][1], rng)
        found.append((file.getvalue(), number, font))
    return found


def main(argv: list[str] | None = None) -> int:
    options = make_digits.picture_set_options(__doc__, "runs/non_digits", count=400, seed=1,
                                              seed_help="seed (default 1; 0 is the set looked at while developing)")
    args = options.parse_args(argv)
    if args.list_packages:
        print(" ".join(packages()))
        return 0
    fonts = find_fonts()
    missing = [p for p in packages() if p not in {make_digits.FONTS.get(n) or LIBERATION.get(n) for n in fonts}]
    if missing:
        print(f"missing font packages: {' '.join(missing)} (scripts/apt-install.sh installs them as root)",
              file=sys.stderr)
    if sum(n in make_digits.FONTS for n in fonts) < MIN_FONTS:
        print(f"need at least {MIN_FONTS} handwriting fonts; stopping", file=sys.stderr)
        return 2
    rows = generate(args.out, args.count, args.seed, fonts)
    print(f"wrote {len(rows)} pictures to {args.out} (labels in {args.out / 'labels.csv'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
