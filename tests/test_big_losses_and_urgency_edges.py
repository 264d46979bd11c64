"""Big gut losses and urgency edges (newcomer review A1 and A6, round 4).

A newcomer screened whole people and found:

- a woman of 30 with 10 loose stools a day for 6 days, every core section answered, was told
  potassium depletion was unlikely, that no clinician visit was needed, and "These answers do not
  point to low magnesium or potassium"; at 13 days she was sent to a clinician within days, but
  potassium stayed unlikely. Heavy diarrhea (6 or more loose stools a day for 3 days or more),
  diarrhea of 3 or more a day beyond 7 days, and vomiting beyond 2 days (the NHS points for seeing
  a GP) now make potassium depletion possible on their own, and heavy diarrhea is "see a clinician
  within days";
- a man of 70 with kidney disease, spironolactone, lisinopril, potassium pills he chose himself
  and muscle weakness, with no potassium result, was told "within days": he now gets "today";
- a woman of 50 with magnesium 0.35 mmol/L this week and tetany-like spasms was told "today":
  severe symptomatic low magnesium is treated in hospital, so it is now "seek emergency care now".

And from vignette review 4 (M1): a young man with type 1 diabetes after ketoacidosis, with low
potassium and magnesium results, is told to have them rechecked with phosphate.
"""

from __future__ import annotations

from typing import Any

from result_support import codes, flat, rules_fired, text_of
from test_causes_from_medicines import KAI

WOMAN_WITH_TEN_STOOLS_A_DAY_FOR_SIX_DAYS = {
    "age": 30,
    "sex": "female",
    "medications": [],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": True, "days": 6, "stools_per_day": 10},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "symptoms": [],
    "red_flags_now": [],
}
MAN_VOMITING_TWICE_A_DAY_FOR_FOUR_DAYS = {
    "age": 41,
    "sex": "male",
    "medications": [],
    "alcohol": {"drinks_per_week": 2},
    "diarrhea": {"present": False},
    "vomiting": {"present": True, "days": 4, "episodes_per_day": 2},
    "laxative_use": "none",
    "symptoms": [],
    "red_flags_now": [],
}
MAN_WITH_KIDNEY_DISEASE_TAKING_HIS_OWN_POTASSIUM_AND_WEAK = {
    "age": 70,
    "sex": "male",
    "conditions": ["chronic_kidney_disease"],
    "medications": ["spironolactone", "lisinopril"],
    "supplements": ["potassium"],
    "symptoms": ["muscle_weakness"],
    "red_flags_now": [],
}
WOMAN_WITH_MAGNESIUM_0_35_AND_SPASMS = {
    "age": 50,
    "labs": {"magnesium": {"value": 0.35, "unit": "mmol/L", "taken": "last_7_days"}},
    "symptoms": ["muscle_spasm_tetany", "numbness_tingling"],
    "red_flags_now": [],
}

# Kai, 22, on insulin after ketoacidosis (tests/test_causes_from_medicines.py).
YOUNG_MAN_WITH_TYPE_1_DIABETES_AFTER_KETOACIDOSIS = KAI


def _with(answers: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**answers, **changes}


def test_ten_loose_stools_a_day_for_six_days_make_low_potassium_possible_and_a_visit_within_days(
    screener: Any,
) -> None:
    result = screener.screen(WOMAN_WITH_TEN_STOOLS_A_DAY_FOR_SIX_DAYS)
    assert result.potassium_depletion == "possible"
    assert result.urgency == "soon"
    assert "general_advice" not in codes(result)  # "These answers do not point to low ... potassium"
    assert {"heavy_diarrhea", "potassium_possible_large_or_lasting_gut_losses", "soon_heavy_diarrhea"} <= rules_fired(result)


def test_ten_loose_stools_a_day_for_thirteen_days_make_low_potassium_possible_not_unlikely(screener: Any) -> None:
    result = screener.screen(_with(WOMAN_WITH_TEN_STOOLS_A_DAY_FOR_SIX_DAYS, diarrhea={"present": True, "days": 13, "stools_per_day": 10}))
    assert result.potassium_depletion == "possible"
    assert result.urgency == "soon"


def test_three_loose_stools_a_day_beyond_a_week_make_low_potassium_possible(screener: Any) -> None:
    result = screener.screen(_with(WOMAN_WITH_TEN_STOOLS_A_DAY_FOR_SIX_DAYS, diarrhea={"present": True, "days": 8, "stools_per_day": 3}))
    assert result.potassium_depletion == "possible"
    assert result.urgency == "soon"
    assert "general_advice" not in codes(result)


def test_a_short_or_light_bout_of_diarrhea_is_still_only_a_background_loss(screener: Any) -> None:
    for diarrhea in ({"present": True, "days": 2, "stools_per_day": 10}, {"present": True, "days": 6, "stools_per_day": 4}):
        result = screener.screen(_with(WOMAN_WITH_TEN_STOOLS_A_DAY_FOR_SIX_DAYS, diarrhea=diarrhea))
        assert result.potassium_depletion == "unlikely", diarrhea
        assert result.urgency == "none", diarrhea


def test_a_normal_potassium_taken_this_week_still_caps_heavy_diarrhea(screener: Any) -> None:
    answers = _with(
        WOMAN_WITH_TEN_STOOLS_A_DAY_FOR_SIX_DAYS, labs={"potassium": {"value": 4.1, "unit": "mmol/L", "taken": "last_7_days"}}
    )
    result = screener.screen(answers)
    assert result.potassium_depletion == "unlikely"
    assert result.urgency == "soon"  # the losses still need a clinician within days


