"""The drawing page served with a model whose reject rule refuses: a drawing (refused in the browser by
nn.js) and an uploaded photo (refused by the server) both show "not a digit" and the reason. A module of
its own: the page tests' module keeps one browser open for the small model's server."""

from __future__ import annotations

import pytest
from browser import browser_page, draw, wait_until_settled
from test_page import pad_png, shown

from digit_pictures import draw_digit, running_server
from digitnet.images.reading import read_digit
from digitnet.io import load_model


def test_a_refused_drawing_and_a_refused_upload_show_not_a_digit(browser_ready, rule_model, tmp_path):
    """The drawing is refused by the rule in the browser (nn.js), the upload by the server's answer: both
    show "not a digit" and the reason instead of a big digit, with the calibrated bars still drawn."""
    from reject_helpers import with_rule

    refusing = with_rule(rule_model, tmp_path / "refusing.npz", threshold=1e6)
    model = load_model(refusing)
    with running_server(refusing) as server, browser_page() as page:
        page.goto(server.url)
        page.wait_for_selector("#bars li")
        draw(page, [(0.5, 0.15 + 0.07 * i) for i in range(11)])
        wait_until_settled(page)
        view = shown(page)
        assert page.inner_text("#how").startswith("read in this browser")
        assert view["confidence"] == "not a digit" and view["digit"] != "1"
        assert "below the model's threshold" in view["status"]
        assert page.evaluate("document.body.dataset.state") == "refused"
        expected = read_digit(model, pad_png(page))  # the same picture in Python: refused, same probabilities
        assert expected["digit"] is None
        assert [float(bar["p"]) for bar in view["bars"]] == pytest.approx(expected["probabilities"], abs=1e-4)
        photo = tmp_path / "seven.png"
        draw_digit(7, size=(400, 400)).save(photo)
        page.set_input_files("#upload", str(photo))
        wait_until_settled(page)
        view = shown(page)
        assert page.inner_text("#how") == "read by the server"
        assert view["confidence"] == "not a digit" and "below the model's threshold" in view["status"]
