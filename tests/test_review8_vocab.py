"""Medicine vocabulary leftovers (2026-12-01, third vocabulary round).

The CredibleMeds lists below the known-risk one (possible and conditional risk of torsades) are read
as their own class, qt_possible_risk: named for what they are, counted for nothing, and never given
the known-risk QT advice or urgency (CredibleMeds recommends the known-risk list, not these, for
decision support).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from result_support import codes, read_as

from screener.errors import RulesError
from screener.screening.medications import Vocabulary

RULES = Path(__file__).resolve().parent.parent / "rules" / "medications.json"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_file(RULES)


def person(medications: list[str], **answers: Any) -> dict[str, Any]:
    return {"age": 60, "sex": "female", "medications": medications, "red_flags_now": [], "symptoms": [], **answers}


LOW_POTASSIUM_THIS_WEEK = {"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"}}


# -- possible and conditional QT risk ---------------------------------------------------------------
@pytest.mark.parametrize(
    "medicine",
    [
        "nortriptyline 25mg at night",
        "Pamelor",
        "Allegron 10mg",
        "ziprasidone 40 mg",
        "Geodon",
        "metronidazole 400mg tds",
        "Flagyl",
        "metoclopramide 10 mg",
        "Maxolon",
        "Reglan",
        "Perinorm 10",
        "solifenacin 5 mg",
        "Vesicare 5mg",
        "sertraline 50 mg",
        "quetiapine 25 mg",
        "amitriptyline 10 mg",
        "fluoxetine 20mg",
    ],
)
def test_a_possible_or_conditional_qt_risk_is_named_as_such(screener: Any, medicine: str) -> None:
    assert read_as(screener, medicine) == {"qt_possible_risk"}


def test_nortriptyline_is_no_longer_reported_as_not_recognised(screener: Any) -> None:
    result = screener.screen(person(["nortriptyline 25 mg"]))
    assert not [warning for warning in result.warnings if "not recognised" in warning], result.warnings


def test_woman_of_60_on_metoclopramide_with_a_low_potassium_gets_no_known_risk_qt_advice(screener: Any) -> None:
    result = screener.screen(person(["metoclopramide 10 mg tds"], labs=LOW_POTASSIUM_THIS_WEEK))
    assert "qt_drug_check" not in codes(result)
    assert not any(finding.rule == "qt_drug" for finding in result.findings)


def test_metronidazole_gel_for_rosacea_acts_on_the_skin(screener: Any) -> None:
    result = screener.screen(person(["Rozex gel"]))
    (entry,) = result.medications_recognised
    assert not entry.counted


def test_the_known_risk_class_is_unchanged_for_citalopram(screener: Any) -> None:
    assert read_as(screener, "citalopram 20 mg") == {"qt_prolonging_drug"}


# -- what a medicine is taken for ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "generic"),
    [
        ("amlodipine for blood pressure", "amlodipine"),
        ("ramipril 5mg for BP", "ramipril"),
        ("bisoprolol for my heart", "bisoprolol"),
        ("zopiclone 7.5 for sleep", "zopiclone"),
        ("furosemide 40mg for water", "furosemide"),
        ("furosemide for fluid retention x2 daily", "furosemide"),
        ("paracetamol for the pain", "paracetamol"),
        ("omeprazole 20mg (for acid)", "omeprazole"),
        ("lansoprazole, for reflux", "lansoprazole"),
        ("metformin for sugar", "metformin"),
        ("levothyroxine 50mcg for thyroid", "levothyroxine"),
        ("Slow-K for low potassium", "potassium chloride"),
    ],
)
def test_pat_who_writes_what_each_tablet_is_for_has_each_read_whole(screener: Any, written: str, generic: str) -> None:
    result = screener.screen(person([written]))
    (entry,) = result.medications_recognised
    assert [match.generic for match in entry.matches] == [generic]
    assert entry.unrecognised == []
    assert not [warning for warning in result.warnings if "not recognised" in warning], result.warnings


def test_a_medicine_written_after_its_purpose_is_still_read(screener: Any) -> None:
    result = screener.screen(person(["for pain tramadol 50mg"]))
    (entry,) = result.medications_recognised
    assert [match.generic for match in entry.matches] == ["tramadol"] and entry.unrecognised == []


def test_an_unknown_name_after_a_purpose_is_still_reported(screener: Any) -> None:
    result = screener.screen(person(["for pain zoravex 50mg"]))
    assert any("'zoravex'" in warning and "not recognised" in warning for warning in result.warnings), result.warnings


def test_words_after_for_that_are_no_purpose_on_the_list_are_not_skipped(vocabulary: Vocabulary) -> None:
    # a closed list: "for my knees" is left unread (beside a medicine read it is not warned about)
    assert vocabulary.match("ibuprofen for my knees").unrecognised == ("for my knees",)


def test_a_purpose_alone_is_still_reported_as_no_medicine(screener: Any) -> None:
    result = screener.screen(person(["for BP"]))
    assert any("not recognised" in warning for warning in result.warnings), result.warnings


@pytest.mark.parametrize("written", ["water pill for blood pressure", "water tabs", "fluid tabs x2 daily", "my water tablets (for my heart)"])
def test_a_water_pill_not_named_says_yes_to_the_water_pill_question_whatever_it_is_for(screener: Any, written: str) -> None:
    """Read as 'takes a water pill: yes' with no diuretic recognised: the rules count a water pill of
    unknown type (diuretic_unknown_type), as both losses, since most are loop or thiazide diuretics."""
    result = screener.screen(person([written]))
    assert "diuretic_unknown_type" in {finding.rule for finding in result.findings}
    assert not [warning for warning in result.warnings if "not recognised" in warning], result.warnings


def test_a_purpose_that_repeats_a_name_of_the_file_is_refused_with_where_it_is(tmp_path: Any) -> None:
    data = json.loads(RULES.read_text(encoding="utf-8"))
    data["ignored_text"]["purposes"]["purposes"].append("oral suspension")  # "for oral suspension" is a form
    path = tmp_path / "medications.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RulesError, match=r"ignored_text\.purposes\.purposes.*'for oral suspension' is already listed"):
        Vocabulary.from_file(path)


# -- medicines as people write them: brands from India, the UK, Europe and Australia ---------------
@pytest.mark.parametrize(
    ("written", "classes"),
    [
        ("Omee 20", {"proton_pump_inhibitor"}),
        ("Ocid 20mg od", {"proton_pump_inhibitor"}),
        ("Pantocid 40", {"proton_pump_inhibitor"}),
        ("Pantop 40 before breakfast", {"proton_pump_inhibitor"}),
        ("Nexpro 40", {"proton_pump_inhibitor"}),
        ("Rablet 20", {"proton_pump_inhibitor"}),
        ("Razo 20", {"proton_pump_inhibitor"}),
        ("Pantocid DSR", {"proton_pump_inhibitor", "qt_prolonging_drug"}),
        ("Razo D", {"proton_pump_inhibitor", "qt_prolonging_drug"}),
        ("Omez D", {"proton_pump_inhibitor", "qt_prolonging_drug"}),
        ("Losec MUPS 20mg", {"proton_pump_inhibitor"}),
        ("Zoton FasTabs 15mg", {"proton_pump_inhibitor"}),
        ("Azee 500", {"qt_prolonging_drug"}),
        ("Azithral 500", {"qt_prolonging_drug"}),
        ("Ciplox 500 bd", {"qt_prolonging_drug"}),
        ("Domstal 10 tds", {"qt_prolonging_drug"}),
        ("Emeset 4", {"qt_prolonging_drug"}),
        ("Zofran ODT 4mg", {"qt_prolonging_drug"}),
        ("Nexito 10", {"qt_prolonging_drug"}),
        ("Asthalin inhaler 2 puffs prn", {"k_lowering_drug", "beta2_agonist"}),
        ("Levolin inhaler", {"k_lowering_drug", "beta2_agonist"}),
        ("Foracort 200", {"no_known_effect", "k_lowering_drug", "beta2_agonist"}),
        ("Seroflo 250", {"no_known_effect", "k_lowering_drug", "beta2_agonist"}),
        ("Duolin inhaler", {"no_known_effect", "k_lowering_drug", "beta2_agonist"}),
        ("Deriphyllin retard 150", {"k_lowering_drug", "theophylline"}),
        ("Wysolone 10", {"k_lowering_drug", "glucocorticoid_tablets"}),
        ("Deltacortril 5mg", {"k_lowering_drug", "glucocorticoid_tablets"}),
        ("Solu-Medrol", {"k_lowering_drug", "glucocorticoid_tablets"}),
        ("Quilonum retard", {"lithium"}),
        ("Adport 1mg bd", {"calcineurin_inhibitor"}),
        ("Modigraf granules", {"calcineurin_inhibitor"}),
        ("Sandimmun", {"calcineurin_inhibitor"}),
        ("Spiractin 25", {"potassium_sparing_diuretic"}),
        ("Frusid 40mg", {"loop_diuretic"}),
        ("clopamide", {"thiazide_diuretic"}),
        ("Brinaldix", {"thiazide_diuretic"}),
        ("Dulcoflex 5mg", {"stimulant_laxative"}),
        ("bisacodyl 10mg supp", {"stimulant_laxative"}),
        ("Sodium picosulphate 5ml", {"stimulant_laxative"}),
        ("Coloxyl with Senna 2 at night", {"no_known_effect", "stimulant_laxative"}),
        ("Glycomet 500", {"metformin"}),
        ("Thyronorm 50", {"no_known_effect"}),
    ],
)
def test_a_medicine_written_as_people_write_it_is_read(screener: Any, written: str, classes: set[str]) -> None:
    assert read_as(screener, written) == classes


def test_hydrocortisone_supps_act_locally(vocabulary: Vocabulary) -> None:
    assert not vocabulary.match("hydrocortisone supp").counted


@pytest.mark.parametrize(("written", "suggested"), [("furosimide 40mg", "furosemide"), ("omeprezole 20mg", "omeprazole"), ("hydrochlorthiazide 25mg", "hydrochlorothiazide")])
def test_a_misspelt_medicine_is_never_guessed_but_its_name_is_offered(vocabulary: Vocabulary, written: str, suggested: str) -> None:
    match = vocabulary.match(written)
    assert match.drugs == ()
    (correction,) = vocabulary.corrections(written)
    assert suggested in correction.names
