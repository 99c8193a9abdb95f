"""CPU time of one request's own work in ``digitnet serve``: with BLAS as NumPy starts it, and on one thread.

    python benchmarks/request_cpu.py                      # the packaged model
    python benchmarks/request_cpu.py models/default.npz

A request's work is what the server does with a 280x280 PNG of a 7 (what the drawing page sends):
read and prepare it (``digitnet.images.prepare``), run the network on it, and encode the JSON
answer. This measures the process's CPU time (all its threads, BLAS's included) for that work done
``--rounds`` times in a row, and for the preparation alone, first with BLAS as NumPy started it, then
after ``digitnet.serve.process.one_blas_thread()``, as ``digitnet serve`` runs. Why process CPU and
not wall time: OpenBLAS's threads spin while they wait for work, which costs CPU that a clock on
the main thread does not see; and CPU time depends much less on what else the machine runs. A run
of the script with ``OPENBLAS_NUM_THREADS`` set measures that count only (it is then left as it is).
"""

from __future__ import annotations

import argparse
import json
import time

import _common
import pictures
from digitnet.images import prepare
from digitnet.images.reading import read_digit
from digitnet.io import load_model


def cpu_ms(work, rounds: int, repeats: int = 3) -> float:
    """The least process CPU time of ``work`` over ``repeats`` runs of ``rounds`` calls, in ms a call."""
    work()  # warm up
    found = []
    for _ in range(repeats):
        started = time.process_time()
        for _ in range(rounds):
            work()
        found.append((time.process_time() - started) * 1000 / rounds)
    return min(found)


def main(argv=None) -> int:
    from digitnet.cli.common import model_path
    from digitnet.serve.process import one_blas_thread

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model", nargs="?", help="a model file (default: the packaged model)")
    p.add_argument("--rounds", type=int, default=100)
    args = p.parse_args(argv)
    _common.print_machine(_common.machine())
    network = load_model(model_path(args.model, quiet=True)).network
    body = pictures.drawing(280)

    def request() -> None:
        reading = read_digit(network, body)
        image = reading.pop("image")  # as the server's reader does (None: a blank picture)
        reading["image28"] = None if image is None else image.tolist()
        json.dumps(reading)

    rows = [("BLAS as started", cpu_ms(request, args.rounds), cpu_ms(lambda: prepare(body), args.rounds))]
    if one_blas_thread():
        rows.append(("BLAS on one thread", cpu_ms(request, args.rounds), cpu_ms(lambda: prepare(body), args.rounds)))
    else:
        print("(BLAS left as it is: OPENBLAS_NUM_THREADS or OMP_NUM_THREADS is set, or it is not OpenBLAS)")
    print(f"{'':<22}{'a request':>12}{'preparation':>14}   (process CPU, ms)")
    for label, whole, preparation in rows:
        print(f"{label:<22}{whole:>12.2f}{preparation:>14.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