def test_vomiting_for_more_than_two_days_makes_low_potassium_possible(screener: Any) -> None:
    result = screener.screen(MAN_VOMITING_TWICE_A_DAY_FOR_FOUR_DAYS)
    assert result.potassium_depletion == "possible"
    assert result.urgency == "soon"
    assert "general_advice" not in codes(result)


def test_vomiting_for_two_days_is_not_yet_enough_on_its_own(screener: Any) -> None:
    result = screener.screen(_with(MAN_VOMITING_TWICE_A_DAY_FOR_FOUR_DAYS, vomiting={"present": True, "days": 2, "episodes_per_day": 2}))
    assert result.potassium_depletion == "unlikely"


def test_a_man_with_kidney_disease_taking_his_own_potassium_and_weak_is_told_today(screener: Any) -> None:
    result = screener.screen(MAN_WITH_KIDNEY_DISEASE_TAKING_HIS_OWN_POTASSIUM_AND_WEAK)
    assert result.urgency == "urgent"
    assert "urgent_own_potassium_kept_for_more_than_one_reason_with_a_symptom" in rules_fired(result)


def test_palpitations_count_as_his_symptom_too(screener: Any) -> None:
    result = screener.screen(_with(MAN_WITH_KIDNEY_DISEASE_TAKING_HIS_OWN_POTASSIUM_AND_WEAK, symptoms=["palpitations"]))
    assert result.urgency == "urgent"


def test_without_a_symptom_or_without_his_own_potassium_it_stays_within_days_or_less(screener: Any) -> None:
    no_symptom = screener.screen(_with(MAN_WITH_KIDNEY_DISEASE_TAKING_HIS_OWN_POTASSIUM_AND_WEAK, symptoms=[]))
    assert no_symptom.urgency == "soon"
    no_own_potassium = screener.screen(_with(MAN_WITH_KIDNEY_DISEASE_TAKING_HIS_OWN_POTASSIUM_AND_WEAK, supplements=[]))
    assert no_own_potassium.urgency != "urgent"


def test_a_normal_potassium_from_this_week_means_his_weakness_is_not_sent_today(screener: Any) -> None:
    answers = _with(
        MAN_WITH_KIDNEY_DISEASE_TAKING_HIS_OWN_POTASSIUM_AND_WEAK,
        labs={"potassium": {"value": 4.6, "unit": "mmol/L", "taken": "last_7_days"}},
    )
    result = screener.screen(answers)
    assert "urgent_own_potassium_kept_for_more_than_one_reason_with_a_symptom" not in rules_fired(result)
    assert result.urgency == "soon"


def test_magnesium_0_35_this_week_with_spasms_is_an_emergency(screener: Any) -> None:
    result = screener.screen(WOMAN_WITH_MAGNESIUM_0_35_AND_SPASMS)
    assert result.urgency == "emergency"
    assert codes(result)[0] == "seek_emergency_care"


def test_magnesium_0_35_with_an_irregular_heartbeat_is_an_emergency(screener: Any) -> None:
    result = screener.screen(_with(WOMAN_WITH_MAGNESIUM_0_35_AND_SPASMS, symptoms=["irregular_heartbeat"]))
    assert result.urgency == "emergency"


def test_magnesium_0_35_without_spasms_or_rhythm_symptoms_stays_today(screener: Any) -> None:
    result = screener.screen(_with(WOMAN_WITH_MAGNESIUM_0_35_AND_SPASMS, symptoms=["numbness_tingling"]))
    assert result.urgency == "urgent"


def test_an_older_magnesium_0_35_with_spasms_stays_today(screener: Any) -> None:
    answers = _with(
        WOMAN_WITH_MAGNESIUM_0_35_AND_SPASMS, labs={"magnesium": {"value": 0.35, "unit": "mmol/L", "taken": "last_30_days"}}
    )
    assert screener.screen(answers).urgency == "urgent"


def test_potassium_below_2_5_this_week_was_already_an_emergency(screener: Any) -> None:
    answers = {
        "age": 50,
        "labs": {"potassium": {"value": 2.3, "unit": "mmol/L", "taken": "last_7_days"}},
        "symptoms": ["muscle_weakness"],
        "red_flags_now": [],
    }
    assert screener.screen(answers).urgency == "emergency"


def test_a_young_man_with_type_1_diabetes_after_ketoacidosis_is_told_to_recheck_with_phosphate(screener: Any) -> None:
    result = screener.screen(YOUNG_MAN_WITH_TYPE_1_DIABETES_AFTER_KETOACIDOSIS)
    text = flat(text_of(result, "check_magnesium"))
    assert "phosphate" in text
    assert "ketoacidosis" in text
    assert "ask_about_kidney_salt_wasting" not in codes(result)


def test_without_insulin_or_type_1_diabetes_the_low_magnesium_line_does_not_name_phosphate(screener: Any) -> None:
    answers = _with(YOUNG_MAN_WITH_TYPE_1_DIABETES_AFTER_KETOACIDOSIS, conditions=[], medications=[])
    assert "phosphate" not in flat(text_of(screener.screen(answers), "check_magnesium"))
