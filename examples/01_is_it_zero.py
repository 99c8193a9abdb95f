"""
Tutorial 1: "Is it a 0?" with one neuron
========================================

The simplest neural network there is: one sigmoid neuron looks at all 784 pixels and answers the
probability that the image shows a 0, ``sigmoid(x . w + b)``. It learns from 2,000 random
mini-batches of 256 images with the binary cross-entropy cost and learning rate 1, then answers for
the 10,000 test images. The tutorial it reproduces published 99.12% accuracy.

Run it as a script with ``python examples/01_is_it_zero.py`` (``--quick``: 200 steps).

中文版：:doc:`/zh/auto_examples/01_is_it_zero_zh`
"""

# %%
# A lopsided question
# -------------------
# Only about one image in ten is a 0, so answering "not a 0" every time is already right about 90% of
# the time. Accuracy alone flatters such a detector; the F1 score for "0" (which needs both precision
# and recall) does not.
import os
import sys

import matplotlib.pyplot as plt
import numpy as np

from digitnet.data import load_mnist
from digitnet.tutorials import is_zero

QUICK = "--quick" in sys.argv or os.environ.get("DIGITNET_QUICK") == "1"  # a smoke run: 200 steps

ds = load_mnist()
print(f"{(ds.train_labels == 0).mean():.1%} of the training images are 0s")

# %%
# Training: 2,000 steps on random mini-batches
# --------------------------------------------
# ``train_detector`` builds the ``is-it-zero`` preset (784 inputs, one sigmoid output, weights from
# N(0, 0.01^2)) and takes each step on 256 images drawn at random, recording the cost as it goes.
steps = is_zero.QUICK_STEPS if QUICK else is_zero.STEPS
network, costs, seconds = is_zero.train_detector("is-it-zero", ds, steps, log=print)

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.plot([s for s, _ in costs], [c for _, c in costs], "o-")
ax.set(xlabel="step", ylabel="binary cross-entropy of the batch", title="The cost while learning")
ax.grid(alpha=0.3)

# %%
# How good is it?
# ---------------
# The confusion matrix counts the four kinds of answer; its rows are the truth, its columns the
# prediction (the tutorial printed it the other way round).
scores = is_zero.detector_scores(network, ds)
print(f"after {seconds:.1f}s of training, on the 10,000 test images:")
print(f"  accuracy {scores['accuracy']:.2%}   (the tutorial: {is_zero.PUBLISHED.value:.2%})")
print(f"  for '0': precision {scores['precision']:.3f}, recall {scores['recall']:.3f}, F1 {scores['f1']:.3f}")

cm = np.array(scores["confusion"])
fig, ax = plt.subplots(figsize=(4, 3.6), layout="constrained")
ax.imshow(cm / cm.sum(axis=1, keepdims=True), cmap="Blues", vmin=0, vmax=1)
for (i, j), count in np.ndenumerate(cm):
    ax.text(j, i, f"{count:,}", ha="center", va="center", color="white" if i == j else "black", fontsize=12)
ax.set_xticks([0, 1], ["not 0", "0"])
ax.set_yticks([0, 1], ["not 0", "0"])
ax.set(xlabel="predicted", ylabel="true", title="Test set")

# %%
# What the neuron looks at
# ------------------------
# One neuron, one picture: its 784 weights drawn as a 28x28 image. Red pixels push the answer towards
# "0" and blue ones away from it: a ring of red where a 0's stroke goes, blue in the middle where a 0
# has no ink.
w = network.layers[0].params["W"][:, 0].reshape(28, 28)
fig, ax = plt.subplots(figsize=(3.6, 3.4), layout="constrained")
image = ax.imshow(w, cmap="RdBu_r", vmin=-abs(w).max(), vmax=abs(w).max())
fig.colorbar(image, ax=ax, shrink=0.8)
ax.set_axis_off()
ax.set_title("The weights of 'is it a 0?'")
plt.show()
