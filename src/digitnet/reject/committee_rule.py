"""A committee's reject rule: its members' scores averaged, one threshold, and their disagreement.

A committee's members each keep their own temperature (fitted on the validation images when each was
trained); the committee keeps them in a list, in the members' order, and adds one threshold of its own,
fitted on the same validation digits:

- the committee's probabilities are the mean of softmax(z_m / T_m) over the members (calibrated);
- its score is the mean of the members' scores, each at its own temperature, except for
  ``max_probability``, which is the top of those mean probabilities (what the page computes);
- ``disagreement`` (optional) refuses, besides, an image on which more than that share of the members
  give another digit than the committee: 0.5 refuses when most of them do, 0 unless all agree.

Like :class:`~digitnet.reject.rule.RejectRule`, everything is a formula of the members' logits, so an
ONNX graph or the page's JavaScript computes the same (``docs/reject.md`` says what disagreement buys).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.reject.committee import mean_probabilities, mean_score
from digitnet.reject.rule import ACCEPT, RejectRule, as_logits, shown
from digitnet.reject.threshold import choose_threshold

#: the keys a committee's rule has in a model file
KEYS = ("score", "temperatures", "threshold", "accept", "disagreement")
#: the most members a committee file may hold (``digitnet.io.committee_file.MAX_MEMBERS``): a rule naming more
#: temperatures is refused before any of them is looked at
MAX_MEMBERS = 100


@dataclass(frozen=True)
class CommitteeRule:
    """Refuse an image when the members' mean score is below ``threshold``, or when more than a share
    ``disagreement`` of the members answer another digit than the committee (None: never for that)."""

    score: str = "energy"
    temperatures: tuple = ()
    threshold: float = -math.inf
    accept: float | None = None
    disagreement: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.temperatures, (list, tuple)) or not 2 <= len(self.temperatures) <= MAX_MEMBERS:
            raise DigitnetError(f"a committee's reject rule needs a temperature for each of its 2 to {MAX_MEMBERS} "
                                "members")
        # each member's part checked as a network's rule is: a known score, temperatures and threshold in range
        for t in self.temperatures:
            RejectRule(self.score, t, self.threshold, self.accept)
        d = self.disagreement
        if d is not None and not (isinstance(d, (int, float)) and not isinstance(d, bool) and 0 <= d <= 1):
            raise DigitnetError(f"the reject rule's `disagreement` must be a share from 0 to 1, got {shown(d)}")
        object.__setattr__(self, "temperatures", tuple(float(t) for t in self.temperatures))
        object.__setattr__(self, "threshold", float(self.threshold))
        if d is not None:
            object.__setattr__(self, "disagreement", float(d))

    @property
    def size(self) -> int:
        return len(self.temperatures)

    # -- fitting ----------------------------------------------------------------------------------
    @classmethod
    def fit(cls, member_logits: Sequence[np.ndarray], labels, temperatures: Sequence[float], score: str = "energy",
            accept: float = ACCEPT, disagreement: float | None = None) -> "CommitteeRule":
        """The threshold that accepts ``accept`` of the validation digits (``labels``) by the committee's
        score alone; ``disagreement`` refuses on top of it."""
        del labels  # the digits are all accepted alike; kept for the same call as RejectRule.fit
        rule = cls(score, tuple(temperatures), -math.inf, accept, disagreement)
        return cls(score, tuple(temperatures), choose_threshold(rule.scores(member_logits), accept), accept,
                   disagreement)

    # -- using it ---------------------------------------------------------------------------------
    def _members(self, member_logits: Sequence[np.ndarray]) -> list[np.ndarray]:
        if len(member_logits) != self.size:
            raise DigitnetError(f"the committee's reject rule has {self.size} temperatures, for "
                                f"{len(member_logits)} members")
        return [as_logits(z) for z in member_logits]

    def probabilities(self, member_logits: Sequence[np.ndarray]) -> np.ndarray:
        """The committee's calibrated probabilities: the mean of softmax(z_m / T_m)."""
        members = self._members(member_logits)
        return mean_probabilities(members, self.temperatures).astype(members[0].dtype, copy=False)

    def scores(self, member_logits: Sequence[np.ndarray]) -> np.ndarray:
        members = [np.asarray(z, dtype=np.float64) for z in self._members(member_logits)]
        if self.score == "max_probability":
            return mean_probabilities(members, self.temperatures).max(axis=1)
        return mean_score(members, self.temperatures, self.score)

    def against(self, member_logits: Sequence[np.ndarray], answers: np.ndarray) -> np.ndarray:
        """How many members give another digit than ``answers`` (the committee's), per image."""
        return np.sum([np.asarray(z).argmax(axis=1) != answers for z in self._members(member_logits)], axis=0)

    def accepts(self, scores: np.ndarray, against: np.ndarray) -> np.ndarray:
        accepted = np.asarray(scores) >= self.threshold
        if self.disagreement is not None:
            accepted &= np.asarray(against) <= self.disagreement * self.size
        return accepted

    # -- in model files ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = {"score": self.score, "temperatures": list(self.temperatures), "threshold": self.threshold,
             "accept": self.accept, "disagreement": self.disagreement}
        return {k: v for k, v in d.items() if v is not None}

    @classmethod
    def from_dict(cls, d: Any) -> "CommitteeRule":
        """The rule :meth:`to_dict` wrote, checked (a null threshold, a model file's -inf, refuses nothing)."""
        if not isinstance(d, dict):
            raise DigitnetError(f"the reject rule must be a mapping, got {type(d).__name__}")
        unknown = set(d) - set(KEYS)
        if unknown:
            raise DigitnetError(f"the reject rule has unknown keys: {', '.join(sorted(map(shown, unknown))[:5])}")
        if not isinstance(d.get("score", "energy"), str):
            raise DigitnetError("the reject rule's score must be a name")
        if not isinstance(d.get("temperatures"), list):
            raise DigitnetError("a committee's reject rule needs `temperatures`, a list of numbers")
        return cls(**{**d, "threshold": -math.inf if d.get("threshold") is None else d["threshold"]})
