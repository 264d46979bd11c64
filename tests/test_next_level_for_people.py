"""What would change the headline, by who reads it (README, "What a result says").

The result's ``next_level_missing`` is in the rules' own terms ("... with magnesium depletion likely
(now: possible; reached by any of: Low magnesium result; ...)"): precise for a clinician or a
teacher, rule internals to a person. So JSON, the teaching demo and the reasoning asked for (`ask
--details`) keep it in full; a person's result gives it after the advice, with the reasoning, headed
for a clinician or teacher, and not at all when how soon is urgent or an emergency, where the
advice is what matters. Also here: the QT medicine line never points to blood checks below that
are not there.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from result_support import codes, flat, text_of
from rich.console import Console
from web_support import Visitor, upload_and_skip_to_result

from screener.headline import NEXT_LEVEL_HEADING
from screener.render import render_result, result_text

ROOT = Path(__file__).resolve().parents[1]
PERSONAS = ROOT / "examples" / "personas"
NO_GUT_LOSSES = {"diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none"}
EVERYTHING_ELSE = {**NO_GUT_LOSSES, "symptoms": [], "red_flags_now": [], "supplements": []}
NORMAL_THIS_WEEK = {
    "potassium": {"value": 4.1, "unit": "mmol/L", "taken": "last_7_days"},
    "magnesium": {"value": 0.85, "unit": "mmol/L", "taken": "last_7_days"},
}


def persona(name: str) -> dict[str, Any]:
    answers: dict[str, Any] = json.loads((PERSONAS / f"{name}.json").read_text(encoding="utf-8"))
    return answers


# Harold, 72, heart failure on furosemide and metolazone: a "possible" headline, seen within days.
HAROLD_HEART_FAILURE = persona("heart-failure-on-furosemide-and-metolazone")
# Citalopram with a low potassium result: contact a clinician today.
CITALOPRAM_LOW_POTASSIUM = persona("citalopram-with-low-potassium-result")
# A 30-year-old with type 1 diabetes on insulin, vomiting five times today (newcomer review 7).
TYPE_1_VOMITING = {
    "id": "insulin-t1-vomiting", "age": 30, "conditions": ["type_1_diabetes"],
    "medications": ["insulin glargine", "insulin aspart"],
    "vomiting": {"present": True, "days": 1, "episodes_per_day": 5, "cannot_keep_fluids_down": False},
}  # fmt: skip
# Nadia, 58, on citalopram and bendroflumethiazide; potassium and magnesium normal this week.
NADIA_QT_THIAZIDE_NORMAL_RESULTS = {
    "id": "nadia", "age": 58, "sex": "female", "medications": ["citalopram 20mg", "bendroflumethiazide 2.5mg"],
    "diuretic_use": "yes", "alcohol": {"drinks_per_week": 2}, **EVERYTHING_ELSE, "labs": NORMAL_THIS_WEEK,
}  # fmt: skip


def terminal(result: Any, **options: Any) -> str:
    console = Console(file=io.StringIO(), width=100, no_color=True, highlight=False, soft_wrap=False)
    render_result(result, console, plain=True, **options)
    return flat(console.file.getvalue())  # type: ignore[attr-defined]


# -- the terminal ---------------------------------------------------------------------------------


def test_harold_reads_what_would_change_his_headline_after_his_advice_and_reasons_headed_for_his_clinician(screener: Any) -> None:
    result = screener.screen(HAROLD_HEART_FAILURE)
    assert result.urgency == "soon" and result.next_level_missing
    text = flat(result_text(result, screener))
    assert "What would change the headline" not in text.replace(NEXT_LEVEL_HEADING, "")
    section = text.index(NEXT_LEVEL_HEADING)
    assert text.index("Recommendations") < text.index("Why") < section
    assert flat(result.next_level_missing[0]) in text[section:]


def test_harold_asking_for_the_result_without_its_reasons_gets_no_rule_terms(screener: Any) -> None:
    result = screener.screen(HAROLD_HEART_FAILURE)
    text = terminal(result, show_findings=False)
    assert NEXT_LEVEL_HEADING not in text
    assert "reached by any of" not in text


def test_a_person_told_to_contact_a_clinician_today_is_not_given_what_would_change_the_headline(screener: Any) -> None:
    result = screener.screen(CITALOPRAM_LOW_POTASSIUM)
    assert result.urgency == "urgent"
    assert result.next_level_missing, "JSON keeps the precise lines"
    text = flat(result_text(result, screener))
    assert NEXT_LEVEL_HEADING not in text and "reached by any of" not in text


def test_a_person_with_an_emergency_is_not_given_what_would_change_the_headline(screener: Any) -> None:
    answers = {**HAROLD_HEART_FAILURE, "red_flags_now": ["fainting"]}
    result = screener.screen(answers)
    assert result.urgency == "emergency" and result.next_level_missing
    assert NEXT_LEVEL_HEADING not in flat(result_text(result, screener))


def test_the_reasoning_asked_for_keeps_the_precise_lines_even_beside_urgent_advice(screener: Any) -> None:
    """`ask --details`, and `d` at the end of `ask`: the reader asked for the rules' reasoning."""
    result = screener.screen(CITALOPRAM_LOW_POTASSIUM)
    text = terminal(result, show_next_level=True)
    assert NEXT_LEVEL_HEADING in text
    assert flat(result.next_level_missing[0]) in text


