"""Clinical cases: one person each, checked against screening-logic.md.

The people that version 2 is about (one or more for each numbered change) are in
test_clinical_v2_cases.py; the cases here were updated where version 2 changed their result.

Each test describes a person and checks the headline, the two component levels, the urgency and
the advice that matters for them. Every result is also checked for what must always hold: the
disclaimer, ``consult_clinician`` whenever urgency is not none, and the order of the findings.
"""

from __future__ import annotations

from typing import Any

from result_support import codes, text_of

from screener.contract.result import ScreeningResult

# The chain of steps in the order the spec gives it (section 7), written out here rather than
# read from the ruleset so that a reordered manifest is caught.
STEP_ORDER = (
    "derived_facts", "lab_facts", "dependent_facts", "risk_factors", "levels", "level_caps", "headline",
    "urgency", "medicine_urgency", "recommendations",
    "medicine_advice",
)  # fmt: skip
ALL_SECTIONS = {
    "age", "sex", "medications", "diuretic_use", "ppi_over_3_months", "alcohol", "diarrhea", "vomiting",
    "laxative_use", "laxative_type", "diet", "conditions", "symptoms", "red_flags_now", "supplements",
    "low_potassium_despite_supplements", "labs",
}  # fmt: skip
FOLLOW_UP_SECTIONS = {"ppi_over_3_months", "laxative_type", "low_potassium_despite_supplements"}
LASIX = "Lasix 40 mg"


def screen(screener: Any, answers: dict[str, Any]) -> ScreeningResult:
    result = screener.screen(answers)
    check_always_true(result)
    return result


def check_always_true(result: ScreeningResult) -> None:
    assert "not a diagnosis" in result.disclaimer
    assert result.consult_clinician is (result.urgency != "none")
    keys = [(not finding.red_flag, STEP_ORDER.index(finding.step), finding.rule) for finding in result.findings]
    assert keys == sorted(keys), "findings: red flags first, then by step, then by rule id"
    assert len({finding.rule for finding in result.findings}) == len(result.findings)
    if result.red_flags:
        assert result.findings[0].red_flag
        assert result.urgency in ("urgent", "emergency")
    urgency_code = {
        "emergency": "seek_emergency_care", "urgent": "contact_clinician_today", "soon": "see_clinician_soon",
        "routine": "discuss_at_next_visit", "none": "general_advice",
    }[result.urgency]  # fmt: skip
    if result.coverage == "none" and result.urgency == "none":
        urgency_code = "answer_more_questions"  # never general advice for a record with no core answer
    if _core_sections_answered(result) in (1, 2) and result.urgency == "none":
        urgency_code = "answer_the_core_questions"  # nor for one with one or two (README departures)
    recommendation_codes = codes(result)
    assert urgency_code in recommendation_codes
    if result.urgency != "none" or urgency_code != "general_advice":
        # the how-soon advice comes first; "not enough answers" too, when there is no how-soon line
        assert recommendation_codes[0] == urgency_code, "the how-soon advice comes first"
    else:
        assert recommendation_codes[-1] == urgency_code


def _core_sections_answered(result: ScreeningResult) -> int:
    core = (("medications", "diuretic_use"), ("alcohol",), ("diarrhea", "vomiting", "laxative_use"), ("symptoms",))
    return sum(not set(fields) <= set(result.unanswered_sections) for fields in core)




def fired(result: ScreeningResult) -> set[str]:
    return {finding.rule for finding in result.findings}


def levels(result: ScreeningResult) -> tuple[str, str, str]:
    """(combined, magnesium, potassium)"""
    return result.combined_depletion, result.magnesium_depletion, result.potassium_depletion


def k_lab(value: float, taken: str | None = "last_7_days") -> dict[str, Any]:
    lab: dict[str, Any] = {"value": value, "unit": "mmol/L"}
    if taken:
        lab["taken"] = taken
    return {"potassium": lab}


