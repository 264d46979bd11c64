"""Vomiting and diarrhea that need more than fluids, from a clinician's second review with vignettes
(README, "Where we departed from the written spec").

- On anticancer treatment (chemotherapy, a targeted drug or immunotherapy), vomiting twice or more a
  day, any diarrhea, or fluids not staying down is a same-day call to the treating team's 24-hour
  line (UKONS triage; NHS cancer centres' helpline advice), not "discuss at your next visit".
  Anticancer medicines are a vocabulary class of their own; cisplatin and the anti-EGFR antibodies
  keep their wasting class too, so the levels do not change.
- Vomiting for more than 2 days, or diarrhea for more than 7 days, is "see a clinician within days"
  with no medicine at all (NHS: see a GP or call 111), and the result names why.
- Food advice for a child under 5 names nut butters and ground nuts, never whole nuts (choking).
"""

from __future__ import annotations

from typing import Any

import pytest
from result_support import codes, rules_fired, text_of

ONCOLOGY_LINE = "oncology_line_today"





def person(medications: list[str], **answers: Any) -> dict[str, Any]:
    return {"age": 58, "sex": "male", "medications": medications, "red_flags_now": [], "symptoms": [], **answers}


# -- anticancer medicines with vomiting or diarrhea ------------------------------------------------
def test_man_on_cisplatin_vomiting_four_times_a_day_for_three_days_calls_the_oncology_line_today(
    screener: Any,
) -> None:
    # Probe p11 of the review: "discuss at your next visit" before.
    result = screener.screen(
        person(["cisplatin"], vomiting={"present": True, "days": 3, "episodes_per_day": 4}, symptoms=["fatigue"])
    )
    assert result.urgency == "urgent"
    assert {"anticancer_medicine_with_vomiting", "urgent_anticancer_medicine_with_gut_losses"} <= rules_fired(result)
    assert codes(result)[:2] == ["contact_clinician_today", ONCOLOGY_LINE]
    advice = text_of(result, ONCOLOGY_LINE)
    assert "chemotherapy or acute oncology 24-hour advice line today" in advice
    assert "do not wait for your next appointment" in advice
    assert "38°C" in advice


def test_woman_on_capecitabine_tablets_with_a_day_of_diarrhea_is_asked_to_call_the_line_about_her_tablets(
    screener: Any,
) -> None:
    result = screener.screen(
        person(["Xeloda 500 mg"], sex="female", diarrhea={"present": True, "days": 1, "stools_per_day": 4})
    )
    assert result.urgency == "urgent"
    assert "anticancer_medicine_with_diarrhea" in rules_fired(result)
    assert "ask the line whether to keep taking them" in text_of(result, ONCOLOGY_LINE)
    assert not result.warnings  # Xeloda is recognised: no "ask a pharmacist"


@pytest.mark.parametrize(
    ("written", "generic"),
    [
        ("5-FU", "fluorouracil"),
        ("capecitabine 1000 mg", "capecitabine"),
        ("irinotecan", "irinotecan"),
        ("Eloxatin", "oxaliplatin"),
        ("Keytruda", "pembrolizumab"),
        ("carboplatin", "carboplatin"),
        ("Erbitux", "cetuximab"),
        ("panitumumab", "panitumumab"),
    ],
)
def test_common_anticancer_medicines_are_recognised_as_anticancer(screener: Any, written: str, generic: str) -> None:
    result = screener.screen(person([written]))
    (match,) = result.medications_recognised
    assert ("anticancer_medicine", generic) in {(drug.drug_class, drug.generic) for drug in match.matches}


def test_man_on_oxaliplatin_who_cannot_keep_fluids_down_is_told_to_call_the_oncology_line(screener: Any) -> None:
    result = screener.screen(
        person(
            ["oxaliplatin"],
            vomiting={"present": True, "days": 1, "episodes_per_day": 1, "cannot_keep_fluids_down": True},
        )
    )
    assert "anticancer_medicine_with_fluids_not_staying_down" in rules_fired(result)
    assert ONCOLOGY_LINE in codes(result)


def test_woman_on_fluorouracil_vomiting_without_saying_how_often_is_counted_as_needing_the_call(
    screener: Any,
) -> None:
    result = screener.screen(person(["fluorouracil"], sex="female", vomiting={"present": True, "days": 1}))
    assert "anticancer_medicine_with_vomiting_count_not_given" in rules_fired(result)
    assert result.urgency == "urgent"


def test_man_on_capecitabine_who_vomited_once_today_waits_and_twice_calls_the_line(screener: Any) -> None:
    # Helplines ask for a call from 2 episodes in 24 hours; 1, while eating and drinking, waits.
    once = screener.screen(person(["capecitabine"], vomiting={"present": True, "days": 1, "episodes_per_day": 1}))
    assert ONCOLOGY_LINE not in codes(once)
    assert "urgent_anticancer_medicine_with_gut_losses" not in rules_fired(once)
    twice = screener.screen(person(["capecitabine"], vomiting={"present": True, "days": 1, "episodes_per_day": 2}))
    assert twice.urgency == "urgent"
    assert ONCOLOGY_LINE in codes(twice)


