"""Where a run's arithmetic happened: the libraries and the BLAS a model was trained with.

A seed fixes every random draw, but not the order in which float32 numbers are added. OpenBLAS
chooses its kernels by the processor it runs on (SkylakeX, Haswell, Zen...) and splits products by
its thread count, and each choice sums in another order; the drawn training pictures may depend on
how NumPy, Pillow and matplotlib rasterise them (their cache is keyed by those versions for that
reason). Over a run's steps (about 1,700 for the default, each of millions of products) the last bits
grow into another model. So the same code and seed give the same model bit for bit only where these
are the same, and every model file records them (its ``environment``; what each key means, and how a
file's record is read, is in :mod:`digitnet.io.metadata`): ``digitnet info`` shows them, and
``scripts/check_saved_models.py`` names the ones that differ when a model does not come out again,
instead of blaming the code.
"""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from digitnet.io.metadata import ENVIRONMENT_PACKAGES


def environment() -> dict[str, Any]:
    """This process's Python, library versions and NumPy's BLAS with its kernels and threads, as
    threadpoolctl reads them from the loaded library (None where it cannot say: another BLAS, or none)."""
    import numpy
    from threadpoolctl import threadpool_info  # after NumPy, so that its BLAS is loaded to be found

    found: dict[str, Any] = {"python": platform.python_version()}
    for package in ENVIRONMENT_PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    pools = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    numpy_folder = Path(numpy.__file__).parent
    ours = [pool for pool in pools  # NumPy's own (its wheels keep it in numpy.libs or numpy/.dylibs)
            if (path := Path(pool.get("filepath") or "")).parent.name.startswith(numpy_folder.name)
            or numpy_folder in path.parents]
    pool = ours[0] if ours else pools[0] if len(pools) == 1 else {}  # several and none NumPy's: unknown
    found.update(blas=f"{pool['internal_api']} {pool['version']}" if pool else None,
                 blas_kernels=pool.get("architecture"), blas_threads=pool.get("num_threads"))
    return found
