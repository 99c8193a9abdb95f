"""
一屏看懂反向传播
================

一个能识别手写数字的神经网络，只用 NumPy 写成：784 个像素输入，100 个 sigmoid 神经元组成的隐藏层，
10 个输出经 softmax 变成概率；用交叉熵代价函数，以小批量梯度下降训练。前向传播、用链式法则反向求梯度、
更新参数，一共约六十行代码；训练十轮后，在 MNIST 测试集上的准确率接近 98%。

随后把同样的权重放进 digitnet 的层里走一步：两者算出的梯度在 float64 下一致，只差舍入误差。
digitnet 的其余部分，说到底就是把这一页代码组织起来。

可以当作脚本运行（``python examples/00_backprop_on_one_screen.py``，加 ``--quick`` 只用 10,000
张图片快速跑一遍），也可以在页面底部下载为 Jupyter 笔记本。

English: :doc:`Backpropagation on one screen </auto_examples/00_backprop_on_one_screen>`.
"""

# %%
# 数据：60,000 张训练图片和 10,000 张测试图片
# -------------------------------------------
# 这里 digitnet 只负责读取文件（``load_mnist`` 会找到 MNIST，找不到就下载）。每张图片变成一行 784 个
# 0 到 1 之间的数，每个标签变成一行独热编码（one-hot）：在对应数字的那一列为 1，其余为 0。
import os
import sys

import matplotlib.pyplot as plt
import numpy as np

from digitnet.data import load_mnist

QUICK = "--quick" in sys.argv or os.environ.get("DIGITNET_QUICK") == "1"  # 快速运行：更少的图片，1 轮

ds = load_mnist()
X_train = ds.train_images.reshape(-1, 784).astype(np.float32) / 255  # (60000, 784)，像素值在 [0, 1] 之间
X_test = ds.test_images.reshape(-1, 784).astype(np.float32) / 255
y_train, y_test = ds.train_labels, ds.test_labels                     # 数字 0..9
if QUICK:
    X_train, y_train = X_train[:10000], y_train[:10000]
Y_train = np.eye(10, dtype=np.float32)[y_train]                       # 独热编码的行，(n, 10)
print(f"{len(X_train):,} training images, {len(X_test):,} test images")

# %%
# 网络：前向与反向
# ----------------
# m 张图片组成的一个小批量就是一个 (m, 784) 的矩阵，所以一整层的计算就是一次矩阵乘法。代价 C 对每个权重
# 的梯度由链式法则得出：逐层计算，方向与前向传播相反。反向传播说到底就是这么回事。
rng = np.random.default_rng(0)
W1 = rng.standard_normal((784, 100)) / np.sqrt(784)  # N(0, 1/784)：加权和一开始约为 1，而不是 28
b1 = np.zeros(100)
W2 = rng.standard_normal((100, 10)) / np.sqrt(100)
b2 = np.zeros(10)


def forward(X, W1, b1, W2, b2):
    """Hidden activations A1 (m, 100) and output probabilities P (m, 10)."""
    Z1 = X @ W1 + b1                          # 隐藏神经元的带权输入
    A1 = 1 / (1 + np.exp(-Z1))                # sigmoid：每个神经元的激活值在 (0, 1) 之间
    Z2 = A1 @ W2 + b2                         # 输出层的分数（logits），每个数字一个
    Z2 = Z2 - Z2.max(axis=1, keepdims=True)   # softmax 不受平移影响；现在 exp(Z2) <= 1，不会溢出
    P = np.exp(Z2)
    P /= P.sum(axis=1, keepdims=True)         # softmax：十个概率，总和为 1
    return A1, P


def backward(X, Y, A1, P, W2):
    """Gradients of C = mean over the batch of -log P[true digit], for every weight and bias."""
    m = len(X)
    dZ2 = (P - Y) / m                         # dC/dZ2：softmax 与交叉熵合在一起，梯度就是 P - Y
    dW2 = A1.T @ dZ2                          # Z2 = A1 W2 + b2，所以 dC/dW2 = A1^T dC/dZ2
    db2 = dZ2.sum(axis=0)                     # b2 加到每一行上：它的梯度是各行之和
    dA1 = dZ2 @ W2.T                          # 穿过矩阵乘法，回到隐藏层的激活值
    dZ1 = dA1 * A1 * (1 - A1)                 # 穿过 sigmoid：sigma'(Z1) = A1 (1 - A1)
    dW1 = X.T @ dZ1                           # 与上一层同样的两条规则
    db1 = dZ1.sum(axis=0)
    return dW1, db1, dW2, db2


def accuracy(X, y, W1, b1, W2, b2):
    """The share of images whose most probable digit is the right one."""
    return float(np.mean(forward(X, W1, b1, W2, b2)[1].argmax(axis=1) == y))


