"""From a recipe to the objects that train: the network, its loss, the optimiser and the trainer.

A :class:`~digitnet.presets.Recipe` is data: names and numbers, written down once and saved in every
model file. This module is where those names become objects, so nothing else needs to know how: the
layer descriptions become an ``nn.Network`` drawn from the seed, ``loss`` and ``label_smoothing`` its
loss (``negatives``, ``fashion_negatives``, ``negative_weight``, ``negatives_as`` and ``energy_weight``
the loss it trains with on pictures that are not digits), ``optimizer``, ``lr``, ``momentum`` and ``weight_decay`` the
optimiser over its parameters, and the schedule, epochs, batch size, patience, running average and
augmentation the :class:`~digitnet.train.Trainer`. :func:`digitnet.train.run` builds through here, and
so do the tutorials that take their own steps.
"""

from __future__ import annotations

from typing import Any

from digitnet.augment import make_augmentation
from digitnet.errors import DigitnetError
from digitnet.nn.inputs import picture_size
from digitnet.nn.losses import Loss, SoftmaxCrossEntropy, get_loss
from digitnet.nn.network import Network
from digitnet.nn.optimizers import Optimizer, make_optimizer
from digitnet.presets.recipe import Recipe
from digitnet.reject import EleventhClass, EnergyMargin, LogOddsMargin, OutlierExposure
from digitnet.train.trainer import Trainer


def build_loss(recipe: Recipe) -> Loss:
    """The recipe's loss (the softmax cross-entropy aims at smoothed labels when ``label_smoothing`` is set)."""
    if recipe.label_smoothing:  # the recipe has checked that its loss is the softmax cross-entropy
        return SoftmaxCrossEntropy(recipe.label_smoothing)
    return get_loss(recipe.loss)


def build_training_loss(recipe: Recipe) -> Loss:
    """The loss training minimises: the recipe's, or, when it trains on negatives (pictures that are not
    digits, labelled -1), outlier exposure: the same cross-entropy for digits, and for the negatives a
    cross-entropy against the uniform distribution, weighted by ``negative_weight``; with
    ``energy_weight``, also margins on every example's energy score (:class:`~digitnet.reject.EnergyMargin`).
    With ``negatives_as`` "class" the negatives are an eleventh class instead (:class:`~digitnet.reject.EleventhClass`,
    for the network of :func:`build_training_network`), and ``energy_weight`` holds the log-odds of "a
    digit" to margins (:class:`~digitnet.reject.LogOddsMargin`). Validation keeps the recipe's loss, so it
    judges the epochs as it would without negatives."""
    if recipe.extra_outputs:  # negatives as a class of their own (there are some, with a weight)
        if recipe.energy_weight:
            return LogOddsMargin(recipe.negative_weight, recipe.label_smoothing, recipe.energy_weight)
        return EleventhClass(recipe.negative_weight, recipe.label_smoothing)
    if recipe.energy_weight:  # (without negatives: the digits' margin alone)
        return EnergyMargin(recipe.negative_weight, recipe.label_smoothing, recipe.energy_weight)
    if recipe.all_negatives:
        return OutlierExposure(recipe.negative_weight, recipe.label_smoothing)
    return build_loss(recipe)


def build_network(recipe: Recipe, seed: int | None = None, layers: tuple | None = None) -> Network:
    """The network the recipe's layers (or ``layers``) describe, its weights drawn from ``seed``."""
    return Network.from_spec(layers or recipe.layers, loss=build_loss(recipe), input_shape=recipe.input_shape,
                             seed=seed, inputs=recipe.inputs)


def build_training_network(recipe: Recipe, seed: int | None = None) -> Network:
    """The network training steps: the recipe's, or, when it trains its negatives as a class
    (:attr:`Recipe.extra_outputs`), the same with one more output, "not a digit" (:attr:`Recipe.training_layers`),
    which :func:`~digitnet.reject.fold_eleventh_output` folds back into the others after training."""
    return build_network(recipe, seed, recipe.training_layers)


def picture_shape(recipe: Recipe, sample_shape: tuple, inputs: int | None = None) -> tuple[int, int]:
    """The (height, width) of the pictures the recipe's augmentation moves, from the shape of one sample:
    (H, W) or (1, H, W) as they are, rows of a square number of pixels as a square (MNIST's 784 are
    28x28); ``inputs``, the network's, must be the pictures' pixel count. Anything else cannot be moved
    like a picture, and is refused in one line."""
    shape = tuple(int(s) for s in sample_shape)
    size = picture_size(shape)
    if size is not None and (inputs is None or size[0] * size[1] == inputs):
        return size
    what = (f"pictures of {size[0]}x{size[1]}" if size is not None else
            f"rows of {shape[0]:,} numbers, not a square picture" if len(shape) == 1 else
            f"samples of shape {shape}, not one-channel pictures")
    fit = f" for a network of {inputs:,} inputs" if size is not None else ""
    raise DigitnetError(f"augmentation (`augment` {recipe.augment}) moves the pixels of pictures, and these "
                        f"are {what}{fit}; train without it (`augment` none)", parameter="augment")


def build_optimizer(recipe: Recipe, network: Network) -> Optimizer:
    """The optimiser the recipe asks for, over ``network``'s parameters."""
    return make_optimizer(recipe.optimizer, network.params, recipe.lr, recipe.weight_decay, recipe.momentum)


def build_trainer(recipe: Recipe, network: Network, seed: int | None = None,
                  image_shape: tuple[int, int] | None = None, **options: Any) -> Trainer:
    """The trainer that trains ``network`` the recipe's way, minimising :func:`build_training_loss`;
    its augmentation moves pictures of ``image_shape`` (default: :func:`picture_shape` of the network's
    inputs). ``options`` (``progress``, ``log``, ``callbacks``...) go to :class:`~digitnet.train.Trainer`
    as they are."""
    if recipe.augment and image_shape is None:
        image_shape = picture_shape(recipe, network.input_shape)
    options.setdefault("transform", make_augmentation(recipe.augment, image_shape or (28, 28)))
    training = build_training_loss(recipe)
    if isinstance(training, OutlierExposure):  # the network keeps (and is saved with) its plain loss
        options.setdefault("loss", training)
    return Trainer(network, build_optimizer(recipe, network), schedule=recipe.schedule, epochs=recipe.epochs,
                   batch_size=recipe.batch_size, patience=recipe.patience, seed=seed,
                   weight_average=recipe.weight_average, **options)
