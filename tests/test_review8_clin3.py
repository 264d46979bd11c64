"""Clinical leftovers, third round (2026-12-01): the potassium checks a water pill needs said in the
one blood-test line, how soon for type 2 diabetes on insulin with a little vomiting, desmopressin
when ill, and an older high magnesium result (README, "Clinical leftovers, third round"). Each test
is a person; the answers are the ones that matter."""

from __future__ import annotations

from typing import Any

from result_support import codes, flat, rules_fired, text_of

WELL = {"pregnant": "no", "alcohol": {"drinks_per_week": 0}, "laxative_use": "none", "red_flags_now": [], "supplements": []}
NO_GUT_LOSSES = {"diarrhea": {"present": False}, "vomiting": {"present": False}}


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
