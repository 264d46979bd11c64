"""Before the answers are forgotten (a session idle too long is dropped), the page says so and
offers to keep them (WCAG 2.2.1, timing adjustable): a real server with a short idle time, and a
real browser that waits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import answer, browser, click_through
from web_support import _SCREENER, new_client, running_server

from screener.web.app import WebSettings, create_app

__all__ = ["browser"]  # the fixture, used by name

IDLE_SECONDS = 12  # the warning comes a sixth of the idle time before the end: after 10 s, 2 s to click on a busy machine


@pytest.fixture(scope="module")
def quick_server() -> Iterator[str]:
    app = create_app(_SCREENER.get(), settings=WebSettings(idle_minutes=IDLE_SECONDS / 60))
    with running_server(app) as base:
        yield base


def started(browser: Any, base: str) -> Any:
    page = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    page.goto(base + "/")
    click_through(page, "button", "Start")
    return page


def test_a_slow_reader_is_warned_before_the_answers_go_and_can_keep_them(browser: Any, quick_server: str) -> None:
    """Margaret, 81, reads each question slowly: the warning comes before her answers are
    forgotten, and "Keep my answers" keeps them past the time they would have gone."""
    page = started(browser, quick_server)
    answer(page, label="None of these")  # nothing happening now
    answer(page, text="81")
    warning = page.get_by_role("alert").filter(has_text="Keep my answers")
    assert not warning.is_visible()
    warning.wait_for(state="visible", timeout=IDLE_SECONDS * 1000)
    assert "forgotten after" in warning.inner_text()
    page.wait_for_timeout(500)
    warning.get_by_role("button", name="Keep my answers").click()
    warning.wait_for(state="hidden", timeout=IDLE_SECONDS * 1000)
    page.wait_for_timeout(IDLE_SECONDS * 1000 * 0.6)  # past the first deadline: kept since the click
    page.reload()
    assert page.title().startswith("Question 3, "), page.title()  # her two answers are still there
    page.context.close()


def test_when_the_answers_are_gone_the_page_says_so_and_offers_the_start(browser: Any, quick_server: str) -> None:
    page = started(browser, quick_server)
    ended = page.get_by_text("Your answers have been forgotten, for your privacy")
    ended.wait_for(state="visible", timeout=(IDLE_SECONDS + 2) * 1000)
    assert not page.get_by_role("button", name="Keep my answers").is_visible()
    click_through(page, "link", "Start again")
    assert page.url == quick_server + "/"
    page.context.close()


def test_still_here_restarts_the_idle_time_and_says_410_once_the_answers_are_gone() -> None:
    client = new_client(idle_minutes=IDLE_SECONDS / 60)
    assert client.get("/still-here").status_code == 410  # no session yet
    start = client.get("/")
    csrf = start.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    client.post("/start", data={"csrf": csrf})
    kept = client.get("/still-here")
    assert kept.status_code == 204 and kept.headers["cache-control"] == "no-store"
