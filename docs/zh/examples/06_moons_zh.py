"""
教程 6：任意深度的网络，在“双月”数据上
======================================

原教程把网络写成一个层的列表：2-25-50-50-25-1，中间用 ReLU，最后一个单元用 sigmoid。预设 ``moons`` 就是这个网络，
并按 digitnet 描述任何网络的方式（层描述）把它打印出来::

    {'type': 'dense', 'units': 25, 'init': 'he', 'bias_init': 'zeros'}
    {'type': 'relu'}
    ...
    {'type': 'dense', 'units': 1, 'init': 'he', 'bias_init': 'zeros'}
    {'type': 'sigmoid'}

它用 3,000 步全批量梯度下降（二元交叉熵，学习率 0.1）学习 1,000 个带噪声的“双月”点中的 800 个，其余 200 个用于测试。
图中可以看到两类之间的决策边界如何一步步弯成形状。（``digitnet reproduce --only moons`` 会把同样的过程画成动画。）

作为脚本运行：``python examples/06_moons.py``（``--quick``：只走 300 步）。

English: :doc:`Tutorial 6 </auto_examples/06_moons>`.
"""

# %%
# 数据与网络
# ----------
import os
import sys

import matplotlib.pyplot as plt
import numpy as np

from digitnet.presets import get_preset
from digitnet.tutorials import moons

QUICK = "--quick" in sys.argv or os.environ.get("DIGITNET_QUICK") == "1"  # 快速运行：300 步

recipe = get_preset("moons")
X_train, y_train, X_test, y_test = moons.moons_data()
print(f"{len(X_train)} training points, {len(X_test)} held out; layers for inputs of shape {recipe.input_shape}:")
for layer in recipe.layers:
    print(f"  {layer}")

# %%
# 训练，并不时看一眼决策边界
# --------------------------
# ``moons.train`` 每 100 步调用一次 ``snapshot``；这里的 ``Snapshots`` 在其中四个时刻，记录网络在平面网格上
# 给出的“下方月牙”概率。
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
# 学习过程中的决策边界
# --------------------
# 颜色表示属于下方月牙（红）或上方月牙（蓝）的概率；黑线是网络拿不定主意（概率 0.5）的地方。
fig, axes = plt.subplots(1, len(snapshots.frames), figsize=(12, 3.4), layout="constrained", sharey=True)
for ax, (step, (p, accuracy)) in zip(axes, sorted(snapshots.frames.items())):
    ax.contourf(xs, ys, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
    ax.contour(xs, ys, p, levels=[0.5], colors="black", linewidths=1.2)
    ax.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap="RdBu_r", edgecolors="black", linewidths=0.3, s=8)
    ax.set_title(f"step {step}: training {accuracy:.0%}", fontsize=10)
    ax.set_xlabel("x1")
axes[0].set_ylabel("x2")
plt.show()
