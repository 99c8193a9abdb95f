"""``DigitClassifier().fit(X, y).predict(X)``: digitnet as a scikit-learn classifier.

With scikit-learn installed (``pip install digitnet[sklearn]``) :class:`DigitClassifier` is a real
scikit-learn estimator: it is built on ``BaseEstimator`` and ``ClassifierMixin``, checks its input with
scikit-learn's own ``validate_data`` (so wrong feature counts, NaN, sparse matrices, 1-D ``X``,
continuous ``y`` and so on are refused with the ``ValueError``/``TypeError`` scikit-learn's tools
expect), raises ``NotFittedError`` before ``fit``, declares its tags (``__sklearn_tags__``), and passes
``sklearn.utils.estimator_checks.check_estimator`` (``tests/test_estimator_sklearn.py`` runs it). So
``Pipeline``, ``cross_val_score``, ``GridSearchCV`` and the Dask joblib backend work with it. Without
scikit-learn the class keeps the same constructor, ``fit``, ``partial_fit``, ``predict``,
``predict_proba`` and ``score``, with digitnet's own checks and errors (``DigitnetError``).

Under the hood it is one training run (:func:`digitnet.train.run`) of a preset: ``model`` names it
(``"mlp"`` by default; any preset that trains by epochs works, CNNs included: ``model="lenet5"``), and
every other parameter is one of the recipe's settings, declared once in
:class:`~digitnet.presets.recipe.Recipe` and left at ``None`` to keep the preset's value. Two are
phrased for an estimator: ``hidden`` gives the hidden-layer sizes of an MLP (the first and last sizes
come from the data), and ``validation_fraction`` the share of the training data held out, at random,
to choose the best epoch.

What ``X`` is: pixels or features
---------------------------------
``inputs`` (a recipe setting) says how the numbers in ``X`` are read:

- ``inputs="pixels"`` (the presets' value, so the default): brightness, by digitnet's one input
  contract (:mod:`digitnet.nn.inputs`): whole numbers 0-255, or floats 0-255 or 0-1, all scaled to
  [0, 1]; negative values are refused ("Negative values in data"), as are values above 255. The
  estimator's tags say so (``input_tags.positive_only``), so scikit-learn's checks and tools feed it
  non-negative data. Floats whose values are all at most 1 are ambiguous (a 0-1 image, or a very
  faint 0-255 one); the model decides once, at ``fit``, and remembers it in ``pixel_range_``: if the
  training floats went above 1 ("0-255") such a batch is divided by 255 too, otherwise ("0-1") it is
  taken as it is. A prediction therefore never depends on which other rows share the batch: one image
  alone gets the same answer as in a batch of a thousand.
- ``inputs="features"``: any real numbers (standardised tabular features, embeddings), used as they
  are, never rescaled; negative values are fine. Choose this for data that are not pixels.

Images may come as rows of 784 values or as (N, 28, 28) / (N, 1, 28, 28) arrays: each sample is
flattened into one row of features (``n_features_in_`` = 784), and presets described layer by layer
(LeNet-5, the CNN ladder) reshape the rows into images themselves.

Incremental learning
--------------------
``partial_fit(X, y, classes=...)`` trains one epoch over the given batch with the recipe's optimiser,
at the recipe's base learning rate (a schedule needs to know the run's length, which incremental
learning does not), without a validation split; the optimiser's momentum is carried from call to call
(a copied or unpickled estimator starts a fresh optimiser on the same weights).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.inputs import as_array, scale_pixels
from digitnet.presets.recipe import SETTINGS

try:  # scikit-learn is optional: ``pip install digitnet[sklearn]``
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.exceptions import NotFittedError as _SklearnNotFitted
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import validate_data
except ImportError:
    HAVE_SKLEARN = False
else:
    HAVE_SKLEARN = True

#: recipe settings an estimator does not take as they are (``hidden`` and ``validation_fraction`` stand in)
_PHRASED = ("layers", "val_size")

#: scikit-learn's checks this estimator is known to fail, by name, with the reason: none. Kept (and
#: public) so anyone can run the same checks: ``check_estimator(clf,
#: expected_failed_checks=expected_failed_checks(clf))``.
EXPECTED_FAILED_CHECKS: dict[str, str] = {}


def expected_failed_checks(estimator: "DigitClassifier") -> dict[str, str]:
    """``{check name: reason}`` for scikit-learn's ``check_estimator``/``parametrize_with_checks``."""
    return dict(EXPECTED_FAILED_CHECKS)


