"""Clinical leftovers, third round (2026-12-01): the potassium checks a water pill needs said in the
one blood-test line, how soon for type 2 diabetes on insulin with a little vomiting, desmopressin
when ill, and an older high magnesium result (README, "Clinical leftovers, third round"). Each test
is a person; the answers are the ones that matter."""

from __future__ import annotations

from typing import Any

from result_support import codes, flat, rules_fired, text_of

WELL = {"pregnant": "no", "alcohol": {"drinks_per_week": 0}, "laxative_use": "none", "red_flags_now": [], "supplements": []}
NO_GUT_LOSSES = {"diarrhea": {"present": False}, "vomiting": {"present": False}}


# -- a water pill, and the one line that asks for the blood tests --------------------------------

# Rose, 78, on Lasix 40 mg and amlodipine for high blood pressure, with cramps, weakness and
# tiredness (examples/personas/older-adult-on-furosemide-with-cramps.json). Before: "Ask your
# clinician for a magnesium blood test, and for magnesium to be checked whenever potassium is low",
# and nothing about the potassium checks furosemide needs.
ROSE_78_ON_FUROSEMIDE_WITH_CRAMPS = {
    "age": 78, "sex": "female", "medications": ["Lasix 40 mg tablets", "amlodipine 5 mg"], "diuretic_use": "yes",
    "conditions": ["high_blood_pressure"], "symptoms": ["muscle_cramps", "muscle_weakness", "fatigue"],
    "diet": {"processed_food": "sometimes", "fruit_veg_servings": 1}, "red_flags_now": [],
}
# Sam, 6, in a nephrotic relapse on prednisolone and furosemide, with cramps and tiredness: his
# parent answers (review 5, case 22).
SAM_6_ON_FUROSEMIDE = {
    **NO_GUT_LOSSES, "laxative_use": "none", "age": 6, "sex": "male", "medications": ["prednisolone 60mg", "furosemide 20mg"],
    "symptoms": ["muscle_cramps", "fatigue"], "red_flags_now": [], "supplements": [],
}


def blood_test_lines(result: Any) -> list[str]:
    return [flat(r.text) for r in result.recommendations if "potassium" in r.text and ("check" in r.text or "test" in r.text)]


def test_rose_78_on_furosemide_is_asked_in_one_line_for_her_potassium_and_magnesium_to_be_checked(screener: Any) -> None:
    result = screener.screen(ROSE_78_ON_FUROSEMIDE_WITH_CRAMPS)
    assert "recommend_check_magnesium_with_potassium_on_a_water_pill" in rules_fired(result)
    text = flat(text_of(result, "check_magnesium_with_potassium"))
    assert text.startswith("On a water pill, potassium needs checking while you take it")
    assert "ask your clinician for a potassium and a magnesium blood test, naming magnesium" in text
    assert "whenever potassium is low or being replaced" in text
    assert text_of(result, "keep_taking_prescribed_medicines") == "Do not stop a prescribed medicine on your own."
    assert len(blood_test_lines(result)) == 1  # still asked for once


def test_sams_parent_is_asked_whether_the_childs_potassium_should_be_checked_now(screener: Any) -> None:
    result = screener.screen(SAM_6_ON_FUROSEMIDE)
    text = flat(text_of(result, "check_magnesium_with_potassium"))
    assert text.startswith("On a water pill, the child's potassium needs checking while the child takes it")
    assert "ask the child's clinician whether the child's potassium should be checked now" in text
    assert "whether the child needs magnesium checked with it" in text
    assert " your " not in f" {text} " and "you take" not in text


def test_rose_with_a_low_potassium_result_keeps_the_line_about_her_result(screener: Any) -> None:
    # the line about the result already asks how often to recheck potassium and magnesium
    labs = {"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"}}
    result = screener.screen({**ROSE_78_ON_FUROSEMIDE_WITH_CRAMPS, "labs": labs})
    assert "recommend_check_magnesium_with_potassium_on_a_water_pill" not in rules_fired(result)
    assert "how often potassium and magnesium should be rechecked" in flat(text_of(result, "keep_taking_prescribed_medicines"))


def test_the_same_cramps_without_a_water_pill_keep_the_plain_magnesium_line(screener: Any) -> None:
    # a laxative taken every day: no water pill, so no potassium checks to ask about
    no_pill = {**ROSE_78_ON_FUROSEMIDE_WITH_CRAMPS, "medications": ["amlodipine 5 mg"], "diuretic_use": "no", "laxative_use": "regular"}
    result = screener.screen(no_pill)
    assert "recommend_check_magnesium_with_potassium_on_a_water_pill" not in rules_fired(result)
    assert "On a water pill" not in flat(text_of(result, "check_magnesium_with_potassium"))


