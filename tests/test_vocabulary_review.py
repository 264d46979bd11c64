"""The medicine vocabulary checked against the medicines people really take (2026-12-01).

The most prescribed medicines in the US (ClinCalc top 300) and England (NHS prescription cost
analysis), combination pills, forms that are not tablets and the brand names people type were run
through the vocabulary (/work/notes/vocab-review.md). These specifications hold what that review
fixed: common medicines are read, each combination pill counts as every class it contains, and a
name is never read as something it is not (a mineral after a mineral is another mineral, not a
salt; "penicillin G potassium" is penicillin; "Dulcolax Liquid" is magnesium).
"""

from __future__ import annotations

from typing import Any

import pytest
from result_support import codes, read_as, rules_fired


# -- the pharmacist's list: common prescriptions are read, with no known effect where none counts --
@pytest.mark.parametrize(
    "medicine",
    [
        "pioglitazone 30mg",
        "lovastatin 20 mg",
        "dabigatran 150mg",
        "ticagrelor 90 mg",
        "sildenafil 50mg",
        "carbamazepine 200mg",
        "divalproex sodium ER 500mg",
        "carbidopa-levodopa 25-100",
        "morphine sulfate ER",
        "buprenorphine-naloxone",
        "valacyclovir 1 g",
        "cefdinir 300 MG Oral Capsule",
        "Amoxicillin 250 MG/5ML Powder for Oral Suspension",
        "ferrous sulfate 325 mg",
        "fish oil 1000mg",
        "CoQ10",
        "alendronate 70mg weekly",
        "medroxyprogesterone",
        "tiotropium 18 mcg inhalation capsule",
        "Spiriva Respimat",
        "nitroglycerin 0.4 mg sublingual",
        "mesalamine DR 1.2 g",
        "levocetirizine",
    ],
)
def test_common_prescriptions_are_read_with_no_known_effect(screener: Any, medicine: str) -> None:
    assert read_as(screener, medicine) == {"no_known_effect"}


@pytest.mark.parametrize(
    "medicine",
    [
        "latanoprost eye drops",
        "Xalatan",
        "triamcinolone cream",
        "clobetasol 0.05% ointment",
        "Betnovate cream",
        "mupirocin ointment",
    ],
)
def test_eye_drops_and_skin_medicines_are_read_and_not_reported_as_unknown(screener: Any, medicine: str) -> None:
    result = screener.screen({"age": 50, "sex": "female", "medications": [medicine]})
    assert not [warning for warning in result.warnings if "not recognised" in warning], result.warnings


def test_pred_forte_eye_drops_are_prednisolone_acting_locally(screener: Any) -> None:
    result = screener.screen({"age": 50, "sex": "female", "medications": ["Pred Forte 1% eye drops"]})
    (entry,) = result.medications_recognised
    assert entry.unrecognised == []
    assert not entry.counted


@pytest.mark.parametrize(
    "medicine", ["EpiPen 0.3 mg", "epinephrine 0.3 MG/0.3ML Auto-Injector", "Jext 300", "adrenaline auto-injector"]
)
def test_an_adrenaline_auto_injector_is_read_and_counts_for_nothing(screener: Any, medicine: str) -> None:
    assert read_as(screener, medicine) == {"no_known_effect"}


@pytest.mark.parametrize(
    ("medicine", "classes"),
    [
        ("Urex 40mg", {"loop_diuretic"}),
        ("Uremide", {"loop_diuretic"}),
        ("Spiretic 25mg", {"potassium_sparing_diuretic"}),
        ("Innovace 10 mg", {"ace_inhibitor"}),
        ("Renitec", {"ace_inhibitor"}),
        ("Aprovel 150mg", {"arb"}),
        ("Telma 40", {"arb"}),
        ("perindopril arginine 5mg", {"ace_inhibitor"}),
        ("perindopril erbumine 4 mg", {"ace_inhibitor"}),
        ("NovoMix 30 FlexPen", {"insulin"}),
        ("Humalog Mix25 KwikPen", {"insulin"}),
        ("Novolog Mix 70/30", {"insulin"}),
        ("Ryzodeg 70/30", {"insulin"}),
    ],
)
def test_brand_names_of_the_high_impact_classes_are_read(screener: Any, medicine: str, classes: set[str]) -> None:
    assert read_as(screener, medicine) == classes


# -- combination pills count as every class they contain -------------------------------------------
@pytest.mark.parametrize(
    ("medicine", "classes"),
    [
        ("Telma-H 40/12.5", {"arb", "thiazide_diuretic"}),
        ("Telma H", {"arb", "thiazide_diuretic"}),
        ("co-tenidone 50/12.5", {"no_known_effect", "thiazide_diuretic"}),
        ("Azor 5/40", {"no_known_effect", "arb"}),
        ("Pan-D", {"proton_pump_inhibitor", "qt_prolonging_drug"}),
        ("DuoNeb", {"no_known_effect", "k_lowering_drug", "beta2_agonist"}),
        ("ipratropium-albuterol 0.5-2.5 mg/3 mL nebs", {"no_known_effect", "k_lowering_drug", "beta2_agonist"}),
        ("Combivent Respimat", {"no_known_effect", "k_lowering_drug", "beta2_agonist"}),
        ("sulfamethoxazole 800 MG / trimethoprim 160 MG Oral Tablet", {"no_known_effect", "trimethoprim"}),
        ("SMZ-TMP DS", {"trimethoprim"}),
    ],
)
def test_a_combination_pill_counts_as_every_class_it_contains(screener: Any, medicine: str, classes: set[str]) -> None:
    assert read_as(screener, medicine) == classes


