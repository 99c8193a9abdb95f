"""
教程 2：加一个隐藏层，以及让它学不会的那个 bug
==============================================

同样是“是不是 0”的问题，这次加了一个由 64 个 sigmoid 神经元组成的隐藏层。原教程的版本从未学会：
代价一直停在 0.6931 = log(2)，也就是对每张图片都回答“五五开”的代价，最后把所有图片都判为“不是 0”
（准确率 90.2%，F1 为 0）。原因是每次更新减去的是 *权重* 而不是 *梯度*：``w -= lr * w`` 不管数据说什么，
都只会把每个权重往零缩。digitnet 的优化器做的是 ``w -= lr * dC/dw``，所以这个网络能学会，而且有了隐藏层，
它在准确率和 F1 上都胜过教程 1。

作为脚本运行：``python examples/02_is_it_zero_hidden.py``（``--quick``：每个网络只走 200 步）。

English: :doc:`Tutorial 2 </auto_examples/02_is_it_zero_hidden>`.
"""

# %%
# 两个检测器，同样的训练方式
# --------------------------
import os
import sys

import matplotlib.pyplot as plt

from digitnet.data import load_mnist
from digitnet.tutorials import is_zero, is_zero_hidden

QUICK = "--quick" in sys.argv or os.environ.get("DIGITNET_QUICK") == "1"  # 快速运行：每个网络 200 步

ds = load_mnist()
steps = is_zero.QUICK_STEPS if QUICK else is_zero.STEPS
results, curves = {}, {}
for name in ("is-it-zero", "is-it-zero-hidden"):
    network, costs, seconds = is_zero.train_detector(name, ds, steps)
    results[name], curves[name] = is_zero.detector_scores(network, ds), costs
    print(f"{name}: {steps:,} steps in {seconds:.1f}s, cost from {costs[0][1]:.4f} to {costs[-1][1]:.4f}")

# %%
# 代价曲线
# --------
# 代价停在 log(2) = 0.6931（虚线）就意味着“没在学习”，正如原教程那样。两条曲线都远远低于它。
fig, ax = plt.subplots(figsize=(6.5, 3.8), layout="constrained")
for name, costs in curves.items():
    ax.plot([s for s, _ in costs], [c for _, c in costs], "o-", ms=3, label=name)
ax.axhline(0.6931, color="grey", ls=":", label="log 2: the tutorial's cost, stuck")
ax.set(xlabel="step", ylabel="cost of the batch", yscale="log", title="Learning, with and without a hidden layer")
ax.legend()
ax.grid(alpha=0.3)

# %%
# 得分
# ----
print("                   accuracy   F1 for '0'   confusion (rows = truth)")
for name, s in results.items():
    print(f"{name:<18} {s['accuracy']:>8.2%}   {s['f1']:>10.3f}   {s['confusion']}")
print(f"{'the tutorial':<18} {is_zero_hidden.PUBLISHED.value:>8.2%}   {0.0:>10.3f}   every image called 'not a 0'")
plt.show()
