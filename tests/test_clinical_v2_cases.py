"""The people screening logic version 2 is about: at least one for each numbered change.

Each test describes a person, as the clinical review that led to v2 did, and checks what matters
for them: the headline and levels, how soon, and the advice. Every result is also checked for what
must always hold (test_clinical_cases.check_always_true).
"""

from __future__ import annotations

from typing import Any

from test_clinical_cases import check_always_true, codes, fired, levels, text_of

from screener import ScreeningResult


def screen(screener: Any, answers: dict[str, Any]) -> ScreeningResult:
    result = screener.screen(answers)
    check_always_true(result)
    return result


def lab(value: float, taken: str | None = "last_7_days") -> dict[str, Any]:
    out: dict[str, Any] = {"value": value, "unit": "mmol/L"}
    if taken:
        out["taken"] = taken
    return out


# -- 1. how often low potassium comes with low magnesium ----------------------------------------
def test_nurse_with_a_low_potassium_result_reads_that_about_4_in_10_also_have_low_magnesium(screener: Any) -> None:
    result = screen(screener, {"age": 38, "sex": "female", "labs": {"potassium": lab(3.3)}})
    explanations = " ".join(finding.explanation for finding in result.findings)
    assert "about 4 in 10" in explanations
    assert "more than half" not in explanations
    # "not enough answers" straight after the how-soon line (coherence review H7); one magnesium line (M3)
    assert codes(result)[:3] == ["see_clinician_soon", "answer_more_questions", "check_magnesium_with_potassium"]


# -- 2. a loop and a thiazide together ----------------------------------------------------------
def test_man_with_heart_failure_on_furosemide_metolazone_and_spironolactone_is_seen_soon(screener: Any) -> None:
    # v1 told him "Nothing in these answers points to a magnesium or potassium problem".
    result = screen(
        screener,
        {
            "age": 74,
            "sex": "male",
            "conditions": ["heart_failure"],
            "medications": ["furosemide 80 mg twice daily", "metolazone 2.5 mg", "spironolactone 25 mg"],
        },
    )
    assert levels(result) == ("possible", "possible", "possible")
    assert result.urgency == "soon"
    assert {"dual_diuretic", "loop_diuretic", "thiazide_diuretic"} <= set(result.risk_factors)
    assert "protected_diuretic" not in result.risk_factors
    assert {"soon_dual_diuretic", "soon_heart_failure_with_depletion"} <= fired(result)
    assert "general_advice" not in codes(result)
    assert {"check_magnesium_with_potassium", "keep_taking_prescribed_medicines"} <= set(
        codes(result)
    )
    # spironolactone keeps potassium: no potassium pills of her own, and potassium-rich food only after asking
    assert "no_potassium_self_supplement" in codes(result)
    assert "check potassium-rich foods" in text_of(result, "food_sources")


def test_woman_whose_bumetanide_was_joined_by_bendroflumethiazide_is_seen_soon_even_with_no_symptoms(
    screener: Any,
) -> None:
    result = screen(screener, {"age": 66, "medications": ["bumetanide 1 mg", "bendroflumethiazide 2.5 mg"]})
    assert result.urgency == "soon"
    assert "dual_diuretic" in result.risk_factors


# -- 3. heart failure with any diuretic ---------------------------------------------------------
def test_man_with_heart_failure_on_furosemide_and_eplerenone_without_symptoms_has_routine_checks(
    screener: Any,
) -> None:
    result = screen(
        screener, {"age": 58, "conditions": ["heart_failure"], "medications": ["furosemide 40 mg", "eplerenone 25 mg"]}
    )
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert result.urgency == "routine"
    assert "routine_heart_failure_on_a_diuretic" in fired(result)
    assert codes(result)[0] == "discuss_at_next_visit"


def test_woman_with_heart_failure_on_spironolactone_alone_is_not_told_nothing_is_wrong(screener: Any) -> None:
    result = screen(screener, {"age": 80, "conditions": ["heart_failure"], "medications": ["Aldactone 25 mg"]})
    assert result.urgency == "routine"
    assert "general_advice" not in codes(result)


# -- 4. digoxin ---------------------------------------------------------------------------------
def test_man_on_digoxin_with_a_potassium_of_3_9_is_seen_soon(screener: Any) -> None:
    result = screen(screener, {"age": 77, "medications": ["digoxin 125 mcg"], "labs": {"potassium": lab(3.9)}})
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert result.urgency == "soon"
    assert "soon_low_potassium_on_digoxin" in fired(result)
    assert "4.0" in text_of(result, "digoxin_check")


