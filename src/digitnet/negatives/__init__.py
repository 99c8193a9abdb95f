"""Negatives: pictures that are not digits, for teaching a network to say "not a digit".

``make_negatives(count, seed)`` draws a seeded mix of

- **glyphs**: letters (Latin, script, Greek, Cyrillic), symbols and shapes from the fonts that ship with
  matplotlib (:mod:`.fonts`; never a character that people write like a digit),
- **pen letters**: letters and a few symbols written with a pen, stroke by stroke (:mod:`.pen_letters`),
- **scribbles**: dashes, crosses, stars, spirals, waves, loops, boxes, faces, hashes... (:mod:`.scribbles`),
- **blobs**: filled shapes with soft edges, some with holes (:mod:`.textures`),

each put into MNIST form the way ``digitnet predict`` prepares a picture of it (:mod:`.form`), some of
the glyphs and scribbles with patches rubbed out; and

- **raw** images: noise, blobs, stripes, checks and silhouettes as 28x28 arrays that were never
  prepared (what a program hands straight to the network).

Positives drawn the same ways, trained on *as digits* so that "drawn by a font" or "written by this
pen" says nothing about being a digit: ``make_font_digits(count, seed)`` (:mod:`.font_digits`) and
``make_pen_digits(count, seed)`` (:mod:`.pen_digits`, the hand of :mod:`.pen`).

Everything comes from one seed (each kind from its own stream, so changing how many of one kind are
made leaves the others as they were), and the same seed gives the same images, bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from digitnet.errors import DigitnetError
from digitnet.images.errors import NoDigitError
from digitnet.negatives import fonts, glyphs, pen_letters, scribbles, textures
from digitnet.negatives.font_digits import make_font_digits
from digitnet.negatives.form import mnist_form
from digitnet.negatives.pen_digits import make_pen_digits

KINDS = ("glyph", "scribble", "blob", "raw", "pen")
#: what share of the negatives is of each kind: mostly what people draw (letters, symbols, scribbles),
#: some shapes and textures for the rest of the world; pen letters the largest share, since the pen digits
#: (:mod:`.pen_digits`) keep "written by this pen" from meaning "not a digit" (docs/reject.md)
SHARES = {"glyph": 0.25, "pen": 0.35, "scribble": 0.2, "blob": 0.08, "raw": 0.12}
#: the share of glyphs and scribbles with patches rubbed out (kept small: rubbing out part of an H can
#: leave a 4)
ERASED = 0.1
#: attempts at one negative before giving up (a glyph can vanish when erased, or be too faint)
ATTEMPTS = 20


@dataclass
class Negatives:
    """Images that are not digits, and what each one is (``"glyph:latin:A"``, ``"scribble:spiral"``,
    ``"blob"``, ``"raw:noise"``)."""

    images: np.ndarray  # (N, 28, 28) uint8, MNIST's form: bright ink on 0
    kinds: np.ndarray  # (N,) str

    def __len__(self) -> int:
        return len(self.images)

    @property
    def families(self) -> np.ndarray:
        """Each picture's kind, broadly: the first part of its name (one of :data:`KINDS`)."""
        return np.array([str(k).split(":")[0] for k in self.kinds])

    def kind_counts(self) -> dict[str, int]:
        """How many of each kind (of each of :attr:`families`)."""
        names, counts = np.unique(self.families, return_counts=True)
        return {str(k): int(c) for k, c in zip(names, counts)}


def split_counts(count: int, shares: dict[str, float]) -> dict[str, int]:
    """``count`` split in proportion to ``shares`` (largest remainders get the odd ones)."""
    total = sum(shares.values())
    exact = {k: count * v / total for k, v in shares.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: counts[k] - exact[k])[:count - sum(counts.values())]:
        counts[k] += 1
    return counts


def make_negatives(count: int, seed: int = 0, shares: dict[str, float] | None = None) -> Negatives:
    """``count`` negatives in MNIST form, mixed as ``shares`` says (default :data:`SHARES`)."""
    shares = dict(SHARES if shares is None else shares)
    unknown = set(shares) - set(KINDS)
    if unknown or not shares or min(shares.values()) < 0 or sum(shares.values()) <= 0:
        raise DigitnetError(f"negative shares must be non-negative numbers for some of {', '.join(KINDS)}, "
                            f"not all zero; got {shares}")
    if int(count) < 0:
        raise DigitnetError(f"the number of negatives must be zero or more, got {count}")
    counts = split_counts(int(count), shares)
    streams = dict(zip(KINDS, np.random.SeedSequence(seed).spawn(len(KINDS))))
    images, kinds = [], []
    for kind in KINDS:
        n = counts.get(kind, 0)
        if n:
            made, names = MAKERS[kind](n, np.random.default_rng(streams[kind]))
            images.append(made)
            kinds += list(names)
    if not images:
        return Negatives(np.zeros((0, 28, 28), np.uint8), np.array([], dtype=str))
    return Negatives(np.concatenate(images), np.array(kinds))


