"""A model: a trained network (or a committee of them) and the description its file carries.

The network computes; the description says what it is and where it came from: the recipe it was
trained with, the seed, the data set and its fingerprint, the class names, the metrics and the history
(``digitnet.train.run`` writes it, see ``train/runner.py``). :func:`digitnet.io.load_model` returns a
:class:`Model`, and :func:`digitnet.io.save_model` writes one, so the two travel together and nothing
is attached to a network from outside. Read from a file, the description has been checked field by
field (``io/description.py``): the properties below have the types they promise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from digitnet.nn.committee import Committee
from digitnet.nn.network import Network


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
