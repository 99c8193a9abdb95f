"""The scripts of benchmarks/ loaded in tests as they run: from their file, with the folders they put on
their own path (benchmarks/ and its sets' folders), and under a name their dataclasses and worker
processes look them up by."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_script(monkeypatch, relative: str, name: str | None = None):
    """``benchmarks/<relative>`` as a module named ``name`` (its file's name by default); ``sys.path`` and
    ``sys.modules`` are put back when the test ends."""
    for folder in ("", "handwriting", "non_digits"):
        monkeypatch.syspath_prepend(str(BENCHMARKS / folder))
    path = BENCHMARKS / relative
    name = name or path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module