def test_woman_on_digoxin_with_a_potassium_of_4_2_has_her_checks_at_the_next_visit(screener: Any) -> None:
    result = screen(screener, {"age": 81, "medications": ["Lanoxin"], "labs": {"potassium": lab(4.2)}})
    assert result.urgency == "routine"
    assert "digoxin_check" in codes(result)


# -- 5. long-term PPI with digoxin or a diuretic ------------------------------------------------
def test_retired_farmer_on_digoxin_and_omeprazole_for_years_is_told_to_have_magnesium_checked(screener: Any) -> None:
    # The pair the FDA's 2011 warning names; v1 gave no advice to check magnesium.
    result = screen(
        screener,
        {"age": 64, "medications": ["digoxin 62.5 mcg", "omeprazole 20 mg"], "ppi_over_3_months": "yes"},
    )
    assert result.urgency == "routine"
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert {"check_magnesium", "digoxin_check"} <= set(codes(result))
    assert "long_term_ppi_with_digoxin_or_diuretic" in fired(result)


def test_woman_on_pantoprazole_for_years_and_amiloride_is_told_to_have_magnesium_checked(screener: Any) -> None:
    result = screen(
        screener,
        {"age": 63, "medications": ["pantoprazole magnesium 40 mg", "amiloride 5 mg"], "ppi_over_3_months": "yes"},
    )
    assert "check_magnesium" in codes(result)
    assert result.urgency == "routine"


# -- 6. QT-prolonging drugs ---------------------------------------------------------------------
def test_woman_on_citalopram_with_a_low_potassium_result_contacts_a_clinician_today(screener: Any) -> None:
    result = screen(
        screener, {"age": 52, "sex": "female", "medications": ["citalopram 20 mg"], "labs": {"potassium": lab(3.3)}}
    )
    assert levels(result) == ("possible", "possible", "likely")
    assert result.urgency == "urgent"
    assert "urgent_qt_drug_with_low_result_or_rhythm_symptom" in fired(result)
    assert "qt_drug_check" in codes(result)
    assert "ECG" in text_of(result, "qt_drug_check")
    assert "keep_taking_prescribed_medicines" in codes(result)


def test_man_on_amiodarone_and_furosemide_with_cramps_is_seen_soon_with_a_heart_tracing_question(
    screener: Any,
) -> None:
    result = screen(
        screener, {"age": 71, "medications": ["amiodarone 200 mg", "Lasix 40 mg"], "symptoms": ["muscle_cramps"]}
    )
    assert result.urgency == "soon"
    assert "soon_qt_drug_with_depletion" in fired(result)
    assert "qt_drug_check" in codes(result)


def test_man_on_methadone_who_is_fainting_now_is_sent_to_emergency_care_with_the_heart_tracing_advice(
    screener: Any,
) -> None:
    result = screen(screener, {"age": 44, "medications": ["methadone 60 mg"], "red_flags_now": ["fainting"]})
    assert result.urgency == "emergency"
    assert codes(result)[0] == "seek_emergency_care"
    assert "qt_drug_check" in codes(result)


def test_man_on_methadone_with_palpitations_contacts_a_clinician_today(screener: Any) -> None:
    result = screen(screener, {"age": 44, "medications": ["methadone 60 mg daily"], "symptoms": ["palpitations"]})
    assert levels(result) == ("unlikely", "unlikely", "unlikely")
    assert result.urgency == "urgent"
    assert "qt_drug_check" in codes(result)


def test_student_on_azithromycin_with_nothing_else_gets_general_advice(screener: Any) -> None:
    result = screen(screener, {"age": 20, "medications": ["Z-Pak"], "symptoms": []})
    assert result.urgency == "none"
    assert "qt_drug_check" not in codes(result)


# -- 7. NSAIDs, heparins, drospirenone ----------------------------------------------------------
def test_builder_taking_ibuprofen_with_four_days_of_vomiting_is_told_to_leave_it_off_but_is_not_urgent(
    screener: Any,
) -> None:
    result = screen(
        screener,
        {"age": 35, "medications": ["ibuprofen 400 mg three times a day"], "vomiting": {"present": True, "days": 4}},
    )
    assert result.urgency != "urgent"
    assert "urgent_sick_day_rules" not in fired(result)
    # The painkiller's own line, not also the sick-day list asking whether to pause it (catalogue review 9, F5).
    assert "avoid_nsaids_while_ill" in codes(result) and "sick_day_medicines" not in codes(result)
    assert "keep_taking_prescribed_medicines" not in codes(result)
    assert "fluids_for_gi_losses" in codes(result)


def test_young_woman_on_yasmin_using_a_salt_substitute_is_seen_soon(screener: Any) -> None:
    result = screen(
        screener, {"age": 24, "sex": "female", "medications": ["Yasmin"], "supplements": ["salt_substitute"]}
    )
    assert result.urgency == "soon"
    assert "no_potassium_self_supplement" in codes(result)


