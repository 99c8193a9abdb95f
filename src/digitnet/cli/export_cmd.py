"""``digitnet export``: a model in forms that run without digitnet::

    digitnet export MODEL OUT.onnx     an ONNX graph that ONNX Runtime and other tools run (docs/export.md)
    digitnet export [MODEL] --web DIR  the drawing page as static files, the network running in the
                                       browser (docs/web.md); MODEL left out: the packaged model

Nothing that exists is lost: the ONNX file may not be the model itself, nor any other model file, nor
a file that is not an ONNX graph; the page's folder must be new, empty, or an earlier page
(``digitnet.export.web.check_folder``). Both are checked before anything is read or written.
Writing ONNX needs the optional ``onnx`` package (``pip install 'digitnet[onnx]'``); the page needs nothing.
"""

from __future__ import annotations

import argparse
import os
import zipfile
from pathlib import Path

from digitnet.cli import common
from digitnet.errors import DigitnetError


def add_parser(sub) -> None:
    p = sub.add_parser("export", help="write a model as an ONNX file, or as a web page that runs it", description=(
        "Write a model file as an ONNX graph (opset 17) that gives the same probabilities as digitnet (its input "
        "is float32 pixels scaled to [0, 1], shaped (N, 784) or (N, 1, 28, 28) as the model was trained; its "
        "outputs are 'probabilities' and 'label', and 'score' and 'is_digit' for a model with a reject rule; needs: "
        "pip install 'digitnet[onnx]'), and/or, with --web DIR, "
        "the drawing page as static files that run the network in any browser, from file:// or any web host."))
    p.add_argument("model", metavar="MODEL", nargs="?", help="a model file written by 'digitnet train' (default "
                   "with --web: the model packaged with digitnet)")
    p.add_argument("out", metavar="OUT.onnx", nargs="?", type=Path,
                   help="the ONNX file to write (an older ONNX file of that name is replaced)")
    p.add_argument("--web", metavar="DIR", type=Path, help="write the drawing page, running this model in the "
                   "browser, into DIR (a new or empty folder, or an earlier export's)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.web is None and args.out is None:
        raise DigitnetError("say what to write: 'digitnet export MODEL OUT.onnx' for an ONNX file, or "
                            "'digitnet export [MODEL] --web DIR' for the drawing page")
    model = common.model_path(args.model)
    if args.out is not None:
        from digitnet.export.onnx import require_onnx

        require_onnx()  # before reading the model: the missing package is the thing to fix first
        check_onnx_output(args.out, model)
    if args.web is not None:
        from digitnet.export.web import check_folder

        check_folder(args.web)
    from digitnet.io import load_model

    loaded = load_model(model)
    if args.out is not None:
        write_onnx(loaded, args.out)
    if args.web is not None:
        write_web(loaded, args.web, model)
    return 0


def check_onnx_output(out: Path, model: "str | Path") -> None:
    """Refuse an ONNX output that would replace something worth keeping: the model itself, any model
    file (a zip archive: digitnet's .npz), a name ending in .npz, or an existing file that is not an ONNX
    graph. Only an older ONNX file (or an empty file) may be replaced."""
    keep = "nothing was written; choose another name, like model.onnx"
    try:
        if out.exists() and Path(model).exists() and os.path.samefile(out, model):
            raise DigitnetError(f"{out} is the model being exported; writing the ONNX graph there would replace "
                                f"the trained model ({keep})")
        if out.suffix.lower() == ".npz":
            raise DigitnetError(f"{out} ends in .npz, the ending of digitnet's model files; give the ONNX file a "
                                f"name ending in .onnx ({keep})")
        if not out.exists() or out.is_dir():
            return  # a folder is refused by the writer, with its own message
        if not out.is_file():
            raise DigitnetError(f"{out} is not a regular file (a device, a pipe or a socket); {keep}")
        if zipfile.is_zipfile(out):
            raise DigitnetError(f"{out} is a model file (a zip archive); it is not replaced by an ONNX graph ({keep})")
        with open(out, "rb") as f:
            head = f.read(1)
    except OSError as err:
        raise DigitnetError(f"cannot check {out}: {err.strerror or err}") from None
    if head and head != b"\x08":  # an ONNX model begins with its ir_version field (protobuf tag 1, varint)
        raise DigitnetError(f"{out} exists and is not an ONNX file; it is not replaced ({keep})")


def write_onnx(model, out: Path) -> None:
    from digitnet.export.onnx import OPSET, export_onnx

    path = export_onnx(model, out)
    network = model.network
    shape = ", ".join(["N", *(str(s) for s in network.input_shape)])
    print(f"wrote {path} ({path.stat().st_size / 1024:,.0f} KB, ONNX opset {OPSET}): input 'input' float32 ({shape})"
          f"{' pixels in [0, 1]' if network.inputs == 'pixels' else ''}, outputs 'probabilities' "
          f"(N, {network.n_outputs}) and 'label' (N,)"
          + (", 'score' (N,) and 'is_digit' (N,): the model's reject rule" if model.reject is not None else ""))


def write_web(model, folder: Path, path: "str | Path") -> None:
    from digitnet.export.web import MODEL_FILE, export_web, network_and_metadata
    from digitnet.nn.committee import Committee

    written = export_web(model, folder, name=Path(path).name)
    model_size = (folder / MODEL_FILE).stat().st_size
    network = network_and_metadata(model)[0]
    members = len(network.members) if isinstance(network, Committee) else 1
    what = f"a committee of {members} networks" if members > 1 else Path(path).name
    print(f"wrote the drawing page for {what} into {folder}: {len(written.files)} files, "
          f"{written.size / 1024:,.0f} KB ({MODEL_FILE} {model_size / 1024:,.0f} KB). Open {folder / 'index.html'} "
          "in a browser, or publish the folder on any web host (docs/web.md)")
