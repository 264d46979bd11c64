"""Review 7 leftovers: the blood tests asked for once, a "possible" that needs no visit not shouted,
and a weekly total in UK units judged against the UK guideline (README, "Review 7: advice said
once, a quiet headline, UK units")."""

from __future__ import annotations

from typing import Any

import pytest
from result_support import codes, flat, text_of

from screener.headline import Headline
from screener.render import result_text

NO_GUT_LOSSES = {"diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none"}
EVERYTHING_ELSE = {**NO_GUT_LOSSES, "symptoms": [], "red_flags_now": [], "supplements": []}
K_THIS_WEEK = {"value": 4.3, "unit": "mmol/L", "taken": "last_7_days"}
BLOOD_TEST_QUESTION = "Ask the prescriber whether you need potassium and magnesium blood checks"

# Arthur, 76, stable heart failure on furosemide, bisoprolol and ramipril; potassium 4.3 this week,
# no magnesium result, well.
ARTHUR_76_HEART_FAILURE = {
    "id": "arthur", "age": 76, "sex": "male", "conditions": ["heart_failure"],
    "medications": ["Furosemide 40mg", "Bisoprolol 2.5mg", "Ramipril 2.5mg"], "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 2}, **EVERYTHING_ELSE, "labs": {"potassium": K_THIS_WEEK},
}  # fmt: skip
# Joan, 70, on bendroflumethiazide alone for blood pressure, no results, well.
JOAN_70_THIAZIDE = {
    "id": "joan", "age": 70, "sex": "female", "medications": ["bendroflumethiazide 2.5mg"], "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 2}, **EVERYTHING_ELSE,
}  # fmt: skip
# Dorothy, 84, on digoxin with furosemide; potassium 4.2 last month, no magnesium result.
DOROTHY_84_DIGOXIN = {
    "id": "dorothy", "age": 84, "sex": "female", "medications": ["Digoxin 62.5mcg", "furosemide 20mg"],
    "diuretic_use": "yes", "alcohol": {"drinks_per_week": 1}, **EVERYTHING_ELSE,
    "labs": {"potassium": {"value": 4.2, "unit": "mmol/L", "taken": "last_30_days"}},
}  # fmt: skip
# Nadia, 58, on citalopram and bendroflumethiazide, no results.
NADIA_58_QT_AND_THIAZIDE = {
    "id": "nadia", "age": 58, "sex": "female", "medications": ["citalopram 20mg", "bendroflumethiazide 2.5mg"],
    "diuretic_use": "yes", "alcohol": {"drinks_per_week": 2}, **EVERYTHING_ELSE,
}  # fmt: skip
# Brian, 62, on omeprazole for years, nothing else.
BRIAN_62_LONG_TERM_PPI = {
    "id": "brian", "age": 62, "sex": "male", "medications": ["omeprazole 20mg"], "diuretic_use": "no",
    "ppi_over_3_months": "yes", "alcohol": {"drinks_per_week": 2}, **EVERYTHING_ELSE,
}  # fmt: skip


def _blood_test_lines(result: Any) -> list[str]:
    """The lines of advice that ask about potassium or magnesium blood tests (not the pointer "the
    blood tests below")."""
    return [
        recommendation.code
        for recommendation in result.recommendations
        if any(words in recommendation.text for words in ("magnesium blood test", "blood checks", "tests are due", "potassium should be checked"))
    ]


# -- 1. the blood tests asked for once ------------------------------------------------------------


def test_arthur_with_stable_heart_failure_and_a_normal_potassium_is_asked_for_the_magnesium_test_in_one_line(
    screener: Any,
) -> None:
    result = screener.screen(ARTHUR_76_HEART_FAILURE)
    assert result.urgency == "routine"
    assert _blood_test_lines(result) == ["check_magnesium"]
    review = text_of(result, "discuss_at_next_visit")
    assert review.startswith("This can wait for your usual medicines review: ask there for the blood tests below.")
    magnesium = text_of(result, "check_magnesium")
    assert "ask for a magnesium blood test by name" in magnesium  # the test the rules want is kept
    assert "when your next potassium and magnesium tests are due" in magnesium
    assert text_of(result, "keep_taking_prescribed_medicines") == "Do not stop a prescribed medicine on your own."