def test_man_on_enoxaparin_after_surgery_with_prescribed_potassium_is_reviewed_at_the_next_visit(
    screener: Any,
) -> None:
    result = screen(screener, {"age": 58, "medications": ["Clexane 40 mg", "Sando-K"]})
    assert result.urgency == "routine"
    assert "routine_prescribed_potassium_with_retention_caution" in fired(result)


def test_woman_on_lisinopril_and_naproxen_with_diarrhea_for_three_days_contacts_a_clinician_today(
    screener: Any,
) -> None:
    result = screen(
        screener,
        {"age": 67, "medications": ["lisinopril 20 mg", "naproxen 500 mg"], "diarrhea": {"present": True, "days": 3}},
    )
    assert result.urgency == "urgent"
    assert "sick_day_medicines" in codes(result)


# -- 8. carboplatin, ifosfamide, liquorice ------------------------------------------------------
def test_woman_on_carboplatin_with_twitches_and_cramps_is_likely_combined(screener: Any) -> None:
    result = screen(
        screener, {"age": 61, "medications": ["carboplatin"], "symptoms": ["muscle_twitches", "muscle_cramps"]}
    )
    assert levels(result) == ("likely", "possible", "possible")
    assert result.urgency == "soon"


def test_man_who_takes_liquorice_root_every_day_and_feels_weak_may_lack_potassium(screener: Any) -> None:
    result = screen(screener, {"age": 55, "medications": ["liquorice root"], "symptoms": ["muscle_weakness"]})
    assert result.risk_factors == ["k_lowering_drug"]
    assert result.potassium_depletion == "possible"
    assert "keep_taking_prescribed_medicines" not in codes(result), "liquorice is not a prescribed medicine"


# -- 9. high magnesium --------------------------------------------------------------------------
def test_woman_with_kidney_disease_on_magnesium_laxatives_with_a_magnesium_of_2_4_contacts_a_clinician_today(
    screener: Any,
) -> None:
    result = screen(
        screener,
        {
            "age": 76,
            "conditions": ["chronic_kidney_disease"],
            "medications": ["Milk of Magnesia 30 ml at night"],
            "labs": {"magnesium": lab(2.4)},
        },
    )
    assert result.urgency == "urgent"
    assert "no_magnesium_self_supplement" in codes(result)


def test_man_with_a_magnesium_of_3_4_taken_yesterday_seeks_emergency_care(screener: Any) -> None:
    result = screen(screener, {"age": 70, "labs": {"magnesium": lab(3.4)}})
    assert result.urgency == "emergency"


def test_man_with_a_magnesium_of_3_1_from_three_weeks_ago_contacts_a_clinician_today(screener: Any) -> None:
    result = screen(screener, {"age": 70, "labs": {"magnesium": lab(3.1, "last_30_days")}})
    assert result.urgency == "urgent"


# -- 10. the potassium cap needs a current result ------------------------------------------------
def test_man_with_three_weeks_of_diarrhea_and_a_normal_potassium_from_last_month_is_not_reassured(
    screener: Any,
) -> None:
    result = screen(
        screener,
        {
            "age": 48,
            "diarrhea": {"present": True, "days": 20, "stools_per_day": 6},
            "labs": {"potassium": lab(4.1, "last_30_days")},
        },
    )
    assert levels(result) == ("possible", "possible", "possible")
    assert result.urgency == "soon"
    assert "potassium_result_not_current_during_gut_losses" in fired(result)
    assert any("before the diarrhea or vomiting began" in warning for warning in result.warnings)


def test_the_same_man_with_a_normal_potassium_from_this_week_has_potassium_capped(screener: Any) -> None:
    result = screen(
        screener,
        {
            "age": 48,
            "diarrhea": {"present": True, "days": 20, "stools_per_day": 6},
            "labs": {"potassium": lab(4.1, "last_7_days")},
        },
    )
    assert levels(result) == ("unlikely", "possible", "unlikely")
    assert "potassium_capped_by_normal_result" in fired(result)


def test_woman_on_furosemide_with_an_undated_normal_potassium_and_no_gut_losses_has_potassium_capped(
    screener: Any,
) -> None:
    result = screen(screener, {"age": 70, "medications": ["Lasix 20 mg"], "labs": {"potassium": lab(4.3, None)}})
    assert result.potassium_depletion == "unlikely"
    assert result.warnings == []


# -- 11. trouble breathing ----------------------------------------------------------------------
def test_woman_who_is_breathless_now_is_sent_to_emergency_care(screener: Any) -> None:
    result = screen(screener, {"age": 59, "red_flags_now": ["trouble_breathing"]})
    assert result.urgency == "emergency"
    assert codes(result)[0] == "seek_emergency_care"