RETIRED_BUS_DRIVER_ON_TELMA_H = {
    "age": 72,
    "sex": "male",
    "medications": ["Telma-H 40/12.5"],
    "conditions": ["high_blood_pressure"],
    "symptoms": ["muscle_cramps", "muscle_weakness"],
    "supplements": ["potassium"],
    "red_flags_now": [],
}


def test_retired_bus_driver_on_telma_h_gets_the_thiazide_losses_and_the_potassium_caution(screener: Any) -> None:
    result = screener.screen(RETIRED_BUS_DRIVER_ON_TELMA_H)
    fired = rules_fired(result)
    assert "rf_thiazide_diuretic" in fired  # the hydrochlorothiazide half
    assert "k_retention_caution" in fired  # the telmisartan half
    assert result.magnesium_depletion == "possible"
    assert result.potassium_depletion == "possible"
    assert "no_potassium_self_supplement" in codes(result)
    assert "check_magnesium_with_potassium" in codes(result)


def test_retired_bus_driver_on_telmisartan_alone_has_only_the_potassium_caution(screener: Any) -> None:
    result = screener.screen({**RETIRED_BUS_DRIVER_ON_TELMA_H, "medications": ["Telma 40"]})
    assert "rf_thiazide_diuretic" not in rules_fired(result)
    assert "k_retention_caution" in rules_fired(result)
    assert result.potassium_depletion == "unlikely"


def test_grandfather_on_pan_d_with_a_low_potassium_is_told_about_his_qt_medicine(screener: Any) -> None:
    result = screener.screen(
        {
            "age": 70,
            "sex": "male",
            "medications": ["Pan-D"],
            "labs": {"potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"}},
            "red_flags_now": [],
        }
    )
    assert "rf_long_term_ppi" in rules_fired(result)  # pantoprazole
    assert "qt_drug_check" in codes(result)  # domperidone
    assert result.urgency == "urgent"


def test_woman_with_copd_on_duoneb_and_prednisone_is_told_both_lower_potassium(screener: Any) -> None:
    result = screener.screen(
        {"age": 70, "sex": "female", "medications": ["DuoNeb", "prednisone 40mg"], "red_flags_now": []}
    )
    assert "reliever_with_other_potassium_lowering_medicines" in codes(result)
    assert result.potassium_depletion == "possible"


# -- names never read as something they are not ------------------------------------------------------
WOMAN_OF_80_WITH_KIDNEY_DISEASE = {
    "age": 80,
    "sex": "female",
    "conditions": ["chronic_kidney_disease"],
    "symptoms": ["muscle_weakness"],
    "red_flags_now": [],
}


@pytest.mark.parametrize(
    "supplement",
    [
        "Calcium Magnesium Zinc",
        "zinc magnesium",
        "Calcium Magnesium Zinc with vitamin D3",
        "potassium magnesium aspartate",
    ],
)
def test_woman_of_80_with_kidney_disease_taking_a_mineral_mix_is_told_about_its_magnesium(
    screener: Any, supplement: str
) -> None:
    result = screener.screen({**WOMAN_OF_80_WITH_KIDNEY_DISEASE, "medications": [supplement]})
    assert "kidney_disease_with_magnesium_product" in rules_fired(result)
    assert not [warning for warning in result.warnings if "not recognised" in warning], result.warnings


def test_woman_of_80_with_kidney_disease_taking_calcium_and_zinc_takes_no_magnesium(screener: Any) -> None:
    result = screener.screen({**WOMAN_OF_80_WITH_KIDNEY_DISEASE, "medications": ["Calcium Zinc"]})
    assert "kidney_disease_with_magnesium_product" not in rules_fired(result)


def test_potassium_magnesium_aspartate_is_both_minerals(screener: Any) -> None:
    assert read_as(screener, "potassium magnesium aspartate") == {"potassium_supplement", "magnesium_supplement"}


@pytest.mark.parametrize(
    ("medicine", "generic"), [("atorvastatin calcium 40mg", "atorvastatin"), ("losartan potassium 50 mg", "losartan")]
)
def test_a_salt_after_a_drug_is_still_its_salt(screener: Any, medicine: str, generic: str) -> None:
    result = screener.screen({"age": 50, "sex": "female", "medications": [medicine]})
    (entry,) = result.medications_recognised
    assert [match.generic for match in entry.matches] == [generic]


def test_man_on_ramipril_and_penicillin_g_potassium_is_not_read_as_taking_potassium(screener: Any) -> None:
    result = screener.screen(
        {"age": 66, "sex": "male", "medications": ["ramipril 10mg", "penicillin G potassium"], "red_flags_now": []}
    )
    assert "takes_prescribed_potassium" not in rules_fired(result)
    assert "routine_prescribed_potassium_with_retention_caution" not in rules_fired(result)


def test_woman_of_80_with_kidney_disease_taking_dulcolax_liquid_takes_magnesium_not_a_stimulant(screener: Any) -> None:
    assert read_as(screener, "Dulcolax Liquid") == {"magnesium_supplement"}
    result = screener.screen({**WOMAN_OF_80_WITH_KIDNEY_DISEASE, "medications": ["Dulcolax Liquid"]})
    assert "kidney_disease_with_magnesium_product" in rules_fired(result)


def test_dulcolax_stool_softener_is_docusate_and_plain_dulcolax_still_bisacodyl(screener: Any) -> None:
    assert read_as(screener, "Dulcolax Stool Softener") == {"no_known_effect"}
    assert read_as(screener, "Dulcolax 5mg") == {"stimulant_laxative"}
