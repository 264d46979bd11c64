"""Three clinical leftovers of newcomer review 7 (2026-12-01): an adult on insulin who vomits, an
older high potassium result, and the code of a high magnesium result's advice (README, "Newcomer
review 7: how soon on insulin, older high potassium, a high magnesium's own code"). Each test is a
person; the answers are the ones that matter."""

from __future__ import annotations

from typing import Any

from result_support import codes, flat, rules_fired, text_of

WELL = {"pregnant": "no", "alcohol": {"drinks_per_week": 0}, "laxative_use": "none", "symptoms": [], "red_flags_now": [], "supplements": []}


def sick_on_insulin(age: int, conditions: list[str], *, episodes: int, days: int = 1, fluids_down: bool = True) -> dict[str, Any]:
    return {
        **WELL, "age": age, "sex": "female", "conditions": conditions, "medications": ["insulin glargine", "insulin aspart"],
        "diarrhea": {"present": False},
        "vomiting": {"present": True, "days": days, "episodes_per_day": episodes, "cannot_keep_fluids_down": not fluids_down},
    }


# -- 1. an adult on insulin who is sick -------------------------------------------------------------

# Priya, 30, type 1 diabetes on glargine and aspart, sick 5 times today, drinks staying down
# (the review's labs-edge line 12).
PRIYA_30_TYPE_1_SICK_FIVE_TIMES = sick_on_insulin(30, ["type_1_diabetes"], episodes=5)
# Owen, 45, on insulin, did not say which type of diabetes, sick once.
OWEN_45_ON_INSULIN_TYPE_NOT_GIVEN_SICK_ONCE = sick_on_insulin(45, [], episodes=1)
# Graham, 62, type 2 diabetes on insulin (below, sick on two days, or three times today).


def test_priya_30_with_type_1_diabetes_sick_five_times_today_is_told_to_contact_a_clinician_today(screener: Any) -> None:
    result = screener.screen(PRIYA_30_TYPE_1_SICK_FIVE_TIMES)  # before: "How soon: none"
    assert result.urgency == "urgent"
    assert "urgent_insulin_or_type_1_diabetes_with_vomiting" in rules_fired(result)
    text = flat(text_of(result, "insulin_sick_day"))
    assert text.startswith("You use insulin (or have type 1 diabetes) and have been sick.")
    assert "Check your blood sugar and ketones now" in text
    assert "contact your diabetes team or a clinician today" in text
    assert "straight away if your ketones are raised, you keep being sick or fluids will not stay down" in text
    assert "for more than a day" not in text  # the plain advice's "today if it goes on" would contradict the top
    assert "young person" not in text


def test_priya_sick_once_is_also_today(screener: Any) -> None:
    result = screener.screen(sick_on_insulin(30, ["type_1_diabetes"], episodes=1))
    assert result.urgency == "urgent"


def test_priya_with_fluids_not_staying_down_is_told_to_get_help_straight_away_not_sent_to_emergency(screener: Any) -> None:
    result = screener.screen(sick_on_insulin(30, ["type_1_diabetes"], episodes=5, fluids_down=False))
    assert result.urgency == "urgent"  # an adult's fluids not staying down stay a same-day contact
    assert flat(text_of(result, "insulin_sick_day")).startswith("You use insulin (or have type 1 diabetes), and fluids are not staying down: get help straight away")


def test_owen_45_on_insulin_who_did_not_say_which_type_is_treated_as_type_1(screener: Any) -> None:
    result = screener.screen(OWEN_45_ON_INSULIN_TYPE_NOT_GIVEN_SICK_ONCE)  # before: none
    assert result.urgency == "urgent"
    assert "urgent_insulin_or_type_1_diabetes_with_vomiting" in rules_fired(result)
    assert "Check your blood sugar and ketones now" in flat(text_of(result, "insulin_sick_day"))


# Graham sick twice today: since the third clinical leftovers round (tests/test_review8_clin3.py) type 2
# diabetes on insulin is "today" with any vomiting, as type 1 is (TREND, Know Diabetes: contact the
# team for advice on the insulin doses).


