"""Training: one training run (``run``), the loop inside it (``Trainer``) and its single step.

``run`` (in ``runner.py``) is imported on first use: it builds on ``digitnet.presets``, which builds on
the trainer, and importing it eagerly here would go round in a circle.
"""

from digitnet.train.history import History
from digitnet.train.step import TrainingDiverged, TrainingFailed, TrainingNote, train_step
from digitnet.train.trainer import Trainer, count_correct, evaluate


def __getattr__(name: str):
    if name in ("run", "TrainedModel"):
        from digitnet.train import runner as module

        return getattr(module, name)
    raise AttributeError(f"module 'digitnet.train' has no attribute {name!r}")


__all__ = ["History", "TrainedModel", "Trainer", "TrainingDiverged", "TrainingFailed", "TrainingNote", "count_correct",
           "evaluate", "run", "train_step"]
