"""The trained model that ships inside the package.

``default.npz`` is the ``default`` preset trained from seed 0 on MNIST by
``scripts/make_packaged_model.py`` (``make packaged-model``). It is an ordinary model file, so
``digitnet info`` shows its recipe, seed and test figures, and the commands that read a model
(``predict``, ``serve``, ``evaluate``, ``info``) use it when none is named.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["packaged_model_path"]


def packaged_model_path() -> Path:
    """Where the packaged model lies; a clear error if this install was built without it."""
    from digitnet.errors import DigitnetError

    path = Path(__file__).with_name("default.npz")
    if not path.is_file():
        raise DigitnetError(f"the packaged model {path} is missing from this install; "
                            "name a model file, or run 'make packaged-model' in a checkout")
    return path
