"""A real server and a real browser for the web page tests: uvicorn really listening on
127.0.0.1, Debian's Chromium driven by Playwright, and axe-core from its npm package.

Chromium is Debian's (`/usr/bin/chromium`; browsers cannot be downloaded here) and axe-core comes
from its npm package, fetched by `.ci/fetch_web_assets.sh`. Without them the browser tests are
skipped with the reason, except in CI (CI=true), where they fail: CI must provide both.
Test modules import the fixtures (server, browser, open_page) from here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from web_support import running_server, shared_app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("MGK_CHROMIUM", "/usr/bin/chromium")
AXE = Path(os.environ.get("MGK_AXE_JS", ROOT / ".cache" / "web-assets" / "axe-core" / "axe.min.js"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]
SCREENSHOTS = os.environ.get("MGK_SCREENSHOTS")  # a folder: save every page type there, to look at


def _missing(what: str) -> None:
    message = f"{what}; run .ci/fetch_web_assets.sh and install Debian's chromium (see .ci/run)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide it: {message}")
    pytest.skip(message)


# -- a real server and a real browser -----------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app on uvicorn, on a free port of 127.0.0.1."""
    with running_server(shared_app()) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Any, server: str) -> Iterator[Callable[..., Any]]:
    """A fresh browser context (no cookies) at a given width; every request it makes is checked
    to go to this server, and console errors (a Content-Security-Policy refusal, say) are kept."""
    contexts: list[Any] = []

    def make(width: int, **options: Any) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 800}, accept_downloads=True, **options)
        contexts.append(context)
        page = context.new_page()
        page.requests_elsewhere = []
        page.console_errors = []
        page.on("request", lambda r: None if r.url.startswith(server) else page.requests_elsewhere.append(r.url))
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        page.base = server
        return page

    yield make
    for context in contexts:
        context.close()



# -- moving through pages ----------------------------------------------------------------------


def click_through(page: Any, kind: str, name: str) -> None:
    """Click a button or link that loads another page, and wait for it."""
    with page.expect_navigation():
        page.get_by_role(kind, name=name, exact=True).click()


def answer(page: Any, label: str | None = None, text: str | None = None) -> None:
    if label is not None:
        page.get_by_label(label, exact=True).check()
    if text is not None:
        page.locator("#answer").fill(text)
    click_through(page, "button", "Continue")
