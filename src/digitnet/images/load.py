"""Reading pictures: files Pillow can open, text grids and NumPy arrays, checked and made grey.

Everything that can go wrong with the *input* goes wrong here, with a clear message: not an image,
a damaged file, a decompression bomb. The preparation steps after this only ever see a finite float32
array of grey levels, 0 = black and 1 = white, no larger than ``working_size`` on its longest side.
Nothing here decides which way round ink and paper are; that is :mod:`digitnet.images.ink`'s job.
"""

from __future__ import annotations

import io
import math
import os
import stat
import struct
from pathlib import Path
from typing import Union

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from digitnet.images.errors import ImageError, ImageTooLargeError
from digitnet.images.textgrid import parse_text_grid

#: Pictures with more pixels are refused before they are decoded. A 48-megapixel phone photo passes;
#: a small file that claims to be 100,000 x 100,000 pixels (a "decompression bomb") does not.
MAX_PIXELS = 50_000_000
#: Preparation runs at most at this size (longest side). A digit ends up 20 pixels tall, so 512 keeps
#: thin pen strokes visible while keeping every step fast.
WORKING_SIZE = 512
#: Files this small that Pillow does not recognise are tried as text grids.
MAX_TEXT_BYTES = 1_000_000
#: The formats digitnet reads (Pillow's names). Pillow knows some forty more; each is code that a
#: stranger's file could reach (an EPS file even starts Ghostscript), so the others are refused
#: before any decoder sees them. JPEG includes the multi-picture JPEGs phones write (MPO).
FORMATS = ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP")
#: a file larger than this is not a picture of one digit: even an uncompressed RGBA picture of
#: MAX_PIXELS is smaller
MAX_FILE_BYTES = 4 * MAX_PIXELS
#: what Pillow's decoders raise on damaged or hostile files, besides OSError: read as "damaged"
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, KeyError, TypeError,
                  ZeroDivisionError, OverflowError)

Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, np.ndarray]


def load_grey(source: Source, name: str | None = None, max_pixels: int = MAX_PIXELS,
              working_size: int = WORKING_SIZE) -> np.ndarray:
    """The picture as grey levels (H, W) float32 in [0, 1], shrunk to at most ``working_size``.

    ``source`` is a file path, the bytes of a file, or an array. Arrays and text grids are taken as
    they are (no shrinking needed: they are small); files go through Pillow.
    """
    if isinstance(source, (np.ndarray, np.generic)):
        return array_to_grey(np.asarray(source), name or "array")
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, name = bytes(source), name or "picture"
    elif not isinstance(source, (str, os.PathLike)):
        raise ImageError(f"cannot read a picture from a {type(source).__name__}; give a file path, the file's "
                         "bytes or an array")
    else:
        path = Path(source)
        name = name or str(path)
        data = _read_file(path, name)
    return _decode(data, name, max_pixels, working_size)


def array_to_grey(array: np.ndarray, name: str = "array") -> np.ndarray:
    """An array as grey levels: (H, W), (H, W, 3|4) or a flat 784-vector (one MNIST row).

    uint8 is read as 0-255 and floats as 0-1 (or 0-255 if they go above 1), the conventions of MNIST
    and of :func:`digitnet.data.to_float`, so an MNIST image passes through unchanged.
    """
    a = np.asarray(array)
    if a.ndim == 1 and a.size == 784:
        a = a.reshape(28, 28)
    if a.ndim == 3 and a.shape[2] in (3, 4):
        a = _luma(a if a.dtype == np.uint8 else a[..., :3].astype(np.float32) * np.float32(255))
    if a.ndim != 2 or min(a.shape) < 2:
        raise ImageError(f"{name} has shape {a.shape}; expected a grey (H, W) or colour (H, W, 3) picture")
    if a.dtype == bool:
        return a.astype(np.float32)
    if a.dtype.kind not in "uif":
        raise ImageError(f"{name} holds {a.dtype} values; expected numbers")
    a = a.astype(np.float32)
    if not np.all(np.isfinite(a)) or a.min() < 0:
        raise ImageError(f"{name} has negative or non-finite values; expected brightness 0-1 or 0-255")
    return a / 255.0 if a.max() > 1.0 else a


