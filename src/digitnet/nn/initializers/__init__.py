"""Where the weights start, and why it matters.

With N(0, 1) weights (Nielsen's chapter 1) a unit with 784 inputs has a weighted sum with standard deviation
about 28, so sigmoid units start saturated and learn slowly. Scaling the spread by the number of inputs
keeps the weighted sums near 1 whatever the layer's size:

- ``normal``  N(0, 1): the original, kept to reproduce the book
- ``lecun``   N(0, 1/n_in): Nielsen's chapter 3 "improved" initialisation
- ``glorot``  U(-a, a) with a = sqrt(6 / (n_in + n_out)): keeps forward and backward variances balanced
  for tanh and sigmoid (Glorot & Bengio, 2010)
- ``he``      N(0, 2/n_in): the factor 2 makes up for ReLU zeroing half its inputs (He et al., 2015)
- ``zeros``   for biases, or for softmax regression (convex, so symmetry does not matter)
- ``small``   N(0, 0.01^2), as the "is it a 0?" tutorial did
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from digitnet.errors import DigitnetError

Initializer = Callable[[tuple[int, ...], int, int, np.random.Generator], np.ndarray]


def normal(shape, fan_in, fan_out, rng):
    return rng.standard_normal(shape)


def lecun(shape, fan_in, fan_out, rng):
    return rng.standard_normal(shape) / np.sqrt(fan_in)


def glorot(shape, fan_in, fan_out, rng):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def he(shape, fan_in, fan_out, rng):
    return rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)


def zeros(shape, fan_in, fan_out, rng):
    return np.zeros(shape)


def small(shape, fan_in, fan_out, rng):
    return rng.standard_normal(shape) * 0.01


INITIALIZERS: dict[str, Initializer] = {
    "normal": normal,
    "lecun": lecun,
    "glorot": glorot,
    "xavier": glorot,
    "he": he,
    "zeros": zeros,
    "small": small,
}


def get_initializer(name: str) -> Initializer:
    try:
        return INITIALIZERS[name]
    except KeyError:
        raise DigitnetError(
            f"unknown initialiser {name!r}; choose one of {', '.join(sorted(INITIALIZERS))}"
        ) from None


def initialize(name: str, shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator,
               dtype=np.float32) -> np.ndarray:
    """Draw an array of ``shape`` with the named scheme (in float64, then cast: same numbers for any dtype).

    Layers draw their initial weights here only. A network whose weights are loaded from a file is built
    with ``draw=False`` (``digitnet.nn.Network``): its layers start from zeros and never come here.
    """
    scheme = get_initializer(name)
    return np.ascontiguousarray(scheme(shape, fan_in, fan_out, rng), dtype=dtype)
