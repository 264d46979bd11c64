"""The web page as patients and GPs see it, after the surfaces review (B-E): printing the result,
the "not enough answers" box beside a red flag, error pages (long words, headings, words for a
file that cannot be used), dark mode and the unit list on a phone. Browser tests use Debian's
Chromium through Playwright (see browser_support); the file's words need no browser.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_support import AXE, _missing, answer, browser, click_through, open_page, server
from web_support import Visitor

__all__ = ["browser", "open_page", "server"]  # fixtures, used by name


def open_example(page: Any, slug: str) -> None:
    page.goto(page.base + "/examples")
    with page.expect_navigation():
        page.locator(f"form:has(input[value='{slug}']) button").click()


def early_red_flag_result(page: Any) -> None:
    """A man with trouble breathing who asks for the result at once."""
    page.goto(page.base + "/")
    click_through(page, "button", "Start")
    answer(page, label="Trouble breathing")
    click_through(page, "button", "See the result for my answers so far")


def pdf_pages(pdf: Path) -> list[str]:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    return [page for page in done.stdout.split("\f") if page.strip()]


# -- printing the result (B1, B2) ---------------------------------------------------------------


def test_a_printed_result_is_the_short_form_with_the_clinicians_box_whole(open_page: Callable[..., Any], tmp_path: Path) -> None:
    """A woman on furosemide prints her result from the browser: the reasons stay folded (one
    line says where they are) and the clinician's box is on one page, not split after its first
    three rows. Printing used to open all 38 reasons and run to 12 pages."""
    page = open_page(390)
    open_example(page, "heart-failure-on-furosemide-and-metolazone")
    count = page.locator("details.reasons-fold article.finding").count()
    assert count > 10
    page.emulate_media(media="print")
    assert page.locator("details.reasons-fold").is_hidden()
    assert page.locator(".print-only").first.is_visible()
    pdf = tmp_path / "printed.pdf"
    for paper in ("A4", "Letter"):
        page.pdf(path=str(pdf), format=paper)
        pages = pdf_pages(pdf)
        assert len(pages) <= 4, f"{paper}: {len(pages)} pages"
        text = " ".join(" ".join(pages).split())
        assert f"Not printed: the {count} reasons behind this result" in text
        assert "How it works:" not in text and "Because:" not in text  # the reasons themselves
        boxed = [number for number, words in enumerate(pages) if "For your clinician: summary" in words]
        assert len(boxed) == 1
        assert re.search(r"sha256 [0-9a-f]{12}\b", pages[boxed[0]]), f"{paper}: the box's last row is on another page"
    # Printing changes nothing on the screen: the reasons are still there, folded.
    page.emulate_media(media="screen")
    assert page.locator("details.reasons-fold").evaluate("d => d.open") is False


def test_the_print_button_leaves_the_reasons_folded(open_page: Callable[..., Any]) -> None:
    page = open_page(1280)
    open_example(page, "runner-with-cramps-only")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details.reasons-fold").evaluate("d => d.open") is False


# -- the early red-flag result (C5) -------------------------------------------------------------


def test_not_enough_answers_is_orange_beside_a_red_flag_not_a_second_red_alarm(open_page: Callable[..., Any]) -> None:
    page = open_page(390)
    early_red_flag_result(page)
    flag = page.locator("section.alert", has_text="Red flag: Trouble breathing")
    few = page.locator("section.alert-coverage")
    assert few.inner_text().startswith("Not enough answers to screen")
    colour = "e => getComputedStyle(e).borderTopColor"
    assert flag.evaluate(colour) == "rgb(177, 14, 30)"
    assert few.evaluate(colour) == "rgb(122, 63, 0)"  # the printed report's orange (--soon)
    assert few.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 246, 232)"


# -- error pages (D1, D2) -----------------------------------------------------------------------


def to_medicines(page: Any) -> None:
    page.goto(page.base + "/")
    click_through(page, "button", "Start")
    answer(page, label="None of these")
    answer(page, text="70")
    answer(page, label="Male")
    answer(page, label="No")
    assert page.locator("#answer").evaluate("e => e.tagName") == "TEXTAREA"


def test_a_400_letter_word_in_an_error_wraps_inside_a_phones_width(open_page: Callable[..., Any]) -> None:
    page = open_page(390)
    to_medicines(page)
    answer(page, text="x" * 400)
    assert page.title().startswith("Error: ")
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    box = page.locator(".error-summary").bounding_box()
    assert box["x"] + box["width"] <= 390


def test_an_error_pages_first_heading_is_its_h1(open_page: Callable[..., Any]) -> None:
    """A screen reader's list of headings starts at the question (h1), not at "There is a
    problem" (which is the focused alert, read first anyway)."""
    page = open_page(390)
    to_medicines(page)
    answer(page, text="x" * 400)
    first = "() => document.querySelector('h1, h2, h3, h4, h5, h6').tagName"
    assert page.evaluate(first) == "H1"
    assert page.get_by_role("alert").first.inner_text().startswith("There is a problem")
    page.goto(page.base + "/")
    click_through(page, "button", "Carry on from this file")
    assert page.title().startswith("Error: ")
    assert page.evaluate(first) == "H1"


