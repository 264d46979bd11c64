"""How each element of EHR data is read, as real systems write it: medicine names from wherever an
EHR puts them, lab units and dates, statuses, conditions and patients. The resources here are
written for the tests, each modelled on what a published example or sandbox of Epic, Oracle
Health (Cerner), US Core, Synthea or the FHIR specification sends (tests/fhir/real/ holds the
real files; tests/test_fhir_real_data.py screens them)."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.errors import RulesError
from screener.fhir import Located, fhir_context, patient_to_answers
from screener.fhir.conversion import Conversion
from screener.fhir.mapping import mapping_from_data
from screener.fhir.records import bundle_records, check_record, screen_record_entry
from screener.screening.pipeline import Screener

AS_OF = date(2025, 6, 30)
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
PATIENT = {"reference": "Patient/p1"}


@pytest.fixture(scope="module")
def context(screener: Any) -> Any:
    return fhir_context(screener.ruleset)


def read(context: Any, *resources: dict[str, Any], as_of: date = AS_OF) -> Conversion:
    located = [Located(resource, f"$.entry[{index}].resource") for index, resource in enumerate(resources)]
    return patient_to_answers(located, context, as_of, "p1")


def request(medication: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order", "subject": PATIENT, **medication, **more}


def potassium(value_quantity: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": "k1",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "2823-3", "display": "Potassium [Moles/volume] in Serum or Plasma"}]},
        "subject": PATIENT,
        "effectiveDateTime": "2025-06-28T09:30:00Z",
    }
    if value_quantity is not None:
        resource["valueQuantity"] = value_quantity
    resource.update(more)
    return resource


def condition(code: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"resourceType": "Condition", "id": "c1", "subject": PATIENT, "code": code, **more}


HEART_FAILURE = {"coding": [{"system": SNOMED, "code": "84114007", "display": "Heart failure (disorder)"}]}


# -- medicine names -----------------------------------------------------------------------------


def test_an_epic_style_request_names_its_medicine_only_in_the_reference_display(context: Any) -> None:
    out = read(context, request({"medicationReference": {"reference": "Medication/eAbC123", "display": "furosemide (LASIX) 40 MG tablet"}}))
    assert out.answers["medications"] == ["furosemide (LASIX) 40 MG tablet"]
    assert out.origins["medications"] == "$.entry[0].resource.medicationReference.display"


def test_a_contained_medication_names_the_medicine(context: Any) -> None:
    contained = {"resourceType": "Medication", "id": "med2", "code": {"coding": [{"system": RXNORM, "code": "310429", "display": "Furosemide 20 MG Oral Tablet"}]}}
    out = read(context, request({"medicationReference": {"reference": "#med2"}}, contained=[contained]))
    assert out.answers["medications"] == ["Furosemide 20 MG Oral Tablet"]
    assert out.origins["medications"] == "$.entry[0].resource.contained[0].code.coding[0].display"


def test_a_medication_in_the_record_is_found_by_its_reference(context: Any) -> None:
    medication = {"resourceType": "Medication", "id": "m9", "code": {"text": "Hydrochlorothiazide 25 mg tablet"}}
    mine = request({"medicationReference": {"reference": "https://ehr.example/fhir/Medication/m9/_history/2"}})
    out = patient_to_answers([Located(mine, "$.a"), Located(medication, "$.b")], context, AS_OF, "p1")
    assert out.answers["medications"] == ["Hydrochlorothiazide 25 mg tablet"]


def test_of_the_names_a_record_gives_the_one_the_vocabulary_reads_is_kept(context: Any) -> None:
    # The RxNorm coding has no display, the text is a nickname; a local coding's display is the
    # drug's name: that is the one the screen can count.
    concept = {
        "coding": [
            {"system": RXNORM, "code": "310429"},
            {"system": "https://fhir.ehr.example/codeSet/synonym", "code": "7781", "display": "FUROSEMIDE 40MG TAB"},
        ],
        "text": "water pill",
    }
    out = read(context, request({"medicationCodeableConcept": concept}))
    assert out.answers["medications"] == ["FUROSEMIDE 40MG TAB"]


def test_the_rxnorm_display_comes_before_the_text_when_both_are_read(context: Any) -> None:
    concept = {"coding": [{"system": RXNORM, "code": "197417", "display": "Hydrochlorothiazide 25 MG Oral Tablet"}], "text": "HCTZ 25 mg"}
    assert read(context, request({"medicationCodeableConcept": concept})).answers["medications"] == ["Hydrochlorothiazide 25 MG Oral Tablet"]


def test_a_snomed_display_loses_its_semantic_tag(context: Any) -> None:
    concept = {"coding": [{"system": SNOMED, "code": "324252006", "display": "Azithromycin 250mg capsule (product)"}]}
    assert read(context, request({"medicationCodeableConcept": concept})).answers["medications"] == ["Azithromycin 250mg capsule"]


def test_a_medicine_given_only_as_a_code_is_kept_as_its_code_and_never_guessed(context: Any, screener: Any) -> None:
    out = read(context, request({"medicationCodeableConcept": {"coding": [{"system": "urn:oid:2.16.840.1.113883.6.88", "code": "197417"}]}}))
    assert out.answers["medications"] == ["RxNorm 197417"]
    result = screener.screen_entry(out.answers)
    assert any(warning.startswith("medication 'RxNorm 197417': ") and "ask a pharmacist" in warning for warning in result["warnings"])
    assert "thiazide_diuretic" not in result["risk_factors"]  # 197417 is hydrochlorothiazide: not guessed


def test_a_uk_medicine_given_only_as_a_dm_d_code_is_kept_under_the_short_name_a_pharmacist_knows(context: Any) -> None:
    # UK Core codes medicines in dm+d (https://dmd.nhs.uk), as its MedicationRequest examples do;
    # one with no display is named "dm+d <code>" in the warnings, not by the system's URL.
    out = read(context, request({"medicationCodeableConcept": {"coding": [{"system": "https://dmd.nhs.uk", "code": "39732411000001106"}]}}))
    assert out.answers["medications"] == ["dm+d 39732411000001106"]


def test_a_reference_to_a_medication_the_record_does_not_hold_is_named_as_such(context: Any) -> None:
    out = read(context, request({"medicationReference": {"reference": "Medication/absent"}}))
    assert out.answers["medications"] == ["unnamed medicine (Medication/absent)"]
    assert out.problems == []


def test_r5_names_the_medicine_in_a_codeable_reference(context: Any) -> None:
    r5 = {"resourceType": "MedicationStatement", "id": "ms1", "status": "active", "subject": PATIENT, "medication": {"concept": {"text": "Spironolactone 25 mg"}}}
    assert read(context, r5).answers["medications"] == ["Spironolactone 25 mg"]


def test_a_request_naming_no_medicine_at_all_is_a_problem_with_its_path(context: Any) -> None:
    out = read(context, request({}))
    assert [(p.path, p.message) for p in out.problems] == [
        ("$.entry[0].resource.medicationCodeableConcept", "this MedicationRequest names no medicine (medicationCodeableConcept or medicationReference)")
    ]


def test_an_order_not_to_give_a_medicine_is_not_a_medicine_taken(context: Any) -> None:
    out = read(context, request({"medicationCodeableConcept": {"text": "furosemide"}}, doNotPerform=True))
    assert out.answers["medications"] == []


@pytest.mark.parametrize(
    ("status", "counted"),
    [("active", True), ("completed", False), ("stopped", False), ("intended", False), ("not-taken", False), ("on-hold", False), ("entered-in-error", False)],
)
def test_a_medication_statement_counts_only_while_active(context: Any, status: str, counted: bool) -> None:
    statement = {"resourceType": "MedicationStatement", "id": "ms1", "status": status, "subject": PATIENT, "medicationCodeableConcept": {"text": "furosemide 40 mg"}}
    assert read(context, statement).answers["medications"] == (["furosemide 40 mg"] if counted else [])


# -- lab results --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "unit", "element"),
    [
        ({"value": 3.1, "unit": "mEq/L", "system": UCUM, "code": "meq/L"}, "mEq/L", "code"),
        ({"value": 3.1, "unit": "mmol/L", "system": SNOMED, "code": "258813002"}, "mmol/L", "unit"),  # FHIR R4 example f203
        ({"value": 3.1, "unit": "mmol/l"}, "mmol/L", "unit"),  # no code at all (FHIR R4 lab report examples)
        ({"value": 3.1, "unit": "MMOL/L", "code": "mmol/L"}, "mmol/L", "code"),
        ({"value": 3.1, "unit": "mEq/L", "system": UCUM, "code": "mmol/L"}, "mmol/L", "code"),  # the UCUM code decides
        ({"value": 3.1, "system": "urn:oid:2.16.840.1.113883.6.8", "code": "meq/L"}, "mEq/L", "code"),
    ],
)
def test_the_unit_is_the_ucum_code_else_the_displayed_unit(context: Any, quantity: dict[str, Any], unit: str, element: str) -> None:
    out = read(context, potassium(quantity))
    assert out.problems == []
    assert out.answers["labs"]["potassium"] == {"value": 3.1, "unit": unit, "taken": "last_7_days"}
    assert out.origins["labs.potassium.unit"] == f"$.entry[0].resource.valueQuantity.{element}"


def test_a_ucum_code_we_do_not_know_is_a_problem_even_beside_a_known_unit(context: Any) -> None:
    out = read(context, potassium({"value": 3.1, "unit": "mmol/L", "system": UCUM, "code": "mmol/dL"}))
    assert [(p.path, p.message) for p in out.problems] == [
        ("$.entry[0].resource.valueQuantity.code", "unknown unit 'mmol/dL' for a potassium result: expected one of mmol/L, meq/L, umol/L")
    ]


def test_a_potassium_in_a_panel_component_is_read_with_the_panel_date(context: Any) -> None:
    panel = {
        "resourceType": "Observation",
        "id": "bmp",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "51990-0", "display": "Basic metabolic panel - Blood"}]},
        "subject": PATIENT,
        "effectiveDateTime": "2025-06-10",
        "component": [
            {"code": {"coding": [{"system": LOINC, "code": "2951-2"}]}, "valueQuantity": {"value": 139, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"}},
            {"code": {"coding": [{"system": LOINC, "code": "2823-3"}]}, "valueQuantity": {"value": 3.2, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"}},
        ],
    }
    out = read(context, panel)
    assert out.answers["labs"] == {"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_30_days"}}
    assert out.origins["labs.potassium.value"] == "$.entry[0].resource.component[1].valueQuantity.value"
    assert out.basis == [{"reference": "Observation/bmp"}]


@pytest.mark.parametrize(
    ("when", "taken", "element"),
    [
        ({"effectivePeriod": {"start": "2025-05-01", "end": "2025-06-25"}}, "last_7_days", "effectivePeriod.end"),
        ({"effectiveInstant": "2025-05-20T08:00:00Z"}, "older", "effectiveInstant"),
        ({"issued": "2025-06-01T10:00:00+02:00"}, "last_30_days", "issued"),
        ({"effectiveDateTime": "2025-05-01", "issued": "2025-06-29T10:00:00Z"}, "older", "effectiveDateTime"),
    ],
)
def test_when_a_result_was_taken_comes_from_effective_else_issued(context: Any, when: dict[str, Any], taken: str, element: str) -> None:
    resource = potassium({"value": 3.9, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"})
    del resource["effectiveDateTime"]
    out = read(context, {**resource, **when})
    assert out.answers["labs"]["potassium"]["taken"] == taken
    assert out.origins["labs.potassium.taken"] == f"$.entry[0].resource.{element}"


def test_an_undated_result_takes_the_date_of_the_report_that_lists_it(context: Any) -> None:
    result = potassium({"value": 3.3, "unit": "mmol/L"})
    del result["effectiveDateTime"]
    report = {"resourceType": "DiagnosticReport", "id": "r1", "status": "final", "subject": PATIENT, "effectiveDateTime": "2025-06-27T06:40:17Z", "result": [{"reference": "Observation/k1"}]}
    out = read(context, result, report)
    assert out.answers["labs"]["potassium"]["taken"] == "last_7_days"
    assert out.origins["labs.potassium.taken"] == "$.entry[1].resource.effectiveDateTime"


@pytest.mark.parametrize(("status", "counted"), [("final", True), ("amended", True), ("corrected", True), ("preliminary", True), ("registered", False), ("cancelled", False), ("entered-in-error", False), ("entered-in-error ", False), ("unknown", False)])
def test_final_amended_corrected_and_preliminary_results_count(context: Any, status: str, counted: bool) -> None:
    out = read(context, potassium({"value": 3.0, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"}, status=status))
    assert ("labs" in out.answers) is counted


def test_a_newer_result_that_says_nothing_of_the_level_leaves_the_older_final_one(context: Any) -> None:
    older = potassium({"value": 3.1, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"}, id="k-old", effectiveDateTime="2025-06-20")
    not_measured = potassium(None, id="k-absent", dataAbsentReason={"coding": [{"code": "error"}], "text": "Specimen hemolyzed"})
    in_words = potassium(None, id="k-text", valueString="hemolysed, repeat")
    out = read(context, older, not_measured, in_words)
    assert out.problems == []
    assert out.answers["labs"]["potassium"] == {"value": 3.1, "unit": "mmol/L", "taken": "last_30_days"}
    assert out.notes == ["Observation/k-text: a potassium result given as valueString, not a number (valueQuantity) was not used"]


def test_a_newer_registered_result_leaves_potassium_unanswered_rather_than_the_older_final_one(context: Any) -> None:
    older = potassium({"value": 3.1, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"}, id="k-old", effectiveDateTime="2025-06-20")
    registered = potassium({"value": 4.5, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"}, id="k-reg", status="registered")
    out = read(context, older, registered)
    assert "labs" not in out.answers
    assert out.notes == [
        "Observation/k-reg: the most recent potassium result '4.5 mmol/L' (2025-06-28T09:30:00Z, Observation/k-reg) has status "
        "'registered' ($.entry[1].resource.status), neither final nor void (amended, corrected, final results are read), so it "
        "was not used, and no older potassium result was used in its place (it could say the opposite): the potassium result "
        "is left unanswered; ask the lab for it"
    ]


def test_a_loinc_code_given_by_its_oid_is_read(context: Any) -> None:
    resource = potassium({"value": 3.4, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"})
    resource["code"] = {"coding": [{"system": "urn:oid:2.16.840.1.113883.6.1", "code": "2823-3"}]}
    assert read(context, resource).answers["labs"]["potassium"]["value"] == 3.4


def test_a_magnesium_in_mg_per_dl_and_a_local_only_code_stays_unread(context: Any) -> None:
    magnesium = {**potassium({"value": 1.6, "unit": "MG/DL", "system": UCUM, "code": "mg/dL"}), "id": "mg1", "code": {"coding": [{"system": LOINC, "code": "19123-9"}]}}
    local = {**potassium({"value": 3.0, "unit": "mmol/L"}), "id": "k-local", "code": {"coding": [{"system": "https://fhir.ehr.example/codeSet/72", "code": "21704910", "display": "Potassium Level"}], "text": "Potassium Level"}}
    out = read(context, magnesium, local)
    assert out.answers["labs"] == {"magnesium": {"value": 1.6, "unit": "mg/dL", "taken": "last_7_days"}}  # no guessing from "Potassium Level"
    assert out.notes == [
        "a result named 'Potassium Level' is not coded in LOINC (https://fhir.ehr.example/codeSet/72|21704910), so it was not read as "
        "a potassium result: results are read by their LOINC code only; ask for the export to add its LOINC code"
    ]


# -- conditions ---------------------------------------------------------------------------------


def clinical(code: str) -> dict[str, Any]:
    return {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": code}]}


def verification(code: str) -> dict[str, Any]:
    return {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": code}]}


@pytest.mark.parametrize(("status", "counted"), [("active", True), ("recurrence", True), ("relapse", True), ("inactive", False), ("remission", False), ("resolved", False)])
def test_a_condition_counts_while_active_recurring_or_relapsed(context: Any, status: str, counted: bool) -> None:
    out = read(context, condition(HEART_FAILURE, clinicalStatus=clinical(status)))
    assert out.answers["conditions"] == (["heart_failure"] if counted else [])


@pytest.mark.parametrize(("status", "counted"), [("confirmed", True), ("provisional", True), ("differential", True), ("unconfirmed", True), ("refuted", False), ("entered-in-error", False)])
def test_a_refuted_or_mistaken_condition_does_not_count(context: Any, status: str, counted: bool) -> None:
    out = read(context, condition(HEART_FAILURE, clinicalStatus=clinical("active"), verificationStatus=verification(status)))
    assert out.answers["conditions"] == (["heart_failure"] if counted else [])


def test_an_stu3_condition_with_a_plain_code_status_is_read_too(context: Any) -> None:
    assert read(context, condition(HEART_FAILURE, clinicalStatus="resolved")).answers["conditions"] == []
    assert read(context, condition(HEART_FAILURE, clinicalStatus="active")).answers["conditions"] == ["heart_failure"]


def test_a_condition_without_a_status_counts_until_it_abates(context: Any) -> None:
    abated = condition(HEART_FAILURE, abatementDateTime="2025-01-10")
    assert read(context, condition(HEART_FAILURE)).answers["conditions"] == ["heart_failure"]
    assert read(context, abated).answers["conditions"] == []
    assert read(context, abated, as_of=date(2024, 12, 31)).answers["conditions"] == ["heart_failure"]


def test_an_icd10cm_code_by_its_oid_is_read(context: Any) -> None:
    out = read(context, condition({"coding": [{"system": "urn:oid:2.16.840.1.113883.6.90", "code": "N18.31"}]}))
    assert out.answers["conditions"] == ["chronic_kidney_disease"]


def test_a_condition_in_words_only_is_noted_and_the_rest_is_still_read(context: Any, screener: Any) -> None:
    words = condition({"text": "kidney trouble"}, id="c-words")
    out = read(context, words, condition(HEART_FAILURE, id="c2"))
    assert out.problems == []
    assert out.answers["conditions"] == ["heart_failure"]
    assert out.notes == ["Condition/c-words ('kidney trouble', words only: no ICD-10, SNOMED CT or ICD-9-CM code) was not read as a condition"]


# -- patients -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("born", "age"), [("1950", 74), ("1950-06", 75), ("1950-07-01", 74), ("1950-06-30", 75)])
def test_a_partial_birth_date_gives_the_age_certainly_reached(context: Any, born: str, age: int) -> None:
    out = read(context, {"resourceType": "Patient", "id": "p1", "birthDate": born})
    assert out.answers["age"] == age


@pytest.mark.parametrize("gender", ["unknown", None, 7])
def test_a_gender_we_cannot_read_leaves_sex_unanswered(context: Any, gender: Any) -> None:
    patient = {"resourceType": "Patient", "id": "p1", "birthDate": "1970-01-01"}
    if gender is not None:
        patient["gender"] = gender
    assert "sex" not in read(context, patient).answers


def test_the_same_patient_read_twice_is_one_patient_and_two_different_ones_a_problem(context: Any) -> None:
    patient = {"resourceType": "Patient", "id": "p1", "gender": "female"}
    assert read(context, patient, copy.deepcopy(patient)).problems == []
    other = read(context, patient, {**patient, "gender": "male"})
    assert [p.message for p in other.problems] == ["a second, different Patient resource for the same patient (the first is at $.entry[0].resource)"]


# -- what makes a record ------------------------------------------------------------------------


def test_bundles_inside_a_bundle_are_read_and_what_is_not_about_a_patient_is_passed_over(screener: Any) -> None:
    inner = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": potassium({"value": 3.2, "unit": "mmol/L"})}]}
    device = {**potassium({"value": 9.9, "unit": "mmol/L"}), "id": "qc", "subject": {"reference": "Device/analyser-3"}}
    outer = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": inner}, {"resource": device}, {"resource": {"resourceType": "Encounter", "id": "e1"}}, {}]}
    records = bundle_records(outer)
    assert len(records) == 1
    assert [located.where for located in records[0].resources] == ["$.entry[0].resource.entry[0].resource"]


def test_bulk_data_of_kinds_we_do_not_read_makes_no_records_and_a_typo_still_does(tmp_path: Path) -> None:
    lines = [
        {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1960-02-01"},
        {"resourceType": "Encounter", "id": "e1", "subject": PATIENT},
        {"resourceType": "AllergyIntolerance", "id": "a1", "patient": PATIENT},
        {"resourceType": "DiagnosticReport", "id": "r-nobody", "status": "final"},
        {"resourceType": "Obsevation", "id": "typo", "subject": PATIENT},
    ]
    path = tmp_path / "export.ndjson"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    out = tmp_path / "out.jsonl"
    done = CliRunner().invoke(app, ["batch", str(path), "--as-of", "2025-06-30", "-o", str(out)])
    entries = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert done.exit_code == 3
    assert [(e["status"], e["id"]) for e in entries] == [("invalid", "1"), ("screened", "p1")]
    assert "(did you mean 'Observation'?)" in entries[0]["errors"][0]["message"]


def test_a_response_to_another_questionnaire_is_one_problem_not_one_per_item(screener: Any) -> None:
    response = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "http://hl7.org/fhir/us/core/Questionnaire/AUDIT-C",
        "status": "completed",
        "item": [{"linkId": "/68518-0", "answer": [{"valueCoding": {"system": LOINC, "code": "LA6270-8"}}]}],
    }
    _, problems = check_record(screener, response)
    assert [p.path for p in problems] == ["$.questionnaire"]


def test_the_screener_itself_reads_answers_only_and_points_a_fhir_resource_to_screener_fhir(screener: Any) -> None:
    response = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": []}
    answers, problems = screener.check(response)
    assert answers is None
    assert [p.path for p in problems] == ["$"]
    assert "screener.fhir.check_record" in problems[0].message


# -- the mapping data ---------------------------------------------------------------------------


def test_a_code_system_alias_that_is_itself_aliased_is_refused(context: Any) -> None:
    data = json.loads((Path(__file__).resolve().parent.parent / "rules" / "fhir.json").read_text("utf-8"))
    broken = copy.deepcopy(data)
    broken["code_system_aliases"]["http://loinc.org"] = "urn:oid:2.16.840.1.113883.6.1"
    with pytest.raises(RulesError) as error:
        mapping_from_data(broken, context.questionnaire, "rules/fhir.json")
    assert "code_system_aliases: 'urn:oid:2.16.840.1.113883.6.1' is both an alias and the system an alias stands for" in str(error.value)


def test_warnings_from_reading_reach_the_batch_result(screener: Any) -> None:
    on_the_day = Screener(screener.ruleset, as_of=AS_OF)
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Patient", "id": "p1"}}, {"resource": condition({"text": "sugar"})}]}
    entry = screen_record_entry(on_the_day, bundle)
    assert entry["warnings"][-1] == "Condition/c1 ('sugar', words only: no ICD-10, SNOMED CT or ICD-9-CM code) was not read as a condition"


def test_which_statuses_count_is_data_a_reviewer_can_change(context: Any) -> None:
    data = json.loads((Path(__file__).resolve().parent.parent / "rules" / "fhir.json").read_text("utf-8"))
    data["current_statuses"]["MedicationRequest"].append("on-hold")
    data["condition_verification_excluded"].append("provisional")
    changed = dataclasses.replace(context, mapping=mapping_from_data(data, context.questionnaire))
    on_hold = request({"medicationCodeableConcept": {"text": "furosemide 40 mg"}}, status="on-hold")
    provisional = condition(HEART_FAILURE, verificationStatus=verification("provisional"))
    assert read(context, on_hold, provisional).answers == {"id": "p1", "medications": [], "conditions": ["heart_failure"]}
    assert read(changed, on_hold, provisional).answers == {"id": "p1", "medications": ["furosemide 40 mg"], "conditions": []}
