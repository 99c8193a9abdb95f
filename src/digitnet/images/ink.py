"""From a grey picture to ink: find the paper, decide which way round the picture is, keep only the digit.

MNIST's digits are white ink (1) on a perfectly black background (0). A photo of a digit is dark ink on
paper that is grey, tinted or unevenly lit, with grain and specks. Each function below removes one of
those differences; :func:`digitnet.images.pipeline.prepare` runs them in order. The statistics they
are decided from (medians, percentiles of blocks, pooling) are worked out in :mod:`.numeric`.
"""

from __future__ import annotations

import math

import numpy as np

from digitnet.images.components import component_labels
from digitnet.images.errors import NoDigitError
from digitnet.images.geometry import box_mean, ink_box, max_filter
from digitnet.images.numeric import block_percentiles, median, pooled, sorted_blocks

DARK, LIGHT = "dark", "light"  # ink colour: dark ink on light paper, or light ink on dark paper
INK_CHOICES = ("auto", DARK, LIGHT)
#: Weaker contrast than this (as a fraction of the paper's brightness) does not count as ink.
MIN_CONTRAST = 0.12
#: MNIST's typical stroke width, as a fraction of the 20-pixel box (median 1.8 px; see normalise_thickness).
MNIST_STROKE = 1.8 / 20
#: Pictures at least this large (longest side) are smoothed a little before the grain is removed.
SMOOTH_ABOVE = 150


def estimate_paper(grey: np.ndarray, percentile: float = 50.0, ink: str | None = None,
                   blocks: int = 12, ordered: "list | None" = None) -> np.ndarray:
    """The paper's brightness under every pixel, as if the ink were not there.

    Why: photos are lit unevenly, so one threshold for the whole picture either loses the ink in the
    bright corner or turns the shadow in the dark corner into ink. Light changes smoothly across a
    sheet, so the paper is modelled as a smooth surface (a quadratic in x and y follows a gradient
    and a vignette). It is fitted to the paper level of blocks of the picture (a percentile of each
    block: the median while the ink's side is unknown, a bright one under dark ink). The fit minimises
    absolute rather than squared distances (by reweighted least squares), so it follows the majority
    of blocks, the paper, and is not dragged towards a big bold digit; once the ink's side is known,
    blocks lying far on that side are left out altogether.

    ``ordered`` is :func:`~digitnet.images.numeric.sorted_blocks` of the same picture and ``blocks``,
    when the caller estimates the paper twice (with two percentiles) and sorts the blocks once.
    """
    h, w = grey.shape
    b = block_side(grey.shape, blocks)
    ny, nx = math.ceil(h / b), math.ceil(w / b)
    levels = block_percentiles(ordered if ordered is not None else sorted_blocks(grey, b), (ny, nx),
                               percentile).ravel()
    yc, xc = np.meshgrid((np.arange(ny) + 0.5) * b / h * 2 - 1, (np.arange(nx) + 0.5) * b / w * 2 - 1, indexing="ij")
    terms = _quadratic_terms(yc.ravel(), xc.ravel())
    if len(levels) < 2 * terms.shape[1]:  # too few blocks for a surface: the paper is one level
        return np.full(grey.shape, median(levels), dtype=np.float32)
    keep, weights = np.ones(len(levels), dtype=bool), np.ones(len(levels))
    for _ in range(8):
        root = np.sqrt(weights[keep])[:, None]
        coef = np.linalg.lstsq(terms[keep] * root, levels[keep] * root[:, 0], rcond=None)[0]
        off = levels - terms @ coef
        weights = 1.0 / np.maximum(np.abs(off), 0.01)  # least absolute deviations: follow the majority
        if ink is not None:
            spread = 2.5 * (1.4826 * median(np.abs(off[keep])) + 0.01)
            keep = off > -spread if ink == DARK else off < spread
            if keep.sum() < terms.shape[1] + 1:
                return np.full(grey.shape, median(levels), dtype=np.float32)
    # the surface c0 + c1 x + c2 y + c3 x^2 + c4 xy + c5 y^2 (the order of _quadratic_terms), evaluated
    # from a column of y and a row of x (float32, in place) rather than as an (h*w, 6) matrix product
    c = coef
    y = (np.arange(h) + 0.5) / h * 2 - 1
    x = ((np.arange(w) + 0.5) / w * 2 - 1).astype(np.float32)
    surface = np.multiply.outer((c[1] + c[4] * y).astype(np.float32), x)  # the terms in x and xy
    surface += (c[0] + c[2] * y + c[5] * y * y).astype(np.float32)[:, None]
    surface += (c[3] * x * x).astype(np.float32)
    return np.clip(surface, 0.0, 1.0, out=surface)


