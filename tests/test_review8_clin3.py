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
