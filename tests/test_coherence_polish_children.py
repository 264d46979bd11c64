"""After the merge of the coherence fixes: children, lithium, insulin and medicine names
(verify report A6, A7, A8, M3 and part of H8).

A medicine entry of which a name was read is not "a medicine that could not be read" because a
word beside it was not; a child with kidney disease and diarrhoea keeps the kidney team's caution
about drinks and sachets, and is not told alcohol went unanswered; a person on lithium with a
fluid limit is not told simply to keep drinking; insulin's "do not stop" is said once; and the
sick-day medicine list waits while emergency care is the advice.
"""

from __future__ import annotations

from typing import Any

import pytest
from result_support import codes, rules_fired, text_of

NOTHING_ELSE = {
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "red_flags_now": [],
    "supplements": [],
}


# -- A8: Maureen, whose 'Zoton FasTab 30mg' was read as lansoprazole -----------------------------------
MAUREEN = {
    "age": 66, "sex": "female", "medications": ["Zoton FasTab 30mg"], "ppi_over_3_months": "yes",
    "symptoms": ["muscle_cramps"], **NOTHING_ELSE, "alcohol": {"drinks_per_week": 3},
    "labs": {
        "potassium": {"value": 4.1, "unit": "mmol/L", "taken": "last_7_days"},
        "magnesium": {"value": 0.61, "unit": "mmol/L", "taken": "last_7_days"},
    },
}


def test_maureen_whose_zoton_fastab_was_read_as_lansoprazole_is_not_told_a_medicine_could_not_be_read(screener: Any) -> None:
    result = screener.screen(MAUREEN)
    # A word run on from the name read is about it, not another medicine: not reported (surfaces review C2).
    assert not any("FasTab" in warning for warning in result.warnings)
    assert "check_medicine_names" not in codes(result)
    assert "medicine_not_read_may_matter" not in rules_fired(result)
    assert "keep_taking_prescribed_medicines" in codes(result), "her PPI is reviewed as lansoprazole"


def test_a_name_not_read_at_all_beside_her_long_term_ppi_still_asks_for_the_names_to_be_checked(screener: Any) -> None:
    result = screener.screen({**MAUREEN, "medications": ["Zoton FasTab 30mg", "Quillan 40"]})
    assert "check_medicine_names" in codes(result)


def test_the_advice_to_check_medicine_names_comes_before_the_food_list(screener: Any) -> None:
    advice = codes(screener.screen({**MAUREEN, "medications": ["Zoton FasTab 30mg", "Quillan 40"]}))
    assert advice.index("check_medicine_names") < advice.index("food_sources")


def test_a_misspelt_repeat_of_the_name_read_is_no_second_medicine(screener: Any) -> None:
    """'Zoton lansoprazle': 'did you mean lansoprazole?' names the medicine already read."""
    result = screener.screen({**MAUREEN, "medications": ["Zoton lansoprazle"], "ppi_over_3_months": "no", "labs": {}})
    assert "check_medicine_names" not in codes(result)


def test_a_misspelt_second_medicine_beside_a_name_read_may_still_be_a_water_pill(screener: Any) -> None:
    """'ramipril furosemdie': ramipril is read, and the word left over is near furosemide."""
    result = screener.screen({**MAUREEN, "medications": ["ramipril furosemdie"], "ppi_over_3_months": "no", "labs": {}})
    assert "check_medicine_names" in codes(result)


def test_lena_whose_medicine_was_read_is_still_asked_about_her_kidneys_with_no_usual_cause(screener: Any) -> None:
    """Low potassium and magnesium with no usual cause: a medicine that was read (cetirizine) is
    no medicine 'not read', so the advice to ask about the kidneys themselves is given."""

    lena = {"age": 30, "sex": "female", "medications": ["cetirizine"], "diuretic_use": "no",
            "symptoms": ["muscle_cramps"], **NOTHING_ELSE,
            "labs": {"potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"},
                     "magnesium": {"value": 0.6, "unit": "mmol/L", "taken": "last_7_days"}}}
    assert "ask_about_kidney_salt_wasting" in codes(screener.screen(lena))


# -- A6: Oliver, 8, with kidney disease, diarrhoea and vomiting -------------------------------------
OLIVER = {
    "age": 8, "sex": "male", "medications": [], "conditions": ["chronic_kidney_disease"],
    "diarrhea": {"present": True, "days": 3, "stools_per_day": 6},
    "vomiting": {"present": True, "days": 1, "episodes_per_day": 2}, "laxative_use": "none",
    "symptoms": ["muscle_cramps", "fatigue"], "red_flags_now": [], "supplements": [],
    "labs": {"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"}},
}


