"""What the web page did with an answers file, said on the page: a clinic carrying on from one
person's row of a Google Forms or REDCap export learns which of the tool's columns were not read
(named, never quoted: an email column holds people's addresses) and which was kept as the id; a
JSON Lines file with a comma after its record learns the comma was read past. The notes the CLI
prints on stderr, in the page's words, in one box that has the focus when the page opens (so a
screen reader reads it first, scripts or none), said once. A file that cannot be used is refused
in plain words too: no command-line options, no backticks, no JSON paths.

The words need no browser; the box is checked in Debian's Chromium against the real server on
127.0.0.1 (see browser_support), light and dark, with axe-core and its AAA contrast rule.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_support import AXE, SCREENSHOTS, _missing, browser, click_through, open_page, server
from test_web_accessibility import _SMALL_TARGETS, run_axe
from web_support import Visitor

__all__ = ["browser", "open_page", "server"]  # fixtures, used by name

# One response, as Google Forms writes its responses sheet (File > Download > CSV): the time and
# the respondent's email first, then one column per question, titled with the answers field.
GOOGLE_FORMS = (
    "Timestamp,Email Address,age,sex,medications,diuretic_use,symptoms,red_flags_now\r\n"
    '11/30/2026 9:14:03,rita@example.org,72,Female,Lasix 40 mg; amlodipine,Yes,"Muscle cramps, Fatigue",none\r\n'
)
GOOGLE_NOTE = (
    "The columns “Timestamp” and “Email Address” are ones Google Forms adds to its exports, not answers, "
    "so they were not read."
)
REDCAP = (
    "record_id,redcap_survey_identifier,screening_timestamp,age,sex,medications,diuretic_use,symptoms,screening_complete\n"
    '1001,,2026-11-30 09:14:03,72,female,"Lasix 40 mg; amlodipine",yes,muscle_cramps; fatigue,2\n'
)
# As a program writing records joined with ",\n" leaves them.
TRAILING_COMMA = '{"age": 64, "sex": "male", "red_flags_now": []},\n'
COMMA_NOTE = (
    "Line 1 of this file ends with a comma after the answers. A file of this kind (JSON Lines) has no comma there, "
    "so the answers were read without it."
)


def carry_on(visitor: Visitor, name: str, data: bytes) -> Any:
    visitor.open("/")
    return visitor.post("/resume", {"csrf": visitor.hidden("csrf")}, files={"answers": (name, data, "text/csv")})


def file_notes(visitor: Visitor) -> list[str]:
    box = re.search(r'<div class="notice file-notes"[^>]*>(.*?)</div>', visitor.html, re.S)
    if box is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", box.group(1), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


# -- the notes, in the page's words ---------------------------------------------------------------


def test_a_clinic_carrying_on_from_a_google_forms_row_is_told_its_timestamp_and_email_were_not_read() -> None:
    visitor = Visitor()
    carry_on(visitor, "Screening (Responses).csv", GOOGLE_FORMS.encode())
    assert visitor.page.status_code == 200
    assert file_notes(visitor) == [GOOGLE_NOTE]
    assert "Your answers file was read, with this note:" in visitor.text()
    assert "rita@example.org" not in visitor.html  # the column is named, its value never shown or kept
    assert "rita@example.org" not in visitor.client.get("/answers.json").text
    assert "--ignore-column" not in visitor.html
    # The answers were read: the red-flag question, answered "none" in the sheet, is not asked.
    assert visitor.question != "red_flags_now"


def test_the_notes_are_in_a_status_box_with_the_focus_said_once() -> None:
    visitor = Visitor()
    carry_on(visitor, "google.csv", GOOGLE_FORMS.encode())
    box = re.search(r'<div class="notice file-notes"([^>]*)>', visitor.html)
    assert box is not None
    attributes = box.group(1)
    assert 'role="status"' in attributes and 'tabindex="-1"' in attributes and "autofocus" in attributes
    assert 'aria-labelledby="file-notes-title"' in attributes and 'id="file-notes-title"' in visitor.html
    visitor.open("/question")  # reloaded, or the next page: said once
    assert file_notes(visitor) == []
    assert "Google Forms" not in visitor.html


def test_a_redcap_row_names_the_columns_left_out_and_the_record_id_kept_as_the_id() -> None:
    visitor = Visitor()
    carry_on(visitor, "redcap.csv", REDCAP.encode())
    (note,) = file_notes(visitor)
    assert (
        "The columns “redcap_survey_identifier”, “screening_timestamp” and “screening_complete” are ones REDCap adds "
        "to its exports, not answers, so they were not read."
    ) in note
    assert "The column “record_id” was kept as the id of these answers (the file has no id column)" in note
    assert json.loads(visitor.client.get("/answers.json").text)["id"] == "1001"


def test_a_json_lines_record_with_a_comma_after_it_is_read_and_the_comma_named() -> None:
    visitor = Visitor()
    carry_on(visitor, "answers.jsonl", TRAILING_COMMA.encode())
    assert visitor.page.status_code == 200
    assert file_notes(visitor) == [COMMA_NOTE]
    assert json.loads(visitor.client.get("/answers.json").text)["age"] == 64


def test_a_saved_misspelt_medicine_is_said_in_the_same_box_as_the_other_notes_on_the_file() -> None:
    visitor = Visitor()
    carry_on(visitor, "answers.json", json.dumps({"age": 64, "medications": ["omeprazle 20 mg"]}).encode())
    (note,) = file_notes(visitor)
    assert "'omeprazle' is not a medicine name we know (did you mean omeprazole?)" in note


def test_a_file_with_nothing_to_say_gets_no_box() -> None:
    visitor = Visitor()
    carry_on(visitor, "answers.json", b'{"age": 64}')
    assert file_notes(visitor) == []
    assert "file-notes" not in visitor.html


def test_the_command_line_still_prints_its_own_words_for_the_same_file(tmp_path: Path) -> None:
    from screener.cli.main import app
    from typer.testing import CliRunner

    source = tmp_path / "google.csv"
    source.write_text(GOOGLE_FORMS, encoding="utf-8")
    run = CliRunner().invoke(app, ["screen", str(source)])
    assert "columns a form tool adds are not read: Timestamp, Email Address (Google Forms)" in run.stderr


# -- files that cannot be used, in plain words ------------------------------------------------------


def _bundle() -> bytes:
    # Synthea writes one of these beside every patient's: who and where care is given.
    entry = {"resource": {"resourceType": "Organization", "id": "o1", "name": "Clinic"}}
    return json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": [entry]}).encode()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        (
            "google.csv",
            (GOOGLE_FORMS + "11/30/2026 10:02:51,sam@example.org,30,Male,,,Muscle cramps,\r\n").encode(),
            "This file holds more than one person's answers (several rows or records), and this page carries on from "
            "one person's. Keep only that person's row under the first row",
        ),
        (
            "answers.jsonl",
            (TRAILING_COMMA + '{"age": 30},\n').encode(),
            "This file holds more than one person's answers",
        ),
        (
            "google.csv",
            b"Timestamp,Email Address,What is your name?,age\r\n11/30/2026,ann@example.org,Ann,70\r\n",
            "This file cannot be used: it is not a sheet of answers (unknown column 'What is your name?'). Its first row "
            "must name each column after an answer",
        ),
        (
            "results.csv",
            b"status,combined_depletion,urgency,id\r\nscreened,unlikely,none,1\r\n",
            "This file holds screening results, not answers: choose the answers file they were made from.",
        ),
        ("hospitalInformation1.json", _bundle(), "This file is FHIR (a Bundle): health records as an EHR exchanges them"),
    ],
    ids=["google-forms-two-rows", "json-lines-two-records", "unknown-column", "results-sheet", "synthea-bundle"],
)
def test_a_file_that_cannot_be_used_is_refused_in_plain_words(name: str, data: bytes, words: str) -> None:
    visitor = Visitor()
    carry_on(visitor, name, data)
    assert visitor.page.status_code == 422
    text = visitor.text()
    assert words in text
    for command_line_words in ("`", "--ignore-column", "mgk-screen template", "$", "give one answers object"):
        assert command_line_words not in text
    assert "ann@example.org" not in visitor.html and "sam@example.org" not in visitor.html


def test_the_api_keeps_its_own_words_for_several_records() -> None:
    visitor = Visitor()
    response = visitor.client.post(
        "/api/v1/screen", content=b'{"age": 60}\n{"age": 61}\n', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "$", "message": "holds more than one record; give one answers object (`mgk-screen batch` screens many)"}
    ]


# -- in a real browser: light and dark, the focus, axe ---------------------------------------------


def _upload(page: Any, name: str, mime: str, data: bytes) -> None:
    page.goto(page.base + "/")
    page.locator("#answers-file").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    click_through(page, "button", "Carry on from this file")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 390, 1280])
def test_in_chromium_the_notes_have_the_focus_pass_axe_and_fit_the_screen(open_page: Callable[..., Any], scheme: str, width: int) -> None:
    if not AXE.exists():
        _missing(f"axe-core is not at {AXE}")
    page = open_page(width, color_scheme=scheme, bypass_csp=True)
    for kind, name, mime, data in (
        ("google-forms", "Screening (Responses) - Form responses 1.csv", "text/csv", GOOGLE_FORMS.encode()),
        ("json-lines-comma", "answers.jsonl", "application/x-ndjson", TRAILING_COMMA.encode()),
    ):
        _upload(page, name, mime, data)
        box = page.locator(".file-notes")
        assert box.is_visible(), kind
        assert page.evaluate("() => document.activeElement.classList.contains('file-notes')"), kind
        assert box.get_attribute("role") == "status"
        said = " ".join(box.inner_text().split())
        assert (GOOGLE_NOTE if kind == "google-forms" else COMMA_NOTE) in said
        assert "rita@example.org" not in page.content()
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(18, 19, 20)") == (scheme == "dark")
        assert run_axe(page) == [], f"{kind}, {scheme}, {width} px"
        assert page.evaluate(_SMALL_TARGETS) == [], f"{kind}, {scheme}, {width} px: targets under 44 px"
        assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SCREENSHOTS) / f"file-notes-{kind}-{scheme}-{width}.png"), full_page=True)
    assert page.requests_elsewhere == [] and page.console_errors == []


def test_with_no_script_the_focus_starts_on_the_notes(open_page: Callable[..., Any]) -> None:
    page = open_page(390, java_script_enabled=False)
    _upload(page, "google.csv", "text/csv", GOOGLE_FORMS.encode())
    assert page.evaluate("() => document.activeElement.classList.contains('file-notes')")


def test_in_chromium_a_refused_export_is_said_in_plain_words_with_the_focus_on_it(open_page: Callable[..., Any]) -> None:
    page = open_page(390, bypass_csp=True)
    two_rows = GOOGLE_FORMS + "11/30/2026 10:02:51,sam@example.org,30,Male,,,Muscle cramps,\r\n"
    _upload(page, "google.csv", "text/csv", two_rows.encode())
    assert page.evaluate("() => document.activeElement.className") == "error-summary"
    assert "more than one person's answers" in page.locator(".error-summary").inner_text()
    if AXE.exists():
        assert run_axe(page) == []
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / "file-notes-refused-390.png"), full_page=True)
