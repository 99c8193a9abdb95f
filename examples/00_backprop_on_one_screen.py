"""
Backpropagation on one screen
=============================

A network that reads handwritten digits, written with nothing but NumPy: 784 pixels in, 100 sigmoid
neurons, 10 outputs turned into probabilities by softmax, trained by mini-batch gradient descent on
the cross-entropy cost. Forward pass, chain rule backwards, update: about sixty lines, and after ten
epochs it reads nearly 98% of MNIST's test digits correctly.

Then the same weights go into digitnet's layers for one step, and both give the same gradients, to
the last digits of float64: everything else in digitnet is this page, organised.

Run it as a script (``python examples/00_backprop_on_one_screen.py``, add ``--quick`` for a smoke run
on 10,000 images) or download it as a notebook at the bottom of the page.

中文版：:doc:`/zh/auto_examples/00_backprop_on_one_screen_zh`
"""

# %%
# The data: 60,000 training images and 10,000 test images
# --------------------------------------------------------
# digitnet only reads the files here (``load_mnist`` finds MNIST or downloads it). Each image becomes a
# row of 784 numbers between 0 and 1, and each label a *one-hot* row: a 1 in the column of its digit.
import os
import sys

import matplotlib.pyplot as plt
import numpy as np

from digitnet.data import load_mnist

QUICK = "--quick" in sys.argv or os.environ.get("DIGITNET_QUICK") == "1"  # a smoke run: fewer images, 1 epoch

ds = load_mnist()
X_train = ds.train_images.reshape(-1, 784).astype(np.float32) / 255  # (60000, 784), pixels in [0, 1]
X_test = ds.test_images.reshape(-1, 784).astype(np.float32) / 255
y_train, y_test = ds.train_labels, ds.test_labels                     # digits 0..9
if QUICK:
    X_train, y_train = X_train[:10000], y_train[:10000]
Y_train = np.eye(10, dtype=np.float32)[y_train]                       # one-hot rows, (n, 10)
print(f"{len(X_train):,} training images, {len(X_test):,} test images")

# %%
# The network, forward and backward
# ---------------------------------
# A batch of m images is an (m, 784) matrix, so a whole layer is one matrix product. The gradient of
# the cost C with respect to every weight follows from the chain rule, one layer at a time, in the
# opposite order: that is all backpropagation is.
rng = np.random.default_rng(0)
W1 = rng.standard_normal((784, 100)) / np.sqrt(784)  # N(0, 1/784): weighted sums start near 1, not 28
b1 = np.zeros(100)
W2 = rng.standard_normal((100, 10)) / np.sqrt(100)
b2 = np.zeros(10)


def forward(X, W1, b1, W2, b2):
    """Hidden activations A1 (m, 100) and output probabilities P (m, 10)."""
    Z1 = X @ W1 + b1                          # weighted inputs of the hidden neurons
    A1 = 1 / (1 + np.exp(-Z1))                # sigmoid: each neuron's activation in (0, 1)
    Z2 = A1 @ W2 + b2                         # the output's scores (logits), one per digit
    Z2 = Z2 - Z2.max(axis=1, keepdims=True)   # softmax ignores a shift; now exp(Z2) <= 1 cannot overflow
    P = np.exp(Z2)
    P /= P.sum(axis=1, keepdims=True)         # softmax: ten probabilities that add up to 1
    return A1, P


def backward(X, Y, A1, P, W2):
    """Gradients of C = mean over the batch of -log P[true digit], for every weight and bias."""
    m = len(X)
    dZ2 = (P - Y) / m                         # dC/dZ2: softmax and cross-entropy together give P - Y
    dW2 = A1.T @ dZ2                          # Z2 = A1 W2 + b2, so dC/dW2 = A1^T dC/dZ2
    db2 = dZ2.sum(axis=0)                     # b2 is added to every row: its gradient sums them
    dA1 = dZ2 @ W2.T                          # back through the product to the hidden activations
    dZ1 = dA1 * A1 * (1 - A1)                 # through the sigmoid: sigma'(Z1) = A1 (1 - A1)
    dW1 = X.T @ dZ1                           # the same two rules as for the layer above
    db1 = dZ1.sum(axis=0)
    return dW1, db1, dW2, db2


def accuracy(X, y, W1, b1, W2, b2):
    """The share of images whose most probable digit is the right one."""
    return float(np.mean(forward(X, W1, b1, W2, b2)[1].argmax(axis=1) == y))


