"""Coherence review (2026-11-30), H1 and H3: what one person's potassium advice says beside a
potassium result they already have.

H1, a high potassium result is named as high, in the words of its urgency band (the bands of
rules/urgency.json, read through the facts their rules assert), with "stop the potassium you chose
yourself, not your prescribed medicines"; from 6.0 mmol/L the person asks for a heart tracing (ECG).
H3, a low potassium result with a reason to keep potassium is not explained as "your body may hold on
to potassium", and prescribed potassium is never put in question while the result is low. Beside a
current high or low result, nothing asks "whether to check your potassium". The reasons and sources
are in the README ("Coherence review").
"""

from __future__ import annotations

from typing import Any

from result_support import all_advice, codes, flat, rules_fired, text_of
from test_clinical_cases import check_always_true

from screener import ScreeningResult

CHECK_QUESTIONS = ("whether to check your potassium", "whether you need potassium and magnesium blood checks")
HOLD_ON = "your body may hold on to potassium"


def screen(screener: Any, answers: dict[str, Any]) -> ScreeningResult:
    result = screener.screen(answers)
    check_always_true(result)
    return result


def potassium(value: float, taken: str = "last_7_days") -> dict[str, Any]:
    return {"value": value, "unit": "mmol/L", "taken": taken}


# -- H1: case 23, K 6.7 with LoSalt, spironolactone, ramipril and trimethoprim ------------------

ARTHUR = {
    "age": 76,
    "sex": "male",
    "medications": ["spironolactone 50mg", "ramipril 10mg", "trimethoprim 200mg"],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "conditions": ["heart_failure", "chronic_kidney_disease"],
    "symptoms": ["muscle_weakness", "fatigue", "palpitations"],
    "red_flags_now": [],
    "supplements": ["salt_substitute"],
    "labs": {"potassium": potassium(6.7), "magnesium": {"value": 0.62, "unit": "mmol/L", "taken": "last_7_days"}},
}


def test_arthur_whose_potassium_of_6_7_is_the_emergency_is_told_so_straight_after_the_call(screener: Any) -> None:
    result = screen(screener, ARTHUR)
    assert result.urgency == "emergency"
    assert codes(result)[:2] == ["seek_emergency_care", "high_potassium_result"]
    text = flat(text_of(result, "high_potassium_result"))
    assert "very high" in text and "the reason for the emergency advice" in text
    assert "heart tracing (ECG)" in text
    assert "Stop using the salt substitute you said you use, now" in text  # she declared one
    assert "Do not stop a prescribed medicine until you are seen" in text


def test_arthur_is_not_asked_whether_to_check_a_potassium_that_was_just_checked(screener: Any) -> None:
    result = screen(screener, ARTHUR)
    advice = all_advice(result)
    for question in CHECK_QUESTIONS:
        assert question not in advice
    assert "whether prescribed potassium should continue" not in advice
    assert "no_potassium_self_supplement" not in codes(result)
    # The high-potassium line says not to stop his medicines; the medicines line asks how often
    # to recheck without saying it again (tests/test_coherence_polish_potassium.py).
    assert "Do not stop a prescribed medicine" in text_of(result, "high_potassium_result")
    assert "about your potassium result" in text_of(result, "keep_taking_prescribed_medicines")


def test_a_potassium_of_6_2_with_palpitations_asks_for_an_ecg_today(screener: Any) -> None:
    result = screen(screener, {**ARTHUR, "labs": {"potassium": potassium(6.2)}})
    assert result.urgency in ("urgent", "emergency")
    text = flat(text_of(result, "high_potassium_result"))
    assert "You reported muscle weakness and palpitations, which a high potassium can cause" in text
    assert "ask for a heart tracing (ECG) today" in text


def test_a_potassium_of_6_2_without_symptoms_still_asks_for_an_ecg_today(screener: Any) -> None:
    # UK primary-care guidance: every potassium of 6.0 mmol/L or more should have an ECG.
    result = screen(screener, {**ARTHUR, "symptoms": [], "labs": {"potassium": potassium(6.2)}})
    assert result.urgency == "urgent"
    text = flat(text_of(result, "high_potassium_result"))
    assert "a reason to contact a clinician today" in text and "ECG) today" in text
    assert "You reported" not in text


def test_a_potassium_of_6_7_from_last_month_is_worded_for_today_not_the_emergency(screener: Any) -> None:
    result = screen(screener, {**ARTHUR, "symptoms": [], "labs": {"potassium": potassium(6.7, "last_30_days")}})
    assert result.urgency == "urgent"
    text = flat(text_of(result, "high_potassium_result"))
    assert "contact a clinician today" in text and "emergency" not in text


def test_a_potassium_given_only_as_above_6_5_is_worded_for_the_most_urgent_band_it_passes(screener: Any) -> None:
    # A bound fires every band below it: the most urgent band's wording is the one shown.
    result = screen(screener, {**ARTHUR, "labs": {"potassium": {"above": 6.5, "unit": "mmol/L", "taken": "last_7_days"}}})
    assert result.urgency == "emergency"
    assert "the reason for the emergency advice" in flat(text_of(result, "high_potassium_result"))
    assert "recommend_high_potassium_result_band_4_emergency" in rules_fired(result)


# -- H1: cases 02 and 13, K 5.7 and 5.8 -------------------------------------------------------------

