"""The server's memory after bursts of large pictures: resident memory after the bursts, against its idle figure.

    python benchmarks/memory_bursts.py models/default.npz                      # 4 bursts of 16 clients
    python benchmarks/memory_bursts.py models/default.npz --baseline ../main/src   # the code before a change

It starts ``digitnet serve MODEL`` on 127.0.0.1 (a free port; nothing else is ever contacted), reads
one small drawing (so that everything is imported and warm) and takes the server's resident memory:
its idle figure. Then come ``--bursts`` bursts: in each, ``--clients`` clients connect at once and
each posts the same legal 24-megapixel PNG (6000x4000, a 7 in ink on lit, grainy paper, a few MB;
made on the spot), and the burst ends when every answer is in. After each burst and a pause of a
second, the server's resident memory is taken again. It prints the answers (200s, and 503s from
pictures that waited too long for a turn), the memory after each burst, the peak, and the figure
that counts: resident memory after the last burst minus the idle one. The aim (issue 21): at most
300 MB; before, 1.5-2.6 GB.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image

import _common
import pictures
from load_test import Client, memory, start_server

AIM_MB = 300


def big_picture(width: int = 6000, height: int = 4000, seed: int = 0) -> bytes:
    """A PNG of a 7 on unevenly lit, grainy paper: RGB, ``width`` x ``height`` (24 megapixels by default)."""
    rng = np.random.default_rng(seed)
    small = Image.open(io.BytesIO(pictures.drawing(400))).convert("RGB").resize((width // 10, height // 10))
    picture = np.asarray(small.resize((width, height), Image.Resampling.BILINEAR), dtype=np.float32)
    picture *= np.linspace(0.8, 1.0, width, dtype=np.float32)[None, :, None]
    picture += rng.integers(-3, 4, size=(height, 1, 1)).astype(np.float32)  # grain along the rows: PNG stays small
    buffer = io.BytesIO()
    Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8)).save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model", help="a model file (e.g. models/default.npz)")
    p.add_argument("--bursts", type=int, default=4)
    p.add_argument("--clients", type=int, default=16, help="clients in each burst (default 16)")
    p.add_argument("--baseline", type=Path, metavar="SRC",
                   help="run the server from this source folder instead (e.g. src of a checkout of main)")
    p.add_argument("--json", type=Path, help="also write the figures here")
    args = p.parse_args(argv)
    if not (1 <= args.bursts <= 20 and 1 <= args.clients <= 32):
        raise SystemExit("keep it bounded: 1-20 bursts of 1-32 clients")
    machine = _common.machine()
    _common.print_machine(machine)
    body = big_picture()
    drawing = pictures.drawing(280)

    def post(data: bytes) -> bytes:
        return (f"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nConnection: close\r\n"
                f"Content-Length: {len(data)}\r\n\r\n").encode() + data

    server, port = start_server(args.model, ["--quiet"], args.baseline)
    outcomes: Counter = Counter()
    lock = threading.Lock()
    after: list[float] = []
    try:
        status, _ = Client(port, post(drawing)).ask()
        if status != 200:
            raise SystemExit(f"the warm-up drawing got HTTP {status}")
        time.sleep(1.0)
        idle = memory(server.pid)["VmRSS"]
        started = time.perf_counter()

        def client() -> None:
            try:
                status, answer = Client(port, post(body)).ask()
                outcome = f"HTTP {status}" + (" (a 7)" if status == 200 and json.loads(answer)["digit"] == 7 else "")
            except OSError as err:
                outcome = type(err).__name__
            with lock:
                outcomes[outcome] += 1

        for _ in range(args.bursts):
            threads = [threading.Thread(target=client) for _ in range(args.clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            time.sleep(1.0)
            after.append(memory(server.pid)["VmRSS"])
        seconds = time.perf_counter() - started
        peak = memory(server.pid)["VmHWM"]
    finally:
        server.terminate()
        try:
            server.wait(10)
        except Exception:
            server.kill()
    growth = after[-1] - idle
    figures = {"bursts": args.bursts, "clients": args.clients, "picture": "6000x4000 PNG", "picture_bytes": len(body),
               "answers": dict(outcomes), "seconds": round(seconds, 1), "idle_mb": round(idle, 1),
               "after_each_burst_mb": [round(x, 1) for x in after], "peak_mb": round(peak, 1),
               "after_minus_idle_mb": round(growth, 1), "aim_mb": AIM_MB,
               "code": str(args.baseline) if args.baseline else "installed digitnet", "machine": machine}
    print(f"{args.bursts} bursts of {args.clients} clients, each posting a {len(body):,}-byte 6000x4000 PNG of a 7"
          + (f" (server from {args.baseline})" if args.baseline else ""))
    print(f"  answers: {dict(outcomes)} in {seconds:.1f} s")
    print(f"  server memory (resident, MB): idle {idle:.0f}, after each burst "
          f"{', '.join(f'{x:.0f}' for x in after)}; peak {peak:.0f}")
    print(f"  after the bursts minus idle: {growth:.0f} MB (aim: at most {AIM_MB} MB)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0 if growth <= AIM_MB else 1


if __name__ == "__main__":
    sys.exit(main())