# -- diuretics and the potassium cap ------------------------------------------------------------
def test_retired_teacher_on_furosemide_with_cramps_is_possible_combined(screener: Any) -> None:
    result = screen(screener, {"age": 70, "sex": "female", "medications": [LASIX], "symptoms": ["muscle_cramps"]})
    assert levels(result) == ("possible", "possible", "possible")
    assert result.urgency == "routine"
    assert result.risk_factors == ["loop_diuretic", "older_adult"]
    assert codes(result) == [
        "discuss_at_next_visit", "check_magnesium_with_potassium",  # one magnesium-test line (coherence review, M3)
        "keep_taking_prescribed_medicines", "food_sources",
        "core_questions_not_answered",  # alcohol and gut losses not answered (vignette review 4, M5)
    ]  # fmt: skip
    assert result.next_level_missing, "a possible headline says what would make it likely"
    assert result.red_flags == []


def test_man_on_furosemide_with_a_normal_potassium_result_has_potassium_capped(screener: Any) -> None:
    result = screen(
        screener, {"medications": [LASIX], "symptoms": ["muscle_cramps", "muscle_twitches"], "labs": k_lab(4.2)}
    )
    assert levels(result) == ("unlikely", "possible", "unlikely")
    assert "potassium_capped_by_normal_result" in fired(result)
    # the diuretic still counts for magnesium, and the advice says to check it
    assert result.urgency == "routine"
    assert "check_magnesium" in codes(result)
    assert "check_magnesium_with_potassium" not in codes(result)


def test_man_on_furosemide_with_a_normal_potassium_result_is_not_told_more_risk_factors_would_raise_it(
    screener: Any,
) -> None:
    # He already has the diuretic (a both-loss factor): what keeps potassium down is his current
    # normal result, so "what would change the headline" names that cap, not more risk factors.
    result = screen(screener, {"medications": [LASIX], "symptoms": ["muscle_cramps"], "labs": k_lab(4.2)})
    assert levels(result) == ("unlikely", "possible", "unlikely")
    (through_potassium,) = [line for line in result.next_level_missing if "potassium depletion possible" in line]
    assert "held there by: Current normal or high potassium result" in through_potassium
    assert "reached by any of" not in through_potassium


def test_woman_on_furosemide_with_a_current_high_magnesium_is_told_what_holds_magnesium_down(screener: Any) -> None:
    # In mg/dL (1.32 mmol/L): a high number in mmol/L with no kidney disease or magnesium intake asks
    # for its unit to be checked and holds nothing down (third clinical review, U1).
    magnesium = {"magnesium": {"value": 3.2, "unit": "mg/dL", "taken": "last_7_days"}}
    result = screen(screener, {"sex": "female", "medications": [LASIX], "symptoms": ["muscle_cramps"], "labs": magnesium})
    assert levels(result) == ("unlikely", "unlikely", "possible")
    assert result.next_level_missing == [
        "combined magnesium and potassium depletion would be possible with magnesium depletion possible or likely "
        "(now: unlikely; held there by: Current high magnesium result: magnesium depletion unlikely now) "
        "(Magnesium and potassium both at least possible: combined possible)"
    ]


def test_man_on_furosemide_with_an_old_normal_potassium_result_is_not_capped(screener: Any) -> None:
    # A result older than 30 days caps nothing: the way up is more findings, named as such.
    result = screen(screener, {"medications": [LASIX], "labs": k_lab(4.2, "older")})
    assert "potassium_capped_by_normal_result" not in fired(result)
    assert not any("held there by" in line for line in result.next_level_missing)


def test_woman_with_a_low_potassium_result_and_nothing_else_needs_magnesium_checked(screener: Any) -> None:
    result = screen(screener, {"sex": "female", "age": 45, "labs": k_lab(3.1)})
    assert levels(result) == ("possible", "possible", "likely")
    assert result.urgency == "soon"
    # "not enough answers" straight after the how-soon line (coherence review H7)
    assert codes(result)[:3] == ["see_clinician_soon", "answer_more_questions", "check_magnesium_with_potassium"]
    assert "check_magnesium" not in codes(result), "one line asks for both tests (coherence review, M3)"
    assert "magnesium blood test" in text_of(result, "check_magnesium_with_potassium")
    assert result.next_level_missing


