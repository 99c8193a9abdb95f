"""What a model file may cost: each layer sizes itself from its input shape (the layer contract), the
file reader adds it up within one budget per file (io/limits.py), committees included, and prediction
keeps to the same memory cap for a committee as for one network."""

from __future__ import annotations

import math

import numpy as np
import pytest

from digitnet.errors import DigitnetError
from digitnet.io import load_model, save_model
from digitnet.io.committee_file import save_committee
from digitnet.io.limits import SizeLimits, check_sizes
from digitnet.nn import Network
from digitnet.nn.committee import Committee
from digitnet.nn.layers import AvgPool2D, BatchNorm, Conv2D, Dense, Dropout, Flatten, MaxPool2D, ReLU, Softmax
from digitnet.nn.layers.base import LAYER_TYPES, Layer, register
from digitnet.train import build_network
from tampering import rewrite_description

#: a layer of each type, and an input shape it takes
LAYERS = [(Dense(7), (12,)), (Dense(5), (2, 4, 4)), (Conv2D(6, 3, padding=1), (2, 9, 9)),
          (Conv2D(4, (3, 5), stride=2), (3, 11, 12)), (MaxPool2D(2), (3, 8, 8)), (AvgPool2D(3, stride=2), (2, 9, 9)),
          (BatchNorm(), (5,)), (BatchNorm(), (3, 4, 4)), (Flatten(), (2, 3, 3)), (Dropout(0.3), (10,)), (ReLU(), (6,)),
          (Softmax(), (10,))]


def test_every_layer_type_is_covered_here():
    assert {type(layer).type_name for layer, _ in LAYERS} >= set(LAYER_TYPES) - {"sigmoid", "tanh", "identity",
                                                                                "leaky_relu"}


@pytest.mark.parametrize("layer,shape", LAYERS, ids=[f"{type(layer).__name__}{shape}" for layer, shape in LAYERS])
def test_a_layer_sizes_itself_as_it_builds(layer, shape, rng):
    """param_shapes and state_shapes are the shapes build makes; cost's numbers cover the output."""
    params, state = layer.param_shapes(shape), layer.state_shapes(shape)
    layer.build(shape, rng, np.float32)
    assert params == {name: a.shape for name, a in layer.params.items()}
    assert state == {name: a.shape for name, a in layer.state.items()}
    numbers, work = layer.cost(shape)
    assert numbers >= math.prod(layer.output_shape) and work >= 0


def test_costs_are_the_multiply_adds_of_the_forward_pass():
    assert Dense(10).cost((784,)) == (10, 784 * 10 + 10)
    conv = Conv2D(16, 5)  # (1, 28, 28) -> (16, 24, 24): 25 patch entries at each of 576 positions
    assert conv.cost((1, 28, 28)) == (25 * 576, 16 * 25 * 576 + 16 * 576)
    assert Conv2D(1, 1, stride=5, padding=10).cost((1, 4, 4))[0] == 24 * 24  # the padded input is the largest
    assert MaxPool2D(2).cost((16, 24, 24)) == (16 * 144, 4 * 16 * 144)
    assert BatchNorm().cost((16, 12, 12)) == (16 * 144, 2 * 16 * 144)


def test_every_preset_fits_the_limits_a_model_file_is_held_to():
    from digitnet.presets import PRESETS, get_preset

    for name in PRESETS:
        net = build_network(get_preset(name), seed=0)
        sizes = check_sizes(net.layers, net.input_shape, net.dtype)
        stored = net.params.size + sum(a.size for a in net.state_arrays().values())
        assert sizes.bytes == stored * net.dtype.itemsize, name
        assert sizes.work < SizeLimits().work / 16, name  # far below the bound


def wide_convs(seed: int, layers: int = 6) -> Network:
    """64 channels of 28x28 through 3x3 convolutions: 29 million multiply-adds a layer for 37,000 weights."""
    stack = [Conv2D(64, 3, padding=1)]
    for _ in range(layers - 1):
        stack += [ReLU(), Conv2D(64, 3, padding=1)]
    return Network(stack + [Flatten(), Dense(10), Softmax()], input_shape=(1, 28, 28), seed=seed)


