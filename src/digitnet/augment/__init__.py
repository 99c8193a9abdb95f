"""Data augmentation: new training images from old ones, made on the fly for every batch.

An augmentation is a callable ``(batch, rng) -> batch`` handed to the trainer as ``transform``.
Recipes name them with short strings, e.g. ``"shift:2"``.
"""

from __future__ import annotations

from digitnet.augment.shifts import RandomShift
from digitnet.errors import DigitnetError


def make_augmentation(spec: str | None):
    """``None`` or ``""`` -> no augmentation; ``"shift:N"`` -> :class:`RandomShift` of up to N pixels."""
    if not spec:
        return None
    kind, _, arg = spec.partition(":")
    if kind == "shift":
        try:
            return RandomShift(int(arg or 2))
        except ValueError:
            raise DigitnetError(f"bad augmentation {spec!r}: expected shift:N with N a whole number") from None
    raise DigitnetError(f"unknown augmentation {spec!r}; known: shift:N")


__all__ = ["RandomShift", "make_augmentation"]