def estimator_parameters() -> dict[str, Any]:
    """The constructor's parameters and their defaults, in order: made from the recipe's settings."""
    return {"model": "mlp", "hidden": None,
            **{name: None for name in SETTINGS if name not in _PHRASED},
            "validation_fraction": 0.0, "seed": 0, "verbose": False}


class InvalidInput(DigitnetError, ValueError):
    """Bad data or settings given to the estimator: a :class:`DigitnetError` (one line, says what to do)
    and, as scikit-learn's tools expect of an estimator, a ``ValueError``."""


if HAVE_SKLEARN:
    class NotFittedError(DigitnetError, _SklearnNotFitted):
        """``predict`` before ``fit``: scikit-learn's ``NotFittedError``, and a :class:`DigitnetError`."""

    _BASES: tuple = (ClassifierMixin, BaseEstimator)
else:
    class NotFittedError(DigitnetError, ValueError, AttributeError):
        """``predict`` before ``fit`` (a ``ValueError`` and ``AttributeError``, like scikit-learn's)."""

    class _Parameters:
        """scikit-learn's parameter protocol, for when scikit-learn is not installed."""

        def get_params(self, deep: bool = True) -> dict:
            return {name: getattr(self, name) for name in estimator_parameters()}

        def set_params(self, **params):
            valid = estimator_parameters()
            for name, value in params.items():
                if name not in valid:
                    raise InvalidInput(f"DigitClassifier has no setting {name!r}; settings: {', '.join(valid)}")
                setattr(self, name, value)
            return self

        def __repr__(self) -> str:
            defaults = estimator_parameters()
            changed = {k: v for k, v in self.get_params().items() if not _same(v, defaults[k])}
            return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    _BASES = (_Parameters,)