def test_man_with_a_low_potassium_result_on_a_diuretic_is_likely_combined(screener: Any) -> None:
    result = screen(screener, {"sex": "male", "medications": ["hydrochlorothiazide 25 mg"], "labs": k_lab(3.2)})
    assert levels(result) == ("likely", "likely", "likely")
    assert "magnesium_likely_low_potassium_with_risk_factor" in fired(result)
    assert result.urgency == "soon"
    assert result.next_level_missing == []


def test_patient_whose_potassium_stays_low_despite_replacement_is_likely_combined(screener: Any) -> None:
    result = screen(screener, {"low_potassium_despite_supplements": True, "supplements": ["potassium_prescribed"]})
    assert levels(result) == ("likely", "likely", "likely")
    assert result.urgency == "soon"
    assert codes(result)[:3] == ["see_clinician_soon", "answer_more_questions", "check_magnesium_with_potassium"]


def test_refractory_low_potassium_is_not_capped_by_a_normal_result(screener: Any) -> None:
    result = screen(screener, {"low_potassium_despite_supplements": True, "labs": k_lab(3.6)})
    assert levels(result) == ("likely", "likely", "likely")
    assert "potassium_capped_by_normal_result" not in fired(result)


def test_woman_with_low_magnesium_on_a_thiazide_is_likely_combined(screener: Any) -> None:
    result = screen(
        screener,
        {
            "sex": "female",
            "medications": ["chlorthalidone 25 mg"],
            "labs": {"magnesium": {"value": 0.61, "unit": "mmol/L"}},
        },
    )
    assert levels(result) == ("likely", "likely", "possible")
    assert result.urgency == "soon"


def test_man_on_furosemide_with_cramps_and_twitches_is_likely_combined(screener: Any) -> None:
    result = screen(screener, {"sex": "male", "medications": [LASIX], "symptoms": ["muscle_cramps", "muscle_twitches"]})
    # both components only possible: the headline exceeds them (both-loss factor + specific symptom)
    assert levels(result) == ("likely", "possible", "possible")
    assert "combined_likely_both_loss_with_specific_symptoms" in fired(result)
    assert result.urgency == "soon"


def test_same_man_with_a_normal_potassium_result_is_not_likely_combined(screener: Any) -> None:
    result = screen(
        screener,
        {"sex": "male", "medications": [LASIX], "symptoms": ["muscle_cramps", "muscle_twitches"], "labs": k_lab(4.0)},
    )
    assert levels(result) == ("unlikely", "possible", "unlikely")
    assert "combined_likely_both_loss_with_specific_symptoms" not in fired(result)
    assert result.urgency == "routine"


def test_patient_on_dyazide_counts_the_thiazide_for_magnesium_only(screener: Any) -> None:
    result = screen(screener, {"medications": ["Dyazide"]})
    assert result.risk_factors == ["protected_diuretic"]
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert result.urgency == "none"
    # triamterene is a potassium-retention caution; caution advice still appears with urgency none
    # (and, with only the medicines answered, the advice on few answers in place of the general one)
    assert codes(result) == ["answer_the_core_questions", "keep_taking_prescribed_medicines", "no_potassium_self_supplement"]


def test_patient_on_dyazide_with_cramps_has_possible_magnesium_depletion_only(screener: Any) -> None:
    result = screen(screener, {"medications": ["Dyazide"], "symptoms": ["muscle_cramps"]})
    assert levels(result) == ("unlikely", "possible", "unlikely")
    assert result.urgency == "routine"
    assert text_of(result, "food_sources").startswith("Foods rich in magnesium:")


