"""How long preparing a picture takes: a drawing from the page, and a 12-megapixel photo.

    python benchmarks/prepare_speed.py            # 200 rounds of the drawing, 15 of the photo

``digitnet.images.prepare`` runs on a 280x280 PNG of a 7 (what the drawing page sends) and on a
4000x3000 JPEG of a 7 on unevenly lit paper (a phone photo), both made on the spot
(benchmarks/pictures.py). It prints the median and the spread of each, and, as a reference measured
in the same run, how long Pillow alone takes to decode the same file: on a busy machine both slow
down alike, so the ratio stays meaningful when the milliseconds do not. The aims (issue 12): at most
5 ms for the drawing and 150 ms for the photo.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

from PIL import Image

import _common
import pictures
from digitnet.images import prepare

AIMS_MS = {"drawing": 5.0, "photo": 150.0}


def timings(function, data: bytes, rounds: int) -> list[float]:
    function(data)  # warm up (imports, caches)
    found = []
    for _ in range(rounds):
        started = time.perf_counter()
        function(data)
        found.append((time.perf_counter() - started) * 1000)
    return found


def decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (512, 512))  # as digitnet decodes a JPEG: at 1/2, 1/4 or 1/8 of its size
        image.load()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=200, help="rounds for the drawing (the photo gets a 13th)")
    args = p.parse_args(argv)
    _common.print_machine(_common.machine())
    cases = {"drawing": ("280x280 PNG of a 7", pictures.drawing(280), args.rounds),
             "photo": ("4000x3000 JPEG photo of a 7 (12 MP)", pictures.photo(4000, 3000), max(3, args.rounds // 13))}
    print(f"{'picture':<38}{'prepare (median, min-max)':>30}{'Pillow decode':>16}{'ratio':>8}{'aim':>11}")
    for key, (label, data, rounds) in cases.items():
        prepared, decoded = timings(prepare, data, rounds), timings(decode, data, rounds)
        median, reference = statistics.median(prepared), statistics.median(decoded)
        spread = f"{median:.2f} ms ({min(prepared):.2f}-{max(prepared):.2f})"
        print(f"{label:<38}{spread:>30}{reference:>13.2f} ms{median / reference:>7.1f}x"
              f"{'  <= ' + format(AIMS_MS[key], 'g') + ' ms':>11}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
