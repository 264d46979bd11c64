"""Clinical review 6, findings O1-O4: how soon follows recent results, not a magnesium level that a
water pill made possible and no normal result can lower (README, "Review 6: how soon follows the
results"). The people are the review's cases (/work/notes/vignettes-review-6/cases)."""

from __future__ import annotations

from typing import Any

import pytest
from result_support import codes, flat, rules_fired, text_of

from screener.render import result_text

NO_GUT_LOSSES = {"diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none"}
K_THIS_WEEK = {"value": 4.3, "unit": "mmol/L", "taken": "last_7_days"}
MG_THIS_WEEK = {"value": 0.82, "unit": "mmol/L", "taken": "last_7_days"}

# Arthur, 76, stable heart failure on furosemide 40 mg and ramipril, potassium 4.3 this week, well.
ARTHUR_76_HEART_FAILURE = {
    "id": "arthur",
    "age": 76,
    "sex": "male",
    "conditions": ["heart_failure"],
    "medications": ["Furosemide 40mg", "Bisoprolol 2.5mg", "Ramipril 2.5mg", "Atorvastatin 40mg"],
    "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 2},
    **NO_GUT_LOSSES,
    "symptoms": [],
    "red_flags_now": [],
    "supplements": [],
    "labs": {"potassium": K_THIS_WEEK},
}

# Dorothy, 84, atrial fibrillation on digoxin 62.5 micrograms with furosemide 20 mg; potassium 4.2
# last month, no symptoms.
DOROTHY_84_DIGOXIN = {
    "id": "dorothy",
    "age": 84,
    "sex": "female",
    "medications": ["Digoxin 62.5mcg", "furosemide 20mg", "Apixaban 2.5mg"],
    "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 1},
    **NO_GUT_LOSSES,
    "symptoms": [],
    "red_flags_now": [],
    "supplements": [],
    "labs": {"potassium": {"value": 4.2, "unit": "mmol/L", "taken": "last_30_days"}},
}

# Margaret, 68, on indapamide with cramps; potassium 4.1 and magnesium 0.82 this week.
MARGARET_68_NORMAL_RESULTS = {
    "id": "margaret",
    "age": 68,
    "sex": "female",
    "medications": ["Indapamide 2.5mg"],
    "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 5},
    **NO_GUT_LOSSES,
    "symptoms": ["muscle_cramps"],
    "red_flags_now": [],
    "supplements": [],
    "labs": {"potassium": {"value": 4.1, "unit": "mmol/L", "taken": "last_7_days"}, "magnesium": MG_THIS_WEEK},
}

# Harold, 74, high blood pressure on losartan/hydrochlorothiazide and amlodipine, no symptoms.
HAROLD_74_HCTZ = {
    "id": "harold",
    "age": 74,
    "sex": "male",
    "conditions": ["high_blood_pressure"],
    "medications": ["Losartan/HCTZ 50/12.5", "amlodipine 10 mg"],
    "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 7},
    **NO_GUT_LOSSES,
    "symptoms": [],
    "red_flags_now": [],
    "supplements": [],
}

# Nadia, 58, on citalopram (a QT-prolonging drug) and bendroflumethiazide, no symptoms.
NADIA_58_QT_DRUG_AND_THIAZIDE = {
    "id": "nadia",
    "age": 58,
    "sex": "female",
    "medications": ["citalopram 20mg", "bendroflumethiazide 2.5mg"],
    "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 3},
    **NO_GUT_LOSSES,
    "symptoms": [],
    "red_flags_now": [],
    "supplements": [],
}


def test_arthur_with_stable_heart_failure_and_a_normal_potassium_this_week_is_routine_not_within_days(screener: Any) -> None:
    result = screener.screen(ARTHUR_76_HEART_FAILURE)
    assert (result.magnesium_depletion, result.potassium_depletion) == ("possible", "unlikely")
    assert result.urgency == "routine"
    assert "soon_heart_failure_with_depletion" not in rules_fired(result)
    assert "routine_heart_failure_on_a_diuretic" in rules_fired(result)
    assert flat(text_of(result, "recent_results_normal")).startswith("Your potassium result from the last 30 days was normal")
    review = flat(text_of(result, "discuss_at_next_visit"))
    assert review.startswith("This can wait for your usual medicines review")
    # Since review 7 the tests to ask for there are one line, the magnesium test's (advice said once).
    assert "more often with heart failure" in flat(text_of(result, "check_magnesium"))