def _quadratic_terms(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.stack([np.ones_like(x), x, y, x * x, x * y, y * y], axis=1)


def block_side(shape: tuple[int, int], blocks: int = 12) -> int:
    """The side of the square blocks :func:`estimate_paper` measures the paper in: about ``blocks``
    of them across the picture's shorter side."""
    return max(2, math.ceil(min(shape) / blocks))


def grain(image: np.ndarray) -> float:
    """How grainy the picture is: a robust standard deviation of its pixel-to-pixel noise.

    Why from neighbouring pixels: ink, lighting and paper colour change over many pixels, grain from
    one pixel to the next. The differences between horizontal neighbours are therefore almost pure
    grain, except along the few stroke edges, which the median ignores. For independent noise of
    standard deviation s the median absolute difference is 0.6745 * sqrt(2) * s. Every threshold
    below is a multiple of this, so a clean scan and a noisy photo are both handled.
    """
    if image.shape[1] < 2:
        return 0.0
    steps = np.diff(image, axis=1)
    return float(np.median(np.abs(steps, out=steps), overwrite_input=True)) / (0.6745 * math.sqrt(2.0))


def detect_ink(grey: np.ndarray, paper: np.ndarray) -> str:
    """``"dark"`` for dark ink on light paper, ``"light"`` for light ink on dark paper (a blackboard, MNIST).

    Why not just look at the average brightness: grey paper and dark slate can both be near 0.5.
    The ink is what stands out from the paper, so compare how much stands out on each side, beyond
    the grain (which is symmetric and cancels out).
    """
    residual = grey - paper
    floor = 3.0 * grain(grey) + 0.02
    beyond = np.negative(residual)  # how far each pixel stands out on the dark side, then the light side
    beyond -= floor
    darker = np.maximum(beyond, 0, out=beyond).sum()
    np.subtract(residual, floor, out=beyond)
    lighter = np.maximum(beyond, 0, out=beyond).sum()
    if max(darker, lighter) == 0:
        raise NoDigitError("no digit found: nothing stands out from the background, "
                           "which is blank or noise all over")
    return DARK if darker >= lighter else LIGHT


def ink_contrast(grey: np.ndarray, paper: np.ndarray, ink: str) -> np.ndarray:
    """How far each pixel is from the paper, towards the ink: 0 = bare paper, 1 = as far as brightness allows.

    Why divide by the paper's brightness for dark ink: light falls on paper and ink alike, so a
    stroke in the shade is darker in absolute terms but just as dark *relative to the paper around
    it*. For light ink (chalk, a screen) the room left above the paper is the natural unit instead.
    The result is signed (grain makes some paper pixels negative), which :func:`remove_background`
    uses to measure the grain.
    """
    if ink == DARK:
        contrast, room = paper - grey, np.maximum(paper, 0.05)
    else:
        contrast, room = grey - paper, 1.0 - paper
        np.maximum(room, 0.05, out=room)
    contrast /= room
    return contrast.astype(np.float32, copy=False)


def remove_background(contrast: np.ndarray) -> np.ndarray:
    """The amount of ink at each pixel in [0, 1], with paper and grain set to exactly 0 as in MNIST.

    Why: MNIST's background is exactly 0. Left-over grain would be scaled up with the digit and
    smeared over the 28x28 image, and faint specks would stretch the crop to the ink. Three standard
    deviations of grain (at least a few percent of contrast) are taken off every pixel. In a large
    picture each pixel is first averaged with its 8 neighbours: detail that fine never reaches the
    20-pixel digit anyway, and averaging 9 pixels divides independent grain by 3.
    """
    smoothed = max(contrast.shape) >= SMOOTH_ABOVE
    if smoothed:
        contrast = box_mean(contrast, 3)  # a new array: the steps below may work in it
    floor = min(max(3.0 * grain(contrast), MIN_CONTRAST / 2), 0.5)
    amount = np.subtract(contrast, floor, out=contrast if smoothed else None)
    amount /= 1.0 - floor
    np.clip(amount, 0.0, 1.0, out=amount)
    if amount.max() < MIN_CONTRAST:
        raise NoDigitError("no digit found: the marks in the picture are too faint to be a digit")
    return amount.astype(np.float32)


def keep_digit(amount: np.ndarray, min_share: float = 0.08, grid: int = 96) -> np.ndarray:
    """Keep the strokes of the digit and drop specks, dust and stray dots around it.

    Why: MNIST crops to the ink, so one speck in a corner would shrink the digit to half its size.
    Strokes are found as connected pieces of clear ink (on a grid of at most ``grid`` pixels across,
    which is quick and bridges hair-line gaps in a stroke); pieces with less than ``min_share`` of the
    largest piece's ink are dropped, and so are pieces that touch the picture's edge, unless they are
    the largest (a shadow, the table or the paper's border come in from the edge; a digit rarely does
    except in a tight crop). A digit drawn in two strokes (a 4, a 5) keeps both.
    """
    pool = max(1, math.ceil(max(amount.shape) / grid))
    h, w = amount.shape
    ph, pw = math.ceil(h / pool), math.ceil(w / pool)
    padded = np.zeros((ph * pool, pw * pool), dtype=np.float32)
    padded[:h, :w] = amount
    strongest, total = pooled(padded, pool, np.maximum), pooled(padded, pool, np.add)
    labels, count = component_labels(strongest > 0.35 * float(amount.max()))
    mass = np.bincount(labels.ravel(), weights=total.ravel(), minlength=count + 1)[1:]
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    touches_edge = np.isin(np.arange(1, count + 1), edge)
    largest = int(np.argmax(mass))
    keep = np.flatnonzero((mass >= min_share * mass.max()) & (~touches_edge | (np.arange(count) == largest))) + 1
    mask = max_filter(np.isin(labels, keep).astype(np.float32), 3)  # and the soft edges around them
    # each grid cell's mask value over its pool x pool pixels, by broadcasting (no full-size mask is made)
    kept = padded.reshape(ph, pool, pw, pool) * mask[:, None, :, None]
    return kept.reshape(ph * pool, pw * pool)[:h, :w]


def normalise_contrast(amount: np.ndarray) -> np.ndarray:
    """Make the strokes' cores full ink (1), like the solid strokes MNIST started from.

    Why: MNIST's digits were black-and-white scans before anti-aliasing, so every stroke has a core of
    255. A pencil or a faded pen is grey; stretching so the typical stroke pixel reaches 1 gives the
    network the contrast it learnt on. Soft edges stay soft.
    """
    strokes = amount[amount > 0.25 * float(amount.max())]
    top = float(np.percentile(strokes, 75)) if strokes.size else float(amount.max())
    stretched = amount / max(top, 1e-6)
    return np.clip(stretched, 0.0, 1.0, out=stretched).astype(np.float32, copy=False)


def stroke_width(amount: np.ndarray) -> float:
    """The typical stroke width in pixels: twice the ink area over the outline's length.

    Why this works: a stroke of width w and length L has area w*L and an outline about 2*L long.
    Counting the outline along rows and columns over-counts diagonal edges a little; MNIST's own
    figure (MNIST_STROKE) is measured the same way, so the two compare fairly.
    """
    solid = amount > 0.5
    outline = np.count_nonzero(solid[1:] != solid[:-1]) + np.count_nonzero(solid[:, 1:] != solid[:, :-1])
    return 2.0 * float(amount.sum()) / max(outline, 1)


def normalise_thickness(amount: np.ndarray, box: int = 20) -> np.ndarray:
    """Thicken hair-line strokes to about MNIST's stroke width (never thin them).

    Why: a fine pen on a big photo becomes a fraction of a pixel wide once the digit is shrunk to 20
    pixels, and the anti-aliasing turns it into a faint grey trace the network has never seen. MNIST's
    strokes are about 1.8 pixels wide in the 20-pixel box (median over the test set); strokes narrower
    than 1.4 are widened to that with a grey-level dilation (a maximum filter) before shrinking.
    Thick strokes are left alone: thinning would eat the holes of 6, 8, 9 and 0.
    """
    if not amount.any():
        return amount
    top, bottom, left, right = ink_box(amount)
    extent = max(bottom - top, right - left)
    width_in_box = stroke_width(amount) * box / extent
    if width_in_box >= 1.4 / 1.8 * MNIST_STROKE * box:
        return amount
    grow = (MNIST_STROKE * box - width_in_box) * extent / box  # pixels to add, at this resolution
    size = 1 + 2 * round(grow / 2)
    return max_filter(amount, size) if size > 1 else amount
