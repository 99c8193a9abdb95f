"""Every plot is written, non-empty, of the size its figure asks for; the CLI's --plots writes them all."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from digitnet.cli import main
from digitnet.errors import DigitnetError
from digitnet.nn.network import Network
from digitnet.plots import (
    BoundaryMovie,
    plot_confusion,
    plot_cost_curve,
    plot_first_layer,
    plot_learning_curves,
    plot_samples,
    plot_worst_mistakes,
    save_model_plots,
    worst_mistakes,
)
from digitnet.train import build_network
from digitnet.train.history import History

ROWS = [{"epoch": e, "loss": 1 / e, "accuracy": 1 - 0.1 / e, "val_loss": 1.1 / e, "val_accuracy": 1 - 0.12 / e}
        for e in range(1, 6)]


def size_of(path):
    assert path.is_file() and path.stat().st_size > 2000, f"{path} is missing or nearly empty"
    with Image.open(path) as image:
        return image.size


@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(60, 28, 28), dtype=np.uint8), np.arange(60) % 10


def test_learning_curves_from_a_history_or_its_dict(tmp_path):
    history = History(epochs=ROWS, best_epoch=4)
    assert size_of(plot_learning_curves(history, tmp_path / "a.png")) == (1000, 450)
    assert size_of(plot_learning_curves(history.to_dict(), tmp_path / "b.png")) == (1000, 450)
    train_only = [{k: r[k] for k in ("epoch", "loss", "accuracy")} for r in ROWS]
    assert size_of(plot_learning_curves(train_only, tmp_path / "c.png")) == (1000, 450)
    with pytest.raises(ValueError):
        plot_learning_curves(History(), tmp_path / "d.png")


def test_cost_curve(tmp_path):
    path = plot_cost_curve([0, 100, 200], [2.3, 0.5, 0.4], tmp_path / "cost.png",
                           extra={"validation": ([0, 200], [2.3, 0.45])})
    assert size_of(path) == (700, 450)


@pytest.mark.parametrize("k", [2, 10])
def test_confusion_heat_map_grows_with_the_classes(tmp_path, k):
    cm = np.random.default_rng(k).integers(0, 50, size=(k, k)) + np.eye(k, dtype=int) * 900
    side = 2.5 + 0.55 * k
    assert size_of(plot_confusion(cm, tmp_path / "cm.png")) == (round((side + 1.2) * 100), round(side * 100))


def test_sample_grid(tmp_path, digits):
    images, labels = digits
    assert size_of(plot_samples(images, labels, tmp_path / "s.png", n=20, columns=10)) == (1290, 360)


def test_worst_mistakes_are_the_most_confident_wrong_answers():
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.05, 0.95], [0.7, 0.3]])
    labels = np.array([0, 0, 1, 0, 0])  # rows 1, 2, 3 are wrong, with confidences 0.8, 0.6, 0.95
    assert worst_mistakes(proba, labels, n=2).tolist() == [3, 1]
    assert worst_mistakes(proba, labels).tolist() == [3, 1, 2]


def test_worst_mistakes_grid_for_a_digit_and_a_yes_no_network(tmp_path, digits):
    images, labels = digits
    ten = Network.from_sizes([784, 8, 10], seed=0)
    assert size_of(plot_worst_mistakes(ten, images, labels, tmp_path / "w.png", n=16, columns=8)) == (1040, 360)
    yes_no = Network.from_sizes([784, 1], loss="binary_cross_entropy", seed=0)
    is_zero = (labels == 0).astype(int)
    assert size_of(plot_worst_mistakes(yes_no, images, is_zero, tmp_path / "z.png", n=8)) == (1040, 215)


def test_first_layer_weights(tmp_path):
    net = Network.from_sizes([784, 12, 10], seed=0)
    assert size_of(plot_first_layer(net, tmp_path / "w.png", n=36, columns=6)) == (760, 340)
    with pytest.raises(DigitnetError):
        plot_first_layer(Network.from_sizes([10, 4, 2], seed=0, inputs="features"), tmp_path / "bad.png")


def test_decision_boundary_animation_and_final_picture(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    net = Network.from_sizes([2, 8, 1], loss="binary_cross_entropy", seed=0, inputs="features")
    movie = BoundaryMovie(X, y, resolution=40)
    for step in (0, 100, 200):
        movie.snapshot(net, step, net.score(X, y))
    gif, png = movie.save(tmp_path / "m.gif", tmp_path / "m.png")
    assert size_of(png) == (600, 500) and size_of(gif) == (360, 300)  # frames are drawn smaller
    with Image.open(gif) as animation:
        assert animation.is_animated and animation.n_frames == 3
    with pytest.raises(ValueError):
        BoundaryMovie(X, y).save(tmp_path / "n.gif", tmp_path / "n.png")


def test_save_model_plots_writes_the_whole_set(tmp_path, digits):
    images, labels = digits
    net = Network.from_sizes([784, 16, 10], seed=0)
    written = save_model_plots(net, images, labels, tmp_path / "p", history=History(epochs=ROWS, best_epoch=5))
    assert set(written) == {"confusion", "mistakes", "samples", "curves", "weights"}
    for path in written.values():
        size_of(path)
    assert "curves" not in save_model_plots(net, images, labels, tmp_path / "q")


def test_train_and_evaluate_write_plots_from_the_command_line(tiny_data, tmp_path, capsys):
    model, train_plots, eval_plots = tmp_path / "m.npz", tmp_path / "tp", tmp_path / "ep"
    assert main(["train", "--data", str(tiny_data), "--layers", "784,16,10", "--epochs", "2", "--val-size", "40",
                 "--quiet", "--out", str(model), "--plots", str(train_plots)]) == 0
    names = {"confusion.png", "worst_mistakes.png", "samples.png", "learning_curves.png", "first_layer_weights.png",
             "reliability.png"}  # no reject rule: no refusals.png
    assert {p.name for p in train_plots.iterdir()} == names
    assert main(["evaluate", str(model), "--data", str(tiny_data), "--plots", str(eval_plots)]) == 0
    assert "pictures:" in capsys.readouterr().out
    assert {p.name for p in eval_plots.iterdir()} == names  # the model file keeps its history: curves too
    for path in eval_plots.iterdir():
        size_of(path)


def test_a_convolutional_network_gets_its_first_kernels_drawn(tmp_path, digits):
    """A CNN's first dense layer is deep inside it: its first convolution's kernels (and their maps for
    three test digits) are its first-layer weights, drawn as ``conv_filters.py`` draws them."""
    from digitnet.presets import PRESETS

    images, labels = digits
    written = save_model_plots(build_network(PRESETS["lenet5"], seed=0), images, labels, tmp_path / "p")
    assert set(written) == {"confusion", "mistakes", "samples", "weights"}
    assert written["weights"] == tmp_path / "p" / "first_layer_weights.png"
    assert size_of(written["weights"]) == (577, 396)  # the kernels' picture and three digits' maps, at 110 dpi
    wide = build_network(PRESETS["lenet5"].with_overrides(input_shape=(1, 20, 30)), seed=0)  # not 28x28
    pictures = np.random.default_rng(0).integers(0, 256, (12, 20, 30), dtype=np.uint8)
    assert size_of(save_model_plots(wide, pictures, np.arange(12) % 10, tmp_path / "w")["weights"])


def test_train_and_evaluate_write_the_five_pictures_of_a_cnn(tiny_data, tmp_path, capsys):
    """The README's promise for a CNN: evaluate --plots writes six files (seven with a reject rule, as the
    default model has: tests/test_reject_surfaces.py checks refusals.png)."""
    model, eval_plots = tmp_path / "cnn.npz", tmp_path / "ep"
    assert main(["train", "--data", str(tiny_data), "--model", "lenet5", "--epochs", "1", "--val-size", "40",
                 "--quiet", "--out", str(model)]) == 0
    assert main(["evaluate", str(model), "--data", str(tiny_data), "--plots", str(eval_plots)]) == 0
    names = {"confusion.png", "worst_mistakes.png", "samples.png", "learning_curves.png", "first_layer_weights.png",
             "reliability.png"}
    assert {p.name for p in eval_plots.iterdir()} == names
    assert "first_layer_weights.png" in capsys.readouterr().out


def test_no_plot_leaves_a_pyplot_figure_open(tmp_path, digits):
    """Plots run inside long processes (the server, notebooks): pyplot's global figure list must not grow."""
    import matplotlib.pyplot as plt

    from digitnet.plots.augment_grid import save_augmentation_grid
    from digitnet.plots.conv_filters import conv_filters_figure
    from digitnet.plots.style import save
    from digitnet.presets import PRESETS

    images, labels = digits
    plt.close("all")
    save_augmentation_grid(tmp_path / "a.png", images[:2], specs=("shift:2",), per_spec=1)
    assert size_of(save(conv_filters_figure(build_network(PRESETS["lenet5"], seed=0), images[:2]), tmp_path / "c.png",
                        dpi=110)) == (577, 308)  # 7 x 2.8 inches at 110 dpi, as the docs' pictures are drawn
    save_model_plots(Network.from_sizes([784, 16, 10], seed=0), images, labels, tmp_path / "p",
                     history=History(epochs=ROWS, best_epoch=5))
    assert plt.get_fignums() == []


