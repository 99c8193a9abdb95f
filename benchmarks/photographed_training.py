"""Training on photographed pictures (docs/reject.md, eleventh round): a research harness, not made.

The drawn training pictures (negatives, font digits, pen digits) go from an ink mask straight into
MNIST's form (``digitnet.negatives.form``); every picture of the measuring sets is photographed first
(paper, ink, uneven light, grain, blur, a file format) and then prepared. This asks what that costs and
whether training on photographs buys it back; it changes nothing in digitnet, only the run it starts.

    python benchmarks/photographed_training.py gap [MODEL]
    python benchmarks/photographed_training.py train --drawn 0.5 -- --seed 0 --out runs/photo/p50_s0.npz
    python benchmarks/photographed_training.py train --all 0.3 -- --seed 0 --out runs/photo/all30_s0.npz

``gap`` draws fresh pictures of the training kinds (seed 777, 400 of each), puts each into MNIST's form
directly and photographs it with the handwriting set's ``photograph`` and ``prepare``, and prints the
share MODEL refuses each way. ``train`` runs ``digitnet train`` with the arguments after ``--``, with a
share of the drawn pictures photographed as they are drawn (``--drawn``; they are cached apart from
digitnet's own), or a share of every training picture, MNIST's and Fashion-MNIST's too, photographed
from its 28x28 image (``--all``), by a photograph of this script's own (not the measuring sets').
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import math
import multiprocessing
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

HERE = Path(__file__).resolve().parent
#: workers forked from this process, so that they have this script's functions however it was loaded
START = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
PAPERS = [(248, 247, 243), (238, 233, 212), (210, 210, 206), (232, 238, 248), (246, 236, 232)]
INKS = [(15, 15, 20), (30, 45, 150), (60, 60, 66), (80, 40, 25)]
BOARDS = [(35, 50, 40), (25, 25, 30), (20, 30, 55)]
CHALKS = [(240, 240, 236), (235, 230, 160)]


def _field(h: int, w: int, cells: int, rng: np.random.Generator) -> np.ndarray:
    coarse = Image.fromarray(rng.normal(0, 1, (cells, cells)).astype(np.float32), mode="F")
    return np.asarray(coarse.resize((w, h), Image.Resampling.BICUBIC), np.float32)


def photograph(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The 28x28 image ``prepare`` makes of a small photo of ``mask`` (ink in [0, 1]): 48-260 pixels on
    the short side, paper or board, a pen or chalk, light falling off, paper texture, grain, blur and
    sometimes JPEG. ValueError for a blank mask; NoDigitError when the preparation finds no mark."""
    from digitnet.images.pipeline import prepare

    m = np.clip(np.asarray(mask, np.float32), 0, 1)
    ys, xs = np.nonzero(m > 0.02)
    if not len(ys):
        raise ValueError("blank mask")
    m = m[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    short = int(rng.integers(48, 260))
    if rng.random() < 0.5:  # landscape or portrait
        h, w = short, int(short * rng.uniform(1, 1.6))
    else:
        h, w = int(short * rng.uniform(1, 1.6)), short
    gh = max(12, int(short * rng.uniform(0.35, 0.85)))
    gw = max(1, round(m.shape[1] * gh / m.shape[0]))
    if gw > w * 0.95:
        gw = int(w * 0.95)
        gh = max(1, round(m.shape[0] * gw / m.shape[1]))
    mark = np.asarray(Image.fromarray(m, mode="F").resize((gw, gh), Image.Resampling.BILINEAR), np.float32)
    y0, x0 = int(rng.integers(0, h - gh + 1)), int(rng.integers(0, w - gw + 1))
    ink_amount = np.zeros((h, w), np.float32)
    ink_amount[y0:y0 + gh, x0:x0 + gw] = np.clip(mark, 0, 1)
    chalk = rng.random() < 0.2
    paper = np.array((BOARDS if chalk else PAPERS)[rng.integers(len(BOARDS) if chalk else len(PAPERS))], np.float32)
    ink = np.array((CHALKS if chalk else INKS)[rng.integers(len(CHALKS) if chalk else len(INKS))], np.float32)
    ink_amount *= rng.uniform(0.65, 1.0)  # pencil and chalk do not cover fully
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    light = 1 - ((xx / w - 0.5) * math.cos(angle) + (yy / h - 0.5) * math.sin(angle)) * rng.uniform(0, 0.45)
    light -= ((xx - rng.uniform(0.2, 0.8) * w) ** 2 + (yy - rng.uniform(0.2, 0.8) * h) ** 2) / max(h, w) ** 2 \
        * rng.uniform(0, 0.6)
    texture = 1 + rng.uniform(0, 0.05) * _field(h, w, 10, rng)
    a = ink_amount[..., None]
    rgb = (paper * texture[..., None] * (1 - a) + ink * a) * np.clip(light, 0.4, 1)[..., None]
    rgb = rgb + rng.normal(0, 1, rgb.shape) * rng.uniform(0, 0.035) * 255
    picture = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
    blur = rng.uniform(0, 1.3) * short / 200
    if blur > 0.3:
        picture = picture.filter(ImageFilter.GaussianBlur(blur))
    if rng.random() < 0.3:
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=int(rng.integers(50, 95)))
        picture = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return prepare(np.asarray(picture)).image