# %%
# 训练：打乱、切成小批量、沿梯度下降
# ----------------------------------
# 每一步都让所有参数朝梯度的反方向移动一点（学习率 0.5）。把训练图片完整过一遍称为一轮（epoch）；
# 每轮结束后，测试集准确率显示网络学到了多少。
epochs, batch_size, lr = (1 if QUICK else 10), 32, 0.5
params = [p.astype(np.float32) for p in (W1, b1, W2, b2)]  # float32：快一倍，精度足够
history = []
for epoch in range(epochs):
    order = rng.permutation(len(X_train))                  # 每轮一个新顺序
    losses = []
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        X, Y = X_train[batch], Y_train[batch]
        A1, P = forward(X, *params)
        losses.append(-np.mean(np.log(P[Y == 1] + 1e-12)))  # 记录这个小批量的代价
        grads = backward(X, Y, A1, P, params[2])
        for p, g in zip(params, grads):
            p -= lr * g                                     # 梯度下降，原地更新
    history.append((float(np.mean(losses)), accuracy(X_test, y_test, *params)))
    print(f"epoch {epoch + 1}: training cost {history[-1][0]:.4f}, test accuracy {history[-1][1]:.2%}")

test_accuracy = history[-1][1]

# %%
# 代价下降，准确率上升。大部分知识在第一轮就已经学到了。
fig, (ax_cost, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
ax_cost.plot(range(1, epochs + 1), [c for c, _ in history], "o-")
ax_cost.set(xlabel="epoch", ylabel="mean training cost", title="cross-entropy cost")
ax_acc.plot(range(1, epochs + 1), [100 * a for _, a in history], "o-", color="tab:green")
ax_acc.set(xlabel="epoch", ylabel="test accuracy (%)", title=f"test accuracy: {test_accuracy:.2%}")
for ax in (ax_cost, ax_acc):
    ax.grid(alpha=0.3)

# %%
# 隐藏层神经元在找什么
# --------------------
# 每个隐藏神经元用 W1 的一列给 784 个像素加权。把这一列画成 28x28 的图片（红色像素激活它，蓝色像素抑制它），
# 可以看到笔画和斑块：这些就是输出层组合成数字的特征。
fig, axes = plt.subplots(3, 8, figsize=(9, 3.6), layout="constrained")
for unit, ax in enumerate(axes.flat):
    w = params[0][:, unit].reshape(28, 28)
    ax.imshow(w, cmap="RdBu_r", vmin=-abs(w).max(), vmax=abs(w).max())
    ax.set_axis_off()
fig.suptitle("Weights of the first 24 hidden neurons")

# %%
# 一些测试数字和网络的回答
# ------------------------
# 答对的标题为黑色，答错的为红色。
probabilities = forward(X_test[:24], *params)[1]
fig, axes = plt.subplots(3, 8, figsize=(9, 3.8), layout="constrained")
for i, ax in enumerate(axes.flat):
    ax.imshow(X_test[i].reshape(28, 28), cmap="gray_r")
    guess = probabilities[i].argmax()
    ax.set_title(f"{guess} ({probabilities[i, guess]:.0%})", color="black" if guess == y_test[i] else "red",
                 fontsize=9)
    ax.set_axis_off()

# %%
# 在 digitnet 里走同一步
# ----------------------
# digitnet 的网络就是这两层和它们的链式法则，各写一次：``Dense`` 负责 ``x W + b`` 及其三个梯度，
# ``Sigmoid`` 负责它的导数，交叉熵损失负责 ``P - Y``。给定相同的权重和同一个小批量（用 float64，
# 这样只可能有舍入误差），它必须算出相同的梯度，迈出相同的一步。
from digitnet.nn import Network  # noqa: E402  （在第一次用到的地方导入）
from digitnet.nn.layers import Dense, Sigmoid, Softmax  # noqa: E402
from digitnet.nn.optimizers import SGD  # noqa: E402
from digitnet.train import train_step  # noqa: E402

start = [p.astype(np.float64) for p in params]            # 训练好的权重，转为 float64
net = Network([Dense(100, input_dim=784), Sigmoid(), Dense(10), Softmax()], loss="cross_entropy",
              dtype=np.float64, inputs="features")
net.set_weights({"0.W": start[0], "0.b": start[1], "2.W": start[2], "2.b": start[3]})
X, Y = X_train[:batch_size].astype(np.float64), Y_train[:batch_size].astype(np.float64)

A1, P = forward(X, *start)                                 # NumPy，与上文相同
numpy_grads = backward(X, Y, A1, P, start[2])
train_step(net, SGD(net.params.groups(), lr=lr), X, Y)    # digitnet：前向、损失、反向、更新
digitnet_grads = [net.layers[0].grads["W"], net.layers[0].grads["b"],
                  net.layers[2].grads["W"], net.layers[2].grads["b"]]
gradient_difference = max(float(np.max(np.abs(a - b))) for a, b in zip(numpy_grads, digitnet_grads))
numpy_step = [p - lr * g for p, g in zip(start, numpy_grads)]
digitnet_step = [net.layers[0].params["W"], net.layers[0].params["b"],
                 net.layers[2].params["W"], net.layers[2].params["b"]]
weight_difference = max(float(np.max(np.abs(a - b))) for a, b in zip(numpy_step, digitnet_step))
largest = max(float(np.max(np.abs(g))) for g in numpy_grads)
print(f"largest gradient: {largest:.3g}; largest difference between NumPy's and digitnet's: "
      f"{gradient_difference:.1e}")
print(f"largest difference between the weights after the step: {weight_difference:.1e}")

# %%
# 差异只是 float64 的舍入误差（其精度约为 1e-16），远小于梯度本身：同样的算术，只是求和顺序略有不同。
# digitnet 在这一页之上增加的是组织方式，而不是不同的算术：可以按任意顺序堆叠的层、其他代价函数和优化器、
# 卷积，以及检查每个部件梯度是否正确的测试。
plt.show()
