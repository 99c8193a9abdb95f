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
{
    "a smoke run: fewer images, 1 epoch": "快速运行：更少的图片，1 轮",
    "(60000, 784), pixels in [0, 1]": "(60000, 784)，像素值在 [0, 1] 之间",
    "digits 0..9": "数字 0..9",
    "one-hot rows, (n, 10)": "独热编码的行，(n, 10)",
}

# %%
# 网络：前向与反向
# ----------------
# m 张图片组成的一个小批量就是一个 (m, 784) 的矩阵，所以一整层的计算就是一次矩阵乘法。代价 C 对每个权重
# 的梯度由链式法则得出：逐层计算，方向与前向传播相反。反向传播说到底就是这么回事。
{
    "N(0, 1/784): weighted sums start near 1, not 28": "N(0, 1/784)：加权和一开始约为 1，而不是 28",
    "weighted inputs of the hidden neurons": "隐藏神经元的带权输入",
    "sigmoid: each neuron's activation in (0, 1)": "sigmoid：每个神经元的激活值在 (0, 1) 之间",
    "the output's scores (logits), one per digit": "输出层的分数（logits），每个数字一个",
    "softmax ignores a shift; now exp(Z2) <= 1 cannot overflow": "softmax 不受平移影响；现在 exp(Z2) <= 1，不会溢出",
    "softmax: ten probabilities that add up to 1": "softmax：十个概率，总和为 1",
    "dC/dZ2: softmax and cross-entropy together give P - Y": "dC/dZ2：softmax 与交叉熵合在一起，梯度就是 P - Y",
    "Z2 = A1 W2 + b2, so dC/dW2 = A1^T dC/dZ2": "Z2 = A1 W2 + b2，所以 dC/dW2 = A1^T dC/dZ2",
    "b2 is added to every row: its gradient sums them": "b2 加到每一行上：它的梯度是各行之和",
    "back through the product to the hidden activations": "穿过矩阵乘法，回到隐藏层的激活值",
    "through the sigmoid: sigma'(Z1) = A1 (1 - A1)": "穿过 sigmoid：sigma'(Z1) = A1 (1 - A1)",
    "the same two rules as for the layer above": "与上一层同样的两条规则",
}

# %%
# 训练：打乱、切成小批量、沿梯度下降
# ----------------------------------
# 每一步都让所有参数朝梯度的反方向移动一点（学习率 0.5）。把训练图片完整过一遍称为一轮（epoch）；
# 每轮结束后，测试集准确率显示网络学到了多少。
{
    "float32: twice as fast, precise enough": "float32：快一倍，精度足够",
    "a new order every epoch": "每轮一个新顺序",
    "the cost of this batch, for the record": "记录这个小批量的代价",
    "gradient descent, in place": "梯度下降，原地更新",
}

# %%
# 代价下降，准确率上升。大部分知识在第一轮就已经学到了。
...

# %%
# 隐藏层神经元在找什么
# --------------------
# 每个隐藏神经元用 W1 的一列给 784 个像素加权。把这一列画成 28x28 的图片（红色像素激活它，蓝色像素抑制它），
# 可以看到笔画和斑块：这些就是输出层组合成数字的特征。
...

# %%
# 一些测试数字和网络的回答
# ------------------------
# 答对的标题为黑色，答错的为红色。
...

# %%
# 在 digitnet 里走同一步
# ----------------------
# digitnet 的网络就是这两层和它们的链式法则，各写一次：``Dense`` 负责 ``x W + b`` 及其三个梯度，
# ``Sigmoid`` 负责它的导数，交叉熵损失负责 ``P - Y``。给定相同的权重和同一个小批量（用 float64，
# 这样只可能有舍入误差），它必须算出相同的梯度，迈出相同的一步。
{
    "noqa: E402  (imported here, where it is first needed)": "noqa: E402  （在第一次用到的地方导入）",
    "the trained weights, in float64": "训练好的权重，转为 float64",
    "NumPy, as above": "NumPy，与上文相同",
    "digitnet: forward, loss, backward, update": "digitnet：前向、损失、反向、更新",
}

# %%
# 差异只是 float64 的舍入误差（其精度约为 1e-16），远小于梯度本身：同样的算术，只是求和顺序略有不同。
# digitnet 在这一页之上增加的是组织方式，而不是不同的算术：可以按任意顺序堆叠的层、其他代价函数和优化器、
# 卷积，以及检查每个部件梯度是否正确的测试。
...
