"""How soon, for children and stomas (task urgent, 2026-12-01): a child or teenager on insulin who
vomits, the age bands of diarrhea and vomiting, and a high-output ileostomy (README, "How soon for
children and stomas"). Each test is a person; the answers are the ones that matter."""

from __future__ import annotations

from typing import Any

from result_support import codes, flat, rules_fired, text_of

WELL = {"pregnant": "no", "alcohol": {"drinks_per_week": 0}, "laxative_use": "none", "symptoms": [], "red_flags_now": [], "supplements": []}
NO_DIARRHEA = {"present": False}


def on_insulin(age: int, *, episodes: int = 1, fluids_down: bool = True, days: int = 1) -> dict[str, Any]:
    return {
        **WELL, "age": age, "sex": "female", "conditions": ["type_1_diabetes"], "medications": ["NovoRapid", "Lantus"],
        "diarrhea": NO_DIARRHEA,
        "vomiting": {"present": True, "days": days, "episodes_per_day": episodes, "cannot_keep_fluids_down": not fluids_down},
    }


def stomach_bug(age: int, *, vomits: int, loose_stools: int | None = None, days: int = 1) -> dict[str, Any]:
    diarrhea = {"present": True, "days": days, "stools_per_day": loose_stools} if loose_stools else NO_DIARRHEA
    return {
        **WELL, "age": age, "sex": "male", "conditions": [], "medications": [], "diarrhea": diarrhea,
        "vomiting": {"present": True, "days": 1, "episodes_per_day": vomits, "cannot_keep_fluids_down": False},
    }


def with_ileostomy(*, days: int | None, loose_stools: int = 4, symptoms: list[str] | None = None) -> dict[str, Any]:
    diarrhea: dict[str, Any] = {"present": True, "stools_per_day": loose_stools}
    if days is not None:
        diarrhea["days"] = days
    return {
        **WELL, "age": 55, "sex": "male", "conditions": ["ileostomy"], "medications": [], "diarrhea": diarrhea,
        "vomiting": {"present": False}, "symptoms": symptoms or [],
    }


# -- 1. a child or teenager on insulin who is sick --------------------------------------------------

# Maisie, 9, type 1 diabetes on NovoRapid and Lantus, sick twice this morning, sipping water.
MAISIE_9_ON_INSULIN_SICK_TWICE = on_insulin(9, episodes=2)
# Tom, 14, type 1 diabetes, sick once, drinks staying down.
TOM_14_ON_INSULIN_SICK_ONCE = on_insulin(14, episodes=1)


def test_maisie_9_on_insulin_who_was_sick_twice_is_seen_today_and_her_parent_told_to_check_ketones_now(screener: Any) -> None:
    result = screener.screen(MAISIE_9_ON_INSULIN_SICK_TWICE)  # before: routine, "today if it goes on for more than a day"
    assert result.urgency == "urgent"
    assert "urgent_young_person_on_insulin_vomiting" in rules_fired(result)
    text = flat(text_of(result, "insulin_sick_day"))
    assert text.startswith("The child uses insulin (or has type 1 diabetes) and has been sick.")
    assert "Check the child's blood sugar and ketones now, and call the child's diabetes team today" in text
    assert "straight away if the child's ketones are raised or the vomiting goes on" in text
    assert "Go to A&E or call your local emergency number" in text
    assert "for more than a day" not in text
    assert "child_dehydration_signs" in codes(result)


def test_tom_14_on_insulin_who_was_sick_once_is_seen_today_and_told_in_his_own_words(screener: Any) -> None:
    result = screener.screen(TOM_14_ON_INSULIN_SICK_ONCE)  # before: none
    assert result.urgency == "urgent"
    text = flat(text_of(result, "insulin_sick_day"))
    assert text.startswith("You use insulin (or have type 1 diabetes) and have been sick.")
    assert "Check your blood sugar and ketones now, and call your diabetes team today" in text
    assert "the child" not in text


def test_maisie_and_tom_with_fluids_not_staying_down_need_emergency_care(screener: Any) -> None:
    for answers in (on_insulin(9, episodes=2, fluids_down=False), on_insulin(14, episodes=2, fluids_down=False)):
        result = screener.screen(answers)  # before: urgent (contact a clinician today)
        assert result.urgency == "emergency"
        assert "emergency_young_person_on_insulin_with_fluids_not_staying_down" in rules_fired(result)
        assert "tell the emergency team" in flat(text_of(result, "insulin_sick_day"))


def test_tom_with_diarrhea_only_keeps_the_usual_insulin_advice(screener: Any) -> None:
    answers = {**TOM_14_ON_INSULIN_SICK_ONCE, "vomiting": {"present": False}, "diarrhea": {"present": True, "days": 1, "stools_per_day": 3}}
    result = screener.screen(answers)
    assert "urgent_young_person_on_insulin_vomiting" not in rules_fired(result)
    assert flat(text_of(result, "insulin_sick_day")).startswith("You use insulin (or have type 1 diabetes). Being sick or having diarrhea")


def test_an_adult_of_30_on_insulin_sick_once_keeps_the_adult_rules(screener: Any) -> None:
    # since newcomer review 7 an adult with type 1 diabetes who vomits is also "today", by the adults'
    # own rule and in an adult's words (tests/test_review7_clin2.py)
    result = screener.screen(on_insulin(30, episodes=1))
    assert "urgent_young_person_on_insulin_vomiting" not in rules_fired(result)
    assert "urgent_insulin_or_type_1_diabetes_with_vomiting" in rules_fired(result)
    assert "young person" not in flat(text_of(result, "insulin_sick_day"))
    assert screener.screen(on_insulin(30, episodes=2, fluids_down=False)).urgency == "urgent"


