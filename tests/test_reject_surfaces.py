"""The reject option ("not a digit") and calibration on every surface that gives an answer: a training
run writes the rule into the model, and the Python API, ``digitnet predict``, ``evaluate``, ``info``,
the server's API, the committee and the estimator all answer with it, alike (docs/reject.md).

The model is the default recipe with its reject option, trained briefly (``rule_model`` in conftest.py);
to see a refusal on a surface, the same model is saved with a threshold no picture reaches.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from digit_pictures import draw_digit, encode
from digitnet.cli import main
from digitnet.errors import DigitnetError
from digitnet.images.reading import read_digit
from digitnet.io import Model, load_model, save_model
from digitnet.io.committee_file import save_committee
from digitnet.nn import Network
from digitnet.nn.committee import Committee
from digitnet.reject import CommitteeRule, Decision, RejectRule
from digitnet.reject.wording import told_apart
from reject_helpers import with_rule


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def logsumexp(z: np.ndarray) -> np.ndarray:
    top = z.max(axis=1)
    return top + np.log(np.exp(z - top[:, None]).sum(axis=1))


@pytest.fixture(scope="module")
def refusing(rule_model, tmp_path_factory):
    """The trained model, with a threshold no picture reaches: it refuses everything."""
    return with_rule(rule_model, tmp_path_factory.mktemp("refusing") / "refusing.npz", threshold=1e6)


# -- training writes the rule ---------------------------------------------------------------------------
def test_training_writes_the_rule_and_its_figures_into_the_model(rule_model):
    model = load_model(rule_model)
    rule = model.reject
    assert isinstance(rule, RejectRule) and rule.score == "energy" and rule.accept == pytest.approx(0.996)
    assert 0.05 <= rule.temperature <= 20 and math.isfinite(rule.threshold)
    assert model.temperature == rule.temperature
    metrics = model.metrics
    for key in ("test_refused", "test_accuracy_accepted", "test_ece_before", "test_ece_after", "negatives_seconds"):
        assert metrics[key] is not None, key
    assert 0 <= metrics["test_refused"] < 0.5 and metrics["test_accuracy_accepted"] >= metrics["test_accuracy"]
    recipe = model.metadata["recipe"]
    assert (recipe["negatives"], recipe["fashion_negatives"], recipe["font_digits"], recipe["pen_digits"],
            recipe["reject_accept"]) == (400, 100, 100, 100, 0.996)
    assert model.dataset["train"] == 4000  # MNIST's digits only: the drawn pictures are in the recipe


def test_the_rule_accepts_the_share_of_validation_digits_it_was_fitted_for(rule_model, mnist):
    model = load_model(rule_model)
    validation = mnist.head(4500, 0).train_images[-500:]
    assert model.accepts(validation).mean() == pytest.approx(0.996, abs=0.004)


def test_the_default_preset_has_the_proposed_reject_option():
    from digitnet.presets import get_preset

    recipe = get_preset("default")
    assert (recipe.negatives, recipe.fashion_negatives, recipe.negative_weight, recipe.negatives_as,
            recipe.energy_weight, recipe.font_digits, recipe.pen_digits, recipe.reject_accept,
            recipe.reject_score) == (6000, 6000, 1.0, "class", 0.1, 3000, 3000, 0.996, "energy")
    assert "6,000 negatives (weight 1, as an eleventh class, energy margins 0.1), 6,000 Fashion-MNIST negatives" \
        in recipe.description


def test_every_other_preset_trains_on_its_plain_loss_without_a_rule():
    """What "every other preset trains as before" rests on: no extra pictures, no margins, no rule, so
    the trainer minimises the preset's own loss (the one it had before the reject option)."""
    from digitnet.presets import PRESETS
    from digitnet.reject import OutlierExposure
    from digitnet.train.build import build_loss, build_training_loss

    others = [recipe for name, recipe in PRESETS.items() if name != "default"]
    assert len(others) >= 10
    for recipe in others:
        assert not (recipe.extra_pictures or recipe.energy_weight or recipe.reject_accept), recipe.name
        training = build_training_loss(recipe)
        assert not isinstance(training, OutlierExposure) and type(training) is type(build_loss(recipe)), recipe.name


