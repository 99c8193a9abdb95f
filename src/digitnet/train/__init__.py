"""Training: one training run (``run``), the loop inside it (``Trainer``), its single step, and the
building of all three from a recipe (``build_network``, ``build_training_network``, ``build_optimizer``,
``build_trainer``)."""

from digitnet.train.build import (
    build_loss,
    build_network,
    build_optimizer,
    build_trainer,
    build_training_loss,
    build_training_network,
)
from digitnet.train.history import History
from digitnet.train.runner import TrainedModel, run
from digitnet.train.step import TrainingDiverged, TrainingFailed, TrainingNote, backpropagate, train_step
from digitnet.train.trainer import Trainer, count_correct, evaluate

__all__ = ["History", "TrainedModel", "Trainer", "TrainingDiverged", "TrainingFailed", "TrainingNote", "backpropagate",
           "build_loss", "build_network", "build_optimizer", "build_trainer", "build_training_loss",
           "build_training_network", "count_correct", "evaluate", "run", "train_step"]
