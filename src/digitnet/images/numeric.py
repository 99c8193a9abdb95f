"""The numbers the ink decisions are made from: a median, percentiles of blocks, pooling.

Why a module of their own: :mod:`digitnet.images.ink` says *what* counts as paper and ink; these say
how a few statistics are worked out fast on the sizes the preparation sees (at most 512 pixels a
side). Each gives exactly NumPy's figure (``np.median``, ``np.nanpercentile`` over blocks, a max or a
sum over windows) without its general machinery, which was most of the preparation's time. The
preparation is ported to other languages and compared byte for byte, so these must not change what
they compute: tests compare them with NumPy's own functions.
"""

from __future__ import annotations

import math

import numpy as np


def median(values: np.ndarray) -> float:
    """``np.median`` of a short vector, without its general machinery (a tenth of the time here)."""
    ordered = np.sort(values)
    n = len(ordered)
    return float(ordered[(n - 1) // 2] + ordered[n // 2]) / 2


def sorted_blocks(grey: np.ndarray, b: int) -> list:
    """The pixels of each ``b`` x ``b`` block of ``grey``, sorted (blocks at the right and bottom edges
    may be smaller): what :func:`block_percentiles` reads any percentile from.

    The picture splits into at most four regions whose blocks all have the same size (the whole
    blocks, the right edge, the bottom edge, the corner), and each region is one sort along the
    blocks' pixels: the same numbers as ``np.nanpercentile`` over NaN-padded blocks, but without one
    small Python-level percentile per block (``apply_along_axis``), which was most of the
    preparation's time. Returns (rows of blocks, columns of blocks, sorted pixels) per region.
    """
    h, w = grey.shape
    fy, fx = h // b, w // b  # whole blocks down and across
    ny, nx = -(-h // b), -(-w // b)
    regions = []
    for rows, cols in ((slice(0, fy), slice(0, fx)), (slice(0, fy), slice(fx, nx)),
                       (slice(fy, ny), slice(0, fx)), (slice(fy, ny), slice(fx, nx))):
        gy, gx = rows.stop - rows.start, cols.stop - cols.start
        if not (gy and gx):
            continue
        region = grey[rows.start * b:min(rows.stop * b, h), cols.start * b:min(cols.stop * b, w)]
        bh, bw = region.shape[0] // gy, region.shape[1] // gx
        tiles = region.reshape(gy, bh, gx, bw).transpose(0, 2, 1, 3).reshape(gy, gx, bh * bw)
        regions.append((rows, cols, np.sort(tiles, axis=2)))
    return regions


def block_percentiles(ordered: list, grid: tuple[int, int], percentile: float) -> np.ndarray:
    """The ``percentile`` of each block, as a (rows of blocks, columns of blocks) array, from
    :func:`sorted_blocks` (linear interpolation between the two nearest ranks, as NumPy's default)."""
    levels = np.empty(grid)
    for rows, cols, tiles in ordered:
        levels[rows, cols] = _sorted_percentile(tiles, percentile)
    return levels


def _sorted_percentile(ordered: np.ndarray, percentile: float) -> np.ndarray:
    """NumPy's default ("linear") percentile along the last axis of already sorted values."""
    n = ordered.shape[-1]
    position = percentile / 100.0 * (n - 1)
    below = min(int(math.floor(position)), n - 1)
    above, t = min(below + 1, n - 1), position - below
    low, high = ordered[..., below].astype(np.float64), ordered[..., above].astype(np.float64)
    # NumPy's lerp: from the nearer end, so that t = 1 gives exactly the upper value
    return low + (high - low) * t if t < 0.5 else high - (high - low) * (1 - t)


def pooled(image: np.ndarray, pool: int, combine) -> np.ndarray:
    """Each ``pool`` x ``pool`` block of ``image`` (whose sides are multiples of ``pool``) combined into
    one value: ``np.maximum`` or ``np.add`` of the block's pixels, taken as ``pool * pool`` strided views
    (one reduction over two axes of a 4-d view is several times slower on these sizes)."""
    out = image[::pool, ::pool].copy()
    for p in range(pool):
        for q in range(pool):
            if p or q:
                combine(out, image[p::pool, q::pool], out=out)
    return out
