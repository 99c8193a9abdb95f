"""scikit-learn's side of the epoch benchmark: ``MLPClassifier`` with the same recipe.

``partial_fit`` runs exactly one epoch of shuffled mini-batches; L2 (``alpha``) is switched off and
Nesterov momentum too, so the update is plain momentum SGD with a constant learning rate.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import sklearn
from sklearn.neural_network import MLPClassifier

import _common


class Bench:
    def __init__(self):
        self.X, self.y, self.X_test, self.y_test = _common.load_data()

    def info(self) -> dict:
        return {"sklearn": sklearn.__version__, **_common.machine()}

    def setup_epoch(self, sizes, lr, momentum, batch_size, seed, weights=None) -> None:
        self.model = MLPClassifier(hidden_layer_sizes=tuple(sizes[1:-1]), activation="relu", solver="sgd",
                                   learning_rate_init=lr, momentum=momentum, nesterovs_momentum=False,
                                   batch_size=batch_size, alpha=0.0, shuffle=True, random_state=seed)
        self.classes = np.arange(sizes[-1])

    def epoch(self) -> dict:
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.model.partial_fit(self.X, self.y, classes=self.classes)
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "loss": float(self.model.loss_), "dtype": str(self.model.coefs_[0].dtype)}

    def test_accuracy(self) -> float:
        return float(self.model.score(self.X_test, self.y_test))
