"""The reject option's core: the outlier-exposure loss, the scores, temperature scaling, the threshold
and the rule a model file keeps."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from digitnet.errors import DigitnetError
from digitnet.nn import functional as F
from digitnet.nn.gradcheck import numerical_gradient, relative_error
from digitnet.nn.losses import SoftmaxCrossEntropy
from digitnet.reject import (
    NOT_A_DIGIT,
    REFUSED,
    SCORES,
    EleventhClass,
    EnergyMargin,
    LogOddsMargin,
    OutlierExposure,
    RejectRule,
    acceptance,
    choose_threshold,
    energy,
    fit_temperature,
    fold_eleventh_output,
    max_logit,
    max_probability,
    negative_log_likelihood,
)


# -- the loss ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("weight, smoothing", [(0.5, 0.0), (1.0, 0.1), (0.0, 0.0), (2.0, 0.1)])
@pytest.mark.parametrize("kind, outputs", [(OutlierExposure, 10), (EleventhClass, 11), (LogOddsMargin, 11)])
def test_negatives_losses_gradients_match_finite_differences(rng, kind, outputs, weight, smoothing):
    z = rng.normal(0, 2, (7, outputs))
    y = np.array([3, NOT_A_DIGIT, 0, 9, NOT_A_DIGIT, NOT_A_DIGIT, 5])
    loss = kind(weight, smoothing)
    _, delta = loss.loss_and_grad(z, y)
    numeric = numerical_gradient(lambda: loss.value(z, y), z)
    assert relative_error(delta, numeric) < 1e-6


def test_without_negatives_it_is_the_plain_cross_entropy(rng):
    z, y = rng.normal(0, 3, (6, 10)).astype(np.float32), np.array([1, 2, 3, 4, 5, 6])
    for smoothing in (0.0, 0.1):
        a, b = OutlierExposure(0.7, smoothing).loss_and_grad(z, y), SoftmaxCrossEntropy(smoothing).loss_and_grad(z, y)
        assert a[0] == pytest.approx(b[0], rel=1e-6)
        np.testing.assert_allclose(a[1], b[1], atol=1e-7)


def test_a_negative_is_aimed_at_the_uniform_distribution(rng):
    """Its loss is weight * (cross-entropy against 1/K), which is smallest, log K, at equal logits;
    its gradient is weight * (softmax - 1/K) / N."""
    loss = OutlierExposure(0.5)
    flat = np.zeros((1, 10))
    assert loss.value(flat, np.array([NOT_A_DIGIT])) == pytest.approx(0.5 * math.log(10))
    z = rng.normal(0, 2, (4, 10))
    _, delta = loss.loss_and_grad(z, np.full(4, NOT_A_DIGIT))
    np.testing.assert_allclose(delta, 0.5 * (F.softmax(z) - 0.1) / 4, atol=1e-12)
    assert loss.value(z, np.full(4, NOT_A_DIGIT)) > 0.5 * math.log(10)


def test_the_loss_is_stable_for_huge_logits():
    z = np.array([[1e4, -1e4] + [0.0] * 8, [-1e4] * 10], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, delta = OutlierExposure(0.5).loss_and_grad(z, np.array([0, NOT_A_DIGIT]))
    assert np.isfinite(value) and np.isfinite(delta).all()


def test_a_bad_weight_is_refused():
    for weight in (-1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="weight"):
            OutlierExposure(weight)


@pytest.mark.parametrize("weight, smoothing, energy_weight", [(1.0, 0.0, 0.1), (0.5, 0.1, 0.7), (0.0, 0.0, 0.3)])
def test_energy_margin_gradient_matches_finite_differences(rng, weight, smoothing, energy_weight):
    """Logits spread so that some digits and negatives are on the wrong side of their margins, some not."""
    z = rng.normal(0, 4, (8, 10))
    y = np.array([3, NOT_A_DIGIT, 0, 9, NOT_A_DIGIT, NOT_A_DIGIT, 5, 1])
    loss = EnergyMargin(weight, smoothing, energy_weight)
    s = energy(z, 1.0)
    assert ((s < loss.margin_in) & (y >= 0)).any() and ((s > loss.margin_out) & (y < 0)).any()
    _, delta = loss.loss_and_grad(z, y)
    numeric = numerical_gradient(lambda: loss.value(z, y), z)
    assert relative_error(delta, numeric) < 1e-6


def test_energy_margins_cost_nothing_on_the_right_side_and_squared_hinges_on_the_wrong():
    """A digit scoring above margin_in and a negative below margin_out: outlier exposure's loss and
    gradient exactly; a negative ``d`` above margin_out adds energy_weight * d^2 / N, and its gradient
    grows by 2 * energy_weight * d * softmax(z) / N (the gradient of the energy is the softmax)."""
    plain, margins = OutlierExposure(1.0), EnergyMargin(1.0, 0.0, 0.4, margin_in=8.0, margin_out=2.5)
    sure = np.zeros((2, 10))
    sure[0, 4] = 12.0  # a confident digit: energy just over 12
    y = np.array([4, NOT_A_DIGIT])  # and a negative of ten equal logits: energy log(10) = 2.3
    for a, b in zip(plain.loss_and_grad(sure, y), margins.loss_and_grad(sure, y)):
        np.testing.assert_array_equal(a, b)
    high = np.full((1, 10), 1.0)  # a negative of ten logits of 1: energy 1 + log(10), 0.80 too high
    d = 1.0 + math.log(10) - 2.5
    value, delta = margins.loss_and_grad(high, np.array([NOT_A_DIGIT]))
    assert value == pytest.approx(plain.value(high, np.array([NOT_A_DIGIT])) + 0.4 * d * d)
    np.testing.assert_allclose(delta - plain.loss_and_grad(high, np.array([NOT_A_DIGIT]))[1],
                               2 * 0.4 * d * F.softmax(high), atol=1e-12)
    assert repr(margins) == "EnergyMargin(weight=1, smoothing=0, energy_weight=0.4, margins=(8, 2.5))"


@pytest.mark.parametrize("kind, outputs", [(EnergyMargin, 10), (LogOddsMargin, 11)])
def test_energy_margins_are_stable_and_check_their_settings(kind, outputs):
    """Huge logits either way (for the log-odds, a "not a digit" output of +-1e4 too) give finite float32
    gradients and no warning."""
    z = np.array([[1e4, -1e4] + [0.0] * (outputs - 2), [-1e4] * outputs, [0.0] * (outputs - 1) + [1e4],
                  [0.0] * (outputs - 1) + [-1e4]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, delta = kind(1.0, 0.0, 0.1).loss_and_grad(z, np.array([0, NOT_A_DIGIT, 3, NOT_A_DIGIT]))
    assert np.isfinite(value) and np.isfinite(delta).all() and delta.dtype == np.float32
    for bad in ({"energy_weight": -0.1}, {"energy_weight": float("nan")}, {"margin_in": 1.0, "margin_out": 2.0},
                {"margin_in": float("inf")}):
        with pytest.raises(ValueError, match="energy-margin weight|margins"):
            EnergyMargin(1.0, 0.0, **{"energy_weight": 0.1, **bad})


def test_training_with_negatives_lowers_their_scores():
    """A small network trained on three bright bars as classes and noise as negatives gives the noise
    lower energy and top probability than one trained without the negatives."""
    from digitnet.nn import Network
    from digitnet.nn.optimizers import make_optimizer
    from digitnet.train import Trainer

    gen = np.random.default_rng(0)
    x = gen.random((300, 64)).astype(np.float32) * 0.2
    y = np.arange(300) % 3
    for k in range(3):
        x[y == k, k * 16:(k + 1) * 16] = 1.0
    noise = gen.random((300, 64)).astype(np.float32)
    results = {}
    for name, use in (("plain", False), ("exposed", True)):
        net = Network.from_sizes([64, 32, 3], seed=0, inputs="features")
        xs, ys = (np.concatenate([x, noise]), np.concatenate([y, np.full(300, NOT_A_DIGIT)])) if use else (x, y)
        plain = net.loss
        optimizer = make_optimizer("momentum", net.params, 0.1)
        Trainer(net, optimizer, epochs=15, batch_size=32, seed=0, progress=False, log=lambda m: None,
                loss=OutlierExposure(1.0) if use else None).fit(xs, ys)
        assert net.loss is plain  # the trainer's loss trains; the network keeps its own
        held_out = gen.random((200, 64)).astype(np.float32)
        z = net.forward(held_out)
        results[name] = (max_probability(z).mean(), net.score(x, y))
    assert results["exposed"][0] < results["plain"][0] - 0.2
    assert results["exposed"][1] > 0.95
    with pytest.raises(DigitnetError, match="label -1 .* needs the outlier-exposure loss"):  # not the last class
        Trainer(net, optimizer, progress=False).fit(noise, np.full(300, NOT_A_DIGIT))
    with pytest.raises(DigitnetError, match="`loss` must be a Loss"):
        Trainer(net, optimizer, loss="outlier exposure")


# -- an eleventh class, folded ----------------------------------------------------------------------------
def test_eleventh_class_is_the_cross_entropy_with_negatives_in_the_last_class(rng):
    """At weight 1 it is the plain softmax cross-entropy over eleven classes, a negative's label being
    the last; a weight scales the negatives' rows, loss and gradient alike."""
    z, y = rng.normal(0, 3, (6, 11)), np.array([1, NOT_A_DIGIT, 3, NOT_A_DIGIT, 9, 0])
    as_class = np.where(y == NOT_A_DIGIT, 10, y)
    for smoothing in (0.0, 0.1):
        (loss, delta), (plain, plain_delta) = (EleventhClass(1.0, smoothing).loss_and_grad(z, y),
                                               SoftmaxCrossEntropy(smoothing).loss_and_grad(z, as_class))
        assert loss == pytest.approx(plain, rel=1e-12)
        np.testing.assert_allclose(delta, plain_delta, atol=1e-12)
    _, plain_delta = SoftmaxCrossEntropy().loss_and_grad(z, as_class)
    _, heavier = EleventhClass(3.0).loss_and_grad(z, y)
    negative = y == NOT_A_DIGIT
    np.testing.assert_allclose(heavier[negative], 3 * plain_delta[negative], atol=1e-12)
    np.testing.assert_allclose(heavier[~negative], plain_delta[~negative], atol=1e-12)


