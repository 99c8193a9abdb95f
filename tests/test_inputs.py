"""The one input contract (nn/inputs.py), rule by rule and edge by edge, without training anything.

Each rule of the module's docstring has a test here, at its boundary: a mistake in any of them (a
value of 255 or 1.0 on the wrong side, booleans divided, a caller's array scaled in place) shows here,
not only as a worse accuracy in a far-away end-to-end test.
"""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.errors import DigitnetError
from digitnet.nn.inputs import INPUT_KINDS, as_array, check_features, picture_size, scale_pixels, to_input

F255 = np.float32(255)


# -- integers: always divided by 255, and only 0..255 -------------------------------------------------
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.uint16, np.int32, np.int64, np.uint64])
def test_whole_numbers_of_any_width_are_divided_by_255(dtype):
    values = np.array([[0, 1, 2, 127]], dtype=dtype)
    out = scale_pixels(values)
    assert out.dtype == np.float32
    assert np.array_equal(out, values.astype(np.float32) / F255)  # 1 is 1/255 too: integers are never 0-1
    if np.iinfo(dtype).max >= 255:
        assert scale_pixels(np.array([[255]], dtype=dtype)).tolist() == [[1.0]]


def test_whole_numbers_must_lie_in_0_to_255():
    assert scale_pixels(np.array([[0, 255]], dtype=np.int64)).tolist() == [[0.0, 1.0]]
    with pytest.raises(DigitnetError, match="whole numbers from 0 to 256; pixels must be 0-255"):
        scale_pixels(np.array([[0, 256]], dtype=np.int64))
    with pytest.raises(DigitnetError, match="whole numbers from -1 to 3"):
        scale_pixels(np.array([[-1, 3]], dtype=np.int16))


def test_booleans_are_0_and_1():
    assert scale_pixels(np.array([[True, False]])).tolist() == [[1.0, 0.0]]


# -- floats: kept when all are at most 1, divided when the largest is at most 255 ------------------------
def test_floats_up_to_exactly_1_are_taken_as_they_are():
    x = np.array([[0.0, 0.25, 1.0]], dtype=np.float64)
    assert scale_pixels(x).tolist() == [[0.0, 0.25, 1.0]]


def test_floats_above_1_up_to_exactly_255_are_divided_by_255():
    for high in (1.0001, 2.0, 255.0):
        x = np.array([[0.0, 1.0, high]])
        np.testing.assert_allclose(scale_pixels(x), x / 255, rtol=1e-6)
    assert scale_pixels(np.array([[0.0, 255.0]])).tolist() == [[0.0, 1.0]]


def test_the_whole_array_is_judged_at_once():
    """One bright value anywhere makes the whole batch 0-255: the same 0.5 is 0.5 alone and 0.5/255 here."""
    assert scale_pixels(np.array([[0.5]])).tolist() == [[0.5]]
    np.testing.assert_allclose(scale_pixels(np.array([[0.5], [200.0]]))[0], 0.5 / 255, rtol=1e-6)


@pytest.mark.parametrize("bad,message", [
    (np.array([[0.0, 255.5]]), "values up to 255.5; pixels must be 0-1 or 0-255"),
    (np.array([[-0.001, 0.5]]), "values down to -0.001; pixels must be 0-1 or 0-255"),
    (np.array([[np.nan, np.nan, 0.5]]), "2 NaN or infinite values"),
    (np.array([[np.inf, 0.5]]), "1 NaN or infinite value;"),
    (np.array([[-np.inf, 0.5]]), "NaN or infinite"),
])
def test_floats_out_of_range_or_not_finite_are_refused(bad, message):
    with pytest.raises(DigitnetError, match=message) as err:
        scale_pixels(bad, what="X")
    assert str(err.value).startswith("X holds") and "\n" not in str(err.value)


def test_zero_is_a_pixel_and_negative_zero_too():
    assert scale_pixels(np.array([[0.0, -0.0, 0.5]])).tolist() == [[0.0, 0.0, 0.5]]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_every_float_width_and_the_requested_output_type(dtype):
    x = np.array([[0.0, 128.0, 255.0]], dtype=dtype)
    out = scale_pixels(x, dtype=np.float64)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, [[0.0, 128 / 255, 1.0]], rtol=1e-3)
    assert scale_pixels(x / 255, dtype=np.float64).dtype == np.float64  # kept as they are, in the type asked for


