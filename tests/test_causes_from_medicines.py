"""Causes read from the medicine list (clinical vignette review 4, 2026-11-30): each finding fixed,
as the person the reviewer described.

U1, a stimulant laxative in the medicine list counts as regular use whatever the laxative question
says, with a warning naming both answers, and never beside "none of the usual causes"; case 22, a
"no" to the water-pill question beside a listed diuretic is warned about; M1, insulin and type 1
diabetes are usual causes of low potassium and magnesium; M2, a potassium of 5.5 to 5.9 with more
than one reason to keep potassium and a symptom a high potassium can cause is same-day. The reasons
and sources are in the README ("Causes read from the medicine list (round 4)").
"""

from __future__ import annotations

from typing import Any

import pytest
from result_support import all_advice, codes, rules_fired
from test_clinical_cases import check_always_true

from screener import ScreeningResult


def screen(screener: Any, answers: dict[str, Any]) -> ScreeningResult:
    result = screener.screen(answers)
    check_always_true(result)
    return result


def warnings_about(result: ScreeningResult, start: str) -> list[str]:
    return [warning for warning in result.warnings if warning.startswith(start)]


# -- U1: senna in the list, "laxatives: none" ---------------------------------------------------
# Case 07: a 27-year-old woman, ten senna tablets a night in her medicine list, who answers "No" to
# laxatives; weak and tired, potassium 2.9 and magnesium 0.62. Concealed laxative use is the first
# mimic of Gitelman syndrome to rule out.

SASHA = {
    "age": 27,
    "sex": "female",
    "pregnant": "no",
    "medications": ["senna 7.5mg x10 nightly"],
    "laxative_use": "none",
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "symptoms": ["fatigue", "muscle_weakness"],
    "red_flags_now": [],
    "supplements": [],
}
SASHAS_RESULTS = {
    "potassium": {"value": 2.9, "unit": "mmol/L", "taken": "last_7_days"},
    "magnesium": {"value": 0.62, "unit": "mmol/L", "taken": "last_7_days"},
}


def test_sasha_whose_listed_senna_is_counted_though_she_answered_no_laxatives(screener: Any) -> None:
    result = screen(screener, {**SASHA, "labs": SASHAS_RESULTS})
    assert "regular_laxatives" in result.risk_factors
    assert (result.combined_depletion, result.urgency) == ("likely", "urgent")
    # Senna is a usual cause: no "none of the usual causes ... Gitelman" beside it.
    assert "ask_about_kidney_salt_wasting" not in codes(result)
    assert "Gitelman" not in all_advice(result)


def test_sasha_is_told_her_two_answers_disagree(screener: Any) -> None:
    result = screen(screener, {**SASHA, "labs": SASHAS_RESULTS})
    (warning,) = warnings_about(result, "Laxatives:")
    # Both answers named: the "No" she gave and the stimulant laxative in her list.
    assert "'No'" in warning
    assert "stimulant laxative" in warning
    assert "in your medicine list" in warning
    assert "counted as taken regularly" in warning


def test_sasha_without_blood_results_gets_no_all_clear(screener: Any) -> None:
    # Probe 07b: the same answers, no blood results, cramps and tiredness.
    result = screen(screener, {**SASHA, "symptoms": ["fatigue", "muscle_cramps"]})
    assert "regular_laxatives" in result.risk_factors
    assert result.combined_depletion != "unlikely"
    assert result.urgency != "none"
    assert "general_advice" not in codes(result)
    assert warnings_about(result, "Laxatives:")


def test_sasha_answering_now_and_then_still_has_her_nightly_senna_counted(screener: Any) -> None:
    result = screen(screener, {**SASHA, "laxative_use": "occasional", "labs": SASHAS_RESULTS})
    assert "regular_laxatives" in result.risk_factors
    assert "ask_about_kidney_salt_wasting" not in codes(result)
    (warning,) = warnings_about(result, "Laxatives:")
    assert "'Now and then'" in warning
    assert "stimulant laxative" in warning


def test_sasha_saying_her_laxative_is_osmotic_is_told_senna_is_a_stimulant(screener: Any) -> None:
    result = screen(screener, {**SASHA, "laxative_use": "regular", "laxative_type": "osmotic"})
    assert "regular_laxatives" in result.risk_factors
    (warning,) = warnings_about(result, "Kind of laxative:")
    assert "not a stimulant" in warning
    assert "stimulant laxative" in warning


