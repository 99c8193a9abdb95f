"""A scikit-learn-style front door: ``DigitClassifier().fit(X, y).predict(X)``.

It follows scikit-learn's estimator conventions without depending on scikit-learn: the constructor only
stores settings (so ``get_params``/``set_params`` and cloning work), ``fit`` learns and returns ``self``,
and what was learned ends in an underscore (``network_``, ``history_``, ``classes_``).

Under the hood it is one training run (:func:`digitnet.train.run`) of a preset: ``model`` names it
(``"mlp"`` by default, any preset such as ``"lenet5"`` works), and every other parameter is one of the
recipe's settings, declared once in :class:`~digitnet.presets.recipe.Recipe` and left at ``None`` to
keep the preset's value. Two are phrased for an estimator: ``hidden`` gives the hidden-layer sizes
of an MLP (the first and last sizes come from the data), and ``validation_fraction`` the share of the
training data held out, at random, to choose the best epoch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.inputs import as_array
from digitnet.presets.recipe import settings_fields

#: recipe settings an estimator does not take as they are (``hidden`` and ``validation_fraction`` stand in)
_PHRASED = ("layers", "val_size")


def estimator_parameters() -> dict[str, Any]:
    """The constructor's parameters and their defaults, in order: made from the recipe's settings."""
    return {"model": "mlp", "hidden": None,
            **{f.name: None for f in settings_fields() if f.name not in _PHRASED},
            "validation_fraction": 0.0, "seed": 0, "verbose": False}


class DigitClassifier:
    """A classifier trained by digitnet: any preset, with any of its settings changed.

    ``DigitClassifier()`` is a 784-256-10 ReLU MLP (the ``mlp`` preset); ``DigitClassifier(model="lenet5",
    epochs=3)`` trains LeNet-5 for three epochs. The parameters are listed by ``get_params()``.
    """

    # -- scikit-learn's parameter protocol -------------------------------------------------------
    def get_params(self, deep: bool = True) -> dict:
        return {name: getattr(self, name) for name in estimator_parameters()}

    def set_params(self, **params) -> "DigitClassifier":
        valid = estimator_parameters()
        for name, value in params.items():
            if name not in valid:
                raise DigitnetError(f"DigitClassifier has no setting {name!r}; settings: {', '.join(valid)}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.get_params().items() if not _same(v, estimator_parameters()[k])}
        return f"DigitClassifier({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    # -- learning and predicting -----------------------------------------------------------------
    def recipe(self, n_features: int, n_classes: int):
        """The recipe ``fit`` trains for data of ``n_features`` values per sample and ``n_classes`` classes."""
        from digitnet.presets import get_preset

        preset = get_preset(self.model)
        changes = {name: getattr(self, name) for name in estimator_parameters() if name in _recipe_names()}
        if self.hidden is not None:
            hidden = (self.hidden,) if np.isscalar(self.hidden) else tuple(np.asarray(self.hidden).ravel().tolist())
            changes["layers"] = (n_features, *hidden, n_classes)
        return preset.with_overrides(**changes).for_data(n_features, n_classes)

    def fit(self, X, y) -> "DigitClassifier":
        from digitnet.data import Dataset
        from digitnet.train import run

        X, y = as_array(X, "X"), np.asarray(y)
        if X.ndim < 2:
            raise DigitnetError(f"X must hold one sample per row (2-D or more), got shape {X.shape}")
        if len(X) != len(y):
            raise DigitnetError(f"X has {len(X)} samples but y has {len(y)} labels; give one label per sample")
        self.classes_, y_index = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise DigitnetError("fit needs examples of at least two classes")
        self.n_features_in_ = int(np.prod(X.shape[1:]))
        fraction = float(self.validation_fraction)
        if not 0.0 <= fraction < 1.0:
            raise DigitnetError(f"`validation_fraction` must be in [0, 1), got {self.validation_fraction!r}",
                                parameter="validation_fraction")
        recipe = self.recipe(self.n_features_in_, len(self.classes_)).with_overrides(
            val_size=int(round(fraction * len(X))))
        trained = run(recipe, Dataset.from_arrays(X, y_index.reshape(-1)), self.seed, validation="random",
                      progress=bool(self.verbose), log=print if self.verbose else None,
                      class_names=[str(c) for c in self.classes_])
        self.network_, self.history_, self.recipe_ = trained.network, trained.history, trained.recipe
        return self

    def predict_proba(self, X) -> np.ndarray:
        self._check_fitted()
        p = self.network_.predict_proba(X)
        return np.hstack([1 - p, p]) if p.shape[1] == 1 else p

    def predict(self, X) -> np.ndarray:
        self._check_fitted()
        return self.classes_[self.network_.predict(X)]

    def score(self, X, y) -> float:
        """Mean accuracy, as scikit-learn's classifiers define ``score``."""
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def _check_fitted(self) -> None:
        if not hasattr(self, "network_"):
            raise DigitnetError("this DigitClassifier is not fitted yet; call fit(X, y) first")


def _recipe_names() -> set[str]:
    return {f.name for f in settings_fields()}


def _same(a, b) -> bool:
    try:
        return bool(np.all(a == b)) if a is not None and b is not None else a is b
    except (TypeError, ValueError):
        return False


def _declare_parameters(cls: type) -> type:
    """Give ``cls`` a constructor taking exactly :func:`estimator_parameters`, each stored as it is given
    (scikit-learn's rule: ``__init__`` only stores), with a docstring listing them."""
    cls.__annotations__ = {name: "Any" for name in estimator_parameters()}
    for name, default in estimator_parameters().items():
        setattr(cls, name, default)
    helps = {f.name: f.metadata["help"] for f in settings_fields()}
    helps.update(model="the preset to start from (digitnet.presets.PRESETS)",
                 hidden="hidden-layer sizes of an MLP preset, e.g. (256,); the data gives the first and last",
                 validation_fraction="share of the training data held out at random to pick the best epoch",
                 seed="random seed: the same seed gives the same model", verbose="print progress")
    cls.__doc__ += "\n    Parameters (``None``: the preset's value)\n    ----------\n" + "".join(
        f"    {name} : default {default!r}\n        {helps[name]}\n" for name, default in estimator_parameters().items())
    return dataclass(eq=False, repr=False)(cls)


DigitClassifier = _declare_parameters(DigitClassifier)
