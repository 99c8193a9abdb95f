"""Model files that are safe to load from strangers: one ``.npz`` archive, no pickle anywhere.

Inside the archive:

- ``digitnet.json``: a JSON description (format version, architecture, training settings, data set and
  its checksum, metrics, digitnet version), stored as UTF-8 bytes in a uint8 array;
- ``param.<layer>.<name>``: one plain float array per parameter, and per state array a layer keeps
  (BatchNorm's running statistics), under the same names as before ``Layer.state`` existed.

Loading uses ``allow_pickle=False``, so a file can hold only numbers and text. The network is rebuilt
from the description (only known layer types), then every array is checked against the shape the
description implies before it is used.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from digitnet._version import __version__
from digitnet.errors import DigitnetError
from digitnet.io.atomic import atomic_write
from digitnet.io.jsonable import json_default
from digitnet.nn.network import Network

if TYPE_CHECKING:
    from digitnet.nn.committee import Committee

FORMAT = "digitnet-model"
FORMAT_VERSION = 1  # what save_model writes: one network
#: the newest format this version reads; 2 is a committee of networks (io/committee_file.py)
NEWEST_FORMAT = 2
META_KEY = "digitnet.json"
PARAM_PREFIX = "param."


def save_model(network: Network, path: "str | Path", metadata: dict[str, Any] | None = None) -> Path:
    """Write ``network`` and ``metadata`` (anything JSON can hold) to ``path`` atomically."""
    meta = {**(metadata or {}), "format": FORMAT, "format_version": FORMAT_VERSION,
            "digitnet_version": __version__, "architecture": network.get_config()}
    return write_archive(path, meta, network.named_arrays())


def write_archive(path: "str | Path", meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Path:
    """The archive itself: ``meta`` as JSON, then each array as ``param.<name>``, written atomically."""
    path = Path(path)
    try:
        blob = json.dumps(meta, indent=1, default=json_default).encode("utf-8")
    except (TypeError, ValueError) as err:
        raise DigitnetError(f"model metadata cannot be written as JSON: {err}") from None
    entries = {META_KEY: np.frombuffer(blob, dtype=np.uint8)}
    entries.update({PARAM_PREFIX + name: array for name, array in arrays.items()})
    with atomic_write(path) as f:
        np.savez(f, **entries)
    return path


def load_model(path: "str | Path") -> "Network | Committee":
    """Read a model file; the returned network's ``metadata`` attribute holds the JSON description.

    A committee's file gives a :class:`~digitnet.nn.committee.Committee`, which predicts like a network.
    """
    path = Path(path)
    if path.is_dir():
        raise DigitnetError(f"{path} is a folder; give the path of a model file in it, like {path / 'default.npz'}")
    if not path.is_file():
        raise DigitnetError(f"no model file at {path}; train one with 'digitnet train --out {path}'")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if META_KEY not in archive.files:
                raise DigitnetError(f"{path} is not a digitnet model (an .npz archive without {META_KEY})")
            meta = _parse_meta(path, archive[META_KEY])
            arrays = {k[len(PARAM_PREFIX):]: archive[k] for k in archive.files if k.startswith(PARAM_PREFIX)}
    except DigitnetError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as err:
        if not _starts_like_a_zip(path):  # NumPy's own guess for such a file talks of pickles
            raise DigitnetError(f"{path} is not a digitnet model file (those are .npz archives, "
                                "written by 'digitnet train')") from None
        raise DigitnetError(f"{path} is not a readable digitnet model file ({_short(err)})") from None
    if meta.get("kind") == "committee":
        from digitnet.io.committee_file import committee_from_archive

        return committee_from_archive(path, meta, arrays)
    network = Network.from_config(meta["architecture"])
    _check_arrays(path, network, arrays)
    network.set_weights(arrays)
    network.metadata = meta
    return network


def _parse_meta(path: Path, raw: np.ndarray) -> dict[str, Any]:
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DigitnetError(f"{path} is damaged: its description is not valid JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise DigitnetError(f"{path} is not a digitnet model (unknown format)")
    if not isinstance(meta.get("format_version"), int) or meta["format_version"] > NEWEST_FORMAT:
        raise DigitnetError(f"{path} was written by a newer digitnet (format {meta.get('format_version')}); upgrade digitnet")
    if meta.get("kind") != "committee" and not isinstance(meta.get("architecture"), dict):
        raise DigitnetError(f"{path} is damaged: it has no architecture description")
    return meta


def _check_arrays(path: Path, network: Network, arrays: dict[str, np.ndarray]) -> None:
    expected = network.named_arrays()
    missing, extra = expected.keys() - arrays.keys(), arrays.keys() - expected.keys()
    if missing or extra:
        raise DigitnetError(f"{path} is damaged: parameters missing {sorted(missing)} / unexpected {sorted(extra)}")
    for name, array in arrays.items():
        if array.shape != expected[name].shape:
            raise DigitnetError(
                f"{path} is damaged: parameter {name} has shape {array.shape}, the architecture needs {expected[name].shape}"
            )
        if array.dtype.kind != "f" or not np.all(np.isfinite(array)):
            raise DigitnetError(f"{path} is damaged: parameter {name} is not a finite float array")


def _starts_like_a_zip(path: Path) -> bool:
    """Every .npz is a zip archive; a damaged one still starts like one, a text file or a picture does not."""
    with open(path, "rb") as f:
        return f.read(4) == b"PK\x03\x04"


def _short(err: Exception) -> str:
    return str(err).splitlines()[0][:120] or type(err).__name__
