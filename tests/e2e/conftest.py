"""The page tests need Playwright and Chromium. Without them they are skipped with the reason,
except in CI (CI=true), where a missing browser is a failure: there it must be installed."""

from __future__ import annotations

import os

import pytest
from browser import unavailable


@pytest.fixture(scope="session")
def browser_ready() -> None:
    reason = unavailable()
    if reason and os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    if reason:
        pytest.skip(reason)
