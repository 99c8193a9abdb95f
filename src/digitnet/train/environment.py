"""Where a run's arithmetic happened: the libraries and the BLAS a model was trained with.

A seed fixes every random draw, but not the order in which float32 numbers are added. OpenBLAS
chooses its kernels by the processor it runs on (SkylakeX, Haswell, Zen...) and splits products by
its thread count, and each choice sums in another order; the drawn training pictures depend on how
NumPy, Pillow and matplotlib rasterise them. Over millions of steps the last bits grow into another
model, as accurate within the seeds' spread. So the same code and seed give the same model bit for
bit only where these are the same, and every model file records them (its ``environment``; what each
key means, and how a file's record is read, is in :mod:`digitnet.io.metadata`): ``digitnet info``
shows them, and ``scripts/check_saved_models.py`` names the ones that differ when a model does not
come out again, instead of blaming the code.
"""

from __future__ import annotations

import platform
from importlib import metadata
from typing import Any

from digitnet.io.metadata import ENVIRONMENT_PACKAGES


def environment() -> dict[str, Any]:
    """This process's Python, library versions and BLAS: its kernels and threads when threadpoolctl can
    read them from the loaded library, None otherwise."""
    import numpy  # noqa: F401  (loaded first, so that threadpoolctl finds its BLAS)

    found: dict[str, Any] = {"python": platform.python_version()}
    for package in ENVIRONMENT_PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    found.update(blas=None, blas_kernels=None, blas_threads=None)
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return found
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            found.update(blas=f"{pool.get('internal_api')} {pool.get('version')}",
                         blas_kernels=pool.get("architecture"), blas_threads=pool.get("num_threads"))
            break
    return found
