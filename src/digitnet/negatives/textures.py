"""Noise, textures, blobs and silhouettes, made for a whole batch at once with NumPy.

Two uses. :func:`raw_textures` makes 28x28 images as they are when an array is handed straight to the
network (``network.predict(images)``, Fashion-MNIST, a camera frame shrunk to 28x28): noise, filled
blobs, stripes, checks and silhouettes that fill most of the field or sit in the middle 20x20, the
way MNIST's digits do. :func:`blob_masks` makes ink masks of filled blobs for the picture route
(:func:`digitnet.negatives.form.mnist_form`), where the preparation keeps only the largest marks.

Smooth random fields are white noise blurred with a Gaussian, done as two matrix products per image
(the same trick as :mod:`digitnet.augment.elastic`), for the whole batch in one broadcast product.
"""

from __future__ import annotations

import numpy as np

from digitnet.augment.elastic import gaussian_matrix

SIDE = 28
RAW_KINDS = ("noise", "blob", "stripes", "checks", "silhouette")


def smooth_field(n: int, side: int, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """``n`` random fields (n, side, side), blurred by a Gaussian of ``sigma`` pixels and scaled to unit spread."""
    g = gaussian_matrix(side, sigma).astype(np.float32)
    field = g @ rng.standard_normal((n, side, side), dtype=np.float32) @ g.T
    field -= field.mean(axis=(1, 2), keepdims=True)
    field /= field.std(axis=(1, 2), keepdims=True) + 1e-6
    return field


def _grid(n: int, rng: np.random.Generator, side: int = SIDE) -> tuple[np.ndarray, np.ndarray]:
    """Unit coordinates (n, side, side) of every pixel: over the whole field for half of the images, over
    the middle 20x20 for the other half (what lies outside [0, 1] is left empty by the callers)."""
    span = np.where(rng.random(n) < 0.5, 1.0, side / 20.0)[:, None, None]
    axis = (np.arange(side, dtype=np.float32) + 0.5) / side
    y, x = np.meshgrid(axis, axis, indexing="ij")
    return 0.5 + (y - 0.5) * span, 0.5 + (x - 0.5) * span


def _inside(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    return ((y >= 0) & (y <= 1) & (x >= 0) & (x <= 1)).astype(np.float32)


def noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Specks of random brightness at a random density (5% to everywhere), sometimes a little blurred."""
    density = rng.uniform(0.05, 1.0, (n, 1, 1))
    values = rng.random((n, SIDE, SIDE), dtype=np.float32) * (rng.random((n, SIDE, SIDE)) < density)
    blurred = rng.random(n) < 0.4
    if blurred.any():
        g = gaussian_matrix(SIDE, 0.8).astype(np.float32)
        soft = g @ values[blurred] @ g.T
        values[blurred] = soft / (soft.max(axis=(1, 2), keepdims=True) + 1e-6)
    return values


def blob(n: int, rng: np.random.Generator) -> np.ndarray:
    """Filled regions with soft edges (a smooth field above a random level), shaded unevenly."""
    y, x = _grid(n, rng)
    field = smooth_field(n, SIDE, float(rng.uniform(2.5, 5.0)), rng)
    level = rng.uniform(-0.6, 0.8, (n, 1, 1)).astype(np.float32)
    shade = 0.75 + 0.25 * smooth_field(n, SIDE, 3.0, rng)
    return np.clip((field - level) * 3.0, 0, 1) * np.clip(shade, 0.3, 1.0) * _inside(y, x)


def stripes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Stripes of any direction and width, over the field or inside a blob."""
    y, x = _grid(n, rng)
    angle = rng.uniform(0, np.pi, (n, 1, 1))
    cycles = rng.uniform(2.5, 9.0, (n, 1, 1))
    phase = rng.uniform(0, 2 * np.pi, (n, 1, 1))
    wave = 0.5 + 0.5 * np.sin(2 * np.pi * cycles * (x * np.cos(angle) + y * np.sin(angle)) + phase)
    hard = rng.random((n, 1, 1)) < 0.5
    wave = np.where(hard, (wave > 0.5).astype(np.float32), wave)
    region = np.where(rng.random((n, 1, 1)) < 0.5, 1.0, np.clip(smooth_field(n, SIDE, 4.0, rng) * 3 + 1.5, 0, 1))
    return (wave * region * _inside(y, x)).astype(np.float32)


def checks(n: int, rng: np.random.Generator) -> np.ndarray:
    """Checkerboards with squares of 2 to 7 pixels."""
    y, x = _grid(n, rng)
    cells = rng.uniform(4, 14, (n, 1, 1))
    board = ((np.floor(y * cells) + np.floor(x * cells)) % 2).astype(np.float32)
    return board * rng.uniform(0.5, 1.0, (n, 1, 1)).astype(np.float32) * _inside(y, x)


def silhouette(n: int, rng: np.random.Generator, parts: int = 4) -> np.ndarray:
    """One to four filled rectangles and ellipses, together at least 40% of their box wide: the kind of
    solid object (a shirt, a bag, a shoe) that fills a photo, never a thin upright bar (a 1)."""
    y, x = _grid(n, rng)
    out = np.zeros((n, SIDE, SIDE), np.float32)
    used = rng.integers(1, parts + 1, n)
    for k in range(parts):
        cy, cx = rng.uniform(0.25, 0.75, (2, n, 1, 1))
        hy, hx = rng.uniform(0.15, 0.45, (2, n, 1, 1))
        if k == 0:
            hx = np.maximum(hx, 0.2)
        oval = rng.random((n, 1, 1)) < 0.5
        dy, dx = (y - cy) / hy, (x - cx) / hx
        shape = np.where(oval, dy ** 2 + dx ** 2 <= 1, (np.abs(dy) <= 1) & (np.abs(dx) <= 1))
        out = np.maximum(out, (shape & (k < used)[:, None, None]).astype(np.float32))
    shade = np.clip(rng.uniform(0.4, 1.0, (n, 1, 1)) + 0.2 * smooth_field(n, SIDE, 2.0, rng), 0.1, 1.0)
    return out * shade * _inside(y, x)


MAKERS = {"noise": noise, "blob": blob, "stripes": stripes, "checks": checks, "silhouette": silhouette}


def raw_textures(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` full-field images (uint8, (n, 28, 28)) of the kinds in :data:`RAW_KINDS` in equal shares, and
    each image's kind."""
    kinds = np.array(RAW_KINDS)[np.arange(n) % len(RAW_KINDS)]
    images = np.zeros((n, SIDE, SIDE), np.float32)
    for kind in RAW_KINDS:
        chosen = np.flatnonzero(kinds == kind)
        if len(chosen):
            images[chosen] = MAKERS[kind](len(chosen), rng)
    return np.round(np.clip(images, 0, 1) * 255).astype(np.uint8), kinds


def blob_masks(n: int, rng: np.random.Generator, side: int = 40) -> np.ndarray:
    """``n`` ink masks (n, side, side) of filled blobs, some with holes, for the picture route."""
    field = smooth_field(n, side, float(rng.uniform(3.0, 6.5)), rng)
    level = rng.uniform(-0.3, 1.0, (n, 1, 1)).astype(np.float32)
    mask = np.clip((field - level) * 4.0, 0, 1)
    holes = rng.random(n) < 0.3
    if holes.any():
        mask[holes] *= np.clip((smooth_field(int(holes.sum()), side, 2.2, rng) - 0.8) * -4.0, 0, 1)
    return mask