def test_joan_on_a_thiazide_alone_with_no_results_gets_one_line_about_the_tests(screener: Any) -> None:
    result = screener.screen(JOAN_70_THIAZIDE)
    assert result.urgency == "routine"
    assert _blood_test_lines(result) == ["check_magnesium_with_potassium"]
    assert "At that review, ask for a magnesium blood test by name" in text_of(result, "check_magnesium_with_potassium")
    assert BLOOD_TEST_QUESTION not in flat(" ".join(r.text for r in result.recommendations))


def test_dorothy_on_digoxin_and_furosemide_is_asked_for_the_tests_by_the_digoxin_line_only(screener: Any) -> None:
    result = screener.screen(DOROTHY_84_DIGOXIN)
    assert _blood_test_lines(result) == ["digoxin_check"]
    assert "ask there for the blood tests below" in text_of(result, "discuss_at_next_visit")
    assert text_of(result, "keep_taking_prescribed_medicines") == "Do not stop a prescribed medicine on your own."


def test_heart_failure_on_a_water_pill_with_no_results_is_within_days_with_one_magnesium_test_line(screener: Any) -> None:
    result = screener.screen({**ARTHUR_76_HEART_FAILURE, "labs": {}})
    assert result.urgency == "soon"
    assert _blood_test_lines(result) == ["check_magnesium_with_potassium"]
    assert text_of(result, "keep_taking_prescribed_medicines") == "Do not stop a prescribed medicine on your own."


def test_nadias_qt_line_still_points_to_the_blood_checks_below_it(screener: Any) -> None:
    result = screener.screen(NADIA_58_QT_AND_THIAZIDE)
    order = codes(result)
    assert "as well as the blood checks below" in text_of(result, "qt_drug_check")
    assert order.index("qt_drug_check") < order.index("check_magnesium_with_potassium")
    assert text_of(result, "keep_taking_prescribed_medicines") == "Do not stop a prescribed medicine on your own."


def test_brian_on_a_long_term_stomach_acid_medicine_alone_keeps_his_one_question_about_blood_checks(screener: Any) -> None:
    result = screener.screen(BRIAN_62_LONG_TERM_PPI)
    assert result.urgency == "none"
    assert _blood_test_lines(result) == ["keep_taking_prescribed_medicines"]
    assert BLOOD_TEST_QUESTION in text_of(result, "keep_taking_prescribed_medicines")


