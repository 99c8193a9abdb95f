"""Negatives: seeded, in MNIST form the way a picture of them would be prepared, never a digit look-alike."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.errors import DigitnetError
from digitnet.images import prepare
from digitnet.negatives import KINDS, erase_patches, fonts, make_negatives, mnist_form, scribbles, textures
from digitnet.negatives.glyphs import draw_glyph


@pytest.fixture(scope="module")
def negatives():
    return make_negatives(300, seed=5)


def test_the_same_seed_gives_the_same_images_and_another_seed_others(negatives):
    again = make_negatives(300, seed=5)
    assert np.array_equal(again.images, negatives.images) and list(again.kinds) == list(negatives.kinds)
    assert not np.array_equal(make_negatives(300, seed=6).images, negatives.images)


def test_negatives_are_mnist_shaped_and_split_by_shares(negatives):
    assert negatives.images.shape == (300, 28, 28) and negatives.images.dtype == np.uint8
    assert len(negatives) == 300
    counts = negatives.kind_counts()
    assert counts == {"glyph": 75, "pen": 105, "scribble": 60, "blob": 24, "raw": 36}
    assert len(negatives.families) == 300 and set(negatives.families) == set(counts)
    assert (negatives.images.reshape(300, -1).max(axis=1) > 100).all(), "every negative has visible ink"
    only = make_negatives(20, seed=1, shares={"scribble": 1.0})
    assert only.kind_counts() == {"scribble": 20}


def test_changing_one_kind_leaves_the_others_as_they_were():
    a = make_negatives(40, seed=2, shares={"glyph": 1, "raw": 1})
    b = make_negatives(60, seed=2, shares={"glyph": 1, "raw": 2})
    assert np.array_equal(a.images[:20], b.images[:20])  # the glyphs, drawn from their own stream


def test_font_digits_are_digits_from_the_training_fonts():
    from digitnet.negatives.font_digits import digit_fonts, make_font_digits

    images, labels = make_font_digits(30, seed=0)
    assert images.shape == (30, 28, 28) and labels.tolist() == [i % 10 for i in range(30)]
    assert (images.reshape(30, -1).max(axis=1) > 100).all()
    assert np.array_equal(make_font_digits(30, seed=0)[0], images)
    assert len(digit_fonts()) >= 10


def test_prepared_negatives_sit_in_the_20_pixel_box_centred_by_mass(negatives):
    prepared = np.array([not k.startswith("raw") for k in negatives.kinds])
    for image in negatives.images[prepared]:
        rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
        assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 <= 20
        mass = image.astype(float)
        r, c = np.indices(image.shape)
        assert abs((r * mass).sum() / mass.sum() - 14) <= 1.0 and abs((c * mass).sum() / mass.sum() - 14) <= 1.0


def test_mnist_form_is_what_prepare_makes_of_a_picture_of_the_mask():
    """A glyph and a scribble drawn dark on white paper and prepared by ``digitnet predict``'s own
    preparation give the image ``mnist_form`` makes from the mask directly."""
    gen = np.random.default_rng(0)
    path, chars = fonts.training_fonts()["latin"][0]
    masks = [draw_glyph("A", path, gen), draw_glyph("&", fonts.training_fonts()["symbols"][0][0], gen),
             scribbles.draw_scribble("face", gen), scribbles.draw_scribble("spiral", gen)]
    for mask in masks:
        padded = np.pad(mask, 12)  # paper all round, as in a photo of it
        picture = np.round(255 * (1 - padded)).astype(np.uint8)
        diff = np.abs(prepare(picture).image.astype(int) - mnist_form(padded).astype(int))
        assert diff.max() <= 2, f"differs by up to {diff.max()} grey levels"


def test_a_blank_mask_is_no_negative():
    from digitnet.images import NoDigitError

    with pytest.raises(NoDigitError):
        mnist_form(np.zeros((40, 40), np.float32))


@pytest.mark.parametrize("char", list("OolIi1Z2zSs5gq9|/()") + ["𝒪", "𝓁", "①", "○", "٣", "Ч", "∂"])
def test_lookalikes_are_never_drawn(char):
    assert fonts.is_lookalike(char)
    assert all(char not in chars for group in fonts.training_fonts().values() for _, chars in group)


@pytest.mark.parametrize("char", list("AHMWXkx#@%&+=?") + ["☺", "★", "𝒜", "Ж"])
def test_other_letters_and_symbols_are_negatives(char):
    assert not fonts.is_lookalike(char)


def test_the_training_fonts_ship_with_matplotlib_and_are_not_the_benchmarks_fonts():
    found = fonts.training_fonts()
    assert all(found[g] for g in fonts.GROUPS), "every group of characters has a font"
    names = {p.name for group in found.values() for p, _ in group}
    assert names <= set(fonts.FONT_FILES)
    assert not any("Liberation" in n or n.startswith(("dkg", "Comic", "Breip")) for n in names)


def test_no_kind_names_a_lookalike(negatives):
    from digitnet.negatives.pen_letters import CHARACTERS

    assert not any(fonts.is_lookalike(c) for c in CHARACTERS)
    for kind in negatives.kinds:
        parts = kind.split(":")
        if parts[0] in ("glyph", "pen"):
            assert not fonts.is_lookalike(parts[-1] if parts[-1] != "erased" else parts[-2])


@pytest.mark.parametrize("kind", list(scribbles.KINDS))
def test_every_scribble_leaves_ink_on_its_canvas(kind):
    mask = scribbles.draw_scribble(kind, np.random.default_rng(0))
    assert mask.shape == (scribbles.CANVAS, scribbles.CANVAS) and 0 <= mask.min() and mask.max() <= 1
    assert mask.sum() > 20
    assert mnist_form(mask).max() == 255


def test_raw_textures_cover_their_kinds_and_stay_in_range():
    images, kinds = textures.raw_textures(50, np.random.default_rng(0))
    assert images.shape == (50, 28, 28) and images.dtype == np.uint8
    assert set(kinds) == set(textures.RAW_KINDS)
    assert (images.reshape(50, -1).max(axis=1) > 0).all()


def test_erasing_removes_some_ink_but_not_all():
    mask = scribbles.draw_scribble("hash", np.random.default_rng(0))
    erased = erase_patches(mask, np.random.default_rng(1))
    assert 0.3 * mask.sum() < erased.sum() < 0.95 * mask.sum()
    assert (erased <= mask + 1e-6).all()


def test_bad_requests_get_one_line_errors():
    with pytest.raises(DigitnetError, match="shares"):
        make_negatives(10, shares={"letters": 1.0})
    with pytest.raises(DigitnetError, match="shares"):
        make_negatives(10, shares={"glyph": 0.0})
    with pytest.raises(DigitnetError, match="zero or more"):
        make_negatives(-1)
    assert len(make_negatives(0)) == 0
    assert set(KINDS) == {"glyph", "scribble", "blob", "raw", "pen"}


def test_pen_digits_are_seeded_labelled_and_read_as_their_digits():
    """Digits written by the pen of the pen letters, in every shape each digit has: the packaged
    model, which never saw them, reads nearly all of them as the digit they are labelled."""
    from digitnet.io import load_model
    from digitnet.models import packaged_model_path
    from digitnet.negatives.pen_digits import SHAPES, make_pen_digits

    images, labels = make_pen_digits(200, seed=0)
    assert images.shape == (200, 28, 28) and images.dtype == np.uint8
    assert labels.tolist() == [i % 10 for i in range(200)]
    assert np.array_equal(make_pen_digits(200, seed=0)[0], images)
    assert not np.array_equal(make_pen_digits(200, seed=1)[0], images)
    assert sorted(SHAPES) == list(range(10))
    network = load_model(packaged_model_path()).network
    read = network.predict(network.as_input(images))
    assert np.mean(read == labels) >= 0.85


def test_every_pen_shape_writes_visible_ink():
    from digitnet.negatives.pen import CANVAS, write
    from digitnet.negatives.pen_digits import SHAPES as DIGITS
    from digitnet.negatives.pen_letters import SHAPES as LETTERS

    gen = np.random.default_rng(0)
    for shapes in list(DIGITS.values()) + list(LETTERS.values()):
        for strokes in shapes:
            mask = write(strokes(), gen)
            assert mask.shape == (CANVAS, CANVAS) and 0 <= mask.min() and mask.max() <= 1
            assert mnist_form(mask).max() == 255
