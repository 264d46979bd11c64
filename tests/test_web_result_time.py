"""The web page's result says when it was made as the printed report says it: "Report made", the
date and time with its zone, and a ``<time datetime>`` for machines (screener/reports/when.py),
the same moment as in its "About this result". On a phone, no line of that header starts with
its "·" separator."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from browser_support import answer, browser, click_through, open_page, server
from test_reports import parsed, text_of
from test_reports_phone_and_screen_reader import SEPARATORS_STARTING_A_LINE
from web_support import Visitor

from screener.reports.when import moment_iso, moment_text

__all__ = ["browser", "open_page", "server"]  # fixtures, used by name


def test_the_result_page_says_when_its_report_was_made_with_the_time_zone_as_the_report_does() -> None:
    """It once showed "29 November 2025, 10:30 UTC · Screening only": a time, but not of what."""
    visitor = Visitor()
    visitor.start()
    visitor.choose("Fainting, or feeling about to faint")
    visitor.press("/emergency", action="result")
    tree = parsed(visitor.html)
    meta = next(p for p in tree.iter("p") if p.get("class") == "result-meta")
    (when,) = meta.iter("time")
    made = datetime.fromisoformat(when.get("datetime"))
    assert made.tzinfo is not None
    assert when.get("datetime") == moment_iso(made)
    assert text_of(meta).startswith(f"Report made {moment_text(made)} · Screening only, not a diagnosis")
    assert re.search(r"\d{2}:\d{2} UTC", text_of(when))
    about = next(s for s in tree.iter("section") if "about" in (s.get("class") or "").split())
    assert [t.get("datetime") for t in about.iter("time")] == [when.get("datetime")]


def test_no_line_of_the_result_pages_header_starts_with_a_separator_on_a_phone(open_page: Callable[..., Any]) -> None:
    page = open_page(390)
    page.goto(page.base + "/")
    click_through(page, "button", "Start")
    answer(page, label="Fainting, or feeling about to faint")
    click_through(page, "button", "See the result for my answers so far")
    assert page.locator(".result-meta time").count() == 1
    starting = []
    for width in range(320, 481, 8):
        page.set_viewport_size({"width": width, "height": 800})
        starting += [f"at {width} px: {line}" for line in page.evaluate(SEPARATORS_STARTING_A_LINE, ".result-meta, .summary-grid dd")]
    assert starting == []


def test_aroha_in_auckland_reads_when_her_result_was_made_in_her_own_time_zone(open_page: Callable[..., Any]) -> None:
    """The server dates a result in its own zone (named); a patient reads the date in theirs, which
    may be another day (round 8). The page's script says it again in the browser's zone, in the
    same words, and asks for the PDF in that zone; the "About this result" time is the same."""
    page = open_page(390, timezone_id="Pacific/Auckland")
    page.goto(page.base + "/")
    click_through(page, "button", "Start")
    answer(page, label="Fainting, or feeling about to faint")
    click_through(page, "button", "See the result for my answers so far")
    when = page.locator(".result-meta time")
    made = datetime.fromisoformat(when.get_attribute("datetime"))
    local = made.astimezone(ZoneInfo("Pacific/Auckland"))
    # "2 December 2026, 09:14 UTC+13:00": the offset says where (Chromium names no "NZDT" in English)
    assert moment_text(local).startswith(when.inner_text())
    assert re.search(r"UTC\+1[23]:00$", when.inner_text())
    assert page.locator(".about time").first.inner_text() == when.inner_text()
    links = [link.get_attribute("href") for link in page.locator("a[href^='/result.pdf']").all()]
    assert links and all(link.endswith("&zone=Pacific%2FAuckland") for link in links)
    assert page.console_errors == []


def test_the_pdf_is_dated_in_the_zone_the_page_asks_for_and_else_in_the_servers_named() -> None:
    from screener.web.results import made_now

    assert made_now("Pacific/Auckland").tzinfo == ZoneInfo("Pacific/Auckland")
    for not_a_zone in (None, "", "America", "../../etc/passwd", "Nowhere/Town", "x" * 300):
        assert made_now(not_a_zone).utcoffset() == datetime.now().astimezone().utcoffset()
