"""Binary cross-entropy, C = -[y log p + (1 - y) log(1 - p)] with p = sigmoid(z): for yes/no questions."""

from __future__ import annotations

import numpy as np

from digitnet.nn import functional as F
from digitnet.nn.losses.base import Loss, targets_like


class BinaryCrossEntropy(Loss):
    """Takes logits z. Written with softplus, the loss is softplus(z) - y z, which never takes log(0)
    even when the sigmoid would round to exactly 0 or 1; its gradient is (sigmoid(z) - y) / N.
    Several outputs are several independent yes/no questions; the loss is summed over them.
    """

    name = "binary_cross_entropy"
    absorbs = "sigmoid"

    def loss_and_grad(self, z, y):
        t = targets_like(z, y)
        loss = float(np.sum(F.softplus(z) - t * z) / len(z))
        return loss, (F.sigmoid(z) - t) / len(z)

    def output(self, z):
        return F.sigmoid(z)
