"""Make a test set of digit pictures that are not from MNIST: handwriting-style fonts on "photographed paper".

Each picture is one digit rendered in a handwriting-style font from Debian's font packages, then put
through the things a phone photo of a note does to it: any size and shape of picture, the digit at
any size and place, turned and slanted a little, pen or marker thickness, black/blue/grey ink on
white, cream, grey or tinted paper (or chalk on a dark board), uneven lighting, paper texture, grain,
blur, specks of dust, JPEG compression, and every file format digitnet reads. Everything is drawn from
one seeded random generator: the same seed gives the same pictures, byte for byte.

    python benchmarks/handwriting/make_digits.py --out runs/handwriting --count 300 --seed 0

writes the pictures and ``labels.csv`` (file, digit, font and the conditions used). Nothing here
looks at any model: the conditions were chosen once to resemble real photos and are not tuned.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts"]
#: font file -> the Debian package that ships it (scripts/apt-install.sh installs them all). Every
#: handwriting-style font found in Debian whose digits are drawn as solid strokes; left out:
#: fonts-femkeklaver, whose digits are hollow outlines, which nobody writes.
FONTS = {
    "dkg.ttf": "fonts-dkg-handwriting", "dkgBd.ttf": "fonts-dkg-handwriting", "dkgIt.ttf": "fonts-dkg-handwriting",
    "Breip.ttf": "fonts-breip", "Humor-Sans.ttf": "fonts-humor-sans",
    "ComicNeue-Regular.otf": "fonts-comic-neue", "ComicNeue-Bold.otf": "fonts-comic-neue",
    "ComicNeue-LightItalic.otf": "fonts-comic-neue", "Delphine.ttf": "fonts-sjfonts", "SteveHand.ttf": "fonts-sjfonts",
    "BecauseWeBuild-Regular.otf": "fonts-bwht", "BecauseWeConnect-Regular.otf": "fonts-bwht",
    "BecauseWeCreate-Regular.otf": "fonts-bwht", "BecauseWeLearn-Regular.otf": "fonts-bwht",
    "BecauseWeMentor-Regular.otf": "fonts-bwht", "BecauseWeOrganize-Regular.otf": "fonts-bwht",
    "CabinSketch-Regular.ttf": "fonts-cabinsketch", "Kristi.ttf": "fonts-kristi", "Rufscript010.ttf": "fonts-rufscript",
    "DancingScript-Regular.otf": "fonts-dancingscript", "KaushanScript-Regular.otf": "fonts-kaushanscript",
    "KleeOne-Regular.ttf": "fonts-klee", "YuseiMagic-Regular.ttf": "fonts-yusei-magic",
    "Ecolier-court.ttf": "fonts-ecolier-court",
}
MIN_FONTS = 8
FORMATS = [("png", "PNG"), ("jpg", "JPEG"), ("webp", "WEBP"), ("bmp", "BMP"), ("gif", "GIF"), ("tif", "TIFF")]
DARK_INKS = [(20, 20, 25), (25, 40, 140), (10, 30, 90), (70, 70, 75), (60, 30, 20)]  # black, blue pens, pencil, brown
PAPERS = [(250, 250, 248), (242, 236, 215), (205, 205, 200), (235, 240, 250), (250, 235, 235), (225, 235, 215)]
BOARDS = [(30, 45, 35), (40, 40, 45), (15, 15, 20), (20, 35, 60)]  # green board, slate, black screen, blue
LIGHT_INKS = [(245, 245, 240), (240, 235, 170), (220, 230, 255)]  # white and yellow chalk, a light pen on screen


def find_fonts() -> dict[str, Path]:
    found = {}
    for folder in FONT_DIRS:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.name in FONTS and path.name not in found:
                    found[path.name] = path
    return found


def missing_fonts_message(found: dict[str, Path]) -> str:
    packages = sorted({pkg for name, pkg in FONTS.items() if name not in found})
    return (f"only {len(found)} of the {len(FONTS)} handwriting fonts are installed; install the rest with\n"
            f"  sudo apt-get install {' '.join(packages)}\n(or run scripts/apt-install.sh as root)")


def render_glyph(digit: int, font_path: Path, height: int, rng: np.random.Generator) -> Image.Image:
    """The digit as an ink mask ("L": 255 = ink), about ``height`` pixels tall, turned and slanted."""
    font = ImageFont.truetype(str(font_path), size=max(8, int(height * 1.4)))
    pad = height
    bold = int(rng.choice([0, 0, 0, 1, 2]) * height / 60)  # a thicker pen now and then
    left, top, right, bottom = font.getbbox(str(digit), stroke_width=bold)
    mask = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    ImageDraw.Draw(mask).text((pad - left, pad - top), str(digit), fill=255, font=font,
                              stroke_width=bold, stroke_fill=255)
    slant = rng.uniform(-0.25, 0.25)
    w, h = mask.size
    mask = mask.transform((w, h), Image.Transform.AFFINE, (1, slant, -slant * h / 2, 0, 1, 0), Image.Resampling.BICUBIC)
    mask = mask.rotate(rng.uniform(-15, 15), Image.Resampling.BICUBIC, expand=True)
    box = mask.getbbox()
    glyph = mask.crop(box)
    scale = height / glyph.height
    return glyph.resize((max(1, round(glyph.width * scale)), height), Image.Resampling.LANCZOS)


def smooth_field(shape: tuple[int, int], cells: int, rng: np.random.Generator) -> np.ndarray:
    """Random values on a coarse grid, smoothly interpolated: paper texture and blotchy light."""
    coarse = Image.fromarray(rng.normal(0, 1, (cells, cells)).astype(np.float32), mode="F")
    return np.asarray(coarse.resize((shape[1], shape[0]), Image.Resampling.BICUBIC), dtype=np.float32)


def lighting(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Uneven light: a linear fall-off, a vignette, or both; 1 = fully lit."""
    h, w = shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = ((x / w - 0.5) * math.cos(angle) + (y / h - 0.5) * math.sin(angle)) * rng.uniform(0, 0.5)
    cy, cx = rng.uniform(0.2, 0.8) * h, rng.uniform(0.2, 0.8) * w
    vignette = ((x - cx) ** 2 + (y - cy) ** 2) / (max(h, w) ** 2) * rng.uniform(0, 0.8)
    return np.clip(1.0 - ramp - vignette, 0.35, 1.0)


