"""
Tutorial 6: a network of any depth, on two moons
================================================

The tutorial wrote its network as a list of layers, 2-25-50-50-25-1 with ReLU inside and a sigmoid
unit at the end. The ``moons`` preset is that network, and prints it the way digitnet writes any
network, as layer descriptions::

    {'type': 'dense', 'units': 25, 'init': 'he', 'bias_init': 'zeros'}
    {'type': 'relu'}
    ...
    {'type': 'dense', 'units': 1, 'init': 'he', 'bias_init': 'zeros'}
    {'type': 'sigmoid'}

It learns 800 of 1,000 noisy points of two interleaved half-moons by 3,000 full-batch
gradient-descent steps (binary cross-entropy, learning rate 0.1); the other 200 test it. The pictures
show how the boundary between the two classes bends into shape. (``digitnet reproduce --only moons``
draws the same as an animation.)

Run it as a script with ``python examples/06_moons.py`` (``--quick``: 300 steps).

中文版：:doc:`/zh/auto_examples/06_moons_zh`
"""

# %%
# The data and the network
# ------------------------
import os
import sys

import matplotlib.pyplot as plt
import numpy as np

from digitnet.presets import get_preset
from digitnet.tutorials import moons

QUICK = "--quick" in sys.argv or os.environ.get("DIGITNET_QUICK") == "1"  # a smoke run: 300 steps

recipe = get_preset("moons")
X_train, y_train, X_test, y_test = moons.moons_data()
print(f"{len(X_train)} training points, {len(X_test)} held out; layers for inputs of shape {recipe.input_shape}:")
for layer in recipe.layers:
    print(f"  {layer}")

# %%
# Training, with a look at the boundary now and then
# --------------------------------------------------
# ``moons.train`` calls ``snapshot`` every 100 steps; this one keeps the network's probability of
# "lower moon" over a grid of the plane at four of them.
iterations = moons.QUICK_ITERATIONS if QUICK else moons.ITERATIONS
xs, ys = np.linspace(-2, 3, 150), np.linspace(-1.5, 2, 110)
grid = np.column_stack([a.ravel() for a in np.meshgrid(xs, ys)]).astype(np.float32)


class Snapshots:
    """What the network answers over the grid at a few chosen steps."""

    def __init__(self, steps):
        self.steps, self.frames = steps, {}

    def snapshot(self, network, step, accuracy):
        if step in self.steps:
            self.frames[step] = (network.predict_proba(grid)[:, -1].reshape(len(ys), len(xs)), accuracy)


snapshots = Snapshots({0, iterations // 10, iterations // 3, iterations})
network, costs = moons.train(recipe, X_train, y_train, iterations, movie=snapshots)
for step, cost in costs[:: max(len(costs) // 6, 1)]:
    print(f"step {step:>5}: cost {cost:.4f}")
print(f"held-out accuracy {network.score(X_test, y_test):.1%}, training {network.score(X_train, y_train):.1%}")

# %%
# The boundary while it learns
# ----------------------------
# Colour is the probability of the lower moon (red) against the upper one (blue); the black line is
# where the network is undecided (0.5).
fig, axes = plt.subplots(1, len(snapshots.frames), figsize=(12, 3.4), layout="constrained", sharey=True)
for ax, (step, (p, accuracy)) in zip(axes, sorted(snapshots.frames.items())):
    ax.contourf(xs, ys, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
    ax.contour(xs, ys, p, levels=[0.5], colors="black", linewidths=1.2)
    ax.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap="RdBu_r", edgecolors="black", linewidths=0.3, s=8)
    ax.set_title(f"step {step}: training {accuracy:.0%}", fontsize=10)
    ax.set_xlabel("x1")
axes[0].set_ylabel("x2")
plt.show()
