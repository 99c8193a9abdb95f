"""Augmentations named by short strings, as recipes and ``--augment`` write them.

    shift:2                              RandomShift of up to 2 whole pixels
    affine:rot=10,scale=0.1,shift=2      RandomAffine (each setting optional)
    elastic:alpha=34,sigma=4             ElasticDistortion (each setting optional)
    shift:2+elastic                      several, applied left to right

Neighbouring affine and elastic parts are merged into one :class:`~digitnet.augment.warp.Chain`, so
the image is resampled once however many warps there are.
"""

from __future__ import annotations

import numpy as np

from digitnet.augment.affine import RandomAffine
from digitnet.augment.elastic import ElasticDistortion
from digitnet.augment.shifts import RandomShift
from digitnet.augment.warp import Chain, Warp
from digitnet.errors import DigitnetError

#: name -> (class, its settings in the string: short name -> argument name)
KINDS = {
    "affine": (RandomAffine, {"rot": "rotate", "scale": "scale", "shift": "shift"}),
    "elastic": (ElasticDistortion, {"alpha": "alpha", "sigma": "sigma"}),
}
SYNTAX = "shift:N, affine:rot=DEG,scale=S,shift=PX, elastic:alpha=A,sigma=S, joined with '+'"


class Compose:
    """Apply augmentations one after another."""

    def __init__(self, parts):
        self.parts = list(parts)

    def __call__(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        for part in self.parts:
            x = part(x, rng)
        return x

    def __repr__(self):
        return " + ".join(repr(p) for p in self.parts)


def parse_one(text: str) -> tuple[type, dict[str, float]]:
    """One part of a spec as (class, its settings), e.g. ``(RandomShift, {"max_shift": 2})``."""
    kind, _, args = text.strip().partition(":")
    if kind == "shift":
        try:
            return RandomShift, {"max_shift": int(args or 2)}
        except ValueError:
            raise DigitnetError(f"bad augmentation {text!r}: expected shift:N with N a whole number") from None
    if kind not in KINDS:
        raise DigitnetError(f"unknown augmentation {text!r}; known: {SYNTAX}")
    cls, names = KINDS[kind]
    settings = {}
    for item in filter(None, args.split(",")):
        key, _, value = item.partition("=")
        if key not in names:
            raise DigitnetError(f"{kind} has no setting {key!r}; its settings are {', '.join(names)}, "
                               f"e.g. {kind}:{next(iter(names))}=3")
        try:
            settings[names[key]] = float(value)
        except ValueError:
            raise DigitnetError(f"bad value in {text!r}: {key} needs a number, got {value!r}") from None
    return cls, settings


def check_augmentation(spec: str) -> str:
    """``spec`` checked, names and settings and their ranges, without making anything (what a recipe
    does with the spec it is given); returns it without surrounding spaces."""
    for cls, settings in (parse_one(p) for p in spec.split("+")):
        cls.check_settings(**settings)
    return spec.strip()


def parse_augmentation(spec: str, image_shape: tuple[int, int] = (28, 28)):
    """The augmentation a spec string describes, for pictures of ``image_shape`` (height, width): one
    callable ``(batch, rng) -> batch``."""
    parts = []
    shape = tuple(int(side) for side in image_shape)
    for part in (cls(**settings, image_shape=shape) for cls, settings in (parse_one(p) for p in spec.split("+"))):
        if isinstance(part, Warp) and parts and isinstance(parts[-1], Warp):
            previous = parts.pop()
            part = Chain((previous.warps if isinstance(previous, Chain) else [previous]) + [part])
        parts.append(part)
    return parts[0] if len(parts) == 1 else Compose(parts)
