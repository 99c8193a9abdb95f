"""Helpers for the picture tests: digits drawn with straight strokes (no fonts needed), and a server
running a model in the background. The model itself is the ``small_model`` fixture in conftest.py."""

from __future__ import annotations

import contextlib
import io
import struct
import threading
import zlib
from pathlib import Path
from typing import Iterator

from PIL import Image, ImageDraw

#: strokes of a few digits, in a unit square (x right, y down); a tuple is an ellipse's box
STROKES = {
    0: [("ellipse", (0.3, 0.15, 0.7, 0.85))],
    1: [("line", [(0.5, 0.15), (0.5, 0.85)])],
    7: [("line", [(0.3, 0.18), (0.7, 0.18), (0.45, 0.85)])],
}


def draw_digit(digit: int, size: tuple[int, int] = (300, 300), ink=(0, 0, 0), paper=(255, 255, 255),
               width: int = 20, box: tuple[float, float, float, float] = (0, 0, 1, 1)) -> Image.Image:
    """An RGB picture of ``digit`` drawn with a round pen, inside ``box`` (fractions of the picture)."""
    picture = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(picture)
    x0, y0, x1, y1 = box[0] * size[0], box[1] * size[1], box[2] * size[0], box[3] * size[1]

    def at(x, y):
        return (x0 + x * (x1 - x0), y0 + y * (y1 - y0))

    for kind, shape in STROKES[digit]:
        if kind == "ellipse":
            draw.ellipse([*at(*shape[:2]), *at(*shape[2:])], outline=ink, width=width)
        else:
            points = [at(*p) for p in shape]
            draw.line(points, fill=ink, width=width, joint="curve")
            for p in (points[0], points[-1]):
                draw.ellipse([p[0] - width / 2, p[1] - width / 2, p[0] + width / 2, p[1] + width / 2], fill=ink)
    return picture


def encode(picture: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels: a decompression bomb's calling card."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = chunk(b"IDAT", zlib.compress(b"\0" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b"")


@contextlib.contextmanager
def running_server(model_path: Path, **options) -> Iterator:
    """``digitnet serve`` on 127.0.0.1 and a free port, in a background thread, for the length of a block."""
    from digitnet.io import load_model
    from digitnet.serve import DigitReader, DigitServer

    model = load_model(model_path)
    httpd = DigitServer(("127.0.0.1", 0), DigitReader(model.network, model.metadata, name=Path(model_path).name),
                        quiet=True, **options)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