def test_folding_the_eleventh_output_keeps_the_digits_and_scores_the_log_odds_of_a_digit(rng):
    """z'_k = z_k - z_10 is a dense layer of ten outputs: the same digit, the same probabilities given
    that it is a digit, and an energy equal to log p(a digit) / p(not a digit)."""
    from digitnet.nn import Network

    net = Network.from_sizes([20, 16, 11], seed=0, inputs="features")
    x = rng.normal(0, 1, (50, 20)).astype(np.float32)
    z = net.logits(x).astype(np.float64)
    folded = fold_eleventh_output(net)
    assert (folded.n_outputs, net.n_outputs) == (10, 11)
    z_folded = folded.logits(x).astype(np.float64)
    np.testing.assert_allclose(z_folded, z[:, :10] - z[:, 10:], atol=1e-4)  # float32, summed in another order
    p = F.softmax(z)
    np.testing.assert_allclose(F.softmax(z_folded), p[:, :10] / p[:, :10].sum(axis=1, keepdims=True), atol=1e-5)
    np.testing.assert_allclose(energy(z_folded, 1.0), np.log(p[:, :10].sum(axis=1) / p[:, 10]), atol=1e-4)
    top2 = np.sort(z[:, :10], axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 1e-3  # no near-ties, which another BLAS might order otherwise
    np.testing.assert_array_equal(folded.predict(x)[clear], z[clear, :10].argmax(axis=1))
    with pytest.raises(DigitnetError, match="straight out of its last dense layer"):
        fold_eleventh_output(Network.from_sizes([20, 16, 11], activation="relu", output="sigmoid", seed=0,
                                                inputs="features"))


def test_log_odds_margins_hold_the_folded_energy_to_margins(rng):
    """The score :class:`LogOddsMargin` holds to its margins is the energy the folded network will have,
    logsumexp(z_0..z_9) - z_10; examples on the right side cost nothing more than the eleventh class,
    and a negative ``d`` above ``margin_out`` adds energy_weight * d^2 / N."""
    z = rng.normal(0, 3, (6, 11))
    margins = LogOddsMargin(1.0, 0.0, 0.4)
    score, _ = margins.score_and_slope(z)
    np.testing.assert_allclose(score, energy(z[:, :10] - z[:, 10:], 1.0), atol=1e-12)
    assert (margins.margin_in, margins.margin_out) == (6.0, -1.0)
    sure = np.zeros((2, 11))
    sure[0, 4], sure[1, 10] = 12.0, 8.0  # a digit at log-odds ~12, a negative at ~-5.7
    y = np.array([4, NOT_A_DIGIT])
    for a, b in zip(EleventhClass(1.0).loss_and_grad(sure, y), margins.loss_and_grad(sure, y)):
        np.testing.assert_array_equal(a, b)
    unsure = np.zeros((1, 11))  # a negative at log-odds log(10), d = log(10) + 1 above margin_out
    d = math.log(10) + 1
    assert margins.value(unsure, np.array([NOT_A_DIGIT])) == pytest.approx(
        EleventhClass(1.0).value(unsure, np.array([NOT_A_DIGIT])) + 0.4 * d * d)
    assert repr(margins) == "LogOddsMargin(weight=1, smoothing=0, energy_weight=0.4, margins=(6, -1))"


def test_eleventh_class_refuses_a_network_without_an_output_to_spare(rng):
    """On a ten-output network the last digit would be taught as "not a digit": refused, not guessed."""
    with pytest.raises(DigitnetError, match="label 9 would share the last of 10 outputs"):
        EleventhClass(1.0).loss_and_grad(rng.normal(0, 1, (3, 10)), np.array([9, NOT_A_DIGIT, 2]))


# -- scores ------------------------------------------------------------------------------------------------
def test_scores_are_their_formulas(rng):
    z = rng.normal(0, 3, (5, 10))
    for t in (0.5, 1.0, 2.0):
        np.testing.assert_allclose(energy(z, t), t * np.log(np.exp(z / t).sum(axis=1)))
        np.testing.assert_allclose(max_probability(z, t), (np.exp(z / t) / np.exp(z / t).sum(1, keepdims=True)).max(1))
    np.testing.assert_allclose(max_logit(z), z.max(axis=1))
    assert set(SCORES) == {"energy", "max_probability", "max_logit"}


def test_scores_need_logits_of_several_classes():
    with pytest.raises(ValueError, match="logits"):
        energy(np.zeros(10))


# -- temperature -------------------------------------------------------------------------------------------
def test_fit_temperature_finds_the_temperature_that_made_the_labels():
    """Labels drawn from softmax(z / 2.5): the fitted temperature is close to 2.5 and minimises the NLL."""
    gen = np.random.default_rng(3)
    z = gen.normal(0, 4, (20000, 10))
    p = F.softmax(z / 2.5)
    y = (p.cumsum(axis=1) > gen.random((len(z), 1))).argmax(axis=1)
    t = fit_temperature(z, y)
    assert t == pytest.approx(2.5, rel=0.05)
    best = negative_log_likelihood(z, y, t)
    assert best <= negative_log_likelihood(z, y, t * 1.05) and best <= negative_log_likelihood(z, y, t / 1.05)


def test_fit_temperature_is_repeatable_and_bounded():
    gen = np.random.default_rng(0)
    z = gen.normal(0, 1, (500, 10))
    assert fit_temperature(z, z.argmax(1)) == fit_temperature(z, z.argmax(1))
    assert fit_temperature(z, z.argmax(1)) == pytest.approx(0.05)  # always right: as sharp as allowed
    assert 0.05 <= fit_temperature(z, gen.integers(0, 10, 500)) <= 20  # labels unrelated: very soft


def test_fit_temperature_refuses_what_it_cannot_use():
    with pytest.raises(DigitnetError, match="labels"):
        fit_temperature(np.zeros((3, 10)), np.array([0, 1, -1]))
    with pytest.raises(DigitnetError, match="logits"):
        fit_temperature(np.zeros((3, 10)), np.array([0, 1]))


# -- threshold ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("accept", [0.5, 0.9, 0.997, 1.0])
def test_the_threshold_accepts_at_least_the_share_asked_and_is_the_largest_that_does(accept):
    scores = np.random.default_rng(0).normal(size=5000)
    t = choose_threshold(scores, accept)
    assert acceptance(scores, t) >= accept
    assert acceptance(scores, np.nextafter(t, np.inf)) < accept or t == scores.max()


def test_threshold_refuses_bad_input():
    with pytest.raises(DigitnetError):
        choose_threshold([], 0.9)
    with pytest.raises(DigitnetError):
        choose_threshold([1.0, np.nan], 0.9)
    with pytest.raises(DigitnetError):
        choose_threshold([1.0, 2.0], 0.0)


# -- the rule ----------------------------------------------------------------------------------------------
def test_the_rule_refuses_below_its_threshold_and_answers_the_top_digit_above():
    z = np.array([[5.0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0.1] * 10, [0, 0, 9.0, 0, 0, 0, 0, 0, 0, 0]])
    rule = RejectRule("energy", 1.0, threshold=4.0)
    digits, scores = rule.decide(z)
    assert digits.tolist() == [0, REFUSED, 2]
    np.testing.assert_allclose(scores, energy(z))
    assert rule.accepts(z).tolist() == [True, False, True]


@pytest.mark.parametrize("members", [1, 2])
def test_whole_number_logits_are_answered_as_the_same_numbers_in_floats(members):
    """Logits typed in as integers must not be divided by the temperature in integers (0.5 -> 0)."""
    from digitnet.reject import CommitteeRule, decide

    z = np.array([[1, 2, 3], [3, 0, 0]])
    rule = RejectRule("energy", 0.5, 2.0) if members == 1 else CommitteeRule("energy", (0.5, 0.7), 2.0)
    for chosen in (rule, None):
        as_ints = decide([z] * members, chosen)
        as_floats = decide([z.astype(np.float64)] * members, chosen)
        np.testing.assert_allclose(as_ints.probabilities, as_floats.probabilities)
        np.testing.assert_array_equal(as_ints.digits, as_floats.digits)
    np.testing.assert_allclose(rule.probabilities(z if members == 1 else [z] * members).sum(axis=1), 1)


@pytest.mark.parametrize("members", [1, 3])
def test_the_figures_of_no_images_are_none_not_an_error(members):
    from digitnet.reject import CommitteeRule, decide

    rule = (RejectRule("energy", 1.2, 0.0) if members == 1
            else CommitteeRule("energy", (1.2,) * members, 0.0, disagreement=0.5))
    figures = decide([np.zeros((0, 10), np.float32)] * members, rule).figures(np.zeros(0, int))
    assert figures == {"refused": 0.0, "accuracy_accepted": None, "ece_before": None, "ece_after": None,
                       "disagreement": None}


def test_a_fitted_rule_accepts_its_share_of_validation_digits_and_calibrates():
    gen = np.random.default_rng(1)
    z = gen.normal(0, 6, (4000, 10))
    y = (F.softmax(z / 3.0).cumsum(1) > gen.random((4000, 1))).argmax(1)
    rule = RejectRule.fit(z, y, score="max_probability", accept=0.99)
    assert rule.temperature == pytest.approx(3.0, rel=0.1)
    assert rule.accepts(z).mean() >= 0.99
    np.testing.assert_allclose(rule.probabilities(z), F.softmax(z / rule.temperature), rtol=1e-6)
    assert RejectRule.fit(z, y, calibrate=False).temperature == 1.0


def test_the_rule_goes_into_a_model_file_and_back_unchanged():
    rule = RejectRule("max_logit", 1.25, 3.5, 0.997)
    assert RejectRule.from_dict(rule.to_dict()) == rule
    assert RejectRule.from_dict({"score": "energy"}).threshold == -math.inf


@pytest.mark.parametrize("bad, message", [
    ({"score": "vibes"}, "unknown reject score"),
    ({"temperature": 0}, "temperature"),
    ({"temperature": "2"}, "temperature"),
    ({"temperature": float("nan")}, "temperature"),
    ({"threshold": float("nan")}, "threshold"),
    ({"threshold": "high"}, "threshold"),
    ({"threshold": True}, "threshold"),
    ({"accept": 2}, "accept"),
    ({"accept": True}, "accept"),
    ({"threshold": float("inf")}, "threshold"),
    ({"extra": 1}, "unknown keys"),
    ({"score": 3}, "score must be a name"),
])
def test_a_damaged_rule_is_refused_with_one_line(bad, message):
    with pytest.raises(DigitnetError, match=message):
        RejectRule.from_dict({"score": "energy", "temperature": 1.0, "threshold": 0.0, **bad})
    with pytest.raises(DigitnetError, match="mapping"):
        RejectRule.from_dict(["energy"])


def test_what_a_stranger_put_in_a_rule_is_shown_short_and_on_one_line():
    from digitnet.reject import CommitteeRule

    for bad in ({"temperature": "x" * 500}, {"\n\x1b[31mkey": 1}, {"score": "e" * 500}):
        with pytest.raises(DigitnetError) as caught:
            RejectRule.from_dict({"score": "energy", "temperature": 1.0, "threshold": 0.0, **bad})
        assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value) and len(str(caught.value)) < 200
    with pytest.raises(DigitnetError, match="2 to 100 members"):  # counted before any is looked at
        CommitteeRule.from_dict({"score": "energy", "temperatures": [1.0] * 1_000_000, "threshold": 0.0})