def test_oliver_with_kidney_disease_keeps_the_caution_about_drinks_and_sachets_in_the_childs_advice(screener: Any) -> None:
    advice = text_of(screener.screen(OLIVER), "child_dehydration_signs")
    assert "oral rehydration sachets (such as Dioralyte) contain potassium" in advice
    assert "ask the child's kidney or heart team" in advice and "do not use the sachets unless they say so" in advice
    assert "an oral rehydration solution helps" not in advice
    assert "Call your emergency number (999 in the UK) if the child is hard to wake" in advice, "the signs to act on stay"


def test_a_child_with_no_kidney_or_heart_condition_keeps_the_plain_childs_advice(screener: Any) -> None:
    advice = text_of(screener.screen({**OLIVER, "conditions": []}), "child_dehydration_signs")
    assert "an oral rehydration solution helps" in advice and "kidney" not in advice


# -- A7: lithium with kidney disease or heart failure -----------------------------------------------
PRIYA = {
    "age": 52, "sex": "female", "medications": ["lithium carbonate 400mg"], "conditions": ["chronic_kidney_disease"],
    "diarrhea": {"present": True, "days": 2, "stools_per_day": 5}, "vomiting": {"present": False},
    "laxative_use": "none", "alcohol": {"drinks_per_week": 0}, "red_flags_now": [], "supplements": [],
}


#: Her symptoms, and how the lithium advice for them opens.
LITHIUM_OPENINGS = [
    ([], "You take lithium. "), (["tremor"], "reported a tremor in"), (["confusion"], "reported confusion"),
    (["tremor", "confusion"], "reported a tremor and confusion"),
]


@pytest.mark.parametrize(("symptoms", "opening"), LITHIUM_OPENINGS)
@pytest.mark.parametrize("condition", ["chronic_kidney_disease", "dialysis", "heart_failure"])
def test_priya_on_lithium_with_a_fluid_limit_is_told_to_drink_as_her_team_allows(
    screener: Any, symptoms: list[str], opening: str, condition: str
) -> None:
    advice = text_of(screener.screen({**PRIYA, "conditions": [condition], "symptoms": symptoms}), "lithium_when_ill")
    assert "Keep drinking as much as your kidney or heart team allows" in advice
    assert "Keep drinking fluids" not in advice
    assert opening in advice, "the variant for her own symptoms is kept"


@pytest.mark.parametrize(("symptoms", "opening"), LITHIUM_OPENINGS)
def test_lithium_without_a_fluid_limit_keeps_drinking_fluids_and_the_variant_for_the_symptoms(
    screener: Any, symptoms: list[str], opening: str
) -> None:
    advice = text_of(screener.screen({**PRIYA, "conditions": [], "symptoms": symptoms}), "lithium_when_ill")
    assert "Keep drinking fluids" in advice and opening in advice


# -- M3 and H8: the sick-day medicine list ----------------------------------------------------------
DANIEL = {
    "age": 38, "sex": "male", "medications": ["insulin", "enalapril 10mg"], "conditions": ["type_1_diabetes"],
    "alcohol": {"drinks_per_week": 14}, "diarrhea": {"present": True, "days": 3, "stools_per_day": 8},
    "vomiting": {"present": True, "days": 2, "episodes_per_day": 2}, "laxative_use": "none",
    "symptoms": ["muscle_cramps", "fatigue"], "red_flags_now": [], "supplements": [],
}


def test_daniel_on_insulin_and_enalapril_is_told_once_not_to_stop_his_insulin(screener: Any) -> None:
    result = screener.screen(DANIEL)
    assert "Never stop taking your insulin" in text_of(result, "insulin_sick_day")
    sick_day = text_of(result, "sick_day_medicines")
    assert "whether to pause enalapril" in sick_day and "insulin" not in sick_day  # his own (round 4)


def test_with_a_water_pill_of_no_name_the_sick_day_list_still_says_not_to_stop_insulin(screener: Any) -> None:
    """The clause stays in the list of classes, given where no sick-day medicine is named (it tells
    anyone who uses insulin); the list naming the person's own medicines leaves it out, as every
    insulin user also gets the insulin advice (round 4)."""
    result = screener.screen({**DANIEL, "medications": [], "diuretic_use": "yes", "conditions": []})
    assert "If you use insulin, do not stop it" in text_of(result, "sick_day_medicines")
    named = screener.screen({**DANIEL, "medications": ["enalapril 10mg"], "conditions": []})
    assert "insulin" not in text_of(named, "sick_day_medicines")


def test_in_an_emergency_the_sick_day_list_waits(screener: Any) -> None:
    result = screener.screen({**DANIEL, "red_flags_now": ["chest_pain"]})
    assert result.urgency == "emergency"
    assert "sick_day_medicines" not in codes(result)
    assert "sick_day_medicines" in codes(screener.screen(DANIEL)), "given when it is not an emergency"
