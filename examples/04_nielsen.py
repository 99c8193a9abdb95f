"""
Tutorial 4: Nielsen's network from chapter 1
============================================

The network of chapter 1 of Michael Nielsen's *Neural Networks and Deep Learning*. In the book::

    net = network.Network([784, 30, 10])
    net.SGD(training_data, 30, 10, 3.0, test_data=test_data)

Sigmoid neurons everywhere, weights and biases drawn from N(0, 1), the quadratic cost, and stochastic
gradient descent on mini-batches of 10 with learning rate eta = 3.0 for 30 epochs, on the first 50,000
training images. After every epoch it prints how many of the 10,000 test images it gets right; the
book's best was 95.42%. In digitnet the same recipe is the preset ``nielsen-ch1``
(``digitnet train --model nielsen-ch1``); the book's own calls run too, see :doc:`07_the_book`.

Run it as a script with ``python examples/04_nielsen.py`` (``--quick``: one epoch on 10,000 images).

中文版：:doc:`/zh/auto_examples/04_nielsen_zh`
"""

# %%
# The recipe
# ----------
import os
import sys

import matplotlib.pyplot as plt

from digitnet.data import load_mnist
from digitnet.presets import get_preset
from digitnet.tutorials import nielsen

QUICK = "--quick" in sys.argv or os.environ.get("DIGITNET_QUICK") == "1"  # a smoke run: 1 epoch, fewer images

recipe = get_preset("nielsen-ch1").with_overrides(epochs=1 if QUICK else None)
print(f"{recipe.label}: {recipe.description}")
print(f"layers {list(recipe.as_mlp.sizes)}, eta {recipe.lr}, mini-batch {recipe.batch_size}, cost {recipe.loss}")

# %%
# Training, with the book's line after every epoch
# ------------------------------------------------
# ``train_once`` splits the training images 50,000 / 10,000 as the book does and prints
# "Epoch k: n / 10000" after each epoch. The weights kept at the end are those with the least
# validation loss: chosen without looking at the test set.
ds = load_mnist()
if QUICK:
    ds = ds.head(20000, 10000)  # 10,000 to learn from, 10,000 to validate on
trained, counts = nielsen.train_once(recipe, ds, seed=0, quick=QUICK)
history = trained.history
print(f"peak of the per-epoch test counts (how the book quotes it): {max(counts) / 100:.2f}%")
print(f"weights kept (least validation loss, epoch {history.best_epoch}): "
      f"{trained.metrics['test_accuracy']:.2%} on the test set")

# %%
# The per-epoch counts against the book's best
# --------------------------------------------
# The count wanders by a few tenths of a percent from epoch to epoch and from run to run: the book's
# 95.42% is the best epoch of the best of three runs.
fig, ax = plt.subplots(figsize=(6.5, 3.8), layout="constrained")
ax.plot(range(len(counts)), [c / 100 for c in counts], "o-", ms=3, label="digitnet, seed 0")
ax.axhline(100 * nielsen.PUBLISHED["nielsen-ch1"].value, color="grey", ls="--", label="the book's best, 95.42%")
ax.set(xlabel="epoch (counted from 0, as the book prints)", ylabel="test images right (%)",
       title="[784, 30, 10], quadratic cost, eta = 3.0")
ax.legend()
ax.grid(alpha=0.3)

# %%
# Learning curves
# ---------------
# Training and validation cost per epoch; the dotted line marks the epoch whose weights were kept.
rows = history.epochs
fig, ax = plt.subplots(figsize=(6.5, 3.8), layout="constrained")
ax.plot([r["epoch"] for r in rows], [r["loss"] for r in rows], "o-", ms=3, label="training")
ax.plot([r["epoch"] for r in rows], [r["val_loss"] for r in rows], "s-", ms=3, label="validation")
ax.axvline(history.best_epoch, color="grey", ls=":")
ax.set(xlabel="epoch", ylabel="quadratic cost", title="Learning curves")
ax.legend()
ax.grid(alpha=0.3)
plt.show()