class DigitClassifier(*_BASES):
    """A classifier trained by digitnet: any preset, with any of its settings changed.

    ``DigitClassifier()`` is a ReLU MLP with 256 hidden units (the ``mlp`` preset);
    ``DigitClassifier(model="lenet5", epochs=3)`` trains LeNet-5 for three epochs;
    ``DigitClassifier(inputs="features")`` reads ``X`` as plain features rather than pixels (see the
    module's docstring). The parameters are listed by ``get_params()``.

    Attributes after ``fit``: ``classes_``, ``n_features_in_`` (and ``feature_names_in_`` for a
    DataFrame, with scikit-learn), ``network_`` (the trained :class:`~digitnet.nn.network.Network`),
    ``recipe_``, ``history_``, ``n_iter_`` (epochs trained), ``loss_curve_`` (training loss per epoch),
    ``validation_scores_`` and ``best_validation_score_`` (accuracy on the held-out share, when
    ``validation_fraction`` > 0) and ``pixel_range_`` (pixel inputs only).
    """

    # -- scikit-learn's tags ---------------------------------------------------------------------
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = self._reads_pixels()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        tags.classifier_tags.multi_class = True
        tags.classifier_tags.multi_label = False
        tags.non_deterministic = False  # the same seed gives the same model
        return tags

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "network_")

    def _reads_pixels(self) -> bool:
        """True when ``X`` is read as pixels (this estimator's ``inputs``, else its preset's)."""
        if self.inputs is not None:
            return self.inputs != "features"
        from digitnet.presets import PRESETS

        preset = PRESETS.get(self.model) if isinstance(self.model, str) else None
        return preset is None or preset.inputs != "features"

    # -- the recipe ------------------------------------------------------------------------------
    def recipe(self, n_features: int, n_classes: int):
        """The recipe ``fit`` trains for data of ``n_features`` values per sample and ``n_classes`` classes."""
        from digitnet.presets import get_preset

        preset = get_preset(self.model)
        changes = {name: getattr(self, name) for name in estimator_parameters() if name in SETTINGS}
        if self.hidden is not None:
            changes["layers"] = (n_features, *_hidden_sizes(self.hidden), n_classes)
        return preset.with_overrides(**changes).for_data(n_features, n_classes)

    # -- learning --------------------------------------------------------------------------------
    def fit(self, X, y) -> "DigitClassifier":
        """Train a new network on (X, y): one :func:`digitnet.train.run`; returns ``self``."""
        from digitnet.data import Dataset
        from digitnet.train import run

        X, y = self._validate(X, y, reset=True)
        self.classes_, y_index = _classes(y)
        fraction = self._validation_fraction()
        with _as_value_errors():
            X = self._pixels_for_fit(X)
            recipe = self.recipe(self.n_features_in_, len(self.classes_)).with_overrides(
                val_size=int(round(fraction * len(X))))
            # scikit-learn's estimators warn rather than fail when a fit learns little (a ConvergenceWarning);
            # so does this one (TrainingNote); a loss that diverges to NaN still fails
            trained = run(recipe, Dataset.from_arrays(X, y_index), self.seed, validation="random",
                          if_nothing_learned="note",
                          progress=bool(self.verbose), log=print if self.verbose else None,
                          class_names=[str(c) for c in self.classes_])
        self.__dict__.pop("_trainer", None)  # partial_fit after fit starts a fresh optimiser
        self.network_, self.history_, self.recipe_ = trained.network, trained.history, trained.recipe
        self._learnt()
        return self

    def partial_fit(self, X, y, classes=None) -> "DigitClassifier":
        """One epoch over (X, y), continuing from what was learnt; ``classes`` (every label there will be)
        is needed on the first call. See the module's docstring; returns ``self``."""
        first = not hasattr(self, "network_")
        X, y = self._validate(X, y, reset=first)
        if first:
            if classes is None:
                raise InvalidInput("the first call to partial_fit needs `classes`: every label the data will "
                                   "hold, e.g. classes=range(10)", parameter="classes")
            self.classes_, _ = _classes(np.asarray(classes), "classes")
        elif classes is not None and not np.array_equal(np.unique(np.asarray(classes)), self.classes_):
            raise InvalidInput(f"`classes` {list(np.unique(classes))} differ from the classes of the first call "
                               f"{list(self.classes_)}", parameter="classes")
        y_index = np.searchsorted(self.classes_, y)
        unknown = (y_index >= len(self.classes_)) | (self.classes_[np.minimum(y_index, len(self.classes_) - 1)] != y)
        if unknown.any():
            raise InvalidInput(f"y holds labels not in `classes` ({', '.join(map(str, np.unique(y[unknown])[:5]))}); "
                               "give every label on the first call", parameter="classes")
        with _as_value_errors():
            X = self._pixels_for_fit(X) if first else self._pixels(X)
            trainer = self._incremental_trainer(first)
            trainer.train_epoch(X, y_index)
        self.history_ = trainer.history
        self._learnt()
        return self

    def _incremental_trainer(self, first: bool):
        """The trainer ``partial_fit`` continues: kept between calls (not in copies: see ``__getstate__``)."""
        from digitnet.train import build_network, build_trainer

        trainer = self.__dict__.get("_trainer")
        if trainer is not None:
            return trainer
        if first:
            recipe = self.recipe(self.n_features_in_, len(self.classes_)).with_overrides(val_size=0,
                                                                                         schedule="constant")
            self.network_, self.recipe_ = build_network(recipe, self.seed), recipe
        trainer = build_trainer(self.recipe_.with_overrides(schedule="constant"), self.network_, self.seed,
                                progress=False, log=print if self.verbose else _silent)
        if not first:  # after fit (or a copy): the epochs so far stay in the history
            trainer.history.epochs = list(self.history_.epochs)
        self._trainer = trainer
        return trainer

    def _learnt(self) -> None:
        """The fitted attributes read from the history."""
        history = self.history_
        self.n_iter_ = len(history.epochs)
        self.loss_curve_ = [float(v) for v in history.column("loss")]
        scores = history.column("val_accuracy")
        if scores and scores[0] is not None:
            self.validation_scores_ = [float(v) for v in scores]
            self.best_validation_score_ = float(history.best["val_accuracy"]) if history.best else max(scores)
        else:
            self.__dict__.pop("validation_scores_", None)
            self.__dict__.pop("best_validation_score_", None)

    # -- predicting ------------------------------------------------------------------------------
    def predict_proba(self, X) -> np.ndarray:
        """Probabilities (N, number of classes), columns in the order of ``classes_``."""
        X = self._input(X)
        with _as_value_errors():
            p = self.network_.predict_proba(X)
        return np.hstack([1 - p, p]) if p.shape[1] == 1 else p

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample, as one of ``classes_``."""
        X = self._input(X)
        with _as_value_errors():
            return self.classes_[self.network_.predict(X)]

    if not HAVE_SKLEARN:
        def score(self, X, y) -> float:
            """Mean accuracy, as scikit-learn's classifiers define ``score``."""
            return float(np.mean(self.predict(X) == np.asarray(y).reshape(-1)))

    # -- input -----------------------------------------------------------------------------------
    def _validate(self, X, y=..., reset: bool = True):
        """``X`` as (samples, features) and ``y`` as labels, checked the way scikit-learn checks (its own
        ``validate_data`` when installed), so every method refuses bad input the same way. Without ``y``
        (``...``: prediction) only ``X`` is checked and returned."""
        X = _one_row_per_sample(X)
        if HAVE_SKLEARN:
            if y is ...:
                return validate_data(self, X, reset=reset, dtype="numeric", ensure_all_finite=True)
            X, y = validate_data(self, X, y, reset=reset, dtype="numeric", ensure_all_finite=True)
            check_classification_targets(y)
            return X, y
        with _as_value_errors():
            X = as_array(X, "X")
        if X.ndim != 2:
            raise InvalidInput(f"X must hold one sample per row (2-D), got shape {X.shape}")
        if len(X) == 0 or X.shape[1] == 0:
            raise InvalidInput(f"X holds no data (shape {X.shape}); give at least one sample with one feature")
        if reset:
            self.n_features_in_ = X.shape[1]
        elif X.shape[1] != self.n_features_in_:
            raise InvalidInput(f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                               f"{self.n_features_in_} features as input")
        if y is ...:
            return X
        if y is None:
            raise InvalidInput(f"{type(self).__name__} requires y to be passed, but the target y is None")
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise InvalidInput(f"y must hold one label per sample (1-D), got shape {y.shape}")
        if len(X) != len(y):
            raise InvalidInput(f"X has {len(X)} samples but y has {len(y)} labels; give one label per sample")
        if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
            raise InvalidInput("y holds NaN or infinite labels; drop those samples first")
        if y.dtype.kind == "f" and not np.all(y == np.round(y)):
            raise InvalidInput("y holds continuous values; a classifier needs class labels (whole numbers or names)")
        return X, y

    def _input(self, X) -> np.ndarray:
        """``X`` for prediction: the estimator is fitted, ``X`` fits it and is scaled as in training."""
        if not hasattr(self, "network_"):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit(X, y) first")
        X = self._validate(X, reset=False)
        with _as_value_errors():
            return self._pixels(X)

    def _pixels_for_fit(self, X) -> np.ndarray:
        """Training pixels scaled to [0, 1], deciding ``pixel_range_`` (see the module's docstring)."""
        if not self._reads_pixels():
            self.__dict__.pop("pixel_range_", None)
            return X
        _refuse_negative(X, "fit")
        self.pixel_range_ = "0-255" if X.dtype.kind == "f" and X.size and float(np.max(X)) > 1 else "0-1"
        return self._pixels(X)

    def _pixels(self, X) -> np.ndarray:
        if not self._reads_pixels():
            return X
        _refuse_negative(X, "predict")
        return scale_pixels(X, what="X", small_floats=getattr(self, "pixel_range_", "0-1"))

    def _validation_fraction(self) -> float:
        fraction = self.validation_fraction
        if isinstance(fraction, bool) or not isinstance(fraction, (int, float, np.number)) \
                or not 0.0 <= float(fraction) < 1.0:
            raise InvalidInput(f"`validation_fraction` must be a number in [0, 1), got {fraction!r}",
                               parameter="validation_fraction")
        return float(fraction)

    # -- copies ----------------------------------------------------------------------------------
    def __getstate__(self):
        """Pickles and copies leave out ``partial_fit``'s optimiser: it points at the original's arrays."""
        parent = getattr(super(), "__getstate__", None)
        state = dict(parent() if parent is not None else self.__dict__)
        state.pop("_trainer", None)
        return state


