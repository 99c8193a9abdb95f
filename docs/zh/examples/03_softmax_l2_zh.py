"""
教程 3：softmax 回归、L2 正则化与网格搜索
=========================================

十个输出，每个数字一个，经 softmax 变成概率；权重从零开始（代价函数是凸的，不存在需要打破的对称性）。
代价为 J = 平均交叉熵 + c/2 ||W||^2，每次迭代是在整个训练部分上的一步梯度下降。超参数对（c, 学习率）
在按 6:2:2 划分的验证部分上选出，胜出者再训练 1,000 次迭代，并在测试部分上评分。原教程报告训练部分
91.6%、测试部分 91.1%。

作为脚本运行：``python examples/03_softmax_l2.py``（``--quick``：10,000 张图片，少量迭代）。

English: :doc:`Tutorial 3 </auto_examples/03_softmax_l2>`.
"""

# %%
# 按 6:2:2 划分
# -------------
import os
import sys

import matplotlib.pyplot as plt

from digitnet.data import load_mnist
from digitnet.presets import get_preset
from digitnet.tutorials import softmax_l2

QUICK = "--quick" in sys.argv or os.environ.get("DIGITNET_QUICK") == "1"  # 快速运行：10,000 张图片

ds = load_mnist()
n = softmax_l2.QUICK_IMAGES if QUICK else len(ds.train_labels)
parts = softmax_l2.split_622(ds.train_images[:n], ds.train_labels[:n])
print("6:2:2 split: " + ", ".join(f"{name} {len(y):,}" for name, (X, y) in parts.items()))

# %%
# 网格搜索
# --------
# 每一组候选（c, 学习率）都在训练部分上短暂训练，再按验证部分上的准确率排名。测试部分完全不看。
recipe = get_preset("softmax-l2")
grid_iterations = softmax_l2.QUICK_GRID_ITERATIONS if QUICK else softmax_l2.GRID_ITERATIONS
ranking = softmax_l2.grid_search(recipe, parts, grid_iterations, log=print)
best = recipe.with_overrides(weight_decay=ranking[0]["c"], lr=ranking[0]["lr"])
print(f"chosen: c = {best.weight_decay:g}, learning rate = {best.lr:g}")

# %%
# 训练胜出者
# ----------
# 全批量梯度下降：每次迭代都用到所有训练图片。训练过程中记录代价 J。
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
# 每个数字的权重是一个模板
# ------------------------
# 没有隐藏层时，输出 k 的权重就是一张 28x28 的图：数字 k 通常有墨迹的像素是红色（提高 k 的分数），
# 其他数字有墨迹的像素是蓝色。
W = network.layers[0].params["W"]
fig, axes = plt.subplots(2, 5, figsize=(8, 3.6), layout="constrained")
for digit, ax in enumerate(axes.flat):
    w = W[:, digit].reshape(28, 28)
    ax.imshow(w, cmap="RdBu_r", vmin=-abs(w).max(), vmax=abs(w).max())
    ax.set_title(str(digit))
    ax.set_axis_off()
fig.suptitle("The weights of each digit (red +, blue -)")
plt.show()
