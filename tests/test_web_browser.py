"""The local web page in a real browser, as a person uses it: uvicorn really listening on
127.0.0.1, Debian's Chromium driven by Playwright (see browser_support). A keyboard-only journey
on a phone-sized and a desktop screen, nothing loaded from anywhere but this server, the
downloaded answers giving the same result as `mgk-screen batch`, no script, and Back.
Accessibility checks on every page type are in test_web_accessibility.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_support import answer, browser, click_through, open_page, server
from screener.cli.main import app as cli
from typer.testing import CliRunner
from web_support import assert_no_answers_in, captured_logs

__all__ = ["browser", "open_page", "server"]  # fixtures, used by name

# -- the keyboard ---------------------------------------------------------------------------------

_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const label = e.labels && e.labels.length ? e.labels[0].textContent.trim() : "";
  const style = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), type: e.type || "", id: e.id, label: label,
          text: (e.innerText || e.value || "").trim(), checked: !!e.checked,
          ring: style.outlineStyle !== "none" && style.outlineWidth !== "0px" || style.boxShadow !== "none"};
}"""


def tab_to(page: Any, matches: Callable[[dict[str, Any]], bool], what: str, limit: int = 40) -> dict[str, Any]:
    """Press Tab until the focused element matches; every element passed on the way must show
    where the focus is (an outline or a ring)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None:
            continue
        assert focused["ring"], f"no visible focus on {focused}"
        if matches(focused):
            return dict(focused)
    raise AssertionError(f"Tab never reached {what} on {page.title()!r}")


def labelled(text: str) -> Callable[[dict[str, Any]], bool]:
    return lambda focused: focused["label"] == text


def button(text: str) -> Callable[[dict[str, Any]], bool]:
    return lambda focused: focused["tag"] in ("button", "a") and focused["text"] == text


def text_box(focused: dict[str, Any]) -> bool:
    return focused["id"] == "answer" and focused["tag"] in ("input", "textarea")


def continue_with_keyboard(page: Any) -> None:
    tab_to(page, button("Continue"), "the Continue button")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def tick(page: Any, label: str) -> None:
    """Check a box with the space bar, then continue."""
    tab_to(page, labelled(label), f"the box {label!r}")
    page.keyboard.press("Space")
    continue_with_keyboard(page)


def pick(page: Any, label: str) -> None:
    """Choose a radio button: Tab into the group, arrow keys to the answer, then continue."""
    focused = tab_to(page, lambda f: f["type"] == "radio", "the radio buttons")
    for _ in range(12):
        if focused["label"] == label:
            break
        page.keyboard.press("ArrowDown")
        focused = page.evaluate(_FOCUSED)
    assert focused["label"] == label, f"no radio button {label!r}"
    page.keyboard.press("Space")
    continue_with_keyboard(page)


def type_in(page: Any, text: str, *, enter: bool = True) -> None:
    tab_to(page, text_box, "the answer box")
    page.keyboard.type(text)
    if enter:  # Enter in a text box submits with the first button, Continue
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        continue_with_keyboard(page)


def batch_result(answers: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    source, output = tmp_path / "answers.json", tmp_path / "results.jsonl"
    source.write_text(json.dumps(answers), encoding="utf-8")
    run = CliRunner().invoke(cli, ["batch", str(source), "-o", str(output), "--quiet"])
    assert run.exit_code == 0, run.output
    return dict(json.loads(output.read_text(encoding="utf-8")))


@pytest.mark.parametrize("width", [390, 1280])
def test_a_keyboard_alone_takes_a_person_from_the_start_to_a_printable_result(
    open_page: Callable[..., Any], width: int, tmp_path: Path
) -> None:
    with captured_logs() as records:
        _keyboard_journey(open_page(width), tmp_path)
    # The server really listening logged its requests (uvicorn's loggers and the app's), never an answer.
    assert_no_answers_in(records, "Lasix", "3.2")


def _keyboard_journey(page: Any, tmp_path: Path) -> None:
    page.goto(page.base + "/")
    first = tab_to(page, lambda f: True, "anything")
    assert first["text"] == "Skip to the main content"
    tab_to(page, button("Start"), "the Start button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("Question 1, ")

    tick(page, "None of these")
    type_in(page, "72")
    pick(page, "Female")
    pick(page, "Yes")
    type_in(page, "Lasix 40 mg", enter=False)  # a text area: Enter would start a new line
    assert "furosemide" in page.locator("h1").inner_text()
    pick(page, "Yes")
    pick(page, "Never")
    pick(page, "No")  # diarrhea
    pick(page, "No")  # vomiting
    pick(page, "No")  # laxatives
    tick(page, "None of these")
    pick(page, "Sometimes")
    type_in(page, "3")
    tick(page, "Muscle cramps")
    tick(page, "None of these")
    type_in(page, "3.2")  # potassium, in the default unit (mmol/L)
    pick(page, "In the last 7 days")
    type_in(page, "")  # magnesium: not known
    assert page.title().startswith("Check your answers")
    assert "3.2 mmol/L" in page.locator("main").inner_text()

    tab_to(page, button("See my result"), "See my result")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("Your result")
    # Shown by the script, after the findings and their source links (one Tab each: the limit grows with them).
    printing = tab_to(page, button("Print this page"), "the print button", limit=60)
    assert printing["tag"] == "button"
    tab_to(page, button("PDF, A4 paper"), "the PDF download")
    with page.expect_download() as pdf:
        page.keyboard.press("Enter")
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
    tab_to(page, button("Download my answers"), "Download my answers")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    answers = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert answers["medications"] == ["Lasix 40 mg"]
    assert answers["labs"] == {"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"}}

    entry = batch_result(answers, tmp_path)
    shown = page.locator("main").inner_text()
    # The level word is in capitals on the page (text-transform), as inner_text gives it.
    assert f"combined magnesium and potassium depletion: {entry['combined_depletion']}" in " ".join(shown.split()).lower()
    for recommendation in entry["recommendations"]:
        assert recommendation["text"] in shown

    assert page.requests_elsewhere == []
    assert page.console_errors == []  # no script or style refused by the Content-Security-Policy


def test_on_a_phone_the_reasoning_is_folded_under_one_summary_that_opens_by_keyboard_without_a_script(
    open_page: Callable[..., Any],
) -> None:
    """With every finding inline, a result was about 20,000-29,000 px tall on a 390 px phone
    (newcomer review E3). Red flags, how soon, the headline, the advice and the disclaimer stay in
    view; the reasoning is one native <details>, under its heading, that Enter opens."""
    page = open_page(390, java_script_enabled=False)
    page.goto(page.base + "/examples")
    with page.expect_navigation():
        page.locator("form:has(input[value='heart-failure-on-furosemide-and-metolazone']) button").click()
    fold = page.locator("details.reasons-fold")
    assert fold.count() == 1 and fold.evaluate("d => d.open") is False
    findings = fold.locator("article.finding")
    assert findings.count() > 10 and not findings.first.is_visible()
    assert page.locator("article.finding").count() == findings.count()  # none left outside
    assert fold.locator("summary").inner_text() == f"Why these results: {findings.count()} reasons"
    for shown in (".headline", ".how-soon", "#recommendations-heading", "ol.recommendations", "#findings-heading", ".about .disclaimer"):
        assert page.locator(shown).first.is_visible(), shown
    assert page.evaluate("document.documentElement.scrollHeight") < 9000  # 21,000 px with the reasoning inline

    fold.locator("summary").focus()
    page.keyboard.press("Enter")
    assert fold.evaluate("d => d.open") is True and findings.first.is_visible()


def test_with_javascript_off_the_forms_and_errors_still_work(open_page: Callable[..., Any]) -> None:
    page = open_page(390, java_script_enabled=False)
    page.goto(page.base + "/")
    click_through(page, "button", "Start")
    click_through(page, "button", "Continue")
    assert page.title().startswith("Error: Question 1, ")
    assert page.get_by_role("alert").inner_text().startswith("There is a problem")
    page.get_by_label("None of these").check()
    click_through(page, "button", "Continue")
    page.get_by_label("How old are you?").fill("58")
    click_through(page, "button", "Continue")
    assert page.title().startswith("Question 3, ")
    click_through(page, "button", "Back to the previous question")
    assert page.title().startswith("Question 2, ")


def test_back_and_change_show_the_earlier_answer_and_keep_it(open_page: Callable[..., Any]) -> None:
    """Back then Continue keeps the age; "Change" on symptoms shows them ticked, so ticking one
    more adds it to them rather than replacing them."""
    page = open_page(390)
    page.goto(page.base + "/")
    click_through(page, "button", "Start")
    answer(page, label="None of these")
    answer(page, text="72")
    click_through(page, "button", "Back to the previous question")
    assert page.locator("#answer").input_value() == "72"
    click_through(page, "button", "Continue")
    assert page.locator("h1").inner_text() == "What is your sex?"
    answer(page, label="Female")
    answer(page, label="No")
    answer(page, text="none")
    for reply in ("Never", "No", "No", "No", "None of these", "Sometimes"):
        answer(page, label=reply)
    answer(page, text="3")
    page.get_by_label("Muscle cramps", exact=True).check()
    answer(page, label="Muscle twitches")
    answer(page, label="None of these")
    answer(page, text="")
    answer(page, text="")
    assert page.title().startswith("Check your answers")

    click_through(page, "button", "Change your answer to: Symptoms in the past two weeks")
    assert page.get_by_label("Muscle cramps", exact=True).is_checked()
    assert page.get_by_label("Muscle twitches", exact=True).is_checked()
    answer(page, label="An irregular heartbeat")
    assert "Muscle cramps; Muscle twitches; An irregular heartbeat" in page.locator("main").inner_text()
    answers = page.request.get(page.base + "/answers.json").json()
    assert answers["age"] == 72
    assert answers["symptoms"] == ["muscle_cramps", "muscle_twitches", "irregular_heartbeat"]


def test_the_browsers_back_button_goes_to_the_previous_question_with_itsanswer(open_page: Callable[..., Any]) -> None:
    """A woman presses the browser's Back button twice to fix her age: each press shows the
    question before, filled in; Continue then keeps her other answer."""
    page = open_page(390)
    page.goto(page.base + "/")
    click_through(page, "button", "Start")
    answer(page, label="None of these")
    answer(page, text="64")
    answer(page, label="Female")
    assert page.locator("h1").inner_text().startswith("Do you take a water pill")
    page.go_back()
    assert page.locator("h1").inner_text() == "What is your sex?"
    assert page.get_by_label("Female", exact=True).is_checked()
    page.go_back()
    assert page.locator("h1").inner_text() == "How old are you?"
    assert page.locator("#answer").input_value() == "64"
    answer(page, text="66")
    assert page.get_by_label("Female", exact=True).is_checked()
    answer(page)
    assert page.locator("h1").inner_text().startswith("Do you take a water pill")
    answers = page.request.get(page.base + "/answers.json").json()
    assert (answers["age"], answers["sex"]) == (66, "female")
