"""Outlier exposure: training on pictures that are not digits, aiming them at "no idea".

Hendrycks, Mazeika & Dietterich (2019) add to the usual loss a term for examples known to be none of
the classes, whose target is the uniform distribution: the network is taught to answer them with
equal probabilities for every digit, so a low top probability (or a low log-sum-exp of the logits)
comes to mean "not a digit". In a batch of N examples, digits labelled 0..K-1 and negatives labelled
-1 (:data:`NOT_A_DIGIT`), the loss is

    (1/N) [ sum over digits of -log p_y  +  weight * sum over negatives of (logsumexp(z) - mean(z)) ]

where logsumexp(z) - mean(z) = -(1/K) sum_k log p_k is the cross-entropy against the uniform target.
Its gradient is (softmax(z) - target) / N, the target being one-hot for a digit and uniform (times
``weight``) for a negative: the same p - y as the plain cross-entropy, so nothing else in training
changes. Validation sets of digits alone get exactly the plain cross-entropy.
"""

from __future__ import annotations

import numpy as np

from digitnet.nn.losses import SoftmaxCrossEntropy

#: the label of a training example that is not a digit
NOT_A_DIGIT = -1


class OutlierExposure(SoftmaxCrossEntropy):
    """Softmax cross-entropy for digits, cross-entropy against the uniform distribution (times
    ``weight``) for examples labelled :data:`NOT_A_DIGIT`. ``smoothing`` is label smoothing for the
    digits, as in :class:`~digitnet.nn.losses.SoftmaxCrossEntropy`."""

    def __init__(self, weight: float = 0.5, smoothing: float = 0.0):
        super().__init__(smoothing)
        if not (np.isfinite(weight) and weight >= 0):
            raise ValueError(f"the outlier-exposure weight must be a finite number >= 0, got {weight}")
        self.weight = float(weight)

    def loss_and_grad(self, z, y):
        y = np.asarray(y)
        if y.ndim != 1:
            return super().loss_and_grad(z, y)
        negative = y == NOT_A_DIGIT
        if not negative.any():
            return super().loss_and_grad(z, y)
        n, k = z.shape
        shifted = z - z.max(axis=1, keepdims=True)
        p = np.exp(shifted)
        sums = p.sum(axis=1, keepdims=True)
        log_sums = np.log(sums)[:, 0]
        p /= sums
        target = self.targets(y, negative, p)
        # per row: logsumexp(z) - sum_k target_k z_k (the targets of each row sum to 1)
        per_row = log_sums - np.einsum("ij,ij->i", target, shifted)
        row_weight = np.where(negative, self.weight, 1.0).astype(z.dtype)
        loss = float(np.dot(per_row, row_weight)) / n
        p -= target
        p *= (row_weight / n)[:, None]
        return loss, p

    def targets(self, y: np.ndarray, negative: np.ndarray, p: np.ndarray) -> np.ndarray:
        """What each row aims at, shaped like the probabilities ``p``: a digit its own class (smoothed),
        a negative the uniform distribution."""
        target = np.zeros_like(p)
        k = p.shape[1]
        digits = np.flatnonzero(~negative)
        s = self.smoothing
        target[digits, y[digits]] = 1 - s
        target[digits] += s / k
        target[negative] = 1.0 / k
        return target

    def __repr__(self) -> str:
        return f"OutlierExposure(weight={self.weight:g}, smoothing={self.smoothing:g})"
