"""A scikit-learn-style front door: ``DigitClassifier().fit(X, y).predict(X)``.

It follows scikit-learn's estimator conventions without depending on scikit-learn: the constructor only
stores settings (so ``get_params``/``set_params`` and cloning work), ``fit`` learns and returns ``self``,
and what was learned ends in an underscore (``network_``, ``history_``, ``classes_``). Under the hood
it is a :class:`~digitnet.presets.Recipe` trained by the library's own :class:`~digitnet.train.Trainer`.
"""

from __future__ import annotations

import inspect

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.presets.recipe import Recipe


class DigitClassifier:
    """A multilayer perceptron classifier. ``hidden`` lists the hidden-layer sizes."""

    def __init__(self, hidden=(256,), activation="relu", optimizer="momentum", lr=0.05, momentum=0.9,
                 weight_decay=0.0, dropout=0.0, schedule="cosine", epochs=10, batch_size=128,
                 augment=None, validation_fraction=0.0, patience=None, seed=0, verbose=False):
        self.hidden, self.activation, self.optimizer, self.lr = hidden, activation, optimizer, lr
        self.momentum, self.weight_decay, self.dropout, self.schedule = momentum, weight_decay, dropout, schedule
        self.epochs, self.batch_size, self.augment = epochs, batch_size, augment
        self.validation_fraction, self.patience, self.seed, self.verbose = validation_fraction, patience, seed, verbose

    # -- scikit-learn's parameter protocol -------------------------------------------------------
    def get_params(self, deep: bool = True) -> dict:
        return {name: getattr(self, name) for name in inspect.signature(type(self).__init__).parameters
                if name != "self"}

    def set_params(self, **params) -> "DigitClassifier":
        valid = self.get_params()
        for name, value in params.items():
            if name not in valid:
                raise DigitnetError(f"DigitClassifier has no setting {name!r}; settings: {', '.join(valid)}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = type(self)().get_params()
        changed = {k: v for k, v in self.get_params().items() if v != defaults[k]}
        return f"DigitClassifier({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    # -- learning and predicting -----------------------------------------------------------------
    def fit(self, X, y) -> "DigitClassifier":
        X = np.asarray(X)
        X = X.astype(np.float32) / 255 if X.dtype == np.uint8 else X.astype(np.float32, copy=False)
        X = X.reshape(len(X), -1)
        self.classes_, y_index = np.unique(np.asarray(y), return_inverse=True)
        if len(self.classes_) < 2:
            raise DigitnetError("fit needs examples of at least two classes")
        self.n_features_in_ = X.shape[1]
        n_val = int(round(self.validation_fraction * len(X)))
        order = np.random.default_rng(self.seed).permutation(len(X)) if n_val else np.arange(len(X))
        train, val = order[n_val:], order[:n_val]
        recipe = Recipe(layers=(self.n_features_in_, *self.hidden, len(self.classes_)), activation=self.activation,
                        optimizer=self.optimizer, lr=self.lr, momentum=self.momentum,
                        weight_decay=self.weight_decay, dropout=self.dropout, schedule=self.schedule,
                        epochs=self.epochs, batch_size=self.batch_size, patience=self.patience,
                        augment=self.augment)
        self.network_ = recipe.build(seed=self.seed)
        trainer = recipe.trainer(self.network_, seed=self.seed, progress=self.verbose,
                                 log=None if self.verbose else (lambda msg: None))
        self.history_ = trainer.fit(X[train], y_index[train], X[val] if n_val else None,
                                    y_index[val] if n_val else None)
        return self

    def predict_proba(self, X) -> np.ndarray:
        self._check_fitted()
        return self.network_.predict_proba(X)

    def predict(self, X) -> np.ndarray:
        self._check_fitted()
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def score(self, X, y) -> float:
        """Mean accuracy, as scikit-learn's classifiers define ``score``."""
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def _check_fitted(self) -> None:
        if not hasattr(self, "network_"):
            raise DigitnetError("this DigitClassifier is not fitted yet; call fit(X, y) first")
