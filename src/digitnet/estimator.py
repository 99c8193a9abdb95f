"""``DigitClassifier().fit(X, y).predict(X)``: digitnet as a scikit-learn classifier.

It needs scikit-learn (``pip install 'digitnet[sklearn]'``); without it, importing this module fails
with a one-line error saying so, and the rest of digitnet works as before. :class:`DigitClassifier` is
written the way scikit-learn writes its estimators: an ``__init__`` that only stores its parameters,
``BaseEstimator`` for ``get_params``/``set_params``/``clone``/``repr``, ``ClassifierMixin`` for
``score``, scikit-learn's own ``validate_data`` and ``check_classification_targets`` for the input (so
wrong feature counts, NaN, sparse matrices, 1-D ``X`` and continuous ``y`` are refused with the errors
its tools expect), and ``__sklearn_tags__`` for what it accepts. It passes every check of
``sklearn.utils.estimator_checks.check_estimator``, with its default parameters and with
``inputs="features"`` (``tests/test_estimator_sklearn.py``), so ``Pipeline``, ``cross_val_score``,
``GridSearchCV`` and the Dask joblib backend work with it.

Under the hood it is one training run (:func:`digitnet.train.run`) of a preset: ``model`` names it
(``"mlp"`` by default; any preset that trains by epochs works, CNNs included: ``model="lenet5"``). Every
other parameter but four is one of the recipe's settings (:class:`~digitnet.presets.recipe.Recipe`),
and ``None`` keeps the preset's value. The four are phrased for an estimator: ``hidden``, the hidden
layer sizes of an MLP (the first and last sizes come from the data); ``validation_fraction``, the share
of the training data held out, at random, to choose the best epoch; ``seed``; and ``verbose``.

How long it trains: ``epochs="auto"``
-------------------------------------
A preset's number of epochs is sized for MNIST's 60,000 images, where one epoch of the ``mlp`` preset
is 469 gradient steps. On a small data set the same epochs are only a handful of steps, too few to
learn anything. So ``epochs="auto"`` (the default) trains the preset's epochs, or more on a small data
set: enough for at least :data:`AUTO_MIN_STEPS` steps (a full batch per step on a data set smaller
than the batch). On MNIST that is the preset's 10 epochs; on scikit-learn's 300-sample test problems,
167. scikit-learn's ``MLPClassifier`` does the same in its own way: up to 200 epochs by default,
stopping when the training loss stops improving. A whole number of epochs is used as it is.

What ``X`` is: pixels or features
---------------------------------
``inputs`` (a recipe setting) says how the numbers in ``X`` are read:

- ``inputs="pixels"`` (the presets' value, so the default): brightness, scaled to [0, 1] by the
  network's one input rule (:mod:`digitnet.nn.inputs`): whole numbers 0-255, or floats 0-255 or 0-1.
  Negative values are refused ("Negative values in data"), as are values above 255. The estimator's
  tags say so (``input_tags.positive_only``), so scikit-learn's checks and tools feed it non-negative
  data. One case the rule cannot settle alone: floats whose values are all at most 1 are a 0-1 image,
  or a very faint 0-255 one. The model decides once, at ``fit``, and remembers it in ``pixel_range_``:
  if the training floats went above 1 ("0-255"), such a batch is read as 0-255 too (the estimator
  divides it by 255 and the network takes the result as it is), otherwise ("0-1") the network's rule
  takes it as it is. Either way each value is scaled once, and how it is scaled never depends on which
  other rows share its batch: one image alone is read as in a batch of a thousand.
- ``inputs="features"``: any real numbers (standardised tabular features, embeddings), used as they
  are, never rescaled; negative values are fine. Choose this for data that are not pixels.

Images may come as rows of 784 values or as (N, 28, 28) / (N, 1, 28, 28) arrays: each sample is
flattened into one row of features (``n_features_in_`` = 784), and presets described layer by layer
(LeNet-5, the CNN ladder) reshape the rows into images themselves.

"Not a digit": the reject option
--------------------------------
A preset with the reject option (``model="default"``, or ``reject_accept=0.997`` on any pixel preset)
is trained on ``negatives`` and ``fashion_negatives`` as well (pictures that are not digits, drawn by
digitnet and taken from Fashion-MNIST's training set: see docs/reject.md) and fits a rule
on the held-out share (without one, ``validation_fraction=0``, a preset's rule is left out, and so are
its font digits when the classes are not the digits 0-9): a temperature that calibrates
``predict_proba`` and a threshold of a score. In scikit-learn's words for novelty detection,
``score_samples(X)`` says how much each sample looks like what the model was trained on (higher is
more), ``threshold_`` is the score a sample needs, and ``accepts(X)`` says which samples reach it.
``predict`` still returns a class for every sample, so the estimator stays a plain classifier;
``predict_or_refuse(X)`` gives ``refused`` (default -1) where the rule refuses. Without a rule,
``threshold_`` is -inf and every sample is accepted.

Incremental learning
--------------------
``partial_fit(X, y, classes=...)`` trains one epoch over the given batch with the recipe's optimiser,
at the recipe's base learning rate (a schedule needs to know the run's length, which incremental
learning does not), without a validation split; the optimiser's momentum is carried from call to call
(a copied or unpickled estimator starts a fresh optimiser on the same weights). A reject rule fitted
by ``fit`` was fitted to the network as it was, so ``partial_fit`` drops it (``threshold_`` becomes -inf).
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from digitnet.errors import DigitnetError

#: how to get scikit-learn, the one thing this module needs beyond digitnet's core
INSTALL = "pip install 'digitnet[sklearn]'"


class ScikitLearnMissing(DigitnetError, ImportError):
    """Importing this module without scikit-learn: a :class:`DigitnetError` (one line, says what to do),
    and an ``ImportError``, as a missing package is."""


try:
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.exceptions import NotFittedError as _SklearnNotFittedError
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import validate_data
except ImportError:
    raise ScikitLearnMissing(f"DigitClassifier needs scikit-learn; install it with: {INSTALL}") from None

#: on a small data set ``epochs="auto"`` trains for at least this many gradient steps (see the docstring)
AUTO_MIN_STEPS = 500


class InvalidInput(DigitnetError, ValueError):
    """Bad data or settings given to the estimator: a :class:`DigitnetError` (one line, says what to do)
    and, as scikit-learn's tools expect of an estimator, a ``ValueError``."""


