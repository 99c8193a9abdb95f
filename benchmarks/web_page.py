"""The drawing page as static files, in headless Chromium: does it read like digitnet, and how fast?

    python benchmarks/web_page.py [MODEL]          (MODEL: the packaged model when left out)

Exports the page (``digitnet export --web``) into a temporary folder, opens it from file:// in the
system's Chromium (as the browser tests do) and prints:

- the folder's size, and that of a committee of five networks like MODEL;
- agreement with NumPy on MNIST's 10,000 test images through ``window.digitnet.read``: the same digit,
  and the largest difference of a probability;
- ``window.digitnet.readPicture`` on the pictures of benchmarks/handwriting (made with make_digits.py
  if missing: 300 pictures, seed 1, in runs/handwriting, as measure.py does), against what
  ``digitnet predict`` answers for the same file: once with the pixels as digitnet decodes them
  (Pillow, so the two preparations start from the same pixels), once with the pixels Chromium decodes
  from the file itself (what a visitor dropping the file on the page gets);
- the time to the first answer after the page starts loading, and the time per answer while drawing
  (a 280x280 drawing: preparation and network), for MODEL and for the committee of five.

Timings depend on the machine and on what else runs on it: compare figures measured in one run.
"""

from __future__ import annotations

import argparse
import base64
import io
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "handwriting"))

import measure  # noqa: E402  (benchmarks/handwriting: the test set and how it is made)

from digitnet.errors import DigitnetError  # noqa: E402
from digitnet.export.web import MODEL_FILE, export_web, network_and_metadata  # noqa: E402
from digitnet.images.reading import read_digit  # noqa: E402
from digitnet.io import load_model  # noqa: E402
from digitnet.models import packaged_model_path  # noqa: E402
from digitnet.nn.committee import Committee  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

READ_MANY = """(encoded) => {
    const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    const digits = [], probabilities = [];
    for (let i = 0; i < bytes.length / 784; i++) {
        const answer = window.digitnet.read(bytes.subarray(i * 784, (i + 1) * 784));
        digits.push(answer.digit);
        probabilities.push(...answer.probabilities);
    }
    return {digits, probabilities};
}"""

READ_PIXELS = """([width, height, encoded]) => {
    const bytes = Uint8ClampedArray.from(atob(encoded), (c) => c.charCodeAt(0));
    const answer = window.digitnet.readPicture(new ImageData(bytes, width, height));
    return {digit: answer.digit, image: answer.image28 ? Array.from(answer.image28) : null};
}"""

READ_FILE = """async (encoded) => {
    const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    let bitmap;
    try {
        bitmap = await createImageBitmap(new Blob([bytes]), {imageOrientation: "from-image",
                                         colorSpaceConversion: "none", premultiplyAlpha: "none"});
    } catch (err) {
        return {decoded: false};
    }
    const canvas = document.createElement("canvas");
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const context = canvas.getContext("2d", {willReadFrequently: true});
    context.drawImage(bitmap, 0, 0);
    const answer = window.digitnet.readPicture(context.getImageData(0, 0, bitmap.width, bitmap.height));
    return {decoded: true, digit: answer.digit, image: answer.image28 ? Array.from(answer.image28) : null};
}"""

# Draw digits on the 280x280 pad as the page's pen does, then time readPicture on it: the first call
# (nothing compiled yet), then warm calls. Strokes are in fractions of the pad.
TIME_ANSWERS = """([strokes, rounds]) => {
    const pad = document.getElementById("pad"), ctx = pad.getContext("2d", {willReadFrequently: true});
    const draw = (digit, jitter) => {
        ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, 280, 280);
        ctx.strokeStyle = "#000"; ctx.lineWidth = 280 / 15; ctx.lineCap = ctx.lineJoin = "round";
        for (const stroke of strokes[digit]) {
            ctx.beginPath();
            stroke.forEach(([x, y], i) => ctx[i ? "lineTo" : "moveTo"](280 * x + jitter, 280 * y - jitter));
            ctx.stroke();
        }
        return ctx.getImageData(0, 0, 280, 280);
    };
    const times = [], prepared = [], network = [];
    let first = null;
    for (let r = 0; r < rounds; r++) {
        const picture = draw(r % strokes.length, (r % 7) - 3);
        const t0 = performance.now();
        const answer = window.digitnet.readPicture(picture);
        const t1 = performance.now();
        if (first === null) first = {ms: t1 - t0, digit: answer.digit};
        const p0 = performance.now(), image = window.digitnet.prepare(picture).image, p1 = performance.now();
        window.digitnet.read(image);
        const p2 = performance.now();
        if (r > 0) { times.push(t1 - t0); prepared.push(p1 - p0); network.push(p2 - p1); }
    }
    return {first, times, prepared, network, readyAt: window.digitnet.readyAt};
}"""