@pytest.mark.parametrize("laxative_use", ["regular", "unsure", None])
def test_senna_with_answers_that_agree_brings_no_warning(screener: Any, laxative_use: str | None) -> None:
    answers = {key: value for key, value in SASHA.items() if key != "laxative_use"}
    if laxative_use is not None:
        answers["laxative_use"] = laxative_use
    result = screen(screener, answers)
    assert "regular_laxatives" in result.risk_factors
    assert not warnings_about(result, "Laxatives:")
    assert not warnings_about(result, "Kind of laxative:")


def test_a_listed_osmotic_laxative_is_still_not_counted(screener: Any) -> None:
    result = screen(screener, {**SASHA, "medications": ["lactulose 15ml bd"]})
    assert "regular_laxatives" not in result.risk_factors
    assert not warnings_about(result, "Laxatives:")


# -- Case 22: "water pill: No" beside furosemide --------------------------------------------------
# A 70-year-old man with cramps who lists furosemide 40 mg and answers "No" to the water-pill
# question. The list wins (the spec: "no never overrides a listed diuretic"); now he is also told
# that his answers disagree.

GORDON = {
    "age": 70,
    "sex": "male",
    "diuretic_use": "no",
    "medications": ["furosemide 40mg"],
    "alcohol": {"drinks_per_week": 5},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "symptoms": ["muscle_cramps"],
    "red_flags_now": [],
    "supplements": [],
}


def test_gordon_whose_furosemide_is_counted_is_told_he_answered_no_to_water_pills(screener: Any) -> None:
    result = screen(screener, GORDON)
    assert "loop_diuretic" in result.risk_factors
    assert (result.combined_depletion, result.urgency) == ("possible", "routine")
    (warning,) = warnings_about(result, "Water pill (diuretic):")
    assert "'No'" in warning
    assert "a diuretic is in your medicine list" in warning
    assert "It was counted" in warning


@pytest.mark.parametrize("diuretic_use", ["yes", None])
def test_gordon_whose_answers_agree_gets_no_water_pill_warning(screener: Any, diuretic_use: str | None) -> None:
    answers = {key: value for key, value in GORDON.items() if key != "diuretic_use"}
    if diuretic_use is not None:
        answers["diuretic_use"] = diuretic_use
    assert not warnings_about(screen(screener, answers), "Water pill (diuretic):")


def test_a_no_to_water_pills_with_no_diuretic_listed_brings_no_warning(screener: Any) -> None:
    result = screen(screener, {**GORDON, "medications": ["amlodipine 5mg"]})
    assert not warnings_about(result, "Water pill (diuretic):")


# -- M1: type 1 diabetes on insulin after diabetic ketoacidosis -----------------------------------
# Case 16: a 22-year-old man, weeks after DKA, on insulin glargine and aspart, cramps, tiredness and
# weakness; potassium 3.3, magnesium 0.66. Insulin moves potassium into cells and DKA drains both
# minerals: a usual cause, not a reason to suspect Gitelman syndrome.

KAI = {
    "age": 22,
    "sex": "male",
    "conditions": ["type_1_diabetes"],
    "medications": ["insulin glargine", "insulin aspart"],
    "alcohol": {"drinks_per_week": 2},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "symptoms": ["muscle_cramps", "fatigue", "muscle_weakness"],
    "red_flags_now": [],
    "supplements": [],
    "labs": {
        "potassium": {"value": 3.3, "unit": "mmol/L", "taken": "last_7_days"},
        "magnesium": {"value": 0.66, "unit": "mmol/L", "taken": "last_7_days"},
    },
}


def test_kai_on_insulin_after_ketoacidosis_is_not_sent_looking_for_gitelman(screener: Any) -> None:
    result = screen(screener, KAI)
    assert (result.combined_depletion, result.urgency) == ("likely", "soon")
    assert "low_potassium_and_magnesium_with_insulin" in rules_fired(result)
    assert "ask_about_kidney_salt_wasting" not in codes(result)
    assert "Gitelman" not in all_advice(result)
    assert "check_magnesium" in codes(result)


def test_kai_with_his_insulin_left_off_the_list_still_has_type_1_diabetes_as_a_cause(screener: Any) -> None:
    result = screen(screener, {**KAI, "medications": []})
    assert "ask_about_kidney_salt_wasting" not in codes(result)


def test_kai_with_a_potassium_given_only_as_below_3_0_is_not_sent_looking_for_gitelman(screener: Any) -> None:
    labs = {**KAI["labs"], "potassium": {"below": 3.0, "unit": "mmol/L", "taken": "last_7_days"}}
    assert "ask_about_kidney_salt_wasting" not in codes(screen(screener, {**KAI, "labs": labs}))