class NotFittedError(DigitnetError, _SklearnNotFittedError):
    """``predict`` before ``fit``: scikit-learn's ``NotFittedError``, and a :class:`DigitnetError`."""


class DigitClassifier(ClassifierMixin, BaseEstimator):
    """A classifier trained by digitnet: any preset, with any of its settings changed.

    ``DigitClassifier()`` is a ReLU MLP with 256 hidden units (the ``mlp`` preset);
    ``DigitClassifier(model="lenet5", epochs=3)`` trains LeNet-5 for three epochs;
    ``DigitClassifier(inputs="features")`` reads ``X`` as plain features rather than pixels (see the
    module's docstring).

    Parameters: ``model`` (a preset's name), ``hidden`` (hidden-layer sizes of an MLP, e.g. ``(256,)``),
    ``epochs`` (``"auto"``: see the module's docstring), ``validation_fraction``, ``seed`` (the same
    seed gives the same model), ``verbose`` (progress bars and one line per epoch), and the recipe
    settings, each ``None`` to keep the preset's value: ``activation``, ``loss``, ``init``, ``dropout``,
    ``augment``, ``optimizer``, ``lr``, ``momentum``, ``weight_decay``, ``schedule``, ``batch_size``,
    ``label_smoothing``, ``weight_average``, ``patience``, ``inputs``, ``negatives``, ``fashion_negatives``,
    ``negative_weight``, ``negatives_as``, ``energy_weight``, ``font_digits``, ``pen_digits``, ``reject_accept``,
    ``reject_score`` (their meaning: ``digitnet train --help``).

    Attributes after ``fit``: ``classes_``, ``n_features_in_`` (and ``feature_names_in_`` for a
    DataFrame), ``network_`` (the trained :class:`~digitnet.nn.network.Network`), ``recipe_``,
    ``history_``, ``n_iter_`` (epochs trained), ``loss_curve_`` (training loss per epoch),
    ``validation_scores_`` and ``best_validation_score_`` (accuracy on the held-out share, when
    ``validation_fraction`` > 0), ``pixel_range_`` (pixel inputs only), ``reject_`` (the reject rule, or
    None) and ``threshold_`` (its threshold; -inf without one).
    """

    def __init__(self, model="mlp", hidden=None, *, activation=None, loss=None, init=None, dropout=None,
                 augment=None, optimizer=None, lr=None, momentum=None, weight_decay=None, schedule=None,
                 epochs="auto", batch_size=None, label_smoothing=None, weight_average=None, patience=None,
                 inputs=None, negatives=None, fashion_negatives=None, negative_weight=None, negatives_as=None,
                 energy_weight=None, font_digits=None, pen_digits=None, reject_accept=None, reject_score=None,
                 validation_fraction=0.0, seed=0, verbose=False):
        self.model = model
        self.hidden = hidden
        self.activation = activation
        self.loss = loss
        self.init = init
        self.dropout = dropout
        self.augment = augment
        self.optimizer = optimizer
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.schedule = schedule
        self.epochs = epochs
        self.batch_size = batch_size
        self.label_smoothing = label_smoothing
        self.weight_average = weight_average
        self.patience = patience
        self.inputs = inputs
        self.negatives = negatives
        self.fashion_negatives = fashion_negatives
        self.negative_weight = negative_weight
        self.negatives_as = negatives_as
        self.energy_weight = energy_weight
        self.font_digits = font_digits
        self.pen_digits = pen_digits
        self.reject_accept = reject_accept
        self.reject_score = reject_score
        self.validation_fraction = validation_fraction
        self.seed = seed
        self.verbose = verbose

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
        from digitnet.presets import get_preset

        try:
            return get_preset(self.model).inputs != "features"
        except (DigitnetError, TypeError):  # a bad name: fit will say so
            return True

    # -- the recipe ------------------------------------------------------------------------------
    def recipe(self, n_features: int, n_classes: int):
        """The recipe ``fit`` trains for ``n_features`` values per sample and ``n_classes`` classes
        (before ``epochs="auto"`` is worked out, which needs the number of training samples)."""
        from digitnet.presets import get_preset

        settings = {name: getattr(self, name) for name in recipe_parameters()}
        if _is_auto(self.epochs):
            settings["epochs"] = None  # the preset's
        settings.update(_architecture(self.hidden, n_features, n_classes))
        return get_preset(self.model).with_overrides(**settings).for_data(n_features, n_classes)

    # -- learning --------------------------------------------------------------------------------
    def fit(self, X, y) -> "DigitClassifier":
        """Train a new network on (X, y): one :func:`digitnet.train.run`; returns ``self``."""
        from digitnet.data import Dataset
        from digitnet.train import run

        X, y = self._validate(X, y, reset=True)
        self.classes_, y_index = _classes(y)
        n_val = min(int(round(self._validation_fraction() * len(X))), len(X) - 1)
        with _as_value_errors():
            self._decide_pixel_range(X)
            recipe = self._with_what_fits(self.recipe(self.n_features_in_, len(self.classes_))
                                          .with_overrides(val_size=n_val))
            if _is_auto(self.epochs):
                recipe = recipe.with_overrides(epochs=auto_epochs(recipe.epochs, len(X) - n_val, recipe.batch_size))
            # scikit-learn's estimators warn rather than fail when a fit learns little (a ConvergenceWarning);
            # so does this one (TrainingNote); a loss that diverges to NaN still fails
            trained = run(recipe, Dataset.from_arrays(X, y_index), self.seed, validation="random",
                          if_nothing_learned="note",
                          progress=bool(self.verbose), log=print if self.verbose else None,
                          class_names=[str(c) for c in self.classes_])
        self.__dict__.pop("_trainer", None)  # partial_fit after fit starts a fresh optimiser
        self.network_, self.history_, self.recipe_ = trained.network, trained.history, trained.recipe
        self.reject_ = trained.model.reject
        self._learnt()
        return self

    def _with_what_fits(self, recipe):
        """A preset's reject option, kept where it fits the data: its rule needs held-out samples
        (``validation_fraction`` > 0) and its font digits the classes 0-9. A setting given here is kept as
        given (and a clear error says when it cannot be)."""
        changes = {}
        if recipe.reject_accept and not recipe.val_size and self.reject_accept is None:
            changes["reject_accept"] = 0.0
        if [str(c) for c in self.classes_] != list("0123456789"):
            changes.update({name: 0 for name in ("font_digits", "pen_digits")
                            if getattr(recipe, name) and getattr(self, name) is None})
        return recipe.with_overrides(**changes) if changes else recipe

    def partial_fit(self, X, y, classes=None) -> "DigitClassifier":
        """One epoch over (X, y), continuing from what was learnt; ``classes`` (every label there will be)
        is needed on the first call. See the module's docstring; returns ``self``."""
        first = not self.__sklearn_is_fitted__()
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
            if first:
                self._decide_pixel_range(X, "partial_fit")
            X = self._pixels(X, "partial_fit")
            trainer = self._incremental_trainer(first)
            trainer.train_epoch(X, y_index)
        self.history_ = trainer.history
        self.reject_ = None  # fitted to the network as it was: it no longer applies
        self._learnt()
        return self

    def _incremental_trainer(self, first: bool):
        """The trainer ``partial_fit`` continues: kept between calls (not in copies: see ``__getstate__``)."""
        from digitnet.train import build_network, build_trainer

        trainer = self.__dict__.get("_trainer")
        if trainer is not None:
            return trainer
        if first:
            recipe = self.recipe(self.n_features_in_, len(self.classes_)).with_overrides(val_size=0)
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
        """Probabilities (N, number of classes), columns in the order of ``classes_``; calibrated by the
        reject rule's temperature when there is one (softmax(z / T))."""
        p = self._decide(X).probabilities
        return np.hstack([1 - p, p]) if p.shape[1] == 1 else p  # one output: P(classes_[1])

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample, as one of ``classes_`` (refused or not: see
        :meth:`predict_or_refuse`)."""
        X = self._input(X)
        with _as_value_errors():
            return self.classes_[self.network_.predict(X)]

    def score_samples(self, X) -> np.ndarray:
        """How much each sample looks like the classes the model learned (the reject rule's score, e.g. the
        energy of the logits; without a rule, the energy at T = 1): higher is more; a sample is accepted
        when it reaches ``threshold_``.

        The network is run in float64 here, so that a sample's score does not depend on the batch it comes
        in (float32 sums in another order differ by more than scikit-learn's checks allow)."""
        from digitnet.nn.network import Network
        from digitnet.reject import RejectRule

        X = self._input(X)
        network = self.network_
        if network.n_outputs < 2:
            raise InvalidInput("this model has a single output, which has no score of its own; score_samples "
                               "needs one output per class")
        with _as_value_errors():
            exact = Network.from_config({**network.get_config(), "dtype": "float64"}, draw=False)
            exact.set_weights(network.get_weights())
            z = exact.logits(network.as_input(X).astype(np.float64))  # scaled as predict scales it
        rule = getattr(self, "reject_", None) or RejectRule()
        return rule.scores(z)

    def accepts(self, X) -> np.ndarray:
        """True for each sample the reject rule takes for one of the classes (every sample, without a
        rule): the decision every surface makes, :meth:`predict_or_refuse`'s, in the network's float32.
        It is ``score_samples(X) >= threshold_`` but for a sample within rounding of the threshold
        (``score_samples`` scores in float64)."""
        if getattr(self, "reject_", None) is None:
            return np.ones(len(self._input(X)), dtype=bool)
        return self._decide(X).accepted

    def predict_or_refuse(self, X, refused=-1) -> np.ndarray:
        """:meth:`predict`, with ``refused`` where the reject rule refuses the sample (an object array when
        ``refused`` is not of the classes' type). One pass over the network: the decision every surface
        makes, the same as :meth:`accepts`."""
        decision = self._decide(X)
        answers, accepted = self.classes_[decision.classes], decision.accepted
        try:  # a type that holds both (uint8 digits and -1: a signed integer)
            dtype = np.result_type(answers.dtype, np.asarray(refused).dtype)
        except TypeError:  # classes that are text and a number for "refused": any object will do
            dtype = np.dtype(object)
        out = answers.astype(dtype)
        out[~accepted] = refused
        return out

    @property
    def threshold_(self) -> float:
        """The score a sample needs to be accepted (-inf: the model refuses nothing)."""
        if not self.__sklearn_is_fitted__():
            raise AttributeError("threshold_ is set by fit")
        rule = getattr(self, "reject_", None)
        return rule.threshold if rule is not None else -math.inf

    def _decide(self, X):
        """The reject option's decision for ``X`` (``digitnet.reject.decide``), one pass over the network."""
        from digitnet.reject import decide

        X = self._input(X)
        with _as_value_errors():
            z = self.network_.logits(X)
            return decide([z], getattr(self, "reject_", None), output=self.network_.loss.output)

    # -- input -----------------------------------------------------------------------------------
    def _validate(self, X, y, reset: bool):
        """(X, y) for training: ``X`` as (samples, features), both checked by scikit-learn's
        ``validate_data``, and ``y`` checked to hold class labels."""
        X, y = validate_data(self, _one_row_per_sample(X), y, reset=reset, dtype="numeric", ensure_all_finite=True)
        check_classification_targets(y)
        return X, y

    def _input(self, X) -> np.ndarray:
        """``X`` for prediction: the estimator is fitted, and ``X`` fits it and is read as in training."""
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit(X, y) first")
        X = validate_data(self, _one_row_per_sample(X), reset=False, dtype="numeric", ensure_all_finite=True)
        with _as_value_errors():
            return self._pixels(X)

    def _decide_pixel_range(self, X: np.ndarray, method: str = "fit") -> None:
        """At ``fit`` (or the first ``partial_fit``): how later batches of small floats are read."""
        if not self._reads_pixels():
            self.__dict__.pop("pixel_range_", None)
            return
        _refuse_negative(X, method)
        self.pixel_range_ = "0-255" if X.dtype.kind == "f" and X.size and float(np.max(X)) > 1 else "0-1"

    def _pixels(self, X: np.ndarray, method: str = "predict") -> np.ndarray:
        """``X`` as the network's input rule should read it: unchanged, except that a batch of small
        floats for a "0-255" model is divided by 255 here, once (the rule then keeps it as it is)."""
        if not self._reads_pixels():
            return X
        _refuse_negative(X, method)
        if getattr(self, "pixel_range_", "0-1") == "0-255" and X.dtype.kind == "f" and X.size \
                and float(np.max(X)) <= 1:
            return X / 255
        return X

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
        state = dict(super().__getstate__())
        state.pop("_trainer", None)
        return state


def recipe_parameters() -> list[str]:
    """The parameters that are recipe settings under the same name (``None``: the preset's value): those
    of ``__init__`` that :data:`digitnet.presets.SETTINGS` declares (``hidden`` and
    ``validation_fraction`` say ``layers`` and ``val_size`` in the estimator's own words)."""
    from digitnet.presets import SETTINGS

    return [name for name in inspect.signature(DigitClassifier.__init__).parameters if name in SETTINGS]


def _is_auto(epochs) -> bool:
    return isinstance(epochs, str) and epochs == "auto"


def auto_epochs(epochs: int, n_train: int, batch_size: int) -> int:
    """``epochs="auto"``: ``epochs`` (the preset's), or more, so that ``n_train`` samples in batches of
    ``batch_size`` make at least :data:`AUTO_MIN_STEPS` gradient steps."""
    steps_per_epoch = max(math.ceil(n_train / batch_size), 1)
    return max(int(epochs), math.ceil(AUTO_MIN_STEPS / steps_per_epoch))


# -- the three places that know how a recipe becomes a network (kept small for the recipe's own changes)
def _architecture(hidden, n_features: int, n_classes: int) -> dict:
    """The recipe settings ``hidden`` stands for: an MLP's layer sizes, the first and last from the data."""
    if hidden is None:
        return {}
    return {"layers": (n_features, *_hidden_sizes(hidden), n_classes)}


def _silent(message: str) -> None:
    """A log that drops messages (a named function, unlike a lambda, survives pickling)."""


def _one_row_per_sample(X):
    """(N, 28, 28) or (N, 1, 28, 28) images as (N, 784) rows; anything else is left for validation."""
    if isinstance(X, (list, tuple)):
        try:
            X = np.asarray(X)
        except (ValueError, TypeError):
            return X
    if isinstance(X, np.ndarray) and X.ndim > 2:
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
