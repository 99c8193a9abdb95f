"""What happened during training, epoch by epoch: the raw material of learning curves."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class History:
    epochs: list[dict[str, Any]] = field(default_factory=list)  # one row per finished epoch
    best_epoch: int | None = None  # 1-based epoch whose weights were kept
    stopped_early: bool = False
    interrupted: bool = False
    train_seconds: float = 0.0  # time spent in training steps, validation excluded

    def column(self, key: str) -> list[Any]:
        return [row.get(key) for row in self.epochs]

    @property
    def best(self) -> dict[str, Any] | None:
        return self.epochs[self.best_epoch - 1] if self.best_epoch else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
