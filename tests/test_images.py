"""The MNIST-style preparation, step by step: geometry, ink and polarity, and every kind of bad input."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from digit_pictures import draw_digit, encode, png_claiming
from digitnet.images import ImageError, ImageTooLargeError, NoDigitError, geometry, ink, naive, parse_text_grid, prepare
from digitnet.images.components import component_labels
from digitnet.images.ink import stroke_width
from digitnet.images.numeric import block_percentiles, median, pooled, sorted_blocks


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(image.shape)
    total = image.sum()
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.astype(float).ravel(), b.astype(float).ravel()
    return float(np.corrcoef(a, b)[0, 1])


def ink_box(image: np.ndarray) -> tuple[int, int]:
    rows, cols = np.nonzero(image)
    return rows.max() - rows.min() + 1, cols.max() - cols.min() + 1


# -- geometry --------------------------------------------------------------------------------------
def test_crop_to_ink_finds_the_bounding_box():
    amount = np.zeros((50, 60), np.float32)
    amount[10:20, 30:35] = 1
    amount[25, 40] = 0.5
    crop = geometry.crop_to_ink(amount)  # rows 10-25, columns 30-40
    assert crop.shape == (16, 11) and crop[0, 0] == 1 and crop[-1, -1] == 0.5 and crop.sum() == amount.sum()


@pytest.mark.parametrize("shape,expected", [((200, 50), (20, 5)), ((30, 90), (7, 20)), ((5, 5), (20, 20))])
def test_fit_in_box_makes_the_longer_side_20_and_keeps_the_aspect_ratio(shape, expected):
    crop = np.ones(shape, np.float32)
    assert geometry.fit_in_box(crop).shape == expected


def test_fit_in_box_anti_aliases_when_shrinking():
    stripes = np.zeros((200, 200), np.float32)
    stripes[:, ::10] = 1  # thin lines: shrunk 10x they become grey, not lost and not solid
    boxed = geometry.fit_in_box(stripes)
    assert 0.05 < boxed.mean() < 0.2 and boxed.max() < 0.5


def test_centre_by_mass_puts_the_centre_of_mass_on_pixel_14():
    digit = np.zeros((20, 12), np.float32)
    digit[:4, :] = 1  # a bar at the top, like a 7's: the mass is high in the box
    digit[:, 10:] = 1
    field = geometry.centre_by_mass(digit)
    r, c = centre_of_mass(field)
    assert field.shape == (28, 28) and field.sum() == pytest.approx(digit.sum(), rel=1e-5)  # float32 sums
    assert abs(r - 14) <= 0.5 and abs(c - 14) <= 0.5


def test_centre_by_mass_keeps_a_lopsided_digit_inside_the_field():
    digit = np.zeros((20, 20), np.float32)
    digit[0, 0] = 1  # all the mass in one corner: centring it would push the box out of the field
    digit[19, 19] = 0.01
    field = geometry.centre_by_mass(digit)
    assert field.sum() == pytest.approx(digit.sum(), rel=1e-5)


def test_max_filter_and_box_mean():
    image = np.zeros((7, 7), np.float32)
    image[3, 3] = 9
    assert (geometry.max_filter(image, 3) == 9).sum() == 9
    assert geometry.box_mean(image, 3)[2:5, 2:5] == pytest.approx(np.ones((3, 3)), rel=1e-5)


def test_component_labels_8_connected():
    mask = np.array([[1, 0, 0, 1],
                     [0, 1, 0, 0],
                     [0, 0, 0, 1],
                     [1, 1, 0, 1]], bool)
    labels, count = component_labels(mask)
    assert count == 4 and labels[0, 0] == labels[1, 1] and labels[2, 3] == labels[3, 3] and labels[0, 3] != labels[2, 3]


# -- ink and polarity ------------------------------------------------------------------------------
def test_a_drawn_digit_comes_out_20_high_and_centred():
    prepared = prepare(np.asarray(draw_digit(7, box=(0.5, 0.5, 1.0, 1.0))))
    r, c = centre_of_mass(prepared.image.astype(float))
    assert prepared.image.dtype == np.uint8 and prepared.image.shape == (28, 28)
    assert max(ink_box(prepared.image)) == 20 and abs(r - 14) <= 0.5 and abs(c - 14) <= 0.5
    assert prepared.image.max() == 255 and prepared.ink == "dark"


def test_size_and_place_in_the_picture_do_not_matter():
    small = prepare(np.asarray(draw_digit(0, size=(120, 90), width=8, box=(0, 0, 0.6, 0.8)))).image
    large = prepare(np.asarray(draw_digit(0, size=(900, 700), width=60, box=(0.2, 0.1, 0.9, 1.0)))).image
    assert similarity(small, large) > 0.85


def test_both_polarities_give_the_same_image():
    dark_on_light = prepare(np.asarray(draw_digit(7))).image
    light_on_dark = prepare(np.asarray(draw_digit(7, ink=(240, 240, 240), paper=(30, 40, 35))))
    assert light_on_dark.ink == "light"
    assert similarity(dark_on_light, light_on_dark.image) > 0.97


def test_polarity_can_be_forced():
    picture = np.asarray(draw_digit(1))
    assert prepare(picture, ink="dark").ink == "dark"
    with pytest.raises(NoDigitError):  # white "ink" on black paper: this picture has none
        prepare(picture, ink="light")
    with pytest.raises(Exception, match="unknown ink"):
        prepare(picture, ink="purple")


def test_blue_pen_on_tinted_unevenly_lit_paper(rng):
    clean = prepare(np.asarray(draw_digit(7))).image
    photo = np.asarray(draw_digit(7, ink=(30, 40, 150), paper=(240, 230, 200)), dtype=np.float32)
    h, w = photo.shape[:2]
    y, x = np.mgrid[0:h, 0:w]
    light = 1.0 - 0.45 * x / w - 0.3 * ((y - h / 2) ** 2 + (x - w / 2) ** 2) / (h * w)  # a shadow and a vignette
    photo = np.clip(photo * light[..., None] + rng.normal(0, 6, photo.shape), 0, 255).astype(np.uint8)
    prepared = prepare(photo)
    assert prepared.ink == "dark" and similarity(clean, prepared.image) > 0.9


def test_grey_paper_and_a_faint_pencil():
    picture = np.asarray(draw_digit(7, ink=(95, 95, 95), paper=(140, 140, 140)))
    prepared = prepare(picture)
    assert prepared.ink == "dark" and prepared.image.max() == 255
    assert similarity(prepared.image, prepare(np.asarray(draw_digit(7))).image) > 0.97


def test_specks_away_from_the_digit_are_ignored():
    picture = draw_digit(1, box=(0.3, 0.3, 0.7, 0.7))
    clean = prepare(np.asarray(picture)).image
    dusty = np.asarray(picture).copy()
    dusty[5:8, 5:8] = 0  # a speck of dust in a corner
    dusty[280:282, 150:152] = 0
    assert np.array_equal(prepare(dusty).image, clean)


def test_hair_lines_are_thickened_to_mnist_stroke_width():
    thin = prepare(np.asarray(draw_digit(0, size=(500, 500), width=1))).image
    assert stroke_width(thin / 255.0) >= 1.4


def test_detect_ink_and_ink_contrast():
    grey = np.full((60, 60), 0.8, np.float32)
    grey[20:40, 28:32] = 0.2
    paper = ink.estimate_paper(grey)
    assert paper == pytest.approx(np.full_like(grey, 0.8), abs=0.02)
    assert ink.detect_ink(grey, paper) == "dark" and ink.detect_ink(1 - grey, 1 - paper) == "light"
    assert ink.ink_contrast(grey, paper, "dark")[30, 30] == pytest.approx(0.75, abs=0.03)


def test_estimate_paper_follows_a_gradient_under_a_bold_digit():
    h = w = 120
    lit = np.linspace(0.9, 0.5, w, dtype=np.float32)[None, :].repeat(h, 0)
    grey = lit.copy()
    grey[20:100, 30:70] *= 0.2  # a fat stroke over a third of the picture
    paper = ink.estimate_paper(grey, 80.0, "dark")
    assert np.abs(paper - lit).max() < 0.06


@pytest.mark.parametrize("picture", [
    np.full((100, 100), 255, np.uint8),
    np.full((100, 100, 3), 128, np.uint8),
    np.clip(np.random.default_rng(0).normal(200, 4, (100, 100)), 0, 255).astype(np.uint8),
], ids=["white", "grey", "grain only"])
def test_blank_pictures_have_no_digit(picture):
    with pytest.raises(NoDigitError, match="no digit found"):
        prepare(picture)


def test_mnist_digits_come_back_as_they_were(mnist):
    """MNIST's digits are already prepared: preparing them again changes almost nothing."""
    images = mnist.test_images[:200]
    again = np.stack([prepare(x).image for x in images])
    scores = [similarity(a, b) for a, b in zip(images, again)]
    assert np.median(scores) > 0.97 and np.mean(np.abs(again.astype(int) - images)) < 4