def test_kai_with_normal_results_has_no_usual_cause_finding(screener: Any) -> None:
    labs = {
        "potassium": {"value": 4.2, "unit": "mmol/L", "taken": "last_7_days"},
        "magnesium": {"value": 0.85, "unit": "mmol/L", "taken": "last_7_days"},
    }
    assert "low_potassium_and_magnesium_with_insulin" not in rules_fired(screen(screener, {**KAI, "labs": labs}))


def test_a_person_on_insulin_without_type_1_diabetes_has_it_counted_too(screener: Any) -> None:
    result = screen(screener, {**KAI, "conditions": ["type_2_diabetes"], "age": 60})
    assert "ask_about_kidney_salt_wasting" not in codes(result)


def test_kai_without_diabetes_or_insulin_would_be_asked_about_the_kidneys(screener: Any) -> None:
    # The guard: the same results with no usual cause still bring the Gitelman advice.
    result = screen(screener, {**KAI, "conditions": [], "medications": []})
    assert "ask_about_kidney_salt_wasting" in codes(result)


# -- M2: trimethoprim with spironolactone, potassium 5.8 and weakness ----------------------------
# Case 35: an 82-year-old man with heart failure on spironolactone, given trimethoprim; muscle
# weakness; potassium 5.8. Trimethoprim with spironolactone: adjusted odds ratio 12.4 for admission
# with high potassium (Antoniou, BMJ 2011); a symptomatic mild hyperkalaemia is referred urgently.

HAROLD = {
    "age": 82,
    "sex": "male",
    "conditions": ["heart_failure"],
    "medications": ["trimethoprim 200mg bd", "spironolactone 25mg", "bisoprolol 2.5mg"],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "symptoms": ["muscle_weakness"],
    "red_flags_now": [],
    "supplements": [],
    "labs": {"potassium": {"value": 5.8, "unit": "mmol/L", "taken": "last_7_days"}},
}


def test_harold_weak_on_trimethoprim_and_spironolactone_with_potassium_5_8_is_seen_today(screener: Any) -> None:
    result = screen(screener, HAROLD)
    assert result.urgency == "urgent"
    assert "urgent_high_potassium_kept_for_more_than_one_reason_with_a_symptom" in rules_fired(result)
    assert codes(result)[0] == "contact_clinician_today"
    # Beside same-day advice the high-potassium line does not say "repeat within days".
    assert "repeated within days" not in all_advice(result)
    # Review 5 (M5): the same-day line names the symptom and the medicines that keep potassium.
    assert "You reported muscle weakness, which a high potassium can cause" in all_advice(result)
    assert "spironolactone and trimethoprim" in all_advice(result)


@pytest.mark.parametrize("symptom", ["palpitations", "irregular_heartbeat", "nausea_poor_appetite"])
def test_harold_with_another_symptom_a_high_potassium_can_cause_is_seen_today(screener: Any, symptom: str) -> None:
    assert screen(screener, {**HAROLD, "symptoms": [symptom]}).urgency == "urgent"


def test_harold_with_no_symptom_is_seen_within_days(screener: Any) -> None:
    assert screen(screener, {**HAROLD, "symptoms": []}).urgency == "soon"


def test_harold_weak_on_spironolactone_alone_at_50_is_seen_within_days(screener: Any) -> None:
    # One reason to keep potassium, not a combination: the band's own "within days" stands.
    answers = {**HAROLD, "age": 50, "medications": ["spironolactone 25mg", "bisoprolol 2.5mg"]}
    assert screen(screener, answers).urgency == "soon"


def test_harold_weak_with_a_potassium_of_5_4_is_not_made_same_day(screener: Any) -> None:
    labs = {"potassium": {"value": 5.4, "unit": "mmol/L", "taken": "last_7_days"}}
    assert screen(screener, {**HAROLD, "labs": labs}).urgency != "urgent"


def test_harold_weak_with_an_older_potassium_of_5_8_is_not_made_same_day_by_it(screener: Any) -> None:
    labs = {"potassium": {"value": 5.8, "unit": "mmol/L", "taken": "older"}}
    assert screen(screener, {**HAROLD, "labs": labs}).urgency != "urgent"


def test_harold_weak_with_a_potassium_given_only_as_above_5_5_is_seen_today(screener: Any) -> None:
    labs = {"potassium": {"above": 5.5, "unit": "mmol/L", "taken": "last_7_days"}}
    assert screen(screener, {**HAROLD, "labs": labs}).urgency == "urgent"
