"""The drawing page in a real headless Chromium: draw with the mouse, upload and drop pictures, and
check what the page shows against what the model says about the same picture."""

from __future__ import annotations

import base64
import math

import numpy as np
import pytest
from browser import browser_page, draw, wait_until_settled

from digit_pictures import draw_digit, encode, running_server
from digitnet.images.reading import read_digit
from digitnet.io import load_model


@pytest.fixture(scope="module")
def page(browser_ready, small_model):
    with running_server(small_model) as server, browser_page() as page:
        page.goto(server.url)
        page.wait_for_selector("#bars li")
        yield page


@pytest.fixture(scope="module")
def network(small_model):
    return load_model(small_model).network


def shown(page) -> dict:
    """What a person sees: the big digit, the confidence line, and the ten bars."""
    return page.evaluate("""() => ({
        digit: document.getElementById('digit').textContent,
        confidence: document.getElementById('confidence').textContent,
        status: document.getElementById('status').textContent,
        bars: [...document.querySelectorAll('#bars li')].map(li => ({
            digit: li.dataset.digit, p: li.dataset.probability, text: li.querySelector('.value').textContent,
            best: li.classList.contains('best'), width: parseFloat(li.querySelector('.fill').style.width)})),
        seen: (() => { const d = document.getElementById('seen').getContext('2d').getImageData(0, 0, 28, 28).data;
                       let s = 0; for (let i = 0; i < d.length; i += 4) s += d[i]; return s; })(),
    })""")


def pad_png(page) -> bytes:
    url = page.evaluate("document.getElementById('pad').toDataURL('image/png')")
    return base64.b64decode(url.split(",", 1)[1])


def check_page_agrees_with_model(page, network, expected: int) -> dict:
    view = shown(page)
    model = read_digit(network, pad_png(page))  # the same picture, read in Python
    assert view["digit"] == str(model["digit"]) == str(expected)
    probabilities = [float(bar["p"]) for bar in view["bars"]]
    assert len(probabilities) == 10 and sum(probabilities) == pytest.approx(1.0, abs=1e-3)
    assert probabilities == pytest.approx(model["probabilities"], abs=1e-4)
    best = [bar for bar in view["bars"] if bar["best"]]
    assert [bar["digit"] for bar in best] == [str(expected)]
    widths = [bar["width"] for bar in view["bars"]]  # bar lengths, in % of the track
    assert widths == pytest.approx([100 * p for p in probabilities], abs=0.06) and best[0]["width"] == max(widths)
    assert sum(float(bar["text"].rstrip("%")) for bar in view["bars"]) == pytest.approx(100, abs=2)
    assert view["confidence"].endswith("sure") and view["seen"] > 0
    return view


def test_drawing_a_one(page, network):
    page.click("#clear")
    draw(page, [(0.5, 0.15 + 0.07 * i) for i in range(11)])
    wait_until_settled(page)
    check_page_agrees_with_model(page, network, 1)


def test_drawing_a_zero(page, network):
    page.click("#clear")
    loop = [(0.5 + 0.22 * math.sin(t), 0.5 - 0.33 * math.cos(t)) for t in np.linspace(0, 2 * math.pi, 40)]
    draw(page, loop)
    wait_until_settled(page)
    check_page_agrees_with_model(page, network, 0)


def test_a_digit_in_two_strokes(page, network):
    page.click("#clear")
    draw(page, [(0.28, 0.2), (0.72, 0.2)])  # the bar of a 7 ...
    draw(page, [(0.72, 0.2), (0.6, 0.5), (0.48, 0.85)])  # ... and its stem, drawn separately
    wait_until_settled(page)
    check_page_agrees_with_model(page, network, 7)


def test_clear_empties_the_answer(page):
    draw(page, [(0.5, 0.2), (0.5, 0.8)])
    page.click("#clear")
    wait_until_settled(page)
    view = shown(page)
    assert view["digit"] == "?" and view["seen"] == 0 and not any(bar["best"] for bar in view["bars"])
    assert all(bar["p"] == "" for bar in view["bars"])


def test_uploading_a_photo(page, tmp_path):
    photo = tmp_path / "seven.jpg"
    picture = draw_digit(7, size=(640, 480), ink=(30, 40, 160), paper=(240, 232, 205), box=(0.3, 0.1, 0.8, 0.9))
    picture.save(photo, quality=85)
    page.set_input_files("#upload", str(photo))
    wait_until_settled(page)
    view = shown(page)
    assert view["digit"] == "7" and view["status"] == "" and view["seen"] > 0
    assert page.evaluate("document.getElementById('pad').getContext('2d').getImageData(140, 140, 1, 1).data[0]") < 250


def test_dropping_a_picture_and_a_blank_one(page):
    def drop(data: bytes, name: str) -> None:
        page.evaluate("""([bytes, name]) => {
            const file = new File([new Uint8Array(bytes)], name, {type: 'image/png'});
            const transfer = new DataTransfer();
            transfer.items.add(file);
            const drop = new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true});
            document.getElementById('pad').dispatchEvent(drop);
        }""", [list(data), name])
        wait_until_settled(page)

    drop(encode(draw_digit(0, ink=(250, 250, 250), paper=(25, 35, 30))), "zero.png")
    assert shown(page)["digit"] == "0"
    from PIL import Image
    drop(encode(Image.new("L", (60, 60), 255)), "blank.png")
    view = shown(page)
    assert view["digit"] == "?" and "no digit found" in view["status"]


def test_the_page_loads_nothing_from_elsewhere(page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.reload()
    page.wait_for_selector("#model:not(:empty)")
    origin = page.url.split("/", 3)[:3]
    assert len(requested) >= 6 and all(url.split("/", 3)[:3] == origin for url in requested)
    assert "model small.npz" in page.inner_text("#model")


def test_the_served_page_runs_the_network_in_the_browser_and_sends_photos_to_the_server(page, small_model, tmp_path):
    """One front end: the page 'digitnet serve' sends is the exported page, with the model generated the
    same way (static/model.js), marked as served so that uploads still go to /api/predict."""
    import json
    import urllib.request

    from digitnet.export.web import model_description

    with urllib.request.urlopen(page.url.rstrip("/") + "/static/model.js") as response:
        script = response.read().decode("utf-8")
    served = json.loads(script[script.index("=") + 1:].strip().rstrip(";"))
    exported = model_description(load_model(small_model), "small.npz")
    assert served["server"] is True and exported["server"] is False
    assert {**served, "server": False} == exported
    page.click("#clear")
    draw(page, [(0.5, 0.15 + 0.07 * i) for i in range(11)])
    wait_until_settled(page)
    assert page.inner_text("#how").startswith("read in this browser")
    # an MLP has no feature maps: the page shows the weights of the 16 hidden units the drawing excites most
    assert page.locator("#maps canvas").count() == 16 and "hidden units" in page.inner_text("#maps-caption")
    photo = tmp_path / "one.png"
    draw_digit(1, size=(400, 400)).save(photo)
    page.set_input_files("#upload", str(photo))
    wait_until_settled(page)
    assert page.inner_text("#how") == "read by the server" and shown(page)["digit"] == "1"