def _prepared(n: int, rng: np.random.Generator, draw) -> tuple[np.ndarray, list[str]]:
    """``n`` images from ``draw(rng) -> (mask, name)``, each in MNIST form; redrawn when it vanishes."""
    out, names = np.zeros((n, 28, 28), np.uint8), []
    for i in range(n):
        for _ in range(ATTEMPTS):
            mask, name = draw(rng)
            if rng.random() < ERASED and not name.startswith("blob"):
                mask, name = erase_patches(mask, rng), name + ":erased"
            try:
                out[i] = mnist_form(mask)
                break
            except (NoDigitError, ValueError):
                continue
        else:
            raise DigitnetError(f"could not draw a visible negative in {ATTEMPTS} attempts")
        names.append(name)
    return out, names


def _glyph(rng: np.random.Generator) -> tuple[np.ndarray, str]:
    groups = list(fonts.GROUPS)
    weights = np.array([fonts.GROUPS[g][1] for g in groups])
    available = fonts.training_fonts()
    weights = weights * np.array([bool(available[g]) for g in groups])
    if not weights.sum():
        raise DigitnetError("no font for the negatives was found in matplotlib's font folder "
                            f"({fonts.font_folder()}); reinstall matplotlib")
    group = groups[rng.choice(len(groups), p=weights / weights.sum())]
    path, chars = available[group][rng.integers(len(available[group]))]
    char = chars[rng.integers(len(chars))]
    return glyphs.draw_glyph(char, path, rng), f"glyph:{group}:{char}"


def _scribble(rng: np.random.Generator) -> tuple[np.ndarray, str]:
    kind = list(scribbles.KINDS)[rng.integers(len(scribbles.KINDS))]
    return scribbles.draw_scribble(kind, rng), f"scribble:{kind}"


def _pen(rng: np.random.Generator) -> tuple[np.ndarray, str]:
    char = pen_letters.CHARACTERS[rng.integers(len(pen_letters.CHARACTERS))]
    return pen_letters.pen_letter(char, rng), f"pen:{char}"


def make_pen_letters(n: int, rng: np.random.Generator):
    return _prepared(n, rng, _pen)


def make_glyphs(n: int, rng: np.random.Generator):
    return _prepared(n, rng, _glyph)


def make_scribbles(n: int, rng: np.random.Generator):
    return _prepared(n, rng, _scribble)


def make_blobs(n: int, rng: np.random.Generator):
    masks = textures.blob_masks(n, rng)
    queue = iter(masks)

    def draw(rng):  # the batch first; a blob that vanishes is replaced by a fresh one
        mask = next(queue, None)
        return (textures.blob_masks(1, rng)[0] if mask is None else mask), "blob"

    return _prepared(n, rng, draw)


def make_raw(n: int, rng: np.random.Generator):
    images, kinds = textures.raw_textures(n, rng)
    return images, [f"raw:{k}" for k in kinds]


MAKERS = {"glyph": make_glyphs, "scribble": make_scribbles, "blob": make_blobs, "raw": make_raw,
          "pen": make_pen_letters}


def erase_patches(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``mask`` with 15% to 30% of its area rubbed out in soft patches (a smooth random field over a
    coarse grid, enlarged: what an eraser or a dry pen leaves)."""
    h, w = mask.shape
    coarse = rng.standard_normal((8, 8)).astype(np.float32)
    field = np.asarray(Image.fromarray(coarse, mode="F").resize((w, h), Image.Resampling.BICUBIC))
    level = np.quantile(field, rng.uniform(0.15, 0.3))
    return mask * np.clip((field - level) * 3.0, 0.0, 1.0)


__all__ = ["KINDS", "Negatives", "SHARES", "erase_patches", "make_font_digits", "make_negatives", "make_pen_digits",
           "mnist_form"]
