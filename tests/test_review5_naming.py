"""Vignette review 5, M5, M6, M8, m11 and m12: the result names what it rests on (a heparin and a
symptom beside a high potassium, the stomach-acid medicine beside a magnesium test, a reliever
inhaler with a steroid and a water pill), says when two answers disagree, and says when most
answers were "not sure"."""

from __future__ import annotations

from typing import Any

import pytest

from screener import Screener


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def _screen(screener: Screener, answers: dict[str, Any]) -> tuple[str, list[str], dict[str, str], list[str]]:
    result = screener.screen(answers)
    codes = [r.code for r in result.recommendations]
    return result.urgency, codes, {r.code: r.text for r in result.recommendations}, list(result.warnings)


# -- M5: enoxaparin for 5 weeks, ramipril and kidney disease; potassium 5.9 with muscle weakness --------
ARTHUR = {
    "age": 80, "sex": "male", "conditions": ["chronic_kidney_disease"],
    "medications": ["enoxaparin 40mg daily", "ramipril 10mg", "paracetamol 1g qds"],
    "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": ["muscle_weakness"], "red_flags_now": [], "supplements": [],
    "labs": {"potassium": {"value": 5.9, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip


def test_arthur_weak_on_enoxaparin_and_ramipril_with_kidney_disease_and_potassium_5_9_is_seen_today(screener) -> None:
    urgency, codes, texts, _ = _screen(screener, ARTHUR)
    assert urgency == "urgent"
    assert codes[:2] == ["contact_clinician_today", "high_potassium_result"]
    text = texts["high_potassium_result"]
    assert "You reported muscle weakness, which a high potassium can cause" in text
    assert "ramipril and enoxaparin" in text and "today rather than waiting days" in text
    assert "repeated within days" not in text


@pytest.mark.parametrize("heparin", ["dalteparin 5000 units", "tinzaparin", "heparin 5000 units sc"])
def test_arthur_on_another_heparin_is_seen_today_too(screener, heparin: str) -> None:
    urgency, _, texts, _ = _screen(screener, {**ARTHUR, "medications": [heparin, "ramipril 10mg"]})
    assert urgency == "urgent"
    assert heparin.split()[0] in texts["high_potassium_result"]


def test_arthur_on_enoxaparin_alone_with_no_kidney_disease_stays_within_days(screener) -> None:
    # One reason to keep potassium (the heparin): the band's own "within days" stands, heparin named.
    answers = {**ARTHUR, "age": 60, "conditions": [], "medications": ["enoxaparin 40mg daily"]}
    urgency, _, texts, _ = _screen(screener, answers)
    assert urgency == "soon"
    assert "repeated within days" in texts["high_potassium_result"] and "enoxaparin" in texts["high_potassium_result"]


def test_arthur_without_the_weakness_stays_within_days(screener) -> None:
    urgency, _, texts, _ = _screen(screener, {**ARTHUR, "symptoms": []})
    assert urgency == "soon" and "repeated within days" in texts["high_potassium_result"]


def test_arthur_on_enoxaparin_and_ramipril_with_no_result_is_asked_about_a_potassium_check(screener) -> None:
    answers = {key: value for key, value in ARTHUR.items() if key != "labs"}
    urgency, _, texts, _ = _screen(screener, {**answers, "symptoms": []})
    assert urgency == "routine"
    assert "whether to check your potassium" in texts["no_potassium_self_supplement"]


# -- M6: 85 years old, lansoprazole for 6 years and bendroflumethiazide, with confusion ------------------
MAVIS = {
    "age": 85, "sex": "female", "medications": ["lansoprazole 30mg", "bendroflumethiazide 2.5mg"],
    "ppi_over_3_months": "yes", "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": False},
    "vomiting": {"present": False}, "laxative_use": "none",
    "diet": {"processed_food": "most_days", "fruit_veg_servings": 1},
    "symptoms": ["confusion", "muscle_weakness", "nausea_poor_appetite"], "red_flags_now": [], "supplements": [],
}  # fmt: skip


def test_mavis_on_lansoprazole_for_years_with_a_water_pill_is_told_the_stomach_medicine_can_lower_magnesium(
    screener,
) -> None:
    urgency, _, texts, _ = _screen(screener, MAVIS)
    assert urgency == "urgent"
    text = texts["check_magnesium_with_potassium"]
    assert text.startswith("You take lansoprazole and bendroflumethiazide: a stomach-acid medicine")
    assert "Ask your clinician for a magnesium blood test" in text and "Consider asking" not in text
    assert "whether you still need the stomach-acid medicine; do not stop it on your own" in text


def test_mavis_without_the_water_pill_is_asked_firmly_beside_a_likely_headline(screener) -> None:
    # No PPI combination to name, but combined depletion LIKELY and same-day: the test is not optional.
    answers = {**MAVIS, "medications": ["furosemide 40mg"], "ppi_over_3_months": None}
    answers = {key: value for key, value in answers.items() if value is not None}
    urgency, _, texts, _ = _screen(screener, answers)
    assert urgency == "urgent"
    # on a water pill the one line asks for both tests, firmly (third clinical round, verify 8)
    text = texts["check_magnesium_with_potassium"]
    assert text.startswith("On a water pill") and "ask your clinician for a potassium and a magnesium blood test" in text
    assert "Consider asking" not in text


def test_a_man_on_omeprazole_and_a_water_pill_with_no_symptoms_is_told_the_combination_by_name(screener) -> None:
    answers = {"age": 60, "sex": "male", "medications": ["omeprazole 20mg", "indapamide 2.5mg"],
               "ppi_over_3_months": "yes", "alcohol": {"drinks_per_week": 2}, "diarrhea": {"present": False},
               "vomiting": {"present": False}, "laxative_use": "none", "symptoms": []}  # fmt: skip
    _, _, texts, _ = _screen(screener, answers)
    text = next(t for code, t in texts.items() if code.startswith("check_magnesium"))
    assert "omeprazole" in text and "can lower magnesium" in text


def test_a_possible_magnesium_depletion_on_routine_advice_keeps_consider_asking(screener) -> None:
    answers = {"age": 50, "sex": "female", "medications": ["omeprazole 20mg"], "ppi_over_3_months": "yes",
               "alcohol": {"drinks_per_week": 2}, "diarrhea": {"present": False}, "vomiting": {"present": False},
               "laxative_use": "none", "symptoms": ["numbness_tingling"], "conditions": ["type_2_diabetes"]}  # fmt: skip
    urgency, _, texts, _ = _screen(screener, answers)
    assert urgency == "routine"
    assert texts["check_magnesium"].startswith("Consider asking your clinician for a magnesium blood test")


def test_a_child_of_8_keeps_the_childs_magnesium_wording(screener) -> None:
    answers = {"age": 8, "sex": "female", "medications": ["omeprazole 10mg", "furosemide 20mg"], "ppi_over_3_months": "yes",
               "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none",
               "symptoms": ["muscle_cramps", "muscle_twitches"]}  # fmt: skip
    _, _, texts, _ = _screen(screener, answers)
    magnesium = " ".join(t for code, t in texts.items() if code.startswith("check_magnesium"))
    assert "You take" not in magnesium and "Ask your clinician for a magnesium" not in magnesium


# -- M8: salbutamol 12 puffs a day, prednisolone 30 mg and bendroflumethiazide; palpitations, tremor ------
JOAN = {
    "age": 67, "sex": "female",
    "medications": ["salbutamol inhaler 100mcg 2 puffs 6x daily", "prednisolone 30mg", "bendroflumethiazide 2.5mg", "Clenil"],
    "alcohol": {"drinks_per_week": 2}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": ["palpitations", "tremor", "fatigue"], "red_flags_now": [], "supplements": [],
}  # fmt: skip


def test_joan_on_salbutamol_prednisolone_and_a_water_pill_is_told_they_lower_potassium_together(screener) -> None:
    urgency, _, texts, _ = _screen(screener, JOAN)
    assert urgency == "urgent"
    text = texts["reliever_with_other_potassium_lowering_medicines"]
    assert text.startswith("You take salbutamol, prednisolone and bendroflumethiazide.")
    assert "together they can lower potassium more than any one alone" in text
    assert "three or more times a week" in text and "review soon" in text and "do not stop any of them" in text


def test_salbutamol_alone_gets_no_combination_line(screener) -> None:
    _, codes, _, _ = _screen(screener, {**JOAN, "medications": ["salbutamol inhaler"]})
    assert "reliever_with_other_potassium_lowering_medicines" not in codes


def test_salbutamol_with_theophylline_gets_the_combination_line(screener) -> None:
    _, _, texts, _ = _screen(screener, {**JOAN, "medications": ["Ventolin", "theophylline 200mg"]})
    assert "theophylline" in texts["reliever_with_other_potassium_lowering_medicines"]


def test_salbutamol_with_spironolactone_a_water_pill_that_keeps_potassium_gets_no_combination_line(screener) -> None:
    _, codes, _, _ = _screen(screener, {**JOAN, "medications": ["salbutamol inhaler", "spironolactone 25mg"]})
    assert "reliever_with_other_potassium_lowering_medicines" not in codes


# -- m11: a man of 70 says 0 drinks a week, but his AUDIT-C answers score 10 --------------------------------
WALTER = {
    "age": 70, "sex": "male", "medications": [],
    "alcohol": {"drinks_per_week": 0, "audit_c": {"frequency": 4, "quantity": 3, "binge": 3}},
    "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none",
    "symptoms": ["fatigue", "tremor"], "red_flags_now": [], "supplements": [],
}  # fmt: skip


def test_walter_is_told_his_two_alcohol_answers_disagree_and_the_higher_was_used(screener) -> None:
    _, codes, _, warnings = _screen(screener, WALTER)
    assert any(
        w.startswith("Alcohol: the answers disagree: no alcohol in a usual week, but the AUDIT-C answers") for w in warnings
    )
    assert any("The AUDIT-C answers were used, as the safer reading" in w for w in warnings)
    assert "alcohol_support" in codes  # the safer reading stands


def test_no_drinks_and_an_audit_c_of_never_gets_no_alcohol_warning(screener) -> None:
    answers = {**WALTER, "alcohol": {"drinks_per_week": 0, "audit_c": {"frequency": 0, "quantity": 0, "binge": 0}}}
    assert not any(w.startswith("Alcohol:") for w in _screen(screener, answers)[3])


# -- m12: a woman of 55 answers "not sure" to nearly everything ----------------------------------------------
NELL = {
    "age": 55, "sex": "female", "pregnant": "unsure", "medications": ["not sure"], "diuretic_use": "unsure",
    "ppi_over_3_months": "unsure", "laxative_use": "unsure", "symptoms": ["fatigue"], "red_flags_now": [],
    "supplements": [],
}  # fmt: skip


def test_nell_who_is_not_sure_of_most_answers_is_told_the_result_is_not_reassurance(screener) -> None:
    _, _, _, warnings = _screen(screener, NELL)
    note = next(w for w in warnings if w.startswith("most answers were 'not sure'"))
    assert "the medicines taken" in note and "laxatives" in note and "not reassurance" in note


def test_nells_ppi_warning_says_she_was_not_sure_not_that_a_duration_was_given(screener) -> None:
    _, _, _, warnings = _screen(screener, NELL)
    assert not any("a duration was given" in w for w in warnings)
    assert any("you were not sure whether you have taken one for more than 3 months" in w for w in warnings)


def test_a_yes_to_the_ppi_question_with_no_ppi_listed_says_so(screener) -> None:
    _, _, _, warnings = _screen(screener, {**NELL, "ppi_over_3_months": "yes"})
    assert any("you said you have taken one for more than 3 months" in w for w in warnings)


def test_two_not_sure_answers_among_firm_ones_bring_no_note(screener) -> None:
    answers = {**NELL, "medications": ["ramipril"], "laxative_use": "none", "pregnant": "no"}
    assert not any(w.startswith("most answers were 'not sure'") for w in _screen(screener, answers)[3])
