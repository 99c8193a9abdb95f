"""A model: a trained network (or a committee of them) and the description its file carries.

The network computes; the description says what it is and where it came from: the recipe it was
trained with, the seed, the data set and its fingerprint, the class names, the metrics and the history
(``digitnet.train.run`` writes it, see ``train/runner.py``). :func:`digitnet.io.load_model` returns a
:class:`Model`, and :func:`digitnet.io.save_model` writes one, so the two travel together and nothing
is attached to a network from outside. Read from a file, the description has been checked field by
field (``io/description.py``): the properties below have the types they promise.

A model may carry a reject rule (``"reject"`` in its description; ``digitnet.train.run`` fits it when
the recipe asks): a temperature that calibrates its probabilities and a threshold below which a
picture is "not a digit" (docs/reject.md). A :class:`Model` answers with it, so every surface answers
alike: :meth:`Model.decide` gives the digits (or -1), the calibrated probabilities, a score per image
and the reason for each refusal; :meth:`Model.predict_proba` is softmax(z / T); :meth:`Model.predict`
the classes as the network gives them. A model without a rule answers as its network does and never
refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Union

import numpy as np

from digitnet.io.description import reject_rule
from digitnet.nn.committee import Committee
from digitnet.nn.network import Network
from digitnet.reject import CommitteeRule, Decision, RejectRule, decide


@dataclass(frozen=True)
class Model:
    """``network`` (a :class:`~digitnet.nn.Network` or a :class:`~digitnet.nn.committee.Committee`) and
    its ``metadata``, the JSON description a model file stores beside the weights."""

    network: Network | Committee
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def is_committee(self) -> bool:
        return isinstance(self.network, Committee)

    @property
    def members(self) -> "tuple[Model, ...]":
        """A committee's members, each with its own description; none for one network."""
        if not isinstance(self.network, Committee):
            return ()
        networks = self.network.members
        described = self.metadata.get("members") or [{}] * len(networks)
        return tuple(Model(network, about or {}) for network, about in zip(networks, described))

    @property
    def recipe(self) -> dict[str, Any]:
        """The training settings as stored (``digitnet.presets.Recipe.from_dict`` reads them back)."""
        return self.metadata.get("recipe") or {}

    @property
    def label(self) -> str | None:
        """The recipe's short name, like ``'default' with lr 0.1``."""
        recipe = self.recipe
        return recipe.get("label") or (repr(recipe["name"]) if recipe.get("name") else None)

    @property
    def seed(self) -> int | None:
        return self.metadata.get("seed")

    @property
    def metrics(self) -> dict[str, Any]:
        return self.metadata.get("metrics") or {}

    @property
    def test_accuracy(self) -> float | None:
        return self.metrics.get("test_accuracy")

    @property
    def history(self) -> dict[str, Any]:
        return self.metadata.get("history") or {}

    @property
    def dataset(self) -> dict[str, Any]:
        """The data set it was trained on: ``name``, ``checksum`` (its fingerprint), image counts."""
        return self.metadata.get("dataset") or {}

    @property
    def classes(self) -> list[str] | None:
        """What each output stands for ("0" to "9" for MNIST), or None when the file does not say."""
        return self.metadata.get("classes")

    # -- the reject option and calibrated answers ------------------------------------------------------
    @cached_property
    def reject(self) -> Union[RejectRule, CommitteeRule, None]:
        """The reject rule the description keeps (a committee's, for a committee), or None: the model then
        never refuses a picture and its probabilities are its network's."""
        networks = len(self.network.members) if isinstance(self.network, Committee) else 1
        return reject_rule(self.metadata.get("reject"), networks)

    @property
    def temperature(self) -> "float | tuple[float, ...]":
        """What the logits are divided by before the softmax: the rule's temperature (a committee's: one
        per member), or 1 without a rule."""
        rule = self.reject
        if rule is None:
            return 1.0
        return rule.temperatures if isinstance(rule, CommitteeRule) else rule.temperature

    def member_logits(self, X) -> list[np.ndarray]:
        """The logits of ``X`` from each network: one array for a network, one per member for a committee."""
        networks = self.network.members if isinstance(self.network, Committee) else [self.network]
        X = self.network.as_input(X)  # once: each network then takes it as it is
        return [network.logits(X) for network in networks]

    def decide(self, X) -> Decision:
        """Everything the model answers for the images ``X``: ``digits`` (-1: not a digit), ``classes``,
        the calibrated ``probabilities``, ``scores`` (higher: more like a digit), ``accepted`` and, for
        each refused image, ``reason(i)`` (see :mod:`digitnet.reject.decision`)."""
        first = self.network.members[0] if isinstance(self.network, Committee) else self.network
        return decide(self.member_logits(X), self.reject, output=first.loss.output)

    def predict_proba(self, X) -> np.ndarray:
        """The probabilities, calibrated by the rule's temperature: softmax(z / T) (a committee: the mean
        of its members', each at its own temperature)."""
        return self.decide(X).probabilities

    def predict(self, X) -> np.ndarray:
        """The most probable class of each image, refused or not (a network's temperature never changes it; a
        committee's class is that of its members' mean calibrated probabilities)."""
        return self.decide(X).classes

    def scores(self, X) -> np.ndarray | None:
        """How much each image looks like a digit (the rule's score; higher is more); without a rule, the
        energy of the logits at T = 1, which refuses nothing."""
        return self.decide(X).scores

    def accepts(self, X) -> np.ndarray:
        """Which images the model takes for digits (all of them, without a rule)."""
        return self.decide(X).accepted