def test_naive_shrinks_the_whole_picture_and_flips_dark_ink():
    small = naive(np.asarray(draw_digit(1, box=(0, 0, 0.5, 0.5))))
    assert small.shape == (28, 28) and small.dtype == np.uint8
    assert small[:14, :14].sum() > 0 and small[14:, 14:].sum() == 0


# -- reading files ---------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt,options", [("PNG", {}), ("JPEG", {"quality": 80}), ("BMP", {}), ("GIF", {}),
                                         ("TIFF", {}), ("WEBP", {"quality": 80})])
def test_every_format_reads_the_same(fmt, options):
    picture = draw_digit(7, size=(200, 240))
    reference = prepare(np.asarray(picture)).image
    assert similarity(prepare(encode(picture, fmt, **options)).image, reference) > 0.95


def test_files_and_bytes_agree(tmp_path):
    path = tmp_path / "seven.png"
    draw_digit(7).save(path)
    assert np.array_equal(prepare(path).image, prepare(path.read_bytes()).image)
    assert np.array_equal(prepare(str(path)).image, prepare(path.read_bytes()).image)


def test_gif_uses_the_first_frame():
    frames = [draw_digit(1).convert("P"), draw_digit(0).convert("P")]
    buffer = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert np.array_equal(prepare(buffer).image, prepare(encode(frames[0], "GIF")).image)


