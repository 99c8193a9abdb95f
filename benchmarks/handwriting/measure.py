"""How well does a model read digits that are not from MNIST? MNIST-style preparation vs a naive resize.

    python benchmarks/handwriting/measure.py models/default.npz

makes the test set with make_digits.py if it is not there yet (300 pictures, seed 1, in
runs/handwriting; seed 0 was the set looked at while the preparation was developed), then reads
every picture twice: prepared the way MNIST's digits were (``digitnet.images.prepare``) and shrunk
whole to 28x28 (``digitnet.images.naive``, which still turns dark ink bright). It prints the accuracy
of both, side by side, overall and by condition, and can draw a figure of examples (``--figure``) and
write the numbers as JSON (``--json``).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_digits  # noqa: E402  (the generator beside this file)

from digitnet.errors import DigitnetError  # noqa: E402
from digitnet.images import load_grey, naive, prepare  # noqa: E402
from digitnet.io import load_model  # noqa: E402


def read_set(folder: Path, count: int, seed: int) -> list[dict]:
    labels = folder / "labels.csv"
    if not labels.is_file():
        fonts = make_digits.find_fonts()
        if len(fonts) < len(make_digits.FONTS):
            print(make_digits.missing_fonts_message(fonts), file=sys.stderr)
            if len(fonts) < make_digits.MIN_FONTS:
                raise SystemExit("not enough fonts to make the test set; see above")
            print("the set will use the fonts that are there, so its figures differ from the published ones",
                  file=sys.stderr)
        make_digits.generate(folder, count, seed, fonts)
    with open(labels, newline="") as f:
        return list(csv.DictReader(f))


def read_all(network, folder: Path, rows: list[dict]) -> dict[str, np.ndarray]:
    """Predictions for every picture under both preparations (-1 where a picture could not be read)."""
    images = {"mnist": [], "naive": []}
    failed = []
    for i, row in enumerate(rows):
        grey = load_grey(folder / row["file"])  # read and decoded once for both preparations
        try:
            prepared = prepare(grey)
            images["mnist"].append(prepared.image)
            images["naive"].append(naive(grey, prepared.ink))
        except DigitnetError as err:
            print(f"could not prepare {row['file']}: {err}", file=sys.stderr)
            failed.append(i)
            images["mnist"].append(np.zeros((28, 28), np.uint8))
            images["naive"].append(naive(grey))
    out = {k: network.predict(np.stack(v)) for k, v in images.items()}
    out["mnist"][failed] = -1  # a picture that could not be prepared is counted wrong, not guessed
    out["images_mnist"], out["images_naive"] = np.stack(images["mnist"]), np.stack(images["naive"])
    return out


def breakdown(rows, truth, predictions) -> dict[str, dict[str, list[float]]]:
    """Accuracy per value of each condition: ink, file format, font, and size of the digit."""
    groups: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, row in enumerate(rows):
        small = int(row["digit_height"]) < 100
        for key, value in (("ink", row["ink"]), ("format", row["format"]), ("font", row["font"]),
                           ("digit size", "under 100 px" if small else "100 px or more"),
                           ("digit", row["digit"])):
            groups[key][value].append(i)
    return {key: {value: [len(idx)] + [float(np.mean(p[idx] == truth[idx])) for p in predictions]
                  for value, idx in sorted(values.items())} for key, values in groups.items()}


def figure(path: Path, folder: Path, rows, results, truth, count: int = 10) -> None:
    """A strip per picture: the picture, what the naive resize gives, and what the preparation gives."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    chosen = list(range(count))
    fig, axes = plt.subplots(3, count, figsize=(1.3 * count, 4.4))
    for col, i in enumerate(chosen):
        with Image.open(folder / rows[i]["file"]) as pic:
            axes[0, col].imshow(np.asarray(pic.convert("RGB")))
        for row, key in ((1, "naive"), (2, "mnist")):
            axes[row, col].imshow(results[f"images_{key}"][i], cmap="gray", vmin=0, vmax=255)
            ok = results[key][i] == truth[i]
            axes[row, col].set_title(f"{results[key][i]}", fontsize=10, color="green" if ok else "red")
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, 0].set_ylabel("picture", fontsize=9)
    axes[1, 0].set_ylabel("naive 28x28", fontsize=9)
    axes[2, 0].set_ylabel("MNIST-style", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default="models/default.npz")
    parser.add_argument("--set", type=Path, default=Path("runs/handwriting"), help="folder of the test set")
    parser.add_argument("--count", type=int, default=300, help="pictures to make if the set is missing")
    parser.add_argument("--seed", type=int, default=1, help="seed for making the set (default 1)")
    parser.add_argument("--figure", type=Path, help="save a figure of the first ten pictures here")
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)
    try:
        network = load_model(args.model).network
    except DigitnetError as err:
        raise SystemExit(f"error: {err}")
    rows = read_set(args.set, args.count, args.seed)
    truth = np.array([int(r["digit"]) for r in rows])
    results = read_all(network, args.set, rows)
    acc = {k: float(np.mean(results[k] == truth)) for k in ("mnist", "naive")}
    print(f"{len(rows)} pictures in {args.set}, model {args.model}\n")
    print(f"{'':32}{'n':>5}{'MNIST-style':>13}{'naive resize':>14}")
    print(f"{'all pictures':32}{len(rows):>5}{acc['mnist']:>13.1%}{acc['naive']:>14.1%}")
    table = breakdown(rows, truth, [results["mnist"], results["naive"]])
    for key, values in table.items():
        print(f"\nby {key}")
        for value, (n, mnist_acc, naive_acc) in values.items():
            print(f"  {value:30}{n:>5}{mnist_acc:>13.1%}{naive_acc:>14.1%}")
    if args.figure:
        figure(args.figure, args.set, rows, results, truth)
        print(f"\nfigure saved to {args.figure}")
    if args.json:
        args.json.write_text(json.dumps({"n": len(rows), "accuracy": acc, "by": table, "model": args.model}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
