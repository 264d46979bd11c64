"""The person report (HTML and PDF) and the web result page explain their headline as the
terminal's full result does: which rule made combined depletion higher than both of its parts,
and which finding set how soon to see a clinician. A result with no id is not "for" anyone.
"""

from __future__ import annotations

from typing import Any

import pytest
from report_images import WHEN
from test_reports import page_text, parsed, result_of, text_of
from web_support import Visitor, upload_and_skip_to_result

pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")

# Rita, 72: a loop diuretic (both-loss) with cramps and twitches: each mineral only possible,
# together likely. No id in her answers.
RITA = {
    "age": 72,
    "sex": "female",
    "medications": ["Lasix 40 mg"],
    "symptoms": ["muscle_cramps", "muscle_twitches", "palpitations"],
}
# Walter, 70, on digoxin with palpitations: nothing points to a depletion, but digoxin with a
# warning sign needs a clinician today.
WALTER = {"id": "walter", "age": 70, "medications": ["digoxin"], "symptoms": ["palpitations"]}


def headline_text(html: str) -> str:
    section = next(s for s in parsed(html).iter("section") if "headline" in (s.get("class") or "").split())
    return text_of(section)


def person_html(screener: Any, value: dict[str, Any]) -> str:
    from screener.reports import person_report

    return person_report(value, screener=screener, generated=WHEN)


def test_rita_is_told_which_rule_made_combined_likely_when_each_mineral_is_only_possible(screener: Any) -> None:
    result = screener.screen(RITA)
    assert (result.combined_depletion, result.magnesium_depletion, result.potassium_depletion) == ("likely", "possible", "possible")
    rules = screener.rules_setting_headline(result)  # what the terminal's full result names
    assert rules
    headline = headline_text(person_html(screener, RITA))
    assert "Why combined is likely when neither magnesium nor potassium alone is:" in headline
    for finding in result.findings:
        if finding.rule in rules:
            assert f"{finding.title}. {finding.explanation}" in headline
            assert f"[{finding.rule}]" not in headline  # rule ids are for the rules' maintainers


def test_a_headline_no_higher_than_its_parts_needs_no_such_explanation(screener: Any) -> None:
    answers = {"age": 72, "medications": ["Lasix 40 mg"], "symptoms": []}
    result = screener.screen(answers)
    assert (result.combined_depletion, result.magnesium_depletion, result.potassium_depletion) == ("possible", "possible", "possible")
    headline = headline_text(person_html(screener, answers))
    assert "Why combined is" not in headline
    assert "Why routine:" in headline  # how soon is always explained


def test_walter_on_digoxin_is_told_why_an_unlikely_depletion_is_still_urgent(screener: Any) -> None:
    result = screener.screen(WALTER)
    assert (result.combined_depletion, result.urgency) == ("unlikely", "urgent")
    headline = headline_text(person_html(screener, WALTER))
    assert "Why urgent, although a combined depletion is unlikely:" in headline
    setting = [f for f in result.findings if screener.ruleset.rule(f.rule).then.get("raise", {}).get("urgency") == "urgent"]
    assert [f.rule for f in setting] == ["urgent_digoxin_with_warning_sign"]
    assert f"{setting[0].title}. {setting[0].explanation}" in headline
    assert "routine_digoxin" not in headline  # only what set this level
    assert "[urgent_digoxin_with_warning_sign]" not in headline  # rule ids are for the rules' maintainers


def test_the_pdf_explains_the_headline_too(screener: Any, tmp_path: Any) -> None:
    from report_images import pdf_page_texts, tools_missing

    from screener.reports import person_report, write_report

    if tools_missing():
        pytest.skip(tools_missing())
    path = tmp_path / "walter.pdf"
    write_report(person_report(WALTER, screener=screener, generated=WHEN), str(path))
    first = " ".join(pdf_page_texts(path)[0].split())
    assert "Why urgent, although a combined depletion is unlikely:" in first
    assert screener.ruleset.rule("urgent_digoxin_with_warning_sign").title in first


