"""Take the screenshots of the drawing page shown in the docs.

    .venv/bin/python tests/e2e/screenshot.py MODEL docs/images/serve-page.png         # served by digitnet serve
    .venv/bin/python tests/e2e/screenshot.py --web MODEL docs/images/web-page.png     # exported, from file://

Served: starts the server on a free port. With --web: exports the page into a temporary folder and
opens its index.html. Then draws a 4 in two strokes with the mouse in headless Chromium, waits for the
answer, clicks "Which pixels mattered?" (--web) and saves the page as PNG.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from browser import browser_page, draw, folder_url, open_page, wait_until_settled  # noqa: E402

from digit_pictures import running_server  # noqa: E402


def shoot(page, out: str, explain: bool) -> None:
    draw(page, [(0.55, 0.15), (0.25, 0.6), (0.75, 0.6)])
    draw(page, [(0.6, 0.35), (0.6, 0.88)])
    wait_until_settled(page)
    if explain:
        page.click("#explain")
    page.wait_for_timeout(300)  # let the bars finish their short transition
    page.screenshot(path=out, full_page=True)
    print(f"saved {out}")


def main(args: list[str]) -> None:
    web = args[:1] == ["--web"]
    model, out = args[1:3] if web else args[0:2]
    if web:
        from digitnet.export.web import export_web
        from digitnet.io import load_model

        with tempfile.TemporaryDirectory() as tmp, browser_page(width=800, height=690) as page:
            folder = export_web(load_model(model), Path(tmp) / "page", name=Path(model).name).folder
            open_page(page, folder_url(folder))
            shoot(page, out, explain=True)
    else:
        with running_server(Path(model)) as server, browser_page(width=800, height=690) as page:
            open_page(page, server.url)
            shoot(page, out, explain=False)


if __name__ == "__main__":
    main(sys.argv[1:])
