"""The running average of the weights: what it computes, and that training validates and keeps it."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.nn import Network
from digitnet.nn.optimizers import make_optimizer
from digitnet.train import Trainer
from digitnet.train.averaging import WeightAverage


def test_the_average_follows_the_formula_and_swaps_in_and_out(rng):
    net = Network.from_sizes([4, 3, 2], seed=0, inputs="features", dtype=np.float64)
    start = net.params.values.copy()
    average = WeightAverage(net, decay=0.9)
    expected = start.copy()
    for t in range(1, 30):
        net.params.values[...] = rng.standard_normal(net.params.size)
        average.update()
        d = min(0.9, (1 + t) / (10 + t))
        expected = d * expected + (1 - d) * net.params.values
    live = net.params.values.copy()
    with average.swapped_in():
        np.testing.assert_allclose(net.params.values, expected, atol=1e-12)
        assert np.shares_memory(net.layers[0].params["W"], net.params.values)  # the layers see it too
    assert np.array_equal(net.params.values, live)
    with pytest.raises(ValueError):
        WeightAverage(net, 1.0)


def test_training_with_an_average_keeps_the_averaged_weights(blobs):
    X, y = blobs
    results = {}
    for decay in (0.0, 0.99):
        net = Network.from_sizes([20, 16, 3], seed=1, inputs="features")
        seen = []  # what callbacks (and validation) see after each epoch: the averaged weights
        trainer = Trainer(net, make_optimizer("momentum", net.params, 0.1), epochs=3, batch_size=32, seed=2,
                          progress=False, log=lambda msg: None, weight_average=decay,
                          callbacks=(lambda trainer, row: seen.append(net.get_weights()),))
        history = trainer.fit(X[:500], y[:500], X[500:], y[500:])
        results[decay] = net.get_weights()
        kept = seen[history.best_epoch - 1]
        assert all(np.array_equal(results[decay][k], kept[k]) for k in kept)
        if decay:
            with trainer.average.swapped_in():
                assert np.array_equal(net.get_weights()["0.W"], seen[-1]["0.W"])
        assert net.score(X[500:], y[500:]) > 0.95
    assert not np.allclose(results[0.0]["0.W"], results[0.99]["0.W"])  # same run, other weights kept
