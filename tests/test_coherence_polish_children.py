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
    assert any("'FasTab' was not recognised" in warning for warning in result.warnings), "the leftover word is still named"
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
