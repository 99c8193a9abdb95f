"""The one input contract: whatever a user hands in becomes the network's float input, or a clear error.

Pixels arrive in many forms: uint8 straight from the IDX files, int64 from ``pandas.read_csv`` of a
Kaggle-style CSV, floats in [0, 1] from another library, floats in [0, 255] from a photo editor, as
NumPy arrays, DataFrames or nested lists, flat (N, 784) or shaped (N, 28, 28) or (N, 1, 28, 28). A
network trained on [0, 1] that is fed [0, 255] (or the other way round) sees nonsense and says nothing,
so the rule is written down once, here, and every entry point (training, ``predict``, the estimator,
the server) goes through it::

    the whole array is judged at once, then
    - integers (any width) must lie in 0..255 and are divided by 255; booleans are 0 and 1;
    - floats must be finite and non-negative; if the largest value is at most 1 they are taken as
      they are, if it is at most 255 they are divided by 255, and anything larger is refused;
    - anything else (text, objects, complex numbers) is refused.

A network whose inputs are not pixels at all (the two-moons points, standardised features) is built
with ``inputs="features"``: its numbers are only checked to be finite and real, never rescaled.
Shapes are the network's business: any array whose samples hold the right number of values is
reshaped to the per-sample ``input_shape`` (one sample alone may come without the batch axis).
"""

from __future__ import annotations

import math

import numpy as np

from digitnet.errors import DigitnetError

#: what a network's inputs are: pixel brightness (scaled by the rule above) or plain features
INPUT_KINDS = ("pixels", "features")


def as_array(X, what: str = "the input") -> np.ndarray:
    """A NumPy array of numbers from an array, a DataFrame or nested lists; a clear error otherwise."""
    if hasattr(X, "to_numpy") and not isinstance(X, np.ndarray):  # pandas DataFrame / Series
        X = X.to_numpy()
    try:
        array = np.asarray(X)
    except (ValueError, TypeError) as err:  # ragged lists
        raise DigitnetError(f"{what} is not a rectangular array of numbers ({_first_line(err)}); "
                            "give every sample the same number of values") from None
    if array.dtype == bool:
        return array
    if array.dtype.kind not in "uif":
        kind = "complex numbers" if array.dtype.kind == "c" else f"{array.dtype} values"
        raise DigitnetError(f"{what} holds {kind}; give real numbers (pixels 0-255 or 0-1)")
    return array


def scale_pixels(X, dtype=np.float32, what: str = "the input") -> np.ndarray:
    """Pixel values of any numeric type -> ``dtype`` in [0, 1], by the rule in this module's docstring."""
    array = as_array(X, what)
    if array.dtype == np.uint8:  # the common case: no range to check
        out = array.astype(dtype)
        return np.divide(out, np.asarray(255, dtype), out=out)
    if array.size == 0 or array.dtype == bool:
        return array.astype(dtype)
    if array.dtype.kind in "ui":
        smallest, largest = int(array.min()), int(array.max())
        if smallest < 0 or largest > 255:
            raise DigitnetError(f"{what} holds whole numbers from {smallest} to {largest}; pixels must be 0-255 "
                                "(rescale them, or give floats in 0-1)")
        out = array.astype(dtype)
        return np.divide(out, np.asarray(255, dtype), out=out)
    low, high = _finite_range(array, what)
    if low < 0:
        raise DigitnetError(f"{what} holds values down to {low:g}; pixels must be 0-1 or 0-255 "
                            "(standardised features need a network built with inputs='features')")
    if high > 255:
        raise DigitnetError(f"{what} holds values up to {high:g}; pixels must be 0-1 or 0-255 (rescale them)")
    if high <= 1:
        return array.astype(dtype, copy=False)
    out = array.astype(dtype, copy=True)
    return np.divide(out, np.asarray(255, dtype), out=out)


def check_features(X, dtype=np.float32, what: str = "the input") -> np.ndarray:
    """Plain features: real and finite, converted to ``dtype``, never rescaled."""
    array = as_array(X, what)
    if array.size and array.dtype.kind == "f":
        _finite_range(array, what)
    return array.astype(dtype, copy=False)


def to_input(X, input_shape: tuple[int, ...], kind: str = "pixels", dtype=np.float32) -> np.ndarray:
    """``X`` as a batch ``(N, *input_shape)`` of ``dtype``: the one conversion every network input goes through."""
    if kind not in INPUT_KINDS:
        raise DigitnetError(f"inputs must be one of {', '.join(INPUT_KINDS)}, got {kind!r}")
    X = as_array(X)
    n_in = math.prod(input_shape)
    if X.ndim >= 1 and math.prod(X.shape[1:]) == n_in:
        shape = (len(X),) + tuple(input_shape)
    elif X.size == n_in:  # a single sample without its batch axis
        shape = (1,) + tuple(input_shape)
    else:
        raise DigitnetError(f"input of shape {X.shape} does not fit this network, which expects samples of "
                            f"shape {tuple(input_shape)} ({n_in} values each)")
    X = scale_pixels(X, dtype) if kind == "pixels" else check_features(X, dtype)
    return X.reshape(shape)


def picture_size(sample_shape) -> tuple[int, int] | None:
    """The (height, width) of the one-channel picture a sample of ``sample_shape`` holds: (H, W) and
    (1, H, W) as they are, a row of a square number of values as a square (MNIST's 784 are 28x28); None
    for anything else (several channels, rows that are not square). Training's augmentation, the digit
    grids and the first layer's weights all read pictures this way."""
    shape = tuple(int(s) for s in sample_shape)
    if len(shape) == 3 and shape[0] == 1:  # one channel, as a CNN takes them
        shape = shape[1:]
    if len(shape) == 2:
        return (shape[0], shape[1])
    side = math.isqrt(shape[0]) if len(shape) == 1 else 0
    return (side, side) if side and side * side == shape[0] else None


def _finite_range(array: np.ndarray, what: str) -> tuple[float, float]:
    """(min, max) of a float array, refusing NaN and infinity with a message that says where."""
    low, high = float(np.min(array)), float(np.max(array))
    if not (math.isfinite(low) and math.isfinite(high)):  # NaN propagates into min/max, inf shows there
        bad = int(np.count_nonzero(~np.isfinite(array)))
        raise DigitnetError(f"{what} holds {bad:,} NaN or infinite value{'s' if bad != 1 else ''}; "
                            "fill or drop them first")
    return low, high


def _first_line(err: Exception) -> str:
    return str(err).splitlines()[0][:100] if str(err) else type(err).__name__