@pytest.mark.parametrize(
    "change",
    [
        {"labs": {}},  # no potassium result
        {"labs": {"potassium": {"value": 4.3, "unit": "mmol/L", "taken": "older"}}},  # too old to use
        {"symptoms": ["muscle_twitches"]},  # a symptom that fits low magnesium
        {"labs": {"potassium": K_THIS_WEEK, "magnesium": {"value": 0.62, "unit": "mmol/L", "taken": "last_7_days"}}},
    ],
    ids=["no-result", "older-result", "twitches", "low-magnesium"],
)
def test_arthur_is_still_seen_within_days_without_a_recent_normal_potassium_or_with_more_than_the_diuretic(
    screener: Any, change: dict[str, Any]
) -> None:
    result = screener.screen({**ARTHUR_76_HEART_FAILURE, **change})
    assert result.urgency in ("soon", "urgent"), result.urgency


def test_dorothy_on_digoxin_with_a_normal_potassium_last_month_is_routine_with_one_magnesium_test_line(screener: Any) -> None:
    result = screener.screen(DOROTHY_84_DIGOXIN)
    assert result.urgency == "routine"
    assert "soon_digoxin_with_depletion" not in rules_fired(result)
    assert "check_magnesium" not in codes(result)
    digoxin = flat(text_of(result, "digoxin_check"))
    # No magnesium result: the one line asks for the magnesium test by name (verify 6).
    assert "ask for a magnesium blood test by name" in digoxin and "regular checks of both" in digoxin
    assert not {"check_magnesium", "check_magnesium_with_potassium"} & set(codes(result))


def test_dorothy_with_a_potassium_of_3_8_on_digoxin_is_seen_within_days_and_not_told_it_was_normal(screener: Any) -> None:
    result = screener.screen({**DOROTHY_84_DIGOXIN, "labs": {"potassium": {"value": 3.8, "unit": "mmol/L", "taken": "last_30_days"}}})
    assert result.urgency == "soon"
    assert "recent_results_normal" not in codes(result)


def test_margaret_with_normal_potassium_and_magnesium_this_week_needs_no_visit_and_is_told_why_first(screener: Any) -> None:
    result = screener.screen(MARGARET_68_NORMAL_RESULTS)
    assert result.magnesium_depletion == "possible"  # a normal magnesium never lowers the level
    assert result.urgency == "none"
    assert "routine_depletion_possible" not in rules_fired(result)
    # the reason for no visit is the top line itself, not a line after the food list (verify 6, F7)
    top = flat(text_of(result, "recent_results_normal"))
    assert top.startswith("Your potassium and magnesium results from the last 30 days were normal, so these answers need no visit")
    assert "do not point to low magnesium" not in top and "general_advice" not in codes(result)
    assert "you have" not in " ".join(flat(item.text) for item in result.recommendations).lower()


@pytest.mark.parametrize(
    "change",
    [
        {"symptoms": ["muscle_cramps", "numbness_tingling"]},
        {"labs": {"potassium": {"value": 4.1, "unit": "mmol/L", "taken": "last_7_days"}}},  # no magnesium result
        {"labs": {"potassium": {"value": 4.1, "unit": "mmol/L", "taken": "last_30_days"}, "magnesium": MG_THIS_WEEK},
         "diarrhea": {"present": True, "days": 3, "stools_per_day": 4}},  # potassium from before the diarrhea
    ],
    ids=["tingling", "no-magnesium", "diarrhea-since"],
)
def test_margaret_is_routine_again_when_a_symptom_or_a_missing_result_leaves_the_question_open(
    screener: Any, change: dict[str, Any]
) -> None:
    result = screener.screen({**MARGARET_68_NORMAL_RESULTS, **change})
    assert result.urgency != "none"


def test_harold_on_a_thiazide_alone_is_told_to_ask_at_his_usual_medicines_review(screener: Any) -> None:
    result = screener.screen(HAROLD_74_HCTZ)
    assert result.urgency == "routine"
    assert flat(text_of(result, "discuss_at_next_visit")).startswith("This can wait for your usual medicines review")
    with_cramps = screener.screen({**HAROLD_74_HCTZ, "symptoms": ["muscle_cramps"]})
    assert flat(text_of(with_cramps, "discuss_at_next_visit")).startswith("Discuss these results at your next visit")