def test_a_recipe_for_other_inputs_refuses_negatives():
    from digitnet.presets import get_preset

    with pytest.raises(DigitnetError, match="784 pixels"):
        get_preset("mlp").with_overrides(inputs="features", negatives=10)


def test_negatives_as_a_class_need_negatives_and_a_foldable_network():
    """Without negatives (or at weight 0) there is nothing to train as a class: the default's network
    then trains with its ten outputs and its plain loss, so turning the negatives off is all it takes.
    A network the eleventh output cannot be folded out of, or a score that cannot see it, is refused."""
    from digitnet.nn.losses import SoftmaxCrossEntropy
    from digitnet.presets import get_preset
    from digitnet.reject import EnergyMargin
    from digitnet.train.build import build_training_loss, build_training_network

    plain = get_preset("default").with_overrides(negatives=0, fashion_negatives=0, font_digits=0, pen_digits=0,
                                                 energy_weight=0, reject_accept=0)
    assert plain.negatives_as == "class" and plain.extra_outputs == 0 and "eleventh" not in plain.description
    assert type(build_training_loss(plain)) is SoftmaxCrossEntropy
    assert build_training_network(plain, seed=0).n_outputs == 10
    unweighted = get_preset("default").with_overrides(negative_weight=0)
    assert unweighted.extra_outputs == 0 and isinstance(build_training_loss(unweighted), EnergyMargin)
    default = get_preset("default").with_overrides(negatives_as="uniform")  # (the default's is "class")
    with pytest.raises(DigitnetError, match="ignores the eleventh"):
        default.with_overrides(negatives_as="class", energy_weight=0, reject_score="max_probability")
    after_logits = (*default.layers[:-1], {"type": "tanh"}, default.layers[-1])  # a layer the fold cannot see through
    with pytest.raises(DigitnetError, match="straight out of that layer"):
        default.with_overrides(negatives_as="class", energy_weight=0, layers=after_logits)
    recipe = default.with_overrides(negatives_as="class", energy_weight=0)
    assert "6,000 negatives (weight 1, as an eleventh class), 6,000 Fashion-MNIST negatives" in recipe.description
    margins = default.with_overrides(negatives_as="class")  # the default's energy margins, on the log-odds
    assert "(weight 1, as an eleventh class, energy margins 0.1)" in margins.description
    assert (recipe.extra_outputs, default.extra_outputs) == (1, 0)


def test_training_negatives_as_an_eleventh_class_keeps_ten_outputs_and_refuses_negatives(mnist, tmp_path):
    """The run trains eleven outputs and folds the eleventh into the ten: the model file holds the
    recipe's ten-output network, its rule accepts the validation digits it was fitted for, and it
    refuses pictures of the kinds it trained on as "not a digit" far more often than digits (a fifth of
    them or more after one short epoch, where it refuses 0.3% of the validation digits)."""
    import warnings

    from digitnet.negatives import make_negatives
    from digitnet.presets import get_preset
    from digitnet.train import run

    recipe = get_preset("default").with_overrides(epochs=1, val_size=500, negatives=400, fashion_negatives=100,
                                                  font_digits=100, pen_digits=100, negatives_as="class",
                                                  energy_weight=0)
    said: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trained = run(recipe, mnist.head(4500, 2000), seed=0, log=said.append, if_nothing_learned="note")
    assert any("dense 11" in line for line in said)  # the summary of the network that trained
    model = load_model(trained.save(tmp_path / "class.npz"))
    assert model.network.n_outputs == 10 and model.metadata["recipe"]["negatives_as"] == "class"
    validation = mnist.head(4500, 0).train_images[-500:]
    assert model.accepts(validation).mean() == pytest.approx(0.996, abs=0.004)
    fresh = make_negatives(200, seed=7)
    refused = 1 - model.accepts(fresh.images).mean()  # 31.5% after this one short epoch; 0.3% of the digits
    assert refused > 0.2


