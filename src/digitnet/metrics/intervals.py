"""How far a share measured on a sample may be from the share of everything of its kind.

"3 of the 300 handwritten digits refused" is 1.00%, exactly on a bound of 1%; but one picture more or
less is a third of a point, so the figure says less than its two decimals suggest. The Wilson score
interval (Wilson, 1927) is the range of shares p for which the sample is not surprising: those with
``|k/n - p| <= z sqrt(p (1 - p) / n)``, solved for p. Unlike the textbook ``k/n +- z sqrt(p (1 - p) / n)`` it
stays inside [0, 1] and does not shrink to a point when nothing (or everything) in the sample is
counted, which is just when a few hundred pictures are measured against a bound of 1%.
"""

from __future__ import annotations

import math
import operator

#: z of a two-sided 95% interval of the normal distribution
Z_95 = 1.959963984540054


def wilson_interval(k: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval (low, high) of the share ``k`` of ``n`` (95% for the default ``z``)."""
    whole = all(hasattr(v, "__index__") and not isinstance(v, bool) for v in (k, n))  # NumPy's too; not 1.5
    if not (whole and 0 <= k <= n and n > 0):
        raise ValueError(f"a share needs whole numbers 0 <= k <= n and n > 0, got k={k!r}, n={n!r}")
    k, n = operator.index(k), operator.index(n)
    if not (math.isfinite(z) and z > 0):
        raise ValueError(f"z must be a positive number (1.96 for a 95% interval), got {z!r}")
    p, z2 = k / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # at k = 0 (k = n) the low (high) end is exactly 0 (1); computed, it can miss by a rounding
    return (0.0 if k == 0 else centre - half), (1.0 if k == n else centre + half)