def test_patient_on_lisinopril_hctz_gets_food_advice_with_a_potassium_caution(screener: Any) -> None:
    result = screen(screener, {"medications": ["lisinopril-HCTZ 20-25"]})
    assert result.risk_factors == ["thiazide_diuretic"]
    assert levels(result) == ("possible", "possible", "possible")
    assert result.urgency == "routine"
    assert "no_potassium_self_supplement" in codes(result)
    food = text_of(result, "food_sources")
    assert food.startswith("Foods rich in magnesium:")
    assert "check potassium-rich foods" in food


def test_heart_failure_patient_on_furosemide_should_be_seen_soon(screener: Any) -> None:
    result = screen(screener, {"conditions": ["heart_failure"], "medications": ["furosemide 80 mg"]})
    assert levels(result) == ("possible", "possible", "possible")
    assert result.urgency == "soon"
    assert "soon_heart_failure_with_depletion" in fired(result)


def test_person_with_a_water_pill_of_unknown_type_is_possible_combined(screener: Any) -> None:
    result = screen(screener, {"diuretic_use": "yes", "medications": ["metformin 500 mg"]})
    assert "diuretic_unknown_type" in result.risk_factors
    assert levels(result) == ("possible", "possible", "possible")
    # Metformin is recognised (a sick-day medicine for the advice only, not a diuretic), so the
    # water pill is still of unknown type.
    assert [entry.matches[0].drug_class for entry in result.medications_recognised] == ["metformin"]
    assert not any("metformin" in warning for warning in result.warnings)


# -- potassium intake and retention -------------------------------------------------------------
def test_man_with_kidney_disease_taking_potassium_by_own_choice_should_be_seen_soon(screener: Any) -> None:
    result = screen(screener, {"sex": "male", "conditions": ["chronic_kidney_disease"], "supplements": ["potassium"]})
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert result.urgency == "soon"
    assert "no_potassium_self_supplement" in codes(result)
    assert "no_magnesium_self_supplement" in codes(result)


def test_heart_failure_patient_on_spironolactone_with_prescribed_potassium_should_be_seen_soon(screener: Any) -> None:
    result = screen(
        screener, {"conditions": ["heart_failure"], "medications": ["spironolactone 25 mg", "potassium chloride"]}
    )
    assert result.urgency == "soon"
    assert "soon_prescribed_potassium_with_kidney_or_sparing_risk" in fired(result)
    assert "no_potassium_self_supplement" in codes(result)


def test_hypertensive_on_lisinopril_with_prescribed_potassium_is_routine(screener: Any) -> None:
    result = screen(screener, {"conditions": ["high_blood_pressure"], "medications": ["lisinopril 20 mg", "Klor-Con"]})
    assert result.urgency == "routine"
    assert "routine_prescribed_potassium_with_retention_caution" in fired(result)
    assert "soon_prescribed_potassium_with_kidney_or_sparing_risk" not in fired(result)
    assert "no_potassium_self_supplement" in codes(result)


def test_diabetic_on_finerenone_with_prescribed_potassium_should_be_seen_soon(screener: Any) -> None:
    # finerenone blocks the mineralocorticoid receptor like spironolactone and eplerenone
    result = screen(
        screener,
        {"conditions": ["type_2_diabetes"], "medications": ["Kerendia 10 mg"], "supplements": ["potassium_prescribed"]},
    )
    assert result.urgency == "soon"
    assert "no_potassium_self_supplement" in codes(result)


def test_woman_on_ramipril_using_a_salt_substitute_should_be_seen_soon(screener: Any) -> None:
    result = screen(screener, {"sex": "female", "medications": ["ramipril 5 mg", "LoSalt"]})
    assert result.urgency == "soon"
    assert "soon_own_potassium_with_retention_caution" in fired(result)


def test_man_on_lisinopril_alone_gets_caution_advice_without_urgency(screener: Any) -> None:
    result = screen(screener, {"sex": "male", "medications": ["lisinopril 10 mg"], "alcohol": {"drinks_per_week": 3}, "symptoms": []})
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert result.urgency == "none"
    assert result.consult_clinician is False
    assert codes(result) == ["keep_taking_prescribed_medicines", "no_potassium_self_supplement", "general_advice"]


