"""NumPy numbers and arrays, and paths, in JSON: the one ``default=`` hook every JSON writer here uses."""

from __future__ import annotations

import os

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