def make_picture(digit: int, font_path: Path, rng: np.random.Generator) -> tuple[Image.Image, dict]:
    return photograph(lambda glyph_h: render_glyph(digit, font_path, glyph_h, rng), rng)


def photograph(render, rng: np.random.Generator) -> tuple[Image.Image, dict]:
    """A "photo" of the ink mask ``render(height)`` returns (an "L" image about ``height`` pixels tall):
    the picture's size and shape, the mark's size and place, paper, ink, light, grain and blur.
    ``benchmarks/non_digits`` photographs its letters and scribbles with it too."""
    width = int(rng.integers(64, 1200))  # from a thumbnail to a phone photo scaled for the web
    height = int(width * rng.uniform(0.6, 1.7))  # square-ish to portrait or landscape photo shapes
    short = min(width, height)
    glyph_h = max(16, int(short * rng.uniform(0.3, 0.85)))
    glyph = render(glyph_h)
    if glyph.width > width * 0.95:
        glyph = glyph.resize((int(width * 0.95), max(1, int(glyph.height * width * 0.95 / glyph.width))))
    x0 = int(rng.integers(0, width - glyph.width + 1))
    y0 = int(rng.integers(0, max(1, height - glyph.height + 1)))
    mask = np.zeros((height, width), dtype=np.float32)
    mask[y0:y0 + glyph.height, x0:x0 + glyph.width] = np.asarray(glyph, dtype=np.float32)[:height - y0] / 255

    light_ink = rng.random() < 0.25
    paper = np.array((BOARDS if light_ink else PAPERS)[rng.integers(4 if light_ink else len(PAPERS))], np.float32)
    ink = np.array((LIGHT_INKS if light_ink else DARK_INKS)[rng.integers(3 if light_ink else len(DARK_INKS))],
                   np.float32)
    opacity = rng.uniform(0.6, 1.0)  # pencil and worn chalk do not cover fully
    if light_ink:  # chalk is grainy
        mask *= np.clip(1 - rng.uniform(0, 0.5) * rng.random(mask.shape), 0, 1).astype(np.float32)
    texture = 1 + rng.uniform(0, 0.06) * smooth_field(mask.shape, 12, rng)
    light = lighting(mask.shape, rng)[..., None]
    m = (mask * opacity)[..., None]
    rgb = (paper * texture[..., None] * (1 - m) + ink * m) * light
    specks = int(rng.integers(0, 6))
    for _ in range(specks):  # dust and pen dots
        r, c = int(rng.integers(height)), int(rng.integers(width))
        rgb[max(0, r - 1):r + 1, max(0, c - 1):c + 1] = ink * 0.8 + paper * 0.2
    grain = rng.uniform(0, 0.04) * 255
    rgb = np.clip(rgb + rng.normal(0, 1, rgb.shape) * grain, 0, 255).astype(np.uint8)
    picture = Image.fromarray(rgb, "RGB")
    blur = rng.uniform(0, 1.5) * short / 300
    if blur > 0.3:
        picture = picture.filter(ImageFilter.GaussianBlur(blur))
    conditions = {"ink": "light" if light_ink else "dark", "width": width, "height": height,
                  "digit_height": glyph_h, "grain": round(grain / 255, 3), "blur": round(blur, 2), "specks": specks}
    return picture, conditions