def _read_file(path: Path, name: str) -> bytes:
    """The file's bytes, from a regular file only, and never more than :data:`MAX_FILE_BYTES` of them.

    A device such as /dev/zero, a pipe or a socket reports no useful size (often 0) and may never end,
    so only regular files are read; the read itself is bounded too, in case the file grows meanwhile.
    """
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ImageError(f"{name} is a folder, not a picture")
        if not stat.S_ISREG(info.st_mode):
            raise ImageError(f"{name} is not a regular file (a device, a pipe or a socket); give a picture file")
        if info.st_size > MAX_FILE_BYTES:
            raise ImageTooLargeError(f"{name} is {info.st_size / 1e6:.0f} MB, too large for a picture of one digit")
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ImageError(f"{name} does not exist") from None
    except OSError as err:
        raise ImageError(f"cannot read {name}: {err.strerror or err}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ImageTooLargeError(f"{name} is more than {MAX_FILE_BYTES / 1e6:.0f} MB, "
                                 "too large for a picture of one digit")
    return data


def _decode(data: bytes, name: str, max_pixels: int, working_size: int) -> np.ndarray:
    if not data:
        raise ImageError(f"{name} is empty")
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError:
        raise ImageTooLargeError(f"{name} claims to be an enormous picture (a decompression bomb?); refused") from None
    except UnidentifiedImageError:
        refused = _other_format(data)
        if refused:
            raise ImageError(f"{name} is in the {refused} format; digitnet reads PNG, JPEG, BMP, GIF, TIFF and WebP "
                             "pictures (convert it to one of those first)") from None
        return _as_text_grid(data, name)
    except _DECODE_ERRORS as err:
        raise ImageError(f"{name} is a damaged picture ({_first_line(err)})") from None
    check_size(image.size, name, max_pixels)
    try:
        image.draft("RGB", (working_size, working_size))  # JPEG: decode at 1/2, 1/4 or 1/8 size directly
        image.load()
        ImageOps.exif_transpose(image, in_place=True)  # phones store "turn me upright" in EXIF (no copy otherwise)
        if image.mode in DEEP_MODES:  # 16-bit and float scans: their scale is read before shrinking
            return _deep_to_grey(image, name, working_size)
        image = _shrink(image, working_size)
        return picture_to_grey(image, name)
    except Image.DecompressionBombError:
        raise ImageTooLargeError(f"{name} decodes to an enormous picture (a decompression bomb?); refused") from None
    except _DECODE_ERRORS as err:
        raise ImageError(f"{name} is a damaged or truncated picture ({_first_line(err)})") from None


def _other_format(data: bytes) -> str | None:
    """The name of a format Pillow would recognise but digitnet refuses (PCX, EPS, ...), from the file's
    first bytes alone: each plugin's signature check, no decoder."""
    Image.init()
    head = data[:64]
    for fmt, (_, accept) in Image.OPEN.items():
        if fmt not in FORMATS and accept is not None:
            try:
                if accept(head):
                    return fmt
            except Exception:  # a signature check that trips over a short or odd prefix: not that format
                continue
    return None


def check_size(size: tuple[int, int], name: str, max_pixels: int = MAX_PIXELS) -> None:
    """Refuse pictures with too many pixels *before* decoding them, so a bomb costs nothing."""
    width, height = size
    if width < 1 or height < 1:
        raise ImageError(f"{name} has no pixels ({width}x{height})")
    if width * height > max_pixels:
        raise ImageTooLargeError(f"{name} is {width}x{height} pixels, more than the {max_pixels / 1e6:g} "
                                 "megapixels allowed; shrink it first")


def _shrink(image: Image.Image, working_size: int) -> Image.Image:
    """Integer box reduction first (cheap, and keeps memory low for huge PNGs), then exact fit. For
    8-bit pictures (palettes, CMYK... become RGBA) and for floats ("F": what :func:`_deep_to_grey`
    turns 16-bit and float pictures into, so that their levels are averaged, not clipped)."""
    factor = max(image.size) // (2 * working_size)
    if factor >= 2 and image.mode in ("L", "LA", "RGB", "RGBA", "RGBa", "La", "F"):
        image = image.reduce(factor)
    scale = working_size / max(image.size)
    if scale < 1:
        if image.mode not in ("L", "LA", "RGB", "RGBA", "F"):
            image = image.convert("RGBA")
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.BOX)
    return image


