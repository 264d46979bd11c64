"""People who use insulin, or have type 1 diabetes, while being sick; confusion in the emergency
safety net; no food lists when fluids will not stay down. From a clinician's second review of
unseen vignettes (findings 1, 2, 3 and 12; README, "Where we departed from the written spec").

- Insulin was recognised but brought nothing: a man on insulin after three days of vomiting was
  told "discuss at your next visit", with nothing about insulin or ketones, while a metformin user
  got the sick-day advice. Insulin is never paused; its own sick-day guidance is to keep taking it,
  check blood sugar and ketones more often, keep drinking and call the diabetes team, and to get
  help at once when fluids will not stay down, ketones are high, or with drowsiness or confusion
  (NHS type 1 sick-day guidance; NHS "Diabetic ketoacidosis"; sources `type_1_sick_day_guidance`,
  `nhs_diabetic_ketoacidosis`). Vomiting for more than 24 hours on insulin is a same-day contact.
- Type 1 diabetes could not be recorded. It is a condition now, and it means insulin even when
  the medicines list is empty; it counts for no level (risk factors are unchanged).
- Confusion in the past two weeks raised the urgency to "today", but the "if it is happening now,
  call 999" safety net left confusion out of its list.
- Food lists (nuts, bananas) stood beside "you cannot keep fluids down".
"""

from __future__ import annotations

from typing import Any

import pytest
from test_clinical_cases import check_always_true, codes, fired, levels, text_of

from screener import ScreeningResult
from screener.contract.answers import CONDITION_CODES
from screener.contract.validation import load_schema
from screener.fhir import fhir_context
from screener.interview.questionnaire import Questionnaire

SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"


def screen(screener: Any, answers: dict[str, Any]) -> ScreeningResult:
    result = screener.screen(answers)
    check_always_true(result)
    return result


def vomiting(days: int, per_day: int = 3, fluids_stay_down: bool = True) -> dict[str, Any]:
    answer: dict[str, Any] = {"present": True, "days": days, "episodes_per_day": per_day}
    if not fluids_stay_down:
        answer["cannot_keep_fluids_down"] = True
    return answer


# -- type 1 diabetes, with the medicines list empty ----------------------------------------------


def test_tom_16_with_type_1_diabetes_vomiting_who_cannot_keep_fluids_down_needs_emergency_care(screener: Any) -> None:
    tom = {
        "age": 16,
        "sex": "male",
        "conditions": ["type_1_diabetes"],
        "medications": [],
        "vomiting": vomiting(1, per_day=5, fluids_stay_down=False),
        "symptoms": ["nausea_poor_appetite"],
    }
    result = screen(screener, tom)
    # a child or teenager on insulin whose fluids do not stay down: hospital now (task urgent, 2026-12-01)
    assert result.urgency == "emergency"
    assert codes(result)[:2] == ["seek_emergency_care", "insulin_sick_day"]
    advice = text_of(result, "insulin_sick_day")
    assert "tell the emergency team" in advice and "Never stop taking your insulin" in advice
    assert "ketones" in advice and "diabetic ketoacidosis" in advice
    assert "food_sources" not in codes(result)
    # at 30, said as met, not as "if you cannot keep fluids down" (coherence review, H8)
    adult = screen(screener, {**tom, "age": 30})
    assert adult.urgency == "urgent"
    assert codes(adult)[:2] == ["contact_clinician_today", "insulin_sick_day"]
    advice = text_of(adult, "insulin_sick_day")
    assert "fluids are not staying down: get help straight away" in advice
    assert all(number in advice for number in ("911", "999", "112"))


def test_teenager_on_insulin_vomiting_who_cannot_keep_fluids_down_and_was_confused_is_told_when_to_call_999(
    screener: Any,
) -> None:
    # vignette 19 of the review: confusion in the past two weeks, "happening now" not answered
    teenager = {
        "age": 15,
        "sex": "male",
        "medications": ["insulin glargine", "insulin aspart"],
        "vomiting": vomiting(1, per_day=5, fluids_stay_down=False),
        "symptoms": ["nausea_poor_appetite", "confusion", "fatigue"],
    }
    result = screen(screener, teenager)
    # a teenager on insulin whose fluids do not stay down: emergency care now (task urgent, 2026-12-01)
    assert result.urgency == "emergency"
    assert codes(result)[:2] == ["seek_emergency_care", "insulin_sick_day"]
    assert "tell the emergency team" in text_of(result, "insulin_sick_day")
    assert "food_sources" not in codes(result)
    # at 30 the same answers are 'today', with when to call 999 for the confusion
    adult = screen(screener, {**teenager, "age": 30})
    assert adult.urgency == "urgent"
    assert codes(adult)[:3] == ["contact_clinician_today", "emergency_if_happening_now", "insulin_sick_day"]
    assert "confusion" in text_of(adult, "emergency_if_happening_now")
    assert "drowsy or confused" in text_of(adult, "insulin_sick_day")
    assert "fluids_for_gi_losses" in codes(adult)