def test_answers_without_an_id_are_not_reported_for_their_position(screener: Any) -> None:
    html = person_html(screener, RITA)
    meta = text_of(parsed(html).find(".//p[@class='meta']"))
    assert "For:" not in meta
    assert "mgk-screen result for" not in html  # the printed footer
    named = person_html(screener, WALTER)
    assert "For: walter" in text_of(parsed(named).find(".//p[@class='meta']"))
    assert "mgk-screen result for walter" in named


def test_a_batch_result_whose_id_is_its_position_is_not_reported_for_it(screener: Any) -> None:
    position_only = result_of(screener, RITA) | {"id": "3", "source": "ward.jsonl", "position": 3}
    assert "For:" not in page_text(person_html(screener, position_only))
    with_id = result_of(screener, WALTER) | {"source": "ward.jsonl", "position": 3}
    assert "For: walter" in page_text(person_html(screener, with_id))


def test_the_web_result_page_explains_the_headline_and_the_urgency() -> None:
    for answers, expected in (
        (RITA, "Why combined is likely when neither magnesium nor potassium alone is:"),
        (WALTER, "Why urgent, although a combined depletion is unlikely:"),
    ):
        visitor = Visitor()
        upload_and_skip_to_result(visitor, answers)
        assert expected in visitor.text()


# -- too few answers to screen --------------------------------------------------------------------
# Someone who gave only their id, someone who stopped after a red flag, and someone who gave only
# blood results (a low magnesium and potassium): coverage "none" for all three.
BLANK = {"id": "blank"}
STOPPED_AFTER_CHEST_PAIN = {"id": "stopped", "red_flags_now": ["chest_pain"]}
ONLY_LOW_BLOOD_RESULTS = {
    "id": "labs-only",
    "labs": {
        "magnesium": {"value": 0.5, "unit": "mmol/L", "taken": "last_7_days"},
        "potassium": {"value": 2.6, "unit": "mmol/L", "taken": "last_7_days"},
    },
}


def test_a_blank_record_is_headed_not_screened_rather_than_unlikely(screener: Any) -> None:
    result = screener.screen(BLANK)
    assert (result.coverage, result.combined_depletion, result.urgency) == ("none", "unlikely", "none")
    html = person_html(screener, BLANK)
    headline = headline_text(html)
    assert "Combined magnesium and potassium depletion: not screened (too few answers)" in headline
    assert "The rules' level on these few answers: unlikely, which is not reassurance." in headline
    assert "Magnesium depletion: not screened (too few answers; the rules' level: unlikely)" in headline
    assert (
        "How soon to see a clinician: not screened on these answers — see a clinician if you feel unwell or are worried."
        in headline
    )
    assert "no clinician visit needed" not in headline
    section = next(s for s in parsed(html).iter("section") if "headline" in (s.get("class") or "").split())
    big_words = [text_of(span) for span in section.iter("span") if "level-word" in (span.get("class") or "")]
    assert big_words == ["not screened"] * 3
    clinician = text_of(next(s for s in parsed(html).iter("section") if "clinician" in (s.get("class") or "")))
    assert "Screen not screened (too few answers)" in clinician and "Urgency not screened" in clinician


def test_a_red_flag_with_too_few_answers_still_says_how_soon_as_it_is(screener: Any) -> None:
    result = screener.screen(STOPPED_AFTER_CHEST_PAIN)
    assert (result.coverage, result.urgency) == ("none", "emergency")
    headline = headline_text(person_html(screener, STOPPED_AFTER_CHEST_PAIN))
    assert f"How soon to see a clinician: emergency — {result.urgency_text}" in headline
    assert "not screened on these answers" not in headline


def test_low_blood_results_with_nothing_else_answered_keep_their_level(screener: Any) -> None:
    result = screener.screen(ONLY_LOW_BLOOD_RESULTS)
    assert (result.coverage, result.combined_depletion) == ("none", "likely")
    headline = headline_text(person_html(screener, ONLY_LOW_BLOOD_RESULTS))
    assert "Combined magnesium and potassium depletion: likely" in headline
    assert "this level comes from the few answers given" in headline
    assert "not screened" not in headline
