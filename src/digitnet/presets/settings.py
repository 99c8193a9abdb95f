"""What a recipe's settings may be: each one's kind, its check and its help, declared once.

A :class:`~digitnet.presets.recipe.Recipe` field made with :func:`setting` carries everything the rest
of the tool needs to know about it, in the field's metadata: the command line turns it into a flag
(``--lr``) with this help and this check, the estimator into a constructor parameter, ``with_overrides``
and ``Recipe(...)`` check values with it, and the description of a trained model is written from it.
A check takes a value (or the text of a command-line option) and returns the value to use, or raises
``ValueError`` saying what it expected.
"""

from __future__ import annotations

import math
from dataclasses import field
from typing import Any, Callable

Check = Callable[[Any], Any]


def setting(default, help: str, check: Check, *, group: str = "optimisation", mlp_only: bool = False,
            cli: bool = True, aliases: tuple[str, ...] = (), metavar: str | None = None,
            choices: "tuple[str, ...] | None" = None, show: Callable[[Any], str] | None = None):
    """A recipe field that the command line, the estimator and descriptions all take from here.

    ``mlp_only`` marks settings that only mean something for a network given as layer sizes; ``cli=False``
    keeps a setting off the command line (which always trains on pixels). ``show`` formats the value for
    a description (default: ``name value``).
    """
    return field(default=default, metadata={"help": help, "check": check, "group": group, "mlp_only": mlp_only,
                                            "cli": cli, "aliases": aliases, "metavar": metavar,
                                            "choices": choices, "show": show})


def is_setting(f) -> bool:
    """True for fields made with :func:`setting` (the ones users set); False for bookkeeping fields."""
    return "check" in f.metadata


# -- checks ------------------------------------------------------------------------------------------
def number(kind: type, low: float | None = None, high: float | None = None, low_open: bool = False,
           high_open: bool = False, wanted: str = "") -> Check:
    """Whole numbers (``kind=int``) or real numbers in a range; text such as "0.5" is parsed."""
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


def layer_sizes(value) -> tuple:
    """"784,256,10" or [784, 256, 10] (an MLP), or a sequence of layer descriptions (dicts)."""
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
    from digitnet.augment import make_augmentation
    from digitnet.errors import DigitnetError

    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return ""
    if not isinstance(value, str):
        raise ValueError(f"expected an augmentation such as shift:2, got {value!r}")
    try:
        make_augmentation(value)
    except DigitnetError as err:
        raise ValueError(str(err)) from None
    return value.strip()


positive_int = number(int, 1, wanted="a whole number of at least 1")
non_negative_int = number(int, 0, wanted="a whole number, zero or more")
positive_float = number(float, 0, low_open=True, wanted="a positive number")
non_negative_float = number(float, 0, wanted="zero or a positive number")
fraction = number(float, 0, 1, high_open=True, wanted="a number in [0, 1)")
seed = number(int, 0, 2**32 - 1, wanted="a whole number from 0 to 4294967295")
