"""Where trials run: an existing Dask scheduler, or a local cluster sized to this machine.

A local cluster has one worker process per core, each with one thread and one BLAS thread: training
runs are independent and a NumPy training step is matrix products, so N single-threaded processes
on N cores train N networks at full speed, where threads would fight over the GIL and extra BLAS
threads over the cores. It listens on this computer only (127.0.0.1).
"""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

from digitnet.errors import DigitnetError

#: environment of each local worker process: one BLAS/OpenMP thread (Dask's nanny sets the same by
#: default; said here so it does not depend on a Dask configuration file)
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def require_distributed():
    """The ``distributed`` package, or an error saying how to get it."""
    try:
        import distributed
    except ImportError:
        raise DigitnetError("running on a Dask cluster needs the 'distributed' package: "
                            "pip install 'digitnet[dask]' (or run without a cluster)") from None
    return distributed


def local_workers(workers: int | None = None) -> int:
    """How many worker processes a local cluster gets: ``workers``, else one per core."""
    if workers is not None:
        if isinstance(workers, bool) or int(workers) < 1:
            raise DigitnetError(f"`workers` must be at least 1, got {workers!r}", parameter="workers")
        return int(workers)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@contextlib.contextmanager
def open_client(scheduler: str | None = None, workers: int | None = None, timeout: float = 30) -> Iterator:
    """A ``distributed.Client``: connected to ``scheduler`` (e.g. ``tcp://10.0.0.5:8786``), or to a
    local cluster of :func:`local_workers` processes started here and stopped on leaving."""
    distributed = require_distributed()
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as err:
            raise DigitnetError(f"cannot reach the Dask scheduler at {scheduler} ({err}); start one with "
                                "'dask scheduler' and give its address to --scheduler") from None
        with client:
            yield client
        return
    cluster = distributed.LocalCluster(n_workers=local_workers(workers), threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None, env=dict(ONE_THREAD))
    with cluster, distributed.Client(cluster) as client:
        yield client
