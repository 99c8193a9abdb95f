"""The tutorial presets in --quick form, the reproduction table and the helpers behind them.

One quick ``digitnet reproduce`` run (module fixture) feeds most tests; the figures of a quick run are
far from the published ones, so the tests check that each tutorial *learns* (well above chance) and
that its row and pictures are right, not that it meets the published figure.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys

import numpy as np
import pytest

from digitnet.cli import main
from digitnet.nn.network import Network
from digitnet.nn.optimizers import make_optimizer
from digitnet.train.trainer import TrainingDiverged
from digitnet.tutorials import baselines, is_zero, nielsen
from digitnet.tutorials.result import Context, Published, Result
from digitnet.tutorials.runner import GROUPS
from digitnet.tutorials.table import QUICK_NOTE, markdown_table
from digitnet.tutorials.training import descend, l2_penalty


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, mnist):
    """``digitnet reproduce --quick`` once, everything; returns (stdout, stderr, results by key, out dir).
    Output is caught with redirect_stdout/stderr because capsys cannot be used in a module fixture."""
    out = tmp_path_factory.mktemp("reproduce")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["reproduce", "--quick", "--out", str(out)])
    assert code == 0, "\n".join(stderr.getvalue().splitlines()[-20:])
    payload = json.loads((out / "reproduce.json").read_text())
    return stdout.getvalue(), stderr.getvalue(), {r["key"]: r for r in payload["results"]}, out


def test_every_tutorial_and_baseline_has_a_row_in_table_order(quick_run):
    stdout, _, results, out = quick_run
    assert list(results) == GROUPS["tutorials"]  # the default: no CNN ladder (hours)
    assert stdout.startswith(QUICK_NOTE)
    table_rows = [line for line in stdout.splitlines() if line.startswith("| ")]
    assert len(table_rows) == 1 + len(results)  # header + one per run
    assert stdout == (out / "reproduce.md").read_text() + "\n"  # what is printed is what is saved
    assert "Made with `digitnet reproduce --quick`" in stdout
    for r in results.values():
        assert r["quick"] is True and r["meets"] is None  # quick runs are never judged
        assert r["published"]["source"] and r["figure"]


def test_quick_figures_come_from_the_run_and_show_learning(quick_run):
    _, _, results, _ = quick_run
    one = results["is-it-zero"]["metrics"]
    assert one["accuracy"] > 0.95 and one["f1"] > 0.75
    assert np.array(one["confusion"]).sum() == 10000
    assert one["costs"][-1][1] < one["costs"][0][1] < 0.75  # from about log 2 downwards
    two = results["is-it-zero-hidden"]["metrics"]
    assert two["accuracy"] > 0.902 and two["f1"] > 0.5  # it learns: better than calling everything "not a 0"
    assert two["costs"][-1][1] < 0.3
    three = results["softmax-l2"]["metrics"]
    assert three["test_accuracy"] > 0.8 and len(three["grid"]) == 9
    assert (three["c"], three["lr"]) == (three["grid"][0]["c"], three["grid"][0]["lr"])
    assert [c for _, c in three["costs"]] == sorted((c for _, c in three["costs"]), reverse=True)
    for key in ("nielsen-ch1", "nielsen-ch3", "momentum-100"):
        assert results[key]["metrics"]["test_accuracy"] > 0.85, key
    for key in ("nielsen-ch1-100", "nielsen-ch1-linear"):  # N(0, 1) weights: slow starters
        assert results[key]["metrics"]["test_accuracy"] > 0.4, key
    assert results["moons"]["metrics"]["test_accuracy"] > 0.8


def test_nielsen_prints_the_books_epoch_line(quick_run):
    _, stderr, results, _ = quick_run
    count = results["nielsen-ch1"]["metrics"]["runs"][0]["epoch_counts"][0]
    assert f"Epoch 0: {count} / 10000" in stderr


def test_tutorial_5_says_what_it_validates_on(quick_run):
    """It validates on half of the test set, and holds none of the 60,000 training images out."""
    _, err, _, _ = quick_run
    assert "training 'momentum-100' with 1 epoch on 60,000 images (5,000 for validation)" in err
    assert "no validation" not in err


def test_baselines_reproduce_the_book(quick_run):
    _, _, results, _ = quick_run
    assert results["average-darkness"]["metrics"]["test_accuracy"] == pytest.approx(0.2225)  # the book, exactly
    assert 0.08 < results["guess"]["metrics"]["test_accuracy"] < 0.12
    svm = results["svm"]
    try:
        import sklearn  # noqa: F401
    except ImportError:
        assert "scikit-learn is not installed" in svm["figure"] and svm["metrics"]["test_accuracy"] is None
    else:
        assert svm["metrics"]["test_accuracy"] > 0.8


def test_pictures_of_the_tutorials_are_written(quick_run):
    _, _, results, out = quick_run
    from PIL import Image

    expected = {"is-it-zero": {"is_it_zero_confusion.png"},
                "softmax-l2": {"softmax_l2_cost.png", "softmax_l2_weights.png"},
                "momentum-100": {"momentum_curves.png"}, "nielsen-ch1": {"nielsen-ch1_curves.png"},
                "moons": {"moons_boundary.gif", "moons_boundary.png"}}
    for key, names in expected.items():
        paths = results[key]["plots"]
        assert {p.rsplit("/", 1)[-1] for p in paths} == names
        for p in paths:
            assert (out / "plots" / p.rsplit("/", 1)[-1]).stat().st_size > 2000
    with Image.open(out / "plots" / "moons_boundary.gif") as gif:
        assert gif.n_frames == 4  # iterations 0, 100, 200, 300 of the quick run


def test_only_runs_the_named_tutorials_and_needs_no_mnist_for_moons(tmp_path, capsys, monkeypatch):
    def no_mnist(args):
        raise AssertionError("the moons tutorial must not load MNIST")

    monkeypatch.setattr("digitnet.cli.common.load_data", no_mnist)
    assert main(["reproduce", "--quick", "--only", "moons", "--out", str(tmp_path), "--no-plots", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "General MLP on two moons" in out and "Nielsen" not in out
    assert not (tmp_path / "plots").exists()


def test_unknown_names_and_protocol_presets_are_one_line_errors(capsys):
    assert main(["reproduce", "--only", "nielsen-ch9"]) == 2
    assert "unknown name nielsen-ch9" in capsys.readouterr().err
    assert main(["train", "--model", "is-it-zero"]) == 2
    err = capsys.readouterr().err
    assert "digitnet reproduce --only is-it-zero" in err and len(err.strip().splitlines()) == 1


def test_svm_row_says_when_scikit_learn_is_missing(mnist, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes "import sklearn..." fail
    monkeypatch.setitem(sys.modules, "sklearn.svm", None)
    result = baselines.run_svm(Context(mnist, quick=False))
    assert "not installed" in result.figure and result.meets is None


def test_average_darkness_learns_one_number_per_digit():
    images = np.zeros((4, 2, 2), np.uint8)
    images[1, 0, 0] = 100
    images[2:, :, :] = 200
    model = baselines.AverageDarkness().fit(images, np.array([3, 3, 7, 7]))
    assert model.averages.tolist() == [50.0, 800.0]
    assert model.predict(np.full((2, 2, 2), [[[0]], [[250]]], np.uint8)).tolist() == [3, 7]


def test_published_is_it_zero_matrix_has_predictions_in_rows(mnist):
    truth_counts = np.bincount(mnist.test_labels == 0, minlength=2)  # [non-zeros, zeros]
    assert is_zero.PUBLISHED_MATRIX.sum(axis=0).tolist() == truth_counts.tolist()
    assert is_zero.PUBLISHED.value == pytest.approx(0.9912)
    assert is_zero.published_f1() == pytest.approx(2 * 954 / (2 * 954 + 26 + 62))


def test_descend_full_batch_records_cost_and_follows_the_l2_term(blobs):
    X, y = blobs
    net = Network.from_sizes([20, 3], loss="cross_entropy", init="zeros", seed=0, inputs="features")
    opt = make_optimizer("sgd", net.parameters(), lr=0.5, weight_decay=0.01)
    seen = []
    record = descend(net, opt, X, y, 250, every=100, on_record=lambda s, c: seen.append(s))
    assert [s for s, _ in record] == seen == [0, 100, 200, 250]
    assert record[0][1] == pytest.approx(np.log(3), rel=1e-5)  # zero weights: uniform guesses
    assert record[-1][1] < 0.3 * record[0][1]
    z = net.forward(X)
    assert record[-1][1] == pytest.approx(net.loss.value(z, y) + l2_penalty(net, 0.01), rel=1e-5)
    assert net.score(X, y) > 0.95


def test_descend_mini_batches_are_random_and_reproducible(blobs):
    X, y = blobs

    def weights(seed):
        net = Network.from_sizes([20, 3], loss="cross_entropy", seed=0, inputs="features")
        descend(net, make_optimizer("sgd", net.parameters(), lr=0.1), X, y, 20, batch_size=8,
                rng=np.random.default_rng(seed))
        return net.get_weights()["0.W"]

    assert np.array_equal(weights(1), weights(1)) and not np.array_equal(weights(1), weights(2))


def test_descend_stops_with_a_clear_error_when_it_diverges(blobs):
    X, y = blobs
    net = Network.from_sizes([20, 3], loss="quadratic", activation="identity", output="identity", seed=0,
                             inputs="features")
    with pytest.raises(TrainingDiverged, match="learning rate"):
        descend(net, make_optimizer("sgd", net.parameters(), lr=1e6), X * 100, y, 50)


def test_epoch_printer_counts_correct_test_images(blobs):
    X, y = blobs
    net = Network.from_sizes([20, 3], seed=0, inputs="features")
    said = []
    printer = nielsen.EpochPrinter(X, y, said.append)
    printer(type("T", (), {"network": net})(), {"epoch": 1})
    correct = int(np.sum(net.predict(X) == y))
    assert said == [f"Epoch 0: {correct} / {len(y)}"] and printer.counts == [correct]


def test_markdown_table_escapes_cells_and_marks_misses():
    rows = [Result("a", "A | B", "cfg", Published("1%", "src", 0.5), "0.4", 3.0, False, False),
            Result("b", "C", "cfg", Published("-", "src2"), "x", 300.0, None, False)]
    table = markdown_table(rows, "digitnet reproduce", 400.0)
    assert "A \\| B" in table and "**no**" in table and "5.0 min" in table and "3.0 s" in table
    assert QUICK_NOTE not in table and "Published figures: src; src2." in table
    assert "Made with `digitnet reproduce` in 6.7 min in all." in table


def test_names_and_groups_expand_in_table_order():
    from digitnet.errors import DigitnetError
    from digitnet.tutorials.runner import check_names

    assert check_names(None) == check_names([]) == GROUPS["tutorials"]
    assert check_names(["best", "lenet5"]) == ["lenet5", "best"]
    assert check_names(["ladder", "lenet5"]) == GROUPS["ladder"]
    assert check_names(["moons", "ladder"]) == ["moons"] + GROUPS["ladder"]
    with pytest.raises(DigitnetError, match="unknown name lenet6, nielsen-ch9;"):
        check_names(["lenet6", "moons", "nielsen-ch9"])


def test_an_unwritable_models_folder_is_refused_before_any_training(tmp_path, capsys, monkeypatch):
    def no_data(args):
        raise AssertionError("the folder must be checked before the data is even loaded")

    monkeypatch.setattr("digitnet.cli.common.load_data", no_data)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["reproduce", "--only", "lenet5", "--models", str(blocker / "models")]) == 2
    err = capsys.readouterr().err
    assert "cannot write models to" in err and "--models" in err and len(err.strip().splitlines()) == 1