def test_man_with_kidney_disease_taking_magnesium_with_a_recent_normal_result_is_routine(screener: Any) -> None:
    # Without a recent magnesium result it is "soon" (README, "Where we departed from the written spec").
    magnesium = {"magnesium": {"value": 0.9, "unit": "mmol/L", "taken": "last_7_days"}}
    answers = {"conditions": ["chronic_kidney_disease"], "medications": ["magnesium oxide 400 mg"], "labs": magnesium}
    result = screen(screener, answers)
    assert result.urgency == "routine"
    assert "routine_kidney_disease_with_magnesium_supplement" in fired(result)
    assert "no_magnesium_self_supplement" in codes(result)


def test_dialysis_patient_gets_routine_with_a_scope_warning(screener: Any) -> None:
    result = screen(screener, {"age": 60, "conditions": ["dialysis"]})
    assert result.urgency == "routine"
    assert any("not built for people on dialysis" in warning for warning in result.warnings)
    assert {"no_potassium_self_supplement", "no_magnesium_self_supplement"} <= set(codes(result))


# -- digoxin ------------------------------------------------------------------------------------
def test_grandmother_on_digoxin_with_four_days_of_diarrhea_calls_today_with_digoxins_own_advice(screener: Any) -> None:
    # Digoxin is on no sick-day list (catalogue review 9, F3): its own line says why today, and her
    # other medicines are kept (she takes none to pause).
    result = screen(
        screener,
        {
            "age": 82,
            "sex": "female",
            "medications": ["digoxin 125 mcg"],
            "diarrhea": {"present": True, "days": 4, "stools_per_day": 5},
        },
    )
    assert result.urgency == "urgent"
    assert "urgent_digoxin_with_warning_sign" in fired(result)
    assert "urgent_sick_day_rules" not in fired(result)
    assert "digoxin_check" in codes(result) and "sick_day_medicines" not in codes(result)
    assert "fluids_for_gi_losses" in codes(result)


def test_man_on_digoxin_with_one_day_of_diarrhea_is_urgent_without_sick_day_advice(screener: Any) -> None:
    result = screen(
        screener, {"medications": ["Lanoxin"], "diarrhea": {"present": True, "days": 1, "stools_per_day": 4}}
    )
    assert result.urgency == "urgent"
    assert "urgent_digoxin_with_warning_sign" in fired(result)
    assert "sick_day_medicines" not in codes(result)
    assert "keep_taking_prescribed_medicines" in codes(result)


def test_digoxin_user_on_furosemide_needs_a_digoxin_check(screener: Any) -> None:
    result = screen(screener, {"medications": ["digoxin 62.5 mcg", LASIX]})
    assert levels(result) == ("possible", "possible", "possible")
    assert result.urgency == "soon"
    assert "digoxin_check" in codes(result)


def test_digoxin_user_with_nothing_else_still_gets_a_digoxin_check_at_the_next_visit(screener: Any) -> None:
    # v1 said nothing here; v2 (change 4): digoxin always means regular potassium and magnesium checks
    result = screen(screener, {"medications": ["digoxin 125 mcg"]})
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert result.urgency == "routine"
    assert codes(result) == [
        "discuss_at_next_visit", "digoxin_check", "keep_taking_prescribed_medicines",
        "core_questions_not_answered",  # few answers (vignette review 4, M5)
    ]  # fmt: skip


# -- age and scope ------------------------------------------------------------------------------
def test_sixteen_year_old_with_cramps_gets_an_adult_scope_warning(screener: Any) -> None:
    result = screen(screener, {"age": 16, "symptoms": ["muscle_cramps"]})
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert result.urgency == "none"  # age alone raises nothing (review 6, O6)
    assert any("built for adults" in warning for warning in result.warnings)