def test_evaluate_with_plots_runs_the_network_over_the_test_set_once(tiny_data, tmp_path, capsys, monkeypatch):
    """The evaluation, the confusion picture and the worst mistakes share one pass; what they show is unchanged."""
    from digitnet.data import load_mnist
    from digitnet.io import save_model

    model = tmp_path / "m.npz"
    save_model(Network.from_sizes([784, 16, 10], seed=0), model)
    assert main(["evaluate", str(model), "--data", str(tiny_data)]) == 0
    plain = capsys.readouterr().out
    rows, forward = [], Network.forward

    def counting_forward(self, x, training=False):
        rows.append(len(x))
        return forward(self, x, training)

    monkeypatch.setattr(Network, "forward", counting_forward)
    assert main(["evaluate", str(model), "--data", str(tiny_data), "--plots", str(tmp_path / "p")]) == 0
    test = load_mnist(tiny_data, download=False, progress=False)
    assert sum(rows) == len(test.test_labels) == 100
    with_plots = capsys.readouterr().out
    assert with_plots.startswith(plain) and "pictures:" in with_plots[len(plain):]
    alone = plot_worst_mistakes(Network.from_sizes([784, 16, 10], seed=0), test.test_images, test.test_labels,
                                tmp_path / "alone.png")
    assert (tmp_path / "p" / "worst_mistakes.png").read_bytes() == alone.read_bytes()


