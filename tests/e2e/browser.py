"""Headless Chromium (Debian's ``chromium`` package) driven by Playwright, for the page tests.

Playwright's own browser download is never used (``playwright install`` is not needed): the tests
launch the system's Chromium, which ``make test`` installs through scripts/apt-install.sh.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from typing import Iterator

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable() -> str | None:
    """Why the browser tests cannot run here, or None if they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    if chromium_path() is None:
        return "Chromium is not installed (as root: scripts/apt-install.sh chromium, or 'make test')"
    return None


@contextlib.contextmanager
def browser_page(width: int = 820, height: int = 660) -> Iterator:
    """A fresh page in a fresh Chromium profile, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="digitnet-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=chromium_path(), headless=True, args=ARGS,
            viewport={"width": width, "height": height})
        try:
            yield context.new_page()
        finally:
            context.close()


def draw(page, points: list[tuple[float, float]]) -> None:
    """One stroke on the drawing pad with the mouse, through points given as fractions of the pad."""
    box = page.locator("#pad").bounding_box()

    def at(x: float, y: float) -> tuple[float, float]:
        return box["x"] + x * box["width"], box["y"] + y * box["height"]

    page.mouse.move(*at(*points[0]))
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*at(*point), steps=3)
    page.mouse.up()


def wait_until_settled(page) -> None:
    """Until the answer shown belongs to the picture shown (no request on its way)."""
    page.wait_for_selector("body[data-settled=true]", state="attached", timeout=20_000)


def open_page(page, url: str) -> None:
    """Go to the drawing page (served, or a folder's index.html) and wait until it can read."""
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)


def folder_url(folder) -> str:
    """The file:// address of an exported page's index.html."""
    from pathlib import Path

    return Path(folder).resolve().as_uri() + "/index.html"