# -- the Python API ------------------------------------------------------------------------------------
def test_the_model_answers_with_calibrated_probabilities_scores_and_decisions(rule_model, mnist):
    model = load_model(rule_model)
    images = np.concatenate([mnist.test_images[:200], np.random.default_rng(0).integers(0, 256, (50, 28, 28))])
    z = model.network.logits(images).astype(np.float64)
    T, threshold = model.reject.temperature, model.reject.threshold
    np.testing.assert_allclose(model.predict_proba(images), softmax(z / T), atol=1e-5)
    np.testing.assert_array_equal(model.predict(images), model.network.predict(images))  # argmax unchanged
    scores = model.scores(images)
    np.testing.assert_allclose(scores, T * logsumexp(z / T), rtol=1e-5)
    decision = model.decide(images)
    np.testing.assert_array_equal(decision.accepted, scores >= threshold)
    np.testing.assert_array_equal(decision.digits, np.where(scores >= threshold, z.argmax(axis=1), -1))
    refused = np.flatnonzero(~decision.accepted)
    assert all(decision.reason(int(i)).startswith("its energy score") for i in refused)
    assert decision.reason(int(np.flatnonzero(decision.accepted)[0])) is None


@pytest.mark.parametrize("score, threshold, shown", [
    (3.1234, 5.160640936744171, ("3.12", "5.16")),
    (5.15918, 5.160640936744171, ("5.159", "5.161")),  # 5.16 is below 5.16 would say nothing
    (5.16064, 5.160640936744171, ("5.160640", "5.160641")),
    (-0.5, -0.499999, ("-0.500000", "-0.499999")),
    (5.12, 5.125, ("5.12", "5.13")),  # an exact half rounds away from zero, as the page's toFixed does
    (-0.0, 0.001, ("0.000", "0.001")),  # no sign on zero
    (1e-20, 2e-20, ("1e-20", "2e-20")),  # too close for 16 decimals: in full
])
def test_a_refusal_writes_its_score_and_threshold_with_the_decimals_that_tell_them_apart(score, threshold, shown):
    assert told_apart(score, threshold) == shown
    decision = Decision(np.array([4]), np.full((1, 10), 0.1), np.array([False]), np.array([score]),
                        RejectRule("energy", 1.0, threshold))
    assert decision.reason(0) == f"its energy score {shown[0]} is below the model's threshold {shown[1]}"


@pytest.mark.parametrize("rule", [None, RejectRule("energy", 1.08, 0.0)])
def test_a_picture_is_answered_by_its_largest_logit_when_two_probabilities_tie(rule):
    """Logits a rounding apart can give the same float32 probability; the picture's answer is still the
    larger logit's, the digit Model.decide, ONNX and the page give, not the smaller digit of the tie."""
    network = Network.from_sizes([784, 10], seed=0)
    network.layers[0].params["W"][...] = 0
    bias = network.layers[0].params["b"]
    bias[...] = 0
    bias[3] = np.float32(0.1)
    bias[7] = np.nextafter(np.float32(0.1), np.float32(1.0))
    model = Model(network, {"reject": rule.to_dict()} if rule else {})
    answer = read_digit(model, encode(draw_digit(1)))
    assert model.decide(answer["image"][None]).classes[0] == 7
    assert answer["probabilities"][3] == answer["probabilities"][7]  # the tie the ranking must not settle
    assert answer["digit"] == 7 and answer["next"][0]["digit"] == 3


def test_a_one_output_network_reads_a_picture_without_a_digit_of_its_own_for_class_1():
    network = Network.from_sizes([784, 1], loss="cross_entropy", seed=0)
    answer = read_digit(Model(network), encode(draw_digit(1)))
    assert len(answer["probabilities"]) == 1 and answer["reason"] is None  # an answer, not an IndexError


def test_a_model_without_a_rule_answers_as_its_network_and_never_refuses(small_model, mnist):
    model = load_model(small_model)
    images = mnist.test_images[:100]
    assert model.reject is None and model.temperature == 1.0
    np.testing.assert_array_equal(model.predict_proba(images), model.network.predict_proba(images))
    assert model.accepts(np.random.default_rng(1).integers(0, 256, (20, 28, 28))).all()


