"""Shared pieces of the benchmarks: data, statistics, machine description and library worker processes.

Each library runs in a process of its own (two libraries' thread pools in one process distort each
other). A :class:`Worker` starts ``worker.py LIBRARY`` and calls methods of that library's ``Bench``
object one at a time over a pipe (one JSON line each way), so a benchmark can alternate between
libraries round by round: whatever else the machine is doing then affects every library alike, and
the ratios of the same round are fair even on a busy machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_data():
    """MNIST as digitnet's trainer sees it: float32 (N, 784) in [0, 1] and int64 labels."""
    import numpy as np

    from digitnet.data import load_mnist
    from digitnet.nn.inputs import scale_pixels

    ds = load_mnist(progress=False)
    def flat(images):
        return scale_pixels(images).reshape(len(images), -1)

    return (flat(ds.train_images), ds.train_labels.astype(np.int64),
            flat(ds.test_images), ds.test_labels.astype(np.int64))


def cores() -> int:
    """Cores this process may run on (respects taskset / cgroup affinity)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def threads() -> int:
    """Threads a library should use: what the user asked BLAS for (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS),
    else one per core, which is OpenBLAS's own default. PyTorch is given the same number as NumPy has."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(name, "").strip().isdigit():
            return int(os.environ[name])
    return cores()


def limit_threads(n: int | None) -> None:
    """Ask every library started from now on (the workers) for ``n`` threads; None leaves the defaults."""
    if n:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(n)


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def spread(values: list[float], unit: str = "s", digits: int = 3) -> str:
    """'0.412 s (0.401-0.433)': median, then min-max."""
    s = summary(values)
    unit = f" {unit}" if unit else ""
    return f"{s['median']:.{digits}f}{unit} ({s['min']:.{digits}f}-{s['max']:.{digits}f})"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict:
    """What the figures depend on: CPU, cores, load, Python and NumPy with its BLAS."""
    import numpy as np

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas_text = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # older NumPy without mode="dicts"
        blas_text = "unknown"
    return {"cpu": cpu_model(), "cores": cores(), "load_average": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(), "numpy": np.__version__, "numpy_blas": blas_text,
            "blas_threads": blas_threads(), "platform": platform.platform()}


def blas_threads() -> str:
    """Thread count of each BLAS loaded in this process, via threadpoolctl when it is installed."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed (BLAS default: usually one thread per core)"
    pools = [f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture', '?')}): "
             f"{p.get('num_threads')} threads" for p in threadpool_info()]
    return "; ".join(pools) or "none loaded"


def print_machine(info: dict, extra: dict | None = None) -> None:
    print(f"machine: {info['cpu']}, {info['cores']} cores, load average {info['load_average']} "
          f"(1, 5, 15 min); {info['platform']}")
    print(f"python {info['python']}, numpy {info['numpy']} with {info['numpy_blas']}; {info['blas_threads']}")
    for name, value in (extra or {}).items():
        if isinstance(value, dict):  # a worker's info(): keep what the machine line has not said already
            value = ", ".join(f"{k} {v}" for k, v in value.items() if k not in info)
        print(f"{name}: {value}")


class WorkerError(RuntimeError):
    pass


class Worker:
    """One library's benchmark code, running in its own Python process (see worker.py)."""

    def __init__(self, library: str):
        self.library = library
        self.process = subprocess.Popen([sys.executable, str(HERE / "worker.py"), library], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, bufsize=1)

    def call(self, method: str, **kwargs):
        self.process.stdin.write(json.dumps({"call": method, "args": kwargs}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise WorkerError(f"the {self.library} worker died (see its error above)")
        answer = json.loads(line)
        if "error" in answer:
            raise WorkerError(f"{self.library}.{method}: {answer['error']}")
        return answer["result"]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@contextlib.contextmanager
def workers(libraries):
    """``{library: Worker}``, one process each, all closed on the way out, after an error too."""
    started = {}
    try:
        for name in libraries:
            started[name] = Worker(name)
        yield started
    finally:
        for worker in started.values():
            worker.close()


def settle() -> None:
    """A short pause between libraries, so that one library's BLAS or OpenMP threads, which spin for a
    moment after their last task, are asleep before the next library starts its clock."""
    time.sleep(0.2)


def available(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
