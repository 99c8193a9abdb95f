"""The drawing page as static files (``digitnet export --web``), opened from file:// in a real headless
Chromium: the network (nn.js) and the picture preparation (prepare.js) run in the browser and must give
digitnet's own answers, and the page must fetch nothing from outside its folder."""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import pytest
from browser import browser_page, draw, folder_url, open_page, wait_until_settled
from PIL import Image

from digit_pictures import draw_digit, encode
from digitnet.export.web import export_web, network_and_metadata
from digitnet.images import NoDigitError, prepare
from digitnet.images.reading import read_digit
from digitnet.io import Model, load_model
from digitnet.models import packaged_model_path
from digitnet.nn import Network
from digitnet.nn.committee import Committee
from digitnet.nn.functional import logsumexp, softmax
from digitnet.nn.layers import (
    AvgPool2D,
    BatchNorm,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Identity,
    LeakyReLU,
    MaxPool2D,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
)
from digitnet.reject.wording import told_apart

READ_MANY = """(encoded) => {
    const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    const digits = [], probabilities = [], reasons = [];
    for (let i = 0; i < bytes.length / 784; i++) {
        const answer = window.digitnet.read(bytes.subarray(i * 784, (i + 1) * 784));
        digits.push(answer.digit);
        probabilities.push(...answer.probabilities);
        reasons.push(answer.reason || null);
    }
    return {digits, probabilities, reasons};
}"""

PREPARE = """([width, height, encoded]) => {
    const bytes = Uint8ClampedArray.from(atob(encoded), (c) => c.charCodeAt(0));
    const answer = window.digitnet.readPicture(new ImageData(bytes, width, height));
    return {digit: answer.digit, reason: answer.reason || null, probabilities: answer.probabilities,
            image: answer.image28 ? Array.from(answer.image28) : null};
}"""


def read_many(page, images: np.ndarray, chunk: int = 2500) -> tuple[list, np.ndarray, list]:
    """``window.digitnet.read`` of every 28x28 image: (digits, probabilities (N, K), refusal reasons)."""
    digits, probabilities, reasons = [], [], []
    for i in range(0, len(images), chunk):
        part = np.ascontiguousarray(images[i:i + chunk], dtype=np.uint8)
        result = page.evaluate(READ_MANY, base64.b64encode(part.tobytes()).decode("ascii"))
        digits += result["digits"]
        probabilities += result["probabilities"]
        reasons += result["reasons"]
    return digits, np.array(probabilities).reshape(len(images), -1), reasons


def read_picture(page, picture: Image.Image) -> dict:
    """``window.digitnet.readPicture`` of a picture, handed over as the RGBA pixels Pillow decodes."""
    rgba = picture.convert("RGBA")
    return page.evaluate(PREPARE, [rgba.width, rgba.height, base64.b64encode(rgba.tobytes()).decode("ascii")])


def export(network, folder, name="model.npz", metadata=None):
    export_web(network, folder, name=name, metadata=metadata)
    return folder


def network_in(path):
    """The network (or committee) of a model file, and its description."""
    return network_and_metadata(load_model(path))


@pytest.fixture(scope="module")
def default_network():
    return network_in(packaged_model_path())[0]


@pytest.fixture(scope="module")
def browser(browser_ready):
    with browser_page() as page:
        errors = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        yield page
        assert errors == []


@pytest.fixture(scope="module")
def default_folder(default_network, tmp_path_factory):
    return export(default_network, tmp_path_factory.mktemp("web") / "page", "default.npz")


@pytest.fixture
def page(browser, default_folder):
    open_page(browser, folder_url(default_folder))
    return browser


def pad_png(page) -> bytes:
    url = page.evaluate("document.getElementById('pad').toDataURL('image/png')")
    return base64.b64decode(url.split(",", 1)[1])


def shown(page) -> dict:
    return page.evaluate("""() => ({
        digit: document.getElementById('digit').textContent,
        confidence: document.getElementById('confidence').textContent,
        probabilities: [...document.querySelectorAll('#bars li')].map(li => parseFloat(li.dataset.probability)),
        maps: document.querySelectorAll('#maps canvas').length,
    })""")


