"""What a sweep searches: the settings to vary (:class:`Space`) and the trials that makes (:class:`Search`).

A :class:`Space` lists values for some of a recipe's settings and, for a random search, ranges to draw
from. Each value goes through its setting's own check as it is parsed, so a typo fails before anything
starts. Whether a range is rounded to whole numbers comes from the setting's declared type (the
:class:`~digitnet.presets.recipe.Recipe` field's annotation, resolved by Python), never from a guess.

A search is counted before it is built: a grid is the product of the values' counts, a random search
asks for a number of points, and each point trains once per seed. A search of more than
:data:`MAX_TRIALS` trials could not finish, and a random search cannot draw more distinct points than
the space holds; both are refused at once, saying how many points there are.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import typing
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.presets.recipe import Recipe, settings_fields

#: the most trials one sweep takes on. Each is a training run (a second for a tiny MLP, minutes for a
#: CNN) with a record and a model file, and the table is rewritten as each one ends: past this a sweep
#: would not finish, and a grid that size is usually a mistake in the values
MAX_TRIALS = 10_000


# -- the settings ------------------------------------------------------------------------------------
def _setting(name: str):
    for f in settings_fields():
        if f.name == name:
            return f
    raise DigitnetError(f"unknown setting {name!r} to sweep; settings: {', '.join(f.name for f in settings_fields())}")


def _checked(name: str, value):
    try:
        return _setting(name).metadata["check"](value)
    except ValueError as err:
        raise DigitnetError(f"`{name}`: {err}", parameter=name) from None


@functools.cache
def _declared_types() -> dict[str, Any]:
    """Each recipe field's declared type (``int``, ``float``, ``int | None``...), resolved by Python."""
    return typing.get_type_hints(Recipe)


def number_kind(name: str) -> type | None:
    """``int`` or ``float`` for a setting that holds a number (``None`` allowed too), else None."""
    declared = _declared_types()[_setting(name).name]
    kinds = [t for t in (typing.get_args(declared) or (declared,)) if t in (int, float)]
    return kinds[0] if len(kinds) == 1 else None


# -- the space ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Space:
    """Settings to vary: ``choices`` lists values, ``ranges`` gives (low, high, log) for random search."""

    choices: dict[str, tuple] = field(default_factory=dict)
    ranges: dict[str, tuple[float, float, bool]] = field(default_factory=dict)

    @classmethod
    def parse(cls, params=(), uniform=(), log_uniform=()) -> "Space":
        """From the command line's words: ``params`` [[NAME, VALUE, ...], ...], ``uniform`` and
        ``log_uniform`` [[NAME, LOW, HIGH], ...]. Each value goes through its setting's own check."""
        choices: dict[str, tuple] = {}
        for name, *values in params:
            if not values:
                raise DigitnetError(f"--param {name} needs at least one value")
            checked = tuple(dict.fromkeys(_freeze(_checked(name, v)) for v in values))
            choices[name] = choices.get(name, ()) + tuple(v for v in checked if v not in choices.get(name, ()))
        ranges: dict[str, tuple[float, float, bool]] = {}
        for log, triples in ((False, uniform), (True, log_uniform)):
            for name, low, high in triples:
                kind = number_kind(name)
                if kind is None:
                    raise DigitnetError(f"a range needs a setting that holds a number, and {name} does not; "
                                        f"list its values with --param {name} VALUE...")
                try:
                    lo, hi = float(low), float(high)
                except ValueError:
                    raise DigitnetError(f"the range of {name} must be two numbers, got {low!r} and {high!r}") from None
                if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi) or (log and lo <= 0):
                    raise DigitnetError(f"the range of {name} must be LOW < HIGH" + (" with LOW > 0 for a log-uniform "
                                        "range" if log else "") + f", got {low} {high}")
                _checked(name, int(round(lo)) if kind is int else lo)
                _checked(name, int(round(hi)) if kind is int else hi)
                ranges[name] = (lo, hi, log)
        both = set(choices) & set(ranges)
        if both:
            raise DigitnetError(f"{', '.join(sorted(both))}: give either values or a range, not both")
        if not choices and not ranges:
            raise DigitnetError("nothing to sweep: give --param NAME VALUE... "
                                "(or --uniform/--log-uniform with --random)")
        return cls(choices, ranges)

    @property
    def names(self) -> list[str]:
        """The swept settings, in the order given."""
        return list(self.choices) + list(self.ranges)

    def size(self) -> float:
        """How many distinct points the space holds, counted without listing them: the product of the
        listed values' counts and of the whole numbers in each whole-number range; ``math.inf`` with a
        range over real numbers (drawn values keep 4 significant digits)."""
        count = math.prod(len(values) for values in self.choices.values())
        for name, (low, high, _) in self.ranges.items():
            if number_kind(name) is not int:
                return math.inf
            count *= int(round(high)) - int(round(low)) + 1
        return count

    def grid(self) -> list[dict[str, Any]]:
        """Every combination of the listed values."""
        if self.ranges:
            raise DigitnetError(f"ranges ({', '.join(self.ranges)}) need a random search: add --random N")
        names = list(self.choices)
        return [dict(zip(names, values)) for values in itertools.product(*(self.choices[n] for n in names))]

    def sample(self, n: int, seed: int = 0) -> list[dict[str, Any]]:
        """``n`` different points drawn at random, the same for the same seed (a space of fewer than ``n``
        points is refused: see :meth:`Search.check`)."""
        if n < 1:
            raise DigitnetError(f"`random` must be at least 1 trial, got {n}", parameter="random")
        if n > self.size():
            raise DigitnetError(f"`random` {n:,} asks for more points than the space holds: it has "
                                f"{_count(self.size())}; draw fewer, or leave `random` out to train them all",
                                parameter="random")
        rng = np.random.default_rng(seed)
        points: dict[str, dict] = {}
        for _ in range(50 * n):  # n <= size: repeats are rare unless n is close to the size
            if len(points) == n:
                break
            point = {name: values[int(rng.integers(len(values)))] for name, values in self.choices.items()}
            for name, (low, high, log) in self.ranges.items():
                value = math.exp(rng.uniform(math.log(low), math.log(high))) if log else rng.uniform(low, high)
                point[name] = _checked(name, int(round(value)) if number_kind(name) is int else float(f"{value:.4g}"))
            points.setdefault(json.dumps(point, sort_keys=True, default=str), point)
        return list(points.values())

    def to_dict(self) -> dict[str, Any]:
        return {"choices": {k: list(v) for k, v in self.choices.items()},
                "ranges": {k: {"low": lo, "high": hi, "log": log} for k, (lo, hi, log) in self.ranges.items()}}