def test_a_damaged_rule_is_refused_when_the_file_is_read(rule_model, tmp_path):
    bad = with_rule(rule_model, tmp_path / "bad.npz", temperature=-1.0)
    with pytest.raises(DigitnetError, match="temperature"):
        load_model(bad)


# -- digitnet predict -----------------------------------------------------------------------------------
def test_predict_says_not_a_digit_with_the_reason_and_exits_0(refusing, tmp_path, capsys):
    picture = tmp_path / "seven.png"
    draw_digit(7).save(picture)
    assert main(["predict", str(refusing), str(picture)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{picture}: not a digit (its energy score") and "below the model's threshold" in out
    assert main(["predict", str(refusing), str(picture), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    result = record["results"][0]
    assert record["refused"] == 1 and record["failed"] == 0
    assert result["digit"] is None and "threshold" in result["reason"] and len(result["probabilities"]) == 10


def test_predict_with_the_rule_reads_a_digit(rule_model, tmp_path, capsys):
    picture = tmp_path / "one.png"
    draw_digit(1).save(picture)
    assert main(["predict", str(rule_model), str(picture), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert result["reason"] is None and isinstance(result["digit"], int) and result["score"] is not None


# -- digitnet evaluate and info -------------------------------------------------------------------------
def test_evaluate_reports_refusals_and_calibration(rule_model, tmp_path, capsys, monkeypatch):
    assert main(["evaluate", str(rule_model), "--json", "--plots", str(tmp_path / "plots")]) == 0
    result = json.loads(capsys.readouterr().out)
    reject, calibration = result["reject"], result["calibration"]
    model = load_model(rule_model)
    assert reject["rule"]["threshold"] == pytest.approx(model.reject.threshold)
    assert 0 <= reject["refused"] < 0.5 and reject["accuracy_accepted"] >= result["accuracy"]
    assert calibration["bins"] == 15 and calibration["temperature"] == pytest.approx(model.reject.temperature)
    assert 0 <= calibration["ece_after"] <= 1 and 0 <= calibration["ece_before"] <= 1
    assert (tmp_path / "plots" / "reliability.png").stat().st_size > 0
    assert (tmp_path / "plots" / "refusals.png").stat().st_size > 0
    assert main(["evaluate", str(rule_model)]) == 0
    out = capsys.readouterr().out
    assert "refused as not digits:" in out and "before temperature scaling" in out


def test_evaluate_a_model_without_a_rule(small_model, capsys):
    assert main(["evaluate", str(small_model), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["reject"]["rule"] is None and result["reject"]["refused"] == 0
    assert result["calibration"]["ece_after"] is None and result["calibration"]["ece_before"] is not None


def test_info_shows_the_rule(rule_model, small_model, capsys):
    assert main(["info", str(rule_model)]) == 0
    out = capsys.readouterr().out
    assert "reject rule: not a digit when the energy score is below" in out and "temperature" in out
    assert main(["info", str(small_model)]) == 0
    assert "reject rule: none" in capsys.readouterr().out


def test_info_says_a_rule_without_threshold_refuses_nothing_by_its_score(rule_model, tmp_path, capsys):
    assert main(["info", str(with_rule(rule_model, tmp_path / "no_threshold.npz", threshold=None))]) == 0
    out = capsys.readouterr().out
    assert "reject rule: no threshold on the energy score (it refuses nothing by it); temperature" in out
    assert "below none" not in out


# -- the server ------------------------------------------------------------------------------------------
def test_the_server_answers_a_refused_upload_in_predicts_json_form(refusing):
    from digitnet.serve import DigitReader

    reader = DigitReader(load_model(refusing), name="refusing.npz")
    answer = reader.read(encode(draw_digit(7)))
    assert answer["digit"] is None and "threshold" in answer["reason"] and len(answer["probabilities"]) == 10
    assert reader.info(1000)["reject"]["threshold"] == 1e6


# -- committees --------------------------------------------------------------------------------------------
def test_a_committee_scores_with_its_members_temperatures_and_refuses_when_most_disagree(mnist, tmp_path):
    members = [Network.from_sizes([784, 16, 10], seed=s) for s in range(3)]  # untrained: they disagree
    images = mnist.test_images[:300]
    z = [m.logits(images).astype(np.float64) for m in members]
    temperatures = [1.0, 2.0, 0.5]
    mean_energy = np.mean([t * logsumexp(zm / t) for zm, t in zip(z, temperatures)], axis=0)
    threshold = float(np.quantile(mean_energy, 0.2))
    rule = CommitteeRule("energy", tuple(temperatures), threshold, 0.99, 0.5)
    path = save_committee(Committee(members), tmp_path / "c.npz", {"reject": rule.to_dict()})
    model = load_model(path)
    assert model.reject == rule and model.temperature == tuple(temperatures)
    decision = model.decide(images)
    probabilities = np.mean([softmax(zm / t) for zm, t in zip(z, temperatures)], axis=0)
    np.testing.assert_allclose(decision.probabilities, probabilities, atol=1e-5)
    against = np.sum([zm.argmax(axis=1) != probabilities.argmax(axis=1) for zm in z], axis=0)
    expected = (mean_energy >= threshold) & (against <= 1.5)
    assert 0 < expected.sum() < len(images)
    np.testing.assert_array_equal(decision.accepted, expected)
    by_disagreement = np.flatnonzero((mean_energy >= threshold) & (against > 1.5))
    assert len(by_disagreement) and decision.reason(int(by_disagreement[0])).endswith("give another answer")
    assert decision.figures(mnist.test_labels[:300])["disagreement"] == pytest.approx(np.mean(against > 0))


def test_a_committee_rule_must_name_a_temperature_per_member(tmp_path):
    members = [Network.from_sizes([784, 8, 10], seed=s) for s in range(2)]
    rule = {"score": "energy", "temperatures": [1.0, 1.0, 1.0], "threshold": 0.0}
    path = save_committee(Committee(members), tmp_path / "c.npz", {"reject": rule})
    with pytest.raises(DigitnetError, match="3 temperatures for a committee of 2"):
        load_model(path)


# -- the file: a model saved with a rule reads back the same rule -----------------------------------------
def test_a_rule_that_refuses_nothing_round_trips(small_model, tmp_path):
    model = load_model(small_model)
    path = save_model(model.network, tmp_path / "m.npz", {**model.metadata,
                                                          "reject": RejectRule(temperature=1.5).to_dict()})
    back = load_model(path)
    assert back.reject.threshold == -math.inf and back.reject.temperature == 1.5
    assert back.accepts(np.zeros((3, 28, 28), np.uint8)).all()


# -- ONNX -------------------------------------------------------------------------------------------------
def onnx_outputs(model, images: np.ndarray) -> dict[str, np.ndarray]:
    import onnxruntime as ort

    from digitnet.export import to_onnx
    from digitnet.export.onnx import committee_to_onnx

    network = model.network
    graph = (committee_to_onnx(network.members, model.metadata) if isinstance(network, Committee)
             else to_onnx(network, model.metadata))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(graph.SerializeToString(), options, providers=["CPUExecutionProvider"])
    x = network.as_input(images)
    names = ["probabilities", "label", "score", "is_digit"]
    return {**dict(zip(names, session.run(names, {"input": x}))),
            "metadata": {p.key: p.value for p in graph.metadata_props}}


def test_onnx_reproduces_the_calibrated_probabilities_the_score_and_the_decision(rule_model, mnist):
    model = load_model(rule_model)
    rule = model.reject
    images = np.concatenate([mnist.test_images[:300], np.random.default_rng(2).integers(0, 256, (100, 28, 28))])
    z = model.network.logits(images).astype(np.float64)
    # the threshold in the middle of these scores, so both answers are checked
    scores = rule.temperature * logsumexp(z / rule.temperature)
    middle = RejectRule(rule.score, rule.temperature, float(np.median(scores)), rule.accept)
    model = type(model)(model.network, {**model.metadata, "reject": middle.to_dict()})
    found, decision = onnx_outputs(model, images), model.decide(images)
    np.testing.assert_allclose(found["probabilities"], softmax(z / rule.temperature), atol=1e-5)
    np.testing.assert_array_equal(found["label"], decision.classes)
    np.testing.assert_allclose(found["score"], scores, rtol=1e-5, atol=1e-4)
    clear = np.abs(scores - middle.threshold) > 1e-3  # float32 sums in another order at the boundary
    np.testing.assert_array_equal(found["is_digit"][clear], decision.accepted[clear])
    assert found["is_digit"].dtype == bool and 0.3 < found["is_digit"].mean() < 0.7
    meta = found["metadata"]
    assert json.loads(meta["temperature"]) == pytest.approx(rule.temperature)
    assert json.loads(meta["threshold"]) == pytest.approx(middle.threshold)
    assert json.loads(meta["reject"])["score"] == "energy"


def test_a_blank_picture_is_refused_before_any_network_a_committees_answer_too(tmp_path):
    from PIL import Image

    from digitnet.images.reading import read_digit

    members = [Network.from_sizes([784, 16, 10], seed=s) for s in range(3)]
    rule = CommitteeRule("energy", (1.0, 2.0, 0.5), -1e6, None, 0.5)
    committee = load_model(save_committee(Committee(members), tmp_path / "c.npz", {"reject": rule.to_dict()}))
    bare = load_model(save_committee(Committee(members), tmp_path / "bare.npz"))  # no rule: no disagreement
    lone = load_model(save_model(members[0], tmp_path / "one.npz"))
    for model, extra in ((committee, {"disagree": None}), (bare, {}), (lone, {})):
        answer = read_digit(model, encode(Image.new("L", (80, 80), 255)))
        assert answer.pop("reason").startswith("no digit found")
        assert answer == {"digit": None, "probability": None, "next": [], "score": None, "probabilities": None,
                          "ink": None, "image": None, **extra}
        drawn = read_digit(model, encode(draw_digit(7)))  # the same keys as an answer the networks gave
        assert set(drawn) == set(answer) | {"reason"}


def test_onnx_of_a_committee_reproduces_its_rule_with_disagreement(mnist, tmp_path):
    members = [Network.from_sizes([784, 16, 10], seed=s) for s in range(3)]
    images = mnist.test_images[:300]
    rule = CommitteeRule("energy", (1.0, 2.0, 0.5), 0.0, None, 0.5)
    model = load_model(save_committee(Committee(members), tmp_path / "c.npz", {"reject": rule.to_dict()}))
    scores = model.scores(images)
    rule = CommitteeRule("energy", (1.0, 2.0, 0.5), float(np.quantile(scores, 0.2)), None, 0.5)
    model = type(model)(model.network, {**model.metadata, "reject": rule.to_dict()})
    found, decision = onnx_outputs(model, images), model.decide(images)
    np.testing.assert_allclose(found["probabilities"], decision.probabilities, atol=1e-5)
    np.testing.assert_allclose(found["score"], decision.scores, rtol=1e-5, atol=1e-4)
    clear = np.abs(decision.scores - rule.threshold) > 1e-3
    np.testing.assert_array_equal(found["is_digit"][clear], decision.accepted[clear])
    assert (~decision.accepted & (decision.scores >= rule.threshold)).any()  # some refused by disagreement


def test_a_model_without_a_rule_exports_no_reject_outputs(small_model):
    from digitnet.export import to_onnx

    graph = to_onnx(load_model(small_model).network, load_model(small_model).metadata)
    assert [o.name for o in graph.graph.output] == ["probabilities", "label"]


# -- the estimator ----------------------------------------------------------------------------------------
def test_the_estimator_scores_samples_and_has_a_fitted_threshold(mnist):
    pytest.importorskip("sklearn")
    from digitnet.estimator import DigitClassifier

    X, y = mnist.train_images[:3000].reshape(3000, -1), mnist.train_labels[:3000]
    clf = DigitClassifier(hidden=(64,), epochs=2, validation_fraction=0.2, reject_accept=0.99, negatives=600).fit(X, y)
    assert isinstance(clf.reject_, RejectRule) and math.isfinite(clf.threshold_)
    from digitnet.negatives import make_negatives

    noise = make_negatives(50, seed=12345).images.reshape(50, -1)  # pictures that are not digits, unseen
    digits = mnist.test_images[:200].reshape(200, -1)
    scores = clf.score_samples(np.concatenate([digits, noise]))
    assert scores.shape == (250,) and scores[:200].mean() > scores[200:].mean()
    both = np.concatenate([digits, noise])
    differ = clf.accepts(both) != (scores >= clf.threshold_)  # float32 decision, float64 scores
    assert np.all(np.abs(scores[differ] - clf.threshold_) < 1e-4 * max(1.0, abs(clf.threshold_)))
    answers = clf.predict_or_refuse(both)
    np.testing.assert_array_equal(answers[answers != -1], clf.predict(both)[answers != -1])
    np.testing.assert_array_equal(answers == -1, ~clf.accepts(both))
    assert (scores[:200, None] > scores[None, 200:]).mean() > 0.6  # a digit outscores a non-digit more often
    np.testing.assert_array_equal(clf.predict_proba(digits).argmax(axis=1), clf.predict(digits))
    binary = (digits[:20] > 127).astype(np.uint8)  # 0/1 pixels: integers, so divided by 255 like 0-255 ones
    np.testing.assert_allclose(clf.score_samples(binary), clf.score_samples(binary / 255.0), rtol=1e-6, atol=1e-6)
    plain = DigitClassifier(hidden=(16,), epochs=1).fit(X[:500], y[:500])
    assert plain.threshold_ == -math.inf and plain.accepts(noise).all()


def test_a_trained_committee_keeps_a_rule_of_its_own(tiny_data, tmp_path, capsys):
    """``digitnet train --committee`` with the reject option: the members' temperatures, the committee's
    threshold on the mean of their scores, "most members" disagreement, and its figures."""
    out = tmp_path / "committee.npz"
    code = main(["train", "--model", "mlp-512", "--layers", "784,16,10", "--augment", "none", "--val-size", "50",
                 "--epochs", "2", "--negatives", "60", "--font-digits", "20", "--reject-accept", "0.98",
                 "--committee", "2", "--serial", "--data", str(tiny_data), "--members", str(tmp_path / "members"),
                 "--out", str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    model = load_model(out)
    rule = model.reject
    assert isinstance(rule, CommitteeRule) and rule.size == 2 and rule.disagreement == 0.5
    members = model.metadata["members"]
    assert [m["reject"]["temperature"] for m in members] == pytest.approx(list(rule.temperatures))
    for key in ("test_refused", "test_accuracy_accepted", "test_ece_before", "test_ece_after", "test_disagreement"):
        assert model.metrics[key] is not None, key
    assert main(["info", str(out)]) == 0
    assert "members' mean energy score" in capsys.readouterr().out


def test_the_default_preset_in_the_estimator_keeps_what_fits_the_data(mnist):
    """No held-out share: no rule to fit, so none (and no error); classes that are not 0-9: no font digits."""
    pytest.importorskip("sklearn")
    from digitnet.estimator import DigitClassifier

    X, y = mnist.train_images[:300], mnist.train_labels[:300]
    small = {"epochs": 1, "negatives": 40, "fashion_negatives": 20}
    clf = DigitClassifier(model="default", font_digits=10, pen_digits=10, **small).fit(X, y)
    assert clf.reject_ is None and clf.threshold_ == -math.inf and clf.recipe_.negatives == 40
    binary = DigitClassifier(model="default", validation_fraction=0.2, **small).fit(X, y % 2)
    assert binary.recipe_.font_digits == 0 and binary.recipe_.pen_digits == 0 and isinstance(binary.reject_, RejectRule)
    with pytest.raises(ValueError, match="validation"):
        DigitClassifier(model="default", reject_accept=0.99, font_digits=0, pen_digits=0, **small).fit(X, y)
