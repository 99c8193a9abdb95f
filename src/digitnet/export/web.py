"""The drawing page as static files: a folder that reads digits in any browser, with no server.

``digitnet export [MODEL] --web DIR`` writes::

    DIR/index.html            the page (the same file ``digitnet serve`` sends)
    DIR/static/style.css      its look
    DIR/static/nn.js          the network's forward pass in plain JavaScript, one function per layer
    DIR/static/prepare.js     the picture preparation of digitnet.images, ported line by line
    DIR/static/app.js         drawing, showing, and the JS API window.digitnet
    DIR/static/model.js       the model: its layers and weights, written by :func:`model_script`
    DIR/digitnet-web.json     what this export wrote (so a later export may replace it, and nothing else)

Why the weights are a script and not a ``.json`` or binary file: a page opened from ``file://`` may not
fetch() other local files in Chromium, but it may load scripts. ``model.js`` assigns the model's
description to ``window.digitnetModel``; each array is the base64 of its little-endian float32 (or
float64) bytes, the numbers of the .npz file unchanged.

The model description (format ``digitnet-web-model``, version 1)::

    {"format": "digitnet-web-model", "version": 1, "name": "default.npz",
     "about": {"recipe": ..., "description": ..., "test_accuracy": ..., "classes": ["0", ..., "9"]},
     "members": [{"input_shape": [1, 28, 28], "output": "softmax",
                  "layers": [{"type": "conv2d", "filters": 16, "kernel_size": [5, 5], "stride": [1, 1],
                              "padding": [0, 0], "W": {"shape": [16, 1, 5, 5], "dtype": "float32",
                              "data": "<base64>"}, "b": {...}}, ...]}],
     "reject": null or {"score": "energy" | "max_probability" | "max_logit", "temperature": T,
                        "threshold": t, "temperatures": [T_1, ...] (optional, committees: one per member),
                        "disagreement": d (optional, committees)},
     "server": false}

``members`` holds one network, or every network of a committee (whose probabilities the page averages).
``layers`` are the network's ``layers_before_loss`` and ``output`` what its loss makes of their values
(``Loss.output``), so that the page's probabilities are ``predict_proba``'s. ``reject`` is read from the
model file's metadata (:func:`reject_rule`); with it, the page divides each network's values by its
temperature before the softmax, as ``digitnet.io.Model.predict_proba`` does. ``server`` is true only in
the copy ``digitnet serve`` sends.
"""

from __future__ import annotations

import base64
import json
import math
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from digitnet._version import __version__
from digitnet.errors import DigitnetError
from digitnet.io.atomic import atomic_write

FORMAT, VERSION = "digitnet-web-model", 1
MANIFEST = "digitnet-web.json"
MANIFEST_FORMAT = "digitnet-web"
#: the page's own files, from the package (digitnet/serve/static), and where they go in DIR
PAGE_FILES = {"index.html": "index.html", "style.css": "static/style.css", "nn.js": "static/nn.js",
              "prepare.js": "static/prepare.js", "app.js": "static/app.js"}
MODEL_FILE = "static/model.js"
#: layer types the page's nn.js runs: every layer digitnet has
LAYER_TYPES = ("dense", "conv2d", "maxpool2d", "avgpool2d", "batchnorm", "dropout", "flatten", "identity",
               "sigmoid", "tanh", "relu", "leaky_relu", "softmax")
#: each layer's settings the page needs (besides its arrays)
SETTINGS = {"dense": ("units",), "conv2d": ("filters", "kernel_size", "stride", "padding"),
            "maxpool2d": ("size", "stride"), "avgpool2d": ("size", "stride"), "batchnorm": ("eps",),
            "leaky_relu": ("alpha",)}
#: what each loss makes of the network's last values (``Loss.output``), by the names nn.js knows
LOSS_OUTPUTS = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid", "quadratic": "identity"}


# -- the model description --------------------------------------------------------------------------
def _array(array: np.ndarray) -> dict[str, Any]:
    array = np.asarray(array)
    dtype = np.dtype("<f8") if array.dtype == np.float64 else np.dtype("<f4")
    data = np.ascontiguousarray(array, dtype=dtype).tobytes()
    return {"shape": list(array.shape), "dtype": dtype.name, "data": base64.b64encode(data).decode("ascii")}


def _layer(layer) -> dict[str, Any]:
    config = layer.get_config()
    described: dict[str, Any] = {"type": layer.type_name}
    for key in SETTINGS.get(layer.type_name, ()):
        described[key] = config[key]
    for source in (layer.params, layer.state):
        for name, array in source.items():
            described[name] = _array(array)
    return described


