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

import numpy as np

from digitnet.data import to_float
from digitnet.presets import get_preset
from digitnet.tutorials.result import Context, Published, Result, plural, verdict
from digitnet.tutorials.training import train_epochs

KEY = "momentum-100"
PUBLISHED = Published("about 21% after 200 epochs (wrong momentum update); target at least 97%",
                      "tutorial 5 (784-H-10 with momentum, chosen by validation loss)", 0.97)


def split_test(images: np.ndarray, labels: np.ndarray, seed: int = 0):
    """The test set cut in two random halves -> (X_val, y_val, X_test, y_test), floats in [0, 1].

    Random rather than first/last half: MNIST's first 5,000 test images are known to be easier.
    """
    order = np.random.default_rng(seed).permutation(len(images))
    half = len(order) // 2
    X = to_float(images)
    return X[order[:half]], labels[order[:half]], X[order[half:]], labels[order[half:]]


def run(ctx: Context) -> Result:
    recipe = get_preset(KEY).with_overrides(epochs=1 if ctx.quick else None)
    x_val, y_val, x_test, y_test = split_test(ctx.data.test_images, ctx.data.test_labels, seed=ctx.seed)
    network, history = train_epochs(recipe, to_float(ctx.data.train_images), ctx.data.train_labels, x_val, y_val,
                                    seed=ctx.seed, log=ctx.log)
    metrics = {"test_accuracy": network.score(x_test, y_test), "val_accuracy": history.best["val_accuracy"],
               "val_loss": history.best["val_loss"], "best_epoch": history.best_epoch, "history": history.to_dict()}
    plots = []
    if ctx.plots is not None:
        from digitnet.plots import plot_learning_curves

        plots.append(str(plot_learning_curves(history, ctx.plot_path("momentum_curves.png"),
                                              title="Tutorial 5: 784-100-10 with momentum, training and validation")))
    figure = (f"{metrics['test_accuracy']:.2%} on the 5,000 test images (epoch {history.best_epoch} of "
              f"{len(history.epochs)} kept, validation loss {metrics['val_loss']:.4f})")
    return Result(KEY, "5. 784-100-10 with momentum, chosen by validation loss",
                  f"sigmoid hidden, softmax CE, {recipe.init} init, momentum {recipe.momentum:g}, lr {recipe.lr:g}, "
                  f"batch {recipe.batch_size}, {plural(recipe.epochs, 'epoch')} on 60,000; "
                  "test split 5,000 val / 5,000 test",
                  PUBLISHED, figure, history.train_seconds, verdict(metrics["test_accuracy"], PUBLISHED, ctx.quick),
                  ctx.quick, metrics, plots)