STROKES = [  # 1, 0, 7, 4, 2
    [[[0.5, 0.15], [0.5, 0.85]]],
    [[[0.5 + 0.22 * np.sin(t), 0.5 - 0.33 * np.cos(t)] for t in np.linspace(0, 2 * np.pi, 40)]],
    [[[0.28, 0.2], [0.72, 0.2], [0.48, 0.85]]],
    [[[0.55, 0.15], [0.25, 0.6], [0.75, 0.6]], [[0.6, 0.35], [0.6, 0.88]]],
    [[[0.3, 0.3], [0.45, 0.18], [0.65, 0.22], [0.68, 0.4], [0.3, 0.85], [0.75, 0.85]]],
]


def chromium():
    from playwright.sync_api import sync_playwright

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise SystemExit("Chromium is not installed (as root: scripts/apt-install.sh chromium)")
    return sync_playwright, path


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def open_page(context, folder: Path):
    page = context.new_page()
    page.goto(folder.resolve().as_uri() + "/index.html")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
    return page


def time_answers(context, folder: Path, rounds: int) -> dict:
    page = open_page(context, folder)
    strokes = [[[[float(v) for v in p] for p in s] for s in digit] for digit in STROKES]
    result = page.evaluate(TIME_ANSWERS, [strokes, rounds])
    page.close()
    return result


def describe_times(label: str, t: dict) -> None:
    median = statistics.median
    p90 = float(np.percentile(t["times"], 90))
    first = t["readyAt"] + t["first"]["ms"]
    print(f"{label}: first answer {first:.0f} ms after the page starts loading (ready to read after "
          f"{t['readyAt']:.0f} ms, the first reading {t['first']['ms']:.0f} ms)")
    print(f"{'':{len(label) + 2}}per answer while drawing: median {median(t['times']):.1f} ms, 90th percentile "
          f"{p90:.1f} ms (preparation {median(t['prepared']):.1f} ms + network {median(t['network']):.1f} ms), "
          f"{len(t['times'])} drawings")


def mnist_agreement(page, network) -> None:
    from digitnet.data import load_mnist

    test = load_mnist(progress=False).test_images
    digits, probabilities = [], []
    for i in range(0, len(test), 2500):
        part = base64.b64encode(np.ascontiguousarray(test[i:i + 2500]).tobytes()).decode("ascii")
        result = page.evaluate(READ_MANY, part)
        digits += result["digits"]
        probabilities += result["probabilities"]
    probabilities = np.array(probabilities).reshape(len(test), -1)
    same = int(np.sum(np.array(digits) == network.predict(test)))
    worst = float(np.abs(probabilities - network.predict_proba(test)).max())
    print(f"MNIST's {len(test):,} test images through window.digitnet.read: the same digit as NumPy on "
          f"{same:,} ({same / len(test):.2%}); largest difference of a probability {worst:.1e}")


def decoded_as_digitnet(data: bytes):
    """The picture as digitnet's load.py holds it just before shrinking it (JPEGs decoded at a reduced size
    by Pillow's draft mode, turned upright as EXIF says), as RGBA."""
    from PIL import Image, ImageOps

    from digitnet.images.load import FORMATS, WORKING_SIZE

    image = Image.open(io.BytesIO(data), formats=FORMATS)
    mode = image.mode
    image.draft("RGB", (WORKING_SIZE, WORKING_SIZE))
    image.load()
    return ImageOps.exif_transpose(image).convert("RGBA"), mode


