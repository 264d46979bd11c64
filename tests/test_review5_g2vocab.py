"""Medicine vocabulary after vignette review 5 (findings S4, m9, m10 and the minor vocabulary gaps).

A bowel preparation before a colonoscopy is a one-off cleanser, not regular laxative use, and is
not to be stopped because of the diarrhea it is meant to cause; clenbuterol, bought for
bodybuilding, lowers potassium like salbutamol and is not a prescribed medicine to keep taking;
salt tablets are sodium, not the potassium salt substitute LoSalt; and common medicines the
review found unread are read, each in the class it belongs to.
"""

from __future__ import annotations

from typing import Any

import pytest
from result_support import codes, flat, rules_fired, text_of

KEEP_TAKING = "keep_taking_prescribed_medicines"
STOP_LAXATIVES = "stop_laxatives_during_diarrhea"


def classes_of(screener: Any, medicine: str) -> set[str]:
    result = screener.screen({"age": 50, "sex": "female", "medications": [medicine]})
    (entry,) = result.medications_recognised
    assert entry.unrecognised == [], entry
    assert not [warning for warning in result.warnings if "medication" in warning], result.warnings
    return {match.drug_class for match in entry.matches}


# -- S4: bowel preparation ------------------------------------------------------------------------
WOMAN_OF_78_TAKING_PICOLAX = {
    "age": 78,
    "sex": "female",
    "medications": ["Picolax", "bendroflumethiazide 2.5mg", "ramipril 5mg"],
    "alcohol": {"drinks_per_week": 3},
    "diarrhea": {"present": True, "days": 1, "stools_per_day": 10},
    "vomiting": {"present": False},
    "laxative_use": "occasional",
    "laxative_type": "stimulant",
    "symptoms": ["muscle_cramps", "fatigue"],
    "red_flags_now": [],
    "supplements": [],
}


@pytest.mark.parametrize(
    "name",
    [
        "Picolax",
        "CitraFleet",
        "Moviprep",
        "Plenvu",
        "Klean-Prep",
        "sodium picosulfate with magnesium citrate (bowel prep)",
        "bowel prep",
    ],
)
def test_bowel_preparations_are_read_as_bowel_preparations(screener: Any, name: str) -> None:
    assert classes_of(screener, name) == {"bowel_preparation"}


def test_picosulfate_alone_is_still_a_stimulant_laxative(screener: Any) -> None:
    assert classes_of(screener, "sodium picosulfate 5mg") == {"stimulant_laxative"}


def test_woman_of_78_taking_picolax_is_not_told_to_stop_it_but_to_follow_the_endoscopy_unit(screener: Any) -> None:
    result = screener.screen(WOMAN_OF_78_TAKING_PICOLAX)
    assert STOP_LAXATIVES not in codes(result)
    assert KEEP_TAKING not in codes(result)
    advice = flat(text_of(result, "bowel_preparation"))
    assert "do not stop it because of the diarrhea" in advice
    assert "endoscopy unit's written instructions" in advice
    assert "water pills and blood pressure tablets" in advice
    assert "clear fluids" in advice
    assert "cannot keep fluids down or feel dizzy" in advice
    assert "Do not stop your other prescribed medicines on your own" in advice
    assert "laxatives_during_diarrhea" not in rules_fired(result)
    assert result.urgency == "routine"  # unchanged: the diarrhea itself is still counted
    assert result.potassium_depletion == "possible"


def test_bowel_prep_written_by_its_generic_names_is_not_counted_as_regular_laxative_use(screener: Any) -> None:
    result = screener.screen(
        {
            **WOMAN_OF_78_TAKING_PICOLAX,
            "medications": ["sodium picosulfate with magnesium citrate (bowel prep)", "ramipril 5mg"],
        }
    )
    assert "regular_laxatives_from_medication_list" not in rules_fired(result)
    assert not [warning for warning in result.warnings if "counted as taken regularly" in warning]
    assert STOP_LAXATIVES not in codes(result)
    assert "bowel_preparation" in codes(result)


def test_man_on_senna_with_diarrhea_is_still_told_to_stop_laxatives(screener: Any) -> None:
    result = screener.screen(
        {**WOMAN_OF_78_TAKING_PICOLAX, "sex": "male", "medications": ["senna 15mg", "ramipril 5mg"]}
    )
    assert STOP_LAXATIVES in codes(result)
    assert "bowel_preparation" not in codes(result)


# -- m9: clenbuterol ------------------------------------------------------------------------------
BODYBUILDER_OF_24 = {
    "age": 24,
    "sex": "male",
    "medications": ["furosemide 40mg", "clenbuterol 40mcg"],
    "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "symptoms": ["muscle_cramps", "muscle_twitches", "tremor", "palpitations"],
    "red_flags_now": [],
    "supplements": [],
}