def test_a_committee_rule_allows_as_many_members_as_a_committee_file():
    from digitnet.io import committee_file
    from digitnet.reject import committee_rule

    assert committee_rule.MAX_MEMBERS == committee_file.MAX_MEMBERS


# -- committees --------------------------------------------------------------------------------------------
def test_committee_scores_and_unanimity():
    from digitnet.reject import mean_probabilities, mean_score, unanimous

    a = np.array([[4.0, 0, 0], [0, 3.0, 0]])
    b = np.array([[3.0, 0, 0], [0, 0, 3.0]])
    assert unanimous([a, b]).tolist() == [True, False]
    np.testing.assert_allclose(mean_score([a, b], [1.0, 2.0]), (energy(a, 1.0) + energy(b, 2.0)) / 2)
    np.testing.assert_allclose(mean_probabilities([a, b], [1.0, 1.0]), (F.softmax(a) + F.softmax(b)) / 2)


@pytest.mark.parametrize("units, loss", [(1, "binary_cross_entropy"), (10, "quadratic")])
def test_a_rule_on_a_network_without_softmax_logits_is_refused_when_the_file_is_read(tmp_path, units, loss):
    """The rule scores the logits of a softmax: a file that pairs one with a single sigmoid output or a
    quadratic cost is damaged, and says so in one line when it is read (not later, deep in a score)."""
    from digitnet.io import load_model, save_model
    from digitnet.nn import Network

    network = Network.from_spec([{"type": "dense", "units": units, "input_dim": 784}], loss=loss, seed=0)
    path = save_model(network, tmp_path / "m.npz",
                      {"reject": {"score": "energy", "temperature": 1.0, "threshold": 0.0}})
    with pytest.raises(DigitnetError, match="damaged: its reject rule scores the logits of a softmax"):
        load_model(path)