# %%
# Training: shuffle, slice into mini-batches, step downhill
# ---------------------------------------------------------
# Each step moves every parameter a little against its gradient (learning rate 0.5). One pass over the
# training images is an epoch; after each, the test accuracy shows how much has been learned.
epochs, batch_size, lr = (1 if QUICK else 10), 32, 0.5
params = [p.astype(np.float32) for p in (W1, b1, W2, b2)]  # float32: twice as fast, precise enough
history = []
for epoch in range(epochs):
    order = rng.permutation(len(X_train))                  # a new order every epoch
    losses = []
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        X, Y = X_train[batch], Y_train[batch]
        A1, P = forward(X, *params)
        losses.append(-np.mean(np.log(P[Y == 1] + 1e-12)))  # the cost of this batch, for the record
        grads = backward(X, Y, A1, P, params[2])
        for p, g in zip(params, grads):
            p -= lr * g                                     # gradient descent, in place
    history.append((float(np.mean(losses)), accuracy(X_test, y_test, *params)))
    print(f"epoch {epoch + 1}: training cost {history[-1][0]:.4f}, test accuracy {history[-1][1]:.2%}")

test_accuracy = history[-1][1]

# %%
# The cost falls and the accuracy climbs. Most of what is learned is learned in the first epoch.
fig, (ax_cost, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
ax_cost.plot(range(1, epochs + 1), [c for c, _ in history], "o-")
ax_cost.set(xlabel="epoch", ylabel="mean training cost", title="cross-entropy cost")
ax_acc.plot(range(1, epochs + 1), [100 * a for _, a in history], "o-", color="tab:green")
ax_acc.set(xlabel="epoch", ylabel="test accuracy (%)", title=f"test accuracy: {test_accuracy:.2%}")
for ax in (ax_cost, ax_acc):
    ax.grid(alpha=0.3)

# %%
# What the hidden neurons look for
# --------------------------------
# Each hidden neuron weighs the 784 pixels with one column of W1. Drawn as a 28x28 picture (red pixels
# excite it, blue ones inhibit it), the columns show strokes and blobs: the features the output layer
# combines into digits.
fig, axes = plt.subplots(3, 8, figsize=(9, 3.6), layout="constrained")
for unit, ax in enumerate(axes.flat):
    w = params[0][:, unit].reshape(28, 28)
    ax.imshow(w, cmap="RdBu_r", vmin=-abs(w).max(), vmax=abs(w).max())
    ax.set_axis_off()
fig.suptitle("Weights of the first 24 hidden neurons")

# %%
# Some test digits and the network's answers
# ------------------------------------------
# Correct answers in black, mistakes in red.
probabilities = forward(X_test[:24], *params)[1]
fig, axes = plt.subplots(3, 8, figsize=(9, 3.8), layout="constrained")
for i, ax in enumerate(axes.flat):
    ax.imshow(X_test[i].reshape(28, 28), cmap="gray_r")
    guess = probabilities[i].argmax()
    ax.set_title(f"{guess} ({probabilities[i, guess]:.0%})", color="black" if guess == y_test[i] else "red",
                 fontsize=9)
    ax.set_axis_off()

# %%
# The same step in digitnet
# -------------------------
# digitnet's network is these two layers and their chain rule, written once each: ``Dense`` holds
# ``x W + b`` and its three gradients, ``Sigmoid`` its derivative, the cross-entropy loss the ``P - Y``.
# Given the same weights and the same batch (in float64, so that only rounding can differ), it must
# compute the same gradients and take the same step.
from digitnet.nn import Network  # noqa: E402  (imported here, where it is first needed)
from digitnet.nn.layers import Dense, Sigmoid, Softmax  # noqa: E402
from digitnet.nn.optimizers import SGD  # noqa: E402
from digitnet.train import train_step  # noqa: E402

start = [p.astype(np.float64) for p in params]            # the trained weights, in float64
net = Network([Dense(100, input_dim=784), Sigmoid(), Dense(10), Softmax()], loss="cross_entropy",
              dtype=np.float64, inputs="features")
net.set_weights({"0.W": start[0], "0.b": start[1], "2.W": start[2], "2.b": start[3]})
X, Y = X_train[:batch_size].astype(np.float64), Y_train[:batch_size].astype(np.float64)

A1, P = forward(X, *start)                                 # NumPy, as above
numpy_grads = backward(X, Y, A1, P, start[2])
train_step(net, SGD(net.params.groups(), lr=lr), X, Y)    # digitnet: forward, loss, backward, update
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
# The differences are float64's rounding (its precision is about 1e-16), far below the gradients
# themselves: the same arithmetic, added up in a slightly different order. What digitnet
# adds on top of this page is organisation, not different arithmetic: layers that can be stacked in any
# order, other costs and optimisers, convolutions, and checks that each piece's gradient is right.
plt.show()
