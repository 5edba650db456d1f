"""Fixtures for the trainer page's tests in a real browser: headless Chromium from Debian's
``chromium`` package, driven by Playwright (never ``playwright install``: the system browser is
used through ``executable_path``).

Outside CI the tests skip when Playwright or Chromium is missing; under CI (``CI`` set) they
fail instead, so a broken browser setup cannot pass unnoticed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("DELIBERATION_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying connections the closed network
# refuses; --no-sandbox because CI runs as root.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("DELIBERATION_SCREENSHOTS",
                                  Path(__file__).parent / "screenshots"))


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e .[browser])")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records script errors and every network request it makes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.requests = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda err: pg.errors.append(str(err)))
    pg.on("console", lambda msg: pg.errors.append(msg.text) if msg.type == "error" else None)
    pg.on("request", lambda req: pg.requests.append(req.url))
    yield pg
    errors = list(pg.errors)
    context.close()
    assert errors == [], f"the page reported errors: {errors}"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots of the trainer page: {SCREENSHOTS}")
    return SCREENSHOTS
