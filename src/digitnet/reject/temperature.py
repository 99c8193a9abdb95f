"""Temperature scaling (Guo et al., 2017): one number that makes the probabilities mean what they say.

A network trained to a low loss is often over- or under-confident: of the images it gives 90%, not
90% are right. Dividing the logits by a temperature T > 1 softens every probability, T < 1 sharpens
them; the predicted class never changes (the order of the logits is kept). T is the value that
minimises the negative log-likelihood of held-out (validation) images.

The negative log-likelihood is convex in b = 1/T: it is mean(logsumexp(b z) - b z_y), a log-sum-exp
of linear functions of b plus a linear term. Its first derivative is mean(E_p[z] - z_y) and its second
mean(Var_p[z]) >= 0, with p = softmax(b z), so Newton's method on b, kept inside a bracket that always
holds the minimum, finds it in a few steps and the same way every time.
"""

from __future__ import annotations

import numpy as np

from digitnet.errors import DigitnetError
from digitnet.nn import functional as F

#: the temperatures considered: far beyond what a trained network needs either way
LOWEST, HIGHEST = 0.05, 20.0


def negative_log_likelihood(logits, labels, temperature: float) -> float:
    """mean(-log softmax(z / T)_y), in float64."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    y = np.asarray(labels)
    return float(np.mean(F.logsumexp(z, axis=1) - z[np.arange(len(z)), y]))


def fit_temperature(logits, labels, steps: int = 50) -> float:
    """The temperature in [LOWEST, HIGHEST] that minimises the negative log-likelihood of ``labels``."""
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels)
    if z.ndim != 2 or len(z) != len(y) or not len(z):
        raise DigitnetError(f"temperature fitting needs logits (N, K) and N labels; got {z.shape} and {y.shape}")
    if y.min() < 0 or y.max() >= z.shape[1]:
        raise DigitnetError("temperature fitting needs labels of digits (0 to K-1) only")
    true = z[np.arange(len(z)), y]
    low, high = 1.0 / HIGHEST, 1.0 / LOWEST  # the bracket for b = 1/T
    b = 1.0
    for _ in range(steps):
        p = F.softmax(b * z)
        mean = np.einsum("ij,ij->i", p, z)
        slope = float(np.mean(mean - true))
        curve = float(np.mean(np.einsum("ij,ij->i", p, z * z) - mean * mean))
        if slope > 0:
            high = b
        else:
            low = b
        step = b - slope / curve if curve > 0 else np.nan
        b_next = step if low < step < high else (low + high) / 2  # Newton, or bisection if it would leave
        if abs(b_next - b) < 1e-10 * b:
            b = b_next
            break
        b = b_next
    return float(1.0 / b)