@pytest.mark.parametrize("x", [np.array([[0, 255]], np.uint8), np.array([[0, 255]], np.int64),
                               np.array([[True, False]]), np.zeros((0, 2), np.uint8)], ids=str)
def test_whole_numbers_come_out_in_the_requested_type(x):
    assert scale_pixels(x).dtype == np.float32 and scale_pixels(x, dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("x", [np.full((2, 3), 200.0, np.float32), np.full((2, 3), 200.0, np.float64),
                               np.full((2, 3), 200, np.int64), np.full((2, 3), 200, np.uint8)],
                         ids=["float32", "float64", "int64", "uint8"])
def test_the_callers_array_is_never_scaled_in_place(x):
    before = x.copy()
    out = scale_pixels(x)
    assert np.array_equal(x, before) and not np.shares_memory(out, x)


def test_empty_input_is_empty_output():
    for x in (np.zeros((0, 784), np.uint8), np.zeros((0, 784), np.int64), np.zeros((0, 784))):
        out = scale_pixels(x)
        assert out.shape == (0, 784) and out.dtype == np.float32


# -- what is not numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize("bad,message", [
    (np.array([["a", "b"]]), "holds <U1 values; give real numbers"),
    (np.array([[1 + 2j]]), "holds complex numbers"),
    (np.array([[object()]]), "holds object values"),
    ([[1, 2], [3]], "not a rectangular array of numbers"),
])
def test_what_is_not_numbers_is_refused_in_one_line(bad, message):
    with pytest.raises(DigitnetError, match=message) as err:
        as_array(bad, "X")
    assert "\n" not in str(err.value)
    with pytest.raises(DigitnetError, match=message):
        scale_pixels(bad)


def test_lists_and_data_frames_are_arrays():
    assert as_array([[1, 2], [3, 4]]).shape == (2, 2)
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [0, 255], "b": [51, 102]})
    assert scale_pixels(frame).tolist() == scale_pixels(frame.to_numpy()).tolist()


# -- features: checked, converted, never rescaled ----------------------------------------------------------
def test_features_are_used_as_they_are():
    x = np.array([[-3.5, 0.0, 7.25, 1e4]])
    out = check_features(x)
    assert out.dtype == np.float32 and out.tolist() == [[-3.5, 0.0, 7.25, 1e4]]
    assert check_features(np.array([[300, -2]], dtype=np.int64)).tolist() == [[300.0, -2.0]]
    assert check_features(x, dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_features_must_be_finite(value):
    with pytest.raises(DigitnetError, match="1 NaN or infinite value"):
        check_features(np.array([[0.0, value]]))


# -- shapes and kinds: to_input ------------------------------------------------------------------------
def test_to_input_shapes_each_sample_as_the_network_needs():
    batch = np.zeros((3, 784), np.uint8)
    for form in (batch, batch.reshape(3, 28, 28), batch.reshape(3, 1, 28, 28)):
        assert to_input(form, (1, 28, 28)).shape == (3, 1, 28, 28)
        assert to_input(form, (784,)).shape == (3, 784)
    assert to_input(batch[0], (784,)).shape == (1, 784)  # one sample without its batch axis
    assert to_input(batch[0].reshape(28, 28), (1, 28, 28)).shape == (1, 1, 28, 28)
    with pytest.raises(DigitnetError, match=r"input of shape \(2, 100\) does not fit .* \(784 values each\)"):
        to_input(np.zeros((2, 100)), (784,))


def test_to_input_scales_pixels_and_keeps_features():
    x = np.array([[0, 255]], dtype=np.int64)
    assert to_input(x, (2,)).tolist() == [[0.0, 1.0]]
    assert to_input(x, (2,), kind="features").tolist() == [[0.0, 255.0]]
    assert to_input(x, (2,), dtype=np.float64).dtype == np.float64
    assert INPUT_KINDS == ("pixels", "features")
    with pytest.raises(DigitnetError, match="inputs must be one of pixels, features, got 'images'"):
        to_input(x, (2,), kind="images")


def test_the_picture_a_sample_holds():
    """(H, W) and (1, H, W) are pictures as they are, rows of a square number of values are squares,
    and anything else (several channels, rows that are not square) is not a picture."""
    assert picture_size((20, 30)) == picture_size((1, 20, 30)) == (20, 30)
    assert picture_size((784,)) == (28, 28) and picture_size([1]) == (1, 1)
    for not_a_picture in [(600,), (3, 28, 28), (2, 1, 28, 28), (0,), ()]:
        assert picture_size(not_a_picture) is None, not_a_picture
