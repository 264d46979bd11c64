"""Medicines the first vocabulary review left unread or undecided (2026-12-01, second round).

The QT class follows the CredibleMeds known-risk list, as the spec does: the antipsychotics and
antihistamines with only a conditional or possible risk are read with no effect (as sertraline and
quetiapine already were), the known-risk ones not yet read (sulpiride, levomepromazine,
alimemazine) and the cancer medicines whose labels warn of torsades (oxaliplatin, vandetanib,
arsenic trioxide) count. Glinides join the sulfonylurea sick-day advice; secretagogue laxatives,
weekly methotrexate, epoetin and phentermine are read with no effect; timolol eye drops act
locally. Combination pills are read whole (Peri-Colace's senna counts, Qsymia's topiramate counts),
and RxNorm's Entresto names one medicine, not two.
"""

from __future__ import annotations

from typing import Any

import pytest
from result_support import codes, read_as, rules_fired


def person(medications: list[str], **answers: Any) -> dict[str, Any]:
    return {"age": 60, "sex": "male", "medications": medications, "red_flags_now": [], "symptoms": [], **answers}


LOW_POTASSIUM_THIS_WEEK = {"potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"}}


# -- the QT class: known risk only, as the spec and the vocabulary already have it -------------------
@pytest.mark.parametrize(
    "medicine",
    [
        "sulpiride 200mg",
        "Dolmatil",
        "levomepromazine 6.25 mg",
        "Nozinan",
        "methotrimeprazine",
        "alimemazine",
        "Vallergan",
    ],
)
def test_known_risk_medicines_not_yet_read_are_qt_prolonging_drugs(screener: Any, medicine: str) -> None:
    assert read_as(screener, medicine) == {"qt_prolonging_drug"}


@pytest.mark.parametrize("medicine", ["oxaliplatin", "Eloxatin", "vandetanib 300 mg", "Caprelsa", "arsenic trioxide"])
def test_cancer_medicines_whose_labels_warn_of_torsades_count_both_ways(screener: Any, medicine: str) -> None:
    assert read_as(screener, medicine) == {"anticancer_medicine", "qt_prolonging_drug"}


@pytest.mark.parametrize(
    "medicine",
    [
        "hydroxyzine 25 mg",
        "hydroxyzine pamoate 25 mg",
        "Atarax",
        "Vistaril",
        "olanzapine 10mg",
        "Zyprexa",
        "risperidone 2 mg",
        "Risperdal",
        "paroxetine 20 mg",
        "Seroxat",
        "aripiprazole 5 mg",
        "Abilify",
        "clozapine",
        "promethazine 25mg",
        "Phenergan",
        "amisulpride",
    ],
)
def test_conditional_or_possible_risk_medicines_are_read_as_such_not_as_qt_prolonging_drugs(screener: Any, medicine: str) -> None:
    # Named as a possible or conditional QT risk since the third vocabulary round; never the known-risk class.
    assert read_as(screener, medicine) == {"qt_possible_risk"}


def test_man_of_70_on_olanzapine_with_a_low_potassium_is_not_told_it_affects_his_heart_rhythm(screener: Any) -> None:
    result = screener.screen(person(["olanzapine 10 mg"], age=70, labs=LOW_POTASSIUM_THIS_WEEK))
    assert "qt_drug_check" not in codes(result)
    assert not [warning for warning in result.warnings if "not recognised" in warning]


def test_woman_in_a_hospice_on_levomepromazine_with_a_low_potassium_is_told_about_her_qt_medicine(
    screener: Any,
) -> None:
    result = screener.screen(person(["levomepromazine 6.25 mg"], sex="female", age=74, labs=LOW_POTASSIUM_THIS_WEEK))
    assert "qt_drug_check" in codes(result)
    assert result.urgency == "urgent"


def test_man_on_folfox_with_a_low_potassium_is_told_about_oxaliplatin_and_the_qt_interval(screener: Any) -> None:
    result = screener.screen(person(["oxaliplatin", "fluorouracil"], age=64, labs=LOW_POTASSIUM_THIS_WEEK))
    assert "qt_drug_check" in codes(result)


# -- decided with sources ---------------------------------------------------------------------------
@pytest.mark.parametrize("medicine", ["repaglinide 1 mg", "Prandin", "NovoNorm", "nateglinide 120 mg", "Starlix"])
def test_glinides_are_read_with_the_sulfonylureas(screener: Any, medicine: str) -> None:
    assert read_as(screener, medicine) == {"sulfonylurea"}


def test_man_on_repaglinide_with_four_days_of_diarrhea_is_told_about_sick_day_medicines(screener: Any) -> None:
    result = screener.screen(
        person(["repaglinide 1 mg three times a day"], diarrhea={"present": True, "days": 4, "stools_per_day": 4})
    )
    assert "sick_day_medicines" in codes(result)