def test_a_low_potassium_on_a_water_pill_keeps_the_line_about_the_result(screener: Any) -> None:
    low = {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"}
    result = screener.screen({**JOAN_70_THIAZIDE, "labs": {"potassium": low}})
    assert "Tell the prescriber about your potassium result" in text_of(result, "keep_taking_prescribed_medicines")


# -- 2. the headline follows how soon -------------------------------------------------------------

# A 30-year-old with a week of gastroenteritis, well (review 6, O7): potassium possible, no visit.
GASTRO_30 = {
    "id": "gastro", "age": 30, "sex": "female", "pregnant": "no", "medications": [], "diuretic_use": "no",
    "alcohol": {"drinks_per_week": 2}, "diarrhea": {"present": True, "days": 7, "stools_per_day": 5},
    "vomiting": {"present": True, "days": 2, "episodes_per_day": 3, "cannot_keep_fluids_down": False},
    "laxative_use": "none", "symptoms": ["fatigue"], "red_flags_now": [], "supplements": [],
}  # fmt: skip
# Margaret, 68, on indapamide; potassium and magnesium normal this week: magnesium possible, no visit.
MARGARET_68_NORMAL_RESULTS = {
    "id": "margaret", "age": 68, "sex": "female", "medications": ["Indapamide 2.5mg"], "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 5}, **EVERYTHING_ELSE,
    "labs": {"potassium": {"value": 4.1, "unit": "mmol/L", "taken": "last_7_days"},
             "magnesium": {"value": 0.82, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip


@pytest.mark.parametrize(("answers", "part"), [(GASTRO_30, "potassium"), (MARGARET_68_NORMAL_RESULTS, "magnesium")])
def test_a_possible_that_needs_no_visit_is_not_shouted_in_the_terminal(screener: Any, answers: Any, part: str) -> None:
    result = screener.screen(answers)
    assert result.urgency == "none"
    text = flat(result_text(result))
    assert f"unlikely, but {part} depletion is possible" in text
    assert "POSSIBLE" not in text
    headline = Headline.of(result)
    assert headline.emphasis() == {}
    assert headline.card_level == "no-visit"


def test_arthurs_possible_beside_a_routine_visit_keeps_its_capitals(screener: Any) -> None:
    result = screener.screen(ARTHUR_76_HEART_FAILURE)
    assert "unlikely, but magnesium depletion is POSSIBLE" in flat(result_text(result))
    assert Headline.of(result).card_level == "possible"


def test_the_stomach_bug_headline_is_quiet_in_the_report_and_on_the_web_page(screener: Any) -> None:
    from report_images import WHEN
    from web_support import Visitor, upload_and_skip_to_result

    from screener.reports import person_report

    visitor = Visitor()
    upload_and_skip_to_result(visitor, GASTRO_30)
    for html in (person_report(GASTRO_30, screener=screener, generated=WHEN), visitor.html):
        assert 'class="headline level-no-visit"' in html
        assert '<span class="level-word quiet">possible</span>' in html
        assert 'class="level-word possible"' not in html


# -- 3. UK units judged against the UK guideline --------------------------------------------------

# Sarah, 45, drinks 14 UK units a week, the UK low-risk limit for everyone; nothing else.
SARAH_45_14_UK_UNITS = {
    "id": "sarah", "age": 45, "sex": "female", "medications": ["none"], "diuretic_use": "no",
    "alcohol": {"units_per_week": 14}, **EVERYTHING_ELSE,
}  # fmt: skip


def test_sarah_at_the_uk_limit_of_14_units_is_not_a_hazardous_drinker(screener: Any) -> None:
    result = screener.screen(SARAH_45_14_UK_UNITS)
    assert "hazardous_alcohol" not in list(result.risk_factors)
    assert "alcohol_support" not in codes(result)


def test_the_same_amount_in_us_drinks_keeps_the_us_limit_for_a_woman(screener: Any) -> None:
    result = screener.screen({**SARAH_45_14_UK_UNITS, "alcohol": {"drinks_per_week": 8}})
    assert "hazardous_alcohol" in list(result.risk_factors)
    assert text_of(result, "alcohol_support").startswith("Cutting down on alcohol")
    assert "14 units" not in text_of(result, "alcohol_support")


@pytest.mark.parametrize("sex", ["female", "male"])
def test_sarah_and_her_husband_at_15_units_are_above_the_uk_guideline_and_told_it_in_units(screener: Any, sex: str) -> None:
    result = screener.screen({**SARAH_45_14_UK_UNITS, "sex": sex, "alcohol": {"units_per_week": 15}})
    assert "hazardous_alcohol" in list(result.risk_factors)
    assert "not to drink more than 14 units a week" in text_of(result, "alcohol_support")
    assert "hazardous_alcohol_by_uk_units" in {finding.rule for finding in result.findings}


@pytest.mark.parametrize(
    ("sex", "units", "heavy"),
    [("female", 35, False), ("female", 36, True), ("male", 50, False), ("male", 51, True)],
)
def test_heavy_drinking_in_uk_units_starts_above_the_uk_higher_risk_levels(
    screener: Any, sex: str, units: int, heavy: bool
) -> None:
    result = screener.screen({**SARAH_45_14_UK_UNITS, "sex": sex, "alcohol": {"units_per_week": units}})
    factors = list(result.risk_factors)
    assert ("heavy_alcohol" in factors) is heavy
    assert ("hazardous_alcohol" in factors) is not heavy


def test_none_in_uk_units_beside_audit_c_drinking_is_warned_about_as_none_in_drinks_is(screener: Any) -> None:
    audit = {"frequency": 3, "quantity": 1, "binge": 1}
    result = screener.screen({**SARAH_45_14_UK_UNITS, "alcohol": {"units_per_week": 0, "audit_c": audit}})
    assert any("no alcohol in a usual week" in warning for warning in result.warnings)


def test_a_questionnaire_response_in_uk_units_reads_back_as_units(screener: Any) -> None:
    from screener.fhir import fhir_context
    from screener.fhir.response import answers_to_response, response_to_answers
    from screener.screening.ruleset import load_ruleset

    context = fhir_context(load_ruleset())
    back = response_to_answers(answers_to_response(SARAH_45_14_UK_UNITS, context), context).answers
    assert back["alcohol"] == {"units_per_week": 14}