def _silent(message: str) -> None:
    """A log that drops messages (a named function, unlike a lambda, survives pickling)."""


def _one_row_per_sample(X):
    """(N, 28, 28) or (N, 1, 28, 28) images as (N, 784) rows; anything else is left for validation."""
    if isinstance(X, (list, tuple)):
        try:
            X = np.asarray(X)
        except (ValueError, TypeError):
            return X
    ndim = getattr(X, "ndim", 0)
    if isinstance(X, np.ndarray) and ndim > 2:
        return X.reshape(len(X), -1)
    return X


def _refuse_negative(X: np.ndarray, method: str) -> None:
    if X.size and X.dtype.kind in "if" and float(np.min(X)) < 0:
        raise InvalidInput(f"Negative values in data passed to DigitClassifier.{method} (down to "
                           f"{float(np.min(X)):g}): pixels are 0-255 or 0-1; for other numbers use "
                           "`inputs`='features'", parameter="inputs")


def _classes(y: np.ndarray, what: str = "y") -> tuple[np.ndarray, np.ndarray]:
    """The sorted classes and each label's index; at least two classes."""
    classes, index = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise InvalidInput(f"{what} has only one class ({classes[0]!r}); a classifier needs examples of at "
                           "least two classes" if len(classes) else f"{what} holds no labels")
    return classes, index.reshape(-1)


