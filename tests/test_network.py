"""Building networks three ways, inference in scikit-learn's terms, and shape errors."""

from __future__ import annotations

import numpy as np
import pytest

from digitnet.errors import DigitnetError
from digitnet.nn import Network
from digitnet.nn.layers import Dense, ReLU, Sigmoid, Softmax
from digitnet.train import count_correct


def test_three_ways_to_describe_the_same_network():
    by_sizes = Network.from_sizes([784, 30, 10], activation="sigmoid", loss="quadratic", init="normal", seed=0)
    by_spec = Network.from_spec([{"input_dim": 784, "output_dim": 30, "activation": "sigmoid"},
                                 {"input_dim": 30, "output_dim": 10, "activation": "sigmoid"}],
                                loss="quadratic", seed=0)
    by_layers = Network([Dense(30, input_dim=784), Sigmoid(), Dense(10), Sigmoid()], loss="quadratic", seed=0)
    for net in (by_sizes, by_spec, by_layers):
        assert [type(layer).__name__ for layer in net.layers] == ["Dense", "Sigmoid", "Dense", "Sigmoid"]
        assert net.n_parameters == 784 * 30 + 30 + 30 * 10 + 10


def test_spec_with_mismatched_sizes_is_refused():
    with pytest.raises(DigitnetError, match="input_dim"):
        Network.from_spec([{"input_dim": 4, "output_dim": 8, "activation": "relu"},
                           {"input_dim": 9, "output_dim": 2, "activation": "softmax"}])


def test_cross_entropy_folds_the_softmax_but_predict_proba_gives_probabilities(rng):
    net = Network([Dense(5, input_dim=3), ReLU(), Dense(4), Softmax()], seed=1, inputs="features")
    assert len(net.trainable_layers) == 3
    p = net.predict_proba(rng.standard_normal((7, 3)))
    assert p.shape == (7, 4) and np.allclose(p.sum(axis=1), 1)
    assert p.dtype == np.float32


def test_binary_output_predicts_zero_or_one(rng):
    net = Network.from_spec([{"input_dim": 2, "output_dim": 4, "activation": "relu"},
                             {"input_dim": 4, "output_dim": 1, "activation": "sigmoid"}],
                            loss="binary_cross_entropy", seed=0, inputs="features")
    X = rng.standard_normal((10, 2))
    pred = net.predict(X)
    assert pred.shape == (10,) and set(np.unique(pred)) <= {0, 1}
    assert np.array_equal(pred, net.predict_proba(X)[:, 0] >= 0.5)


@pytest.mark.parametrize("outputs", [1, 3])
def test_predict_score_and_training_count_share_one_rule(outputs, rng):
    loss = "binary_cross_entropy" if outputs == 1 else "cross_entropy"
    net = Network.from_sizes([2, 4, outputs], loss=loss, seed=0, inputs="features")
    X = rng.standard_normal((20, 2)).astype(np.float32)
    pred = net.predict(X, batch_size=7)  # several batches
    expected = net.predict_proba(X)[:, 0] >= 0.5 if outputs == 1 else net.predict_proba(X).argmax(axis=1)
    assert np.array_equal(pred, expected) and pred.dtype.kind == "i"
    one_hot = np.eye(max(outputs, 2))[pred]
    targets = pred[:, None] if outputs == 1 else one_hot  # labels in each form the API accepts
    assert net.score(X, pred) == 1.0 and net.score(X, targets) == 1.0
    assert count_correct(net, net.forward(X), pred) == 20
    assert net.predict(X[:0]).shape == (0,)


def test_uint8_images_are_scaled_and_single_samples_accepted(rng):
    net = Network.from_sizes([784, 16, 10], seed=0)
    images = rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    as_float = images.reshape(3, -1).astype(np.float32) / 255
    assert np.allclose(net.predict_proba(images), net.predict_proba(as_float), atol=1e-6)
    assert net.predict(images[0]).shape == (1,)


def test_wrong_input_size_gives_a_clear_error(rng):
    net = Network.from_sizes([784, 16, 10], seed=0)
    with pytest.raises(DigitnetError, match="expects samples of shape"):
        net.predict(rng.standard_normal((2, 100)))