# -- drawing ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("digit, strokes", [
    (1, [[(0.5, 0.15 + 0.07 * i) for i in range(11)]]),
    (0, [[(0.5 + 0.22 * math.sin(t), 0.5 - 0.33 * math.cos(t)) for t in np.linspace(0, 2 * math.pi, 40)]]),
    (7, [[(0.28, 0.2), (0.72, 0.2)], [(0.72, 0.2), (0.6, 0.5), (0.48, 0.85)]]),
    (4, [[(0.55, 0.15), (0.25, 0.6), (0.75, 0.6)], [(0.6, 0.35), (0.6, 0.88)]]),
])
def test_a_drawing_gets_digitnets_answer_in_the_browser(page, default_network, digit, strokes):
    for stroke in strokes:
        draw(page, stroke)
    wait_until_settled(page)
    view = shown(page)
    python = read_digit(default_network, pad_png(page))  # the same drawing, read by digitnet in Python
    assert view["digit"] == str(python["digit"]) == str(digit)
    assert view["probabilities"] == pytest.approx(python["probabilities"], abs=1e-4)
    assert view["confidence"].endswith("sure") and view["maps"] == 16  # the first layer's 16 feature maps


def test_clicking_shows_which_pixels_pushed_the_answer(page):
    draw(page, [(0.5, 0.15 + 0.07 * i) for i in range(11)])
    wait_until_settled(page)
    page.click("#explain")
    scores = np.array(page.evaluate("JSON.parse(document.getElementById('saliency').dataset.scores)")).reshape(28, 28)
    seen = np.array(page.evaluate("""Array.from(window.digitnet.prepare(
        document.getElementById('pad').getContext('2d').getImageData(0, 0, 280, 280)).image)"""))
    ink = seen.reshape(28, 28) > 0
    near_ink = np.zeros_like(ink)  # pixels in a 2x2 patch with some ink
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            near_ink |= np.roll(np.roll(ink, dy, 0), dx, 1)
    assert scores.max() > 0 and np.all(scores[~near_ink] == 0)
    assert scores[ink].mean() > 0  # the ink of a plain 1, taken away, makes it less of a 1


def test_a_blank_drawing_is_no_digit(page):
    answer = page.evaluate("""() => {
        const blank = new ImageData(280, 280); blank.data.fill(255);
        return window.digitnet.readPicture(blank);
    }""")
    assert answer["digit"] is None and answer["probabilities"] is None
    assert answer["reason"].startswith("no digit found")


def test_a_picture_of_noise_all_over_is_refused_in_pythons_words(page):
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (120, 120), dtype=np.uint8))
    answer = read_picture(page, noise)
    with pytest.raises(NoDigitError) as python:
        prepare(np.asarray(noise))
    assert answer["digit"] is None and answer["image"] is None and answer["reason"] == str(python.value)


# -- the same numbers as NumPy ----------------------------------------------------------------------------
def test_read_gives_numpys_answers_on_all_mnist_test_images(page, default_network, mnist):
    digits, probabilities, reasons = read_many(page, mnist.test_images)
    assert digits == default_network.predict(mnist.test_images).tolist()
    assert np.abs(probabilities - default_network.predict_proba(mnist.test_images)).max() < 1e-4
    assert reasons == [None] * len(digits)  # exported without its description: the network alone, no rule


def pictures() -> dict[str, Image.Image]:
    """Pictures that take every branch of the preparation: ink either way, grain, transparency, huge
    (shrunk by Image.reduce, then resized), very tall, thin strokes, tiny."""
    rng = np.random.default_rng(3)
    noisy = np.asarray(draw_digit(7, size=(400, 320), ink=(30, 40, 160), paper=(240, 232, 205), width=14))
    noisy = np.clip(noisy + rng.normal(0, 18, noisy.shape), 0, 255).astype(np.uint8)
    alpha = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    alpha.putalpha(Image.eval(draw_digit(1, size=(240, 240), width=22).convert("L"), lambda v: 255 - v))
    return {
        "light ink": draw_digit(0, size=(300, 260), ink=(245, 245, 240), paper=(30, 45, 35), width=24),
        "grain and tint": Image.fromarray(noisy),
        "transparent paper": alpha,
        "huge": draw_digit(7, size=(2100, 300), width=40, box=(0.4, 0, 0.6, 1)),
        "tall": draw_digit(1, size=(8, 900), width=3),
        "thin pen": draw_digit(0, size=(600, 800), width=3, box=(0.3, 0.2, 0.7, 0.7)),
        "tiny": draw_digit(7, size=(36, 30), width=3),
        "jpeg": Image.open(io.BytesIO(encode(draw_digit(1, size=(500, 500), width=30), "JPEG", quality=60))),
    }


@pytest.mark.parametrize("name", list(pictures()))
def test_read_picture_prepares_like_digitnet_to_the_byte(page, default_network, name):
    picture = pictures()[name]
    answer = read_picture(page, picture)
    python = prepare(encode(picture.convert("RGBA")))
    assert answer["image"] == python.image.ravel().tolist()
    assert answer["digit"] == int(default_network.predict(python.image)[0])
    assert answer["probabilities"] == pytest.approx(default_network.predict_proba(python.image)[0].tolist(), abs=1e-4)


