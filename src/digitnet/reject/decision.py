"""What a model answers for a batch of images: a digit, or "not a digit" and why.

Every surface that gives an answer (``digitnet predict``, ``serve``, ``evaluate``, the Python API, the
estimator) asks :func:`decide` with the logits of the model's networks (one, or a committee's members)
and the model's rule, so they all answer alike:

- ``classes``: the most probable class of each image (for one network the largest logit, so the
  temperature never changes it);
- ``probabilities``: softmax(z / T), calibrated by the rule's temperature (a committee: the mean of its
  members', each at its own temperature); without a rule, the network's own ``predict_proba``;
- ``scores``: how much each image looks like a digit, higher is more (the rule's score; without a rule
  the energy at T = 1, which refuses nothing);
- ``accepted``: the score reaches the threshold (and, for a committee whose rule says so, not too many
  members give another digit). :meth:`Decision.reason` says in words why an image was refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence, Union

import numpy as np

from digitnet.nn import functional as F
from digitnet.reject.committee_rule import CommitteeRule
from digitnet.reject.rule import REFUSED, RejectRule, as_logits
from digitnet.reject.scores import energy
from digitnet.reject.wording import told_apart

Rule = Union[RejectRule, CommitteeRule]


@dataclass(frozen=True)
class Decision:
    """The answers for a batch of N images (see the module docstring)."""

    classes: np.ndarray  # (N,) int64
    probabilities: np.ndarray  # (N, K)
    accepted: np.ndarray  # (N,) bool
    scores: np.ndarray | None = None  # (N,) float64; None for a network that has no logits of classes
    rule: Rule | None = None
    #: a committee's: how many members give another digit than the committee, per image
    against: np.ndarray | None = None
    #: the probabilities before temperature scaling, when the rule has a temperature
    uncalibrated: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.classes)

    @property
    def digits(self) -> np.ndarray:
        """The answer of each image: its class, or :data:`~digitnet.reject.rule.REFUSED` (-1)."""
        return np.where(self.accepted, self.classes, REFUSED)

    @property
    def threshold(self) -> float:
        """The score an image needs (-inf: the model refuses nothing by its score)."""
        return self.rule.threshold if self.rule is not None else -math.inf

    def figures(self, labels) -> dict[str, float | None]:
        """How it did on images whose true digits are ``labels``: the share refused, the accuracy on the
        accepted ones, the expected calibration error (15 bins) before and after temperature scaling (the
        same number twice without a temperature) and, for a committee, the share of images on which its
        members do not all agree."""
        from digitnet.metrics.calibration import expected_calibration_error

        y = np.asarray(labels)
        accepted = self.accepted
        measurable = len(y) > 0 and self.probabilities.shape[1] > 1  # no images, or a yes/no output: no ECE
        after = expected_calibration_error(self.probabilities, y) if measurable else None
        before = (expected_calibration_error(self.uncalibrated, y) if measurable and self.uncalibrated is not None
                  else after)
        return {"refused": float(np.mean(~accepted)) if len(y) else 0.0,
                "accuracy_accepted": float(np.mean(self.classes[accepted] == y[accepted])) if accepted.any() else None,
                "ece_before": before, "ece_after": after,
                "disagreement": float(np.mean(self.against > 0)) if self.against is not None and len(y) else None}

    def reason(self, i: int) -> str | None:
        """Why image ``i`` was refused, in a few words (None when it was accepted)."""
        if self.accepted[i] or self.rule is None:
            return None
        if self.scores is not None and self.scores[i] < self.rule.threshold:
            score, threshold = told_apart(float(self.scores[i]), self.rule.threshold)
            return f"its {self.rule.score.replace('_', ' ')} score {score} is below the model's threshold {threshold}"
        members = self.rule.size if isinstance(self.rule, CommitteeRule) else 1
        against = int(self.against[i]) if self.against is not None else 0
        return f"{against} of {members} networks of the committee give another answer"


def decide(member_logits: Sequence[np.ndarray], rule: Rule | None = None, output=None) -> Decision:
    """The decision for images whose networks gave ``member_logits`` (one array (N, K) per network: one
    for a network, one per member for a committee).

    Without a rule the probabilities are ``output(z)`` (the network's ``loss.output``), averaged over
    a committee's members in float64 as :class:`~digitnet.nn.committee.Committee` does, so they are
    ``predict_proba``'s to the bit; every image is accepted.
    """
    members = [as_logits(z) for z in member_logits]
    dtype = members[0].dtype
    if rule is None:
        outputs = [output(z) if output is not None else F.softmax(z) for z in members]
        if len(members) == 1:  # ranked by the logits, as Network.classes does (softmax can tie in float32)
            probabilities, ranked = outputs[0], members[0]
        else:
            probabilities = ranked = np.sum(outputs, axis=0, dtype=np.float64) / len(members)
        classes = ((probabilities[:, 0] >= 0.5).astype(np.int64) if probabilities.shape[1] == 1  # a yes/no output
                   else ranked.argmax(axis=1))
        probabilities = probabilities.astype(dtype, copy=False)
        scores = (np.mean([energy(z.astype(np.float64)) for z in members], axis=0)
                  if members[0].shape[1] >= 2 else None)
        return Decision(classes, probabilities, np.ones(len(classes), bool), scores)
    uncalibrated = (F.softmax(members[0]) if len(members) == 1
                    else np.mean([F.softmax(z) for z in members], axis=0).astype(dtype))
    if isinstance(rule, CommitteeRule):
        probabilities = rule.probabilities(members)
        classes = probabilities.argmax(axis=1)
        scores = rule.scores(members)
        against = rule.against(members, classes)
        return Decision(classes, probabilities, rule.accepts(scores, against), scores, rule, against, uncalibrated)
    z = members[0]
    probabilities = rule.probabilities(z)
    scores = rule.scores(z)
    return Decision(z.argmax(axis=1), probabilities, scores >= rule.threshold, scores, rule, None, uncalibrated)

