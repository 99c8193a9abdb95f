"""Named recipes: ``digitnet train --model NAME``.

A recipe (``recipe.py``) is data: the layers and the training settings, checked and written down,
never built here (``digitnet.train.build`` does that). ``default`` (a small CNN, in ``cnn.py``) is what
``digitnet train`` trains and what ships inside the package; ``mlp-512`` is the multilayer perceptron
that was the default before, kept for the tutorials, the benchmarks against PyTorch and scikit-learn,
and for ``digitnet train --layers ...``; ``tutorials.py`` holds the tutorials' own.
"""

from __future__ import annotations

from digitnet.errors import DigitnetError
from digitnet.presets.recipe import SETTINGS, Recipe

PRESETS: dict[str, Recipe] = {}


def register(recipe: Recipe) -> Recipe:
    PRESETS[recipe.name] = recipe
    return recipe


def get_preset(name: str) -> Recipe:
    try:
        return PRESETS[name]
    except KeyError:
        raise DigitnetError(f"unknown preset {name!r} (`model`); choose one of {', '.join(PRESETS)}",
                            parameter="model") from None


register(Recipe(
    name="mlp-512",
    layers=(784, 512, 10), optimizer="momentum", lr=0.05, momentum=0.9, schedule="cosine",
    epochs=15, batch_size=128, val_size=5000, augment="shift:2",
))
#: what DigitClassifier() trains unless told otherwise: a plain MLP whose sizes the data will fix
register(Recipe(
    name="mlp",
    layers=(784, 256, 10), optimizer="momentum", lr=0.05, momentum=0.9, schedule="cosine", epochs=10,
    batch_size=128, val_size=0,
))

__all__ = ["PRESETS", "Recipe", "SETTINGS", "get_preset", "register"]
from digitnet.presets import cnn  # noqa: E402,F401,I001  (registers lenet5, the ch6-* ladder and best)
from digitnet.presets import tutorials  # noqa: E402,F401  (registers the tutorial presets: nielsen-ch1, is-it-zero, ...)