# -- dark mode (D3) and the unit list (E4) ------------------------------------------------------


_AXE_RUN = """async () => (await axe.run(document, {resultTypes: ["violations"],
    rules: {"color-contrast-enhanced": {enabled: true}}})).violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}))"""


def test_dark_mode_is_honoured_with_aaa_contrast(open_page: Callable[..., Any]) -> None:
    if not AXE.exists():
        _missing(f"axe-core is not at {AXE}")
    page = open_page(390, color_scheme="dark", bypass_csp=True)

    def checked(name: str) -> None:
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(18, 19, 20)", name
        page.add_script_tag(path=str(AXE))
        assert page.evaluate(_AXE_RUN) == [], name

    page.goto(page.base + "/")
    checked("start")
    click_through(page, "button", "Start")
    answer(page)
    checked("question with an error")
    early_red_flag_result(page)
    checked("early red-flag result")
    open_example(page, "heart-failure-on-furosemide-and-metolazone")
    page.locator("details.reasons-fold > summary").click()
    checked("result with its reasons open")


def test_on_paper_dark_mode_does_not_apply(open_page: Callable[..., Any]) -> None:
    page = open_page(390, color_scheme="dark")
    open_example(page, "runner-with-cramps-only")
    page.emulate_media(media="print", color_scheme="dark")
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")


def test_the_unit_list_has_room_for_its_unit_and_arrow_on_a_phone(open_page: Callable[..., Any]) -> None:
    page = open_page(390)
    early = page.base + "/"
    page.goto(early)
    open_example(page, "runner-with-cramps-only")
    click_through(page, "link", "Change an answer")
    click_through(page, "button", "Change your answer to: Most recent magnesium blood result")
    select = page.locator("select#unit")
    assert select.bounding_box()["width"] >= 120
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0


# -- a file that cannot be used, in words for the page (C6) -------------------------------------


def upload(visitor: Visitor, data: bytes | None) -> str:
    visitor.open("/")
    files = {"answers": ("", b"", "application/octet-stream")} if data is None else {"answers": ("a.json", data, "application/json")}
    visitor.post("/resume", {"csrf": visitor.hidden("csrf")}, files=files)
    assert visitor.page.status_code == 422
    return visitor.text()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (None, "Please choose a file first: no file was chosen, or the file chosen is empty."),
        (b"   ", "Please choose a file first"),
        (
            b'{"age": 70,}',
            "This file cannot be read as an answers file. The problem is at line 1, column 11: a trailing comma after the last item (remove it).",
        ),
        (b"[]", "This file cannot be used: it holds no records"),
        (b'{"age": "seventy"}', "In this file, the answer to “Age” (age): expected a whole number"),
    ],
)
def test_a_file_that_cannot_be_used_is_said_in_plain_words_without_json_paths(data: bytes | None, words: str) -> None:
    text = upload(Visitor(), data)
    assert words in text
    assert "$" not in text


# -- the browser's Back and Forward after the result (C10) --------------------------------------


def test_forward_after_back_twice_from_the_result_brings_the_result_back(open_page: Callable[..., Any]) -> None:
    page = open_page(390)
    open_example(page, "runner-with-cramps-only")
    click_through(page, "link", "Change an answer")
    click_through(page, "button", "Change your answer to: Age")
    answer(page)  # the same age again: back to the review
    click_through(page, "link", "See my result")
    assert page.title().startswith("Result for a teaching example")
    page.go_back()
    page.go_back()
    assert page.locator("h1").inner_text() == "How old are you?"
    assert "Nothing is changed unless you continue from here" in page.locator("main").inner_text()
    page.go_forward()
    page.go_forward()
    assert page.title().startswith("Result for a teaching example")
