"""The reproduction table: one row per tutorial or baseline, as Markdown (to read) and JSON (to process)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from digitnet.io.atomic import atomic_write
from digitnet.io.jsonable import json_default
from digitnet.tutorials.result import Result

COLUMNS = ("Tutorial", "Configuration", "Published", "digitnet", "Meets it?", "Training time")
QUICK_NOTE = ("**Quick run** (`--quick`): far fewer epochs and steps than the tutorials, to check that "
              "everything runs. These figures are not comparable with the published ones.")


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _meets(result: Result) -> str:
    if result.meets is None:
        return "not judged (quick run)" if result.quick and result.published.value is not None else "-"
    if result.meets and result.within_noise:
        return "within noise"
    return "yes" if result.meets else "**no**"


def _time(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def markdown_table(results: list[Result], command: str | None = None, total_seconds: float | None = None) -> str:
    """The table, preceded by the quick-run warning when needed and followed by the sources."""
    lines = []
    if any(r.quick for r in results):
        lines += [QUICK_NOTE, ""]
    lines += ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in results:
        cells = (r.tutorial, r.configuration, r.published.text, r.figure, _meets(r), _time(r.seconds))
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines.append("")
    sources = sorted({r.published.source for r in results})
    lines.append("Published figures: " + "; ".join(sources) + ".")
    if command or total_seconds is not None:
        made = f"Made with `{command}`" if command else "Made"
        lines.append(made + (f" in {_time(total_seconds)} in all." if total_seconds is not None else "."))
    return "\n".join(lines) + "\n"


def write_table(results: list[Result], out_dir: "str | Path", command: str | None = None,
                total_seconds: float | None = None, info: dict | None = None) -> tuple[Path, Path]:
    """``reproduce.md`` and ``reproduce.json`` in ``out_dir``; returns their paths."""
    out = Path(out_dir)
    md, js = out / "reproduce.md", out / "reproduce.json"
    with atomic_write(md, "w") as f:
        f.write(markdown_table(results, command, total_seconds))
    payload = {**(info or {}), "command": command, "total_seconds": total_seconds,
               "results": [r.to_dict() for r in results]}
    with atomic_write(js, "w") as f:
        json.dump(payload, f, indent=1, default=json_default)
    return md, js