def save(picture: Image.Image, path: Path, fmt: str, rng: np.random.Generator) -> None:
    if fmt == "JPEG":
        picture.save(path, fmt, quality=int(rng.integers(50, 95)))
    elif fmt == "WEBP":
        picture.save(path, fmt, quality=int(rng.integers(60, 95)))
    elif fmt == "GIF":
        picture.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(path, fmt)
    else:
        picture.save(path, fmt)


def generate(out: Path, count: int, seed: int, fonts: dict[str, Path]) -> list[dict]:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    names = sorted(fonts)
    rows = []
    for i in range(count):
        digit = i % 10
        font = names[int(rng.integers(len(names)))]
        picture, conditions = make_picture(digit, fonts[font], rng)
        ext, fmt = FORMATS[i % len(FORMATS)]
        path = out / f"{i:04d}-digit{digit}.{ext}"
        save(picture, path, fmt, rng)
        rows.append({"file": path.name, "digit": digit, "font": font, "format": ext, **conditions})
    write_labels(out, rows)
    return rows


def write_labels(out: Path, rows: list[dict]) -> None:
    """``out/labels.csv``: one line per picture, with the keys of its row as the columns."""
    with open(out / "labels.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def picture_set_options(doc: str, out: str, count: int, seed: int, seed_help: str | None = None):
    """The command line of a script that makes a set of pictures: where, how many, from which seed."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(out), help="folder for the pictures")
    parser.add_argument("--count", type=int, default=count, help=f"how many pictures (default {count})")
    parser.add_argument("--seed", type=int, default=seed, help=seed_help)
    parser.add_argument("--list-packages", action="store_true", help="print the Debian font packages needed and stop")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = picture_set_options(__doc__, "runs/handwriting", count=300, seed=0).parse_args(argv)
    if args.list_packages:
        print(" ".join(sorted(set(FONTS.values()))))
        return 0
    fonts = find_fonts()
    if len(fonts) < len(FONTS):
        print(missing_fonts_message(fonts), file=sys.stderr)
        if len(fonts) < MIN_FONTS:
            print(f"need at least {MIN_FONTS} fonts for a varied set; stopping", file=sys.stderr)
            return 2
    rows = generate(args.out, args.count, args.seed, fonts)
    print(f"wrote {len(rows)} pictures in {len(fonts)} fonts to {args.out} (labels in {args.out / 'labels.csv'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