def test_the_vomiting_type_1_diabetic_reads_the_sick_day_advice_with_nothing_in_rule_terms_beside_it(screener: Any) -> None:
    result = screener.screen(TYPE_1_VOMITING)
    assert "insulin_sick_day" in codes(result) and result.next_level_missing
    assert result.urgency == "urgent"  # an adult on insulin who vomits: contact a clinician today
    for text in (terminal(result, show_findings=False), flat(result_text(result, screener))):
        assert "reached by any of" not in text and NEXT_LEVEL_HEADING not in text
    assert 'id="next-level-heading"' not in _report(TYPE_1_VOMITING, screener)


def test_the_json_result_keeps_next_level_missing_in_full(screener: Any) -> None:
    result = json.loads(screener.screen(CITALOPRAM_LOW_POTASSIUM).model_dump_json())
    assert result["next_level_missing"][0].startswith("combined magnesium and potassium depletion would be likely with")


def test_the_teaching_demo_shows_what_would_change_the_headline(screener: Any) -> None:
    from screener.teaching.personas import load_persona, shipped_personas
    from screener.teaching.render import render_demo
    from screener.teaching.walk import walk

    citalopram = load_persona("citalopram-with-low-potassium-result", shipped_personas())
    walked = walk(screener, screener.run(citalopram.answers), citalopram.answers)
    console = Console(file=io.StringIO(), width=100, no_color=True, highlight=False)
    render_demo(citalopram, walked, console, plain=True)
    assert NEXT_LEVEL_HEADING in flat(console.file.getvalue())  # type: ignore[attr-defined]


# -- the printed report, the one-page summary, the web page ----------------------------------------


def _report(answers: dict[str, Any], screener: Any, **options: Any) -> str:
    from screener.reports import person_report

    return str(person_report(answers, screener=screener, **options))


def test_harolds_report_gives_the_precise_lines_with_the_reasons_not_between_headline_and_advice(screener: Any) -> None:
    html = _report(HAROLD_HEART_FAILURE, screener)
    assert NEXT_LEVEL_HEADING in html
    assert html.index('id="findings-heading"') < html.index('id="next-level-heading"') < html.index("<h3>Sources</h3>")
    assert html.index('id="clinician-heading"') < html.index('id="next-level-heading"')


def test_the_report_of_a_person_told_to_act_today_has_no_next_level_section(screener: Any) -> None:
    assert 'id="next-level-heading"' not in _report(CITALOPRAM_LOW_POTASSIUM, screener)


def test_harolds_one_page_summary_has_no_next_level_section(screener: Any) -> None:
    assert 'id="next-level-heading"' not in _report(HAROLD_HEART_FAILURE, screener, summary=True)


def test_harolds_web_result_keeps_the_precise_lines_folded_away_with_the_reasons() -> None:
    visitor = Visitor()
    upload_and_skip_to_result(visitor, HAROLD_HEART_FAILURE)
    html = visitor.html
    fold = html.index('<details class="reasons-fold">')
    assert fold < html.index('id="next-level-heading"') < html.index("</details>", fold)


# -- the QT medicine line never points to blood checks that are not there -------------------------


def test_nadia_with_normal_results_this_week_is_asked_only_about_a_heart_tracing(screener: Any) -> None:
    result = screener.screen(NADIA_QT_THIAZIDE_NORMAL_RESULTS)
    qt = text_of(result, "qt_drug_check")
    assert "below" not in qt
    assert "potassium and magnesium results from the last 30 days were normal" in qt
    assert "heart tracing (ECG)" in qt


def test_nadia_with_palpitations_and_normal_results_tells_the_clinician_today_of_both(screener: Any) -> None:
    result = screener.screen({**NADIA_QT_THIAZIDE_NORMAL_RESULTS, "symptoms": ["palpitations"]})
    assert result.urgency == "urgent"
    qt = text_of(result, "qt_drug_check")
    assert "below" not in qt
    assert "results from the last 30 days were normal, and ask for a heart tracing (ECG) today" in qt


@pytest.mark.parametrize("medicines", [[], ["bendroflumethiazide 2.5mg"], ["furosemide 40mg"], ["omeprazole 20mg"]])
@pytest.mark.parametrize("labs", [{}, {"potassium": NORMAL_THIS_WEEK["potassium"]}, NORMAL_THIS_WEEK])
@pytest.mark.parametrize("symptoms", [[], ["muscle_cramps", "fatigue"], ["palpitations"]])
def test_a_qt_line_that_says_below_always_has_a_blood_check_line_below_it(
    screener: Any, medicines: list[str], labs: dict[str, Any], symptoms: list[str]
) -> None:
    answers = {
        "id": "x", "age": 60, "sex": "female", "medications": ["citalopram 20mg", *medicines],
        "diuretic_use": "yes" if medicines[:1] and "omeprazole" not in medicines[0] else "no",
        "ppi_over_3_months": "yes", "alcohol": {"drinks_per_week": 2}, **EVERYTHING_ELSE,
        "symptoms": symptoms, "labs": labs,
    }  # fmt: skip
    advice = screener.screen(answers).recommendations
    for number, line in enumerate(advice):
        if line.code == "qt_drug_check" and "below" in line.text:
            after = [later.text for later in advice[number + 1 :]]
            assert any(words in text for text in after for words in ("blood test", "blood checks", "tests are due")), after