def _member(network) -> dict[str, Any]:
    """One network as the page runs it: its trainable layers and its loss's output."""
    from digitnet.images.reading import check_digit_model
    from digitnet.nn.network import Network

    if not isinstance(network, Network):
        raise DigitnetError(f"a web page can only be made from digitnet networks, not {type(network).__name__}")
    check_digit_model(network)
    if network.inputs != "pixels":
        raise DigitnetError("this model reads features, not pixels; the page can only run a model that reads "
                            "28x28 pictures")
    output = LOSS_OUTPUTS.get(network.loss.name)
    if output is None:
        raise DigitnetError(f"the page does not know what the {network.loss.name!r} loss makes of a network's "
                            f"outputs; it runs networks trained with {', '.join(LOSS_OUTPUTS)}")
    for i, layer in enumerate(network.layers_before_loss):
        if layer.type_name not in LAYER_TYPES:
            raise DigitnetError(f"layer {i} ({layer.describe()}) has no JavaScript form; the page runs "
                                f"{', '.join(LAYER_TYPES)} layers")
    return {"input_shape": list(network.input_shape), "output": output,
            "layers": [_layer(layer) for layer in network.layers_before_loss]}


def reject_rule(metadata: Any, what: str = "the model", members: int | None = None) -> dict[str, Any] | None:
    """The "not a digit" rule a model file's metadata carries under ``reject``, in the page's form; None if
    it has none. It is checked once, by the reader of model files (:func:`digitnet.io.description.reject_rule`,
    for a model of ``members`` networks), so the page takes exactly the rules a model file may hold.

    The page's form: ``{"score": "energy" | "max_probability" | "max_logit", "temperature": T,
    "threshold": t}`` for one network; a committee's has ``"temperatures"`` (one per network) instead of
    ``"temperature"``, and may have ``"disagreement"`` (d in [0, 1]). A reading is refused when its score
    is below ``t`` (see nn.js's ``refusal``), or, for a committee, when more than a share ``d`` of its
    networks give another answer than the committee. A threshold of null (a model file's form of -inf)
    refuses nothing by the score. ``accept`` (the share of validation digits the threshold was chosen to
    accept) is for readers and left out. A rule that is there but malformed is an error, not ignored: a
    page that should refuse but never does would mislead.
    """
    from digitnet.io.description import reject_rule as checked_rule
    from digitnet.reject import CommitteeRule

    rule = metadata.get("reject") if isinstance(metadata, dict) else None
    if rule is None:
        return None
    try:
        found = checked_rule(rule, members)
    except DigitnetError as err:
        raise DigitnetError(f"{what} has a malformed 'reject' rule in its metadata: {err}") from None
    page: dict[str, Any] = {"score": found.score}
    if isinstance(found, CommitteeRule):
        page["temperatures"] = list(found.temperatures)
    else:
        page["temperature"] = found.temperature
    page["threshold"] = found.threshold if math.isfinite(found.threshold) else None
    if isinstance(found, CommitteeRule) and found.disagreement is not None:
        page["disagreement"] = found.disagreement
    return page