def test_teenager_with_a_seizure_now_still_gets_emergency_care(screener: Any) -> None:
    result = screen(screener, {"age": 15, "red_flags_now": ["seizure"]})
    assert result.urgency == "emergency"
    assert result.red_flags == ["seizure"]
    assert any("Red flags still apply" in warning for warning in result.warnings)


# -- medication names ---------------------------------------------------------------------------
def test_person_listing_an_unknown_medicine_is_warned_not_dropped(screener: Any) -> None:
    result = screen(screener, {"medications": ["Zorbax 10 mg", LASIX]})
    assert [entry.input for entry in result.medications_recognised] == ["Zorbax 10 mg", LASIX]
    assert result.medications_recognised[0].unrecognised == ["Zorbax"]
    assert any("Zorbax" in warning for warning in result.warnings)
    assert "loop_diuretic" in result.risk_factors


def test_person_using_hydrocortisone_cream_is_not_counted(screener: Any) -> None:
    result = screen(screener, {"medications": ["hydrocortisone cream 1%"], "symptoms": ["muscle_weakness"]})
    assert result.risk_factors == []
    assert result.medications_recognised[0].counted is False
    assert result.urgency == "none"


# -- red flags and urgency ----------------------------------------------------------------------
def test_woman_with_chest_pain_now_is_sent_to_emergency_care(screener: Any) -> None:
    result = screen(
        screener,
        {"sex": "female", "medications": [LASIX], "symptoms": ["muscle_cramps"], "red_flags_now": ["chest_pain"]},
    )
    assert result.urgency == "emergency"
    assert result.red_flags == ["chest_pain"]
    assert result.findings[0].rule == "red_flag_now_chest_pain"
    assert codes(result)[0] == "seek_emergency_care"
    assert levels(result) == ("possible", "possible", "possible")


def test_man_who_fainted_last_week_should_contact_a_clinician_today(screener: Any) -> None:
    result = screen(screener, {"sex": "male", "symptoms": ["fainting"]})
    assert result.urgency == "urgent"
    assert result.red_flags == ["fainting"]
    assert result.findings[0].rule == "red_flag_recent_fainting"
    assert codes(result)[0] == "contact_clinician_today"


def test_fainting_now_and_last_week_is_one_red_flag_and_an_emergency(screener: Any) -> None:
    result = screen(screener, {"symptoms": ["fainting"], "red_flags_now": ["fainting"]})
    assert result.urgency == "emergency"
    assert result.red_flags == ["fainting"]


def test_trouble_breathing_in_the_past_two_weeks_means_contacting_a_clinician_today(screener: Any) -> None:
    # v1 made this an emergency; v2 (change 11): like the other red flags of the past two weeks
    result = screen(screener, {"symptoms": ["trouble_breathing"]})
    assert result.urgency == "urgent"
    assert result.red_flags == ["trouble_breathing"]
    assert result.findings[0].rule == "red_flag_recent_trouble_breathing"


def test_confused_older_man_should_contact_a_clinician_today(screener: Any) -> None:
    result = screen(screener, {"age": 79, "sex": "male", "symptoms": ["confusion"]})
    assert result.urgency == "urgent"
    assert result.red_flags == []


def test_woman_with_tetany_should_contact_a_clinician_today(screener: Any) -> None:
    result = screen(screener, {"sex": "female", "symptoms": ["muscle_spasm_tetany"]})
    assert result.urgency == "urgent"
    assert levels(result) == ("unlikely", "unlikely", "unlikely")


def test_palpitations_alone_mean_seeing_a_clinician_soon(screener: Any) -> None:
    result = screen(screener, {"symptoms": ["palpitations"]})
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert result.urgency == "soon"


def test_palpitations_with_a_diuretic_mean_contacting_a_clinician_today(screener: Any) -> None:
    result = screen(screener, {"symptoms": ["irregular_heartbeat"], "medications": [LASIX]})
    assert levels(result) == ("possible", "possible", "possible")
    assert result.urgency == "urgent"
    assert "urgent_heart_rhythm_symptom_with_depletion" in fired(result)


