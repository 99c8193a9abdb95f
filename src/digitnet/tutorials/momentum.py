"""Tutorial 5: a 784-H-10 network trained with momentum and chosen by validation loss.

A sigmoid hidden layer, a softmax output with cross-entropy, gradient descent with momentum on all
60,000 training images. The 10,000 test images are split at random into 5,000 for validation and
5,000 for the final test; after every epoch the validation loss is measured and the network with the
least of it is kept (the Trainer does this), and training and validation loss are plotted per epoch.

The author's momentum update was wrong (the decay was applied to the weights, not to the velocity;
see ``digitnet.nn.optimizers.momentum``) and the network reached only about 21% in 200 epochs. With
the update v <- mu v - lr g, w <- w + v, mini-batches of 64, lr 0.1 and mu 0.9 it must reach 97% with
H = 100.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from digitnet.presets import get_preset
from digitnet.train import run as train
from digitnet.tutorials.result import Context, Published, Result, plural, verdict

KEY = "momentum-100"
PUBLISHED = Published("about 21% after 200 epochs (wrong momentum update); target at least 97%",
                      "tutorial 5 (784-H-10 with momentum, chosen by validation loss)", 0.97)


def split_test(images: np.ndarray, labels: np.ndarray, seed: int = 0):
    """The test set cut in two random halves -> (X_val, y_val, X_test, y_test).

    Random rather than first/last half: MNIST's first 5,000 test images are known to be easier.
    """
    order = np.random.default_rng(seed).permutation(len(images))
    half = len(order) // 2
    return images[order[:half]], labels[order[:half]], images[order[half:]], labels[order[half:]]


def train_on_all(recipe, ds, seed: int = 0, log=None):
    """All 60,000 training images, validated on one half of the test set and tested on the other.

    The validation images are given, so none are held out of the training images (the recipe's
    ``val_size`` is not used): the run says "on 60,000 images (5,000 for validation)"."""
    x_val, y_val, x_test, y_test = split_test(ds.test_images, ds.test_labels, seed=seed)
    halves = replace(ds, test_images=x_test, test_labels=y_test, name=f"{ds.name} (test set halved)")
    return train(recipe, halves, seed, validation=(x_val, y_val), log=log)


def run(ctx: Context) -> Result:
    recipe = get_preset(KEY).with_overrides(epochs=1 if ctx.quick else None)
    trained = train_on_all(recipe, ctx.data, ctx.seed, ctx.log)
    history = trained.history
    metrics = {"test_accuracy": trained.metrics["test_accuracy"], "val_accuracy": history.best["val_accuracy"],
               "val_loss": history.best["val_loss"], "best_epoch": history.best_epoch, "history": history.to_dict()}
    plots = []
    if ctx.plots is not None:
        from digitnet.plots import plot_learning_curves

        plots.append(str(plot_learning_curves(history, ctx.plot_path("momentum_curves.png"),
                                              title="Tutorial 5: 784-100-10 with momentum, training and validation")))
    figure = (f"{metrics['test_accuracy']:.2%} on the 5,000 test images (epoch {history.best_epoch} of "
              f"{len(history.epochs)} kept, validation loss {metrics['val_loss']:.4f})")
    return Result(KEY, "5. 784-100-10 with momentum, chosen by validation loss",
                  f"sigmoid hidden, softmax CE, {recipe.value('init')} init, momentum {recipe.momentum:g}, "
                  f"lr {recipe.lr:g}, batch {recipe.batch_size}, {plural(recipe.epochs, 'epoch')} on 60,000; "
                  "test split 5,000 val / 5,000 test",
                  PUBLISHED, figure, history.train_seconds, verdict(metrics["test_accuracy"], PUBLISHED, ctx.quick),
                  ctx.quick, metrics, plots)
