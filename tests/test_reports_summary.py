"""The clinician's summary and the evidence say exactly what they mean: what "full" coverage
covers, blood results in their units, and a conversion only when there was one to make."""

from __future__ import annotations

from typing import Any

import pytest
from report_images import WHEN
from test_reports import page_text, parsed, text_of

pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")

# Edith, 80, answered every core section but not the diet questions; her potassium was given in
# mmol/L and her magnesium in mg/dL.
EDITH = {
    "id": "edith",
    "age": 80,
    "medications": ["furosemide 80 mg", "metolazone 2.5 mg"],
    "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "symptoms": ["muscle_cramps"],
    "red_flags_now": [],
    "labs": {
        "potassium": {"value": 2.4, "unit": "mmol/L", "taken": "last_7_days"},
        "magnesium": {"value": 1.4, "unit": "mg/dL", "taken": "last_7_days"},
    },
}


def summary_of(html: str) -> dict[str, str]:
    """The clinician's summary, by row."""
    grid = next(dl for dl in parsed(html).iter("dl") if "summary-grid" in (dl.get("class") or ""))
    # Each term and its value are in a <div> of their own (a row that does not break on paper).
    return {text_of(dt): text_of(dd) for dt, dd in zip(grid.iter("dt"), grid.iter("dd"), strict=True)}


def edith_report(screener: Any) -> str:
    from screener.reports import person_report

    return person_report(EDITH, screener=screener, generated=WHEN)


def test_full_coverage_says_it_means_the_four_core_sections_when_other_parts_are_unanswered(screener: Any) -> None:
    result = screener.screen(EDITH)
    assert result.coverage == "full" and "diet" in result.unanswered_sections
    coverage = summary_of(edith_report(screener))["Coverage"]
    assert coverage.startswith("full (all four core sections answered: medicines, alcohol, stomach and bowel losses, symptoms)")
    assert "; other parts not answered: " in coverage and "Diet" in coverage


def test_a_result_given_in_mmol_per_litre_is_not_converted_to_itself(screener: Any) -> None:
    labs = summary_of(edith_report(screener))["Labs"]
    assert "Potassium 2.4 mmol/L, taken in the last 7 days" in labs
    assert "2.4 mmol/L = 2.4 mmol/L" not in labs
    assert "Magnesium 1.4 mg/dL = 0.58 mmol/L" in labs


def test_evidence_from_a_blood_result_carries_its_unit(screener: Any) -> None:
    text = page_text(edith_report(screener))
    assert "Serum potassium: 2.4 mmol/L" in text
    assert "Serum magnesium: 0.58 mmol/L" in text
    assert "Age: 80 years" in text


def test_a_fact_whose_label_names_its_unit_does_not_repeat_it(screener: Any) -> None:
    from screener.reports.build import words_for

    words = words_for(screener.ruleset)
    assert words.measured("diarrhea.days", 10) == "10"  # "days of diarrhea: 10"
    assert words.measured("labs.potassium.mmol_per_l", 6.7) == "6.7 mmol/L"
    assert words.measured("labs.potassium.mmol_per_l", "not answered") == "not answered"


# A walk-in whose only answers are an age and a recent potassium: the red-flag question and the
# medicine list were never answered, and the clinician's summary must not read "none" for them.
WALK_IN = {"id": "walk-in-7", "age": 58, "labs": {"potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"}}}


def test_red_flags_and_medicines_not_answered_are_not_summarised_as_none(screener: Any) -> None:
    from screener.reports import person_report

    for summary in (False, True):
        rows = summary_of(person_report(WALK_IN, screener=screener, generated=WHEN, summary=summary))
        assert rows["Red flags"] == "none found, but the red-flag question “Happening now or new in the last 24 hours” was not answered"
        assert rows["Medicines"] == "not answered (unknown, not “none”)"


def test_red_flags_and_medicines_answered_as_none_are_summarised_as_none(screener: Any) -> None:
    from screener.reports import person_report

    answers = WALK_IN | {"medications": [], "red_flags_now": []}
    rows = summary_of(person_report(answers, screener=screener, generated=WHEN))
    assert rows["Red flags"] == "none"
    assert rows["Medicines"] == "none listed"


# -- what a GP needs beside a high potassium (surfaces review A4) ----------------------------------

KIDNEY_PERSONA = "kidney-disease-with-spironolactone-and-potassium"


def test_the_gp_of_a_man_with_kidney_disease_on_spironolactone_reads_his_conditions_and_why_potassium_builds_up(
    screener: Any,
) -> None:
    import json
    from pathlib import Path

    from screener.reports import person_report

    answers = json.loads((Path(__file__).resolve().parents[1] / "examples" / "personas" / f"{KIDNEY_PERSONA}.json").read_text())
    rows = summary_of(person_report(answers, screener=screener, generated=WHEN, summary=True))
    assert rows["Conditions counted"] == "Long-term kidney disease (chronic kidney disease); Heart failure"
    kept = rows["Potassium may build up"]
    for reason in ("chronic kidney disease", "a potassium-sparing diuretic", "an ACE inhibitor", "prescribed potassium"):
        assert reason in kept, reason


def test_edith_who_was_not_asked_about_conditions_reads_not_answered_not_none(screener: Any) -> None:
    rows = summary_of(edith_report(screener))
    assert rows["Conditions counted"].startswith("not answered")
    assert "Potassium may build up" not in rows  # nothing keeps her potassium


def test_a_report_made_from_a_result_file_names_the_conditions_its_findings_name(screener: Any) -> None:
    from screener.reports.build import words_for
    from screener.reports.person import person_view

    answers = {**EDITH, "conditions": ["chronic_kidney_disease", "high_blood_pressure"]}
    result = screener.screen(answers).model_dump(mode="json", exclude_none=True)
    view = person_view(result, words_for(screener.ruleset))
    assert view.conditions is not None and "Long-term kidney disease (chronic kidney disease)" in view.conditions
    assert view.conditions == person_view(result, words_for(screener.ruleset), answers=answers).conditions


def test_the_gp_of_the_older_woman_with_cramps_reads_why_combined_is_above_both_parts_and_on_what_answers(
    screener: Any,
) -> None:
    """Combined likely while magnesium and potassium are each possible is the spec's rule (a cause
    of both losses with fitting symptoms, screening-logic v2 §4); the summary's Screen row says why,
    and that alcohol and gut losses were not answered (surfaces review C3)."""
    import json
    from pathlib import Path

    from screener.reports import person_report

    persona = Path(__file__).resolve().parents[1] / "examples" / "personas" / "older-adult-on-furosemide-with-cramps.json"
    answers = json.loads(persona.read_text())
    result = screener.screen(answers)
    assert (result.combined_depletion, result.magnesium_depletion, result.potassium_depletion) == ("likely", "possible", "possible")
    screen = summary_of(person_report(answers, screener=screener, generated=WHEN, summary=True))["Screen"]
    assert "above both parts: both-loss cause with fitting symptoms" in screen
    assert "on partial answers: alcohol and gut losses (diarrhea, vomiting, laxatives) not answered" in screen