@pytest.mark.parametrize(
    "medicine",
    [
        "linaclotide 145 mcg",
        "Linzess",
        "Constella",
        "lubiprostone 24 mcg",
        "Amitiza",
        "prucalopride 2 mg",
        "Resolor",
        "plecanatide",
        "methotrexate 15 mg weekly",
        "Metoject",
        "epoetin alfa",
        "Eprex",
        "darbepoetin alfa",
        "Aranesp",
        "phentermine 37.5 mg",
    ],
)
def test_secretagogues_weekly_methotrexate_epoetin_and_phentermine_are_read_with_no_effect(
    screener: Any, medicine: str
) -> None:
    assert read_as(screener, medicine) == {"no_known_effect"}


def test_woman_with_ibs_on_linaclotide_is_not_counted_as_taking_regular_laxatives(screener: Any) -> None:
    result = screener.screen(person(["linaclotide 290 mcg"], sex="female", age=40))
    assert "rf_regular_laxatives" not in rules_fired(result)


def test_woman_with_arthritis_on_weekly_methotrexate_and_diarrhea_is_not_sent_to_an_oncology_line(
    screener: Any,
) -> None:
    result = screener.screen(
        person(["methotrexate 15 mg weekly", "folic acid 5 mg"], sex="female", diarrhea={"present": True, "days": 2})
    )
    assert not [code for code in codes(result) if code.startswith("oncology")]


@pytest.mark.parametrize("medicine", ["timolol eye drops", "timolol 0.5% ophthalmic solution", "Timoptol", "Cosopt"])
def test_timolol_eye_drops_are_read_and_act_locally(screener: Any, medicine: str) -> None:
    result = screener.screen(person([medicine], age=75))
    (entry,) = result.medications_recognised
    assert entry.unrecognised == []
    assert not entry.counted


def test_man_of_75_with_kidney_disease_on_glaucoma_drops_is_not_told_his_potassium_builds_up(screener: Any) -> None:
    result = screener.screen(person(["Cosopt eye drops"], age=75, conditions=["chronic_kidney_disease"]))
    assert "potassium_kept_with_a_nonselective_beta_blocker" not in rules_fired(result)


def test_man_of_75_with_kidney_disease_on_timolol_tablets_is_counted_like_propranolol(screener: Any) -> None:
    result = screener.screen(person(["timolol 10 mg tablets"], age=75, conditions=["chronic_kidney_disease"]))
    assert "potassium_kept_with_a_nonselective_beta_blocker" in rules_fired(result)


# -- combinations read whole --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("medicine", "classes"),
    [
        ("Peri-Colace", {"no_known_effect", "stimulant_laxative"}),
        ("Senna-S", {"no_known_effect", "stimulant_laxative"}),
        ("Qsymia 7.5/46", {"no_known_effect", "k_lowering_drug", "topiramate"}),
        ("Cozaar Comp 50/12.5", {"arb", "thiazide_diuretic"}),
        ("Olmetec Plus 20/12.5", {"arb", "thiazide_diuretic"}),
        ("CoAprovel 150/12.5", {"arb", "thiazide_diuretic"}),
        ("Caduet 5/10", {"no_known_effect"}),
        ("Amias 8mg", {"arb"}),
        ("Olmetec 20 mg", {"arb"}),
    ],
)
def test_combination_pills_and_brands_are_read_whole(screener: Any, medicine: str, classes: set[str]) -> None:
    assert read_as(screener, medicine) == classes


def test_woman_on_peri_colace_every_day_is_counted_as_taking_a_stimulant_laxative(screener: Any) -> None:
    result = screener.screen(person(["Peri-Colace 2 tablets at night"], sex="female", age=82))
    assert "rf_regular_laxatives" in rules_fired(result)


def test_woman_on_qsymia_with_cramps_is_counted_as_taking_a_potassium_lowering_drug(screener: Any) -> None:
    result = screener.screen(person(["Qsymia 7.5 mg/46 mg"], sex="female", age=45, symptoms=["muscle_cramps"]))
    assert "rf_k_lowering_drug" in rules_fired(result)


# -- RxNorm's Entresto is one medicine ---------------------------------------------------------------------
def test_man_with_heart_failure_on_rxnorm_entresto_has_one_medicine_named_not_two(screener: Any) -> None:
    result = screener.screen(person(["sacubitril 49 MG / valsartan 51 MG Oral Tablet"]))
    (entry,) = result.medications_recognised
    assert [(match.generic, match.drug_class) for match in entry.matches] == [("sacubitril/valsartan", "arni")]
    assert entry.unrecognised == []


def test_valsartan_written_on_its_own_is_still_an_arb(screener: Any) -> None:
    assert read_as(screener, "valsartan 80 mg") == {"arb"}
