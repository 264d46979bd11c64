"""Vignette review 9, findings 3, 4 and 5: medicine words people write.

Water tablets "bought online" are water tablets; diet pills, slimming teas and fat burners are a
kind of product of their own (what one holds is not known from its name); Gaviscon Advance is a
reflux medicine that contains some potassium, not a prescribed potassium supplement; "Septrin",
"pred" and oral rehydration salts are read (README "Medicines", docs/departures.md).
"""

from __future__ import annotations

from typing import Any

import pytest
from result_support import all_advice, codes, read_as, rules_fired, text_of

QUIET = {
    "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "red_flags_now": [],
}  # fmt: skip

# W01: a woman of 70 with cramps whose only medicine is "water tablets bought online".
WINIFRED = {
    "age": 70,
    "sex": "female",
    "symptoms": ["muscle_cramps"],
    "medications": ["water tablets bought online"],
    **QUIET,
}

# W06: the same woman, on "diet pills" instead.
DELIA = WINIFRED | {"medications": ["diet pills"]}

# D6: a girl of 16, tired and cramping, on diet pills and Dulcolax most nights.
TASHA = {
    "age": 16, "sex": "female", "symptoms": ["fatigue", "muscle_cramps"],
    "medications": ["diet pills", "Dulcolax most nights"], **QUIET,
}  # fmt: skip

# A woman of 34 with an eating disorder, on slimming tea.
ESME = {
    "age": 34,
    "sex": "female",
    "conditions": ["eating_disorder"],
    "symptoms": [],
    "medications": ["slimming tea"],
    **QUIET,
}

# P05: a woman of 70 with kidney disease on ramipril and Gaviscon Advance, no supplements.
GRETA = {
    "age": 70, "sex": "female", "conditions": ["chronic_kidney_disease"], "symptoms": [], "supplements": [],
    "medications": ["Gaviscon Advance 10ml qds", "Ramipril 2.5mg"], "diuretic_use": "no", **QUIET,
}  # fmt: skip

# Case 36: a pregnant woman of 29 with cramps, on omeprazole and Gaviscon Advance, no supplements.
PRIYA = {
    "age": 29, "sex": "female", "pregnant": "yes", "symptoms": ["muscle_cramps"], "supplements": [],
    "medications": ["omeprazole 20mg", "Gaviscon Advance"], **QUIET,
}  # fmt: skip


def test_winifreds_water_tablets_bought_online_say_yes_to_the_water_pill_question(screener: Any) -> None:
    result = screener.screen(WINIFRED)
    assert not any("not recognised" in warning for warning in result.warnings), result.warnings
    assert any("read as 'yes' to whether a water pill" in warning for warning in result.warnings)
    assert result.urgency == "routine"
    assert result.magnesium_depletion == "possible" and result.potassium_depletion == "possible"


@pytest.mark.parametrize(
    "written", ["water tablets from the chemist", "bought online water pills", "fluid tablets off the internet"]
)
def test_where_water_tablets_were_bought_is_no_medicine_name(screener: Any, written: str) -> None:
    result = screener.screen(WINIFRED | {"medications": [written]})
    assert not any("not recognised" in warning for warning in result.warnings), result.warnings


def test_where_a_medicine_was_bought_alone_is_still_a_name_not_read(screener: Any) -> None:
    result = screener.screen(WINIFRED | {"medications": ["bought online"]})
    assert any("not recognised" in warning for warning in result.warnings)


@pytest.mark.parametrize(
    "written",
    [
        "diet pills",
        "slimming pills",
        "slimming tea",
        "fat burners",
        "detox tea",
        "Diet pills x2 a day",
        "weight loss tablets",
    ],
)
def test_diet_and_slimming_products_are_read_as_a_kind_of_their_own(screener: Any, written: str) -> None:
    assert read_as(screener, written) == {"weight_loss_product"}


def test_delia_on_diet_pills_is_told_what_they_may_hold_and_not_that_a_name_was_not_read(screener: Any) -> None:
    result = screener.screen(DELIA)
    assert "weight_loss_products" in codes(result)
    text = text_of(result, "weight_loss_products")
    assert "water pills, laxatives or stimulants" in text and "show them the packet" in text
    assert "lose weight" not in text  # an adult without an eating disorder: the plain line
    assert "check_medicine_names" not in codes(result)
    assert not any("may be a medicine that can make the body keep potassium" in warning for warning in result.warnings)
    # what a product holds is not known from its name: nothing counted for the levels
    assert result.urgency == "none" and result.potassium_depletion == "unlikely"


