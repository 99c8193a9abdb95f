"""One training run: a recipe, a data set and a seed in; a trained network and its description out.

This is the definition of a training run, written once. ``digitnet train``, the CNN ladder of
``digitnet reproduce``, the tutorials that train in epochs, and ``DigitClassifier.fit`` all call
:func:`run`, so they split the data, train, score and describe the model the same way, and their model
files carry the same keys. The steps, in order:

1. build the recipe's network from the seed (``build.py``; with ``negatives_as`` "class", one more
   output, "not a digit");
2. turn the training images into the network's input (``digitnet.nn.inputs``: the one scaling rule);
3. hold out validation images: the last ``recipe.val_size`` (Nielsen's split), or a seeded random
   choice, or a set given by the caller (tutorial 5 validates on half of the test set);
   with the reject option (``recipe.negatives``, ``fashion_negatives``, ``font_digits``, ``pen_digits``),
   add to the training images the pictures that are not digits (drawn, and from Fashion-MNIST) and the
   digits drawn from fonts and by a pen (``reject_data.py``: seeded; the drawn ones cached);
4. train with the recipe's :class:`~digitnet.train.Trainer`, keeping the weights of the epoch with the
   lowest validation loss (with negatives, the loss is outlier exposure or an eleventh class: see
   ``build.py``; validation is on digits only, so it judges the epochs as before); an eleventh output
   is then folded into the ten (``reject/eleventh_class.py``), so the model has the recipe's ten
   outputs whichever way it trained;
5. refuse a run that learned nothing (:func:`nothing_learned`): its kept weights classify no better than
   always answering the commonest class, as a run with far too high a learning rate does even when its
   loss stays a (huge) number. The caller gets :class:`~digitnet.train.TrainingFailed` instead of a
   model, so nothing can be saved over a good one;
6. with ``recipe.reject_accept``, fit the reject rule on the validation images' logits: the temperature
   that calibrates them, then the threshold of the score that accepts that share of them
   (:class:`~digitnet.reject.RejectRule`);
7. score the test images, if the data set has any, in one pass that can also keep the probabilities
   for pictures (calibrated, with a rule; and then the share refused, the accuracy on the accepted and
   the calibration error before and after temperature scaling);
8. write down what a model file stores: the recipe (with its generated description), the seed, the
   data set's name and fingerprint, the class names, the metrics, the history and the reject rule.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

from digitnet._version import __version__
from digitnet.data.fashion import check_count, load_fashion
from digitnet.data.mnist import Dataset, validation_split
from digitnet.errors import DigitnetError
from digitnet.io.model import Model
from digitnet.io.model_file import save_model
from digitnet.nn.losses import as_labels
from digitnet.nn.network import Network
from digitnet.presets.recipe import EXTRA_PICTURES, Recipe
from digitnet.reject import Decision, RejectRule, decide, fold_eleventh_output
from digitnet.train.build import build_trainer, build_training_network, picture_shape
from digitnet.train.environment import environment
from digitnet.train.history import History
from digitnet.train.reject_data import RejectSet, reject_set
from digitnet.train.step import TrainingFailed, TrainingNote

#: how clearly a run must beat always answering the commonest class: by this many standard errors of
#: that class's share, and by at least MIN_MARGIN (see nothing_learned)
CHANCE_MARGIN, MIN_MARGIN = 1.0, 0.005


@dataclass
class TrainedModel:
    network: Network
    recipe: Recipe
    history: History
    metrics: dict[str, Any]
    metadata: dict[str, Any]  # what a model file stores beside the weights
    #: the test images' (classes, probabilities), when ``run(..., keep_probabilities=True)``
    test_predictions: tuple = field(default=(None, None), repr=False)
    #: the reject rule's decision on the test images (a model with a rule), so that nothing reads them twice
    test_decision: Decision | None = field(default=None, repr=False)

    def save(self, path: "str | Path") -> Path:
        return save_model(self.network, path, self.metadata)

    @property
    def model(self) -> Model:
        """The network and its description together, as :func:`digitnet.io.load_model` gives a saved one:
        it answers with the reject rule, when the recipe fitted one."""
        return Model(self.network, self.metadata)


def run(recipe: Recipe, data: Dataset, seed: int = 0, *, validation: "str | tuple" = "last",
        log: Callable[[str], None] | None = None, progress: bool = False, callbacks: tuple = (),
        keep_probabilities: bool = False, class_names: "list[str] | None" = None,
        if_nothing_learned: str = "fail") -> TrainedModel:
    """Train ``recipe`` on ``data`` from ``seed`` (see the module docstring for the steps).

    ``validation`` is ``"last"`` (the last ``recipe.val_size`` training images), ``"random"`` (as many,
    chosen with the seed) or a pair ``(images, labels)`` (then every training image trains, whatever
    ``val_size`` says). ``log`` receives progress lines; ``callbacks``
    go to the trainer. Ctrl-C stops training and keeps the best weights so far (``history.interrupted``).
    Labels are class numbers 0..K-1; ``class_names`` (default "0", "1", ...) say what they stand for.
    A run that learned nothing raises :class:`~digitnet.train.TrainingFailed`; with
    ``if_nothing_learned="note"`` (quick runs that only show that everything works: one short epoch of
    a sigmoid CNN is often still at chance) it warns (:class:`~digitnet.train.TrainingNote`) instead.
    """
    if if_nothing_learned not in ("fail", "note"):
        raise DigitnetError(f"`if_nothing_learned` must be 'fail' or 'note', got {if_nothing_learned!r}")
    if recipe.protocol:
        raise DigitnetError(f"preset {recipe.name!r} follows its tutorial's own protocol ({recipe.protocol}), "
                            f"not epochs of training; run it through digitnet.tutorials "
                            f"('digitnet reproduce --only {recipe.name}')", parameter="model")
    say = log or (lambda message: None)
    network = build_training_network(recipe, seed)  # with an eleventh output when negatives are a class
    x_train, y_train, x_val, y_val = split(network, recipe, data, seed, validation)
    check_reject_option(recipe, network.n_outputs - recipe.extra_outputs, len(x_val), class_names)
    image_shape = (picture_shape(recipe, data.train_images.shape[1:], int(np.prod(network.input_shape)))
                   if recipe.augment else None)  # refused in one line before anything is drawn or trained
    fashion = fashion_for(recipe, data)  # before anything is drawn or trained: at once if it is missing
    drawn = None
    if recipe.extra_pictures:
        drawn = reject_set(recipe.negatives, recipe.font_digits, seed, pen_digits=recipe.pen_digits,
                           fashion=recipe.fashion_negatives, fashion_data=fashion)
        say(drawn_text(drawn, recipe))
        x_train = np.concatenate([x_train, network.as_input(drawn.images)])
        y_train = np.concatenate([np.asarray(y_train, np.int64), drawn.labels])  # -1 needs a signed type
        x_val = x_val.copy()  # a view would keep every digit's float copy alive beside the joined set
    extra = f"{recipe.pictures_text(joiner=' and ')} among them; " if drawn is not None else ""
    say(f"training {recipe.label} on {len(x_train):,} images ({extra}{len(x_val):,} for validation) from "
        f"{data.source or data.name}")
    say(network.summary())
    trainer = build_trainer(recipe, network, seed, image_shape, progress=progress, log=say, callbacks=callbacks)
    history = trainer.fit(x_train, y_train, x_val, y_val)
    if not history.epochs:  # Ctrl-C before anything was learned: nothing to keep, so pass the interrupt on
        raise KeyboardInterrupt
    if recipe.extra_outputs:  # the eleventh output folded into the ten: their energy is its verdict. (The
        network = fold_eleventh_output(network)  # history's figures are the eleven outputs': there a digit
        # that "not a digit" outscores counts as a mistake; the test figures below are the folded model's.)
    images = "validation" if len(x_val) else "training"
    digits = y_train[y_train >= 0] if drawn is not None else y_train  # negatives (-1) have no class to be right on
    shortfall = nothing_learned(history, y_val if len(x_val) else digits, images)
    if shortfall and if_nothing_learned == "fail":
        raise TrainingFailed(f"training failed: {shortfall}; the learning rate (`lr` {recipe.lr:g}) is probably "
                             "too high, or the run too short. No model was kept", parameter="lr")
    if shortfall:
        warnings.warn(f"{recipe.name} has learned nothing yet in this short run: {shortfall}", TrainingNote,
                      stacklevel=2)
    # the reject rule: the temperature that calibrates the validation digits, then the threshold
    rule = (RejectRule.fit(network.logits(x_val), y_val, score=recipe.reject_score, accept=recipe.reject_accept)
            if recipe.reject_accept else None)
    started = time.perf_counter()
    classes = probabilities = decision = None
    figures: dict[str, Any] = {}
    if len(data.test_labels) and rule is None:
        classes, probabilities = network.predict_with_proba(data.test_images, proba=keep_probabilities)
    elif len(data.test_labels):
        decision = decide([network.logits(data.test_images)], rule)
        classes, probabilities = decision.classes, decision.probabilities if keep_probabilities else None
        found = decision.figures(data.test_labels)
        figures = {f"test_{key}": found[key] for key in ("refused", "accuracy_accepted", "ece_before", "ece_after")}
    best = history.best or history.epochs[-1]
    metrics = {"test_accuracy": None if classes is None else float(np.mean(classes == data.test_labels)),
               "val_accuracy": best.get("val_accuracy"), "val_loss": best.get("val_loss"),
               "best_epoch": history.best_epoch, "epochs_run": len(history.epochs),
               "train_seconds": round(history.train_seconds, 3),
               "test_seconds": round(time.perf_counter() - started, 3), **figures}
    if drawn is not None:
        metrics["negatives_seconds"] = round(drawn.seconds, 3)
    n_digits = len(x_train) - (len(drawn.images) if drawn is not None else 0)  # the data set's; drawn: recipe
    metadata = describe(recipe, seed, data, history, metrics, n_train=n_digits, n_val=len(x_val),
                        split="given" if isinstance(validation, tuple) else validation,
                        class_names=class_names or [str(k) for k in range(max(network.n_outputs, 2))])
    if fashion is not None:  # which pictures were "not a digit": the run depends on them as on its data
        metadata["dataset"]["fashion_checksum"] = fashion.checksum
    if rule is not None:
        metadata["reject"] = rule.to_dict()
    return TrainedModel(network, recipe, history, metrics, metadata, (classes, probabilities), decision)


def check_reject_option(recipe: Recipe, n_outputs: int, n_val: int, class_names: "list[str] | None") -> None:
    """What the reject option needs beyond what a recipe checks by itself: validation images to fit its
    rule on, ten digit classes for the font digits, several outputs (the model's ``n_outputs``, not
    counting an eleventh "not a digit") for a softmax to score."""
    if recipe.reject_accept and not n_val:
        raise DigitnetError("the reject rule (`reject_accept`) is fitted on validation images, and this run holds "
                            "none out; give `val_size` (or a validation share), or set `reject_accept` to 0",
                            parameter="reject_accept")
    wants = [n for n in (*EXTRA_PICTURES, "reject_accept") if getattr(recipe, n)]
    if wants and n_outputs < 2:
        raise DigitnetError(f"`{wants[0]}` needs a network with an output per class", parameter=wants[0])
    digits = [str(k) for k in range(10)]
    drawn_digits = [n for n in ("font_digits", "pen_digits") if getattr(recipe, n)]
    if drawn_digits and (n_outputs != 10 or (class_names is not None and list(class_names) != digits)):
        raise DigitnetError(f"`{drawn_digits[0]}` are digits 0-9, labelled as such: they need a model whose ten "
                            "classes are the digits 0-9", parameter=drawn_digits[0])


def fashion_for(recipe: Recipe, data: Dataset) -> Dataset | None:
    """Fashion-MNIST, when the recipe takes pictures from it: found, as many as asked for, and not the
    data set being trained on (its pictures would be a class and "not a digit" at once)."""
    if not recipe.fashion_negatives:
        return None
    check_count(recipe.fashion_negatives)
    fashion = load_fashion()
    check_count(recipe.fashion_negatives, fashion)
    if data.checksum is not None and fashion.checksum == data.checksum:
        raise DigitnetError(f"the Fashion-MNIST pictures ({fashion.source}) are the data set being trained on; "
                            "train on another data set, or without them (`fashion_negatives` 0)",
                            parameter="fashion_negatives")
    return fashion


def drawn_text(drawn: RejectSet, recipe: Recipe) -> str:
    """What the log says about the extra pictures: drawn (and how long that took) or read from the cache,
    and read from Fashion-MNIST."""
    fashion = f", and read {recipe.show('fashion_negatives')}" if recipe.fashion_negatives else ""
    made = recipe.pictures_text(("negatives", "font_digits", "pen_digits"), " and ")
    if not made:
        return f"read {recipe.show('fashion_negatives')} in {drawn.seconds:.1f} s"
    if not drawn.drawn:
        return f"read {made} from the cache{fashion} in {drawn.seconds:.1f} s ({drawn.cached})"
    kept = f"; kept in {drawn.cached} for the next run" if drawn.cached else "; the cache cannot be written"
    return f"drew {made}{fashion} in {drawn.seconds:.1f} s{kept}"


def nothing_learned(history: History, labels: np.ndarray, images: str = "validation") -> str | None:
    """Why the kept weights count as having learned nothing, or None when they did better than chance.

    Chance is always answering the commonest class among ``labels``, the labels of the images the
    accuracy was measured on (``images``: "validation", or "training" when nothing was held out):
    10.9% on MNIST's validation images (the last 10,000 training images), 50% for two balanced
    classes. A network that learned anything beats it; one whose learning rate is far too high ends at
    or below it (it answers one class, or noise), often with a loss that stays finite (``lr`` 1e6: a
    loss of 4e18 and 9.7%), which the NaN check cannot see. The run must beat chance by one standard
    error of the commonest class's share, sqrt(p (1 - p) / n), and by at least half a point, so that a
    stuck network that happens to land a little above chance does not pass, while a tiny run that
    learned a little does: with 60 validation images and chance at 13.3% that asks 17.7%; on MNIST's
    10,000, 11.4% where chance is 10.9%.
    """
    best = history.best if images == "validation" and history.best else history.epochs[-1]
    accuracy = best.get("val_accuracy" if images == "validation" else "accuracy")
    counts = np.bincount(as_labels(np.asarray(labels)))
    if accuracy is None or not counts.size:
        return None
    n, chance = int(counts.sum()), float(counts.max() / counts.sum())
    if accuracy >= chance + max(CHANCE_MARGIN * np.sqrt(chance * (1 - chance) / n), MIN_MARGIN):
        return None
    return (f"the kept weights classify {accuracy:.1%} of the {n:,} {images} images correctly, no better than "
            f"always answering the commonest class ({chance:.1%})")


def split(network: Network, recipe: Recipe, data: Dataset, seed: int, validation) -> tuple:
    """(train x, train y, validation x, validation y), the images already in the network's input form."""
    if not len(data.train_images):
        raise DigitnetError(f"the data set '{data.name}' has no training images")
    x = network.as_input(data.train_images)
    y = np.asarray(data.train_labels)
    if isinstance(validation, tuple):
        x_val, y_val = validation
        return x, y, network.as_input(x_val), np.asarray(y_val)
    if validation not in ("last", "random"):
        raise DigitnetError(f"validation must be 'last', 'random' or (images, labels), got {validation!r}")
    return validation_split(x, y, size=recipe.val_size, seed=seed if validation == "random" else None)


def describe(recipe: Recipe, seed: int, data: Dataset, history: History, metrics: dict, *, n_train: int,
             n_val: int, split: str, class_names: list[str]) -> dict[str, Any]:
    """The description a model file stores beside the weights; every way of training writes these keys.

    ``split`` says where the validation images came from: "last", "random" or "given" (see :func:`run`).
    """
    return {
        "recipe": recipe.to_dict(), "seed": seed, "metrics": metrics, "history": history.to_dict(),
        "dataset": {"name": data.name, "checksum": data.checksum, "train": n_train, "validation": n_val,
                    "validation_from": split, "test": int(len(data.test_labels))},
        "classes": [str(c) for c in class_names],
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "digitnet_version": __version__,
        "environment": environment(),  # what else the last bits depend on (train/environment.py)
    }