def test_graham_sick_for_a_second_day_is_today(screener: Any) -> None:
    result = screener.screen(sick_on_insulin(62, ["type_2_diabetes"], episodes=2, days=2))
    assert result.urgency == "urgent"
    assert "urgent_insulin_or_type_1_diabetes_with_vomiting" in rules_fired(result)


def test_graham_sick_three_times_today_is_today_and_told_to_check_ketones_now(screener: Any) -> None:
    result = screener.screen(sick_on_insulin(62, ["type_2_diabetes"], episodes=3))
    assert result.urgency == "urgent"
    assert "urgent_insulin_or_type_1_diabetes_with_vomiting" in rules_fired(result)
    assert "contact your diabetes team or a clinician today" in flat(text_of(result, "insulin_sick_day"))


def test_a_teenager_on_insulin_keeps_the_young_persons_words(screener: Any) -> None:
    result = screener.screen(sick_on_insulin(15, ["type_1_diabetes"], episodes=5))
    assert result.urgency == "urgent"
    assert "In a young person with diabetes" in flat(text_of(result, "insulin_sick_day"))
    assert "insulin_sick_day" in codes(result)


# -- 2. an older high potassium ------------------------------------------------------------------------


def hal_on_lisinopril(potassium: dict[str, Any]) -> dict[str, Any]:
    return {
        **WELL, "age": 60, "sex": "male", "conditions": [], "medications": ["lisinopril 10 mg"], "diuretic_use": "no",
        "diarrhea": {"present": False}, "vomiting": {"present": False},
        "labs": {"potassium": {"unit": "mmol/L", **potassium}},
    }


# Hal, 60, on lisinopril; his last potassium, more than 30 days ago, was 5.8 (the review's labs-edge line 10).
HAL_60_ON_LISINOPRIL_OLDER_POTASSIUM_5_8 = hal_on_lisinopril({"value": 5.8, "taken": "older"})


def test_hal_60_on_lisinopril_with_an_older_potassium_of_5_8_is_asked_to_get_it_rechecked_at_his_next_visit(screener: Any) -> None:
    result = screener.screen(HAL_60_ON_LISINOPRIL_OLDER_POTASSIUM_5_8)  # before: none, and a warning only
    assert result.urgency == "routine"
    assert "routine_older_potassium_above_range" in rules_fired(result)
    text = flat(text_of(result, "recheck_older_high_potassium"))
    assert "showed a high potassium (5.5 mmol/L or more)" in text
    assert "ask your clinician whether it was rechecked and, if not, for a recheck of potassium and kidney function" in text
    assert "recheck_older_result" not in codes(result)  # that code means an older LOW result (the headline reads it so)
    assert result.potassium_depletion == "unlikely"  # an older result is still not used for the levels


def test_hal_with_an_older_potassium_of_6_3_is_rechecked_within_days(screener: Any) -> None:
    result = screener.screen(hal_on_lisinopril({"value": 6.3, "taken": "older"}))
    assert result.urgency == "soon"
    assert "soon_older_potassium_markedly_high" in rules_fired(result)
    assert "recheck_older_high_potassium" in codes(result)


def test_hal_with_an_older_potassium_reported_as_above_6_0_counts_the_same(screener: Any) -> None:
    result = screener.screen(hal_on_lisinopril({"above": 6.0, "taken": "older"}))
    assert result.urgency == "soon"
    assert "recheck_older_high_potassium" in codes(result)


def test_hal_with_an_older_potassium_of_5_3_keeps_the_warning_only(screener: Any) -> None:
    result = screener.screen(hal_on_lisinopril({"value": 5.3, "taken": "older"}))
    assert result.urgency == "none"  # below the UK grades' 5.5
    assert "recheck_older_high_potassium" not in codes(result)
    assert any("older potassium result" in warning for warning in result.warnings)


def test_hal_with_a_potassium_of_5_8_this_week_keeps_the_current_result_advice(screener: Any) -> None:
    result = screener.screen(hal_on_lisinopril({"value": 5.8, "taken": "last_7_days"}))
    assert result.urgency == "soon"
    assert "high_potassium_result" in codes(result)
    assert "recheck_older_high_potassium" not in codes(result)