@pytest.fixture
def wide_pictures(tmp_path):
    """A learnable MNIST-format data set of 20x30 pictures: each class a bright bar at its own column."""
    from data_helpers import write_dataset

    rng = np.random.default_rng(0)

    def pictures(n):
        labels = (np.arange(n) % 10).astype(np.uint8)
        images = rng.integers(0, 40, (n, 20, 30)).astype(np.uint8)
        for i, label in enumerate(labels):
            images[i, 4:16, 2 + 2 * label:5 + 2 * label] = 255
        return images, labels

    (x, y), (xt, yt) = pictures(300), pictures(60)
    return write_dataset(tmp_path / "wide", {"train-images-idx3-ubyte": x, "train-labels-idx1-ubyte": y,
                                             "t10k-images-idx3-ubyte": xt, "t10k-labels-idx1-ubyte": yt})


def test_pictures_that_are_not_28x28_train_augmented_and_are_drawn_as_they_are(wide_pictures, tmp_path):
    """A data set of 20x30 pictures: the augmentation moves them as 20x30 (not as 28x28, which failed
    deep inside NumPy), and every picture is drawn at that shape, the first layer's units too."""
    plots = tmp_path / "p"
    assert main(["train", "--data", str(wide_pictures), "--layers", "600,16,10", "--augment", "shift:2",
                 "--epochs", "3", "--val-size", "40", "--quiet", "--out", str(tmp_path / "m.npz"),
                 "--plots", str(plots)]) == 0
    assert {p.name for p in plots.iterdir()} >= {"samples.png", "worst_mistakes.png", "first_layer_weights.png"}
    for path in plots.iterdir():
        size_of(path)


def test_pictures_an_augmentation_cannot_move_are_refused_in_one_line(tiny_data, wide_pictures, tmp_path):
    """The shape an augmentation moves is the data set's: (H, W) or (1, H, W) pictures as they are, rows of
    a square number of pixels as a square; pictures whose pixels are not the network's inputs, and rows
    that are not square, are refused in one line that names the fix. Rows of numbers that are not square
    cannot be drawn as pictures either."""
    from digitnet.data import read_dataset
    from digitnet.presets import Recipe
    from digitnet.train import build_trainer
    from digitnet.train.build import picture_shape

    recipe = Recipe.mlp([784, 16, 10], augment="shift:2")
    assert picture_shape(recipe, read_dataset(tiny_data).train_images.shape[1:], 784) == (28, 28)
    assert picture_shape(recipe, read_dataset(wide_pictures).train_images.shape[1:], 600) == (20, 30)  # height first
    trainer = build_trainer(recipe, Network.from_sizes([600, 4, 10], seed=0), 0, (20, 30))
    assert trainer.transform.image_shape == (20, 30)
    # one channel, as a CNN takes them; rows, as the estimator takes them (and a network's own input shape)
    assert picture_shape(recipe, (1, 28, 28), 784) == picture_shape(recipe, (784,), 784) == (28, 28)
    assert build_trainer(recipe, Network.from_sizes([64, 4, 10], seed=0), 0).transform.image_shape == (8, 8)
    refused = [((28, 28), 600, "pictures of 28x28 for a network of 600 inputs"),
               ((600,), 600, "rows of 600 numbers, not a square picture"),
               ((3, 28, 28), 784, r"samples of shape \(3, 28, 28\), not one-channel pictures")]
    for shape, inputs, what in refused:
        with pytest.raises(DigitnetError, match=f"augment.*{what}; train without it \\(`augment` none\\)") as err:
            picture_shape(recipe, shape, inputs)
        assert "\n" not in str(err.value)
    from digitnet.plots.style import as_images

    assert as_images(np.zeros((2, 1, 20, 30), np.uint8)).shape == (2, 20, 30)
    with pytest.raises(DigitnetError, match="600 numbers as pictures: they are not square"):
        as_images(np.zeros((2, 600)))
    with pytest.raises(DigitnetError, match="not a picture of 20x20"):
        plot_first_layer(Network.from_sizes([784, 4, 2], seed=0), tmp_path / "unused.png", image_shape=(20, 20))