def layer_zoo(seed: int) -> Network:
    """A network with every layer type and option the page must run, random weights and statistics."""
    layers = [Conv2D(6, 5, padding=2), LeakyReLU(0.1), MaxPool2D(3, stride=2), BatchNorm(),
              Conv2D(8, 3, stride=2, padding=1), Tanh(), AvgPool2D(2), Dropout(0.3), Flatten(),
              Dense(24), BatchNorm(), Sigmoid(), Dense(16), ReLU(), Identity(), Dense(10), Softmax()]
    network = Network(layers, input_shape=(1, 28, 28), seed=seed)
    rng = np.random.default_rng(seed)
    for name, array in network.named_arrays().items():
        if name.endswith("running_var") or name.endswith("gamma"):
            array[...] = rng.uniform(0.5, 2.0, array.shape)
        elif name.endswith("running_mean") or name.endswith("beta"):
            array[...] = rng.normal(0, 0.5, array.shape)
    return network


NETWORKS = {
    "every layer type": lambda: layer_zoo(0),
    "quadratic cost, sigmoid outputs": lambda: Network.from_sizes([784, 30, 10], activation="sigmoid",
                                                                  loss="quadratic", seed=1),
    "binary cross-entropy": lambda: Network.from_sizes([784, 16, 10], activation="tanh",
                                                       loss="binary_cross_entropy", seed=2),
    "float64": lambda: Network.from_sizes([784, 32, 10], dtype="float64", seed=3),
    "committee of three": lambda: Committee([layer_zoo(4), layer_zoo(5), layer_zoo(6)]),
}


