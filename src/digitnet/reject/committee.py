"""What a committee adds to the reject option: whether its members agree.

A committee's members are trained alike from different seeds. On a digit they nearly always give the
same answer; on something none of them has learned, each is wrong in its own way, so disagreement is
a signal that a single network cannot give. Two ways to use it, both functions of the members'
logits (so an exported graph can reproduce them):

- score the committee by the mean of its members' scores (each at its own temperature);
- refuse, besides, whenever the members do not all give the same digit (:func:`unanimous`).

``benchmarks/reject.py --committee`` measures both against the single networks (docs/reject.md).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from digitnet.nn import functional as F
from digitnet.reject.scores import SCORES


def mean_probabilities(member_logits: Sequence[np.ndarray], temperatures: Sequence[float]) -> np.ndarray:
    """The committee's probabilities: the mean of softmax(z_m / T_m) over the members."""
    return np.mean([F.softmax(np.asarray(z) / t) for z, t in zip(member_logits, temperatures)], axis=0)


def mean_score(member_logits: Sequence[np.ndarray], temperatures: Sequence[float], score: str = "energy") -> np.ndarray:
    """The mean over the members of each one's score at its own temperature."""
    return np.mean([SCORES[score](np.asarray(z), t) for z, t in zip(member_logits, temperatures)], axis=0)


def unanimous(member_logits: Sequence[np.ndarray]) -> np.ndarray:
    """Per image: do all members give the same digit?"""
    votes = np.stack([np.asarray(z).argmax(axis=1) for z in member_logits])
    return (votes == votes[0]).all(axis=0)
