"""Boundaries and combinations, checked by a clinician against screening-logic.md (version 2).

Screeners usually go wrong at the edges: a value exactly on a threshold after unit conversion and
rounding, a lab of the wrong age, two rules that should exclude each other, the most urgent of
several reasons. Each person below was written from the spec text (and the README's documented
departures) before running the screener, and none repeats a case of the earlier clinical files:
the magnesium thresholds in mg/dL and mEq/L at the conversions that round onto them, the high
magnesium and potassium bands reached by rounding, each lab age against each rule that uses a
lab, alcohol and age cuts not tested before, the headline when one mineral is capped, and
medicines through brand names and combination pills.

Expected: (combined, magnesium, potassium) levels, urgency, red flags, and the recommendation
codes that must and must not appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from screener import Screener, ScreeningResult


@dataclass(frozen=True)
class Person:
    answers: dict[str, Any]
    levels: tuple[str, str, str]  # combined, magnesium, potassium
    urgency: str
    red_flags: tuple[str, ...] = ()
    advised: tuple[str, ...] = ()
    not_advised: tuple[str, ...] = ()
    risk_factors: tuple[str, ...] = ()
    not_risk_factors: tuple[str, ...] = ()
    mmol_per_l: tuple[float, ...] = ()  # each lab as used, in the order given
    rules: tuple[str, ...] = ()  # findings that must have fired
    not_rules: tuple[str, ...] = ()
    warning_mentions: tuple[str, ...] = ()
    coverage: str | None = None
    unanswered: tuple[str, ...] = ()


NOTHING = ("unlikely", "unlikely", "unlikely")
MG_ONLY = ("unlikely", "possible", "unlikely")
BOTH_POSSIBLE = ("possible", "possible", "possible")
LOW_MG_ALONE = ("likely", "likely", "possible")  # a low Mg makes K possible; Mg likely + K possible
LOW_K_ALONE = ("possible", "possible", "likely")  # K likely, Mg only possible: check magnesium

# Answers that fill every core section with "nothing", so coverage is full and only the point
# under test counts.
QUIET: dict[str, Any] = {
    "medications": [],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "symptoms": [],
}


def answers(**given: Any) -> dict[str, Any]:
    return {**QUIET, **given}


def lab(value: float, unit: str = "mmol/L", taken: str | None = "last_7_days") -> dict[str, Any]:
    return {"value": value, "unit": unit, **({"taken": taken} if taken else {})}


def mg(value: float, unit: str = "mmol/L", taken: str | None = "last_7_days") -> dict[str, Any]:
    return {"labs": {"magnesium": lab(value, unit, taken)}}


def k(value: float, unit: str = "mmol/L", taken: str | None = "last_7_days") -> dict[str, Any]:
    return {"labs": {"potassium": lab(value, unit, taken)}}


def k_and_mg(k_value: float, mg_value: float, taken: str | None = "last_7_days") -> dict[str, Any]:
    return {"labs": {"potassium": lab(k_value, taken=taken), "magnesium": lab(mg_value, taken=taken)}}


HOW_SOON = {
    "emergency": "seek_emergency_care",
    "urgent": "contact_clinician_today",
    "soon": "see_clinician_soon",
    "routine": "discuss_at_next_visit",
}

# fmt: off
# One person to a few lines, like a case table: the formatter would spread each over ten.
PEOPLE: dict[str, Person] = {
    # -- magnesium in mg/dL and mEq/L, at the values that round onto a threshold -------------------
    "grace_72_with_magnesium_1_7_mg_dl_from_last_month_is_exactly_0_70_and_not_low": Person(
        answers(age=72, **mg(1.7, "mg/dL", "last_30_days")), NOTHING, "none",
        mmol_per_l=(0.70,), risk_factors=("older_adult",), advised=("general_advice",),
    ),
    "omar_with_magnesium_1_21_mg_dl_rounds_up_to_0_50_low_but_not_severe": Person(
        answers(**mg(1.21, "mg/dL")), LOW_MG_ALONE, "soon",
        mmol_per_l=(0.50,), not_rules=("severe_low_mg_lab",),
        # the low result's follow-up says "with potassium" itself (coherence review, M3)
        advised=("check_magnesium",), not_advised=("check_magnesium_with_potassium",),
    ),
    "omar_with_magnesium_1_2_mg_dl_is_0_49_severely_low_and_urgent": Person(
        answers(**mg(1.2, "mg/dL")), LOW_MG_ALONE, "urgent", mmol_per_l=(0.49,), rules=("severe_low_mg_lab",),
    ),
    "hana_with_magnesium_1_69_mg_dl_is_0_69_low": Person(
        answers(**mg(1.69, "mg/dL")), LOW_MG_ALONE, "soon", mmol_per_l=(0.69,), rules=("low_mg_lab",),
    ),
    "hana_with_magnesium_2_56_mg_dl_is_1_05_and_not_high": Person(
        answers(**mg(2.56, "mg/dL")), NOTHING, "none", mmol_per_l=(1.05,),
        not_advised=("no_magnesium_self_supplement",),
    ),
    "hana_with_magnesium_2_57_mg_dl_is_1_06_high_and_rechecked_at_the_next_visit": Person(
        answers(**mg(2.57, "mg/dL")), NOTHING, "routine", mmol_per_l=(1.06,),
        advised=("no_magnesium_self_supplement",),
    ),
    "ivan_with_magnesium_4_85_mg_dl_is_1_99_and_routine": Person(
        answers(**mg(4.85, "mg/dL")), NOTHING, "routine", mmol_per_l=(1.99,),
    ),
    "ivan_with_magnesium_4_86_mg_dl_rounds_up_to_2_00_and_is_urgent": Person(
        answers(**mg(4.86, "mg/dL")), NOTHING, "urgent", mmol_per_l=(2.00,),
    ),
    "ivan_with_magnesium_7_28_mg_dl_is_2_99_and_urgent_not_an_emergency": Person(
        answers(**mg(7.28, "mg/dL")), NOTHING, "urgent", mmol_per_l=(2.99,),
    ),
    "ivan_with_magnesium_7_29_mg_dl_rounds_up_to_3_00_and_is_an_emergency": Person(
        answers(**mg(7.29, "mg/dL")), NOTHING, "emergency", mmol_per_l=(3.00,),
    ),
    "ruth_with_magnesium_2_1_meq_l_is_1_05_and_not_high": Person(
        answers(**mg(2.1, "mEq/L")), NOTHING, "none", mmol_per_l=(1.05,),
    ),
    "ruth_with_magnesium_2_12_meq_l_is_1_06_and_high": Person(
        answers(**mg(2.12, "mEq/L")), NOTHING, "routine", mmol_per_l=(1.06,),
    ),
    "ruth_with_magnesium_3_99_meq_l_halves_to_1_995_and_rounds_up_to_urgent": Person(
        answers(**mg(3.99, "mEq/L")), NOTHING, "urgent", mmol_per_l=(2.00,),
    ),
    "ruth_with_magnesium_3_98_meq_l_is_1_99_and_routine": Person(
        answers(**mg(3.98, "mEq/L")), NOTHING, "routine", mmol_per_l=(1.99,),
    ),
    "ruth_with_an_undated_magnesium_of_6_meq_l_is_3_00_and_an_emergency": Person(
        answers(**mg(6.0, "mEq/L", None)), NOTHING, "emergency", mmol_per_l=(3.00,),
    ),
    # -- how old a magnesium result is --------------------------------------------------------------
    "paul_with_a_magnesium_of_0_49_from_last_month_is_still_urgent": Person(
        answers(**mg(0.49, taken="last_30_days")), LOW_MG_ALONE, "urgent", rules=("severe_low_mg_lab",),
    ),
    "paul_with_an_undated_magnesium_of_0_69_is_low": Person(
        answers(**mg(0.69, taken=None)), LOW_MG_ALONE, "soon",
    ),
    # Not used for the levels, but an older result outside the normal range is rechecked (a
    # departure from v2: routine, soon when markedly low or 2.0 and over; README "departures").
    "paul_with_an_older_magnesium_of_0_40_is_not_used_and_asked_to_recheck": Person(
        answers(**mg(0.40, taken="older")), NOTHING, "soon", advised=("recheck_older_result",),
        not_rules=("low_mg_lab", "severe_low_mg_lab"), warning_mentions=("older magnesium result",),
    ),
    "paul_with_an_older_magnesium_of_3_5_is_not_an_emergency_but_rechecked_within_days": Person(
        answers(**mg(3.5, taken="older")), NOTHING, "soon", advised=("recheck_older_high_magnesium",),
        not_advised=("no_magnesium_self_supplement", "recheck_older_result"),
    ),
    "paul_with_a_magnesium_of_3_0_from_last_month_is_urgent": Person(
        answers(**mg(3.0, taken="last_30_days")), NOTHING, "urgent",
    ),
    # -- potassium at the values that round onto a band ------------------------------------------
    "kofi_with_potassium_2_45_meq_l_rounds_up_to_2_5_and_is_urgent_not_an_emergency": Person(
        answers(**k(2.45, "mEq/L")), LOW_K_ALONE, "urgent", mmol_per_l=(2.5,),
    ),
    "kofi_with_potassium_2_44_rounds_to_2_4_and_is_an_emergency": Person(
        answers(**k(2.44)), LOW_K_ALONE, "emergency", mmol_per_l=(2.4,),
    ),
    "kofi_with_potassium_2_95_rounds_up_to_3_0_and_is_seen_soon": Person(
        answers(**k(2.95)), LOW_K_ALONE, "soon", mmol_per_l=(3.0,),
    ),
    "lena_with_potassium_5_45_rounds_up_to_5_5_and_is_seen_soon": Person(
        answers(**k(5.45)), NOTHING, "soon", mmol_per_l=(5.5,), advised=("high_potassium_result",),
    ),
    "lena_with_potassium_5_95_meq_l_rounds_up_to_6_0_and_is_urgent": Person(
        answers(**k(5.95, "mEq/L")), NOTHING, "urgent", mmol_per_l=(6.0,),
    ),
    "lena_with_potassium_6_45_rounds_up_to_6_5_and_is_an_emergency": Person(
        answers(**k(6.45)), NOTHING, "emergency", mmol_per_l=(6.5,),
    ),
    "lena_with_an_undated_potassium_of_5_2_is_rechecked_and_warned_off_potassium": Person(
        answers(**k(5.2, taken=None)), NOTHING, "routine", advised=("high_potassium_result",),
    ),
    # -- lab age against the potassium cap and the digoxin target ---------------------------------
    "frank_on_lasix_with_a_normal_potassium_from_last_month_and_no_gut_losses_is_capped": Person(
        answers(medications=["Lasix 40 mg"], **k(4.1, taken="last_30_days")), MG_ONLY, "routine",
        rules=("potassium_capped_by_normal_result",), not_advised=("check_magnesium_with_potassium",),
    ),
    "frank_on_lasix_with_an_older_normal_potassium_is_not_capped": Person(
        answers(medications=["Lasix 40 mg"], **k(4.1, taken="older")), BOTH_POSSIBLE, "routine",
        not_rules=("potassium_capped_by_normal_result",), warning_mentions=("older potassium result",),
    ),
    "frank_on_lasix_with_an_older_low_potassium_is_not_counted_as_low": Person(
        answers(medications=["Lasix 40 mg"], **k(3.1, taken="older")), BOTH_POSSIBLE, "routine",
        not_rules=("low_k_lab",),
    ),
    "nadia_with_five_days_of_diarrhea_weakness_and_a_normal_potassium_from_last_month_is_not_capped": Person(
        answers(diarrhea={"present": True, "days": 5, "stools_per_day": 4}, symptoms=["muscle_weakness"],
                **k(4.1, taken="last_30_days")),
        ("unlikely", "unlikely", "possible"), "routine",
        rules=("potassium_result_not_current_during_gut_losses",),
        not_rules=("potassium_capped_by_normal_result",), advised=("fluids_for_gi_losses",),
    ),
    "nadia_with_the_same_diarrhea_and_a_normal_potassium_this_week_is_capped": Person(
        answers(diarrhea={"present": True, "days": 5, "stools_per_day": 4}, symptoms=["muscle_weakness"],
                **k(4.1)),
        NOTHING, "none", rules=("potassium_capped_by_normal_result",), advised=("fluids_for_gi_losses",),
    ),
    "victor_on_lasix_vomiting_for_two_days_with_an_undated_normal_potassium_is_not_capped": Person(
        answers(medications=["Lasix 40 mg"], vomiting={"present": True, "days": 2}, **k(4.0, taken=None)),
        BOTH_POSSIBLE, "routine", not_rules=("potassium_capped_by_normal_result",),
        risk_factors=("repeated_vomiting",), not_advised=("sick_day_medicines",),
    ),
    "edith_on_lanoxin_with_a_potassium_of_3_9_from_last_month_is_seen_soon": Person(
        answers(medications=["Lanoxin 125 mcg"], **k(3.9, taken="last_30_days")), NOTHING, "soon",
        rules=("low_k_on_digoxin",), advised=("digoxin_check",),
    ),
    "edith_on_lanoxin_with_an_older_potassium_of_3_9_is_checked_at_her_next_visit": Person(
        answers(medications=["Lanoxin 125 mcg"], **k(3.9, taken="older")), NOTHING, "routine",
        not_rules=("low_k_on_digoxin",), advised=("digoxin_check",),
    ),
    "edith_on_digitek_with_a_potassium_of_4_0_is_on_target": Person(
        answers(medications=["Digitek"], **k(4.0)), NOTHING, "routine", not_rules=("low_k_on_digoxin",),
    ),
    # -- alcohol cuts not tested before ------------------------------------------------------------
    "sam_a_man_drinking_15_a_week_is_hazardous_and_with_a_tremor_may_lack_magnesium": Person(
        answers(sex="male", alcohol={"drinks_per_week": 15}, symptoms=["tremor"]), MG_ONLY, "routine",
        risk_factors=("hazardous_alcohol",), not_risk_factors=("heavy_alcohol",), advised=("alcohol_support",),
    ),
    "sam_a_man_drinking_27_a_week_is_hazardous_not_heavy": Person(
        answers(sex="male", alcohol={"drinks_per_week": 27}), NOTHING, "none",
        risk_factors=("hazardous_alcohol",), not_risk_factors=("heavy_alcohol",), advised=("alcohol_support",),
    ),
    "sam_a_man_drinking_28_a_week_is_heavy_and_both_minerals_are_possible": Person(
        answers(sex="male", alcohol={"drinks_per_week": 28}), BOTH_POSSIBLE, "routine",
        risk_factors=("heavy_alcohol",), not_risk_factors=("hazardous_alcohol",),
        # heavy drinking: refeeding care and thiamine instead of the food list (third clinical review, M3)
        # one line asks for a magnesium test and for it with potassium (coherence review, M3)
        advised=("alcohol_support", "check_magnesium_with_potassium", "refeeding_care"),
        not_advised=("food_sources", "check_magnesium"),
    ),
    "alex_of_other_sex_drinking_7_5_a_week_gets_the_careful_cut_off": Person(
        answers(sex="other", alcohol={"drinks_per_week": 7.5}), NOTHING, "none",
        risk_factors=("hazardous_alcohol",),
    ),
    "alex_of_other_sex_drinking_20_a_week_is_hazardous_not_heavy": Person(
        answers(sex="other", alcohol={"drinks_per_week": 20}), NOTHING, "none",
        risk_factors=("hazardous_alcohol",), not_risk_factors=("heavy_alcohol",),
    ),
    "tom_a_man_drinking_14_5_a_week_is_over_14_and_hazardous": Person(
        answers(sex="male", alcohol={"drinks_per_week": 14.5}), NOTHING, "none", risk_factors=("hazardous_alcohol",),
    ),
    "tom_a_man_scoring_4_on_audit_c_with_a_binge_point_is_hazardous": Person(
        answers(sex="male", alcohol={"audit_c": {"frequency": 2, "quantity": 1, "binge": 1}}), NOTHING, "none",
        risk_factors=("hazardous_alcohol",),
    ),
    "tom_a_man_scoring_7_on_audit_c_is_hazardous_not_heavy": Person(
        answers(sex="male", alcohol={"audit_c": {"frequency": 4, "quantity": 2, "binge": 1}}), NOTHING, "none",
        risk_factors=("hazardous_alcohol",), not_risk_factors=("heavy_alcohol",),
    ),
    "tom_a_man_scoring_8_on_audit_c_is_heavy": Person(
        answers(sex="male", alcohol={"audit_c": {"frequency": 4, "quantity": 2, "binge": 2}}), BOTH_POSSIBLE,
        "routine", risk_factors=("heavy_alcohol",),
    ),
    "mary_a_woman_scoring_3_on_audit_c_only_from_how_often_she_drinks_is_not_hazardous": Person(
        answers(sex="female", alcohol={"audit_c": {"frequency": 3, "quantity": 0, "binge": 0}}), NOTHING, "none",
        not_risk_factors=("hazardous_alcohol",), not_advised=("alcohol_support",),
    ),
    "mary_a_woman_scoring_3_with_one_point_for_quantity_is_hazardous": Person(
        answers(sex="female", alcohol={"audit_c": {"frequency": 2, "quantity": 1, "binge": 0}}), NOTHING, "none",
        risk_factors=("hazardous_alcohol",),
    ),
    # -- diarrhea and vomiting at each cut ---------------------------------------------------------
    "june_on_zestril_with_two_days_of_diarrhea_is_told_to_keep_taking_it": Person(
        answers(medications=["Zestril 10 mg"], diarrhea={"present": True, "days": 2, "stools_per_day": 3}),
        NOTHING, "none", risk_factors=("acute_diarrhea",),
        advised=("keep_taking_prescribed_medicines", "fluids_for_gi_losses"), not_advised=("sick_day_medicines",),
    ),
    "june_on_hyzaar_with_three_days_of_three_loose_stools_calls_today_with_sick_day_advice": Person(
        answers(medications=["Hyzaar"], diarrhea={"present": True, "days": 3, "stools_per_day": 3}),
        BOTH_POSSIBLE, "urgent", advised=("sick_day_medicines",), not_advised=("keep_taking_prescribed_medicines",),
    ),
    # Digoxin's own line, not the sick-day line: it is on no sick-day list (catalogue review 9, F3).
    "walter_on_digoxin_with_three_days_of_diarrhea_and_no_stool_count_calls_today": Person(
        answers(medications=["digoxin"], diarrhea={"present": True, "days": 3}), NOTHING, "urgent",
        risk_factors=("acute_diarrhea",), advised=("digoxin_check",), not_advised=("sick_day_medicines",),
    ),
    # Soon, not the spec's routine: diarrhea for more than 7 days, however few stools (NHS; README departures).
    "walter_on_digoxin_with_two_loose_stools_a_day_for_a_month_is_seen_soon": Person(
        answers(medications=["digoxin"], diarrhea={"present": True, "days": 30, "stools_per_day": 2}),
        NOTHING, "soon", not_risk_factors=("acute_diarrhea", "persistent_diarrhea"),
        not_advised=("sick_day_medicines", "fluids_for_gi_losses"),
    ),
    "rosa_vomiting_once_a_day_for_seven_days_is_prolonged_and_calls_today": Person(
        answers(vomiting={"present": True, "days": 7, "episodes_per_day": 1}), BOTH_POSSIBLE, "urgent",
        risk_factors=("prolonged_vomiting",), not_risk_factors=("repeated_vomiting",),
    ),
    "rosa_on_lasix_vomiting_once_a_day_for_three_days_calls_today": Person(
        answers(medications=["Lasix"], vomiting={"present": True, "days": 3, "episodes_per_day": 1}),
        BOTH_POSSIBLE, "urgent", risk_factors=("repeated_vomiting",), advised=("sick_day_medicines",),
    ),
    "rosa_who_vomited_twice_today_and_keeps_fluids_down_has_nothing_counted": Person(
        answers(vomiting={"present": True, "days": 0, "episodes_per_day": 2}), NOTHING, "none",
        not_risk_factors=("repeated_vomiting",), not_advised=("fluids_for_gi_losses",),
    ),
    "rosa_who_cannot_keep_fluids_down_on_her_first_day_calls_today": Person(
        answers(vomiting={"present": True, "days": 1, "episodes_per_day": 1, "cannot_keep_fluids_down": True}),
        NOTHING, "urgent", advised=("fluids_for_gi_losses",),
    ),
    "ben_vomiting_for_two_days_on_ventolin_with_weakness_may_lack_potassium": Person(
        answers(medications=["Ventolin inhaler"], vomiting={"present": True, "days": 2}, symptoms=["muscle_weakness"]),
        ("unlikely", "unlikely", "possible"), "routine", risk_factors=("repeated_vomiting",),
    ),
    # -- fruit and vegetables, ages 17/18/64/65 ----------------------------------------------------
    "george_65_eating_1_5_servings_of_fruit_may_lack_magnesium_not_potassium": Person(
        answers(age=65, diet={"fruit_veg_servings": 1.5}), MG_ONLY, "routine",
        risk_factors=("poor_diet", "older_adult"), advised=("check_magnesium",),
    ),
    "george_65_eating_2_servings_has_no_poor_diet": Person(
        answers(age=65, diet={"fruit_veg_servings": 2}), NOTHING, "none", not_risk_factors=("poor_diet",),
    ),
    "george_64_eating_fast_food_most_days_is_not_an_older_adult": Person(
        answers(age=64, diet={"processed_food": "most_days", "fruit_veg_servings": 1}), NOTHING, "none",
        risk_factors=("poor_diet",), not_risk_factors=("older_adult",),
    ),
    "dina_64_with_type_2_diabetes_and_a_poor_diet_has_two_factors_for_magnesium": Person(
        answers(age=64, conditions=["type_2_diabetes"], diet={"processed_food": "most_days"}), MG_ONLY, "routine",
    ),
    "dina_65_with_type_2_diabetes_alone_has_two_factors_for_magnesium": Person(
        answers(age=65, conditions=["type_2_diabetes"]), MG_ONLY, "routine",
    ),
    "eli_18_with_nothing_gets_no_scope_warning": Person(
        answers(age=18), NOTHING, "none", advised=("general_advice",), coverage="full",
    ),
    "eli_17_with_nothing_else_is_told_the_screen_is_for_adults": Person(
        # Review 6 (O6): being under 18 warns that the screen is for adults; it books no visit.
        answers(age=17), NOTHING, "none", warning_mentions=("18",),
    ),
    # -- red flags now against the past two weeks --------------------------------------------------
    "agnes_confused_now_with_chest_pain_last_week_seeks_emergency_care": Person(
        answers(red_flags_now=["new_confusion"], symptoms=["chest_pain"]), NOTHING, "emergency",
        red_flags=("new_confusion", "chest_pain"),
    ),
    "agnes_with_a_seizure_last_week_and_palpitations_calls_today": Person(
        answers(symptoms=["seizure", "palpitations"]), NOTHING, "urgent", red_flags=("seizure",),
    ),
    "agnes_with_a_potassium_of_6_7_from_last_month_and_chest_pain_last_week_calls_today": Person(
        answers(symptoms=["chest_pain"], **k(6.7, taken="last_30_days")), NOTHING, "urgent",
        red_flags=("chest_pain",),
    ),
    "agnes_with_chest_pain_now_and_a_potassium_of_2_9_seeks_emergency_care": Person(
        answers(red_flags_now=["chest_pain"], **k(2.9)), LOW_K_ALONE, "emergency", red_flags=("chest_pain",),
    ),
    # -- the headline when one mineral is capped or only possible ----------------------------------
    "carla_with_low_magnesium_and_a_normal_potassium_this_week_is_not_likely_combined": Person(
        answers(**k_and_mg(4.0, 0.60)), ("unlikely", "likely", "unlikely"), "soon",
        rules=("potassium_capped_by_normal_result",),
    ),
    "carla_with_low_potassium_and_a_normal_magnesium_is_only_possible_combined": Person(
        answers(**k_and_mg(3.2, 0.85)), LOW_K_ALONE, "soon", rules=("normal_magnesium_does_not_rule_out",),
        not_advised=("ask_about_kidney_salt_wasting",),
    ),
    "carla_with_both_low_and_no_cause_is_likely_combined_and_asked_about_her_kidneys": Person(
        answers(**k_and_mg(3.2, 0.65)), ("likely", "likely", "likely"), "soon",
        advised=("ask_about_kidney_salt_wasting",), not_advised=("ask_about_aldosteronism",),
    ),
    "hugo_on_nexium_for_years_with_a_potassium_of_3_2_is_likely_combined": Person(
        answers(medications=["Nexium 40 mg"], ppi_over_3_months="yes", **k(3.2)), ("likely", "likely", "likely"),
        "soon", risk_factors=("long_term_ppi",),
    ),
    "hugo_on_nexium_for_weeks_with_a_potassium_of_3_2_is_only_possible_combined": Person(
        answers(medications=["Nexium 40 mg"], ppi_over_3_months="no", **k(3.2)), LOW_K_ALONE, "soon",
        not_risk_factors=("long_term_ppi",),
    ),
    "hugo_on_nexium_unsure_how_long_with_a_potassium_of_3_2_counts_as_long_term": Person(
        answers(medications=["Nexium 40 mg"], ppi_over_3_months="unsure", **k(3.2)), ("likely", "likely", "likely"),
        "soon", risk_factors=("long_term_ppi",),
    ),
    "ida_on_lasix_with_cramps_and_fatigue_but_no_specific_symptom_is_possible_combined": Person(
        answers(medications=["Lasix"], symptoms=["muscle_cramps", "fatigue"]), BOTH_POSSIBLE, "routine",
    ),
    "ida_on_lasix_with_tremor_and_twitches_is_likely_combined": Person(
        answers(medications=["Lasix"], symptoms=["tremor", "muscle_twitches"]), ("likely", "possible", "possible"),
        "soon",
    ),
    "omid_on_ventolin_and_omeprazole_for_years_with_weakness_and_tremor_is_possible_not_likely": Person(
        answers(medications=["Ventolin", "omeprazole 20 mg"], ppi_over_3_months="yes",
                symptoms=["muscle_weakness", "tremor"]),
        BOTH_POSSIBLE, "routine",
    ),
    "refilwe_whose_potassium_stays_low_despite_replacement_with_a_normal_potassium_this_week": Person(
        answers(supplements=["potassium_prescribed"], low_potassium_despite_supplements=True, **k(4.2)),
        ("likely", "likely", "likely"), "soon", not_rules=("potassium_capped_by_normal_result",),
    ),
    # -- the most urgent reason wins, and exclusive advice ----------------------------------------
    "lars_with_magnesium_2_5_and_potassium_5_7_calls_today": Person(
        answers(**k_and_mg(5.7, 2.5)), NOTHING, "urgent",
        # 2.5 "mmol/L" with nothing to explain it is probably mg/dL: confirm it, do not act on it (round 4)
        advised=("high_potassium_result", "high_magnesium_result"), not_advised=("no_magnesium_self_supplement",),
    ),
    "lars_with_magnesium_1_2_and_potassium_5_2_is_rechecked_at_the_next_visit": Person(
        answers(**k_and_mg(5.2, 1.2)), NOTHING, "routine",
        advised=("high_potassium_result", "high_magnesium_result"), not_advised=("no_magnesium_self_supplement",),
    ),
    "lars_on_lasix_with_a_potassium_of_5_3_is_warned_off_potassium_and_gets_magnesium_foods": Person(
        answers(medications=["Lasix"], **k(5.3)), MG_ONLY, "routine",
        advised=("high_potassium_result", "food_sources", "check_magnesium"),
        not_advised=("check_magnesium_with_potassium",),
    ),
    "nell_on_dialysis_with_nothing_else_is_warned_off_both_supplements": Person(
        answers(conditions=["dialysis"]), NOTHING, "routine",
        advised=("no_potassium_self_supplement", "no_magnesium_self_supplement"), warning_mentions=("dialysis",),
    ),
    # -- medicines through brand names and combination pills -------------------------------------
    "carl_on_bumex_and_zaroxolyn_takes_two_diuretic_classes_and_is_seen_soon": Person(
        answers(medications=["Bumex 1 mg", "Zaroxolyn 2.5 mg"]), BOTH_POSSIBLE, "soon",
        risk_factors=("dual_diuretic",),
    ),
    "carl_on_lasilactone_and_zaroxolyn_has_no_potassium_sparing_protection": Person(
        answers(medications=["Lasilactone", "Zaroxolyn"]), BOTH_POSSIBLE, "soon",
        risk_factors=("dual_diuretic",), advised=("no_potassium_self_supplement",),
    ),
    "carl_on_lasilactone_alone_is_protected_from_potassium_loss": Person(
        answers(medications=["Lasilactone"]), NOTHING, "none",
        advised=("no_potassium_self_supplement", "keep_taking_prescribed_medicines"),
    ),
    "carl_on_moduretic_with_cramps_may_lack_magnesium_only": Person(
        answers(medications=["Moduretic"], symptoms=["muscle_cramps"]), MG_ONLY, "routine",
    ),
    "pia_on_coversyl_plus_counts_the_indapamide_and_the_ace_inhibitor": Person(
        answers(medications=["Coversyl Plus"]), BOTH_POSSIBLE, "routine",
        advised=("no_potassium_self_supplement", "food_sources"),
    ),
    "pia_on_edarbyclor_counts_the_chlorthalidone": Person(
        answers(medications=["Edarbyclor 40/25"]), BOTH_POSSIBLE, "routine", advised=("no_potassium_self_supplement",),
    ),
    "pia_on_tenoretic_counts_the_chlorthalidone_and_not_the_atenolol": Person(
        answers(medications=["Tenoretic 50"]), BOTH_POSSIBLE, "routine", not_advised=("no_potassium_self_supplement",),
    ),
    "pia_on_diamox_and_hctz_is_not_on_two_diuretic_classes": Person(
        answers(medications=["Diamox", "HCTZ 25 mg"]), BOTH_POSSIBLE, "routine", not_risk_factors=("dual_diuretic",),
    ),
    "vera_on_vimovo_for_years_with_cramps_may_lack_magnesium": Person(
        answers(medications=["Vimovo"], ppi_over_3_months="yes", symptoms=["muscle_cramps"]), MG_ONLY, "routine",
        risk_factors=("long_term_ppi",), advised=("no_potassium_self_supplement",),
    ),
    "vera_on_nexium_for_weeks_with_twitches_has_no_magnesium_factor": Person(
        answers(medications=["Nexium"], ppi_over_3_months="no", symptoms=["muscle_twitches"]), NOTHING, "none",
        not_risk_factors=("long_term_ppi",),
    ),
    "vera_on_nexium_and_lasix_for_years_is_told_to_check_magnesium": Person(
        answers(medications=["Nexium", "Lasix"], ppi_over_3_months="yes"), BOTH_POSSIBLE, "routine",
        # with potassium possible too, one line asks for both tests (coherence review, M3)
        advised=("check_magnesium_with_potassium",), not_advised=("check_magnesium",),
    ),
    "zoe_on_zofran_with_a_potassium_of_3_3_calls_today_about_her_heart_rhythm": Person(
        answers(medications=["Zofran 4 mg"], **k(3.3)), LOW_K_ALONE, "urgent", advised=("qt_drug_check",),
    ),
    "zoe_on_lexapro_with_a_magnesium_of_0_65_calls_today": Person(
        answers(medications=["Lexapro 10 mg"], **mg(0.65)), LOW_MG_ALONE, "urgent", advised=("qt_drug_check",),
    ),
    "zoe_on_lexapro_with_a_normal_potassium_this_week_needs_no_heart_check": Person(
        # Review 6 (W3): beside "none", a QT medicine alone brings no "ask about blood checks" line.
        answers(medications=["Lexapro 10 mg"], **k(4.3)), NOTHING, "none",
        not_advised=("qt_drug_check", "keep_taking_prescribed_medicines"),
    ),
    "zoe_on_cipro_and_lasix_is_seen_soon_with_a_heart_check": Person(
        answers(medications=["Cipro 500 mg", "Lasix"]), BOTH_POSSIBLE, "soon", advised=("qt_drug_check",),
    ),
    "zoe_on_zofran_with_an_older_low_potassium_has_no_low_result": Person(
        answers(medications=["Zofran"], **k(3.1, taken="older")), NOTHING, "routine",  # recheck the older low result
        advised=("recheck_older_result",), not_advised=("qt_drug_check",),
    ),
    "otto_on_aldactone_and_klor_con_with_a_potassium_of_5_6_is_seen_soon": Person(
        answers(medications=["Aldactone 25 mg", "Klor-Con 20 mEq"], **k(5.6)), NOTHING, "soon",
        advised=("no_potassium_self_supplement",),
    ),
    "otto_on_zestril_and_slow_k_is_reviewed_at_his_next_visit": Person(
        answers(medications=["Zestril", "Slow-K"]), NOTHING, "routine", advised=("no_potassium_self_supplement",),
        unanswered=("low_potassium_despite_supplements",),
    ),
    "otto_on_entresto_using_nosalt_is_seen_soon": Person(
        answers(medications=["Entresto", "NoSalt"]), NOTHING, "soon", advised=("no_potassium_self_supplement",),
    ),
    "otto_taking_potassium_by_choice_with_a_potassium_of_5_2_is_seen_soon": Person(
        answers(supplements=["potassium"], **k(5.2)), NOTHING, "soon", advised=("high_potassium_result",),
    ),
    # -- unsure answers and missing sections --------------------------------------------------------
    "una_who_gave_only_a_lab_is_not_enough_to_screen": Person(
        {"labs": {"potassium": lab(4.2)}}, NOTHING, "none", coverage="none",
        advised=("answer_more_questions",), not_advised=("general_advice",),
    ),
    "una_who_answered_only_that_she_is_unsure_about_a_water_pill_is_partly_screened": Person(
        {"diuretic_use": "unsure"}, NOTHING, "none", coverage="partial", not_risk_factors=("diuretic_unknown_type",),
        warning_mentions=("water pill",),
    ),
    "una_on_omeprazole_who_did_not_say_for_how_long_is_asked": Person(
        answers(medications=["omeprazole"], symptoms=["muscle_twitches"]), MG_ONLY, "routine",
        risk_factors=("long_term_ppi",), unanswered=("ppi_over_3_months",),
    ),
    "una_taking_laxatives_regularly_without_saying_which_counts_them": Person(
        answers(laxative_use="regular"), BOTH_POSSIBLE, "routine", risk_factors=("regular_laxatives",),
        unanswered=("laxative_type",),
    ),
    "una_taking_osmotic_laxatives_regularly_has_no_laxative_factor": Person(
        answers(laxative_use="regular", laxative_type="osmotic"), NOTHING, "none",
        not_risk_factors=("regular_laxatives",),
    ),
    "una_unsure_about_laxatives_with_senokot_listed_counts_them": Person(
        answers(laxative_use="unsure", medications=["Senokot"]), BOTH_POSSIBLE, "routine",
        risk_factors=("regular_laxatives",),
    ),
    # -- potassium-sparing protection and two diuretic classes, second look -----------------------
    "nils_on_kerendia_and_lasix_is_not_protected_by_finerenone": Person(
        answers(medications=["Kerendia 10 mg", "Lasix"]), BOTH_POSSIBLE, "routine",
        advised=("no_potassium_self_supplement",),
    ),
    "nils_on_inspra_and_hctz_is_protected_from_potassium_loss": Person(
        answers(medications=["Inspra 25 mg", "HCTZ 12.5 mg"]), NOTHING, "none", not_risk_factors=("dual_diuretic",),
    ),
    "nils_on_aldactazide_and_lasix_takes_two_classes_despite_the_spironolactone": Person(
        answers(medications=["Aldactazide", "Lasix"]), BOTH_POSSIBLE, "soon", risk_factors=("dual_diuretic",),
    ),
    "nils_on_frumil_and_hctz_takes_two_classes_despite_the_amiloride": Person(
        answers(medications=["Frumil", "hydrochlorothiazide"]), BOTH_POSSIBLE, "soon", risk_factors=("dual_diuretic",),
    ),
    "nils_on_aldactone_and_diamox_is_not_protected_since_acetazolamide_is_neither_loop_nor_thiazide": Person(
        answers(medications=["Aldactone", "Diamox"], symptoms=["muscle_weakness"]),
        ("unlikely", "unlikely", "possible"), "routine",
    ),
    "nils_who_says_no_water_pill_but_lists_lasix_still_counts_it": Person(
        answers(diuretic_use="no", medications=["Lasix 20 mg"]), BOTH_POSSIBLE, "routine",
    ),
    "nils_who_says_yes_to_a_water_pill_and_lists_spironolactone_has_no_unknown_diuretic": Person(
        answers(diuretic_use="yes", medications=["spironolactone"]), NOTHING, "none",
        not_risk_factors=("diuretic_unknown_type",),
    ),
    "hilde_with_heart_failure_on_moduretic_has_routine_checks": Person(
        answers(conditions=["heart_failure"], medications=["Moduretic"]), NOTHING, "routine",
    ),
    "hilde_with_heart_failure_on_diamox_has_routine_checks": Person(
        answers(conditions=["heart_failure"], medications=["Diamox"]), NOTHING, "routine",
    ),
    "hilde_with_heart_failure_on_bumex_alone_is_seen_soon": Person(
        answers(conditions=["heart_failure"], medications=["Bumex"]), BOTH_POSSIBLE, "soon",
    ),
    "trelegy_user_petra_with_acute_diarrhea_has_two_low_potassium_factors": Person(
        answers(medications=["Trelegy Ellipta"], diarrhea={"present": True, "days": 1, "stools_per_day": 5}),
        ("unlikely", "unlikely", "possible"), "routine",
    ),
    # -- causes to ask about at their edges ---------------------------------------------------------
    "arjun_with_high_blood_pressure_on_hctz_and_a_potassium_of_3_0_is_not_asked_about_aldosteronism": Person(
        answers(conditions=["high_blood_pressure"], medications=["HCTZ"], **k(3.0)),
        ("likely", "likely", "likely"), "soon", not_advised=("ask_about_aldosteronism",),
    ),
    "arjun_with_high_blood_pressure_on_a_water_pill_of_unknown_type_and_a_potassium_of_2_9_is_asked": Person(
        answers(conditions=["high_blood_pressure"], diuretic_use="yes", **k(2.9)),
        ("likely", "likely", "likely"), "urgent", advised=("ask_about_aldosteronism",),
    ),
    "arjun_with_high_blood_pressure_and_a_potassium_of_3_3_on_prednisone_is_not_asked": Person(
        answers(conditions=["high_blood_pressure"], medications=["prednisone 5 mg"], **k(3.3)),
        LOW_K_ALONE, "soon", not_advised=("ask_about_aldosteronism",),
    ),
    "arjun_with_high_blood_pressure_low_potassium_and_two_days_of_diarrhea_is_not_asked": Person(
        answers(conditions=["high_blood_pressure"], diarrhea={"present": True, "days": 2, "stools_per_day": 4},
                **k(3.3)),
        LOW_K_ALONE, "soon", not_advised=("ask_about_aldosteronism",),
    ),
    "arjun_with_high_blood_pressure_on_liquorice_and_low_potassium_is_not_asked": Person(
        answers(conditions=["high_blood_pressure"], medications=["liquorice root"], **k(3.3)),
        LOW_K_ALONE, "soon", not_advised=("ask_about_aldosteronism",),
    ),
    "selma_with_low_potassium_and_magnesium_who_drinks_10_a_week_is_not_asked_about_her_kidneys": Person(
        answers(sex="female", alcohol={"drinks_per_week": 10}, **k_and_mg(3.2, 0.62)),
        ("likely", "likely", "likely"), "soon", not_advised=("ask_about_kidney_salt_wasting",),
    ),
    "selma_with_low_potassium_and_magnesium_and_a_poor_diet_is_still_asked_about_her_kidneys": Person(
        answers(diet={"processed_food": "most_days"}, **k_and_mg(3.2, 0.62)),
        ("likely", "likely", "likely"), "soon", advised=("ask_about_kidney_salt_wasting",),
    ),
    "selma_with_low_potassium_and_magnesium_on_diamox_is_not_asked_about_her_kidneys": Person(
        answers(medications=["Diamox"], **k_and_mg(3.2, 0.62)),
        ("likely", "likely", "likely"), "soon", not_advised=("ask_about_kidney_salt_wasting",),
    ),
    # -- who is told to keep taking their medicines ----------------------------------------------
    "ken_on_amlodipine_alone_has_nothing_to_keep_taking_advice_about": Person(
        answers(medications=["amlodipine 5 mg"]), NOTHING, "none",
        not_advised=("keep_taking_prescribed_medicines",), advised=("general_advice",),
    ),
    "ken_on_slow_mag_alone_is_not_told_to_keep_taking_it": Person(
        answers(medications=["Slow-Mag"]), NOTHING, "none", not_advised=("keep_taking_prescribed_medicines",),
    ),
    "ken_on_lasix_and_advil_with_four_days_of_vomiting_calls_today_with_sick_day_advice": Person(
        answers(medications=["Lasix", "Advil"], vomiting={"present": True, "days": 4}), BOTH_POSSIBLE, "urgent",
        advised=("sick_day_medicines",), not_advised=("keep_taking_prescribed_medicines",),
    ),
    # -- symptoms that escalate with a level, and digoxin warning signs --------------------------
    "beth_drinking_10_a_week_with_tremor_and_palpitations_calls_today": Person(
        answers(sex="female", alcohol={"drinks_per_week": 10}, symptoms=["tremor", "palpitations"]),
        MG_ONLY, "urgent",
    ),
    "beth_on_digoxin_with_a_poor_appetite_calls_today": Person(
        answers(medications=["digoxin"], symptoms=["nausea_poor_appetite"]), NOTHING, "urgent",
    ),
    "beth_on_lasix_with_tetany_and_cramps_is_likely_combined_and_calls_today": Person(
        answers(medications=["Lasix"], symptoms=["muscle_spasm_tetany", "muscle_cramps"]),
        ("likely", "possible", "possible"), "urgent",
    ),
    "beth_with_severe_weakness_last_week_calls_today_with_a_red_flag": Person(
        answers(symptoms=["severe_weakness_or_paralysis"]), NOTHING, "urgent",
        red_flags=("severe_weakness_or_paralysis",),
    ),
    "beth_16_with_nothing_but_a_seizure_now_seeks_emergency_care": Person(
        answers(age=16, red_flags_now=["seizure"]), NOTHING, "emergency", red_flags=("seizure",),
    ),
    # -- high magnesium caps only when current -----------------------------------------------------
    # (in mg/dL: 1.2 mmol/L typed with no kidney disease or magnesium intake asks for its unit to be
    # checked and does not cap, third clinical review U1)
    "magda_on_lasix_with_tremor_twitches_and_a_magnesium_of_1_2_this_week_is_not_likely_combined": Person(
        answers(medications=["Lasix"], symptoms=["tremor", "muscle_twitches"], **mg(2.92, unit="mg/dL")),
        ("unlikely", "unlikely", "possible"), "routine", rules=("magnesium_capped_by_high_result",),
        advised=("no_magnesium_self_supplement",),
    ),
    "magda_on_lasix_with_a_magnesium_of_1_2_from_last_month_is_not_capped": Person(
        answers(medications=["Lasix"], **mg(1.2, taken="last_30_days")), BOTH_POSSIBLE, "routine",
        not_rules=("magnesium_capped_by_high_result",), advised=("high_magnesium_result",),
        not_advised=("no_magnesium_self_supplement",),  # its unit is to be confirmed first (round 4)
    ),
    # -- prescribed potassium with each strong caution ----------------------------------------------
    "paddy_with_kidney_disease_on_klor_con_is_seen_soon": Person(
        answers(conditions=["chronic_kidney_disease"], medications=["Klor-Con"]), NOTHING, "soon",
    ),
    "paddy_on_bactrim_and_sando_k_is_reviewed_at_his_next_visit": Person(
        answers(medications=["Bactrim DS", "Sando-K"]), NOTHING, "routine", advised=("no_potassium_self_supplement",),
    ),
    "paddy_with_a_potassium_of_5_1_on_prescribed_potassium_is_seen_soon": Person(
        answers(supplements=["potassium_prescribed"], **k(5.1)), NOTHING, "soon",
    ),
    "paddy_using_lo_salt_with_a_potassium_of_5_1_is_seen_soon": Person(
        answers(medications=["LoSalt"], **k(5.1)), NOTHING, "soon",
    ),
    "paddy_using_lo_salt_with_nothing_that_keeps_potassium_is_not_flagged": Person(
        answers(medications=["LoSalt"]), NOTHING, "none",
    ),
    # -- a low result used whatever its date, within 30 days --------------------------------------
    "stan_vomiting_for_two_days_with_an_undated_potassium_of_3_4_is_likely_low": Person(
        answers(vomiting={"present": True, "days": 2}, **k(3.4, taken=None)), LOW_K_ALONE, "soon",
    ),
    "stan_with_a_magnesium_of_0_45_and_a_normal_potassium_this_week_calls_today": Person(
        answers(**k_and_mg(4.4, 0.45)), ("unlikely", "likely", "unlikely"), "urgent",
    ),
    "moses_who_answered_only_alcohol_and_symptoms_is_partly_screened_and_told_what_was_not_asked": Person(
        {"alcohol": {"drinks_per_week": 2}, "symptoms": []}, NOTHING, "none", coverage="partial",
        advised=("answer_the_core_questions",), not_advised=("general_advice",),
    ),
    # -- medicine names as people write them ------------------------------------------------------
    "mike_on_furosemide_and_metolazone_written_as_one_entry_takes_two_classes": Person(
        answers(medications=["furosemide and metolazone"]), BOTH_POSSIBLE, "soon", risk_factors=("dual_diuretic",),
    ),
    "mike_on_co_amilofruse_5_40_is_protected_from_potassium_loss": Person(
        answers(medications=["co-amilofruse 5/40"]), NOTHING, "none", advised=("no_potassium_self_supplement",),
    ),
    "mike_on_amiloride_plus_hctz_is_protected_from_potassium_loss": Person(
        answers(medications=["amiloride + HCTZ"]), NOTHING, "none", advised=("no_potassium_self_supplement",),
    ),
    "mike_on_spironolactone_with_furosemide_in_one_entry_is_protected": Person(
        answers(medications=["spironolactone with furosemide"], symptoms=["muscle_twitches"]), MG_ONLY, "routine",
    ),
    "mike_on_lotensin_hct_counts_the_thiazide_and_the_ace_inhibitor": Person(
        answers(medications=["Lotensin HCT 20/12.5"]), BOTH_POSSIBLE, "routine",
        advised=("no_potassium_self_supplement",),
    ),
    "mike_on_ziac_counts_the_thiazide_without_a_caution": Person(
        answers(medications=["Ziac 5/6.25"]), BOTH_POSSIBLE, "routine", not_advised=("no_potassium_self_supplement",),
    ),
    "mike_on_exforge_hct_counts_the_thiazide_and_the_arb": Person(
        answers(medications=["Exforge HCT"]), BOTH_POSSIBLE, "routine", advised=("no_potassium_self_supplement",),
    ),
    "mike_on_symbicort_with_weakness_and_acute_diarrhea_may_lack_potassium": Person(
        answers(medications=["Symbicort 200/6"], symptoms=["muscle_weakness"],
                diarrhea={"present": True, "days": 1, "stools_per_day": 4}),
        ("unlikely", "unlikely", "possible"), "routine",
    ),
    "mike_on_esomeprazole_magnesium_for_years_is_not_taking_a_magnesium_supplement": Person(
        answers(medications=["esomeprazole magnesium 40 mg"], ppi_over_3_months="yes",
                conditions=["chronic_kidney_disease"]),
        NOTHING, "none", risk_factors=("long_term_ppi",),
    ),
    "mike_on_diclofenac_potassium_is_not_asked_about_potassium_replacement": Person(
        # Review 6 (W3): beside "none", an NSAID alone brings no "ask about blood checks" line.
        answers(medications=["diclofenac potassium 50 mg"]), NOTHING, "none",
        advised=("no_potassium_self_supplement",), not_advised=("keep_taking_prescribed_medicines",),
    ),
    "mike_using_voltaren_gel_has_no_potassium_caution": Person(
        answers(medications=["Voltaren gel"]), NOTHING, "none", not_advised=("no_potassium_self_supplement",),
    ),
    "nora_on_clexane_taking_potassium_by_her_own_choice_is_seen_soon": Person(
        answers(medications=["Clexane 40 mg"], supplements=["potassium"]), NOTHING, "soon",
    ),
    "nora_on_yaz_has_a_potassium_caution_only": Person(
        answers(medications=["Yaz"]), NOTHING, "none", advised=("no_potassium_self_supplement",),
    ),
    "nora_on_zithromax_with_a_potassium_of_3_3_calls_today": Person(
        answers(medications=["Z-Pak"], **k(3.3)), LOW_K_ALONE, "urgent", advised=("qt_drug_check",),
    ),
    "nora_on_plaquenil_with_a_magnesium_of_0_69_from_last_month_calls_today": Person(
        answers(medications=["Plaquenil 200 mg"], **mg(0.69, taken="last_30_days")), LOW_MG_ALONE, "urgent",
        advised=("qt_drug_check",),
    ),
    "nora_on_haldol_with_an_irregular_heartbeat_and_no_depletion_calls_today": Person(
        answers(medications=["Haldol"], symptoms=["irregular_heartbeat"]), NOTHING, "urgent",
        advised=("qt_drug_check",),
    ),
    "nora_on_lanoxin_with_a_magnesium_of_0_65_calls_today": Person(
        answers(medications=["Lanoxin"], **mg(0.65)), LOW_MG_ALONE, "urgent", advised=("digoxin_check",),
    ),
    "nora_on_lanoxin_with_an_undated_potassium_of_3_8_is_seen_soon": Person(
        answers(medications=["Lanoxin"], **k(3.8, taken=None)), NOTHING, "soon", rules=("low_k_on_digoxin",),
    ),
    "nora_on_nurofen_and_ramipril_with_three_days_of_diarrhea_calls_today": Person(
        answers(medications=["Nurofen", "ramipril 5 mg"], diarrhea={"present": True, "days": 3, "stools_per_day": 4}),
        NOTHING, "urgent", advised=("sick_day_medicines",),
    ),
    # -- a high potassium during gut losses, and red flags listed once ----------------------------
    "quinn_with_five_days_of_diarrhea_weakness_and_a_potassium_of_5_3_from_last_month": Person(
        answers(diarrhea={"present": True, "days": 5, "stools_per_day": 4}, symptoms=["muscle_weakness"],
                **k(5.3, taken="last_30_days")),
        ("unlikely", "unlikely", "possible"), "routine", advised=("high_potassium_result",),
        not_rules=("potassium_capped_by_normal_result",),
    ),
    "quinn_confused_now_and_last_week_has_one_red_flag": Person(
        answers(red_flags_now=["new_confusion"], symptoms=["confusion"]), NOTHING, "emergency",
        red_flags=("new_confusion",),
    ),
    "quinn_17_on_dialysis_is_told_both_why_the_screen_may_not_fit": Person(
        answers(age=17, conditions=["dialysis"]), NOTHING, "routine", warning_mentions=("18", "dialysis"),
    ),
    "quinn_taking_laxatives_occasionally_is_asked_which_kind": Person(
        answers(laxative_use="occasional"), NOTHING, "none", unanswered=("laxative_type",),
        not_risk_factors=("regular_laxatives",),
    ),
    # -- a few more edges of the derived facts -----------------------------------------------------
    "leo_a_man_whose_audit_c_is_all_frequency_but_who_drinks_15_a_week_is_hazardous": Person(
        answers(sex="male", alcohol={"audit_c": {"frequency": 4, "quantity": 0, "binge": 0}, "drinks_per_week": 15}),
        NOTHING, "none", risk_factors=("hazardous_alcohol",),
    ),
    "leo_a_man_scoring_4_with_one_point_for_quantity_is_hazardous": Person(
        answers(sex="male", alcohol={"audit_c": {"frequency": 3, "quantity": 1, "binge": 0}}), NOTHING, "none",
        risk_factors=("hazardous_alcohol",),
    ),
    "wanda_on_lasix_with_two_days_of_diarrhea_and_one_day_of_vomiting_gets_no_sick_day_call": Person(
        answers(medications=["Lasix"], diarrhea={"present": True, "days": 2, "stools_per_day": 4},
                vomiting={"present": True, "days": 1, "episodes_per_day": 3}),
        BOTH_POSSIBLE, "routine", not_advised=("sick_day_medicines",), advised=("keep_taking_prescribed_medicines",),
    ),
    "wanda_on_lasix_vomiting_for_three_days_with_mild_diarrhea_gets_the_sick_day_call": Person(
        answers(medications=["Lasix"], diarrhea={"present": True, "days": 5, "stools_per_day": 2},
                vomiting={"present": True, "days": 3}),
        BOTH_POSSIBLE, "urgent", advised=("sick_day_medicines",), not_risk_factors=("acute_diarrhea",),
    ),
    "wanda_eating_no_fruit_at_all_has_a_poor_diet": Person(
        answers(diet={"fruit_veg_servings": 0, "processed_food": "rarely"}), NOTHING, "none",
        risk_factors=("poor_diet",),
    ),
    # The list wins over a "no" to laxatives, as it does over a "no" to water pills (review 4, U1).
    "wanda_who_takes_senokot_but_says_no_laxatives_has_it_counted": Person(
        answers(laxative_use="none", medications=["Senokot"]), BOTH_POSSIBLE, "routine",
        risk_factors=("regular_laxatives",), not_advised=("keep_taking_prescribed_medicines",),
    ),
    "wanda_who_lists_dulcolax_and_did_not_answer_the_laxative_question_counts_it": Person(
        answers(medications=["Dulcolax"]), BOTH_POSSIBLE, "routine", risk_factors=("regular_laxatives",),
    ),
    "wanda_taking_stimulant_laxatives_regularly_unsure_of_type_counts_them": Person(
        answers(laxative_use="regular", laxative_type="unsure"), BOTH_POSSIBLE, "routine",
        risk_factors=("regular_laxatives",),
    ),
    "harold_with_heart_failure_drinking_10_a_week_with_a_tremor_is_seen_soon": Person(
        answers(sex="female", conditions=["heart_failure"], alcohol={"drinks_per_week": 10}, symptoms=["tremor"]),
        MG_ONLY, "soon",
    ),
    "harold_70_on_digoxin_eating_little_fruit_is_seen_soon": Person(
        answers(age=70, medications=["digoxin"], diet={"fruit_veg_servings": 1}), MG_ONLY, "soon",
        # one magnesium-test line: digoxin's own asks for magnesium by name (clinical review 6, O2)
        advised=("digoxin_check",), not_advised=("check_magnesium",),
    ),
    "harold_70_on_amiodarone_eating_little_fruit_is_seen_soon_with_a_heart_check": Person(
        answers(age=70, medications=["Pacerone"], diet={"fruit_veg_servings": 1}), MG_ONLY, "soon",
        advised=("qt_drug_check",),
    ),
    "harold_with_kidney_disease_and_ramipril_on_prescribed_potassium_is_seen_soon": Person(
        answers(conditions=["chronic_kidney_disease"], medications=["ramipril", "potassium chloride"]),
        NOTHING, "soon",
    ),
    "harold_with_kidney_disease_using_a_salt_substitute_is_seen_soon": Person(
        answers(conditions=["chronic_kidney_disease"], supplements=["salt_substitute"]), NOTHING, "soon",
    ),
    # As the spec says (both advice rows list their conditions, and high blood pressure is not among
    # the salt-wasting exclusions). A reviewer may want to question it: Gitelman syndrome usually
    # comes with normal or low blood pressure (Blanchard 2017, the spec's own source).
    # Not about Gitelman syndrome too: it gives normal or low blood pressure (catalogue review 9, F2).
    "iris_with_high_blood_pressure_and_low_potassium_and_magnesium_is_asked_about_aldosteronism_only": Person(
        answers(conditions=["high_blood_pressure"], **k_and_mg(3.1, 0.60)), ("likely", "likely", "likely"), "soon",
        advised=("ask_about_aldosteronism",), not_advised=("ask_about_kidney_salt_wasting",),
    ),
    "iris_on_aldactone_lasix_and_diamox_with_weakness_may_lack_potassium_through_the_diamox": Person(
        answers(medications=["Aldactone", "Lasix", "Diamox"], symptoms=["muscle_weakness"]),
        ("unlikely", "unlikely", "possible"), "routine", not_risk_factors=("dual_diuretic",),
    ),
    "iris_on_lasix_with_tremor_twitches_and_a_magnesium_of_1_2_from_last_month_is_likely_combined": Person(
        answers(medications=["Lasix"], symptoms=["tremor", "muscle_twitches"], **mg(1.2, taken="last_30_days")),
        ("likely", "possible", "possible"), "soon", not_rules=("magnesium_capped_by_high_result",),
    ),
    # -- ages at the ends of the range --------------------------------------------------------------
    "baby_of_0_is_outside_the_screen_and_is_told_so": Person(
        # Review 6 (O6): the warning says so; how soon follows the answers (here: nothing).
        answers(age=0), NOTHING, "none", warning_mentions=("18",),
    ),
    "cyril_120_is_an_older_adult_and_nothing_more": Person(
        answers(age=120), NOTHING, "none", risk_factors=("older_adult",), advised=("general_advice",),
    ),
    "tess_15_who_fainted_last_week_calls_today_despite_her_age": Person(
        answers(age=15, symptoms=["fainting"]), NOTHING, "urgent", red_flags=("fainting",), warning_mentions=("18",),
    ),
}
# fmt: on


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


@pytest.mark.parametrize("name", list(PEOPLE))
def test_person(screener: Screener, name: str) -> None:
    person = PEOPLE[name]
    result: ScreeningResult = screener.screen(person.answers)
    given = (result.combined_depletion, result.magnesium_depletion, result.potassium_depletion)
    assert given == person.levels, "levels (combined, magnesium, potassium)"
    assert result.urgency == person.urgency
    assert result.consult_clinician is (person.urgency != "none")
    assert tuple(result.red_flags) == person.red_flags
    advice = [recommendation.code for recommendation in result.recommendations]
    if person.urgency != "none":
        assert advice[0] == HOW_SOON[person.urgency], "the how-soon advice comes first"
    assert set(person.advised) <= set(advice), advice
    assert not set(person.not_advised) & set(advice), advice
    assert set(person.risk_factors) <= set(result.risk_factors), result.risk_factors
    assert not set(person.not_risk_factors) & set(result.risk_factors), result.risk_factors
    fired = {finding.rule for finding in result.findings}
    assert set(person.rules) <= fired
    assert not set(person.not_rules) & fired
    if person.mmol_per_l:
        assert tuple(used.mmol_per_l for used in result.labs_used) == person.mmol_per_l
    for mention in person.warning_mentions:
        assert any(mention in warning for warning in result.warnings), result.warnings
    if person.coverage:
        assert result.coverage == person.coverage
    assert set(person.unanswered) <= set(result.unanswered_sections), result.unanswered_sections
    assert "not a diagnosis" in result.disclaimer
