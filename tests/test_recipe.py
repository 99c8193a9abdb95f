"""Recipes are data: one form of layers, the MLP shorthand turned into it, old files read, nothing built."""

from __future__ import annotations

import json

import numpy as np
import pytest

from digitnet.cli import main
from digitnet.errors import DigitnetError
from digitnet.io import save_model
from digitnet.nn import Network
from digitnet.nn.layers import LAYER_TYPES, layer_from_config
from digitnet.presets import PRESETS, SETTINGS, Recipe, get_preset
from digitnet.presets.mlp import MLP
from digitnet.train import build_network

#: what digitnet 0.x wrote for ``get_preset("nielsen-ch1").with_overrides(layers=(784, 100, 10), dropout=0.2,
#: init="lecun")``: an MLP as sizes, with its options beside them
OLD_MLP_RECIPE = json.loads(
    '{"name": "nielsen-ch1", "layers": [784, 100, 10], "activation": "sigmoid", "loss": "quadratic", "init": "lecun",'
    ' "dropout": 0.2, "augment": "", "optimizer": "sgd", "lr": 3.0, "momentum": 0.9, "weight_decay": 0.0,'
    ' "schedule": "constant", "epochs": 30, "batch_size": 10, "val_size": 10000, "label_smoothing": 0.0,'
    ' "weight_average": 0.0, "patience": null, "inputs": "pixels", "input_shape": null, "output": null,'
    ' "bias_init": "normal", "protocol": "", "overrides": ["layers", "init", "dropout"],'
    ' "label": "\'nielsen-ch1\' with layers 784-100-10, lecun init, dropout 0.2",'
    ' "description": "784-100-10 MLP, sigmoid units, dropout 0.2; quadratic cost, sgd, lr 3, 30 epochs, batch 10,'
    ' 10,000 for validation"}')


# -- one form of layers --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_is_layer_descriptions_in_the_spelling_of_get_config(name):
    recipe = get_preset(name)
    assert recipe.input_shape and all(isinstance(n, int) for n in recipe.input_shape)
    for description in recipe.layers:
        layer = layer_from_config(description)
        assert description["type"] in LAYER_TYPES
        assert description.keys() - {"type"} <= layer.get_config().keys()  # the settings get_config writes


@pytest.mark.parametrize("name", [n for n in PRESETS if PRESETS[n].as_mlp is None])
def test_a_layer_by_layer_description_is_each_layers_own_describe(name):
    recipe = get_preset(name)
    assert recipe.description.startswith(", ".join(layer_from_config(d).describe() for d in recipe.layers) + ";")


@pytest.mark.parametrize("name", [n for n in PRESETS if PRESETS[n].as_mlp is not None])
def test_an_mlp_preset_builds_what_from_sizes_builds(name):
    """The MLP presets used to be built by ``Network.from_sizes``: the same layers from the same draws."""
    recipe, mlp = get_preset(name), get_preset(name).as_mlp
    by_recipe = build_network(recipe, seed=3)
    by_sizes = Network.from_sizes(list(mlp.sizes), activation=mlp.activation or "relu", loss=recipe.loss, init=mlp.init,
                                  bias_init=mlp.bias_init, dropout=mlp.dropout, seed=3, inputs=recipe.inputs)
    assert by_recipe.get_config() == by_sizes.get_config()
    for key, value in by_sizes.get_weights().items():
        assert np.array_equal(by_recipe.get_weights()[key], value), key


def test_sizes_are_turned_into_layers_when_the_recipe_is_made():
    recipe = Recipe(layers=(784, 30, 10), loss="quadratic")
    assert recipe == Recipe.mlp((784, 30, 10), loss="quadratic") == Recipe(layers="784x30x10", loss="quadratic")
    assert recipe.input_shape == (784,) and [d["type"] for d in recipe.layers] == ["dense", "relu", "dense", "sigmoid"]
    assert recipe.as_mlp == MLP((784, 30, 10), output="sigmoid")  # the output that suits the quadratic cost
    assert Recipe().as_mlp.sizes == (784, 256, 10)
    with pytest.raises(DigitnetError, match="`input_shape` \\(100,\\) does not fit the layer sizes 784-30-10"):
        Recipe(layers=(784, 30, 10), input_shape=(100,))
    with pytest.raises(DigitnetError, match="needs `input_shape`"):
        Recipe(layers=get_preset("lenet5").layers)
    with pytest.raises(DigitnetError, match="`layers`: layer 1: unknown layer type 'swish'"):
        Recipe(layers=({"type": "dense", "units": 3}, {"type": "swish"}), input_shape=(4,))