def test_woman_22_with_type_1_diabetes_and_nothing_said_about_medicines_vomiting_for_two_days_contacts_today(
    screener: Any,
) -> None:
    woman = {"age": 22, "sex": "female", "conditions": ["type_1_diabetes"], "vomiting": vomiting(2)}
    result = screen(screener, woman)
    assert result.urgency == "urgent"
    assert "urgent_insulin_or_type_1_diabetes_with_vomiting" in fired(result)
    assert "insulin_sick_day" in codes(result)


def test_type_1_diabetes_counts_as_a_cause_of_magnesium_loss_as_type_2_does(screener: Any) -> None:
    """Until the fifth session of 2026-12-01 type 1 diabetes counted for no level; glycosuria drains
    magnesium in both types (catalogue review 9, F9; docs/departures.md)."""
    woman = {"age": 30, "sex": "female", "symptoms": ["muscle_cramps"], "diet": {"processed_food": "most_days"}}
    with_type_1 = screen(screener, {**woman, "conditions": ["type_1_diabetes"]})
    with_type_2 = screen(screener, {**woman, "conditions": ["type_2_diabetes"]})
    without = screen(screener, {**woman, "conditions": []})
    assert (levels(with_type_1), with_type_1.urgency) == (levels(with_type_2), with_type_2.urgency)
    assert with_type_1.magnesium_depletion == "possible" and without.magnesium_depletion == "unlikely"
    assert "insulin_sick_day" not in codes(with_type_1)  # not ill: no sick-day advice


# -- insulin in the medicines list ---------------------------------------------------------------


def test_grace_55_with_type_2_diabetes_on_insulin_glargine_vomiting_for_three_days_contacts_today(
    screener: Any,
) -> None:
    # probe p10 of the review; the same woman on metformin (probe p9) is seen within days, not today
    grace = {
        "age": 55,
        "conditions": ["type_2_diabetes"],
        "vomiting": vomiting(3),
        "symptoms": ["nausea_poor_appetite"],
    }
    on_insulin = screen(screener, {**grace, "medications": ["insulin glargine"]})
    on_metformin = screen(screener, {**grace, "medications": ["metformin 1g"]})
    assert on_insulin.urgency == "urgent"
    assert "insulin_sick_day" in codes(on_insulin)
    assert "sick_day_medicines" not in codes(on_insulin)  # insulin is never on the pause list
    assert levels(on_insulin) == levels(on_metformin)
    assert on_metformin.urgency == "soon"  # vomiting for more than 2 days (README departures), not same day
    assert "insulin_sick_day" not in codes(on_metformin)


def test_young_man_on_two_insulins_vomiting_for_three_days_is_no_longer_told_nothing_points_to_a_problem(
    screener: Any,
) -> None:
    # probe p2 of the review: urgency "none" and the general advice before
    man = {
        "age": 30,
        "medications": ["insulin glargine", "insulin aspart"],
        "vomiting": vomiting(3),
        "symptoms": ["nausea_poor_appetite"],
    }
    result = screen(screener, man)
    assert result.urgency == "urgent"
    assert "general_advice" not in codes(result)
    assert "insulin_sick_day" in codes(result)


@pytest.mark.parametrize("days", [1, 2])
def test_on_insulin_vomiting_for_a_day_or_more_is_a_same_day_contact(screener: Any, days: int) -> None:
    # type 2 diabetes on insulin: any vomiting is today, as with type 1 (tests/test_review8_clin3.py)
    answers = {"age": 40, "conditions": ["type_2_diabetes"], "medications": ["Lantus 20 units"], "vomiting": vomiting(days, per_day=2)}
    result = screen(screener, answers)
    assert "insulin_sick_day" in codes(result)  # any vomiting brings the advice
    assert "urgent_insulin_or_type_1_diabetes_with_vomiting" in fired(result)
    assert result.urgency == "urgent"


def test_man_on_insulin_with_a_day_of_diarrhea_gets_the_advice_but_no_same_day_contact(screener: Any) -> None:
    man = {"age": 50, "medications": ["NovoRapid"], "diarrhea": {"present": True, "days": 1, "stools_per_day": 4}}
    result = screen(screener, man)
    assert "insulin_sick_day" in codes(result)
    assert "urgent_insulin_or_type_1_diabetes_with_vomiting" not in fired(result)
    assert result.urgency != "urgent"


