"""
教程 1：只用一个神经元判断“是不是 0”
====================================

最简单的神经网络：一个 sigmoid 神经元看全部 784 个像素，输出图片是 0 的概率
``sigmoid(x . w + b)``。它用二元交叉熵代价、学习率 1，在 2,000 个随机抽取的小批量（每批 256 张图片）上学习，
然后回答 10,000 张测试图片。它复现的原教程报告的准确率是 99.12%。

作为脚本运行：``python examples/01_is_it_zero.py``（``--quick``：只走 200 步）。

English: :doc:`Tutorial 1 </auto_examples/01_is_it_zero>`.
"""

# %%
# 一个不平衡的问题
# ----------------
# 大约十张图片里只有一张是 0，所以每次都回答“不是 0”就已经有约 90% 的准确率。对这样的检测器，
# 只看准确率会高估它；“0”这一类的 F1 分数（同时需要精确率和召回率）则不会。
import os
import sys

import matplotlib.pyplot as plt
import numpy as np

from digitnet.data import load_mnist
from digitnet.tutorials import is_zero

QUICK = "--quick" in sys.argv or os.environ.get("DIGITNET_QUICK") == "1"  # 快速运行：200 步

ds = load_mnist()
print(f"{(ds.train_labels == 0).mean():.1%} of the training images are 0s")

# %%
# 训练：在随机小批量上走 2,000 步
# -------------------------------
# ``train_detector`` 构建 ``is-it-zero`` 预设（784 个输入、一个 sigmoid 输出，权重取自 N(0, 0.01^2)），
# 每一步从训练集中随机抽取 256 张图片，并记录代价的变化。
steps = is_zero.QUICK_STEPS if QUICK else is_zero.STEPS
network, costs, seconds = is_zero.train_detector("is-it-zero", ds, steps, log=print)

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.plot([s for s, _ in costs], [c for _, c in costs], "o-")
ax.set(xlabel="step", ylabel="binary cross-entropy of the batch", title="The cost while learning")
ax.grid(alpha=0.3)

# %%
# 效果如何？
# ----------
# 混淆矩阵统计四种回答各有多少；行是真实类别，列是预测类别（原教程的打印方式正好相反）。
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
# 这个神经元在看什么
# ------------------
# 一个神经元，一张图：把它的 784 个权重画成 28x28 的图片。红色像素把答案推向“0”，蓝色像素则相反：
# 0 的笔画经过的地方是一圈红色，0 中间没有墨迹的地方是蓝色。
w = network.layers[0].params["W"][:, 0].reshape(28, 28)
fig, ax = plt.subplots(figsize=(3.6, 3.4), layout="constrained")
image = ax.imshow(w, cmap="RdBu_r", vmin=-abs(w).max(), vmax=abs(w).max())
fig.colorbar(image, ax=ax, shrink=0.8)
ax.set_axis_off()
ax.set_title("The weights of 'is it a 0?'")
plt.show()