def test_layers_that_are_not_exactly_an_mlp_are_described_layer_by_layer():
    mlp = get_preset("mlp-512")
    assert mlp.as_mlp == MLP((784, 512, 10))
    assert MLP.read(mlp.layers[:-1], (784,)) is None  # no output activation
    mixed = mlp.layers[:1] + ({"type": "tanh"},) + mlp.layers[2:4] + ({"type": "relu"},) + mlp.layers[4:]
    assert MLP.read(mixed, (784,)) is None
    assert MLP.read(mlp.layers, (1, 28, 28)) is None
    written = tuple({k: v for k, v in d.items() if k not in ("init", "bias_init")} for d in mlp.layers)
    assert MLP.read(written, (784,)) == mlp.as_mlp  # settings left at their defaults read the same


# -- the MLP options -----------------------------------------------------------------------------------
def test_an_mlp_option_changes_its_part_of_the_layers_and_keeps_the_rest():
    base = get_preset("nielsen-ch1")
    wider = base.with_overrides(layers="784,100,10")
    assert wider.as_mlp == MLP((784, 100, 10), "sigmoid", "normal", 0.0, "sigmoid", "normal")
    assert wider.label == "'nielsen-ch1' with layers 784-100-10"
    tanh = get_preset("mlp-512").with_overrides(activation="tanh", dropout=0.2, lr=0.5)
    assert tanh.as_mlp == MLP((784, 512, 10), "tanh", "he", 0.2)
    assert tanh.label == "'mlp-512' with tanh, dropout 0.2, lr 0.5"
    assert tanh.value("activation") == "tanh" and tanh.value("lr") == 0.5
    assert get_preset("mlp-512").with_overrides(activation="relu").label == "'mlp-512'"  # no real change


def test_a_network_without_hidden_layers_has_no_hidden_activation():
    linear = get_preset("nielsen-ch1-linear")
    assert linear.as_mlp == MLP((784, 10), None, "normal", 0.0, "sigmoid", "normal")
    assert linear.with_overrides(layers=(784, 30, 10)).as_mlp.activation == "relu"  # the default, said so
    assert linear.with_overrides(layers=(784, 30, 10), activation="sigmoid").as_mlp.activation == "sigmoid"
    assert linear.with_overrides(activation="tanh") == linear  # no hidden layer to change


def test_a_changed_loss_brings_its_output_activation_to_an_mlp():
    yes_no = get_preset("mlp-512").with_overrides(loss="binary_cross_entropy")
    assert yes_no.as_mlp.output == "sigmoid" and yes_no.label == "'mlp-512' with binary cross-entropy"
    assert get_preset("lenet5").with_overrides(loss="quadratic").layers == get_preset("lenet5").layers
    with pytest.raises(DigitnetError, match="`label_smoothing` works with the softmax cross-entropy"):
        get_preset("best").with_overrides(loss="quadratic")


def test_layer_by_layer_presets_refuse_the_mlp_options():
    for options in ({"activation": "tanh"}, {"layers": (784, 10)}, {"dropout": 0.1}):
        with pytest.raises(DigitnetError, match="described layer by layer") as err:
            get_preset("default").with_overrides(**options)
        assert err.value.parameter == next(iter(options))
    layers = get_preset("lenet5").layers[:-2] + ({"type": "dense", "units": 5}, {"type": "softmax"})
    assert get_preset("lenet5").with_overrides(layers=layers).label == "'lenet5' with layers (layer by layer)"


def test_every_setting_is_checked_by_its_declaration():
    assert list(SETTINGS)[:4] == ["layers", "activation", "init", "dropout"]
    with pytest.raises(DigitnetError, match="`activation`: expected one of") as err:
        get_preset("mlp").with_overrides(activation="swish")
    assert err.value.parameter == "activation"
    with pytest.raises(DigitnetError, match="unknown recipe settings: colour"):
        get_preset("mlp").with_overrides(colour="blue")


# -- for the estimator's data ---------------------------------------------------------------------------
def test_for_data_fits_the_input_and_the_classes():
    mlp = get_preset("mlp").for_data(20, 3)
    assert mlp.input_shape == (20,) and mlp.as_mlp.sizes == (20, 256, 3) and mlp.overrides == ("layers",)
    assert get_preset("mlp").for_data(784, 10) is get_preset("mlp")
    yes_no = get_preset("mlp").with_overrides(loss="bce").for_data(5, 2)
    assert yes_no.as_mlp == MLP((5, 256, 1), output="sigmoid")
    cnn = get_preset("lenet5").for_data(784, 4)
    assert cnn.input_shape == (1, 28, 28) and cnn.layers[-2]["units"] == 4
    with pytest.raises(DigitnetError, match="takes samples of shape \\(1, 28, 28\\)"):
        get_preset("lenet5").for_data(100, 10)


# -- in model files, old and new ------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(PRESETS))
def test_a_recipe_comes_back_from_its_dict(name):
    recipe = get_preset(name).with_overrides(epochs=2)
    assert Recipe.from_dict(json.loads(json.dumps(recipe.to_dict()))) == recipe


