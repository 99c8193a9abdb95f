"""What a recipe's settings may be: each one's check, its help and how a description shows it, declared once.

A :class:`Setting` carries everything the library needs to know about one setting of a
:class:`~digitnet.presets.recipe.Recipe`: ``Recipe(...)`` and ``with_overrides`` check values with it,
the estimator takes its help, and the description of a trained model is written with its ``show``.
A check takes a value (or the text of a command-line option) and returns the value to use, or raises
``ValueError`` saying what it expected. How a setting looks on the command line (its group, metavar,
aliases and choices) is the command line's business: ``digitnet.cli.common``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

from digitnet.augment import check_augmentation
from digitnet.errors import DigitnetError
from digitnet.nn.layers import layer_from_config

Check = Callable[[Any], Any]


@dataclass(frozen=True)
class Setting:
    """One thing a recipe lets you choose: its name, default, help, check and how a description shows it
    (``show(value)``; without one, ``name value``)."""

    name: str
    default: Any
    help: str
    check: Check
    show: Callable[[Any], str] | None = None

    def text(self, value) -> str:
        """``value`` as a description shows this setting: ``lr 0.5``, ``sigmoid``, ``batch 64``."""
        if self.show is not None:
            return self.show(value)
        label = self.name.replace("_", " ")
        return f"{label} {value:g}" if isinstance(value, float) else f"{label} {value}"


def setting(default, help: str, check: Check, show: Callable[[Any], str] | None = None):
    """A recipe field that is a setting (see :class:`Setting`; the field's name becomes the setting's)."""
    return field(default=default, metadata={"setting": {"help": help, "check": check, "show": show}})


def setting_of(f) -> Setting | None:
    """The :class:`Setting` a dataclass field declares, or None for bookkeeping fields."""
    declared = f.metadata.get("setting")
    return Setting(f.name, f.default, **declared) if declared is not None else None


# -- checks ------------------------------------------------------------------------------------------
def number(kind: type, low: float | None = None, high: float | None = None, low_open: bool = False,
           high_open: bool = False, wanted: str = "") -> Check:
    """Whole numbers (``kind=int``) or real numbers in a range; text such as "0.5" is parsed.

    The check's ``whole`` attribute says which (a random search rounds whole-number settings)."""
    def check(value):
        if isinstance(value, bool):
            raise ValueError(f"expected {wanted}, got {value!r}")
        try:
            parsed = float(value) if kind is float else _whole(value)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"expected {wanted}, got {value!r}") from None
        if kind is float and not math.isfinite(parsed):
            raise ValueError(f"expected {wanted}, got {value!r}")
        if low is not None and (parsed < low or (low_open and parsed == low)):
            raise ValueError(f"expected {wanted}, got {value!r}")
        if high is not None and (parsed > high or (high_open and parsed == high)):
            raise ValueError(f"expected {wanted}, got {value!r}")
        return parsed
    check.whole = kind is int  # type: ignore[attr-defined]
    return check


def _whole(value) -> int:
    if isinstance(value, str):
        return int(value.strip())
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(value)
    return int(value)


def optional(check: Check) -> Check:
    """``None`` (or the text "none") means "not set"; anything else goes through ``check``."""
    def inner(value):
        if value is None or (isinstance(value, str) and value.strip().lower() == "none"):
            return None
        return check(value)
    inner.whole = getattr(check, "whole", False)  # type: ignore[attr-defined]
    return inner


def one_of(names) -> Check:
    options = tuple(sorted(names))

    def check(value):
        if value not in options:
            raise ValueError(f"expected one of {', '.join(options)}, got {value!r}")
        return value
    return check


def text(value) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {value!r}")
    return value


def layers(value) -> tuple:
    """Layer descriptions (dicts in the spelling of ``Layer.get_config()``, each checked), or the sizes of
    an MLP: "784,256,10", "784x256x10" or [784, 256, 10] (a recipe turns sizes into descriptions)."""
    if isinstance(value, str):
        try:
            value = tuple(int(s) for s in value.replace("x", ",").split(","))
        except ValueError:
            raise ValueError(f"expected sizes like 784,256,10, got {value!r}") from None
    try:
        items = tuple(value)
    except TypeError:
        raise ValueError("expected layer sizes like 784,256,10 or a list of layer descriptions, "
                         f"got {value!r}") from None
    if items and all(isinstance(item, dict) for item in items):
        for i, item in enumerate(items):
            try:
                layer_from_config(item)  # a known type with settings it takes; nothing is built
            except DigitnetError as err:
                raise ValueError(f"layer {i}: {err}") from None
        return tuple(dict(item) for item in items)
    sizes = []
    for item in items:
        try:
            if isinstance(item, (bool, dict)):
                raise TypeError(item)
            sizes.append(_whole(item))
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"expected whole layer sizes like 784,256,10, got {value!r}") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"expected at least two positive sizes like 784,256,10, got {value!r}")
    return tuple(sizes)


def augmentation(value) -> str:
    """An augmentation spec ("shift:2", "affine:rot=10"); "none", "" or None for none."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return ""
    if not isinstance(value, str):
        raise ValueError(f"expected an augmentation such as shift:2, got {value!r}")
    try:
        return check_augmentation(value)
    except DigitnetError as err:
        raise ValueError(str(err)) from None


positive_int = number(int, 1, wanted="a whole number of at least 1")
non_negative_int = number(int, 0, wanted="a whole number, zero or more")
positive_float = number(float, 0, low_open=True, wanted="a positive number")
non_negative_float = number(float, 0, wanted="zero or a positive number")
fraction = number(float, 0, 1, high_open=True, wanted="a number in [0, 1)")
share = number(float, 0, 1, wanted="a share from 0 to 1, like 0.997")
seed = number(int, 0, 2**32 - 1, wanted="a whole number from 0 to 4294967295")