def _hidden_sizes(hidden) -> tuple[int, ...]:
    """``hidden`` (a size or a sequence of sizes) as a tuple of positive whole numbers."""
    sizes = (hidden,) if np.isscalar(hidden) else tuple(np.asarray(hidden, dtype=object).ravel().tolist())
    try:
        if not sizes or any(isinstance(s, bool) or int(s) != s or int(s) < 1 for s in sizes):
            raise ValueError(sizes)
    except (TypeError, ValueError):
        raise InvalidInput(f"`hidden` must be a layer size or a sequence of them, like (256,) or 128, got "
                           f"{hidden!r}", parameter="hidden") from None
    return tuple(int(s) for s in sizes)


class _as_value_errors:
    """Inside the estimator, a :class:`DigitnetError` becomes :class:`InvalidInput` (also a ``ValueError``);
    a training run that failed (diverged, learned nothing) is not bad input and stays what it is."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        from digitnet.train.step import TrainingFailed

        if kind is not None and issubclass(kind, DigitnetError) and not isinstance(error, (ValueError, TrainingFailed)):
            raise InvalidInput(str(error), error.parameter) from None
        return False


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
    helps = {name: setting.help for name, setting in SETTINGS.items()}
    helps.update(model="the preset to start from (digitnet.presets.PRESETS)",
                 hidden="hidden-layer sizes of an MLP preset, e.g. (256,); the data gives the first and last",
                 validation_fraction="share of the training data held out at random to pick the best epoch",
                 seed="random seed: the same seed gives the same model", verbose="print progress")
    cls.__doc__ += "\n    Parameters (``None``: the preset's value)\n    ----------\n" + "".join(
        f"    {name} : default {default!r}\n        {helps[name]}\n"
        for name, default in estimator_parameters().items())
    return dataclass(eq=False, repr=False)(cls)


DigitClassifier = _declare_parameters(DigitClassifier)