def test_seed_fixes_the_initial_weights():
    a, b, c = (Network.from_sizes([20, 8, 3], seed=s, inputs="features") for s in (5, 5, 6))
    assert all(np.array_equal(a.get_weights()[k], b.get_weights()[k]) for k in a.get_weights())
    assert not np.array_equal(a.get_weights()["0.W"], c.get_weights()["0.W"])


def test_config_round_trip_rebuilds_the_architecture():
    net = Network.from_sizes([12, 6, 3], activation="tanh", dropout=0.25, seed=0, inputs="features")
    again = Network.from_config(net.get_config())
    assert again.get_config() == net.get_config()


def test_bad_layer_settings_are_refused():
    with pytest.raises(DigitnetError, match="unknown activation"):
        Network.from_sizes([4, 3, 2], activation="swishy")
    with pytest.raises(DigitnetError, match="layer sizes"):
        Network.from_sizes([4])
    with pytest.raises(DigitnetError, match="unknown initialiser"):
        Dense(3, init="ones-ish")


def test_predict_with_proba_takes_classes_from_the_logits_even_where_probabilities_tie():
    net = Network.from_sizes([4, 10], loss="binary_cross_entropy", seed=0, inputs="features")
    dense = net.layers[0]
    dense.params["W"][...] = 0
    dense.params["b"][...] = -5
    dense.params["b"][[3, 7]] = [20, 25]  # both sigmoids round to 1.0; the logits still say 7
    predicted, proba = net.predict_with_proba(np.ones((3, 4), np.float32))
    assert predicted.tolist() == [7, 7, 7] and proba[0, 3] == proba[0, 7] == 1.0


@pytest.mark.parametrize("outputs", [1, 10])
def test_predict_with_proba_in_batches_equals_one_forward_pass(outputs):
    loss = "binary_cross_entropy" if outputs == 1 else "cross_entropy"
    net = Network.from_sizes([784, 8, outputs], loss=loss, seed=0)
    X = np.random.default_rng(1).random((50, 784), dtype=np.float32)
    predicted, proba = net.predict_with_proba(X, batch_size=16)  # four batches, the last one short
    z = net.forward(X)
    np.testing.assert_array_equal(predicted, net.classes(z))
    # float32 through BLAS: a batch of 16 and one of 50 may sum in another order (another machine's kernel)
    np.testing.assert_allclose(proba, net.loss.output(z), rtol=1e-5, atol=1e-7)
    assert net.predict_with_proba(X[:0])[0].shape == (0,) and net.predict_with_proba(X[:0])[1].shape == (0, outputs)


def test_a_network_built_with_draw_false_starts_from_zeros_and_draws_nothing(monkeypatch):
    from digitnet.nn.layers import dense

    net = Network.from_sizes([6, 5, 3], seed=0, inputs="features")
    monkeypatch.setattr(dense, "initialize", lambda *a, **k: pytest.fail("a weight was drawn"))
    again = Network.from_config(net.get_config(), draw=False)
    assert all(not a.any() for a in again.named_arrays().values())  # zeros, waiting for the file's weights
    assert again.get_config() == net.get_config()
    monkeypatch.undo()
    assert any(a.any() for a in Network.from_config(net.get_config()).named_arrays().values())  # a fresh start


def test_networks_compute_in_float32_or_float64_only():
    with pytest.raises(DigitnetError, match="`dtype` must be float32 or float64, got 'int8'"):
        Network.from_sizes([4, 3], dtype="int8")
    with pytest.raises(DigitnetError, match="got <class 'object'>"):
        Network.from_sizes([4, 3], dtype=object)


def test_prediction_batches_shrink_for_wide_layers(monkeypatch):
    from digitnet.nn import network as network_module

    net = Network.from_sizes([4, 50, 3], seed=0, inputs="features")
    X = np.random.default_rng(0).standard_normal((100, 4)).astype(np.float32)
    whole = net.predict_proba(X)
    seen = []
    forward = net.forward
    monkeypatch.setattr(net, "forward", lambda x, training=False: seen.append(len(x)) or forward(x, training))
    monkeypatch.setattr(network_module, "PREDICT_NUMBERS", 50 * 30)  # 30 samples of the widest layer
    assert np.allclose(net.predict_proba(X), whole, rtol=1e-5, atol=1e-7)
    assert seen == [30, 30, 30, 10]
