"""FHIR as other systems write it: IPS documents, transactions whose resources have no ids yet, a
lab's report whose results name no patient, R5 statuses, SNOMED CT's medicinal product names,
pharmacy records. Each case is modelled on a published example (the IPS, US Core and FHIR
specification examples, the SNOMED CT international drug model; sources in tests/fhir/README.md)
and written here, so each says what it is about; tests/fhir/written/ holds the whole Bundles,
named after the person they describe."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.fhir import Located, fhir_context, patient_to_answers
from screener.fhir.conversion import Conversion
from screener.fhir.records import bundle_records, convert
from screener.screening.pipeline import Screener

WRITTEN = Path(__file__).resolve().parent / "fhir" / "written"
AS_OF = date(2025, 6, 30)
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
PATIENT = {"reference": "Patient/p1"}


@pytest.fixture(scope="module")
def on_the_day() -> Screener:
    return Screener(as_of=AS_OF)


@pytest.fixture(scope="module")
def context(on_the_day: Screener) -> Any:
    return fhir_context(on_the_day.ruleset)


def written(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((WRITTEN / f"{name}.json").read_text("utf-8"))
    return loaded


def read(context: Any, *resources: dict[str, Any]) -> Conversion:
    located = [Located(resource, f"$.entry[{index}].resource") for index, resource in enumerate(resources)]
    return patient_to_answers(located, context, AS_OF, "p1")


def screened(path: Path) -> dict[str, Any]:
    done = CliRunner().invoke(app, ["screen", str(path), "--as-of", AS_OF.isoformat(), "--json"])
    assert "Traceback" not in done.output, done.output
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def potassium(status: str, value: float, **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"k-{status}",
        "status": status,
        "code": {"coding": [{"system": LOINC, "code": "2823-3"}]},
        "subject": PATIENT,
        "effectiveDateTime": "2025-06-29T08:00:00Z",
        "valueQuantity": {"value": value, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"},
        **more,
    }


def statement(status: str, name: str = "furosemide 40 mg tablet", **more: Any) -> dict[str, Any]:
    return {"resourceType": "MedicationStatement", "id": "ms1", "status": status, "subject": PATIENT, "medicationCodeableConcept": {"text": name}, **more}


# -- whose is it: one patient's Bundle ----------------------------------------------------------


def test_walters_potassium_that_names_no_patient_is_read_as_his_the_only_patient_of_the_lab_report(on_the_day: Screener) -> None:
    records = bundle_records(written("walter_lab_report_whose_potassium_names_no_patient"))
    assert len(records) == 1
    out = convert(records[0], on_the_day)
    assert out.problems == []
    assert out.answers["labs"]["potassium"] == {"value": 2.9, "unit": "mmol/L", "taken": "last_7_days"}
    assert out.notes == [
        "Observation/k-991 names no patient by reference ($.entry[3].resource.subject): "
        "read as Patient/walter-7's, the only patient in its Bundle"
    ]


def test_walter_on_the_command_line_is_screened_with_his_potassium_and_told_how_it_was_read() -> None:
    result = screened(WRITTEN / "walter_lab_report_whose_potassium_names_no_patient.json")
    assert result["status"] == "screened"
    assert result["potassium_depletion"] == "likely"
    assert result["combined_depletion"] == "likely"
    assert any("names no patient by reference" in warning for warning in result["warnings"])


def test_a_result_naming_no_patient_among_two_patients_stays_an_invalid_record_of_its_own(on_the_day: Screener) -> None:
    bundle = written("walter_lab_report_whose_potassium_names_no_patient")
    bundle["entry"].append({"resource": {"resourceType": "Patient", "id": "someone-else", "gender": "female", "birthDate": "1960"}})
    records = bundle_records(bundle)
    assert len(records) == 3
    problems = [problem for record in records for problem in convert(record, on_the_day).problems]
    assert [(problem.path, problem.message) for problem in problems] == [
        ("$.entry[3].resource.subject", "this Observation names no patient (subject)")
    ]


def test_a_result_naming_another_patient_by_identifier_is_not_read_as_the_only_patients(on_the_day: Screener) -> None:
    bundle = written("walter_lab_report_whose_potassium_names_no_patient")
    bundle["entry"][3]["resource"]["subject"] = {"identifier": {"system": "urn:oid:1.2.276.0.76.4.8", "value": "B999"}}
    records = bundle_records(bundle)
    assert len(records) == 2
    assert "potassium" not in convert(records[0], on_the_day).answers["labs"]
    (problem,) = convert(records[1], on_the_day).problems
    assert problem.path == "$.entry[3].resource.subject.identifier"
    assert "only by identifier (urn:oid:1.2.276.0.76.4.8|B999)" in problem.message


def test_a_result_naming_walter_only_by_his_identifier_is_read_as_his(on_the_day: Screener) -> None:
    bundle = written("walter_lab_report_whose_potassium_names_no_patient")
    bundle["entry"][3]["resource"]["subject"] = {"identifier": {"system": "urn:oid:1.2.276.0.76.4.8", "value": "A123456789"}}
    (record,) = bundle_records(bundle)
    out = convert(record, on_the_day)
    assert out.answers["labs"]["potassium"]["value"] == 2.9


def test_rosas_transaction_whose_patient_has_no_id_yet_is_one_person_named_by_its_full_url(on_the_day: Screener) -> None:
    (record,) = bundle_records(written("rosa_transaction_whose_patient_has_no_id_yet"))
    out = convert(record, on_the_day)
    assert out.problems == []
    assert out.answers == {
        "id": "5f1c2e8a-3b7d-4c2e-9a1f-0d6b8e4c7a21",
        "age": 68,
        "sex": "female",
        "medications": ["furosemide 20 MG Oral Tablet"],
        "labs": {"potassium": {"value": 3.2, "unit": "mEq/L", "taken": "last_7_days"}},
    }


def test_rosas_potassium_naming_her_by_a_conditional_reference_to_her_identifier_is_hers(on_the_day: Screener) -> None:
    bundle = written("rosa_transaction_whose_patient_has_no_id_yet")
    bundle["entry"][0]["resource"]["identifier"] = [{"system": "http://clinic.example/mrn", "value": "R-5512"}]
    bundle["entry"][0]["request"] = {"method": "PUT", "url": "Patient?identifier=http://clinic.example/mrn|R-5512"}
    bundle["entry"][2]["resource"]["subject"] = {"reference": "Patient?identifier=http://clinic.example/mrn%7CR-5512"}
    (record,) = bundle_records(bundle)
    assert convert(record, on_the_day).answers["labs"]["potassium"]["value"] == 3.2


# -- statuses that say neither yes nor no -------------------------------------------------------


def test_a_preliminary_potassium_is_used_as_the_newest_and_the_warnings_say_so_with_its_value(context: Any) -> None:
    out = read(context, potassium("preliminary", 2.5), potassium("final", 4.1, effectiveDateTime="2025-06-01"))
    assert out.answers["labs"]["potassium"]["value"] == 2.5
    assert out.notes == [
        "Observation/k-preliminary: the most recent potassium result '2.5 mmol/L' (2025-06-29T08:00:00Z, Observation/k-preliminary) "
        "has status 'preliminary' ($.entry[0].resource.status), an initial result that may be incomplete or unverified: it was "
        "used, as the newest; check it against the final result"
    ]


@pytest.mark.parametrize("status", ["cancelled", "entered-in-error"])
def test_a_cancelled_or_mistaken_potassium_is_passed_over_without_a_word(context: Any, status: str) -> None:
    out = read(context, potassium(status, 2.5))
    assert "labs" not in out.answers
    assert out.notes == []


def test_a_medicine_of_unknown_status_is_not_counted_and_the_question_stays_open(context: Any) -> None:
    out = read(context, statement("unknown"))
    assert "medications" not in out.answers
    assert out.notes == [
        "MedicationStatement/ms1 ('furosemide 40 mg tablet') has status 'unknown', which says neither that the medicine is "
        "taken nor that it is not ($.entry[0].resource.status): not counted; ask whether it is still taken"
    ]


def test_a_medicine_of_unknown_status_beside_one_written_after_the_day_still_leaves_the_question_open(context: Any) -> None:
    out = read(context, statement("unknown"), {**statement("active", dateAsserted="2025-07-04"), "id": "ms2"})
    assert "medications" not in out.answers


def test_a_misspelt_status_beside_a_stopped_medicine_is_named_and_the_stopped_one_is_not(context: Any) -> None:
    out = read(context, statement("Active", "bendroflumethiazide 2.5 mg"), {**statement("stopped"), "id": "ms2"})
    assert out.answers["medications"] == []
    assert len(out.notes) == 1
    assert "has status 'Active'" in out.notes[0]


def test_an_active_medicine_whose_period_has_ended_is_counted_and_the_warning_asks(context: Any) -> None:
    """An EHR's furosemide left "active" with a period that ended in March: the status decides
    (leaving out a diuretic still taken would be the worse mistake), and the warning asks."""
    ended = statement("active", effectivePeriod={"start": "2024-01-10", "end": "2025-03-31"})
    out = read(context, ended)
    assert out.answers["medications"] == ["furosemide 40 mg tablet"]
    assert out.notes == [
        "MedicationStatement/ms1 ('furosemide 40 mg tablet') has status 'active' but its period ended on 2025-03-31 "
        "($.entry[0].resource.effectivePeriod.end): counted as taken now; ask whether it still is"
    ]
    still_running = statement("active", effectivePeriod={"start": "2024-01-10", "end": "2025-12-31"})
    assert read(context, still_running).notes == []


def test_an_r5_statement_recorded_counts_unless_its_adherence_says_it_is_not_taken(context: Any) -> None:
    taking = {"code": {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/medication-statement-adherence", "code": "taking"}]}}
    stopped = {"code": {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/medication-statement-adherence", "code": "stopped"}]}}
    assert read(context, statement("recorded")).answers["medications"] == ["furosemide 40 mg tablet"]
    assert read(context, statement("recorded", adherence=taking)).answers["medications"] == ["furosemide 40 mg tablet"]
    assert read(context, statement("recorded", adherence=stopped)).answers["medications"] == []


# -- medicine names: SNOMED CT's drug model, ingredients, pharmacy records ----------------------


def test_ines_ips_summary_counts_her_furosemide_and_omeprazole_named_only_in_snomed_ct(on_the_day: Screener) -> None:
    (record,) = bundle_records(written("ines_ips_patient_summary_with_snomed_medicines"))
    out = convert(record, on_the_day)
    assert out.problems == []
    assert out.answers == {
        "id": "0b9e8d7c-6f5a-4b3c-9d2e-1f0a9b8c7d61",
        "age": 73,
        "sex": "female",
        "medications": ["furosemide", "omeprazole 20 milligram/1 each gastro-resistant oral capsule"],
        "labs": {"potassium": {"value": 3.3, "unit": "mEq/L", "taken": "last_30_days"}},
        "conditions": ["heart_failure"],
    }


def test_ines_on_the_command_line_is_likely_combined_and_not_told_her_medicines_were_not_recognised() -> None:
    # Before, "Product containing only" was an unrecognised word: the drug still counted, but the
    # warnings asked for a pharmacist's review of a name that is SNOMED CT's house style.
    result = screened(WRITTEN / "ines_ips_patient_summary_with_snomed_medicines.json")
    assert result["combined_depletion"] == "likely"
    assert [(medicine["counted"], medicine["unrecognised"]) for medicine in result["medications_recognised"]] == [(True, []), (True, [])]
    assert not any("not recognised" in warning for warning in result["warnings"])


@pytest.mark.parametrize(
    ("display", "read_as"),
    [
        ("Product containing only furosemide (medicinal product)", "furosemide"),
        ("Product containing furosemide in oral dose form (medicinal product form)", "furosemide"),
        ("Product containing only hydrochlorothiazide and losartan (medicinal product)", "hydrochlorothiazide and losartan"),
        (
            "Product containing precisely furosemide 40 milligram/1 each conventional release oral tablet (clinical drug)",
            "furosemide 40 milligram/1 each oral tablet",
        ),
    ],
)
def test_a_snomed_ct_drug_model_display_is_read_as_the_medicine_it_names(context: Any, display: str, read_as: str) -> None:
    out = read(context, {**statement("active"), "medicationCodeableConcept": {"coding": [{"system": SNOMED, "code": "1", "display": display}]}})
    assert out.answers["medications"] == [read_as]


def test_a_snomed_name_phrase_that_drops_nothing_from_its_example_is_refused(context: Any) -> None:
    from screener.errors import RulesError
    from screener.fhir.mapping import mapping_from_data

    data = json.loads((Path(__file__).resolve().parents[1] / "rules" / "fhir.json").read_text("utf-8"))
    data["snomed_name_phrases"] = [{"pattern": "^Product contains ", "example": "Product containing only furosemide"}]
    with pytest.raises(RulesError, match=r"snomed_name_phrases\[0\]: the pattern drops nothing from its example"):
        mapping_from_data(data, context.questionnaire, "fhir.json")


def test_a_medication_named_only_by_its_ingredients_is_read_by_them(context: Any) -> None:
    medication = {
        "resourceType": "Medication",
        "id": "compound-1",
        "code": {"coding": [{"system": RXNORM, "code": "979468"}]},
        "ingredient": [
            {"itemCodeableConcept": {"coding": [{"system": RXNORM, "code": "52175", "display": "losartan"}]}, "isActive": True},
            {"item": {"concept": {"coding": [{"system": RXNORM, "code": "5487", "display": "hydrochlorothiazide"}]}}},
        ],
    }
    out = read(context, {**statement("active"), "medicationCodeableConcept": None, "medicationReference": {"reference": "Medication/compound-1"}}, medication)
    assert out.answers["medications"] == ["losartan and hydrochlorothiazide"]
    assert out.origins["medications"] == "$.entry[1].resource.ingredient[0].itemCodeableConcept.coding[0].display"


def test_a_medication_in_the_record_with_no_name_at_all_is_not_said_to_be_missing(context: Any) -> None:
    medication = {"resourceType": "Medication", "id": "blank-1", "form": {"text": "tablet"}}
    out = read(context, {**statement("active"), "medicationCodeableConcept": None, "medicationReference": {"reference": "Medication/blank-1"}}, medication)
    assert out.nameless_medicines == {"unnamed medicine (Medication/blank-1)": "given as a Medication resource with no name (no display, text or ingredient)"}


def test_a_medicine_given_only_as_an_atc_code_is_kept_under_the_short_name_atc(context: Any) -> None:
    coded = {"coding": [{"system": "http://www.whocc.no/atc", "code": "C03CA01"}]}
    out = read(context, {**statement("active"), "medicationCodeableConcept": coded})
    assert out.answers["medications"] == ["ATC C03CA01"]


def dispense(name: str, **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationDispense",
        "id": "md1",
        "status": "completed",
        "subject": PATIENT,
        "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": "310429", "display": name}]},
        "whenHandedOver": "2025-06-02T10:00:00Z",
        **more,
    }


def test_a_pharmacy_record_of_furosemide_is_named_in_the_warnings_not_counted_and_not_lost(context: Any) -> None:
    out = read(context, dispense("furosemide 20 MG Oral Tablet"))
    assert "medications" not in out.answers
    assert out.notes == [
        "medicines in MedicationDispense records were not read, since mgk-screen counts those of MedicationRequest and "
        "MedicationStatement only: 'furosemide 20 MG Oral Tablet'; ask whether they are still taken"
    ]


def test_a_dispense_of_a_medicine_already_counted_or_declined_or_after_the_day_is_not_named(context: Any) -> None:
    request = {"resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order", "subject": PATIENT}
    counted = {**request, "medicationCodeableConcept": {"text": "furosemide 20 MG Oral Tablet"}}
    out = read(
        context,
        counted,
        dispense("furosemide 20 MG Oral Tablet"),
        {**dispense("omeprazole 20 MG capsule"), "status": "declined"},
        {**dispense("digoxin 0.125 MG tablet"), "whenHandedOver": "2025-07-15"},
    )
    assert out.answers["medications"] == ["furosemide 20 MG Oral Tablet"]
    assert out.notes == []


def test_a_bundle_of_a_patient_and_dispenses_only_screens_with_the_dispensed_medicine_named(on_the_day: Screener) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1944"}, "search": {"mode": "match"}},
            {"resource": dispense("furosemide 20 MG Oral Tablet"), "search": {"mode": "include"}},
            {"resource": {"resourceType": "OperationOutcome", "issue": [{"severity": "information", "code": "informational"}]}, "search": {"mode": "outcome"}},
        ],
    }
    (record,) = bundle_records(bundle)
    out = convert(record, on_the_day)
    assert out.problems == []
    assert any("'furosemide 20 MG Oral Tablet'" in note for note in out.notes)


# -- results coded in no LOINC ------------------------------------------------------------------


def observation(code: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"resourceType": "Observation", "id": "o1", "status": "final", "code": code, "subject": PATIENT, "effectiveDateTime": "2025-06-28", **more}


def test_an_ips_blood_typing_panel_named_in_words_only_is_passed_over_not_a_reason_to_refuse_the_record(context: Any) -> None:
    # The IPS example patient summary holds an Observation whose code is {"text": "Blood typing"}
    # (github.com/HL7/fhir-ips, input/fsh/instances/IPS-bundle-01.fsh).
    panel = observation({"text": "Blood typing"}, hasMember=[{"reference": "urn:uuid:aa11a2be-3e36-4be7-b58a-6fc3dace2741"}])
    out = read(context, panel, potassium("final", 3.1))
    assert out.problems == []
    assert out.answers["labs"]["potassium"]["value"] == 3.1
    assert out.notes == []


def test_a_serum_potassium_in_words_only_is_named_in_the_warnings_and_never_read_from_the_words(context: Any) -> None:
    said = observation({"text": "Serum K+"}, valueQuantity={"value": 2.9, "unit": "mmol/L"})
    out = read(context, said)
    assert "labs" not in out.answers
    assert out.notes == [
        "a result named 'Serum K+' is not coded in LOINC (words only), so it was not read as a potassium result: results are read "
        "by their LOINC code only; ask for the export to add its LOINC code"
    ]


def test_a_urine_potassium_with_its_own_loinc_code_is_passed_over_without_a_word(context: Any) -> None:
    urine = observation({"coding": [{"system": LOINC, "code": "2828-2", "display": "Potassium [Moles/volume] in Urine"}]}, valueQuantity={"value": 40, "unit": "mmol/L"})
    out = read(context, urine)
    assert "labs" not in out.answers
    assert out.notes == []


def test_a_year_of_the_same_local_magnesium_test_is_one_warning(context: Any) -> None:
    local = {"coding": [{"system": "http://lab.example/codes", "code": "MG"}], "text": "Magnesium, serum"}
    results = [observation(local, id=f"mg-{month}", effectiveDateTime=f"2025-{month:02d}-01", valueQuantity={"value": 1.8, "unit": "mg/dL"}) for month in range(1, 7)]
    out = read(context, *results)
    assert len(out.notes) == 1
    assert "'Magnesium, serum'" in out.notes[0]


def test_an_undated_potassium_takes_the_date_of_the_panel_that_lists_it_in_has_member(context: Any) -> None:
    panel = observation(
        {"coding": [{"system": LOINC, "code": "51990-0", "display": "Basic metabolic panel - Blood"}]},
        id="bmp-1",
        effectiveDateTime="2025-06-10T07:30:00Z",
        hasMember=[{"reference": "Observation/k-final"}],
    )
    undated = {key: value for key, value in potassium("final", 3.2).items() if key != "effectiveDateTime"}
    out = read(context, panel, undated)
    assert out.answers["labs"]["potassium"] == {"value": 3.2, "unit": "mmol/L", "taken": "last_30_days"}
    assert out.origins["labs.potassium.taken"] == "$.entry[0].resource.effectiveDateTime"


def test_a_potassium_value_sent_as_text_is_a_problem_naming_the_value(context: Any) -> None:
    out = read(context, potassium("final", 3.1, valueQuantity={"value": "3.1", "unit": "mmol/L"}))
    assert [(problem.path, problem.message) for problem in out.problems] == [
        ("$.entry[0].resource.valueQuantity.value", "this potassium result's value is not a number: '3.1'")
    ]


def test_a_potassium_with_no_unit_at_all_says_so_rather_than_naming_none(context: Any) -> None:
    # 3.1 without a unit is read as mmol/L (tests/test_fhir_interop_review.py); 31 is no potassium.
    out = read(context, potassium("final", 31, valueQuantity={"value": 31}))
    (problem,) = out.problems
    assert problem.message == "no unit (valueQuantity.code or .unit) for a potassium result: expected one of mmol/L, meq/L, umol/L"


# -- patients -----------------------------------------------------------------------------------


def test_a_patient_with_only_a_birth_time_extension_gets_an_age_from_it(context: Any) -> None:
    born = {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime", "valueDateTime": "1950-03-02T10:00:00+01:00"}]}
    out = read(context, {"resourceType": "Patient", "id": "p1", "gender": "female", "_birthDate": born})
    assert out.answers["age"] == 75
    assert out.origins["age"] == "$.entry[0].resource._birthDate.extension[0].valueDateTime"


def test_a_birth_date_marked_absent_leaves_the_age_unanswered(context: Any) -> None:
    absent = {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "unknown"}]}
    out = read(context, {"resourceType": "Patient", "id": "p1", "gender": "female", "_birthDate": absent})
    assert "age" not in out.answers
    assert out.problems == []


def test_a_gender_that_is_no_fhir_code_is_named_and_unknown_is_not(context: Any) -> None:
    assert read(context, {"resourceType": "Patient", "id": "p1", "gender": "Male"}).notes == [
        "Patient/p1: gender 'Male' is not a FHIR code (female, male, other, unknown), so sex was left unanswered"
    ]
    assert read(context, {"resourceType": "Patient", "id": "p1", "gender": "unknown"}).notes == []
    assert read(context, {"resourceType": "Patient", "id": "p1", "gender": "other"}).answers["sex"] == "other"


# -- resource types of no FHIR version we read --------------------------------------------------


def test_a_misspelt_observation_and_a_dstu2_medication_order_in_a_bundle_are_named_not_dropped(on_the_day: Screener) -> None:
    bundle = written("walter_lab_report_whose_potassium_names_no_patient")
    bundle["entry"].append({"resource": {"resourceType": "Observaton", "id": "typo", "subject": {"reference": "Patient/walter-7"}}})
    order = {"resourceType": "MedicationOrder", "id": "mo1", "patient": {"reference": "Patient/walter-7"}, "medicationCodeableConcept": {"text": "furosemide 40 mg"}}
    bundle["entry"].append({"resource": order})
    (record,) = bundle_records(bundle)
    out = convert(record, on_the_day)
    assert out.problems == []
    assert "$.entry[5].resource: resourceType 'Observaton' is no FHIR R4 or R5 resource type (did you mean 'Observation'?): not read" in out.notes
    assert (
        "$.entry[6].resource: resourceType 'MedicationOrder' is a name of another FHIR version (R4 and R5 call it MedicationRequest): not read"
        in out.notes
    )


def test_margarets_uk_gp_record_of_a_serum_potassium_coded_in_snomed_ct_is_named_not_lost(context: Any) -> None:
    # UK GP systems (GP Connect) code tests in SNOMED CT, not LOINC: 1000651000000109 is the UK
    # edition's "Serum potassium level". Not read (its code is not one of the mapping's), but named.
    uk = {"coding": [{"system": SNOMED, "code": "1000651000000109", "display": "Serum potassium level"}], "text": "Serum potassium level"}
    out = read(context, observation(uk, valueQuantity={"value": 3.0, "unit": "mmol/L"}))
    assert "labs" not in out.answers
    assert out.notes == [
        "a result named 'Serum potassium level' is not coded in LOINC (http://snomed.info/sct|1000651000000109), so it was not read as "
        "a potassium result: results are read by their LOINC code only; ask for the export to add its LOINC code"
    ]


def test_one_page_of_walters_everything_search_says_later_pages_were_not_read(on_the_day: Screener) -> None:
    bundle = {**written("walter_lab_report_whose_potassium_names_no_patient"), "type": "searchset"}
    bundle["link"] = [
        {"relation": "self", "url": "https://ehr.example/fhir/Patient/walter-7/$everything"},
        {"relation": "next", "url": "https://ehr.example/fhir/Patient/walter-7/$everything?page=2"},
    ]
    (record,) = bundle_records(bundle)
    out = convert(record, on_the_day)
    assert out.answers["labs"]["potassium"]["value"] == 2.9
    assert out.notes[-1] == (
        "this Bundle is one page of a longer search ($.link[1], relation 'next'): later pages are not read, so a more recent "
        "result or another medicine may be missing; give the whole search (all pages) or a bulk export"
    )


def test_a_dispense_on_a_prescription_the_record_holds_is_left_to_the_prescription(context: Any) -> None:
    stopped = {"resourceType": "MedicationRequest", "id": "rx-9", "status": "stopped", "intent": "order", "subject": PATIENT, "medicationCodeableConcept": {"text": "furosemide 20 MG Oral Tablet"}}
    out = read(context, stopped, dispense("furosemide 20 MG Oral Tablet", authorizingPrescription=[{"reference": "MedicationRequest/rx-9"}]))
    assert out.answers["medications"] == []
    assert out.notes == []


def test_a_dispense_of_a_brand_of_a_medicine_already_counted_is_not_named_again(context: Any) -> None:
    counted = {"resourceType": "MedicationStatement", "id": "ms1", "status": "active", "subject": PATIENT, "medicationCodeableConcept": {"text": "furosemide 40 mg"}}
    out = read(context, counted, dispense("Lasix 40 MG Oral Tablet"))
    assert out.answers["medications"] == ["furosemide 40 mg"]
    assert out.notes == []


def test_a_preliminary_or_local_coded_result_after_the_reference_date_is_not_mentioned(context: Any) -> None:
    later = potassium("preliminary", 2.5, effectiveDateTime="2025-07-04T08:00:00Z")
    local = observation({"text": "Serum K+"}, effectiveDateTime="2025-07-04", valueQuantity={"value": 2.9, "unit": "mmol/L"})
    assert read(context, later, local).notes == []
    assert read(context, statement("unknown", dateAsserted="2025-07-04")).notes == []


# -- FHIR XML: how the UK Core examples are published ------------------------------------------

UK_CORE_STYLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<MedicationRequest xmlns="http://hl7.org/fhir">
  <id value="furosemide-order" />
  <status value="active" />
  <intent value="order" />
  <medicationCodeableConcept>
    <coding>
      <system value="https://dmd.nhs.uk" />
      <code value="317919004" />
      <display value="Furosemide 40mg tablets" />
    </coding>
  </medicationCodeableConcept>
  <subject>
    <reference value="Patient/p1" />
  </subject>
</MedicationRequest>
"""
"""The shape of examples/UKCore-MedicationRequest-*-Example.xml of
github.com/NHSDigital/FHIR-R4-UKCORE-STAGING-MAIN (written here: a dm+d coded furosemide)."""


@pytest.mark.parametrize("command", ["validate", "screen", "batch"])
def test_a_uk_core_medication_request_in_fhir_xml_is_named_as_fhir_xml_not_as_broken_json(tmp_path: Path, command: str) -> None:
    path = tmp_path / "furosemide-order.xml"
    path.write_text(UK_CORE_STYLE_XML, "utf-8")
    args = [command, str(path)] + (["-o", str(tmp_path / "out.jsonl")] if command == "batch" else [])
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 2
    assert "Traceback" not in done.output
    assert "invalid JSON" not in done.output
    assert (
        "furosemide-order.xml: FHIR XML (a MedicationRequest), not JSON: mgk-screen reads FHIR as JSON. "
        "Ask the server or EHR for JSON (_format=json), or convert the file to FHIR JSON first"
    ) in done.output