def test_an_old_mlp_recipe_reads_as_the_same_mlp_in_layers():
    recipe = Recipe.from_dict(OLD_MLP_RECIPE)
    assert recipe == get_preset("nielsen-ch1").with_overrides(layers=(784, 100, 10), dropout=0.2, init="lecun")
    assert recipe.as_mlp == MLP((784, 100, 10), "sigmoid", "lecun", 0.2, "sigmoid", "normal")
    assert recipe.label == OLD_MLP_RECIPE["label"] and recipe.description == OLD_MLP_RECIPE["description"]


def test_info_shows_the_recipe_an_old_mlp_file_recorded(tmp_path, capsys):
    path = tmp_path / "old.npz"
    save_model(Network.from_sizes([784, 100, 10], activation="sigmoid", loss="quadratic", seed=0), path,
               {"recipe": OLD_MLP_RECIPE, "seed": 0})
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"recipe {OLD_MLP_RECIPE['label']}, seed 0" in out and OLD_MLP_RECIPE["description"] in out


def test_a_malformed_recipe_is_refused_in_one_line():
    for bad, message in [([1, 2], "must be a mapping"), ({"colour": 1}, "unknown recipe settings: colour"),
                         ({**OLD_MLP_RECIPE, "activation": "swish"}, "unknown activation 'swish'"),
                         ({**OLD_MLP_RECIPE, "layers": [{"units": 3}]}, "unknown layer type None")]:
        with pytest.raises(DigitnetError, match=message):
            Recipe.from_dict(bad)


def test_energy_margins_are_a_setting_of_recipes_with_negatives():
    """``energy_weight`` turns outlier exposure into :class:`~digitnet.reject.EnergyMargin` (the default's
    loss); without negatives it keeps the digits' margin alone; it needs the softmax cross-entropy."""
    from digitnet.reject import EnergyMargin, OutlierExposure
    from digitnet.train.build import build_trainer, build_training_loss

    recipe = get_preset("default").with_overrides(energy_weight=0.3, negative_weight=0.5, negatives_as="uniform")
    loss = build_training_loss(recipe)
    assert isinstance(loss, EnergyMargin) and (loss.energy_weight, loss.weight) == (0.3, 0.5)
    assert isinstance(build_trainer(recipe, build_network(recipe, seed=0), seed=0, progress=False).loss, EnergyMargin)
    assert "(weight 0.5, energy margins 0.3)" in recipe.description
    plain = build_training_loss(recipe.with_overrides(energy_weight=0))
    assert type(plain) is OutlierExposure
    alone = recipe.with_overrides(negatives=0, fashion_negatives=0, font_digits=0, pen_digits=0)
    assert isinstance(build_training_loss(alone), EnergyMargin) and not alone.all_negatives
    with pytest.raises(DigitnetError, match="`energy_weight` works with the softmax cross-entropy"):
        get_preset("mlp").with_overrides(energy_weight=0.1, loss="quadratic")
    assert Recipe.from_dict(recipe.to_dict()) == recipe
    legacy = {k: v for k, v in get_preset("default").to_dict().items() if k != "energy_weight"}
    assert Recipe.from_dict(legacy).energy_weight == 0  # files from before the setting: outlier exposure alone


def test_negatives_as_a_class_train_an_eleventh_output():
    """``negatives_as`` "class" trains the network with one more output through
    :class:`~digitnet.reject.EleventhClass` (:class:`~digitnet.reject.LogOddsMargin` with energy margins); the
    recipe's own network keeps its ten outputs."""
    from digitnet.reject import EleventhClass, LogOddsMargin
    from digitnet.train.build import build_trainer, build_training_loss, build_training_network

    recipe = get_preset("default").with_overrides(negatives_as="class", energy_weight=0, negative_weight=2)
    loss = build_training_loss(recipe)
    assert isinstance(loss, EleventhClass) and loss.weight == 2
    training = build_training_network(recipe, seed=0)
    assert (training.n_outputs, build_network(recipe, seed=0).n_outputs) == (11, 10)
    assert isinstance(build_trainer(recipe, training, seed=0, progress=False).loss, EleventhClass)
    assert build_training_network(get_preset("default").with_overrides(negatives_as="uniform"), seed=0).n_outputs \
        == 10
    margins = build_training_loss(recipe.with_overrides(energy_weight=0.2))  # held to margins on its log-odds
    assert isinstance(margins, LogOddsMargin) and (margins.energy_weight, margins.weight) == (0.2, 2)
    assert Recipe.from_dict(recipe.to_dict()) == recipe
    legacy = {k: v for k, v in get_preset("default").to_dict().items() if k != "negatives_as"}
    assert Recipe.from_dict(legacy).negatives_as == "uniform"  # files from before the setting
    with pytest.raises(DigitnetError, match="expected one of class, uniform"):
        get_preset("default").with_overrides(negatives_as="extra")
