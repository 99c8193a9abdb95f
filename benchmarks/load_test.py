"""Load test of ``digitnet serve``: throughput, latency, errors and the server's memory under load.

    python benchmarks/load_test.py models/default.npz                 # 8 clients, 3,000 requests
    python benchmarks/load_test.py models/default.npz --slow 40       # ... while 40 slowloris clients dawdle
    python benchmarks/load_test.py models/default.npz --baseline ../main/src   # the code before a change

It starts ``digitnet serve MODEL`` on 127.0.0.1 (a free port; nothing else is ever contacted), sends
it a few warm-up requests, then lets ``--clients`` clients post the same 280x280 PNG of a 7 (what the
drawing page sends; benchmarks/pictures.py draws it) over keep-alive connections, each sending its
next request as soon as the answer is in. It stops after ``--requests`` answers or ``--seconds``,
whichever comes first, and prints requests per second, latency percentiles, errors by kind (any
answer but a 200 reading a 7, or a broken connection), the server's CPU time per request, and its
memory (resident set) before the load, after it, and at its peak.

``--slow N`` adds N clients that each open a connection and send a header line every 2 s without
ever finishing (slowloris); the figures then show whether they lock anyone out.

On a shared machine the requests per second depend on what else runs; the server's CPU time per
request, printed beside it, does much less. The issue's aim: at least 150 requests/s from 8 clients
on 2 cores, with the 99th percentile under 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import _common
import pictures

HOST = "127.0.0.1"


def start_server(model: str, extra: list[str], code: Path | None = None) -> tuple[subprocess.Popen, int]:
    """``digitnet serve MODEL --port 0`` in a child process; returns it and the port it chose.

    ``code`` is a source folder (holding ``digitnet/``) to run the server from instead of the installed
    digitnet, e.g. ``src`` of a checkout of main: the figures to measure against, in the same sitting.
    """
    command = [sys.executable, "-m", "digitnet", "serve", model, "--host", HOST, "--port", "0", *extra]
    env = dict(os.environ)
    if code is not None:
        if not (code / "digitnet" / "__init__.py").is_file():
            raise SystemExit(f"{code} holds no digitnet/ package (give the src folder of a checkout)")
        env["PYTHONPATH"] = str(code.resolve()) + os.pathsep + env.get("PYTHONPATH", "")
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    line = server.stdout.readline()  # "serving MODEL at http://127.0.0.1:PORT/  (Ctrl-C to stop)"
    if "http://" not in line:
        server.kill()
        raise SystemExit(f"the server did not start: {line.strip() or 'no output'}")
    port = int(line.split("http://")[1].split("/")[0].rsplit(":", 1)[1])
    return server, port


def memory(pid: int) -> dict[str, float]:
    """Resident set now and at its peak (MB), from /proc (Linux)."""
    found = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return found


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


class Client:
    """One keep-alive connection sending the same request again and again; raw sockets, so that the
    client costs little CPU and sends each request in one piece."""

    def __init__(self, port: int, request: bytes):
        self.port, self.request = port, request
        self.connection: socket.socket | None = None
        self.buffer = b""

    def ask(self) -> tuple[int, bytes]:
        if self.connection is None:
            self.connection = socket.create_connection((HOST, self.port), timeout=30)
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""
        self.connection.sendall(self.request)
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._receive()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def _receive(self) -> None:
        chunk = self.connection.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def slowloris(port: int, stop: threading.Event, outcomes: Counter, lock: threading.Lock) -> None:
    """A client that sends a request line, then one header line every 2 s, until the server gives up."""
    outcome = "still connected at the end"
    try:
        with socket.create_connection((HOST, port), timeout=10) as connection:
            connection.sendall(b"POST /api/predict HTTP/1.1\r\nHost: x\r\n")
            connection.settimeout(2.0)
            n = 0
            while not stop.is_set():
                try:
                    reply = connection.recv(65536)
                    outcome = f"answered {reply[9:12].decode()}" if reply else "closed by the server"
                    break
                except TimeoutError:
                    n += 1
                    connection.sendall(f"X-Slow-{n}: x\r\n".encode())
    except OSError as err:
        outcome = f"connection error ({type(err).__name__})"
    with lock:
        outcomes[outcome] += 1


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model", help="a model file (e.g. models/default.npz)")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--requests", type=int, default=3000, help="stop after this many answers (default 3000)")
    p.add_argument("--seconds", type=float, default=60, help="... or after this long (default 60)")
    p.add_argument("--warmup", type=int, default=40, help="requests before the measurement (default 40)")
    p.add_argument("--slow", type=int, default=0, help="slowloris clients dawdling during the load (default 0)")
    p.add_argument("--log", action="store_true", help="let the server log each request (default: --quiet)")
    p.add_argument("--json", type=Path, help="also write the figures here")
    p.add_argument("--baseline", type=Path, metavar="SRC",
                   help="run the server from this source folder instead (e.g. src of a checkout of main), to "
                        "measure the code before a change in the same sitting")
    args = p.parse_args(argv)
    if not (1 <= args.clients <= 64 and 1 <= args.requests <= 100_000 and 0 < args.seconds <= 600
            and 0 <= args.slow <= 200):
        raise SystemExit("keep it bounded: 1-64 clients, 1-100,000 requests, up to 600 s, up to 200 slow clients")
    machine = _common.machine()
    _common.print_machine(machine)
    body = pictures.drawing(280)
    request = (f"POST /api/predict HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: image/png\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    server, port = start_server(args.model, [] if args.log else ["--quiet"], args.baseline)
    try:
        before = memory(server.pid)
        warm = Client(port, request)
        for _ in range(args.warmup):
            warm.ask()
        warm.close()
        warmed = memory(server.pid)
        stop, lock = threading.Event(), threading.Lock()
        slow_outcomes: Counter = Counter()
        dawdlers = [threading.Thread(target=slowloris, args=(port, stop, slow_outcomes, lock), daemon=True)
                    for _ in range(args.slow)]
        for thread in dawdlers:
            thread.start()
        if dawdlers:
            time.sleep(1.0)  # they are all connected and dawdling before the load starts
        latencies: list[float] = []
        errors: Counter = Counter()
        started = time.perf_counter()
        cpu_start = cpu_seconds(server.pid)
        deadline = started + args.seconds

        def work() -> None:
            client = Client(port, request)
            while True:
                with lock:
                    if len(latencies) + sum(errors.values()) >= args.requests or time.perf_counter() > deadline:
                        break
                t0 = time.perf_counter()
                try:
                    status, answer = client.ask()
                    ok = status == 200 and json.loads(answer)["digit"] == 7
                    problem = None if ok else f"HTTP {status}" + ("" if status != 200 else " (not a 7)")
                except (OSError, ValueError, KeyError) as err:
                    client.close()
                    problem = type(err).__name__
                elapsed = time.perf_counter() - t0
                with lock:
                    if problem is None:
                        latencies.append(elapsed)
                    else:
                        errors[problem] += 1
            client.close()

        workers = [threading.Thread(target=work) for _ in range(args.clients)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
        wall = time.perf_counter() - started
        cpu_end = cpu_seconds(server.pid)
        after = memory(server.pid)
        stop.set()
        for thread in dawdlers:
            thread.join(5)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    done = len(latencies) + sum(errors.values())
    ms = sorted(x * 1000 for x in latencies)

    def pct(q: float) -> float:
        return ms[min(len(ms) - 1, int(q / 100 * len(ms)))] if ms else float("nan")

    figures = {
        "clients": args.clients, "slow_clients": args.slow, "requests": done, "ok": len(latencies),
        "errors": dict(errors), "seconds": round(wall, 2), "requests_per_second": round(len(latencies) / wall, 1),
        "latency_ms": {"p50": round(pct(50), 1), "p90": round(pct(90), 1), "p99": round(pct(99), 1),
                       "max": round(ms[-1], 1) if ms else None,
                       "mean": round(statistics.mean(ms), 1) if ms else None},
        "server_cpu_ms_per_request": (round((cpu_end - cpu_start) / done * 1000, 2)
                                      if done and cpu_start is not None and cpu_end is not None else None),
        "server_memory_mb": {"before": round(before.get("VmRSS", 0), 1),
                             "after_warmup": round(warmed.get("VmRSS", 0), 1),
                             "after": round(after.get("VmRSS", 0), 1), "peak": round(after.get("VmHWM", 0), 1)},
        "slow_clients_outcome": dict(slow_outcomes), "picture_bytes": len(body), "machine": machine,
        "code": str(args.baseline) if args.baseline else "installed digitnet",
    }
    lat = figures["latency_ms"]
    mem = figures["server_memory_mb"]
    print(f"{args.clients} clients posting a {len(body):,}-byte 280x280 PNG of a 7"
          + (f" (server from {args.baseline})" if args.baseline else "")
          + (f", {args.slow} slowloris clients dawdling" if args.slow else ""))
    print(f"  {len(latencies):,} answers in {wall:.1f} s: {figures['requests_per_second']} requests/s")
    print(f"  latency ms: p50 {lat['p50']}, p90 {lat['p90']}, p99 {lat['p99']}, max {lat['max']}")
    print(f"  errors: {sum(errors.values())}" + (f" ({dict(errors)})" if errors else ""))
    print(f"  server CPU per request: {figures['server_cpu_ms_per_request']} ms")
    print(f"  server memory (resident, MB): {mem['before']} before, {mem['after_warmup']} after warm-up, "
          f"{mem['after']} after the load, peak {mem['peak']}")
    if args.slow:
        print(f"  slowloris clients: {dict(slow_outcomes)}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
