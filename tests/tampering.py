"""Model files changed as a tamperer would change them: the archive's arrays, or its JSON description,
rewritten by hand, past every check ``save_model`` makes, so that the tests can show what the loader
refuses."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from digitnet.io.model_file import META_KEY


def rewrite_arrays(path: Path, change) -> None:
    """Rewrite the archive at ``path`` with ``change(arrays)`` applied to its name -> array dict."""
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    change(arrays)
    with open(path, "wb") as out:
        np.savez(out, **arrays)


def rewrite_description(path: Path, change) -> None:
    """Rewrite the archive at ``path`` with ``change(meta, arrays)`` applied to its description (the
    decoded JSON, changed in place) and its arrays."""
    def both(arrays):
        meta = json.loads(arrays[META_KEY].tobytes())
        change(meta, arrays)
        arrays[META_KEY] = np.frombuffer(json.dumps(meta).encode(), np.uint8)

    rewrite_arrays(path, both)
