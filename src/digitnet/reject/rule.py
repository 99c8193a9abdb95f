"""The reject rule: a score of the logits, a temperature and a threshold; everything a model file keeps.

    rule = RejectRule.fit(validation_logits, validation_labels)     # at training time
    digits, scores = rule.decide(logits)                             # -1 where the image is refused
    probabilities = rule.probabilities(logits)                       # calibrated: softmax(z / T)

The decision is ``score(z, T) >= threshold``, a formula of the logits and two numbers, so an ONNX graph
or a JavaScript forward pass reproduces it exactly. The rule is stored in a model file's description
as plain JSON (:meth:`to_dict`); :meth:`from_dict` checks what a file claims before anything uses it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn import functional as F
from digitnet.reject.scores import SCORES
from digitnet.reject.temperature import HIGHEST, LOWEST, fit_temperature
from digitnet.reject.threshold import choose_threshold

#: at most this many characters of a value from a file go into an error message (a stranger's file may
#: hold anything there: a message stays one short line)
SHOWN = 40


def shown(value: Any) -> str:
    """``value`` for an error message: its repr (control characters escaped), cut to :data:`SHOWN`."""
    text = repr(value)
    return text if len(text) <= SHOWN else text[:SHOWN - 3] + "..."


def as_logits(z) -> np.ndarray:
    """``z`` as an array, whole numbers (and booleans) made float64: logits typed in by hand would otherwise be
    divided by the temperature in integers and their probabilities cast back to them. Floats keep their type."""
    z = np.asarray(z)
    return z.astype(np.float64) if z.dtype.kind in "biu" else z


#: the answer for an image that is refused, where a digit would be
REFUSED = -1
#: the default share of validation digits the threshold accepts
ACCEPT = 0.997


@dataclass(frozen=True)
class RejectRule:
    """Refuse an image when ``score(logits, temperature) < threshold``.

    ``score`` names a function of :data:`digitnet.reject.scores.SCORES` (the energy T log sum exp(z / T),
    the largest of softmax(z / T), or the largest logit, which no temperature changes); ``temperature``
    also gives the calibrated probabilities; ``accept`` records the share of validation digits the
    threshold was chosen to accept (for readers; the decision uses only the threshold).
    """

    score: str = "energy"
    temperature: float = 1.0
    threshold: float = -math.inf
    accept: float | None = None

    def __post_init__(self) -> None:
        if self.score not in SCORES:
            raise DigitnetError(f"unknown reject score {shown(self.score)}; known: {', '.join(SCORES)}")
        t = self.temperature
        if not (isinstance(t, (int, float)) and not isinstance(t, bool) and LOWEST <= t <= HIGHEST):
            raise DigitnetError(f"the reject rule's temperature must be a number from {LOWEST} to {HIGHEST}, "
                                f"got {shown(t)}")
        th = self.threshold
        # -inf refuses nothing by the score; +inf (refuse everything) is no rule anyone fits, and JSON, ONNX
        # and JavaScript would each read it their own way
        if not (isinstance(th, (int, float)) and not isinstance(th, bool) and not math.isnan(th) and th < math.inf):
            raise DigitnetError(f"the reject rule's threshold must be a number (or -inf), got {shown(th)}")
        a = self.accept
        if a is not None and not (isinstance(a, (int, float)) and not isinstance(a, bool) and 0 < a <= 1):
            raise DigitnetError(f"the reject rule's `accept` must be a share in (0, 1], got {shown(a)}")
        object.__setattr__(self, "temperature", float(t))
        object.__setattr__(self, "threshold", float(th))

    # -- fitting ----------------------------------------------------------------------------------
    @classmethod
    def fit(cls, logits, labels, score: str = "energy", accept: float = ACCEPT,
            calibrate: bool = True) -> "RejectRule":
        """The rule for a network whose validation images gave ``logits`` (their digits ``labels``): the
        temperature that calibrates them (or 1), then the threshold accepting ``accept`` of them."""
        temperature = fit_temperature(logits, labels) if calibrate else 1.0
        scores = SCORES[score](np.asarray(logits, dtype=np.float64), temperature)
        return cls(score, temperature, choose_threshold(scores, accept), accept)

    # -- using it ---------------------------------------------------------------------------------
    def scores(self, logits) -> np.ndarray:
        """One score per image; an image is accepted when its score is at least the threshold."""
        return SCORES[self.score](np.asarray(logits, dtype=np.float64), self.temperature)

    def accepts(self, logits) -> np.ndarray:
        return self.scores(logits) >= self.threshold

    def decide(self, logits) -> tuple[np.ndarray, np.ndarray]:
        """(the digit of each image, or :data:`REFUSED`; each image's score)."""
        z = as_logits(logits)
        scores = self.scores(z)
        return np.where(scores >= self.threshold, z.argmax(axis=1), REFUSED), scores

    def probabilities(self, logits) -> np.ndarray:
        """The calibrated probabilities, softmax(z / T)."""
        z = as_logits(logits)
        return F.softmax(z / np.asarray(self.temperature, dtype=z.dtype))

    # -- in model files ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, d: Any) -> "RejectRule":
        """The rule :meth:`to_dict` wrote, checked: a known score, numbers where numbers belong."""
        if not isinstance(d, dict):
            raise DigitnetError(f"the reject rule must be a mapping, got {type(d).__name__}")
        unknown = set(d) - {"score", "temperature", "threshold", "accept"}
        if unknown:
            raise DigitnetError(f"the reject rule has unknown keys: {', '.join(sorted(map(shown, unknown))[:5])}")
        if not isinstance(d.get("score", "energy"), str):
            raise DigitnetError("the reject rule's score must be a name")
        if d.get("threshold", 0) is None:  # JSON has no -inf: a model file keeps "refuse nothing" as null
            d = {**d, "threshold": -math.inf}
        return cls(**d)
