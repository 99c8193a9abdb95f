"""The server's process, tuned for reading one picture at a time: BLAS on one thread, freed memory returned.

Why: both are settings of the whole process, right for a server and wrong to impose on a library's
users, so ``digitnet serve`` calls :func:`tune_for_serving` and nothing else does.

- One image through the network is a few small matrix products. OpenBLAS splits even those over
  every core, and its threads then spin waiting for more work: with two cores, most of the server's
  CPU time went to that spinning (with one thread, the server's CPU per request under
  benchmarks/load_test.py fell to about a third when this was measured; one request alone, measured by
  benchmarks/request_cpu.py, takes about half). Two pictures are read at once by two worker threads
  anyway. A thread count set in the environment (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``) is left
  as it is.
- A picture is decoded into buffers of tens of megabytes. glibc's ``malloc`` serves a block that large
  with its own ``mmap`` and returns it to the system when it is freed, but then raises that threshold
  to the freed block's size, so the next pictures' buffers come from its heaps (one per thread that
  allocates), which keep freed memory for later: bursts of large pictures left a server at 1.5-2.6 GB
  resident. Setting the threshold (``M_MMAP_THRESHOLD``) stops the raising, and two heaps
  (``M_ARENA_MAX``) are enough when pictures are read by two worker threads.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

#: OpenBLAS's call to set its thread count, as each build names it (NumPy's wheels: scipy_..._64_)
_OPENBLAS_SETTERS = ("openblas_set_num_threads", "openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                     "scipy_openblas_set_num_threads64_")
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def tune_for_serving() -> dict[str, bool]:
    """Both settings below; says which could be made."""
    return {"one_blas_thread": one_blas_thread(), "memory_returned": return_freed_memory_promptly()}


def one_blas_thread() -> bool:
    """Make the OpenBLAS that NumPy loaded use one thread, unless the environment says otherwise; False
    when it is not OpenBLAS, not Linux, or a thread count was given."""
    import numpy  # noqa: F401  (BLAS is loaded with NumPy)

    if any(os.environ.get(name) for name in _THREAD_VARIABLES) or not sys.platform.startswith("linux"):
        return False
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line}
    except OSError:
        return False
    done = False
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _OPENBLAS_SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter(1)
                done = True
                break
    return done


def return_freed_memory_promptly(threshold: int = 1 << 20) -> bool:
    """Ask glibc's ``malloc`` to give blocks of ``threshold`` bytes or more back to the system as soon as
    they are freed, and to keep two heaps; False where it cannot (not Linux, or not glibc)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    m_mmap_threshold, m_arena_max = -3, -8  # from glibc's malloc.h
    return bool(mallopt(m_mmap_threshold, threshold)) and bool(mallopt(m_arena_max, 2))
