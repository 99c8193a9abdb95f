"""Numbers as negatives (docs/reject.md, twelfth round): a research harness, not made.

digitnet reads one digit. A picture of a number, "42", is not one, and the default network refuses most
such pictures without ever having been shown one (``benchmarks/reject.py MODEL --numbers 600``). This
asks whether showing it numbers as negatives teaches "one digit only" better, without costing digits: a
share of the drawn negatives is replaced by numbers of two or three digits made of the digits the
network learns to accept, written by the pen of ``negatives.pen_digits`` or in a face of
``negatives.font_digits`` (matplotlib's; the measuring sets' fonts are never used), side by side, each
put into MNIST's form as every drawn picture is.

    python benchmarks/number_negatives.py --share 0.1 -- --seed 0 --out runs/r12/numbers10_s0.npz

runs ``digitnet train`` with the arguments after ``--``; the numbers are drawn from the run's seed, and
the model file says it was made by this harness (``scripts/check_saved_models.py`` skips it).
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import sys
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from photographed_training import mark_harness, run_seed  # noqa: E402

#: every digit of a number is scaled to this many pixels tall before they are set side by side
HEIGHT = 64


def digit_mask(digit: int, hand, rng: np.random.Generator) -> np.ndarray:
    """One digit as an ink mask, cropped to its ink and ``HEIGHT`` tall: in the pen's hand, or a font's."""
    from digitnet.negatives.glyphs import draw_glyph
    from digitnet.negatives.pen_digits import pen_digit

    mask = pen_digit(digit, rng) if hand == "pen" else draw_glyph(str(digit), hand, rng)
    rows, cols = np.nonzero(mask > 0.05)
    mask = mask[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    width = max(1, round(mask.shape[1] * HEIGHT / mask.shape[0]))
    return np.asarray(Image.fromarray(mask, mode="F").resize((width, HEIGHT), Image.Resampling.BILINEAR))


def number_mask(digits: list[int], rng: np.random.Generator) -> np.ndarray:
    """``digits`` in one hand (the pen, or one of the font digits' faces), side by side with a gap of
    5-35% of a digit's height and each moved up or down a little, as an ink mask."""
    from digitnet.negatives.font_digits import digit_fonts

    faces = digit_fonts()
    hand = "pen" if rng.random() < 0.5 else faces[rng.integers(len(faces))]
    masks = [digit_mask(d, hand, rng) for d in digits]
    gap = int(HEIGHT * rng.uniform(0.05, 0.35))
    lift = [int(rng.integers(-HEIGHT // 10, HEIGHT // 10 + 1)) for _ in masks]
    pad = HEIGHT // 2  # clear of the edges: the preparation drops marks touching them, all but the largest
    out = np.zeros((HEIGHT + 2 * pad, sum(m.shape[1] for m in masks) + gap * (len(masks) - 1) + 2 * pad), np.float32)
    x = pad
    for mask, dy in zip(masks, lift):
        y = pad + dy
        out[y:y + HEIGHT, x:x + mask.shape[1]] = np.maximum(out[y:y + HEIGHT, x:x + mask.shape[1]], mask)
        x += mask.shape[1] + gap
    return np.clip(out, 0.0, 1.0)


def draw_numbers(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` numbers of two or three digits in MNIST form (uint8 (count, 28, 28))."""
    from digitnet.negatives import mnist_form

    return np.stack([mnist_form(number_mask(list(rng.integers(0, 10, int(rng.integers(2, 4)))), rng))
                     for _ in range(count)]) if count else np.zeros((0, 28, 28), np.uint8)


def replace_drawn(images: np.ndarray, labels: np.ndarray, fashion: int, share: float,
                  rng: np.random.Generator) -> np.ndarray:
    """``images`` with ``share`` of the drawn negatives (label -1, not the last ``fashion`` rows, which are
    Fashion-MNIST's) replaced by numbers."""
    from digitnet.reject import NOT_A_DIGIT

    drawn = np.flatnonzero(labels[:len(labels) - fashion] == NOT_A_DIGIT)
    pick = rng.choice(drawn, size=int(round(share * len(drawn))), replace=False)
    out = images.copy()
    out[pick] = draw_numbers(len(pick), rng)
    return out


def use_numbers(share: float, seed: int) -> None:
    """Make every run's negatives ``share`` numbers (instead of as many drawn negatives)."""
    from digitnet.train import runner

    reject_set = runner.reject_set
    signature = inspect.signature(reject_set)

    def with_numbers(*args, **kwargs):
        drawn = reject_set(*args, **kwargs)
        fashion = signature.bind(*args, **kwargs).arguments.get("fashion", 0)  # however the runner passes it
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2024,)))
        images = replace_drawn(drawn.images, drawn.labels, fashion, share, rng)
        print(f"replaced {share:.0%} of the drawn negatives by numbers", flush=True)
        return dataclasses.replace(drawn, images=images)

    runner.reject_set = with_numbers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=float, required=True, help="share of the drawn negatives made numbers")
    parser.add_argument("train_args", nargs=argparse.REMAINDER, help="-- and the arguments of digitnet train")
    args = parser.parse_args(argv)
    if not 0.0 <= args.share <= 1.0:
        parser.error(f"--share is a share of the drawn negatives, from 0 to 1, not {args.share}")
    train_args = [a for a in args.train_args if a != "--"]
    seed = run_seed(train_args)
    use_numbers(args.share, seed)
    mark_harness(f"benchmarks/number_negatives.py --share {args.share:g}")
    from digitnet.cli import main as digitnet

    return digitnet(["train", *train_args])


if __name__ == "__main__":
    sys.exit(main())