def test_a_committee_is_bounded_as_a_whole_not_member_by_member(tmp_path):
    one = wide_convs(0)
    work = check_sizes(one.layers, one.input_shape, one.dtype).work
    assert SizeLimits().work / 2 < work < SizeLimits().work  # each member fits alone; two do not
    alone = save_model(one, tmp_path / "one.npz")
    assert load_model(alone).network.n_parameters == one.n_parameters
    pair = save_committee(Committee([one, wide_convs(1)]), tmp_path / "two.npz")
    with pytest.raises(DigitnetError, match=r"the committee's 2 networks together would take more than 268,435,456 "
                                            r"multiply-adds for each sample \(at member 1, layer \d+ \(conv2d\)\)"):
        load_model(pair)


def test_a_committee_shares_one_parameter_budget(tmp_path):
    """A member that fits the budget alone, but not after the members before it, is refused before it is
    built (it would take 128 MB of zeros), whatever arrays the file holds."""
    import tracemalloc

    path = save_committee(Committee([Network.from_sizes([784, 4, 10], seed=s) for s in range(2)]), tmp_path / "c.npz")
    units = SizeLimits().bytes // 4 // 785  # 784 weights and a bias each: just within the budget alone
    rewrite_description(path, lambda meta, arrays: meta["members"][1]["architecture"].update(
        layers=[{"type": "dense", "units": units, "input_dim": 784}]))
    tracemalloc.start()
    try:
        with pytest.raises(DigitnetError, match=r"the committee's 2 networks together would have more than 33,554,432 "
                                                r"parameters \(at member 1, layer 0 \(dense\)\)"):
            load_model(path)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 20 * 2**20


def test_a_committee_predicts_within_the_memory_cap_of_its_widest_member(monkeypatch, rng):
    """Batches are as small as the widest member's outputs need, as for one network (the cap, not 4,096)."""
    from digitnet.nn import network as network_module

    narrow = Network.from_sizes([20, 10, 3], seed=0, inputs="features")
    wide = Network.from_sizes([20, 200, 3], seed=1, inputs="features")
    X = rng.standard_normal((95, 20)).astype(np.float32)
    expected = (narrow.loss.output(narrow.forward(X)) + wide.loss.output(wide.forward(X))) / 2
    monkeypatch.setattr(network_module, "PREDICT_NUMBERS", 2000)  # 10 rows of the wide member's 200 outputs
    seen = []
    for member in (narrow, wide):
        forward = member.forward
        monkeypatch.setattr(member, "forward", lambda x, *a, forward=forward: seen.append(len(x)) or forward(x, *a))
    labels, proba = Committee([narrow, wide]).predict_with_proba(X)
    assert max(seen) == 10 and len(seen) == 2 * 10
    np.testing.assert_allclose(proba, expected, rtol=1e-5, atol=1e-7)
    assert wide.prediction_batch() == 10 and narrow.prediction_batch() == 200


def test_a_committee_of_committees_is_refused_in_one_line():
    nets = [Network.from_sizes([6, 4, 3], seed=s, inputs="features") for s in range(2)]
    with pytest.raises(DigitnetError, match="committee member 1 is a Committee, not one network"):
        Committee([nets[0], Committee(nets)])


def test_a_new_layer_type_needs_only_its_own_file(tmp_path, rng):
    """A layer that declares its shapes and cost is saved, sized and loaded with no change anywhere else."""

    class Scale(Layer):
        type_name = "test_scale"

        def param_shapes(self, input_shape):
            return {"s": (1,)}

        def create_params(self, input_shape, rng, dtype):
            return {"s": np.full(1, 2.0, dtype)}

        def forward(self, x, training=False):
            return x * self.params["s"]

    register(Scale)
    try:
        net = Network([Dense(4, input_dim=6), Scale(), Softmax()], inputs="features", seed=0)
        path = save_model(net, tmp_path / "scale.npz")
        loaded = load_model(path).network
        X = rng.standard_normal((3, 6)).astype(np.float32)
        np.testing.assert_array_equal(loaded.predict_proba(X), net.predict_proba(X))
    finally:
        del LAYER_TYPES["test_scale"]
