"""Review 8, one level up (2026-12-01): the how-soon line agrees with the advice under it for
"soon" too. An ileostomy whose output has been watery for 2 weeks or more was "see a clinician
within days" under advice that said today; it is now "today" however long the output has been
watery, as at 13 days (README, "Where we departed from the written spec, and why").
Each test is a person."""

from __future__ import annotations

from typing import Any

from result_support import codes, flat, text_of

WELL = {"pregnant": "no", "alcohol": {"drinks_per_week": 0}, "laxative_use": "none", "red_flags_now": [], "supplements": []}

# Ruth, 58, has had an ileostomy for years; its output has been watery for exactly 14 days, the
# bag emptied 8 times a day. No cramps, no weakness, keeping drinks down.
RUTH_58_ILEOSTOMY_WATERY_FOR_14_DAYS = {
    **WELL, "id": "ruth", "age": 58, "sex": "female", "medications": ["loperamide 2 mg"], "conditions": ["ileostomy"],
    "symptoms": [], "diarrhea": {"present": True, "days": 14, "stools_per_day": 8}, "vomiting": {"present": False},
}


def test_ruth_with_a_watery_ileostomy_for_two_weeks_is_told_today_as_she_would_be_at_13_days(screener: Any) -> None:
    """More days of a watery output never lower the how-soon: 13 days read "today" and 14 "within
    days" until the lead's merge (tests/test_clinical_properties.py found it)."""
    result = screener.screen(RUTH_58_ILEOSTOMY_WATERY_FOR_14_DAYS)
    assert result.urgency == "urgent"
    assert codes(result)[0] == "contact_clinician_today"
    stoma = flat(text_of(result, "stoma_team_for_high_output"))
    assert "If the output has been watery for more than a day" in stoma
    assert "St Mark's solution" in stoma


def test_ruth_a_day_earlier_at_13_days_is_told_today_at_the_top_and_in_the_stoma_advice(screener: Any) -> None:
    result = screener.screen({**RUTH_58_ILEOSTOMY_WATERY_FOR_14_DAYS, "diarrhea": {"present": True, "days": 13, "stools_per_day": 8}})
    assert result.urgency == "urgent"
    assert codes(result)[0] == "contact_clinician_today"
    assert "If the output has been watery for more than a day" in flat(text_of(result, "stoma_team_for_high_output"))


def test_ruth_after_two_months_with_cramps_is_told_today_and_the_advice_says_today(screener: Any) -> None:
    result = screener.screen({**RUTH_58_ILEOSTOMY_WATERY_FOR_14_DAYS, "diarrhea": {"present": True, "days": 60, "stools_per_day": 8}, "symptoms": ["muscle_cramps"]})
    assert result.urgency == "urgent"
    stoma = flat(text_of(result, "stoma_team_for_high_output"))
    assert "within the next few days" not in stoma
    assert "contact them or your GP today" in stoma


def test_ruth_watery_for_two_months_who_cannot_keep_fluids_down_is_not_told_within_days(screener: Any) -> None:
    result = screener.screen({
        **RUTH_58_ILEOSTOMY_WATERY_FOR_14_DAYS, "diarrhea": {"present": True, "days": 60, "stools_per_day": 8},
        "vomiting": {"present": True, "days": 1, "episodes_per_day": 3, "cannot_keep_fluids_down": True},
    })
    assert result.urgency in ("urgent", "emergency")
    assert "within the next few days" not in flat(text_of(result, "stoma_team_for_high_output"))


# Sam, 9, an ileostomy since surgery for Hirschsprung's disease, output watery for 3 weeks.
SAM_9_ILEOSTOMY_WATERY_FOR_3_WEEKS = {
    **WELL, "id": "sam", "age": 9, "sex": "male", "medications": [], "conditions": ["ileostomy"], "symptoms": [],
    "diarrhea": {"present": True, "days": 21, "stools_per_day": 7}, "vomiting": {"present": False},
}


def test_sams_parent_is_told_today_after_three_weeks_of_watery_output(screener: Any) -> None:
    result = screener.screen(SAM_9_ILEOSTOMY_WATERY_FOR_3_WEEKS)
    assert result.urgency == "urgent"
    stoma = flat(text_of(result, "stoma_team_for_high_output"))
    assert stoma.startswith("Watery or high output from the child's ileostomy")
    assert "contact them or the child's GP today" in stoma
    assert "within the next few days" not in stoma