def _freeze(value):
    """Values as dictionary keys and JSON: layer lists as tuples."""
    return tuple(value) if isinstance(value, list) else value


def _count(points: float) -> str:
    return "unlimited distinct points" if points == math.inf else \
        f"{points:,} distinct point{'' if points == 1 else 's'}"


# -- the search --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Search:
    """What a sweep trains: ``base`` (a preset with any fixed settings) at each point of ``space``
    (a grid, or ``random`` points drawn with ``search_seed``), once per training seed."""

    base: Recipe
    space: Space
    seeds: tuple[int, ...] = (0,)
    random: int | None = None
    search_seed: int = 0

    def count(self) -> float:
        """How many trials the search makes, counted without building them."""
        points = self.random if self.random else self.space.size()
        return points * len(self.seeds)

    def check(self) -> None:
        """Refuse, before anything is built, a search that cannot be drawn or could not finish."""
        if not self.random and self.space.ranges:
            self.space.grid()  # says that ranges need a random search
        if self.random and self.random > self.space.size():
            self.space.sample(self.random)  # says how many points there are
        trials = self.count()
        if trials > MAX_TRIALS:
            what = (f"`random` {self.random:,} points" if self.random
                    else f"a grid of {_count(self.space.size())}")
            seeds = f" x {len(self.seeds)} seeds" if len(self.seeds) > 1 else ""
            raise DigitnetError(f"{what}{seeds} is {trials:,} trials, and a sweep of more than {MAX_TRIALS:,} could "
                                "not finish (each trial is a training run): give fewer values or seeds"
                                + ("" if self.random else ", or draw some points with --random N"),
                                parameter="random" if self.random else None)

    def trials(self) -> list[tuple[Recipe, int]]:
        """Every (recipe, seed) to train, in a fixed order."""
        self.check()
        points = self.space.sample(self.random, self.search_seed) if self.random else self.space.grid()
        recipes = [self.base.with_overrides(**point) for point in points]
        blind = next((recipe for recipe in recipes if not recipe.val_size), None)
        if blind is not None:
            raise DigitnetError(f"a sweep ranks its trials by validation accuracy, and {blind.label} holds no "
                                "images out for validation; give `val_size` (e.g. 5000)", parameter="val_size")
        return [(recipe, seed) for recipe in recipes for seed in self.seeds]