# -- 2. the age bands of a stomach bug --------------------------------------------------------------

# Jack, 3, sick three times today (NICE CG84's group: under 5, more than 2 vomits in 24 hours).
JACK_3_SICK_THREE_TIMES = stomach_bug(3, vomits=3)
# Ruby, 9, sick three times today, drinks staying down.
RUBY_9_SICK_THREE_TIMES = stomach_bug(9, vomits=3)
# Sam, 14, a two-day bug: 4 loose stools a day and sick three times.
SAM_14_WITH_A_TWO_DAY_BUG = stomach_bug(14, vomits=3, loose_stools=4, days=2)


def test_jack_3_sick_three_times_today_still_contacts_a_clinician_today(screener: Any) -> None:
    result = screener.screen(JACK_3_SICK_THREE_TIMES)
    assert result.urgency == "urgent"
    assert "child_at_higher_risk_of_dehydration_vomiting" in rules_fired(result)


def test_ruby_9_sick_three_times_gets_the_signs_to_watch_and_the_nhs_durations_not_a_visit(screener: Any) -> None:
    result = screener.screen(RUBY_9_SICK_THREE_TIMES)  # before: urgent (NICE CG84's counts applied under 12)
    assert result.urgency == "none"
    assert "child_at_higher_risk_of_dehydration_vomiting" not in rules_fired(result)
    text = flat(text_of(result, "child_dehydration_signs"))
    assert "is under 5 and has vomited more than twice or had more than 5 loose stools in 24 hours" in text
    assert "contact the GP or NHS 111 if the vomiting goes on for more than 2 days or the diarrhea for more than 7" in text
    assert "fluids_for_gi_losses" not in codes(result)  # the parent's signs replace the adults' fluids line


def test_ruby_sick_for_three_days_is_seen_within_days_as_an_adult_would_be(screener: Any) -> None:
    answers = {**RUBY_9_SICK_THREE_TIMES, "vomiting": {"present": True, "days": 3, "episodes_per_day": 3, "cannot_keep_fluids_down": False}}
    assert screener.screen(answers).urgency == "soon"


def test_ruby_with_drinks_not_staying_down_contacts_a_clinician_today(screener: Any) -> None:
    answers = {**RUBY_9_SICK_THREE_TIMES, "vomiting": {"present": True, "days": 1, "episodes_per_day": 3, "cannot_keep_fluids_down": True}}
    assert screener.screen(answers).urgency == "urgent"


def test_sam_14_with_a_two_day_bug_is_judged_as_a_30_year_old_is(screener: Any) -> None:
    result = screener.screen(SAM_14_WITH_A_TWO_DAY_BUG)  # before: routine, with a magnesium-test line
    adult = screener.screen({**SAM_14_WITH_A_TWO_DAY_BUG, "age": 30})
    assert result.urgency == adult.urgency == "none"
    assert result.potassium_depletion == adult.potassium_depletion == "possible"
    assert codes(result) == codes(adult)
    assert "check_magnesium_with_potassium" not in codes(result)
    assert "Contact a GP or your usual clinic if diarrhea goes on for more than 7 days" in flat(text_of(result, "fluids_for_gi_losses"))


def test_a_baby_of_8_months_with_one_loose_stool_day_still_contacts_a_clinician_today(screener: Any) -> None:
    result = screener.screen({**WELL, "age": 0, "diarrhea": {"present": True, "days": 1, "stools_per_day": 3}, "vomiting": {"present": False}})
    assert result.urgency == "urgent"


# -- 3. a high-output ileostomy ---------------------------------------------------------------------

# Graham, 55, ileostomy, output watery for 3 days.
GRAHAM_55_ILEOSTOMY_WATERY_FOR_3_DAYS = with_ileostomy(days=3)


def test_graham_55_whose_ileostomy_has_been_watery_for_3_days_contacts_his_stoma_team_today(screener: Any) -> None:
    result = screener.screen(GRAHAM_55_ILEOSTOMY_WATERY_FOR_3_DAYS)  # before: routine
    assert result.urgency == "urgent"
    assert "urgent_ileostomy_output_watery_for_more_than_a_day_or_with_a_sign_of_dehydration" in rules_fired(result)
    assert "stoma nurse or stoma team" in flat(text_of(result, "stoma_team_for_high_output"))


def test_graham_on_the_first_day_of_a_watery_output_stays_routine_with_the_safety_net(screener: Any) -> None:
    result = screener.screen(with_ileostomy(days=1))
    assert result.urgency == "routine"
    assert "If the output has been watery for more than a day" in flat(text_of(result, "stoma_team_for_high_output"))


def test_graham_on_the_first_day_with_cramps_contacts_his_stoma_team_today(screener: Any) -> None:
    assert screener.screen(with_ileostomy(days=1, symptoms=["muscle_cramps"])).urgency == "urgent"
    assert screener.screen(with_ileostomy(days=None, symptoms=["muscle_weakness"])).urgency == "urgent"


def test_a_watery_output_for_a_month_is_today_as_it_is_after_two_days(screener: Any) -> None:
    """It was "within days", as other lasting diarrhea is, until review 8: 13 days read "today" and 14
    "within days", and more of a loss never lowers the how-soon."""
    result = screener.screen(with_ileostomy(days=30))
    assert result.urgency == "urgent"
    assert "urgent_ileostomy_output_watery_for_more_than_a_day_or_with_a_sign_of_dehydration" in rules_fired(result)


def test_graham_without_a_stoma_and_3_days_of_diarrhea_has_a_short_stomach_bug(screener: Any) -> None:
    answers = {**GRAHAM_55_ILEOSTOMY_WATERY_FOR_3_DAYS, "conditions": []}
    assert screener.screen(answers).urgency == "none"