def test_woman_on_insulin_gets_the_sick_day_advice_only_once_she_is_being_sick(screener: Any) -> None:
    # vignette 20 of the review: insulin, potassium 3.1, weakness, and no gut losses
    woman = {
        "age": 35,
        "medications": ["insulin lispro", "insulin detemir"],
        "symptoms": ["muscle_weakness"],
        "labs": {"potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"}},
    }
    well = screen(screener, woman)
    sick = screen(screener, {**woman, "vomiting": vomiting(1, per_day=2)})
    assert "insulin_sick_day" not in codes(well)
    assert "insulin_sick_day" not in fired(well)
    assert "insulin_sick_day" in codes(sick)


# -- type 1 diabetes in the vocabulary ------------------------------------------------------------


def test_type_1_diabetes_is_a_condition_of_the_contract_the_schema_and_the_questionnaire() -> None:
    assert "type_1_diabetes" in CONDITION_CODES
    schema = load_schema("answers.schema.json")
    assert "type_1_diabetes" in str(schema)
    (item,) = [item for item in Questionnaire.load(None).items if item.id == "conditions"]
    assert "Type 1 diabetes" in [choice.label for choice in item.choices]


@pytest.mark.parametrize(("system", "code"), [(SNOMED, "46635009"), (ICD10, "E10.9")])
def test_a_coded_type_1_diabetes_in_an_ehr_record_is_read_as_type_1_diabetes(screener: Any, system: str, code: str) -> None:
    assert fhir_context(screener.ruleset).mapping.conditions_for(system, code) == ["type_1_diabetes"]


# -- confusion in the emergency safety net --------------------------------------------------------


def test_woman_40_confused_last_week_who_skipped_the_now_question_is_told_to_call_999_if_it_is_happening_now(
    screener: Any,
) -> None:
    # probe p1 of the review: the only advice was "contact a clinician today"
    result = screen(screener, {"age": 40, "symptoms": ["confusion"]})
    assert result.urgency == "urgent"
    # and, last, the core sections she left unanswered (vignette review 4, M5)
    assert codes(result) == ["contact_clinician_today", "emergency_if_happening_now", "core_questions_not_answered"]
    safety_net = text_of(result, "emergency_if_happening_now")
    assert "confusion" in safety_net
    assert "happening now, or comes back, call your local emergency number" in safety_net


def test_man_confused_last_week_who_said_nothing_is_happening_now_is_told_to_call_999_if_it_comes_back(
    screener: Any,
) -> None:
    result = screen(screener, {"age": 60, "symptoms": ["confusion"], "red_flags_now": []})
    safety_net = text_of(result, "emergency_if_happening_now")
    assert "confusion" in safety_net and "comes back" in safety_net
    assert "was not answered" not in safety_net


# -- no food lists when fluids will not stay down -------------------------------------------------


def test_man_45_vomiting_for_three_days_who_cannot_keep_fluids_down_gets_no_food_list(screener: Any) -> None:
    # vignette 22 of the review: heavy drinking, vomiting six times a day
    man = {
        "age": 45,
        "sex": "male",
        "alcohol": {"audit_c": {"frequency": 4, "quantity": 4, "binge": 4}},
        "symptoms": ["nausea_poor_appetite", "fatigue"],
    }
    fluids_down = screen(screener, {**man, "vomiting": vomiting(3, per_day=6)})
    fluids_not_down = screen(screener, {**man, "vomiting": vomiting(3, per_day=6, fluids_stay_down=False)})
    # Heavy drinking brings refeeding care and thiamine instead of the food list (third clinical
    # review, M3); the food list with fluids staying down is the woman's case below.
    assert "food_sources" not in codes(fluids_down) and "refeeding_care" in codes(fluids_down)
    assert "food_sources" not in codes(fluids_not_down)
    assert "fluids_for_gi_losses" in codes(fluids_not_down)


def test_woman_on_ramipril_vomiting_who_cannot_keep_fluids_down_gets_no_food_list_either(screener: Any) -> None:
    woman = {"age": 70, "medications": ["ramipril 5 mg", "bendroflumethiazide"], "symptoms": ["muscle_cramps"]}
    fluids_down = screen(screener, {**woman, "vomiting": vomiting(2)})
    fluids_not_down = screen(screener, {**woman, "vomiting": vomiting(2, fluids_stay_down=False)})
    assert "Many of these are also rich in potassium" in text_of(fluids_down, "food_sources")  # the caution variant
    assert "food_sources" not in codes(fluids_not_down)
