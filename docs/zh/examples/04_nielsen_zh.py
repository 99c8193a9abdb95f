"""
教程 4：Nielsen 第一章的网络
============================

Michael Nielsen《神经网络与深度学习》（*Neural Networks and Deep Learning*）第一章的网络。书中这样写::

    net = network.Network([784, 30, 10])
    net.SGD(training_data, 30, 10, 3.0, test_data=test_data)

所有神经元都是 sigmoid，权重和偏置取自 N(0, 1)，使用二次代价函数，在前 50,000 张训练图片上做随机梯度下降：
小批量大小为 10，学习率 eta = 3.0，训练 30 轮。每轮结束后打印 10,000 张测试图片中答对了多少张；书中的最好成绩是
95.42%。在 digitnet 中，同样的配置是预设 ``nielsen-ch1``（``digitnet train --model nielsen-ch1``）；
书中的原始调用方式也能直接运行，见 :doc:`07_the_book_zh`。

作为脚本运行：``python examples/04_nielsen.py``（``--quick``：在 10,000 张图片上只训练一轮）。

English: :doc:`Tutorial 4 </auto_examples/04_nielsen>`.
"""

# %%
# 配置
# ----
import os
import sys

import matplotlib.pyplot as plt

from digitnet.data import load_mnist
from digitnet.presets import get_preset
from digitnet.tutorials import nielsen

QUICK = "--quick" in sys.argv or os.environ.get("DIGITNET_QUICK") == "1"  # 快速运行：1 轮，更少的图片

recipe = get_preset("nielsen-ch1").with_overrides(epochs=1 if QUICK else None)
print(f"{recipe.label}: {recipe.description}")
print(f"layers {list(recipe.as_mlp.sizes)}, eta {recipe.lr}, mini-batch {recipe.batch_size}, cost {recipe.loss}")

# %%
# 训练，每轮打印书中的那一行
# --------------------------
# ``train_once`` 像书中一样把训练图片划分为 50,000 / 10,000，并在每轮后打印 "Epoch k: n / 10000"。
# 最后保留的是验证损失最小的权重：选择时没有看测试集。
ds = load_mnist()
if QUICK:
    ds = ds.head(20000, 10000)  # 10,000 张用于学习，10,000 张用于验证
trained, counts = nielsen.train_once(recipe, ds, seed=0, quick=QUICK)
history = trained.history
print(f"peak of the per-epoch test counts (how the book quotes it): {max(counts) / 100:.2f}%")
print(f"weights kept (least validation loss, epoch {history.best_epoch}): "
      f"{trained.metrics['test_accuracy']:.2%} on the test set")

# %%
# 每轮的正确数与书中最好成绩的对比
# --------------------------------
# 正确数在各轮之间、各次运行之间会有零点几个百分点的波动：书中的 95.42% 是三次运行中最好一次的最好一轮。
fig, ax = plt.subplots(figsize=(6.5, 3.8), layout="constrained")
ax.plot(range(len(counts)), [c / 100 for c in counts], "o-", ms=3, label="digitnet, seed 0")
ax.axhline(100 * nielsen.PUBLISHED["nielsen-ch1"].value, color="grey", ls="--", label="the book's best, 95.42%")
ax.set(xlabel="epoch (counted from 0, as the book prints)", ylabel="test images right (%)",
       title="[784, 30, 10], quadratic cost, eta = 3.0")
ax.legend()
ax.grid(alpha=0.3)

# %%
# 学习曲线
# --------
# 每轮的训练代价和验证代价；虚线标出被保留权重所在的那一轮。
rows = history.epochs
fig, ax = plt.subplots(figsize=(6.5, 3.8), layout="constrained")
ax.plot([r["epoch"] for r in rows], [r["loss"] for r in rows], "o-", ms=3, label="training")
ax.plot([r["epoch"] for r in rows], [r["val_loss"] for r in rows], "s-", ms=3, label="validation")
ax.axvline(history.best_epoch, color="grey", ls=":")
ax.set(xlabel="epoch", ylabel="quadratic cost", title="Learning curves")
ax.legend()
ax.grid(alpha=0.3)
plt.show()