# -- gap: what photographing does to a model's refusals ---------------------------------------------------
def gap(model_path: str, count: int = 400, seed: int = 777) -> None:
    sys.path.insert(0, str(HERE / "handwriting"))
    import make_digits  # the measuring sets' own photograph

    from digitnet import negatives
    from digitnet.images.errors import NoDigitError
    from digitnet.images.pipeline import prepare
    from digitnet.io import load_model
    from digitnet.negatives.font_digits import digit_fonts
    from digitnet.negatives.glyphs import draw_glyph
    from digitnet.negatives.pen_digits import pen_digit

    model, rng, faces = load_model(model_path), np.random.default_rng(seed), digit_fonts()

    def render_of(mask):
        img = Image.fromarray((np.clip(mask, 0, 1) * 255).astype(np.uint8), "L")
        img = img.crop(img.getbbox())  # the photograph's height is the mark's
        return lambda height: img.resize((max(1, round(img.width * height / img.height)), height),
                                         Image.Resampling.BILINEAR)

    kinds = {"pen letters": lambda: negatives._pen(rng)[0], "font glyphs": lambda: negatives._glyph(rng)[0],
             "scribbles": lambda: negatives._scribble(rng)[0],
             "pen digits": lambda: pen_digit(int(rng.integers(10)), rng),
             "font digits": lambda: draw_glyph(str(int(rng.integers(10))), faces[rng.integers(len(faces))], rng)}
    for kind, draw in kinds.items():
        direct, photographed = [], []
        while len(direct) < count:
            mask = draw()
            try:
                image = negatives.mnist_form(mask)
                picture, _ = make_digits.photograph(render_of(mask), rng)
                buffer = io.BytesIO()
                picture.save(buffer, "PNG")
                photo = prepare(buffer.getvalue()).image
            except (NoDigitError, ValueError):
                continue
            direct.append(image)
            photographed.append(photo)
        shares = [f"{100 * (~model.decide(np.stack(images)).accepted).mean():.2f}%"
                  for images in (direct, photographed)]
        print(f"{kind}: refused {shares[0]} in MNIST's form directly, {shares[1]} photographed")


# -- train: digitnet train, with photographed pictures ----------------------------------------------------
def _photographed_or_kept(job):
    image, seed = job
    from digitnet.images.errors import NoDigitError

    try:
        return photograph(image.astype(np.float32) / 255, np.random.default_rng(seed))
    except (NoDigitError, ValueError):
        return image


