"""Take the screenshot of the drawing page shown in the docs (docs/images/serve-page.png).

    .venv/bin/python tests/e2e/screenshot.py models/default.npz docs/images/serve-page.png

Starts the server on a free port, draws a 4 in two strokes with the mouse in headless Chromium, waits
for the answer and saves the page as PNG.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from browser import browser_page, draw, wait_until_settled  # noqa: E402

from digit_pictures import running_server  # noqa: E402


def main(model: str, out: str) -> None:
    with running_server(Path(model)) as server, browser_page(width=800, height=690) as page:
        page.goto(server.url)
        page.wait_for_selector("#model:not(:empty)")
        draw(page, [(0.55, 0.15), (0.25, 0.6), (0.75, 0.6)])
        draw(page, [(0.6, 0.35), (0.6, 0.88)])
        wait_until_settled(page)
        page.wait_for_timeout(300)  # let the bars finish their short transition
        page.screenshot(path=out)
    print(f"saved {out}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
