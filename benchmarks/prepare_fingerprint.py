"""A fingerprint of what the preparation makes: SHA-256 of prepare()'s 28x28 output for a few hundred pictures.

    python benchmarks/prepare_fingerprint.py --save runs/prepare-fingerprint.json    # before a change
    python benchmarks/prepare_fingerprint.py --check runs/prepare-fingerprint.json   # after it: same bytes?

Why: the preparation is ported to other languages (the page's JavaScript) and compared against this
code, and speed work on it must not change a single pixel. The pictures are 240 drawn on the spot
from a seed (digits as pen strokes at sizes from 24 to 2,400 pixels, dark or light ink, tinted and
unevenly lit paper, grain, specks, PNG, JPEG, 16-bit PNG) plus the handwriting test sets of
benchmarks/handwriting (seeds 0 and 1, 300 pictures each) when their fonts are installed
(``make handwriting``). For each picture it records the hash of ``prepare(...).image`` and the ink
found (or the error), and of ``naive(...)``; ``--check`` lists every picture whose result differs.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "handwriting"))

import make_digits  # noqa: E402  (the handwriting set's generator)

from digitnet.errors import DigitnetError  # noqa: E402
from digitnet.images import naive, prepare  # noqa: E402

#: strokes of digits in a unit square (x right, y down); "e" is an ellipse's box
STROKES = {
    0: [("e", (0.3, 0.15, 0.7, 0.85))],
    1: [("l", [(0.5, 0.15), (0.5, 0.85)])],
    4: [("l", [(0.6, 0.85), (0.6, 0.15), (0.25, 0.6), (0.75, 0.6)])],
    7: [("l", [(0.3, 0.18), (0.7, 0.18), (0.45, 0.85)])],
    8: [("e", (0.33, 0.12, 0.67, 0.48)), ("e", (0.3, 0.48, 0.7, 0.88))],
}


def drawn_picture(rng: np.random.Generator) -> tuple[str, bytes]:
    """One picture of a digit with random size, place, pen, colours, lighting, grain, specks and format."""
    side = int(rng.choice([24, 40, 64, 100, 150, 280, 400, 600, 900, 1300, 2400]))
    width, height = side, max(16, int(side * rng.uniform(0.6, 1.5)))
    light_ink = rng.random() < 0.3
    paper = rng.integers(20, 70, 3) if light_ink else rng.integers(170, 256, 3)
    ink = rng.integers(200, 256, 3) if light_ink else rng.integers(0, 90, 3)
    picture = Image.new("RGB", (width, height), tuple(int(v) for v in paper))
    draw = ImageDraw.Draw(picture)
    digit = int(rng.choice(list(STROKES)))
    scale = rng.uniform(0.4, 1.0)
    x0, y0 = rng.uniform(0, 1 - scale) * width, rng.uniform(0, 1 - scale) * height
    pen = max(1, int(min(width, height) * scale * rng.uniform(0.02, 0.12)))

    def at(x, y):
        return (x0 + x * scale * width, y0 + y * scale * height)

    for kind, shape in STROKES[digit]:
        if kind == "e":
            draw.ellipse([*at(*shape[:2]), *at(*shape[2:])], outline=tuple(int(v) for v in ink), width=pen)
        else:
            draw.line([at(*p) for p in shape], fill=tuple(int(v) for v in ink), width=pen, joint="curve")
    for _ in range(int(rng.integers(0, 4))):  # specks
        x, y, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(0.5, 3)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(int(v) for v in ink))
    pixels = np.asarray(picture, dtype=np.float32)
    pixels = pixels * np.linspace(rng.uniform(0.7, 1.0), rng.uniform(1.0, 1.15), width, dtype=np.float32)[None, :, None]
    pixels += rng.normal(0, rng.uniform(0, 10), (height, width, 1)).astype(np.float32)
    pixels = np.clip(pixels, 0, 255)
    fmt = str(rng.choice(["PNG", "JPEG", "PNG16"]))
    buffer = io.BytesIO()
    if fmt == "PNG16":
        grey = pixels @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        Image.fromarray((grey * 257).astype(np.uint16)).save(buffer, "PNG")
    else:
        Image.fromarray(pixels.astype(np.uint8)).save(buffer, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return f"{width}x{height}-{digit}-{fmt}", buffer.getvalue()


def digest(result) -> str:
    return hashlib.sha256(np.ascontiguousarray(result).tobytes()).hexdigest()[:16]


def fingerprint(source) -> dict[str, str]:
    try:
        prepared = prepare(source)
        found = {"prepare": digest(prepared.image), "ink": prepared.ink}
    except DigitnetError as err:
        return {"error": str(err)}
    found["naive"] = digest(naive(source, prepared.ink))
    return found


def pictures(count: int, seed: int, handwriting: bool):
    rng = np.random.default_rng(seed)
    for i in range(count):
        name, data = drawn_picture(rng)
        yield f"drawn/{i:03d}-{name}", data
    if not handwriting:
        return
    fonts = make_digits.find_fonts()
    if len(fonts) < len(make_digits.FONTS):
        print(make_digits.missing_fonts_message(fonts) + "\nleaving the handwriting sets out", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as folder:
        for set_seed in (0, 1):
            out = Path(folder) / f"seed{set_seed}"
            for row in make_digits.generate(out, 300, set_seed, fonts):
                yield f"handwriting-seed{set_seed}/{row['file']}", (out / row["file"]).read_bytes()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--save", type=Path, help="write the fingerprints here (JSON)")
    p.add_argument("--check", type=Path, help="compare with fingerprints saved before; exit 1 if any differ")
    p.add_argument("--count", type=int, default=240, help="pictures drawn on the spot (default 240)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-handwriting", action="store_true", help="leave the handwriting sets out")
    args = p.parse_args(argv)
    found = {name: fingerprint(data) for name, data in pictures(args.count, args.seed, not args.no_handwriting)}
    total = hashlib.sha256(json.dumps(found, sort_keys=True).encode()).hexdigest()[:16]
    errors = sum("error" in v for v in found.values())
    print(f"{len(found)} pictures ({errors} without a digit found): fingerprint {total}")
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(found, indent=0, sort_keys=True))
    if args.check:
        saved = json.loads(args.check.read_text())
        differ = sorted(k for k in saved.keys() | found.keys() if saved.get(k) != found.get(k))
        for name in differ[:20]:
            print(f"  differs: {name}: {saved.get(name)} -> {found.get(name)}")
        print(f"{len(differ)} of {len(saved.keys() | found.keys())} pictures differ from {args.check}")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
