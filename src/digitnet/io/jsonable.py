"""NumPy numbers and arrays, and paths, in JSON: the one ``default=`` hook every JSON writer here uses."""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np


def json_default(obj):
    """For ``json.dumps(..., default=json_default)``: NumPy scalars become numbers, arrays lists, paths text."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def finite_only(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None: JSON has no such numbers, so a file or
    an answer holds null there (a reject rule's threshold of -inf, "refuse nothing", is written null)."""
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite_only(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_only(v) for v in value]
    return value
