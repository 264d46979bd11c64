"""Medicines and codes still unread after the second vocabulary review (2026-12-01, third session).

Common prescriptions with no known effect on magnesium or potassium are now read as such instead
of being reported as unknown (US ClinCalc top 300 and England's most dispensed items, as
/work/notes/vocab-review.md lists them); UK emollients and chloramphenicol eye drops act on the
skin and eye; "high-dose methotrexate" is the chemotherapy, while "methotrexate" alone stays the
weekly low dose. From EHR data, ICD-10-CM's O09 (supervision of high-risk pregnancy) and Z3A
(weeks of gestation) say she is pregnant, Z3A only for the weeks its code leaves to 42.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from result_support import read_as

from screener.fhir.records import fhir_answers, screen_fhir_record
from screener.screening.pipeline import Screener

AS_OF = date(2025, 6, 30)
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10_WHO = "http://hl7.org/fhir/sid/icd-10"


@pytest.mark.parametrize(
    "medicine",
    [
        "nebivolol 5 mg",
        "Bystolic",
        "ciclesonide inhaler",
        "Alvesco 160",
        "febuxostat 80mg",
        "Adenuric",
        "colesevelam",
        "Niaspan 500 mg",
        "Armour Thyroid 60 mg",
        "thyroid 90 mg",
        "flucloxacillin 500mg four times a day",
        "Piriton 4mg",
        "chlorpheniramine",
        "dexmethylphenidate",
        "entacapone 200 mg",
        "cinacalcet 30 mg",
        "butalbital",
    ],
)
def test_common_prescriptions_left_unread_last_round_are_read_with_no_known_effect(screener: Any, medicine: str) -> None:
    assert read_as(screener, medicine) == {"no_known_effect"}


def test_desmopressin_is_read_as_its_own_class_which_brings_advice_when_ill(screener: Any) -> None:
    """Read with no known effect in review 7; its own class since the third clinical round (desmopressin_while_ill)."""
    assert read_as(screener, "desmopressin 0.2 mg") == {"desmopressin"}


@pytest.mark.parametrize("medicine", ["Diprobase", "Epaderm ointment", "Hydromol", "Zerobase cream", "E45 cream", "chloramphenicol eye drops"])
def test_an_english_repeat_list_of_emollients_and_eye_drops_is_read_and_not_counted(screener: Any, medicine: str) -> None:
    result = screener.screen({"age": 70, "sex": "female", "medications": [medicine]})
    (entry,) = result.medications_recognised
    assert entry.unrecognised == []
    assert not [warning for warning in result.warnings if "not recognised" in warning], result.warnings
    assert not entry.counted


@pytest.mark.parametrize(
    ("written", "generic"),
    [
        ("carbimazole for thyroid", "carbimazole"),
        ("levothyroxine for my thyroid", "levothyroxine"),
        ("Levothyroxine 50mcg for an underactive thyroid", "levothyroxine"),
        ("propranolol 10 mg for overactive thyroid", "propranolol"),
    ],
)
def test_nia_who_writes_what_her_tablet_is_for_has_one_medicine_not_thyroid_tablets_too(
    screener: Any, written: str, generic: str
) -> None:
    """"for thyroid" names the gland the tablet treats: "thyroid" alone is thyroid tablets (USP),
    but after "for" it is no second medicine, and nothing is left unread."""
    result = screener.screen({"age": 50, "sex": "female", "medications": [written]})
    (entry,) = result.medications_recognised
    assert [match.generic for match in entry.matches] == [generic]
    assert entry.unrecognised == []
    assert not [warning for warning in result.warnings if "not recognised" in warning], result.warnings


def test_for_thyroid_alone_is_still_reported_as_not_recognised(screener: Any) -> None:
    result = screener.screen({"age": 50, "sex": "female", "medications": ["for thyroid"]})
    (entry,) = result.medications_recognised
    assert entry.matches == [] and entry.unrecognised == ["for thyroid"]


def test_nebivolol_is_not_read_as_a_non_selective_beta_blocker(screener: Any) -> None:
    assert "nonselective_beta_blocker" not in read_as(screener, "Nebilet 5mg")


def test_ruth_on_weekly_methotrexate_for_arthritis_gets_no_oncology_line(screener: Any) -> None:
    assert read_as(screener, "methotrexate 2.5 mg weekly") == {"no_known_effect"}
    assert read_as(screener, "Metoject pen") == {"no_known_effect"}


@pytest.mark.parametrize("written", ["high-dose methotrexate", "high dose methotrexate infusion", "HD-MTX"])
def test_a_teenager_on_high_dose_methotrexate_for_osteosarcoma_is_on_an_anticancer_medicine(screener: Any, written: str) -> None:
    assert read_as(screener, written) == {"anticancer_medicine"}


# metronidazole, metoclopramide and solifenacin are read as a conditional QT risk since the third
# vocabulary round (tests/test_review8_vocab.py); sodium bicarbonate still needs a clinical decision.
@pytest.mark.parametrize("medicine", ["sodium bicarbonate"])
def test_medicines_whose_reading_needs_a_source_still_say_they_were_not_recognised(screener: Any, medicine: str) -> None:
    result = screener.screen({"age": 50, "sex": "female", "medications": [medicine]})
    assert any("not recognised" in warning for warning in result.warnings), result.warnings


# -- pregnancy from ICD-10-CM codes fed from outside -------------------------------------------


@pytest.fixture(scope="module")
def on_the_day(screener: Any) -> Screener:
    return Screener(screener.ruleset, as_of=AS_OF)


def _record(*conditions: dict[str, Any]) -> dict[str, Any]:
    patient = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1994-08-11"}
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": one} for one in (patient, *conditions)]}


def _condition(system: str, code: str, display: str, recorded: str, cid: str = "c1") -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": cid,
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
        "code": {"coding": [{"system": system, "code": code, "display": display}]},
        "subject": {"reference": "Patient/p1"},
        "recordedDate": recorded,
    }


def test_maeve_under_high_risk_pregnancy_supervision_o09_is_read_as_pregnant(on_the_day: Screener) -> None:
    o09 = _condition(ICD10CM, "O09.522", "Supervision of elderly multigravida, second trimester", "2025-05-20")
    answers = fhir_answers(on_the_day, _record(o09))
    assert answers["pregnant"] == "yes"


def test_a_who_icd10_o09_duration_of_pregnancy_is_not_read_as_a_current_pregnancy(on_the_day: Screener) -> None:
    who = _condition(ICD10_WHO, "O09.6", "Duration of pregnancy, 37 to 41 completed weeks", "2025-05-20")
    assert "pregnant" not in fhir_answers(on_the_day, _record(who))


def test_cara_at_20_weeks_z3a_20_a_month_ago_is_read_as_pregnant(on_the_day: Screener) -> None:
    z3a = _condition(ICD10CM, "Z3A.20", "20 weeks gestation of pregnancy", "2025-06-01")
    assert fhir_answers(on_the_day, _record(z3a))["pregnant"] == "yes"


def test_orla_whose_z3a_39_was_written_on_her_delivery_record_six_weeks_ago_is_not_read_as_pregnant(on_the_day: Screener) -> None:
    z3a = _condition(ICD10CM, "Z3A.39", "39 weeks gestation of pregnancy", "2025-05-19")
    assert "pregnant" not in fhir_answers(on_the_day, _record(z3a))
    warnings = screen_fhir_record(on_the_day, _record(z3a)).warnings
    assert any("Condition/c1" in text and "older than the 21 days" in text for text in warnings), warnings


def test_a_z3a_39_two_weeks_ago_still_counts(on_the_day: Screener) -> None:
    z3a = _condition(ICD10CM, "Z3A.39", "39 weeks gestation of pregnancy", "2025-06-16")
    assert fhir_answers(on_the_day, _record(z3a))["pregnant"] == "yes"


def test_z3a_00_weeks_not_specified_counts_for_the_whole_term(on_the_day: Screener) -> None:
    z3a = _condition(ICD10CM, "Z3A.00", "Weeks of gestation of pregnancy not specified", "2025-01-10")
    assert fhir_answers(on_the_day, _record(z3a))["pregnant"] == "yes"


def test_the_mapping_refuses_a_pregnancy_code_system_it_does_not_read(screener: Any) -> None:
    import copy
    import json
    from importlib import resources

    from screener.errors import RulesError
    from screener.fhir.mapping import fhir_context, mapping_from_data

    data = json.loads(resources.files("screener.rules").joinpath("fhir.json").read_text("utf-8"))
    data = copy.deepcopy(data)
    entry = next(one for one in data["pregnancy"]["conditions"]["icd10"] if one["prefix"] == "O09")
    entry["systems"] = ["http://hl7.org/fhir/sid/icd-10-cn"]
    with pytest.raises(RulesError) as refused:
        mapping_from_data(data, fhir_context(screener.ruleset).questionnaire, "fhir.json")
    assert "systems: 'http://hl7.org/fhir/sid/icd-10-cn' is not one of condition_systems.icd10" in str(refused.value)
