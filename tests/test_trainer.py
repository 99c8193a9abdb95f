"""The training loop: it learns, it repeats with a seed, it keeps the best weights, it stops cleanly."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.nn import Network
from digitnet.train import Trainer, TrainingDiverged, evaluate


def small_net(seed=0):
    return Network.from_sizes([20, 16, 3], seed=seed, inputs="features")


def test_learns_an_easy_problem(blobs):
    X, y = blobs
    net = small_net()
    history = Trainer(net, lr=0.05, epochs=5, batch_size=32, seed=0, progress=False, log=lambda m: None).fit(
        X[:500], y[:500], X[500:], y[500:])
    assert net.score(X[500:], y[500:]) > 0.95
    assert history.epochs[-1]["loss"] < history.epochs[0]["loss"]
    assert set(history.epochs[0]) >= {"loss", "accuracy", "val_loss", "val_accuracy", "lr", "seconds"}


def test_same_seed_same_model_different_seed_different_model(blobs):
    X, y = blobs

    def train(seed):
        net = Network.from_sizes([20, 16, 3], dropout=0.2, seed=seed, inputs="features")
        Trainer(net, epochs=2, batch_size=16, seed=seed, progress=False, log=lambda m: None).fit(X, y)
        return net.get_weights()["0.W"]

    assert np.array_equal(train(3), train(3))
    assert not np.array_equal(train(3), train(4))


def test_best_validation_weights_are_restored(blobs):
    X, y = blobs
    rng = np.random.default_rng(0)
    y_val = rng.integers(0, 3, size=100)  # random labels: validation loss gets worse as training goes on
    net = small_net()
    history = Trainer(net, lr=0.2, epochs=6, batch_size=16, seed=0, progress=False, log=lambda m: None).fit(
        X[:500], y[:500], X[500:], y_val)
    val_losses = history.column("val_loss")
    assert history.best_epoch == int(np.argmin(val_losses)) + 1
    assert evaluate(net, X[500:], y_val)[0] == pytest.approx(min(val_losses), rel=1e-5)


def test_patience_stops_early(blobs):
    X, y = blobs
    y_val = np.random.default_rng(0).integers(0, 3, size=100)
    history = Trainer(small_net(), lr=0.2, epochs=30, batch_size=16, patience=2, seed=0, progress=False,
                      log=lambda m: None).fit(X[:500], y[:500], X[500:], y_val)
    assert history.stopped_early and len(history.epochs) < 30
    assert len(history.epochs) == history.best_epoch + 2


def test_divergence_stops_with_advice(blobs):
    X, y = blobs
    with pytest.raises(TrainingDiverged, match="learning rate"):
        Trainer(small_net(), lr=1e6, epochs=3, seed=0, progress=False, log=lambda m: None).fit(X * 1e3, y)


def test_ctrl_c_keeps_the_best_model_so_far(blobs):
    X, y = blobs

    def interrupt_at_epoch_3(trainer, row):
        if row["epoch"] == 3:
            raise KeyboardInterrupt

    net = small_net()
    history = Trainer(net, epochs=10, batch_size=32, seed=0, progress=False, log=lambda m: None,
                      callbacks=(interrupt_at_epoch_3,)).fit(X[:500], y[:500], X[500:], y[500:])
    assert history.interrupted and len(history.epochs) == 3
    assert evaluate(net, X[500:], y[500:])[0] == pytest.approx(history.best["val_loss"], rel=1e-5)


def test_transform_sees_every_training_batch(blobs):
    X, y = blobs
    seen = []

    def transform(xb, rng):
        seen.append(len(xb))
        return xb

    Trainer(small_net(), epochs=1, batch_size=100, seed=0, progress=False, log=lambda m: None,
            transform=transform).fit(X, y)
    assert seen == [100] * 6


def test_each_epoch_sees_every_sample_once_in_a_new_order_drawn_from_the_seed(monkeypatch):
    """Mini-batches are drawn from a fresh shuffle every epoch, from the run's seed. Watched from the
    network's side (the batches its training passes see), through ``train.run``, so the test does not
    depend on how the trainer is built."""
    import warnings

    from digitnet.data import Dataset
    from digitnet.presets import get_preset
    from digitnet.train import run

    seen: list[np.ndarray] = []
    forward = Network.forward

    def recording(self, x, training=False):
        if training:
            seen.extend(x[:, 0].astype(int))  # each sample's only feature is its number
        return forward(self, x, training)

    monkeypatch.setattr(Network, "forward", recording)
    n, epochs = 12, 4
    data = Dataset.from_arrays(np.arange(n, dtype=np.float32)[:, None], np.arange(n) % 2)
    recipe = get_preset("mlp").with_overrides(inputs="features", epochs=epochs, batch_size=5, val_size=0,
                                              augment="none").for_data(1, 2)

    def orders(seed: int) -> list[tuple[int, ...]]:
        seen.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # it learns nothing from 12 samples, and says so
            run(recipe, data, seed, if_nothing_learned="note")
        assert len(seen) == n * epochs
        return [tuple(seen[i:i + n]) for i in range(0, n * epochs, n)]

    first = orders(seed=0)
    assert all(sorted(order) == list(range(n)) for order in first)  # every sample once an epoch
    assert len(set(first)) == epochs and tuple(range(n)) not in first  # shuffled, and anew each epoch
    assert orders(seed=0) == first  # the seed decides the order
    assert orders(seed=1) != first