def test_a_long_term_ppi_with_a_water_pill_asks_for_magnesium_with_the_potassium(screener: Any) -> None:
    ppi = {**ROSE_78_ON_FUROSEMIDE_WITH_CRAMPS, "medications": ["Lasix 40 mg tablets", "omeprazole 20 mg"], "ppi_over_3_months": "yes"}
    text = flat(text_of(screener.screen(ppi), "check_magnesium_with_potassium"))
    assert text.startswith("You take")  # the line naming the stomach-acid medicine still wins
    assert "Ask your clinician for a magnesium blood test with your potassium (a water pill or digoxin calls for regular potassium checks)" in text


# -- type 2 diabetes on insulin, sick once or twice today -----------------------------------------

# Graham, 62, type 2 diabetes on glargine and metformin, sick twice this morning, drinks staying
# down. Before: "How soon: none" above a sick-day line telling him to contact his diabetes team.
GRAHAM_62_TYPE_2_ON_INSULIN_SICK_TWICE = {
    **WELL, "age": 62, "sex": "male", "conditions": ["type_2_diabetes"],
    "medications": ["insulin glargine", "metformin 500 mg"], "symptoms": [],
    "diarrhea": {"present": False},
    "vomiting": {"present": True, "days": 1, "episodes_per_day": 2, "cannot_keep_fluids_down": False},
}


def test_graham_62_on_insulin_for_type_2_diabetes_sick_twice_today_is_told_to_contact_the_team_today(screener: Any) -> None:
    result = screener.screen(GRAHAM_62_TYPE_2_ON_INSULIN_SICK_TWICE)
    assert result.urgency == "urgent"
    assert "urgent_insulin_or_type_1_diabetes_with_vomiting" in rules_fired(result)
    assert codes(result)[0] == "contact_clinician_today"
    text = flat(text_of(result, "insulin_sick_day"))
    assert "contact your diabetes team or a clinician today for advice on your insulin doses" in text
    assert "for more than a day" not in text  # the top and the line say the same


def test_graham_sick_once_is_also_today(screener: Any) -> None:
    once = {**GRAHAM_62_TYPE_2_ON_INSULIN_SICK_TWICE, "vomiting": {"present": True, "days": 1, "episodes_per_day": 1}}
    assert screener.screen(once).urgency == "urgent"


def test_graham_on_metformin_alone_keeps_the_usual_how_soon(screener: Any) -> None:
    # no insulin: the sick-day rules of tablets (pause metformin after 48 hours), not a call today
    tablets = {**GRAHAM_62_TYPE_2_ON_INSULIN_SICK_TWICE, "medications": ["metformin 500 mg"]}
    result = screener.screen(tablets)
    assert result.urgency != "urgent"
    assert "insulin_sick_day" not in codes(result)


def test_graham_with_diarrhea_alone_on_insulin_is_told_to_call_today_once_he_is_sick(screener: Any) -> None:
    diarrhea = {**GRAHAM_62_TYPE_2_ON_INSULIN_SICK_TWICE, "vomiting": {"present": False}, "diarrhea": {"present": True, "days": 1, "stools_per_day": 3}}
    result = screener.screen(diarrhea)
    assert result.urgency != "urgent"  # diarrhea alone keeps the plain line, as before
    assert "today if you start being sick or your ketones are raised" in flat(text_of(result, "insulin_sick_day"))


# -- an older high magnesium result -------------------------------------------------------------

# Margaret, 78, with kidney disease, takes Milk of Magnesia most nights; her last magnesium, from
# four months ago, was 1.4 mmol/L. Before: "none" and only the warning that an older result was not
# used.
MARGARET_78_OLDER_MAGNESIUM_1_4 = {
    **WELL, **NO_GUT_LOSSES, "age": 78, "sex": "female", "conditions": ["chronic_kidney_disease"],
    "medications": ["Milk of Magnesia"], "symptoms": [],
    "labs": {"magnesium": {"value": 1.4, "unit": "mmol/L", "taken": "older"}},
}


def test_margaret_78_with_an_older_magnesium_of_1_4_is_asked_to_recheck_it_with_kidney_function(screener: Any) -> None:
    result = screener.screen(MARGARET_78_OLDER_MAGNESIUM_1_4)
    assert result.urgency != "none"
    assert {"older_magnesium_above_range", "routine_older_magnesium_above_range", "recommend_recheck_older_high_magnesium"} <= rules_fired(result)
    text = flat(text_of(result, "recheck_older_high_magnesium"))
    assert "showed a high magnesium (above 1.05 mmol/L)" in text
    assert "for a recheck of magnesium with kidney function" in text
    assert "do not take more of them until you have asked" in text
    assert "recheck_older_result" not in codes(result)  # that code says an older result was low
    assert "high_mg_lab" not in rules_fired(result)  # the levels still do not use an older result


