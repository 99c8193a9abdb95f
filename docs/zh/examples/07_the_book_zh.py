"""
书中的原始代码，在 Python 3 上运行
==================================

Michael Nielsen《神经网络与深度学习》的读者在第一章和第三章会读到书中的代码：``mnist_loader``、``network`` 和
``network2``。它们是为 Python 2 写的，读取的是 pickle 格式的 ``mnist.pkl.gz``；在 Python 3 上运行，会卡在
``'zip' object is not subscriptable`` 或者 pickle 上。``digitnet.book`` 在 Python 3 上提供同样的调用方式，
底层是 digitnet 的向量化层：下面的代码除了 import 语句以外，都与书中一模一样。

作为脚本运行：``python examples/07_the_book.py``（``--quick``：在 10,000 张图片上训练一轮；完整运行约需一分钟）。

English: :doc:`The book's own code </auto_examples/07_the_book>`.
"""

# %%
# 第一章，照书中所写
# ------------------
# ``load_data_wrapper`` 返回 ``(x, y)`` 对的列表：``x`` 是 (784, 1) 的像素列向量；训练数据的 ``y`` 是 (10, 1)
# 的独热列向量，验证和测试数据的 ``y`` 就是数字本身。``random.seed`` 和 ``np.random.seed`` 固定了打乱顺序和初始权重，
# 与书中代码的效果相同。
import os
import random
import sys

import matplotlib.pyplot as plt
import numpy as np

import digitnet.book.mnist_loader as mnist_loader
import digitnet.book.network as network
import digitnet.book.network2 as network2

QUICK = "--quick" in sys.argv or os.environ.get("DIGITNET_QUICK") == "1"  # 快速运行：1 轮，10,000 张图片
epochs = 1 if QUICK else 30

random.seed(0)
np.random.seed(0)
training_data, validation_data, test_data = mnist_loader.load_data_wrapper()
if QUICK:
    training_data = training_data[:10000]
print(len(training_data), training_data[0][0].shape, training_data[0][1].shape, test_data[0][1])

# %%
# 接下来是第一章的网络：30 个隐藏神经元，二次代价函数，小批量大小 10，eta = 3.0，训练 30 轮。每轮打印书中的那一行
# （这里同时把它保存下来，供下面画图用）。
import contextlib  # noqa: E402
import io  # noqa: E402

net = network.Network([784, 30, 10])
printed = io.StringIO()
with contextlib.redirect_stdout(printed):
    net.SGD(training_data, epochs, 10, 3.0, test_data=test_data)
print(printed.getvalue(), end="")
accuracy1 = [int(line.split()[2]) / len(test_data) for line in printed.getvalue().splitlines()]

# %%
# 第三章：交叉熵与正则化
# ----------------------
# 同样的网络，换成交叉熵代价函数并加上 L2 正则化（lambda = 5.0），eta = 0.5，使用第一章的初始权重
# （``large_weight_initializer``），并像书中这次实验一样在测试数据上监控。``SGD`` 返回四个监控列表。
net2 = network2.Network([784, 30, 10], cost=network2.CrossEntropyCost)
net2.large_weight_initializer()
evaluation_cost, evaluation_accuracy, training_cost, training_accuracy = net2.SGD(
    training_data, epochs, 10, 0.5, lmbda=5.0, evaluation_data=test_data,
    monitor_evaluation_accuracy=True, monitor_training_cost=True)

# %%
# 书中的数字与我们的数字并列
# --------------------------
# 书中报告的是最好的一轮：第一章为 95.42%（三次运行中最好的一次），正则化后的第三章网络为 96.49%。
# 下图是我们逐轮的结果与这两条线的对比（只有一个随机种子，所以上下差零点几个百分点都属正常：
# 书中各次运行之间也差这么多）。
accuracy3 = [a / len(test_data) for a in evaluation_accuracy]
print(f"chapter 1, [784, 30, 10], quadratic cost:    the book 95.42%, here {max(accuracy1):.2%} (best epoch)")
print(f"chapter 3, [784, 30, 10], cross-entropy, L2: the book 96.49%, here {max(accuracy3):.2%} (best epoch)")

fig, (ax_acc, ax_cost) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
ax_acc.plot(range(len(accuracy1)), [100 * a for a in accuracy1], "o-", ms=3, color="tab:orange",
            label="chapter 1, here")
ax_acc.axhline(95.42, color="tab:orange", ls="--", lw=1, label="chapter 1, the book: 95.42%")
ax_acc.plot(range(len(accuracy3)), [100 * a for a in accuracy3], "o-", ms=3, color="tab:blue",
            label="chapter 3, here")
ax_acc.axhline(96.49, color="tab:blue", ls="--", lw=1, label="chapter 3, the book: 96.49%")
ax_acc.set(xlabel="epoch", ylabel="test accuracy (%)", title="Test accuracy per epoch")
ax_acc.legend(fontsize=8)
ax_cost.plot(range(len(training_cost)), training_cost, "o-", ms=3)
ax_cost.set(xlabel="epoch", ylabel="cost (with the L2 term)", title="network2: cost on the training data")
for ax in (ax_acc, ax_cost):
    ax.grid(alpha=0.3)

# %%
# 以 JSON 保存和加载
# ------------------
# ``save`` 写出书中的 JSON 格式（各层大小、权重、偏置、代价函数的名字）；``load`` 把它读回来，并先做检查：
# 别人给的文件里只能有数字，绝不会有代码。
import tempfile  # noqa: E402

with tempfile.TemporaryDirectory() as folder:
    net2.save(os.path.join(folder, "net2.json"))
    again = network2.load(os.path.join(folder, "net2.json"))
print(f"loaded back: {again.accuracy(test_data)} / {len(test_data)}, as before: {evaluation_accuracy[-1]}")
plt.show()
