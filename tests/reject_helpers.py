"""Helpers for the tests of the reject option's surfaces."""

from __future__ import annotations

from pathlib import Path


def with_rule(model_path: Path, out: Path, **rule) -> Path:
    """The model of ``model_path`` saved to ``out`` with its reject rule changed (e.g. a threshold no
    picture reaches, to see how each surface shows a refusal)."""
    from digitnet.io import load_model, save_model

    model = load_model(model_path)
    meta = dict(model.metadata)
    meta["reject"] = {**(meta.get("reject") or {"score": "energy", "temperature": 1.0}), **rule}
    return save_model(model.network, out, meta)