def network_and_metadata(model, metadata: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
    """The network (or committee) to run and the description to show, from a
    :class:`~digitnet.io.model.Model` (what ``load_model`` gives: ``network`` and ``metadata``) or from a
    bare network or committee (described by ``metadata``, or by nothing). ``metadata``, when given, is
    the description to use."""
    network = getattr(model, "network", model)
    if metadata is None:
        metadata = getattr(model, "metadata", None) or getattr(network, "metadata", None)
    return network, metadata if isinstance(metadata, dict) else {}


def model_description(model, name: str = "model", server: bool = False,
                      metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """What ``model.js`` holds for a network or a committee (see the module docstring); ``metadata`` is its
    file's description (by default the one ``model`` carries)."""
    from digitnet.io.metadata import summary
    from digitnet.nn.committee import Committee

    network, metadata = network_and_metadata(model, metadata)
    networks = list(network.members) if isinstance(network, Committee) else [network]
    about = summary(metadata)
    described_name = Path(str(name)).name  # the file's name, never where it lies on this computer
    outputs = networks[0].n_outputs
    classes = about["classes"] if about["classes"] and len(about["classes"]) == outputs else None
    return {"format": FORMAT, "version": VERSION, "name": described_name,
            "about": {"recipe": about["label"], "description": about["description"],
                      "test_accuracy": about["test_accuracy"],
                      "classes": classes or [str(k) for k in range(outputs)]},
            "members": [_member(member) for member in networks],
            "reject": reject_rule(metadata, described_name, len(networks)),
            "digitnet_version": __version__, "server": bool(server)}


def model_script(model, name: str = "model", server: bool = False, metadata: dict[str, Any] | None = None) -> bytes:
    """``static/model.js``: the model description assigned to ``window.digitnetModel``."""
    text = json.dumps(model_description(model, name, server, metadata), separators=(",", ":"), allow_nan=False)
    return (f"// The model for digitnet's drawing page, written by digitnet {__version__} "
            "('digitnet export --web'); see docs/web.md.\n"
            f"window.digitnetModel = {text};\n").encode("utf-8")


def page_file(name: str) -> bytes:
    """One of the page's own files (``PAGE_FILES``), as shipped in the package."""
    return resources.files("digitnet.serve").joinpath("static", name).read_bytes()


# -- the folder ---------------------------------------------------------------------------------------
@dataclass
class WebExport:
    """What :func:`export_web` wrote: the folder, its files (relative names) and their total size."""

    folder: Path
    files: list[str]
    size: int


def _relative_files(folder: Path) -> tuple[set[str], set[str]]:
    """Every file and every folder under ``folder``, as relative names with '/' (symbolic links are files)."""
    files, folders = set(), set()
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath).relative_to(folder)
        for d in dirnames:
            (files if (Path(dirpath) / d).is_symlink() else folders).add((here / d).as_posix())
        files.update((here / f).as_posix() for f in filenames)
    return files, folders


def _previous_export(folder: Path) -> set[str]:
    """The files a previous export says it wrote in ``folder`` (none when it has no readable manifest)."""
    path = folder / MANIFEST
    if not path.is_file():
        return set()
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return set()
    files = manifest.get("files") if isinstance(manifest, dict) and manifest.get("format") == MANIFEST_FORMAT else None
    return {f for f in files if isinstance(f, str)} if isinstance(files, list) else set()


def check_folder(folder: "str | Path") -> Path:
    """Refuse a folder that holds anything a previous ``digitnet export --web`` did not write.

    Why refuse rather than clean up: the folder might be a project, a photo album or the page's own
    sources. Mixing the page into it, or deleting what is there, would lose someone's work; an export
    over an earlier export (its manifest lists its files) is what "write it again" means.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise DigitnetError(f"{folder} is a file; --web needs a folder to write the page into (a new or empty one)")
    if not folder.exists():
        return folder
    try:
        files, folders = _relative_files(folder)
    except OSError as err:
        raise DigitnetError(f"cannot read the folder {folder}: {err.strerror or err}") from None
    ours = set(PAGE_FILES.values()) | {MODEL_FILE, MANIFEST}
    allowed = (_previous_export(folder) & ours) | ({MANIFEST} if (folder / MANIFEST).is_file() else set())
    parents = {p.as_posix() for name in allowed for p in Path(name).parents if p.as_posix() != "."}
    strangers = sorted((files - allowed) | (folders - parents))
    if strangers:
        shown = ", ".join(strangers[:4]) + (f" and {len(strangers) - 4} more" if len(strangers) > 4 else "")
        raise DigitnetError(f"{folder} already holds files that 'digitnet export --web' did not write ({shown}); "
                            "give a new or empty folder (nothing there was changed)")
    return folder


def export_web(model, folder: "str | Path", name: str = "model", metadata: dict[str, Any] | None = None) -> WebExport:
    """Write the page and ``model`` (a network or a committee, and ``metadata``, its file's description:
    by default the one it carries) into ``folder``: see the module docstring.

    The folder must be new, empty, or hold an earlier export and nothing else (:func:`check_folder`).
    Every file is written atomically; the manifest goes first, so an export that is interrupted can be
    run again over what it left.
    """
    folder = check_folder(folder)
    # the model first: one the page cannot run writes nothing
    contents = {MODEL_FILE: model_script(model, name, metadata=metadata)}
    contents.update({target: page_file(source) for source, target in PAGE_FILES.items()})
    files = sorted(contents)
    manifest = {"format": MANIFEST_FORMAT, "version": 1, "digitnet_version": __version__,
                "model": Path(str(name)).name, "files": files}
    contents = {MANIFEST: (json.dumps(manifest, indent=1) + "\n").encode("utf-8"), **contents}
    try:
        for relative, data in contents.items():
            with atomic_write(folder / relative) as f:
                f.write(data)
    except OSError as err:
        raise DigitnetError(f"cannot write into {folder}: {err.strerror or err}; choose another folder") from None
    return WebExport(folder, [MANIFEST, *files], sum(len(data) for data in contents.values()))