def handwriting(page, network, folder: Path, count: int, seed: int) -> None:
    rows = measure.read_set(folder, count, seed)
    same_image = same_digit = browser_read = browser_same = 0
    differences, modes = [], set()
    for row in rows:
        path = folder / row["file"]
        data = path.read_bytes()
        try:
            python = read_digit(network, data)  # what 'digitnet predict' answers for this file
        except DigitnetError as err:
            python = {"digit": None, "image": None, "error": str(err)}
        rgba, mode = decoded_as_digitnet(data)
        modes.add(mode)
        ours = page.evaluate(READ_PIXELS, [rgba.width, rgba.height, base64.b64encode(rgba.tobytes()).decode("ascii")])
        python_image = None if python["image"] is None else python["image"].ravel().tolist()
        same_image += ours["image"] == python_image
        same_digit += ours["digit"] == python["digit"]
        if ours["digit"] != python["digit"]:
            differences.append(f"{row['file']} (Pillow's pixels): page {ours['digit']}, digitnet {python['digit']}")
        theirs = page.evaluate(READ_FILE, base64.b64encode(data).decode("ascii"))
        if theirs["decoded"]:
            browser_read += 1
            browser_same += theirs["digit"] == python["digit"]
            if theirs["digit"] != python["digit"]:
                differences.append(f"{row['file']} (Chromium's pixels): page {theirs['digit']}, "
                                   f"digitnet {python['digit']}")
    n = len(rows)
    print(f"\nthe {n} pictures of {folder} (modes {', '.join(sorted(modes))}) through window.digitnet.readPicture:")
    print(f"  pixels decoded as digitnet decodes them: the same 28x28 image as digitnet on {same_image}/{n}, "
          f"the same digit as 'digitnet predict' on {same_digit}/{n} ({same_digit / n:.1%})")
    print(f"  pixels decoded by Chromium from the file: {browser_read}/{n} decoded (Chromium reads no TIFF), the same "
          f"digit as 'digitnet predict' on {browser_same}/{browser_read} ({browser_same / max(browser_read, 1):.1%})")
    for line in differences:
        print(f"    {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", help="a model file (default: the packaged model)")
    parser.add_argument("--set", type=Path, default=Path("runs/handwriting"), help="the handwriting test set")
    parser.add_argument("--count", type=int, default=300, help="pictures to make if the set is missing")
    parser.add_argument("--seed", type=int, default=1, help="seed for making the set (default 1, as measure.py)")
    parser.add_argument("--rounds", type=int, default=40, help="drawings to time (default 40)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["mnist", "handwriting", "committee"],
                        help="parts to leave out")
    args = parser.parse_args(argv)
    model = Path(args.model) if args.model else packaged_model_path()
    network = network_and_metadata(load_model(model))[0]
    sync_playwright, browser_path = chromium()
    with tempfile.TemporaryDirectory(prefix="digitnet-web-") as tmp, sync_playwright() as p:
        tmp = Path(tmp)
        folder = export_web(network, tmp / "page", name=model.name).folder
        context = p.chromium.launch_persistent_context(str(tmp / "profile"), executable_path=browser_path,
                                                       headless=True, args=ARGS)
        version = context.browser.version if context.browser else "?"
        print(f"digitnet's drawing page for {model.name} in headless Chromium {version}")
        weights = (folder / MODEL_FILE).stat().st_size
        print(f"folder: {folder_size(folder) / 1024:,.0f} KB ({MODEL_FILE} {weights / 1024:,.0f} KB)")
        committee_folder = None
        if "committee" not in args.skip:
            members = [network_and_metadata(load_model(model))[0] for _ in range(5)]
            if all(not hasattr(m, "members") for m in members):
                committee_folder = export_web(Committee(members), tmp / "committee", name="committee-of-5.npz").folder
                print(f"a committee of five such networks: {folder_size(committee_folder) / 1024:,.0f} KB (the "
                      "size does not depend on the weights; these are five copies of the model)")
        print()
        describe_times(model.name, time_answers(context, folder, args.rounds))
        if committee_folder is not None:
            describe_times("committee of five", time_answers(context, committee_folder, args.rounds))
        page = open_page(context, folder)
        if "mnist" not in args.skip:
            print()
            mnist_agreement(page, network)
        if "handwriting" not in args.skip:
            handwriting(page, network, args.set, args.count, args.seed)
        context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