def test_woman_who_cannot_keep_fluids_down_should_contact_a_clinician_today(screener: Any) -> None:
    result = screen(
        screener, {"sex": "female", "vomiting": {"present": True, "days": 1, "cannot_keep_fluids_down": True}}
    )
    assert result.urgency == "urgent"
    assert "urgent_cannot_keep_fluids_down" in fired(result)
    assert "fluids_for_gi_losses" in codes(result)


# -- lab results --------------------------------------------------------------------------------
def test_potassium_of_6_7_taken_last_week_is_an_emergency(screener: Any) -> None:
    result = screen(screener, {"conditions": ["chronic_kidney_disease"], "labs": k_lab(6.7, "last_7_days")})
    assert result.urgency == "emergency"
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert codes(result)[0] == "seek_emergency_care"
    assert "high_potassium_result" in codes(result)
    assert "potassium_extreme_recent" in fired(result)


def test_potassium_of_6_7_taken_20_days_ago_is_urgent(screener: Any) -> None:
    result = screen(screener, {"conditions": ["chronic_kidney_disease"], "labs": k_lab(6.7, "last_30_days")})
    assert result.urgency == "urgent"
    assert "potassium_extreme_last_30_days" in fired(result)
    assert "potassium_extreme_recent" not in fired(result)


def test_potassium_of_5_7_means_a_recheck_within_days(screener: Any) -> None:
    result = screen(screener, {"medications": ["losartan potassium 50 mg"], "labs": k_lab(5.7)})
    assert result.urgency == "soon"
    assert "potassium_high_repeat_within_days" in fired(result)
    assert "high_potassium_result" in codes(result)
    # losartan potassium is a salt of losartan, not a potassium supplement
    assert "soon_prescribed_potassium_with_kidney_or_sparing_risk" not in fired(result)


def test_magnesium_of_1_2_means_no_magnesium_supplements(screener: Any) -> None:
    result = screen(screener, {"supplements": ["magnesium"], "labs": {"magnesium": {"value": 1.2, "unit": "mmol/L"}}})
    assert result.urgency == "routine"
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert "no_magnesium_self_supplement" in codes(result)


# -- gut, alcohol and drug losses ---------------------------------------------------------------
def test_heavy_drinker_with_persistent_diarrhea_should_be_seen_soon(screener: Any) -> None:
    result = screen(
        screener,
        {
            "sex": "male",
            "alcohol": {"drinks_per_week": 40},
            "diarrhea": {"present": True, "days": 21, "stools_per_day": 4},
        },
    )
    assert levels(result) == ("possible", "possible", "possible")
    assert result.urgency == "soon"
    assert {"heavy_alcohol", "persistent_diarrhea"} <= set(result.risk_factors)
    # Heavy drinking: refeeding care and thiamine instead of the food list (third clinical review, M3).
    assert {"alcohol_support", "fluids_for_gi_losses", "refeeding_care"} <= set(codes(result))
    assert "food_sources" not in codes(result)


def test_heavy_drinker_with_persistent_diarrhea_and_tremor_and_cramps_is_likely_combined(screener: Any) -> None:
    result = screen(
        screener,
        {
            "sex": "male",
            "alcohol": {"audit_c": {"frequency": 4, "quantity": 3, "binge": 3}},
            "diarrhea": {"present": True, "days": 21, "stools_per_day": 4},
            "symptoms": ["tremor", "muscle_cramps"],
        },
    )
    assert levels(result) == ("likely", "possible", "possible")
    assert result.urgency == "soon"


def test_long_term_ppi_user_with_twitches_has_possible_magnesium_depletion(screener: Any) -> None:
    result = screen(
        screener, {"medications": ["Nexium 40 mg"], "ppi_over_3_months": "yes", "symptoms": ["muscle_twitches"]}
    )
    assert levels(result) == ("unlikely", "possible", "unlikely")
    assert result.urgency == "routine"
    assert result.risk_factors == ["long_term_ppi"]
    assert "check_magnesium" in codes(result)
    assert "check_magnesium_with_potassium" not in codes(result)
    assert result.next_level_missing