def photograph_share(images: np.ndarray, share: float, seed: int, salt: int) -> np.ndarray:
    """``images`` with a seeded ``share`` of them photographed from their 28x28 form (two processes)."""
    rng = np.random.default_rng([seed, salt])
    pick = np.flatnonzero(rng.random(len(images)) < share)
    jobs = [(images[i], int(s)) for i, s in zip(pick, rng.integers(0, 2**32, len(pick)))]
    with START.Pool(2) as pool:
        done = pool.map(_photographed_or_kept, jobs, chunksize=256)
    out = images.copy()
    if len(pick):
        out[pick] = np.stack(done)
    print(f"photographed {len(pick):,} of {len(images):,} pictures", flush=True)
    return out


def photograph_drawn(share: float, seed: int) -> None:
    """Photograph ``share`` of the drawn pictures as they are drawn, and cache them apart."""
    import digitnet.negatives as negatives
    import digitnet.negatives.font_digits as font_digits
    import digitnet.negatives.pen_digits as pen_digits
    from digitnet.images.errors import NoDigitError
    from digitnet.train import reject_data

    rng, direct = np.random.default_rng(seed + 4242), negatives.mnist_form
    folder = reject_data.cache_folder() / f"photographed-{share:g}-{seed}"

    def form(mask):
        if rng.random() < share:
            try:
                return photograph(mask, rng)
            except (NoDigitError, ValueError):
                pass
        return direct(mask)

    negatives.mnist_form = font_digits.mnist_form = pen_digits.mnist_form = form
    reject_data.cache_folder = lambda: folder


def photograph_all(share: float, seed: int) -> None:
    """Photograph ``share`` of every training picture: MNIST's (not the validation images) and the rest."""
    from digitnet.train import runner

    split, reject_set = runner.split, runner.reject_set

    def photographed_split(network, recipe, data, run_seed, validation):
        n = len(data.train_images) - recipe.val_size
        images = data.train_images.copy()
        images[:n] = photograph_share(images[:n], share, seed, 1)
        return split(network, recipe, dataclasses.replace(data, train_images=images), run_seed, validation)

    def photographed_reject_set(*args, **kwargs):
        drawn = reject_set(*args, **kwargs)
        return dataclasses.replace(drawn, images=photograph_share(drawn.images, share, seed, 2))

    runner.split, runner.reject_set = photographed_split, photographed_reject_set


def run_seed(train_args: list[str]) -> int:
    """The seed ``digitnet train`` will run with (its own parser reads it, ``--seed 3`` or ``--seed=3``)."""
    from digitnet.cli import build_parser

    return build_parser().parse_args(["train", *train_args]).seed


def mark_harness(how: str) -> None:
    """Say in the model file which harness made it (``how``): it records the recipe it started from,
    which alone would not make it again (``scripts/check_saved_models.py`` skips such files)."""
    from digitnet.train import runner

    describe = runner.describe
    runner.describe = lambda *args, **kwargs: {**describe(*args, **kwargs), "harness": how}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("gap", help="what photographing does to a model's refusals")
    g.add_argument("model", nargs="?", default="src/digitnet/models/default.npz")
    t = sub.add_parser("train", help="digitnet train (arguments after --) with photographed pictures")
    which = t.add_mutually_exclusive_group(required=True)
    which.add_argument("--drawn", type=float, help="share of the drawn pictures photographed as they are drawn")
    which.add_argument("--all", type=float, help="share of every training picture photographed")
    t.add_argument("--photo-seed", type=int, default=None, help="the photographs' seed (default: the run's --seed)")
    t.add_argument("train_args", nargs=argparse.REMAINDER, help="-- and the arguments of digitnet train")
    args = parser.parse_args(argv)
    if args.command == "gap":
        gap(args.model)
        return 0
    train_args = [a for a in args.train_args if a != "--"]
    seed = run_seed(train_args) if args.photo_seed is None else args.photo_seed
    if args.drawn is not None:
        photograph_drawn(args.drawn, seed)
    else:
        photograph_all(args.all, seed)
    mark_harness(f"benchmarks/photographed_training.py train --{'drawn' if args.drawn is not None else 'all'} "
                 f"{args.drawn if args.drawn is not None else args.all} --photo-seed {seed}")
    from digitnet.cli import main as digitnet

    return digitnet(["train", *train_args])


if __name__ == "__main__":
    sys.exit(main())
