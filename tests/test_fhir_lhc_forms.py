"""A renderer nobody here wrote: LHC-Forms (the npm package `lforms`) renders the exported
Questionnaire in headless Chromium; the form is filled for three personas through the page, as a
person would, and the QuestionnaireResponse it gives screens exactly as the persona's answers do.
The questions it shows and hides are the ones our guided questionnaire asks.

`.ci/run` puts lforms in a cache folder (`npm pack`, no build) and Chromium from Debian; the test
finds lforms in MGK_LFORMS_DIR, or in ~/.cache/mgk-screen/lforms-<version>. Without them it is
skipped, except under CI, where it fails.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from terminal_words import terminal_words_in

from screener.fhir import FhirContext, build_questionnaire, fhir_context, response_to_answers
from screener.fhir.expressions import answer_coding
from screener.fhir.questionnaire import is_display_link
from screener.fhir.records import screen_record_entry
from screener.interview.answer_paths import MISSING, get_path
from screener.interview.interview import Interview
from screener.interview.questionnaire_items import Item

pytestmark = pytest.mark.slow

LFORMS_VERSION = "40.1.3"
PERSONAS = Path(__file__).resolve().parent.parent / "examples" / "personas"
FILLED = ["heavy-drinker-with-diarrhea-and-palpitations", "years-on-a-ppi-with-twitches", "thiazide-with-normal-potassium-result"]

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<link rel="stylesheet" href="lforms/webcomponent/styles.css"></head>
<body><div id="form"></div>
<script src="lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="lforms/webcomponent/runtime.js" type="module"></script>
<script src="lforms/webcomponent/polyfills.js" type="module"></script>
<script src="lforms/webcomponent/main.js" type="module"></script>
<script src="lforms/fhir/R4/lformsFHIR.min.js" defer></script>
</body></html>
"""


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (.ci/run installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def lforms() -> Path:
    root = Path(os.environ.get("MGK_LFORMS_DIR") or Path.home() / ".cache" / "mgk-screen" / f"lforms-{LFORMS_VERSION}")
    dist = root / "package" / "dist" / "lforms"
    if not (dist / "webcomponent" / "main.js").is_file():
        _missing(f"LHC-Forms {LFORMS_VERSION} is not in {root}")
    return dist


@pytest.fixture(scope="module")
def site(lforms: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page, and lforms beside it, served on 127.0.0.1 (module scripts are not loaded from file://)."""
    folder = tmp_path_factory.mktemp("lhc-forms")
    (folder / "page.html").write_text(PAGE, "utf-8")
    (folder / "lforms").symlink_to(lforms, target_is_directory=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/page.html"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        _missing("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def context(screener: Any) -> FhirContext:
    return fhir_context(screener.ruleset)


def open_form(browser: Any, site: str, context: FhirContext) -> Any:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site)
    page.wait_for_function("() => !!(window.LForms && LForms.Util && LForms.FHIR)")
    page.evaluate("q => LForms.Util.addFormToPage(q, 'form', {fhirVersion: 'R4'})", build_questionnaire(context, "R4"))
    page.wait_for_selector('[id="item-age/1"]')
    assert errors == []
    return page


def shown_questions(page: Any) -> list[str]:
    ids = [element.get_attribute("id") for element in page.query_selector_all("lhc-item")]
    link_ids = [re.sub(r"^item-(.*)/1$", r"\1", str(identity)) for identity in ids]
    return [link_id for link_id in link_ids if not is_display_link(link_id)]


def asked(context: FhirContext, answers: dict[str, Any]) -> list[str]:
    return Interview(context.questionnaire, context.vocabulary, answers).applicable_items()


def option(page: Any, item: Item, display: str) -> Any:
    """The radio button or check box of one answer (LHC-Forms adds " - score" to scored answers)."""
    box = page.locator(f'[id="item-{item.id}/1"]')
    return box.get_by_text(re.compile(rf"^{re.escape(display)}( - \d+)?$")).first


def fill(page: Any, item: Item, answers: dict[str, Any], context: FhirContext) -> None:
    """Answer one question through the page, as a person would: click, type, pick a unit."""
    value = get_path(answers, item.field)
    if item.type in ("yes_no", "single_choice"):
        option(page, item, answer_coding(context, item, value)["display"]).click()
    elif item.type == "multiple_choice":
        labels = [answer_coding(context, item, v)["display"] for v in value] if value else [item.none_choice.label]  # type: ignore[union-attr]
        for label in labels:
            option(page, item, label).click()
    elif item.type == "text_list":
        field = page.locator(f'[id="{item.id}/1"]')
        for name in value:
            field.click()
            field.type(name)
            page.wait_for_timeout(100)  # the autocompleter reads what is typed a moment later
            field.press("Enter")
            page.locator(f'[id="item-{item.id}/1"] .autocomp_selected li', has_text=name).wait_for()
    elif item.type in ("integer", "number"):
        page.fill(f'[id="{item.id}/1"]', str(value))
    else:
        page.fill(f'[id="{item.id}/1"]', str(value))
        unit_value = get_path(answers, item.unit_field) if item.unit_field else item.default_unit
        if unit_value != item.units[0].value and unit_value != item.default_unit:
            unit = page.locator(f'[id="unit_{item.id}/1"]')
            unit.click()
            unit.fill(context.mapping.units[unit_value].display)
            page.locator("#completionOptions li", has_text=context.mapping.units[unit_value].display).first.click()


def without_list_order(answers: dict[str, Any]) -> dict[str, Any]:
    return {key: sorted(value) if isinstance(value, list) else without_list_order(value) if isinstance(value, dict) else value for key, value in answers.items()}


def test_the_empty_form_shows_the_questions_our_questionnaire_starts_with(browser: Any, site: str, context: FhirContext) -> None:
    page = open_form(browser, site, context)
    assert shown_questions(page) == asked(context, {})
    page.close()


def test_what_a_patient_reads_in_lhc_forms_never_speaks_of_the_keyboard(browser: Any, site: str, context: FhirContext) -> None:
    """The questions, the placeholders in the boxes and every help text opened by its button, as
    LHC-Forms shows them: a form's words ("leave it empty", "choose None"), not "press Enter"."""
    page = open_form(browser, site, context)
    page.fill('[id="age/1"]', "40")
    page.locator('[id="item-sex/1"]').get_by_text("Female", exact=True).click()
    page.locator('[id="item-alcohol_frequency/1"]').get_by_text(re.compile(r"^Monthly or less")).click()
    page.wait_for_timeout(200)
    shown = [page.inner_text("#form")]
    shown += [str(box.get_attribute("placeholder")) for box in page.query_selector_all("#form input[placeholder]")]
    assert "e.g. 3.4" in shown and "e.g. Lasix 40 mg" in shown
    helps = []
    for link_id in shown_questions(page):
        page.locator(f'[id="item-{link_id}/1"] .lhc-help-button, [id="item-{link_id}/1"] [class*="help"]').first.click()
        helps.append(page.locator(".ant-popover-inner-content, .ant-popover, [role=tooltip]").last.inner_text())
        page.keyboard.press("Escape")
        page.mouse.click(5, 5)
    page.close()
    assert len(helps) > 15 and all(helps) and len(set(helps)) == len(helps)  # each button opened its own help
    assert any(text.startswith("Give each medicine as its own answer") for text in helps)
    assert any("below (<) or above (>)" in text for text in helps)
    assert [text[:80] for text in shown + helps if terminal_words_in(text)] == []


@pytest.mark.parametrize("persona", FILLED)
def test_a_form_filled_in_lhc_forms_screens_as_the_persona_does(
    browser: Any, site: str, context: FhirContext, screener: Any, persona: str, tmp_path: Path
) -> None:
    answers = json.loads((PERSONAS / f"{persona}.json").read_text("utf-8"))
    answers.pop("id")
    page = open_form(browser, site, context)
    for item in context.questionnaire.items:
        if get_path(answers, item.field) is not MISSING:
            fill(page, item, answers, context)
    page.wait_for_timeout(200)  # let the form settle (skip logic runs after each change)
    assert shown_questions(page) == asked(context, answers), "LHC-Forms shows other questions than ours asks"
    response = page.evaluate("LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', document.getElementById('form'))")
    page.screenshot(path=str(tmp_path / f"{persona}.png"), full_page=True)
    page.close()
    assert response["questionnaire"] == f"{context.mapping.questionnaire_url}|{context.questionnaire.version}"
    assert all(not terminal_words_in(entry.get("text", "")) for entry in response["item"])
    read = response_to_answers(response, context)
    assert read.problems == []
    assert without_list_order(read.answers) == without_list_order(answers)
    assert screen_record_entry(screener, response) == screener.screen_entry(answers)


@pytest.mark.parametrize(("who", "age"), [("Milo, 8", 8), ("Zoe, 15", 15)])
def test_lhc_forms_asks_about_alcohol_from_12_as_our_questionnaire_does(browser: Any, site: str, context: FhirContext, who: str, age: int) -> None:
    page = open_form(browser, site, context)
    page.fill('[id="age/1"]', str(age))
    page.locator('[id="age/1"]').press("Tab")
    page.wait_for_timeout(200)
    shown = shown_questions(page)
    page.close()
    assert shown == asked(context, {"age": age}), who
    assert ("alcohol_frequency" in shown) is (age >= 12), who
