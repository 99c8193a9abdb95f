"""``python worker.py LIBRARY``: serve one library's benchmark methods over stdin/stdout.

Reads one JSON request per line, ``{"call": "epoch", "args": {...}}``, calls that method of
``impl_<library>.Bench`` and answers ``{"result": ...}`` or ``{"error": "..."}`` on one line.
Anything the library prints goes to stderr, so stdout carries only answers.
"""

from __future__ import annotations

import importlib
import json
import sys
import traceback
from pathlib import Path


def plain(value):
    """NumPy scalars and arrays as plain JSON numbers and lists."""
    return value.tolist() if hasattr(value, "tolist") else str(value)


def main() -> int:
    library = sys.argv[1]
    answers = sys.stdout
    sys.stdout = sys.stderr  # keep the answer channel clean
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    bench = importlib.import_module(f"impl_{library}").Bench()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply = {"result": getattr(bench, request["call"])(**request.get("args", {}))}
        except Exception as err:  # report it to the parent, which stops the benchmark with the message
            traceback.print_exc()
            reply = {"error": f"{type(err).__name__}: {err}"}
        answers.write(json.dumps(reply, default=plain) + "\n")
        answers.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
