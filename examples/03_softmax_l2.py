"""
Tutorial 3: softmax regression, L2 and a grid search
====================================================

Ten outputs, one per digit, turned into probabilities by softmax; the weights start at zero (the cost
is convex, so there is no symmetry to break). The cost is J = mean cross-entropy + c/2 ||W||^2, and
every iteration is one gradient step on the whole training part. The pair (c, learning rate) is
chosen on the validation part of a 6:2:2 split, then the winner is trained for 1,000 iterations and
scored on the test part. The tutorial published 91.6% on its training part and 91.1% on its test part.

Run it as a script with ``python examples/03_softmax_l2.py`` (``--quick``: 10,000 images, a few
iterations).

中文版：:doc:`/zh/auto_examples/03_softmax_l2_zh`
"""

# %%
# A 6:2:2 split
# -------------
import os
import sys

import matplotlib.pyplot as plt

from digitnet.data import load_mnist
from digitnet.presets import get_preset
from digitnet.tutorials import softmax_l2

QUICK = "--quick" in sys.argv or os.environ.get("DIGITNET_QUICK") == "1"  # a smoke run: 10,000 images

ds = load_mnist()
n = softmax_l2.QUICK_IMAGES if QUICK else len(ds.train_labels)
parts = softmax_l2.split_622(ds.train_images[:n], ds.train_labels[:n])
print("6:2:2 split: " + ", ".join(f"{name} {len(y):,}" for name, (X, y) in parts.items()))

# %%
# The grid search
# ---------------
# Each candidate (c, learning rate) is trained for a short while on the training part and ranked by its
# accuracy on the validation part. The test part is not looked at.
recipe = get_preset("softmax-l2")
grid_iterations = softmax_l2.QUICK_GRID_ITERATIONS if QUICK else softmax_l2.GRID_ITERATIONS
ranking = softmax_l2.grid_search(recipe, parts, grid_iterations, log=print)
best = recipe.with_overrides(weight_decay=ranking[0]["c"], lr=ranking[0]["lr"])
print(f"chosen: c = {best.weight_decay:g}, learning rate = {best.lr:g}")

# %%
# Training the winner
# -------------------
# Full-batch gradient descent: every iteration sees every training image. The cost J is recorded along
# the way.
iterations = softmax_l2.QUICK_ITERATIONS if QUICK else softmax_l2.ITERATIONS
every = 10 if QUICK else 100
network, costs = softmax_l2.fit(best, *parts["train"], iterations, every=every)
print(f"training {network.score(*parts['train']):.2%}, test {network.score(*parts['test']):.2%} "
      f"(the tutorial: {softmax_l2.PUBLISHED_TRAIN:.1%} and {softmax_l2.PUBLISHED.value:.1%})")

fig, ax = plt.subplots(figsize=(6.5, 3.8), layout="constrained")
ax.plot([s for s, _ in costs], [c for _, c in costs], "o-", ms=4)
ax.set(xlabel="iteration (one full-batch step)", ylabel="cost J", yscale="log",
       title=f"Softmax regression, c = {best.weight_decay:g}, learning rate {best.lr:g}")
ax.grid(alpha=0.3)

# %%
# Each digit's weights are a template
# -----------------------------------
# With no hidden layer, the weights of output k are one 28x28 picture: pixels where a k usually has ink
# are red (they raise k's score), pixels where other digits have ink are blue.
W = network.layers[0].params["W"]
fig, axes = plt.subplots(2, 5, figsize=(8, 3.6), layout="constrained")
for digit, ax in enumerate(axes.flat):
    w = W[:, digit].reshape(28, 28)
    ax.imshow(w, cmap="RdBu_r", vmin=-abs(w).max(), vmax=abs(w).max())
    ax.set_title(str(digit))
    ax.set_axis_off()
fig.suptitle("The weights of each digit (red +, blue -)")
plt.show()
