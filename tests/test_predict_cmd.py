"""``digitnet predict``: files, folders and globs; text and JSON output; --save-28; exit codes."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from digit_pictures import draw_digit
from digitnet.cli import main
from digitnet.images import prepare


@pytest.fixture
def pictures(tmp_path):
    folder = tmp_path / "pictures"
    folder.mkdir()
    draw_digit(1, size=(240, 320)).save(folder / "one.png")
    draw_digit(0, ink=(250, 250, 250), paper=(20, 30, 25)).save(folder / "zero.jpg", quality=90)
    draw_digit(7, ink=(30, 40, 160), paper=(245, 240, 220)).save(folder / "seven.webp")
    (folder / "notes.md").write_text("not a picture, and not picked up from the folder")
    return folder


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_reads_a_folder_and_prints_digit_probability_and_next_two(small_model, pictures, capsys):
    code, out, err = run(capsys, "predict", small_model, pictures)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3, err
    by_name = {line.split(":")[0].rsplit("/", 1)[-1]: line for line in lines}
    assert set(by_name) == {"one.png", "seven.webp", "zero.jpg"}
    for name, digit in (("one.png", 1), ("zero.jpg", 0), ("seven.webp", 7)):
        assert f": {digit} (" in by_name[name] and "; next " in by_name[name]
        assert by_name[name].count("%") == 3


def test_json_output(small_model, pictures, capsys):
    code, out, _ = run(capsys, "predict", small_model, pictures / "one.png", pictures / "zero.jpg", "--json")
    result = json.loads(out)
    assert code == 0 and result["read"] == 2 and result["failed"] == 0 and result["preparation"] == "mnist"
    first = result["results"][0]
    assert first["digit"] == 1 and first["ink"] == "dark" and result["results"][1]["ink"] == "light"
    assert sum(first["probabilities"]) == pytest.approx(1, abs=1e-5)
    guesses = [first["probability"]] + [g["probability"] for g in first["next"]]
    assert guesses == sorted(guesses, reverse=True) and first["probability"] == max(first["probabilities"])


def test_globs_the_shell_did_not_expand(small_model, pictures, capsys):
    code, out, _ = run(capsys, "predict", small_model, str(pictures / "*.p*g"), "--json")
    files = [r["file"] for r in json.loads(out)["results"]]
    assert code == 0 and [f.rsplit("/", 1)[-1] for f in files] == ["one.png"]


def test_save_28_writes_what_the_network_saw(small_model, pictures, tmp_path, capsys):
    out_dir = tmp_path / "seen"
    (pictures / "again").mkdir()
    draw_digit(1).save(pictures / "again" / "one.png")  # the same name from another folder
    code, out, _ = run(capsys, "predict", small_model, pictures / "one.png", pictures / "again" / "one.png",
                       "--save-28", out_dir, "--json")
    saved = [r["saved_28"] for r in json.loads(out)["results"]]
    assert code == 0 and [s.rsplit("/", 1)[-1] for s in saved] == ["one.28.png", "one-2.28.png"]
    with Image.open(saved[0]) as image:
        assert image.size == (28, 28) and image.mode == "L"
        assert np.array_equal(np.asarray(image), prepare(pictures / "one.png").image)


def test_exit_1_when_a_picture_cannot_be_read(small_model, pictures, tmp_path, capsys):
    broken = tmp_path / "broken.png"
    broken.write_bytes((pictures / "one.png").read_bytes()[:200])
    blank = tmp_path / "blank.png"
    Image.new("L", (50, 50), 255).save(blank)
    code, out, err = run(capsys, "predict", small_model, pictures / "one.png", broken, blank, tmp_path / "missing.png")
    assert code == 1 and len(out.splitlines()) == 2
    assert "broken.png: error:" in err and "damaged" in err and "does not exist" in err
    # an answer, not an error
    assert "blank.png: not a digit (no digit found: nothing stands out from the background" in out
    assert "2 of 4 pictures read (1 of them not digits)" in err and "Traceback" not in err
    code, out, _ = run(capsys, "predict", small_model, broken, "--json")
    assert code == 1 and "damaged" in json.loads(out)["results"][0]["error"]


def test_a_picture_of_noise_all_over_is_not_a_digit_and_not_called_blank(small_model, tmp_path, capsys):
    noise = tmp_path / "noise.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (200, 200), dtype=np.uint8)).save(noise)
    code, out, _ = run(capsys, "predict", small_model, noise)
    assert code == 0
    assert out.strip().endswith("noise.png: not a digit (no digit found: nothing stands out from the background, "
                                "which is blank or noise all over)")


@pytest.mark.parametrize("naive", [False, True], ids=["prepared", "naive"])
def test_a_blank_picture_is_not_a_digit_an_answer_with_exit_0(small_model, pictures, tmp_path, capsys, naive):
    blank = tmp_path / "blank.png"
    Image.new("L", (50, 50), 255).save(blank)
    saved = tmp_path / "seen"
    options = ["--save-28", saved, "--json"] + (["--naive"] if naive else [])
    code, out, _ = run(capsys, "predict", small_model, blank, pictures / "one.png", *options)
    report = json.loads(out)
    assert code == 0 and report["read"] == 2 and report["refused"] == 1 and report["failed"] == 0
    answer = report["results"][0]
    assert answer["digit"] is None and answer["reason"].startswith("no digit found")
    assert answer["probabilities"] is None and answer["score"] is None and "saved_28" not in answer
    assert [p.name for p in saved.iterdir()] == ["one.28.png"]  # the blank picture never became a 28x28 image


def test_ink_and_naive_options(small_model, pictures, capsys):
    code, out, _ = run(capsys, "predict", small_model, pictures / "zero.jpg", "--ink", "light", "--json")
    assert code == 0 and json.loads(out)["results"][0]["digit"] == 0
    code, out, _ = run(capsys, "predict", small_model, pictures / "zero.jpg", "--naive", "--json")
    assert code == 0 and json.loads(out)["preparation"] == "naive"


@pytest.mark.parametrize("argv,message", [
    (["predict", "missing.npz", "x.png"], "no model file"),
    (["predict", "{model}", "{tmp}/*.png"], "no file matches"),
    (["predict", "{model}", "{tmp}"], "no pictures found"),
    (["predict", "{model}", "x.png", "--ink", "purple"], "invalid choice"),
])
def test_usage_mistakes_exit_2(argv, message, small_model, tmp_path, capsys):
    argv = [a.format(model=small_model, tmp=tmp_path) for a in argv]
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


def test_a_device_is_refused_at_once_not_read_for_ever(small_model, pictures, capsys):
    code, out, err = run(capsys, "predict", small_model, "/dev/zero", pictures / "one.png")
    assert code == 1 and "/dev/zero: error: /dev/zero is not a regular file" in err and "one.png: 1" in out


def test_a_device_as_the_model_is_refused(pictures, capsys):
    code, _, err = run(capsys, "info", "/dev/zero")
    assert code == 2 and "/dev/zero is not a regular file" in err
    # predict takes its first argument as the model only when it names a .npz file: here a picture
    code, _, err = run(capsys, "predict", "/dev/zero", pictures / "one.png")
    assert code == 1 and "/dev/zero" in err and "regular file" in err


@pytest.mark.parametrize("fmt", ["PCX", "PPM"])
def test_formats_digitnet_does_not_read_are_named(small_model, tmp_path, fmt, capsys):
    path = tmp_path / f"digit.{fmt.lower()}"
    draw_digit(7).save(path, fmt)
    code, _, err = run(capsys, "predict", small_model, path)
    assert code == 1 and f"is in the {fmt} format; digitnet reads PNG, JPEG, BMP, GIF, TIFF and WebP" in err
