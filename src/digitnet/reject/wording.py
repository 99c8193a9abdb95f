"""How a refusal's numbers are written: the same characters from Python and from the page.

A reason such as "its energy score 5.159 is below the model's threshold 5.161" is made twice: by
:meth:`digitnet.reject.Decision.reason` for ``digitnet predict`` and the server, and by ``nn.js`` in the
browser. Two decimals usually do, but a score just under its threshold needs more ("5.16 is below
5.16" says nothing), and the two languages round differently (Python's format rounds exact halves to
even, JavaScript's ``toFixed`` away from zero), so Python writes the numbers the way JavaScript does.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext


def told_apart(score: float, threshold: float) -> tuple[str, str]:
    """A score and the threshold it misses, with two decimals, or as many more as it takes for them not to
    read the same ("5.16 is below 5.16" says nothing): 5.159 and 5.161, say; numbers too close for 16
    decimals in full. Written as ``nn.js`` writes them (JavaScript's ``toFixed``), so that the page and
    Python give the same reason."""
    for decimals in range(2, 17):
        shown = fixed(score, decimals), fixed(threshold, decimals)
        if shown[0] != shown[1]:
            return shown
    return fixed(score), fixed(threshold)


def fixed(x: float, decimals: int | None = None) -> str:
    """``x`` as JavaScript's ``x.toFixed(decimals)`` writes it: the exact binary value rounded half away
    from zero (Python's format rounds exact halves to even: 5.125 is 5.12 there, 5.13 here), no sign on
    -0 (but -0.004 is -0.00); without ``decimals``, the shortest text that reads back as ``x``
    (JavaScript's ``String(x)``); infinities as "inf" and "-inf"."""
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if decimals is None or abs(x) >= 1e21:  # JavaScript's toFixed writes these as String(x) too
        return _javascript_string(x)
    with localcontext() as context:
        context.prec = 800  # every digit of any double, rounded once (a stranger's file may hold 1e300)
        rounded = Decimal(x + 0.0).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)  # -0.0 + 0.0: 0.0
    return format(rounded, "f")  # never an exponent (str() writes 1E-7)


def _javascript_string(x: float) -> str:
    """``String(x)`` in JavaScript: the shortest digits that read back as ``x`` (Python's ``repr`` finds the
    same), in full from 1e-6 up to 1e21 and with an exponent outside (ECMAScript's Number::toString)."""
    sign, digits, exponent = Decimal(repr(abs(x))).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    k, n = len(text), len(digits) + int(exponent)  # the value is 0.text times 10**n
    if text == "0":
        body = "0"
    elif k <= n <= 21:
        body = text + "0" * (n - k)
    elif 0 < n <= 21:
        body = text[:n] + "." + text[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * -n + text
    else:
        body = (text[0] + ("." + text[1:] if k > 1 else "") + f"e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}")
    return ("-" if x < 0 else "") + body
