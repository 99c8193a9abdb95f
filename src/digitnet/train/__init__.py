"""Training: the loop that turns a network, data and an optimiser into a trained model."""

from digitnet.train.history import History
from digitnet.train.trainer import Trainer, TrainingDiverged, count_correct, evaluate

__all__ = ["History", "Trainer", "TrainingDiverged", "count_correct", "evaluate"]