def test_margaret_with_an_older_magnesium_of_2_4_is_rechecked_within_days(screener: Any) -> None:
    higher = {**MARGARET_78_OLDER_MAGNESIUM_1_4, "labs": {"magnesium": {"value": 2.4, "unit": "mmol/L", "taken": "older"}}}
    result = screener.screen(higher)
    assert result.urgency == "soon"
    assert "soon_older_magnesium_markedly_high" in rules_fired(result)
    assert "recheck_older_high_magnesium" in codes(result)


def test_margaret_with_an_older_magnesium_given_as_above_2_is_rechecked_within_days(screener: Any) -> None:
    bound = {**MARGARET_78_OLDER_MAGNESIUM_1_4, "labs": {"magnesium": {"above": 2.0, "unit": "mmol/L", "taken": "older"}}}
    result = screener.screen(bound)
    assert result.urgency == "soon"
    assert "recheck_older_high_magnesium" in codes(result)


def test_a_parent_is_told_about_the_childs_older_high_magnesium(screener: Any) -> None:
    child = {**MARGARET_78_OLDER_MAGNESIUM_1_4, "age": 9, "sex": "male"}
    text = flat(text_of(screener.screen(child), "recheck_older_high_magnesium"))
    assert "ask the child's clinician whether it was rechecked" in text and "the child's levels" in text


def test_an_older_1_4_with_no_reason_to_be_high_keeps_the_unit_warning_and_no_recheck_line(screener: Any) -> None:
    # 1.4 "mmol/L" with no kidney disease or magnesium taken is likelier 1.4 mg/dL, a low-normal
    # result: the warning asks for the unit to be checked, and nothing acts on the number
    well = {**MARGARET_78_OLDER_MAGNESIUM_1_4, "conditions": [], "medications": []}
    result = screener.screen(well)
    assert "recheck_older_high_magnesium" not in codes(result)
    assert any("Check the unit on the magnesium report" in warning for warning in result.warnings)


def test_an_older_normal_magnesium_changes_nothing(screener: Any) -> None:
    normal = {**MARGARET_78_OLDER_MAGNESIUM_1_4, "labs": {"magnesium": {"value": 1.05, "unit": "mmol/L", "taken": "older"}}}
    assert "older_magnesium_above_range" not in rules_fired(screener.screen(normal))


# -- desmopressin while being sick ------------------------------------------------------------

# Ella, 8, takes DesmoMelt for bedwetting and has had a stomach bug for a day, sick twice and with
# loose stools: her mother answers. Before: desmopressin was read with no effect, and nothing said.
ELLA_8_ON_DESMOMELT_WITH_A_STOMACH_BUG = {
    **WELL, "age": 8, "sex": "female", "medications": ["DesmoMelt 120 micrograms"], "symptoms": [],
    "vomiting": {"present": True, "days": 1, "episodes_per_day": 2},
    "diarrhea": {"present": True, "days": 1, "stools_per_day": 3},
}
# Tom, 45, with diabetes insipidus after pituitary surgery, on DDAVP tablets, with diarrhea for two days.
TOM_45_ON_DDAVP_WITH_DIARRHEA = {
    **WELL, "age": 45, "sex": "male", "medications": ["DDAVP 0.2 mg"], "symptoms": [],
    "vomiting": {"present": False}, "diarrhea": {"present": True, "days": 2, "stools_per_day": 4},
}


def test_ellas_mother_is_told_to_stop_desmopressin_for_bedwetting_while_she_is_ill(screener: Any) -> None:
    result = screener.screen(ELLA_8_ON_DESMOMELT_WITH_A_STOMACH_BUG)
    text = flat(text_of(result, "desmopressin_while_ill"))
    assert text.startswith("The child takes desmopressin (")
    assert "If the child takes it for bedwetting, stop it until the child is eating and drinking normally again" in text
    assert "bad headache, becomes confused or unusually drowsy, or has a fit" in text
    assert result.magnesium_depletion == screener.screen({**ELLA_8_ON_DESMOMELT_WITH_A_STOMACH_BUG, "medications": []}).magnesium_depletion


def test_tom_45_with_diabetes_insipidus_is_told_not_to_stop_it_on_his_own(screener: Any) -> None:
    result = screener.screen(TOM_45_ON_DDAVP_WITH_DIARRHEA)
    text = flat(text_of(result, "desmopressin_while_ill"))
    assert "If you take it for diabetes insipidus, do not stop it on your own" in text
    assert "how to take it while you are ill and how much to drink" in text
    # the one exception to "do not stop a prescribed medicine" is said in its own line
    assert result.urgency == screener.screen({**TOM_45_ON_DDAVP_WITH_DIARRHEA, "medications": []}).urgency


def test_desmopressin_when_well_brings_no_advice(screener: Any) -> None:
    well = {**TOM_45_ON_DDAVP_WITH_DIARRHEA, "diarrhea": {"present": False}}
    assert "desmopressin_while_ill" not in codes(screener.screen(well))
