"""An eleventh answer, "not a digit": trained as a class, then folded back into the ten outputs.

Instead of asking a negative for equal probabilities over the digits (outlier exposure), a network can
be given one more output and taught that negatives belong to it, like any class. After training that
output is folded away. With logits z_0..z_9 for the digits and z_10 for "not a digit", take

    z'_k = z_k - z_10        (k = 0..9)

The last layer is dense, z = h W + b, so z' = h (W_k - W_10) + (b_k - b_10) is a dense layer of ten
outputs: the folded network is an ordinary ten-output network, and a model file, ONNX export, the
page's script and the estimator take it as they take any other. Nothing is lost by folding:

- softmax(z') is the probability of each digit *given that the picture is a digit* (the shift by z_10
  cancels in the softmax);
- the energy of z', log sum_k exp(z'_k) = log p(a digit) - log p(not a digit), is the log-odds that
  the picture is a digit: the score the reject rule thresholds is the eleventh output's own verdict
  (exactly at temperature 1; at the fitted T, T log sum_k exp(z_k / T) - z_10, nearly).

Since the rule thresholds that log-odds, training can hold it to margins, as energy margins hold the
energy of a ten-output network (:mod:`.energy_margin`): :class:`LogOddsMargin` keeps the log-odds of
digits above 6 and of negatives below -1 (p(a digit) of 99.75% and 27%). On the default recipe with a
dense layer of 128 that refused 5 points more of the held-out non-digits than the eleventh output
alone, for about a tenth of a point of MNIST accuracy, which a dense layer of 256 gave back: that is
the default since (docs/reject.md, seventh round).

(:class:`EleventhClass` and :class:`LogOddsMargin` are the training losses; :func:`fold_eleventh_output`
does the folding.)
"""

from __future__ import annotations

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn.network import Network
from digitnet.reject.energy_margin import EnergyMargin
from digitnet.reject.outlier_exposure import OutlierExposure

#: where the log-odds of "a digit" should be at least for digits, and at most for negatives: a digit's
#: p(a digit) above 99.75%, a negative's below 27% (log-odds 0 is 50%)
LOG_ODDS_IN, LOG_ODDS_OUT = 6.0, -1.0


class EleventhClass(OutlierExposure):
    """Softmax cross-entropy with one more output, the last, as the class of the examples labelled
    :data:`~digitnet.reject.NOT_A_DIGIT`; their rows weigh ``weight``, and ``smoothing`` smooths every row's target
    alike. It reads the labels as outlier exposure does; only what a negative aims at differs: the last
    output, instead of the same probability for every digit. (At weight 1 it is the plain cross-entropy
    with the negatives labelled as the last class.)"""

    def targets(self, y: np.ndarray, negative: np.ndarray, p: np.ndarray) -> np.ndarray:
        last = p.shape[1] - 1
        digits = y[~negative]
        if digits.size and digits.max() >= last:  # the last output is "not a digit", never a class's
            raise DigitnetError(f"label {int(digits.max())} would share the last of {last + 1} outputs with 'not a "
                                "digit'; train EleventhClass on a network with one output more than its classes "
                                "(digitnet.train.build_training_network)", parameter="negatives_as")
        return super().targets(np.where(negative, last, y), np.zeros_like(negative), p)

    def __repr__(self) -> str:
        return f"EleventhClass(weight={self.weight:g}, smoothing={self.smoothing:g})"


class LogOddsMargin(EleventhClass, EnergyMargin):
    """:class:`EleventhClass` plus ``energy_weight`` times the squared hinges of :class:`~digitnet.reject.EnergyMargin`,
    held to the score the folded network's energy will be: the log-odds of "a digit",
    S(z) = logsumexp(z_0..z_9) - z_10, whose gradient is the softmax of the ten digit outputs and -1 for
    the last. Digits are kept above ``margin_in``, negatives below ``margin_out``."""

    def __init__(self, weight: float = 1.0, smoothing: float = 0.0, energy_weight: float = 0.1,
                 margin_in: float = LOG_ODDS_IN, margin_out: float = LOG_ODDS_OUT):
        super().__init__(weight, smoothing, energy_weight, margin_in, margin_out)

    def score_and_slope(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        digits, slope = super().score_and_slope(z[:, :-1])
        return digits - z[:, -1], np.concatenate([slope, np.full((len(z), 1), -1, slope.dtype)], axis=1)

    def __repr__(self) -> str:
        return (f"LogOddsMargin(weight={self.weight:g}, smoothing={self.smoothing:g}, "
                f"energy_weight={self.energy_weight:g}, margins=({self.margin_in:g}, {self.margin_out:g}))")


#: layers that may come after the last dense layer when an output is folded: they leave the logits as they are
AFTER_LOGITS = ("dropout", "identity", "softmax")


def last_dense(layer_configs) -> int | None:
    """Where the last dense layer is among layer descriptions (None if there is none)."""
    found = [i for i, d in enumerate(layer_configs) if d.get("type") == "dense"]
    return found[-1] if found else None


def foldable(layer_configs) -> bool:
    """Whether the logits come straight out of the last dense layer (only dropout, identity or the softmax
    after it), so that an output of it can be folded into the others."""
    at = last_dense(layer_configs)
    return at is not None and all(d.get("type") in AFTER_LOGITS for d in layer_configs[at + 1:])


def fold_eleventh_output(network: Network) -> Network:
    """The network with its last output folded into the others: z'_k = z_k - z_last (see the module's
    docstring), a network of one output fewer that answers the same digits, with the same digit
    probabilities, and whose energy (at T = 1) is the log-odds of "a digit"."""
    config = network.get_config()
    at = last_dense(config["layers"])
    if at is None or not foldable(config["layers"]):
        raise DigitnetError("only a network whose logits come straight out of its last dense layer can have an "
                            "output folded into the others", parameter="negatives_as")
    dense = config["layers"][at]
    config["layers"][at] = {**dense, "units": dense["units"] - 1}
    folded = Network.from_config(config, draw=False)
    folded.loss = network.loss
    weights = network.get_weights()
    W, b = weights[f"{at}.W"], weights[f"{at}.b"]
    weights[f"{at}.W"], weights[f"{at}.b"] = W[:, :-1] - W[:, -1:], b[:-1] - b[-1]
    folded.set_weights(weights)
    return folded
