"""Every date-time a report prints says its time zone: a report made at 23:30 in New York is
already the next day in London, and a date without its zone is read as the reader's. The report's
own date says it is when the report was made, and a report from a result file says that the
result's own screening date is not known (a result holds none)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from report_images import pdf_page_texts, tools_missing
from test_reports import page_text, parsed, text_of

pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")

ROOT = Path(__file__).resolve().parents[1]
OLDER_ADULT = json.loads((ROOT / "examples/personas/older-adult-on-furosemide-with-cramps.json").read_text())
NEW_YORK_WINTER = timezone(timedelta(hours=-5), "EST")
#: Half past eleven at night in New York: half past four the next morning in UTC.
LATE_IN_NEW_YORK = datetime(2025, 11, 29, 23, 30, tzinfo=NEW_YORK_WINTER)


def dated_places(html: str) -> dict[str, str]:
    """Where a page prints its date: the header line, the About section, and the printed footer
    (a CSS string in the page's style), each as text."""
    tree = parsed(html)
    header = text_of(next(p for p in tree.iter("p") if p.get("class") == "meta"))
    about = f"Report made {about_row(html, 'Report made')}"
    style = "".join(tree.find(".//style").itertext())
    footer = re.search(r'@bottom-left\s*{\s*content: "([^"]*)"', style).group(1)  # type: ignore[union-attr]
    return {"header": header, "about": about, "footer": footer}


def about_row(html: str, term: str) -> str:
    """The text beside ``term`` in the page's About section."""
    about = next(s for s in parsed(html).iter("section") if "about" in (s.get("class") or "").split())
    terms = [text_of(dt) for dt in about.iter("dt")]
    return text_of(list(about.iter("dd"))[terms.index(term)])


def cohort_page(screener: Any, generated: datetime) -> str:
    from screener.reports import cohort_report_from_entries

    return cohort_report_from_entries([screener.screen_entry(OLDER_ADULT)], screener.ruleset, generated=generated)


@pytest.mark.parametrize("kind", ["person", "cohort"])
def test_a_report_made_late_at_night_in_new_york_says_its_time_zone_wherever_it_is_dated(screener: Any, kind: str) -> None:
    from screener.reports import person_report

    html = person_report(OLDER_ADULT, screener=screener, generated=LATE_IN_NEW_YORK) if kind == "person" else cohort_page(screener, LATE_IN_NEW_YORK)
    places = dated_places(html)
    assert "Report made 29 November 2025, 23:30 UTC-05:00 (EST)" in places["header"]
    assert "Report made 29 November 2025, 23:30 UTC-05:00 (EST)" in places["about"]
    assert "made 29 November 2025, 23:30 UTC-05:00 (EST)" in places["footer"]
    stamps = {element.get("datetime") for element in parsed(html).iter("time")}
    assert stamps == {"2025-11-29T23:30-05:00"}  # the same moment for machines, in the header and About


def test_the_same_moment_made_in_utc_is_dated_the_next_day_and_says_utc(screener: Any) -> None:
    from screener.reports import person_report

    html = person_report(OLDER_ADULT, screener=screener, generated=LATE_IN_NEW_YORK.astimezone(timezone.utc))
    assert "Report made 30 November 2025, 04:30 UTC" in dated_places(html)["header"]


@pytest.fixture
def computer_in_india(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's clock set to India's time (UTC+05:30; a POSIX zone, no zone data needed)."""
    monkeypatch.setenv("TZ", "IST-5:30")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("computer_in_india")
def test_a_time_given_without_a_zone_is_the_computers_local_time_and_is_printed_with_its_offset(screener: Any) -> None:
    from screener.reports import person_report

    html = person_report(OLDER_ADULT, screener=screener, generated=datetime(2025, 11, 29, 23, 30))
    assert "Report made 29 November 2025, 23:30 UTC+05:30 (IST)" in dated_places(html)["header"]
    made_now = dated_places(person_report(OLDER_ADULT, screener=screener))["header"]
    assert "UTC+05:30 (IST)" in made_now


@pytest.mark.skipif(bool(tools_missing()), reason=f"needs {', '.join(tools_missing())} (installed by .ci/run)")
def test_every_printed_page_dates_the_report_with_its_time_zone(tmp_path: Path, screener: Any) -> None:
    from screener.reports import person_report, write_report

    pdf = tmp_path / "late.pdf"
    write_report(person_report(OLDER_ADULT, screener=screener, generated=LATE_IN_NEW_YORK), str(pdf))
    pages = [" ".join(text.split()) for text in pdf_page_texts(pdf)]
    assert len(pages) >= 2
    for number, text in enumerate(pages, 1):
        assert "made 29 November 2025, 23:30 UTC-05:00 (EST)" in text, f"page {number}"




def test_a_report_from_a_result_file_says_the_result_does_not_say_when_it_was_screened(screener: Any) -> None:
    """A result holds no date: read a week later, its "last 7 days" counts from the screening,
    not from the date this report was made."""
    from screener.reports import person_report

    result = screener.screen(OLDER_ADULT).model_dump(mode="json", exclude_none=True)
    screened = about_row(person_report(result, screener=screener, generated=LATE_IN_NEW_YORK), "Screened")
    assert screened.startswith("before the report was made, from a result file, which does not say when")
    assert about_row(person_report(OLDER_ADULT, screener=screener, generated=LATE_IN_NEW_YORK), "Screened") == (
        "when the report was made, from the answers as given"
    )


def test_a_report_from_a_health_record_names_the_day_the_record_was_read_as_of(screener: Any) -> None:
    from screener import Screener
    from screener.fhir import answers_to_response, fhir_context
    from screener.reports import person_report

    response = answers_to_response(OLDER_ADULT, fhir_context(screener.ruleset))
    as_of = Screener(screener.ruleset, as_of=date(2023, 6, 1))
    screened = about_row(person_report(response, screener=as_of, generated=LATE_IN_NEW_YORK), "Screened")
    assert screened == "when the report was made, from the health record as it stood on 1 June 2023 (its dates count back from that day)"
    assert "Report made 29 November 2025" in page_text(person_report(response, screener=as_of, generated=LATE_IN_NEW_YORK))