NADIA = {
    "age": 55,
    "sex": "female",
    "medications": ["ramipril 5mg", "tacrolimus 2mg", "omeprazole 20mg"],
    "alcohol": {"drinks_per_week": 2},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "symptoms": ["muscle_cramps", "tremor"],
    "red_flags_now": [],
    "supplements": [],
    "labs": {"potassium": potassium(5.7), "magnesium": {"value": 0.58, "unit": "mmol/L", "taken": "last_7_days"}},
}


def test_nadia_whose_potassium_is_5_7_hears_it_is_high_and_should_be_repeated_within_days(screener: Any) -> None:
    result = screen(screener, NADIA)
    assert codes(result)[:2] == ["see_clinician_soon", "high_potassium_result"]
    text = flat(text_of(result, "high_potassium_result"))
    assert "high (5.5 mmol/L or more)" in text and "not a depletion" in text
    assert "repeated within days" in text
    assert "Do not stop a prescribed medicine before speaking to the prescriber" in text
    advice = all_advice(result)
    for question in CHECK_QUESTIONS:
        assert question not in advice


def test_nadia_on_a_long_term_ppi_keeps_its_review_without_being_asked_whether_to_check_potassium(
    screener: Any,
) -> None:
    result = screen(screener, {**NADIA, "ppi_over_3_months": "yes"})
    text = flat(text_of(result, "keep_taking_prescribed_medicines"))
    assert "stomach-acid medicine" in text  # the PPI review, in its variant with a potassium result
    assert "whether you need potassium and magnesium blood checks" not in text
    assert "about your potassium result" in text


def test_a_potassium_of_5_8_with_nothing_else_answered_is_still_named_as_high(screener: Any) -> None:
    result = screen(screener, {"labs": {"potassium": potassium(5.8)}})
    assert "high_potassium_result" in codes(result)
    assert "repeated within days" in flat(text_of(result, "high_potassium_result"))
    assert "no_potassium_self_supplement" not in codes(result)


def test_a_potassium_of_5_2_is_a_little_high_and_needs_a_recheck(screener: Any) -> None:
    result = screen(screener, {**NADIA, "labs": {"potassium": potassium(5.2)}})
    text = flat(text_of(result, "high_potassium_result"))
    assert "a little high (above 5.0 mmol/L)" in text and "rechecked" in text


def test_a_normal_potassium_brings_no_high_potassium_advice(screener: Any) -> None:
    result = screen(screener, {**NADIA, "labs": {"potassium": potassium(4.6)}})
    assert "high_potassium_result" not in codes(result)


# -- H3: cases 14 and 17, a low potassium with a reason to keep potassium ---------------------------

MARGARET = {
    "age": 70,
    "sex": "female",
    "medications": ["indapamide 2.5mg", "losartan 50mg"],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "conditions": ["chronic_kidney_disease"],
    "symptoms": ["muscle_cramps", "fatigue"],
    "red_flags_now": [],
    "supplements": [],
    "labs": {"potassium": potassium(3.2), "magnesium": {"value": 0.66, "unit": "mmol/L", "taken": "last_7_days"}},
}


def test_margaret_whose_potassium_is_low_is_not_told_her_body_holds_on_to_potassium(screener: Any) -> None:
    result = screen(screener, MARGARET)
    advice = all_advice(result)
    assert HOLD_ON not in advice
    text = flat(text_of(result, "no_potassium_self_supplement"))
    assert text.startswith("Your potassium result is low")
    assert "needs a clinician's plan and a recheck" in text
    assert "Do not start potassium yourself" in text and "do not stop potassium a clinician prescribed" in text
    for question in CHECK_QUESTIONS:
        assert question not in advice


GEORGE = {
    "age": 58,
    "sex": "male",
    "medications": ["furosemide 40mg", "spironolactone 25mg", "potassium chloride MR", "magnesium glycerophosphate"],
    "alcohol": {"drinks_per_week": 6},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "conditions": ["heart_failure"],
    "symptoms": ["muscle_cramps", "fatigue"],
    "red_flags_now": [],
    "supplements": [],
    "labs": {"potassium": potassium(3.3), "magnesium": {"value": 0.66, "unit": "mmol/L", "taken": "last_7_days"}},
}


def test_george_low_despite_prescribed_potassium_is_never_asked_whether_it_should_continue(screener: Any) -> None:
    result = screen(screener, GEORGE)
    advice = all_advice(result)
    assert "whether prescribed potassium should continue" not in advice
    assert "recommend_ask_about_a_potassium_check" not in rules_fired(result)
    assert "do not stop potassium a clinician prescribed" in flat(text_of(result, "no_potassium_self_supplement"))
    assert HOLD_ON not in advice


def test_george_without_a_result_is_still_asked_about_his_prescribed_potassium(screener: Any) -> None:
    # With no current result, asking whether to check potassium and whether it should go on still fits.
    result = screen(screener, {**GEORGE, "labs": {}})
    # in the person's own words since the coherence review (M2): "any potassium you take"
    assert "whether any potassium you take should continue" in flat(text_of(result, "no_potassium_self_supplement"))


def test_george_on_prescribed_potassium_with_a_high_result_asks_whether_it_should_continue(screener: Any) -> None:
    # A high result while prescribed potassium is taken: the question about it stays, without the
    # question whether to check potassium.
    result = screen(screener, {**GEORGE, "labs": {"potassium": potassium(5.3)}})
    text = flat(text_of(result, "no_potassium_self_supplement"))
    assert "You take potassium a clinician prescribed, and your potassium result is high" in text
    assert "ask the prescriber whether it should continue" in text
    for question in CHECK_QUESTIONS:
        assert question not in all_advice(result)