def test_man_on_pembrolizumab_with_diarrhea_and_chest_pain_now_gets_emergency_care_and_the_oncology_line(
    screener: Any,
) -> None:
    result = screener.screen(
        person(
            ["pembrolizumab"], red_flags_now=["chest_pain"], diarrhea={"present": True, "days": 2, "stools_per_day": 6}
        )
    )
    assert result.urgency == "emergency"
    assert codes(result)[0] == "seek_emergency_care"
    assert ONCOLOGY_LINE in codes(result)


def test_cisplatin_and_cetuximab_are_anticancer_and_still_count_as_wasting_drugs_with_no_line_when_well(
    screener: Any,
) -> None:
    cisplatin = screener.screen(person(["cisplatin"]))
    (match,) = cisplatin.medications_recognised
    assert [drug.drug_class for drug in match.matches] == ["both_wasting_drug", "anticancer_medicine"]
    assert "rf_both_wasting_drug" in rules_fired(cisplatin)
    assert ONCOLOGY_LINE not in codes(cisplatin)
    cetuximab = screener.screen(person(["cetuximab"]))
    (match,) = cetuximab.medications_recognised
    assert [drug.drug_class for drug in match.matches] == ["mg_wasting_drug", "anticancer_medicine"]
    assert cetuximab.magnesium_depletion == "possible"
    assert ONCOLOGY_LINE not in codes(cetuximab)


# -- vomiting over 2 days, diarrhea over 7 days -----------------------------------------------------
def test_adult_vomiting_for_three_days_on_no_medicines_sees_a_clinician_within_days_and_is_told_why(
    screener: Any,
) -> None:
    # Probe p8 of the review: urgency "none" and "do not point to low magnesium or potassium" before.
    result = screener.screen(
        {
            "age": 40,
            "medications": [],
            "vomiting": {"present": True, "days": 3, "episodes_per_day": 3},
            "diarrhea": {"present": False},
            "symptoms": ["nausea_poor_appetite"],
            "alcohol": {"drinks_per_week": 0},
        }
    )
    assert result.urgency == "soon"
    assert {"vomiting_for_more_than_2_days", "soon_gut_losses_not_settling"} <= rules_fired(result)
    (finding,) = [finding for finding in result.findings if finding.rule == "soon_gut_losses_not_settling"]
    assert "Vomiting for more than 2 days" in finding.title
    assert "general_advice" not in codes(result)


def test_adult_vomiting_once_a_day_is_sent_within_days_from_the_third_day_not_the_second(screener: Any) -> None:
    second_day = screener.screen(person([], vomiting={"present": True, "days": 2, "episodes_per_day": 1}))
    assert "soon_gut_losses_not_settling" not in rules_fired(second_day)
    assert second_day.urgency != "soon"
    third_day = screener.screen(person([], vomiting={"present": True, "days": 3, "episodes_per_day": 1}))
    assert third_day.urgency == "soon"


def test_woman_with_diarrhea_twice_a_day_is_sent_within_days_from_the_eighth_day_not_the_seventh(
    screener: Any,
) -> None:
    # Two loose stools a day is not "significant" diarrhea for the levels, but NHS advice counts the days.
    seventh_day = screener.screen(person([], sex="female", diarrhea={"present": True, "days": 7, "stools_per_day": 2}))
    assert "diarrhea_for_more_than_7_days" not in rules_fired(seventh_day)
    assert seventh_day.urgency != "soon"
    eighth_day = screener.screen(person([], sex="female", diarrhea={"present": True, "days": 8, "stools_per_day": 2}))
    assert eighth_day.urgency == "soon"
    assert "diarrhea_for_more_than_7_days" in rules_fired(eighth_day)


# -- food advice for a young child -----------------------------------------------------------------
def child_with_gastroenteritis(age: int) -> dict[str, Any]:
    return {
        "age": age,
        "sex": "male",
        "diarrhea": {"present": True, "days": 2, "stools_per_day": 8},
        "vomiting": {"present": True, "days": 2, "episodes_per_day": 4},
    }


def test_three_year_old_with_gastroenteritis_is_offered_nut_butters_never_whole_nuts(screener: Any) -> None:
    # Case 41 of the review.
    food = text_of(screener.screen(child_with_gastroenteritis(3)), "food_sources")
    assert "smooth nut butters or finely ground nuts" in food
    assert "never whole nuts or peanuts under 5 years" in food
    assert "nuts, seeds" not in food
    five_year_old = text_of(screener.screen(child_with_gastroenteritis(5)), "food_sources")
    assert "leafy greens, nuts, seeds" in five_year_old


def test_four_year_old_on_enalapril_gets_the_potassium_caution_without_whole_nuts(screener: Any) -> None:
    result = screener.screen(
        {
            "age": 4,
            "medications": ["enalapril"],
            "vomiting": {"present": True, "days": 2, "episodes_per_day": 4},
            "labs": {"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"}},
        }
    )
    food = text_of(result, "food_sources")
    assert "check potassium-rich foods" in food
    assert "never whole nuts or peanuts under 5 years" in food