def test_man_who_was_breathless_last_week_but_not_now_contacts_a_clinician_today(screener: Any) -> None:
    result = screen(screener, {"age": 59, "symptoms": ["trouble_breathing"], "red_flags_now": []})
    assert result.urgency == "urgent"
    assert result.red_flags == ["trouble_breathing"]
    assert codes(result)[0] == "contact_clinician_today"


# -- 12. a cause to ask about --------------------------------------------------------------------
def test_woman_with_high_blood_pressure_and_low_potassium_on_no_water_pill_is_asked_about_aldosteronism(
    screener: Any,
) -> None:
    result = screen(
        screener,
        {
            "age": 46,
            "sex": "female",
            "conditions": ["high_blood_pressure"],
            "medications": ["amlodipine 10 mg"],
            "diarrhea": {"present": False},
            "vomiting": {"present": False},
            "labs": {"potassium": lab(3.2)},
        },
    )
    assert "ask_about_aldosteronism" in codes(result)
    assert "primary aldosteronism" in text_of(result, "ask_about_aldosteronism")


def test_man_with_high_blood_pressure_on_hydrochlorothiazide_and_a_potassium_of_2_8_is_asked_about_aldosteronism(
    screener: Any,
) -> None:
    # A departure from v2 (Funder 2016; Hypertension Canada 2017): marked low potassium on a diuretic.
    result = screen(
        screener,
        {
            "age": 52,
            "conditions": ["high_blood_pressure"],
            "medications": ["HCTZ 25 mg"],
            "diarrhea": {"present": False},
            "vomiting": {"present": False},
            "labs": {"potassium": lab(2.8)},
        },
    )
    assert result.urgency == "urgent"
    assert "ask_about_aldosteronism" in codes(result)


def test_young_man_with_low_potassium_and_low_magnesium_and_no_cause_is_asked_about_his_kidneys(
    screener: Any,
) -> None:
    result = screen(
        screener,
        {
            "age": 23,
            "sex": "male",
            "medications": [],
            "alcohol": {"drinks_per_week": 2},
            "diarrhea": {"present": False},
            "vomiting": {"present": False},
            "laxative_use": "none",
            "labs": {"potassium": lab(3.1), "magnesium": lab(0.55)},
        },
    )
    assert levels(result) == ("likely", "likely", "likely")
    assert "ask_about_kidney_salt_wasting" in codes(result)
    assert "Gitelman" in text_of(result, "ask_about_kidney_salt_wasting")
    assert "ask_about_aldosteronism" not in codes(result)


# -- 13. what "keep taking" covers; fluids -------------------------------------------------------
def test_woman_taking_senna_and_liquorice_is_not_told_to_keep_taking_them(screener: Any) -> None:
    result = screen(screener, {"age": 50, "medications": ["senna", "liquorice"], "laxative_use": "regular"})
    assert "keep_taking_prescribed_medicines" not in codes(result)


def test_man_on_ondansetron_is_told_to_keep_taking_it(screener: Any) -> None:
    # With a possible depletion beside it; alone, with urgency none, the line is left out (review 6, W3).
    result = screen(screener, {"age": 50, "medications": ["ondansetron 4 mg"], "conditions": ["malabsorption"]})
    assert result.urgency != "none"
    assert "keep_taking_prescribed_medicines" in codes(result)


def test_girl_who_cannot_keep_fluids_down_after_one_day_is_told_how_to_replace_them(screener: Any) -> None:
    result = screen(
        screener,
        {"age": 19, "vomiting": {"present": True, "days": 1, "episodes_per_day": 2, "cannot_keep_fluids_down": True}},
    )
    assert result.urgency == "urgent"
    assert "fluids_for_gi_losses" in codes(result)


# -- medications v2 -------------------------------------------------------------------------------
def test_man_with_hiv_on_pentamidine_with_tremor_is_seen_soon_with_a_qt_check(screener: Any) -> None:
    result = screen(screener, {"age": 39, "medications": ["pentamidine 4 mg/kg IV"], "symptoms": ["tremor"]})
    assert result.magnesium_depletion == "possible"
    assert result.urgency == "soon"
    assert {"qt_drug_check", "no_potassium_self_supplement"} <= set(codes(result))


def test_woman_using_diclofenac_gel_is_not_counted_but_the_arthrotec_she_also_takes_is(screener: Any) -> None:
    result = screen(screener, {"age": 64, "medications": ["Voltaren gel", "Arthrotec 50"]})
    gel, tablet = result.medications_recognised
    assert not gel.counted and tablet.counted
    assert "no_potassium_self_supplement" in codes(result)
