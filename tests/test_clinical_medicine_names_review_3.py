"""Medicine names from the third clinical review (findings U2, U3, M6 and the vocabulary points).

People who write their medicines as the label in their own country spells them ("Furosemida",
"Omeprazol"), or by a brand the vocabulary did not know ("Dytor", "Pantozol"), were told "These
answers do not point to low magnesium or potassium" beside "did you mean ...?" warnings. The label
names are now in the vocabulary; a name still not read that may be a water pill or a stomach-acid
medicine withholds the all-clear, keeps "how soon" at least routine and asks for the names to be
checked. The levels still count only the names read (a name is never guessed).
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


def classes_of(screener: Any, name: str) -> frozenset[str]:
    return screener.ruleset.vocabulary.match(name).classes


# -- U2: Javier, heart failure, writes his medicines as the Spanish labels do -----------------------
JAVIER = {
    "age": 69, "sex": "male", "conditions": ["heart_failure"],
    "medications": ["Furosemida 40mg", "Omeprazol 20mg", "Espironolactona 25mg"],
    "ppi_over_3_months": "yes", "symptoms": ["muscle_cramps"], **NOTHING_ELSE,
}


def test_javier_with_heart_failure_who_writes_furosemida_and_espironolactona_has_them_counted(screener: Any) -> None:
    result = screener.screen(JAVIER)
    assert not [warning for warning in result.warnings if "not recognised" in warning]
    assert result.magnesium_depletion == "possible"  # a loop diuretic and a long-term PPI
    assert result.urgency != "none"
    assert "general_advice" not in codes(result)


@pytest.mark.parametrize(
    ("name", "drug_class"),
    [
        ("Furosemida", "loop_diuretic"), ("furosemid", "loop_diuretic"), ("Furosémide", "loop_diuretic"),
        ("Lasilix", "loop_diuretic"), ("Seguril", "loop_diuretic"), ("Furix", "loop_diuretic"),
        ("Torem", "loop_diuretic"), ("Diuver", "loop_diuretic"), ("Dytor 10", "loop_diuretic"),
        ("torasemida", "loop_diuretic"), ("bumetanida", "loop_diuretic"),
        ("hidroclorotiazida", "thiazide_diuretic"), ("Hydrochlorothiazid", "thiazide_diuretic"),
        ("Esidrex", "thiazide_diuretic"), ("Aquazide", "thiazide_diuretic"), ("clortalidona", "thiazide_diuretic"),
        ("indapamida", "thiazide_diuretic"),
        ("Espironolactona", "potassium_sparing_diuretic"), ("Spironolacton", "potassium_sparing_diuretic"),
        ("amilorida", "potassium_sparing_diuretic"),
        ("Omeprazol", "proton_pump_inhibitor"), ("Omez", "proton_pump_inhibitor"), ("Pan 40", "proton_pump_inhibitor"),
        ("Pantozol 40mg", "proton_pump_inhibitor"), ("pantoprazol", "proton_pump_inhibitor"),
        ("esomeprazol", "proton_pump_inhibitor"), ("Inexium", "proton_pump_inhibitor"),
        ("lansoprazol", "proton_pump_inhibitor"),
        ("Abelcet 5mg/kg", "both_wasting_drug"), ("gentamycin", "both_wasting_drug"), ("TOBI", "both_wasting_drug"),
        ("Gengraf", "calcineurin_inhibitor"), ("Vfend", "qt_prolonging_drug"),
        ("Truvada", "tubule_toxic_antiviral"), ("Viread", "tubule_toxic_antiviral"), ("cidofovir", "tubule_toxic_antiviral"),
    ],
)
def test_label_names_and_brands_from_other_countries_are_read_as_their_class(screener: Any, name: str, drug_class: str) -> None:
    assert drug_class in classes_of(screener, name)


@pytest.mark.parametrize(
    "name",
    ["cyclizine", "aprepitant", "Renvela", "sevelamer", "alfacalcidol", "Pabrinex", "chlordiazepoxide", "Kardegic 75mg",
     "dolutegravir", "Descovy"],
)
def test_medicines_with_no_effect_on_magnesium_or_potassium_are_recognised_not_counted(screener: Any, name: str) -> None:
    match = screener.ruleset.vocabulary.match(name)
    assert match.recognised and match.classes == {"no_known_effect"}, match


def test_a_typo_near_two_spellings_of_one_drug_is_offered_one_name(screener: Any) -> None:
    assert screener.ruleset.vocabulary.suggest("furosimide") == ("furosemide",)


# -- U3: Rakesh, brands not read, a stomach-acid medicine for years -----------------------------------
RAKESH = {
    "age": 58, "sex": "male", "medications": ["Zorbex 10", "Quillan 40"],  # brands the vocabulary cannot know
    "diuretic_use": "no", "ppi_over_3_months": "yes", "symptoms": ["muscle_cramps", "fatigue"], **NOTHING_ELSE,
}


def test_rakesh_whose_brands_are_not_read_beside_a_long_term_ppi_is_not_given_the_all_clear(screener: Any) -> None:
    result = screener.screen(RAKESH)
    assert "general_advice" not in codes(result)
    assert result.urgency == "routine"
    advice = text_of(result, "check_medicine_names")
    assert "may be incomplete" in advice and "ask a pharmacist to check these names" in advice
    assert "medicine_not_read_may_matter" in rules_fired(result)


def test_his_names_not_read_are_still_not_counted_for_the_levels(screener: Any) -> None:
    result = screener.screen(RAKESH)
    assert (result.magnesium_depletion, result.potassium_depletion, result.combined_depletion) == ("unlikely",) * 3


@pytest.mark.parametrize("answer", ["yes", "unsure"])
def test_a_name_not_read_beside_a_water_pill_yes_or_not_sure_withholds_the_all_clear(screener: Any, answer: str) -> None:
    result = screener.screen({**RAKESH, "ppi_over_3_months": "no", "diuretic_use": answer})
    assert "general_advice" not in codes(result) and "check_medicine_names" in codes(result)
    assert result.urgency != "none"


def test_a_name_not_read_with_no_water_pill_and_no_ppi_keeps_the_general_advice(screener: Any) -> None:
    """Nothing says the name is a medicine that lowers magnesium or potassium: the warning asks a
    pharmacist, and the general advice stands."""
    result = screener.screen({**RAKESH, "ppi_over_3_months": "no"})
    assert codes(result) == ["general_advice"] and result.urgency == "none"
    assert any("not recognised" in warning for warning in result.warnings)


def test_carmen_whose_misspelt_water_pill_is_near_furosemide_is_not_given_the_all_clear(screener: Any) -> None:
    """No water-pill or PPI answer at all: the name offered ('did you mean furosemida?', a loop diuretic) is enough."""
    carmen = {"age": 71, "medications": ["Furosemdia 40mg"], "symptoms": ["muscle_cramps"], **NOTHING_ELSE}
    result = screener.screen(carmen)
    assert any("did you mean furosemid" in warning for warning in result.warnings)  # furosemida
    assert result.urgency == "routine"
    assert "general_advice" not in codes(result) and "check_medicine_names" in codes(result)
    assert result.combined_depletion == "unlikely"  # the name is not counted


def test_a_misspelt_medicine_with_no_effect_changes_nothing(screener: Any) -> None:
    """'atorvastatn' is near atorvastatin (no effect counted): the general advice stands."""
    result = screener.screen({"age": 50, "medications": ["atorvastatn"], "symptoms": [], **NOTHING_ELSE})
    assert codes(result) == ["general_advice"]


# -- M6: Daniel, tenofovir, low potassium and magnesium --------------------------------------------------
def test_daniel_on_truvada_with_low_potassium_and_magnesium_is_not_told_there_is_no_usual_cause(screener: Any) -> None:
    daniel = {
        "age": 44, "sex": "male", "medications": ["Truvada", "dolutegravir 50mg"], "symptoms": ["muscle_weakness"],
        "labs": {"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"},
                 "magnesium": {"value": 0.64, "unit": "mmol/L", "taken": "last_7_days"}},
        **NOTHING_ELSE,
    }
    result = screener.screen(daniel)
    assert not [warning for warning in result.warnings if "not recognised" in warning]
    assert "ask_about_kidney_salt_wasting" not in codes(result)


def test_tenofovir_alone_with_nothing_else_raises_no_level(screener: Any) -> None:
    """A rare tubule injury: not counted as a loss for everyone who takes it (PrEP users)."""
    result = screener.screen({"age": 30, "medications": ["Truvada"], "symptoms": [], **NOTHING_ELSE})
    assert result.combined_depletion == "unlikely" and result.urgency == "none"


# -- case 11: tacrolimus with co-trimoxazole -------------------------------------------------------------
def test_kidney_transplant_man_on_advagraf_and_co_trimoxazole_is_asked_about_a_potassium_check(screener: Any) -> None:
    result = screener.screen({
        "age": 55, "sex": "male", "medications": ["Advagraf 5mg", "co-trimoxazole 480mg"], "symptoms": [], **NOTHING_ELSE,
    })
    assert "potassium_kept_for_more_than_one_reason" in rules_fired(result)
    assert result.urgency == "routine"
