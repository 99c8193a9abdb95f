"""``digitnet predict [MODEL] PICTURE...``: read pictures of single handwritten digits.

The first argument is the model when it names a ``.npz`` file; otherwise every argument is a picture
and the model packaged with digitnet reads them (``digitnet.models``).

Each picture is prepared the way MNIST's digits were (see :mod:`digitnet.images`) before the network
sees it; ``--save-28`` writes that 28x28 image so you can see why the network answered as it did.
A model with a reject rule (the packaged one has) answers "not a digit" for a picture that does not
look like one: ``photo.png: not a digit (its energy score ... is below the model's threshold ...)``,
and ``"digit": null`` with a ``"reason"`` in ``--json``; so does a blank picture, with any model
(``not a digit (no digit found: nothing stands out ...)``). That is an answer, not a failure: the exit
code is 0 when every picture was read (as a digit or as not a digit), 1 when some could not be (or
their 28x28 images could not be saved: a full disk is said once, and the pictures are still read), 2
for usage mistakes.
"""

from __future__ import annotations

import argparse
import glob
import sys
from pathlib import Path

import numpy as np

from digitnet.cli import EXIT_FAILURE, EXIT_OK, common
from digitnet.errors import DigitnetError
from digitnet.images import INK_CHOICES, PICTURE_SUFFIXES
from digitnet.io.atomic import WriteFailed


def add_parser(sub) -> None:
    p = sub.add_parser("predict", help="read pictures of handwritten digits", description=(
        "Print the digit in each picture (PNG, JPEG, BMP, GIF, TIFF, WebP or a text grid of numbers), its "
        "probability and the next two guesses, or 'not a digit' and why when the model's reject rule refuses "
        "the picture. Pictures are prepared like MNIST's digits first."))
    p.add_argument("pictures", metavar="[MODEL] PICTURE", nargs="+",
                   help="a model file written by 'digitnet train' (.npz; default: the packaged model), then "
                        "picture files, folders or glob patterns")
    p.add_argument("--ink", choices=INK_CHOICES, default="auto",
                   help="dark ink on light paper, light ink on dark, or auto (decided from each picture)")
    p.add_argument("--naive", action="store_true",
                   help="skip the MNIST-style preparation and just shrink the picture to 28x28 (for comparison)")
    p.add_argument("--save-28", metavar="DIR", type=Path, help="save the 28x28 image the network saw, as PNG")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(run=run)


def split_model(arguments: list[str]) -> tuple[str | None, list[str]]:
    """(the model file, the pictures): the first argument is the model if it ends in .npz."""
    if arguments[0].lower().endswith(".npz"):
        if len(arguments) == 1:
            raise DigitnetError(f"{arguments[0]} is a model; name at least one picture to read with it")
        return arguments[0], arguments[1:]
    return None, arguments


def expand(patterns: list[str]) -> list[Path]:
    """Files as given, the pictures inside folders (sorted), and glob patterns the shell left alone."""
    found: list[Path] = []
    for pattern in patterns:
        path = Path(pattern)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in PICTURE_SUFFIXES)
        elif not path.exists() and glob.has_magic(pattern):
            matches = sorted(Path(m) for m in glob.glob(pattern, recursive=True))
            if not matches:
                raise DigitnetError(f"no file matches {pattern!r}")
            found += [m for m in matches if m.is_file()]
        else:
            found.append(path)  # a missing file is reported with the others, not as a usage error
    if not found:
        raise DigitnetError(f"no pictures found in {', '.join(patterns)} (looked for {' '.join(PICTURE_SUFFIXES)})")
    return list(dict.fromkeys(found))


def run(args: argparse.Namespace) -> int:
    from digitnet.images.reading import check_digit_model, read_digit
    from digitnet.io import load_model

    given, pictures = split_model(args.pictures)
    args.model = common.model_path(given, quiet=args.json)
    model = load_model(args.model)
    check_digit_model(model.network, model.metadata)
    paths = expand(pictures)
    if args.save_28:
        try:
            args.save_28.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise DigitnetError(f"cannot create {args.save_28} for --save-28: {err.strerror}; "
                                "choose another folder") from None
    results, saved_names, unsaved = [], set(), None
    for path in paths:
        try:
            reading = read_digit(model, path, args.ink, use_naive=args.naive)
        except DigitnetError as err:
            results.append({"file": str(path), "error": str(err)})
            if not args.json:
                print(f"{path}: error: {err}", file=sys.stderr)
            continue
        image = reading.pop("image")
        result = {"file": str(path), **reading}
        if args.save_28 and unsaved is None and image is not None:  # a blank picture never became one
            try:
                result["saved_28"] = str(save_28(image, args.save_28, path, saved_names))
            except WriteFailed as err:  # a full disk: said once, and the pictures are still read
                unsaved = str(err)
                print(f"digitnet: error: {unsaved}; the next 28x28 images are not saved either", file=sys.stderr)
        results.append(result)
        if not args.json:
            print(describe(result))
    failed = sum("error" in r for r in results)
    refused = sum(r.get("digit", 0) is None for r in results if "error" not in r)
    if args.json:
        common.print_json({"model": args.model, "preparation": "naive" if args.naive else "mnist",
                           "read": len(results) - failed, "refused": refused, "failed": failed, "results": results}
                          | ({"save_28_error": unsaved} if unsaved else {}))
    elif len(results) > 1:
        not_digits = f" ({refused} of them not digits)" if refused else ""
        print(f"{len(results) - failed} of {len(results)} pictures read{not_digits}", file=sys.stderr)
    return EXIT_FAILURE if failed or unsaved else EXIT_OK


def describe(result: dict) -> str:
    """``photo.png: 7 (99.8%); next 1 (0.1%), 2 (0.0%)``, or ``photo.png: not a digit (why)``."""
    if result["digit"] is None:
        return f"{result['file']}: not a digit ({result['reason']})"
    others = ", ".join(f"{g['digit']} ({g['probability']:.1%})" for g in result["next"])
    return f"{result['file']}: {result['digit']} ({result['probability']:.1%}); next {others}"


def save_28(image: np.ndarray, folder: Path, source: Path, taken: set[str]) -> Path:
    """``<name>.28.png`` in ``folder``; pictures with the same name from different folders get -2, -3..."""
    from PIL import Image

    from digitnet.io.atomic import atomic_path

    stem, n = source.stem, 1
    name = f"{stem}.28.png"
    while name in taken:
        n += 1
        name = f"{stem}-{n}.28.png"
    taken.add(name)
    target = folder / name
    with atomic_path(target) as tmp:
        Image.fromarray(np.asarray(image, dtype=np.uint8)).save(tmp, format="PNG")
    return target