def test_nadia_on_a_qt_drug_and_a_thiazide_is_within_days_unless_both_results_were_normal(screener: Any) -> None:
    assert screener.screen(NADIA_58_QT_DRUG_AND_THIAZIDE).urgency == "soon"
    potassium_only = screener.screen({**NADIA_58_QT_DRUG_AND_THIAZIDE, "labs": {"potassium": K_THIS_WEEK}})
    assert potassium_only.urgency == "soon"  # magnesium matters as much as potassium for the QT interval
    both = screener.screen({**NADIA_58_QT_DRUG_AND_THIAZIDE, "labs": {"potassium": K_THIS_WEEK, "magnesium": MG_THIS_WEEK}})
    assert both.urgency == "routine"


def test_the_terminal_says_the_recent_results_right_after_how_soon_and_not_again_in_the_list(screener: Any) -> None:
    text = result_text(screener.screen(MARGARET_68_NORMAL_RESULTS), width=200)
    lines = text.splitlines()
    how_soon = next(i for i, line in enumerate(lines) if line.startswith("How soon:"))
    assert lines[how_soon + 1].startswith("Your potassium and magnesium results from the last 30 days were normal")
    combined = next(i for i, line in enumerate(lines) if line.startswith("Combined magnesium and potassium depletion"))
    assert all(line.startswith("  ") for line in lines[how_soon + 2 : combined])  # the same paragraph, wrapped
    assert text.count("Your potassium and magnesium results from the last 30 days") == 1


def test_the_report_and_web_page_say_the_recent_results_in_the_headline_box_once(screener: Any) -> None:
    pytest.importorskip("jinja2")
    from test_reports_headline import headline_text, person_html

    html = person_html(screener, MARGARET_68_NORMAL_RESULTS)
    assert "Your potassium and magnesium results from the last 30 days were normal" in headline_text(html)
    assert html.count("Your potassium and magnesium results from the last 30 days") == 1


def test_the_cds_card_says_the_recent_results_under_its_headline_once(screener: Any) -> None:
    from test_cds_cards import card_for

    from screener.cds.cards import CardWriter
    from screener.fhir import fhir_context
    from screener.interview import Questionnaire
    from screener.reports.words import Words

    writer = CardWriter(fhir_context(screener.ruleset), screener.ruleset, Words.from_rules(screener.ruleset, Questionnaire.load(None)))
    card, _ = card_for(writer, screener, MARGARET_68_NORMAL_RESULTS)
    head = card["detail"].split("\n\n")[:3]
    assert any(part.startswith("Your potassium and magnesium results from the last 30 days") for part in head)
    assert card["detail"].count("Your potassium and magnesium results from the last 30 days") == 1


def _card(screener: Any, answers: dict[str, Any]) -> dict[str, Any]:
    from test_cds_cards import card_for

    from screener.cds.cards import CardWriter
    from screener.fhir import fhir_context
    from screener.interview import Questionnaire
    from screener.reports.words import Words

    writer = CardWriter(fhir_context(screener.ruleset), screener.ruleset, Words.from_rules(screener.ruleset, Questionnaire.load(None)))
    card, _ = card_for(writer, screener, answers)
    return card


def test_dorothy_on_digoxin_with_no_magnesium_result_is_offered_the_magnesium_order_on_an_information_card(screener: Any) -> None:
    # Verify 6: once the second magnesium-test line beside digoxin went, her card lost the order.
    card = _card(screener, DOROTHY_84_DIGOXIN)
    assert card["indicator"] == "info"  # routine: discuss at the next visit
    assert [suggestion["label"] for suggestion in card.get("suggestions", [])], card


def test_dorothy_with_a_normal_magnesium_this_week_is_not_offered_another_test(screener: Any) -> None:
    labs = {"potassium": K_THIS_WEEK, "magnesium": MG_THIS_WEEK}
    result = screener.screen({**DOROTHY_84_DIGOXIN, "labs": labs})
    assert "magnesium blood test by name" not in flat(text_of(result, "digoxin_check"))
    assert "suggestions" not in _card(screener, {**DOROTHY_84_DIGOXIN, "labs": labs})
