"""
教程 5：动量法，以及按验证损失挑选网络
======================================

一个 784-100-10 的网络（sigmoid 隐藏层、softmax 输出、交叉熵），用动量法训练。动量法为每个权重保存一个速度 v：
``v <- 0.9 v - lr * 梯度``，``w <- w + v``。原教程把 0.9 的衰减乘在了 *权重* 上而不是速度上，于是什么也积累不起来，
网络爬了 200 轮才到约 21%。用正确的更新公式，几轮之内就能超过 97%。

10,000 张测试图片被随机分成两半：5,000 张用于验证，5,000 张用于最终测试。每轮结束后计算验证损失，
并保留验证损失最低时的权重，无论之后还训练多少轮。

作为脚本运行：``python examples/05_momentum.py``（``--quick``：在 10,000 张图片上只训练一轮）。

English: :doc:`Tutorial 5 </auto_examples/05_momentum>`.
"""

# %%
# 训练
# ----
import os
import sys

import matplotlib.pyplot as plt

from digitnet.data import load_mnist
from digitnet.presets import get_preset
from digitnet.tutorials import momentum

QUICK = "--quick" in sys.argv or os.environ.get("DIGITNET_QUICK") == "1"  # 快速运行：1 轮，10,000 张图片

ds = load_mnist()
if QUICK:
    ds = ds.head(10000, 10000)
recipe = get_preset("momentum-100").with_overrides(epochs=1 if QUICK else None)
print(f"{recipe.label}: {recipe.description}")
trained = momentum.train_on_all(recipe, ds, log=print)  # 验证：测试集的一半；测试：另一半
history = trained.history
print(f"kept the weights of epoch {history.best_epoch} (validation loss {history.best['val_loss']:.4f})")
print(f"test accuracy on the other 5,000 images: {trained.metrics['test_accuracy']:.2%} (the tutorial: about 21%)")

# %%
# 逐轮的训练与验证
# ----------------
# 训练损失一直下降；而一旦网络开始死记训练图片，验证损失就不再下降，转而上升。被保留的是虚线处的权重。
rows = history.epochs
epochs = [r["epoch"] for r in rows]
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
for key, label in (("loss", "training"), ("val_loss", "validation")):
    ax_loss.plot(epochs, [r[key] for r in rows], "o-", ms=3, label=label)
for key, label in (("accuracy", "training"), ("val_accuracy", "validation")):
    ax_acc.plot(epochs, [100 * r[key] for r in rows], "o-", ms=3, label=label)
ax_loss.set(xlabel="epoch", ylabel="cross-entropy", title="loss")
ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
for ax in (ax_loss, ax_acc):
    ax.axvline(history.best_epoch, color="grey", ls=":")
    ax.legend()
    ax.grid(alpha=0.3)
plt.show()
