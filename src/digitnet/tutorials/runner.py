"""Run the tutorials, baselines and CNN ladder by name and collect their rows: ``digitnet reproduce``.

Names can also be groups: ``tutorials`` (the five tutorials and the baselines, minutes; the default)
and ``ladder`` (the convolutional presets, a couple of hours).
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Callable

from digitnet.errors import DigitnetError
from digitnet.tutorials import baselines, is_zero, is_zero_hidden, ladder, momentum, moons, nielsen, softmax_l2
from digitnet.tutorials.result import Context, Result

#: every runnable name, in table order; most are also presets (``digitnet.presets.tutorials``)
RUNNERS: dict[str, Callable[[Context], Result]] = {
    "is-it-zero": is_zero.run,
    "is-it-zero-hidden": is_zero_hidden.run,
    "softmax-l2": softmax_l2.run,
    **{name: partial(nielsen.run_preset, name) for name in nielsen.PUBLISHED},
    "momentum-100": momentum.run,
    "moons": moons.run,
    "guess": baselines.run_guess,
    "average-darkness": baselines.run_average_darkness,
    "svm": baselines.run_svm,
    **{name: partial(ladder.run_rung, name) for name in ladder.RUNGS},
}
GROUPS = {"tutorials": [n for n in RUNNERS if n not in ladder.RUNGS], "ladder": list(ladder.RUNGS)}
#: runs that need no MNIST data
WITHOUT_MNIST = {"moons"}


def check_names(names: list[str] | None) -> list[str]:
    """The names to run, in table order (groups expanded); unknown names are a user mistake."""
    names = names or ["tutorials"]
    unknown = [n for n in names if n not in RUNNERS and n not in GROUPS]
    if unknown:
        raise DigitnetError(f"unknown name {', '.join(unknown)}; choose from {', '.join(RUNNERS)} "
                            f"or a group: {', '.join(GROUPS)}")
    wanted = {run for name in names for run in GROUPS.get(name, [name])}
    return [n for n in RUNNERS if n in wanted]


def reproduce(data, names: list[str] | None = None, quick: bool = False, seed: int = 0,
              plots: "str | Path | None" = None, log: Callable[[str], None] | None = None,
              models: "str | Path | None" = None, pool=None) -> list[Result]:
    """Run ``names`` (default: the tutorials group) and return their results in table order.

    With ``pool`` (a :class:`digitnet.scale.trial.TrialPool` on a cluster) the CNN ladder's runs are all
    submitted first and train side by side; the rest runs here as before.
    """
    ctx = Context(data, quick=quick, seed=seed, plots=Path(plots) if plots else None,
                  models=Path(models) if models else None, log=log or (lambda msg: None), pool=pool)
    names = check_names(names)
    if pool is not None and data is not None:
        ladder.submit_rungs([n for n in names if n in ladder.RUNGS], ctx)
    for name in names:
        if ctx.data is None and name not in WITHOUT_MNIST:
            raise DigitnetError(f"{name} needs the MNIST data")
        ctx.log(f"== {name}{' (quick)' if quick else ''}")
        started = time.perf_counter()
        ctx.results[name] = RUNNERS[name](ctx)
        ctx.log(f"== {name}: {ctx.results[name].figure} ({time.perf_counter() - started:.1f}s)")
    return list(ctx.results.values())
