"""Augmentation: exact geometry on known cases, reproducibility, the spec strings and the picture grid."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.augment import ElasticDistortion, RandomAffine, RandomShift, make_augmentation
from digitnet.augment.elastic import gaussian_matrix
from digitnet.augment.spec import Compose
from digitnet.augment.warp import Chain, bilinear
from digitnet.errors import DigitnetError


class Fixed:
    """A stand-in random generator whose uniform draws are all the top of their range."""

    def uniform(self, low, high, size=None):
        return np.broadcast_to(np.asarray(high, dtype=float), size if size is not None else ())


@pytest.fixture
def digits(rng):
    """Eight 28x28 'digits': random blobs of ink in the middle, background 0."""
    x = np.zeros((8, 28, 28), np.float32)
    x[:, 6:22, 8:20] = rng.random((8, 16, 12), dtype=np.float32)
    return x


def test_bilinear_reads_whole_pixels_exactly_and_blends_between_them(rng):
    img = rng.random((2, 5, 6)).astype(np.float32)
    rows, cols = np.meshgrid(np.arange(5.0), np.arange(6.0), indexing="ij")
    rows, cols = np.broadcast_to(rows, img.shape), np.broadcast_to(cols, img.shape)
    assert np.array_equal(bilinear(img, rows, cols), img)
    half = bilinear(img, rows + 0.5, cols)
    assert np.allclose(half[:, :-1], (img[:, :-1] + img[:, 1:]) / 2)
    assert np.allclose(half[:, -1], img[:, -1] / 2)  # beyond the edge is background (0)


def test_affine_rotation_by_90_degrees_is_an_exact_quarter_turn(digits):
    turned = RandomAffine(rotate=90, scale=0, shift=0)(digits, Fixed())
    assert np.allclose(turned, np.rot90(digits, k=-1, axes=(1, 2)), atol=1e-5)


def test_affine_whole_pixel_shift_moves_the_image(digits):
    moved = RandomAffine(rotate=0, scale=0, shift=2)(digits, Fixed())  # +2 rows, +2 columns
    expected = np.zeros_like(digits)
    expected[:, 2:, 2:] = digits[:, :-2, :-2]
    assert np.allclose(moved, expected, atol=1e-6)


def test_affine_scaling_grows_the_ink_about_the_centre(digits):
    bigger = RandomAffine(rotate=0, scale=0.2, shift=0)(digits, Fixed())
    assert bigger.sum() == pytest.approx(digits.sum() * 1.2**2, rel=0.05)  # area grows with the square


def test_elastic_fields_are_smooth_and_scale_with_alpha(rng):
    small, big = ElasticDistortion(alpha=10, sigma=4), ElasticDistortion(alpha=30, sigma=4)
    d_small = small.displacement(50, np.random.default_rng(0))
    d_big = big.displacement(50, np.random.default_rng(0))
    assert np.allclose(d_big, 3 * d_small, rtol=1e-5, atol=1e-6)
    neighbour_change = np.abs(np.diff(d_big, axis=-1)).mean()
    assert neighbour_change < 0.2 * d_big.std()  # neighbours move together: strokes bend, not shatter
    assert 0.3 < d_big.std() < 5  # a pixel or so: the digit stays readable


def test_gaussian_matrix_blurs_like_a_normalised_kernel():
    g = gaussian_matrix(28, 2.0)
    assert np.allclose(g.sum(axis=1)[8:20], 1)  # rows away from the border hold the whole kernel
    assert np.allclose(g, g.T) and np.argmax(g[14]) == 14


@pytest.mark.parametrize("spec", ["shift:2", "affine:rot=10,scale=0.1,shift=2", "elastic:alpha=34,sigma=4",
                                  "shift:1+affine+elastic"])
def test_augmentations_keep_shape_dtype_range_and_repeat_with_a_seed(spec, digits):
    augment = make_augmentation(spec)
    for batch in (digits.reshape(8, 784), digits.reshape(8, 1, 28, 28)):
        out = augment(batch, np.random.default_rng(3))
        assert out.shape == batch.shape and out.dtype == np.float32
        assert out.min() >= 0 and out.max() <= 1 + 1e-6
        assert np.array_equal(out, augment(batch, np.random.default_rng(3)))
        assert not np.array_equal(out, augment(batch, np.random.default_rng(4)))
        assert not np.array_equal(out, batch)
        # every image gets its own transformation
        assert not np.allclose(out[0] - batch[0], out[1] - batch[1])


def test_spec_strings_build_the_right_objects():
    assert isinstance(make_augmentation("shift:3"), RandomShift)
    affine = make_augmentation("affine:rot=5,shift=1")
    assert (affine.rotate, affine.scale, affine.shift) == (5, 0.1, 1)
    chain = make_augmentation("affine+elastic:sigma=5")
    assert isinstance(chain, Chain) and [type(w) for w in chain.warps] == [RandomAffine, ElasticDistortion]
    composed = make_augmentation("shift:1+elastic")
    assert isinstance(composed, Compose) and isinstance(composed.parts[0], RandomShift)
    assert make_augmentation("") is None and make_augmentation(None) is None


@pytest.mark.parametrize("spec,message", [
    ("blur:3", "unknown augmentation"), ("affine:spin=3", "no setting 'spin'"), ("affine:rot=lots", "needs a number"),
    ("elastic:sigma=0", "sigma must be positive"), ("affine:scale=1.5", "scale must be"), ("shift:x", "whole number"),
])
def test_bad_specs_give_one_line_errors(spec, message):
    with pytest.raises(DigitnetError, match=message) as err:
        make_augmentation(spec)
    assert "\n" not in str(err.value)


def test_picture_grid_is_written(digits, tmp_path):
    from PIL import Image

    from digitnet.plots.augment_grid import save_augmentation_grid

    path = save_augmentation_grid(tmp_path / "grid.png", digits[:2], specs=("shift:2", "elastic"), per_spec=2)
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size[0] > image.size[1] > 100


def test_random_shift_moves_each_image_by_its_drawn_offset(rng):
    """The sliding-window gather equals plain slicing of a zero-padded canvas at the drawn offsets."""

    x = rng.random((16, 784)).astype(np.float32)
    shifted = RandomShift(2)(x, np.random.default_rng(3))
    draws = np.random.default_rng(3)
    top, left = draws.integers(0, 5, 16), draws.integers(0, 5, 16)
    canvas = np.pad(x.reshape(16, 28, 28), ((0, 0), (2, 2), (2, 2)))
    expected = np.stack([canvas[i, row:row + 28, col:col + 28] for i, (row, col) in enumerate(zip(top, left))])
    assert np.array_equal(shifted.reshape(16, 28, 28), expected)
    assert (top != 2).any() and (left != 2).any()  # some images really moved