def test_transparent_background_is_seen_as_paper():
    strokes = np.asarray(draw_digit(7).convert("L")) < 128
    rgba = np.zeros(strokes.shape + (4,), np.uint8)  # black strokes on transparent *black*
    rgba[..., 3] = strokes * 255
    prepared = prepare(encode(Image.fromarray(rgba), "PNG"))
    assert prepared.ink == "dark" and similarity(prepared.image, prepare(np.asarray(draw_digit(7))).image) > 0.95


def test_sixteen_bit_greyscale():
    grey = np.asarray(draw_digit(7).convert("L")).astype(np.uint16) * 257
    assert np.array_equal(prepare(encode(Image.fromarray(grey), "PNG")).image, prepare(np.asarray(draw_digit(7))).image)


@pytest.mark.parametrize("side", [200, 600, 1200])
def test_sixteen_bit_pictures_larger_than_the_working_size_read_like_eight_bit_ones(side):
    """A 16-bit grey PNG shrunk to the working size keeps its range (it was clipped at 255: blank)."""
    eight = np.asarray(draw_digit(7, size=(side, side), width=side // 15, ink=(60,) * 3, paper=(200,) * 3).convert("L"))
    sixteen = eight.astype(np.uint16) * 257  # the same grey levels, 0-65535 (all above 255)
    from_eight, from_sixteen = prepare(encode(Image.fromarray(eight))), prepare(encode(Image.fromarray(sixteen)))
    assert Image.open(__import__("io").BytesIO(encode(Image.fromarray(sixteen)))).mode.startswith("I")
    assert from_sixteen.ink == from_eight.ink == "dark"
    if side <= 512:  # no shrinking: the very same levels
        assert np.array_equal(from_sixteen.image, from_eight.image)
    else:  # shrunk as floats rather than bytes: a grey level apart here and there
        assert np.abs(from_sixteen.image.astype(int) - from_eight.image).max() <= 8
        assert similarity(from_sixteen.image, from_eight.image) > 0.999


def test_a_large_sixteen_bit_picture_holding_eight_bit_levels_is_scaled_as_bytes():
    """Levels up to 255 in a 16-bit file are bytes (some programs save 8-bit scans that way)."""
    eight = np.asarray(draw_digit(7, size=(900, 900), width=60).convert("L"))
    faint = (eight // 4 + 190).astype(np.uint16)  # 190-253: a faint pencil on grey paper
    from_sixteen, from_eight = (prepare(encode(Image.fromarray(levels))).image
                                for levels in (faint, faint.astype(np.uint8)))
    assert similarity(from_sixteen, from_eight) > 0.999


def test_exif_orientation_is_applied():
    picture = draw_digit(7, size=(200, 300))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    stored = picture.transpose(Image.Transpose.ROTATE_90)  # what the camera wrote
    upright = prepare(encode(stored, "JPEG", exif=exif.tobytes(), quality=95)).image
    assert similarity(upright, prepare(np.asarray(picture)).image) > 0.9


def test_text_grid_of_numbers_and_of_single_digits(mnist):
    digit = mnist.test_images[0]
    spaced = "\n".join(" ".join(str(v) for v in row) for row in digit)
    assert np.array_equal(parse_text_grid(spaced), digit / np.float32(255))
    assert similarity(prepare(spaced.encode()).image, digit) > 0.97
    levels = "\n".join("".join(str(int(v) * 9 // 255) for v in row) for row in digit)
    assert similarity(prepare(levels.encode()).image, digit) > 0.9


@pytest.mark.parametrize("text,message", [
    ("1 2 3\n4 5\n", "line 2 has 2 values"),
    ("0 0\n0 x\n", "neither a picture nor a grid"),
    ("0 0\n0 300\n", "above 255"),
    ("7\n", "grid"),
])
def test_bad_text_grids(text, message):
    with pytest.raises(ImageError, match=message):
        prepare(text.encode(), name="grid.txt")


def test_arrays_flat_float_and_colour(mnist):
    digit = mnist.test_images[1]
    reference = prepare(digit).image
    assert np.array_equal(prepare(digit.reshape(784)).image, reference)
    assert np.array_equal(prepare(digit / np.float32(255)).image, reference)
    with pytest.raises(ImageError, match="shape"):
        prepare(np.zeros((2, 3, 5)))
    with pytest.raises(ImageError, match="non-finite"):
        prepare(np.full((28, 28), np.nan))


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"this is not a picture at all", "not a picture"),
    (bytes(range(256)) * 10, "not a picture"),
])
def test_things_that_are_not_pictures(data, message):
    with pytest.raises(ImageError, match=message):
        prepare(data, name="upload")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_files_are_damaged(fmt):
    data = encode(draw_digit(7, size=(400, 400)), fmt)
    with pytest.raises(ImageError, match="damaged"):
        prepare(data[: len(data) // 2], name="half")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImageError, match="does not exist"):
        prepare(tmp_path / "nope.png")
    with pytest.raises(ImageError, match="folder"):
        prepare(tmp_path)


def test_decompression_bombs_are_refused_before_decoding():
    with pytest.raises(ImageTooLargeError, match="decompression bomb"):
        prepare(png_claiming(200_000, 200_000))  # beyond Pillow's own hard limit
    with pytest.raises(ImageTooLargeError, match="megapixels"):
        prepare(png_claiming(9_000, 9_000))  # 81 MP: beyond ours
    with pytest.raises(ImageTooLargeError, match="megapixels"):
        prepare(encode(draw_digit(1), "PNG"), max_pixels=10_000)


# -- hostile and odd files: refused in one line, before any decoder digitnet does not need ------------
@pytest.mark.parametrize("fmt", ["PCX", "PPM", "ICO", "TGA"])
def test_formats_other_than_the_documented_ones_are_refused(fmt, monkeypatch):
    data = encode(Image.new("L", (40, 40), 200), fmt)
    Image.init()
    _, accept = Image.OPEN[fmt]
    monkeypatch.setitem(Image.OPEN, fmt, (lambda *a: pytest.fail(f"the {fmt} plugin was asked to open it"), accept))
    with pytest.raises(ImageError, match=rf"(in the {fmt} format|not a picture).*PNG, JPEG, BMP, GIF, TIFF"):
        prepare(data, name="upload")


def test_eps_never_reaches_ghostscript(monkeypatch):
    import subprocess

    monkeypatch.setattr(subprocess, "check_call", lambda *a, **k: pytest.fail("Ghostscript was started"))
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("Ghostscript was started"))
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 28 28\nnewpath 4 4 moveto 24 24 lineto stroke\n"
    with pytest.raises(ImageError, match="in the EPS format; digitnet reads PNG"):
        prepare(eps, name="upload")


def test_multi_picture_jpegs_from_phones_are_read():
    import io

    buffer = io.BytesIO()
    draw_digit(7).save(buffer, "MPO", save_all=True, append_images=[draw_digit(1)])
    assert np.array_equal(prepare(buffer.getvalue()).image, prepare(encode(draw_digit(7), "JPEG")).image)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_float_tiff_holding_nan_or_infinity_is_refused(bad):
    grey = np.ones((60, 60), np.float32)
    grey[10:50, 28:32] = 0
    grey[5, 5] = bad
    with pytest.raises(ImageError, match="not numbers"):
        prepare(encode(Image.fromarray(grey, "F"), "TIFF"), name="scan")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_without_reading_them(device):
    if not __import__("os").path.exists(device):
        pytest.skip(f"no {device} here")
    with pytest.raises(ImageError, match="not a regular file"):
        prepare(device)


def test_a_pipe_is_refused_without_waiting_for_it(tmp_path):
    import os

    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)  # opening it for reading would block until someone writes
    with pytest.raises(ImageError, match="not a regular file"):
        prepare(fifo)


def test_a_file_larger_than_any_picture_is_refused_before_reading(tmp_path, monkeypatch):
    from digitnet.images import load

    monkeypatch.setattr(load, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.png"
    path.write_bytes(encode(draw_digit(7, size=(400, 400))))
    with pytest.raises(ImageTooLargeError, match="too large for a picture of one digit"):
        prepare(path)


@pytest.mark.parametrize("shape", [(280, 280), (100, 37), (37, 100), (7, 9), (512, 300)])
@pytest.mark.parametrize("percentile", [20.0, 50.0, 80.0])
def test_block_percentiles_are_nanpercentile_over_padded_blocks(shape, percentile):
    """The fast block percentiles give numpy's numbers: edge blocks smaller than the others included."""
    grey = np.random.default_rng(shape[0]).random(shape, dtype=np.float32)
    b = ink.block_side(shape)
    ny, nx = -(-shape[0] // b), -(-shape[1] // b)
    padded = np.full((ny * b, nx * b), np.nan, np.float32)
    padded[:shape[0], :shape[1]] = grey
    tiles = padded.reshape(ny, b, nx, b).transpose(0, 2, 1, 3).reshape(ny, nx, b * b)
    expected = np.nanpercentile(tiles, percentile, axis=2)
    found = block_percentiles(sorted_blocks(grey, b), (ny, nx), percentile)
    assert found == pytest.approx(expected, rel=1e-6, abs=1e-7)  # the same ranks; float64 interpolation


def test_component_labels_agree_with_a_flood_fill():
    rng = np.random.default_rng(5)
    neighbours = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if dr or dc]
    for _ in range(200):
        mask = rng.random(tuple(rng.integers(1, 25, 2))) < rng.random()
        labels, count = component_labels(mask)
        expected, n = np.zeros(mask.shape, np.int32), 0
        for start in zip(*np.nonzero(mask)):  # numbered by first pixel, row by row
            if expected[start]:
                continue
            n += 1
            expected[start], stack = n, [start]
            while stack:
                r, c = stack.pop()
                for dr, dc in neighbours:
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < mask.shape[0] and 0 <= cc < mask.shape[1] and mask[rr, cc] and not expected[rr, cc]:
                        expected[rr, cc] = n
                        stack.append((rr, cc))
        assert count == n and np.array_equal(labels, expected)


@pytest.mark.parametrize("n", [1, 2, 7, 12, 144])
def test_median_is_numpys(n):
    values = np.random.default_rng(n).random(n)
    assert median(values) == np.median(values)


@pytest.mark.parametrize("pool", [1, 2, 3, 5])
def test_pooled_is_the_max_and_the_sum_of_each_block(pool):
    image = np.random.default_rng(pool).random((6 * pool, 4 * pool), dtype=np.float32)
    blocks = image.reshape(6, pool, 4, pool)
    assert np.array_equal(pooled(image, pool, np.maximum), blocks.max(axis=(1, 3)))
    np.testing.assert_allclose(pooled(image, pool, np.add), blocks.sum(axis=(1, 3)), rtol=1e-5)


def reference_window(image, size, combine, pad_mode):
    """The square window as written first (np.pad, then the shifted views one after the other): the
    faster one must give the very same numbers, summation order included."""
    r = size // 2
    padded = np.pad(image.astype(np.float32), r, mode=pad_mode)
    h, w = image.shape
    rows = padded[:h, :].copy()
    for i in range(1, size):
        combine(rows, padded[i:i + h, :], out=rows)
    out = rows[:, :w].copy()
    for j in range(1, size):
        combine(out, rows[:, j:j + w], out=out)
    return out


@pytest.mark.parametrize("size", [2, 3, 4, 5, 9])
@pytest.mark.parametrize("shape", [(7, 5), (40, 33)])
def test_square_windows_match_the_reference_bit_for_bit(size, shape):
    image = np.random.default_rng(size).random(shape, dtype=np.float32)
    assert np.array_equal(geometry.max_filter(image, size), reference_window(image, size, np.maximum, "constant"))
    total = reference_window(image, size, np.add, "edge")
    total /= np.float32(size * size)
    assert np.array_equal(geometry.box_mean(image, size), total)