def picture_to_grey(image: Image.Image, name: str = "the picture") -> np.ndarray:
    """A Pillow image as grey levels in [0, 1]; transparency is resolved against a contrasting backdrop.

    Why a contrasting backdrop: a paint program often saves a digit as opaque strokes on a fully
    transparent background, and the colour hidden under the transparency is arbitrary (often black).
    Showing black strokes over the colour the file happens to store could hide them; putting them
    over white (or light strokes over black) always keeps the digit visible.
    """
    if image.mode in DEEP_MODES:
        return _deep_to_grey(image, name, max(image.size))
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if image.mode == "L" and not has_alpha:  # already grey: its levels are the brightness
        return np.asarray(image, dtype=np.float32) * np.float32(1 / 255)
    mode = "RGBA" if has_alpha else "RGB"
    rgba = np.asarray(image if image.mode == mode else image.convert(mode))
    grey = _luma(rgba)
    if has_alpha and rgba[..., 3].min() < 255:
        alpha = rgba[..., 3] * np.float32(1 / 255)
        seen = float((grey * alpha).sum() / max(alpha.sum(), 1e-6))  # mean brightness of what is visible
        backdrop = 1.0 if seen < 0.5 else 0.0
        grey = alpha * grey + (1.0 - alpha) * np.float32(backdrop)
    return grey.astype(np.float32, copy=False)


def _deep_to_grey(image: Image.Image, name: str, working_size: int) -> np.ndarray:
    """A 16-bit or float picture as grey levels in [0, 1], shrunk to ``working_size`` without losing its range.

    Why apart from the others: Pillow shrinks 8-bit modes only, and converting a 16-bit picture to
    8-bit RGBA first clips every level above 255 to white (a 16-bit scan came out blank or misread).
    Its values are taken as floats ("F") and shrunk there, exactly. Their scale is read from the whole
    picture before shrinking: levels up to 1 are fractions, up to 255 bytes stored in a 16-bit file,
    anything higher 16-bit (0-65535).
    """
    floats = image if image.mode == "F" else image.convert("F")
    low, top = floats.getextrema()  # (which passes over NaN; shrinking does not: NaN is caught below)
    grey = np.asarray(_shrink(floats, working_size), dtype=np.float32)
    if not (math.isfinite(low) and math.isfinite(top) and np.isfinite(grey).all()):
        raise ImageError(f"{name} holds values that are not numbers (NaN or infinity); "
                         "save it with whole-number grey levels")
    return np.clip(grey / (1.0 if top <= 1 else 255.0 if top <= 255 else 65535.0), 0, 1)


#: Pillow's modes of more than 8 bits a pixel: 16-bit grey (PNG, TIFF), 32-bit integers and floats (TIFF)
DEEP_MODES = ("I", "I;16", "I;16B", "I;16L", "I;16N", "F")

#: ITU-R 601 weights (as Pillow's "L"), divided by 255 so that bytes come out as fractions of white
_LUMA = tuple(np.float32(weight / 255) for weight in (0.299, 0.587, 0.114))


def _luma(rgb: np.ndarray) -> np.ndarray:
    """Brightness in [0, 1] as the eye (and a black-and-white scanner) sees it, from (H, W, 3 or 4)
    bytes: channel by channel, so no float copy of all three channels is made."""
    grey = rgb[..., 0] * _LUMA[0]
    grey += rgb[..., 1] * _LUMA[1]
    grey += rgb[..., 2] * _LUMA[2]
    return grey


#: how the formats digitnet reads begin: a file that starts like one but that Pillow cannot open is damaged
_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\0", b"MM\0*", b"RIFF")


def _as_text_grid(data: bytes, name: str) -> np.ndarray:
    if data.startswith(_SIGNATURES):
        raise ImageError(f"{name} is a damaged picture (it starts like one, but cannot be read)")
    not_a_picture = ImageError(f"{name} is not a picture digitnet can read (PNG, JPEG, BMP, GIF, TIFF, WebP "
                               "or a text grid of numbers)")
    if len(data) > MAX_TEXT_BYTES or b"\0" in data[:4096]:
        raise not_a_picture
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise not_a_picture from None
    if not any(ch.isdigit() for ch in text[:200]):
        raise not_a_picture
    return parse_text_grid(text, name)


def _first_line(err: Exception) -> str:
    return (str(err).splitlines() or [type(err).__name__])[0][:100] or type(err).__name__
