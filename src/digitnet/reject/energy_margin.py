"""Energy margins: outlier exposure that also trains the very score the reject rule thresholds.

Outlier exposure (:mod:`.outlier_exposure`) aims a negative's probabilities at the uniform distribution.
But the rule refuses by the *energy* score S(z) = logsumexp(z), and a uniform softmax says nothing
about S: ten equal logits of 3 are as uniform as ten of 0, with S = 5.3 against 2.3. So the negatives
that fool the rule are those whose logits are all high, and outlier exposure barely sees them.
Liu, Wang, Owens & Li (2020) train S itself, with a squared hinge on each side of a gap:

    (1/N) [ outlier exposure's sum  +  weight * ( sum over digits of max(0, m_in - S)^2
                                                  + sum over negatives of max(0, S - m_out)^2 ) ]

so that digits score at least ``m_in`` and negatives at most ``m_out``; examples already on their side
cost nothing. The gradient of S is softmax(z), so each example's extra gradient is a multiple of its
probabilities. On the default recipe (docs/reject.md, fourth round) it refused 5 to 7 points more of
the held-out non-digits than outlier exposure alone, for a few hundredths to a tenth of a point of
MNIST accuracy.
"""

from __future__ import annotations

import numpy as np

from digitnet.reject.outlier_exposure import NOT_A_DIGIT, OutlierExposure

#: where digits' energies should be at least, and negatives' at most. Ten logits of 0 give
#: log(10) = 2.3; the fourth round's default network's validation digits score 12 (median) and 3.6 (the 0.3% lowest)
#: when trained by outlier exposure alone, its negatives 2.6 (median) and 4.1 (the 90th percentile).
MARGIN_IN, MARGIN_OUT = 8.0, 2.5


class EnergyMargin(OutlierExposure):
    """:class:`~digitnet.reject.OutlierExposure` (``weight``, ``smoothing``) plus ``energy_weight`` times
    the squared hinges that keep digits' energies above ``margin_in`` and negatives' below ``margin_out``.
    Targets given as probabilities (2-D, no -1 to mark a negative) get outlier exposure's loss alone. (The
    score is :meth:`score_and_slope`'s: :class:`~digitnet.reject.LogOddsMargin` holds another one to them.)"""

    def __init__(self, weight: float = 1.0, smoothing: float = 0.0, energy_weight: float = 0.1,
                 margin_in: float = MARGIN_IN, margin_out: float = MARGIN_OUT):
        super().__init__(weight, smoothing)
        if not (np.isfinite(energy_weight) and energy_weight >= 0):
            raise ValueError(f"the energy-margin weight must be a finite number >= 0, got {energy_weight}")
        if not (np.isfinite(margin_in) and np.isfinite(margin_out) and margin_out <= margin_in):
            raise ValueError(f"the margins must be finite with margin_out <= margin_in, got {margin_out} and "
                             f"{margin_in}")
        self.energy_weight, self.margin_in, self.margin_out = float(energy_weight), float(margin_in), float(margin_out)

    def loss_and_grad(self, z, y):
        loss, grad = super().loss_and_grad(z, y)
        y = np.asarray(y)
        if y.ndim != 1 or not self.energy_weight:
            return loss, grad
        score, slope = self.score_and_slope(z)
        negative = y == NOT_A_DIGIT
        # how far each example is on the wrong side of its margin (0 when it is where it should be)
        short = np.where(negative, np.maximum(score - self.margin_out, 0), np.maximum(self.margin_in - score, 0))
        n, lam = len(z), self.energy_weight
        loss += lam * float(np.dot(short, short)) / n
        direction = np.where(negative, 1.0, -1.0)  # a negative's energy should fall, a digit's rise
        grad += (2 * lam / n * direction * short).astype(z.dtype)[:, None] * slope  # (a fresh array of super()'s)
        return loss, grad

    def score_and_slope(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The score the margins hold each example to, S(z) = logsumexp(z), and its gradient dS/dz = softmax(z)."""
        top = z.max(axis=1, keepdims=True)
        p = np.exp(z - top)
        sums = p.sum(axis=1, keepdims=True)
        return (top + np.log(sums))[:, 0], p / sums

    def __repr__(self) -> str:
        return (f"EnergyMargin(weight={self.weight:g}, smoothing={self.smoothing:g}, "
                f"energy_weight={self.energy_weight:g}, margins=({self.margin_in:g}, {self.margin_out:g}))")