def test_clenbuterol_is_a_potassium_lowering_beta_2_agonist(screener: Any) -> None:
    assert classes_of(screener, "clenbuterol 40mcg") == {"clenbuterol", "k_lowering_drug"}


def test_bodybuilder_on_clenbuterol_is_told_to_stop_it_and_not_to_keep_taking_it_as_prescribed(screener: Any) -> None:
    result = screener.screen(BODYBUILDER_OF_24)
    assert "k_lowering_drug" in result.risk_factors
    assert KEEP_TAKING not in codes(result)
    assert "check_medicine_names" not in codes(result)
    advice = flat(text_of(result, "stop_clenbuterol"))
    assert "not a medicine prescribed for people" in advice
    assert "Stop taking it" in advice
    assert "a medicine a clinician prescribed for you: do not stop those on your own" in advice
    assert result.urgency == "urgent"


def test_woman_on_clenbuterol_alone_gets_no_advice_to_keep_taking_a_prescribed_medicine(screener: Any) -> None:
    result = screener.screen(
        {"age": 30, "sex": "female", "pregnant": "no", "medications": ["clenbuterol"], "symptoms": ["tremor"]}
    )
    assert KEEP_TAKING not in codes(result)
    assert "stop_clenbuterol" in codes(result)


def test_man_on_salbutamol_still_told_to_keep_taking_it(screener: Any) -> None:
    result = screener.screen({**BODYBUILDER_OF_24, "medications": ["salbutamol inhaler", "furosemide 40mg"]})
    assert KEEP_TAKING in codes(result)
    assert "stop_clenbuterol" not in codes(result)


# -- m10: salt tablets ----------------------------------------------------------------------------
WOMAN_OF_19_WITH_POTS = {
    "age": 19,
    "sex": "female",
    "pregnant": "no",
    "medications": ["fludrocortisone 100 micrograms", "ivabradine 5mg bd", "Slo Salt tablets"],
    "alcohol": {"drinks_per_week": 2},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "symptoms": ["palpitations", "fatigue"],
    "red_flags_now": [],
    "supplements": [],
    "labs": {"potassium": {"value": 3.4, "unit": "mmol/L", "taken": "last_7_days"}},
}


@pytest.mark.parametrize(
    "name", ["Slo Salt tablets", "Slow Sodium 600mg", "sodium chloride tablets 600mg", "salt tablets"]
)
def test_salt_tablets_are_sodium_not_a_potassium_salt_substitute(screener: Any, name: str) -> None:
    assert classes_of(screener, name) == {"no_known_effect"}


def test_losalt_is_still_a_potassium_salt_substitute(screener: Any) -> None:
    assert classes_of(screener, "LoSalt") == {"salt_substitute"}


def test_woman_of_19_with_pots_on_salt_tablets_and_a_low_potassium_is_not_told_to_avoid_potassium_foods(
    screener: Any,
) -> None:
    result = screener.screen(WOMAN_OF_19_WITH_POTS)
    assert "medicine_name_close_to_one_that_keeps_potassium" not in rules_fired(result)
    assert not [warning for warning in result.warnings if "Lo Salt" in warning or "ask a pharmacist" in warning]
    assert "food_sources" in codes(result)
    assert "bananas" in text_of(result, "food_sources")
    assert "check potassium-rich foods" not in flat(text_of(result, "food_sources"))


# -- minor points: common medicines that were unread ---------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("propranolol 40mg", {"nonselective_beta_blocker"}),  # counted with kidney disease (2026-12-01)
        ("azathioprine 50mg", {"no_known_effect"}),
        ("carbimazole 20mg", {"no_known_effect"}),
        ("Creon 25000", {"pancreatic_enzyme"}),
        ("pancreatin", {"pancreatic_enzyme"}),
        ("dornase alfa", {"no_known_effect"}),
        ("ivabradine 5mg", {"no_known_effect"}),
        ("tolvaptan 45mg", {"no_known_effect"}),
        ("Jinarc 45mg", {"no_known_effect"}),
        ("Lokelma 10g", {"potassium_binder"}),
        ("patiromer", {"potassium_binder"}),
        ("Veltassa", {"potassium_binder"}),
        ("Calcium Resonium", {"potassium_binder"}),
    ],
)
def test_common_medicines_the_review_found_unread_are_read_in_their_class(
    screener: Any, name: str, expected: set[str]
) -> None:
    assert classes_of(screener, name) == expected


def test_woman_with_cystic_fibrosis_on_creon_and_dornase_gets_no_pharmacist_warning(screener: Any) -> None:
    result = screener.screen(
        {"age": 22, "sex": "female", "medications": ["Creon 25000", "dornase alfa", "salbutamol nebules"]}
    )
    assert not [warning for warning in result.warnings if "not recognised" in warning]