@pytest.mark.parametrize("name", list(NETWORKS))
def test_every_layer_and_output_runs_as_in_numpy(browser, mnist, tmp_path, name):
    network = NETWORKS[name]()
    open_page(browser, folder_url(export(network, tmp_path / "page")))
    images = mnist.test_images[:300]
    digits, probabilities, _ = read_many(browser, images)
    expected = network.predict_proba(images)
    assert np.abs(probabilities - expected).max() < 1e-4
    top2 = np.sort(expected, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 1e-5  # the answer is only defined where the two best differ
    assert clear.mean() > 0.9
    assert np.array_equal(np.array(digits)[clear], network.predict(images)[clear])


# -- "not a digit": the model's reject rule ------------------------------------------------------------
def logits(network, images) -> np.ndarray:
    return network.forward(network.as_input(images)).astype(np.float64)


def energy(z, temperature):
    return temperature * logsumexp(z / temperature)


@pytest.mark.parametrize("score, temperature", [("energy", 1.0), ("energy", 2.5), ("max_probability", 1.5),
                                                ("max_logit", 1.0)])
def test_the_models_reject_rule_refuses_in_the_page(browser, small_model, mnist, tmp_path, score, temperature):
    network, metadata = network_in(small_model)
    images = np.concatenate([mnist.test_images[:150], np.random.default_rng(0).integers(0, 256, (50, 28, 28))])
    z = logits(network, images)
    scores = {"energy": energy(z, temperature), "max_probability": softmax(z / temperature).max(axis=1),
              "max_logit": z.max(axis=1)}[score]
    threshold = float(np.quantile(scores, 0.3))  # chosen by hand: refuse the 30% least sure
    rule = {"score": score, "temperature": temperature, "threshold": threshold}
    open_page(browser, folder_url(export(network, tmp_path / "page", metadata={**metadata, "reject": rule})))
    digits, probabilities, reasons = read_many(browser, images)
    refused = np.array([d is None for d in digits])
    decided = np.abs(scores - threshold) > 1e-5  # float32 NumPy against float64 JavaScript at the boundary
    assert np.array_equal(refused[decided], (scores < threshold)[decided])
    assert 0.2 < refused.mean() < 0.4
    assert all(r.startswith(f"its {score.replace('_', ' ')} score") for r, no in zip(reasons, refused) if no)
    calibrated = Model(network, {"reject": rule}).predict_proba(images)  # softmax(z / T), as in Python
    assert np.abs(probabilities - calibrated).max() < 1e-4  # still given when refused


def test_a_score_just_below_the_threshold_is_written_as_python_writes_it(browser, small_model, mnist, tmp_path):
    """Two decimals would read "5.16 is below 5.16": the page, like reject/decision.py, writes as many as
    tell the score from the threshold, and the same reason as Python."""
    network, metadata = network_in(small_model)
    images = mnist.test_images[:200]
    scores = energy(logits(network, images), 1.0)
    thousandths = scores * 1000
    # a picture whose score is far from where its third and second decimals round (the page's float64 and
    # NumPy's float32 forward passes differ in the last bits) and reads as its threshold's with two decimals
    far_from_rounding = np.abs(thousandths - np.round(thousandths * 2) / 2) > 0.05
    fit = far_from_rounding & (np.round(scores, 2) == np.round(scores + 0.001, 2))
    i = int(np.flatnonzero(fit)[0])
    rule = {"score": "energy", "temperature": 1.0, "threshold": float(scores[i]) + 0.001}
    open_page(browser, folder_url(export(network, tmp_path / "page", metadata={**metadata, "reject": rule})))
    digits, _, reasons = read_many(browser, images[i:i + 1])
    expected = Model(network, {"reject": rule}).decide(images[i:i + 1]).reason(0)
    assert digits == [None] and reasons == [expected]
    assert f"score {scores[i]:.3f} is below the model's threshold {scores[i] + 0.001:.3f}" in expected


PAIRS = [(3.1234, 5.160640936744171), (5.15918, 5.160640936744171), (5.12, 5.125), (-0.125, 0.0), (-0.0, 0.001),
         (-0.5, -0.499999), (1e-20, 2e-20), (2.5e-5, float(np.nextafter(2.5e-5, 1))),
         (1e-7, float(np.nextafter(1e-7, 1))), (float("-inf"), 5.0), (3.0, 1e300), (0.994999, 0.995),
         (12.345, 12.3451), (123.0, 1e21), (-1e22, 4.0), (-0.004, 0.0)]


def close_pairs(n: int, seed: int = 0) -> list[tuple[float, float]]:
    """Scores just below thresholds: short decimals a step apart (exact halves among them), neighbouring
    doubles, and tiny to huge magnitudes."""
    rng, pairs = np.random.default_rng(seed), []
    for _ in range(n):
        s = float(np.round(rng.uniform(-10, 10), rng.integers(0, 5)))
        pairs.append((s, float(np.round(s + rng.choice([1e-3, 5e-3, 5e-4, 1e-6]), rng.integers(0, 7)))))
        s = float(rng.uniform(-20, 20))
        pairs.append((s, float(np.nextafter(s, 100)) if rng.random() < 0.3 else s + float(rng.random()) * 1e-3))
        s = float(rng.uniform(-1, 1)) * 10.0 ** int(rng.integers(-25, 26))
        pairs.append((s, s + abs(s) * float(rng.random()) * 1e-9 + 1e-300))
    return [(s, t) for s, t in pairs if s < t]


def test_the_page_writes_a_refusals_numbers_as_python_does(page):
    """The same decimals, the same rounding of exact halves (5.125 -> 5.13), no sign on -0, tiny and huge
    numbers in full: the reason on the page is the server's, character for character."""
    pairs = PAIRS + close_pairs(1000)
    shown = page.evaluate("""(pairs) => pairs.map(([s, t]) => window.digitnetNN.toldApart(
        s === null ? -Infinity : s, t))""", [[None if math.isinf(s) else s, t] for s, t in pairs])
    assert [tuple(x) for x in shown] == [told_apart(s, t) for s, t in pairs]


def test_a_committee_refuses_when_its_networks_disagree(browser, mnist, tmp_path):
    members = [Network.from_sizes([784, 16, 10], seed=s) for s in range(3)]  # untrained: they disagree a lot
    committee = Committee(members)
    rule = {"score": "max_probability", "threshold": 0.0, "disagreement": 0.34}
    open_page(browser, folder_url(export(committee, tmp_path / "page", metadata={"reject": rule})))
    images = mnist.test_images[:200]
    digits, _, reasons = read_many(browser, images)
    answer = committee.predict(images)
    against = sum(m.predict(images) != answer for m in members)
    expected_refused = against / 3 > 0.34
    assert 0 < expected_refused.sum() < len(images)
    assert [d is None for d in digits] == expected_refused.tolist()
    assert all("of 3 networks" in r for r, no in zip(reasons, expected_refused) if no)


# -- nothing from elsewhere -----------------------------------------------------------------------------
def test_the_page_requests_nothing_outside_its_folder(browser, default_folder, tmp_path):
    requested = []

    def note(request) -> None:
        requested.append(request.url)

    browser.on("request", note)
    try:
        open_page(browser, folder_url(default_folder))
        draw(browser, [(0.3, 0.2), (0.7, 0.2), (0.45, 0.85)])
        wait_until_settled(browser)
        browser.click("#explain")
        photo = tmp_path / "seven.png"
        draw_digit(7, size=(500, 400)).save(photo)
        browser.set_input_files("#upload", str(photo))
        wait_until_settled(browser)
        assert shown(browser)["digit"] == "7"
    finally:
        browser.remove_listener("request", note)
    inside = default_folder.resolve().as_uri() + "/"
    assert len(requested) >= 6 and all(url.startswith(inside) for url in requested), requested
