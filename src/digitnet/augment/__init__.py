"""Data augmentation: new training images from old ones, made on the fly for every batch.

An augmentation is a callable ``(batch, rng) -> batch`` handed to the trainer as ``transform``.
Recipes name them with short strings, e.g. ``"shift:2"``.
"""

from __future__ import annotations

from digitnet.augment.affine import RandomAffine
from digitnet.augment.elastic import ElasticDistortion
from digitnet.augment.shifts import RandomShift
from digitnet.augment.spec import check_augmentation, parse_augmentation


def make_augmentation(spec: str | None, image_shape: tuple[int, int] = (28, 28)):
    """``None`` or ``""`` -> no augmentation; ``"shift:2"``, ``"affine:rot=10"``, ``"shift:1+elastic"``...
    (see spec.py), for pictures of ``image_shape`` (height, width)."""
    if not spec:
        return None
    return parse_augmentation(spec, image_shape)


__all__ = ["ElasticDistortion", "RandomAffine", "RandomShift", "check_augmentation", "make_augmentation"]