def test_tasha_at_16_on_diet_pills_is_told_it_is_worth_raising_with_a_clinician(screener: Any) -> None:
    result = screener.screen(TASHA)
    text = text_of(result, "weight_loss_products")
    assert "Using them to lose weight is worth raising with a clinician" in text
    assert "eating disorder" in text
    assert result.urgency == "routine"
    assert "routine_weight_loss_product_under_18_or_eating_disorder" in rules_fired(result)


def test_a_teenager_on_slimming_tea_alone_is_seen_at_the_next_visit(screener: Any) -> None:
    result = screener.screen(TASHA | {"symptoms": [], "medications": ["slimming tea"]})
    assert result.urgency == "routine"
    assert "worth raising with a clinician" in text_of(result, "weight_loss_products")


def test_esme_with_an_eating_disorder_on_slimming_tea_is_told_it_is_worth_raising(screener: Any) -> None:
    result = screener.screen(ESME)
    assert "worth raising with a clinician" in text_of(result, "weight_loss_products")
    assert result.urgency in ("routine", "soon", "urgent")


def test_a_childs_diet_pills_are_spoken_of_to_the_parent(screener: Any) -> None:
    result = screener.screen(TASHA | {"age": 11})
    assert "A child using them to lose weight" in text_of(result, "weight_loss_products")


def test_gaviscon_advance_is_a_reflux_medicine_that_contains_some_potassium(screener: Any) -> None:
    assert read_as(screener, "Gaviscon Advance") == {"reflux_medicine_with_potassium"}
    assert read_as(screener, "Acidex Advance 10ml") == {"reflux_medicine_with_potassium"}


def test_priya_pregnant_on_gaviscon_advance_is_not_told_her_no_supplements_answer_contradicts_her_list(
    screener: Any,
) -> None:
    result = screener.screen(PRIYA)
    assert not any("Supplements: the answer given is 'None of these'" in warning for warning in result.warnings), (
        result.warnings
    )
    assert "potassium stays low despite taking potassium" not in " ".join(result.unanswered_sections)
    assert "prescribed potassium supplement" not in all_advice(result)


def test_greta_with_kidney_disease_on_ramipril_and_gaviscon_advance_is_told_to_ask_a_pharmacist_not_sent_within_days(
    screener: Any,
) -> None:
    result = screener.screen(GRETA)
    assert result.urgency == "none"
    assert "soon_prescribed_potassium_with_kidney_or_sparing_risk" not in rules_fired(result)
    text = text_of(result, "reflux_medicine_with_potassium")
    assert "not a potassium supplement" in text and "2 mmol" in text and "ask a pharmacist" in text
    assert not any("Supplements:" in warning for warning in result.warnings)


def test_gaviscon_advance_without_a_reason_to_keep_potassium_brings_no_potassium_line(screener: Any) -> None:
    result = screener.screen(PRIYA)
    assert "reflux_medicine_with_potassium" not in codes(result)


@pytest.mark.parametrize(
    ("written", "classes"),
    [("Septrin", {"trimethoprim"}), ("Septrin DS", {"trimethoprim"}), ("Septrin Forte 960mg bd", {"trimethoprim"})],
)
def test_septrin_is_co_trimoxazole(screener: Any, written: str, classes: set[str]) -> None:
    assert read_as(screener, written) == classes


def test_septrin_beside_spironolactone_brings_the_trimethoprim_caution(screener: Any) -> None:
    result = screener.screen(WINIFRED | {"medications": ["Septrin 960mg bd", "spironolactone 25mg"]})
    assert "k_retention_caution" in rules_fired(result)
    assert "Septrin" in all_advice(result)


@pytest.mark.parametrize("written", ["pred", "pred 5mg", "Pred 40mg od"])
def test_pred_is_prednisolone_a_steroid_tablet(screener: Any, written: str) -> None:
    assert read_as(screener, written) == {"k_lowering_drug", "glucocorticoid_tablets"}


def test_pred_forte_eye_drops_stay_local(screener: Any) -> None:
    result = screener.screen({"age": 50, "sex": "female", "medications": ["Pred Forte eye drops"]})
    (entry,) = result.medications_recognised
    assert entry.unrecognised == [] and not entry.counted


@pytest.mark.parametrize(
    "written", ["Dioralyte", "Dioralyte sachets", "Electrolade", "ORS", "oral rehydration salts", "Pedialyte"]
)
def test_oral_rehydration_salts_are_read_and_not_a_potassium_supplement(screener: Any, written: str) -> None:
    assert read_as(screener, written) == {"no_known_effect"}


def test_dioralyte_no_longer_brings_the_caution_for_a_name_not_read(screener: Any) -> None:
    result = screener.screen(WINIFRED | {"medications": ["Dioralyte"]})
    assert not any("may be a medicine that can make the body keep potassium" in warning for warning in result.warnings)
    assert "check_medicine_names" not in codes(result)