def test_asthmatic_on_salbutamol_with_repeated_vomiting_and_weakness(screener: Any) -> None:
    result = screen(
        screener,
        {
            "medications": ["Ventolin inhaler"],
            "vomiting": {"present": True, "days": 2, "episodes_per_day": 4},
            "symptoms": ["muscle_weakness"],
        },
    )
    assert levels(result) == ("unlikely", "unlikely", "possible")
    assert result.urgency == "routine"
    assert set(result.risk_factors) == {"k_lowering_drug", "repeated_vomiting"}
    assert {"check_magnesium_with_potassium", "fluids_for_gi_losses"} <= set(codes(result))


def test_kidney_transplant_recipient_on_tacrolimus_with_tremor(screener: Any) -> None:
    result = screen(screener, {"medications": ["Prograf 2 mg"], "symptoms": ["tremor"]})
    assert levels(result) == ("unlikely", "possible", "unlikely")
    assert result.urgency == "routine"
    assert "no_potassium_self_supplement" in codes(result)
    assert "check potassium-rich foods" in text_of(result, "food_sources")


def test_cancer_patient_on_cisplatin_is_possible_combined(screener: Any) -> None:
    result = screen(screener, {"medications": ["cisplatin"], "symptoms": ["nausea_poor_appetite"]})
    assert levels(result) == ("possible", "possible", "possible")
    assert result.risk_factors == ["both_wasting_drug"]
    assert result.urgency == "routine"


def test_young_woman_with_an_eating_disorder_and_weakness_is_possible_combined(screener: Any) -> None:
    result = screen(
        screener, {"age": 22, "sex": "female", "conditions": ["eating_disorder"], "symptoms": ["muscle_weakness"]}
    )
    assert levels(result) == ("possible", "possible", "possible")
    assert result.urgency == "routine"


def test_widow_of_84_living_on_processed_food_should_have_magnesium_checked(screener: Any) -> None:
    result = screen(
        screener,
        {
            "age": 84,
            "sex": "female",
            "diet": {"processed_food": "most_days", "fruit_veg_servings": 0.5},
            "symptoms": ["fatigue"],
        },
    )
    assert levels(result) == ("unlikely", "possible", "unlikely")
    assert result.urgency == "routine"
    assert codes(result) == [
        "discuss_at_next_visit", "check_magnesium", "food_sources",
        "core_questions_not_answered",  # few answers (vignette review 4, M5)
    ]  # fmt: skip


# -- nothing flagged ----------------------------------------------------------------------------
def test_runner_with_cramps_and_nothing_else_gets_general_advice(screener: Any) -> None:
    result = screen(
        screener,
        {"age": 34, "sex": "male", "symptoms": ["muscle_cramps"], "medications": [], "conditions": [], "alcohol": {"drinks_per_week": 4}},
    )
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert result.urgency == "none"
    assert result.consult_clinician is False
    assert codes(result) == ["general_advice"]
    assert "not a diagnosis" in result.disclaimer


def test_empty_answers_are_not_enough_to_screen_and_every_section_that_applies_is_unanswered(screener: Any) -> None:
    result = screen(screener, {})
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert result.urgency == "none"
    assert result.coverage == "none"
    assert codes(result) == ["answer_more_questions"], "never the general advice that reads as reassurance"
    # the follow-ups (PPI duration, kind of laxative, potassium despite supplements) do not apply
    assert set(result.unanswered_sections) == ALL_SECTIONS - FOLLOW_UP_SECTIONS
    assert len(result.unanswered_sections) == len(ALL_SECTIONS - FOLLOW_UP_SECTIONS)
    assert result.risk_factors == []
    assert result.warnings == []
