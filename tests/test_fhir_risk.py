"""Results out as FHIR: `batch --format fhir` writes one RiskAssessment per person, valid against the
R4 (R4B) and R5 models, saying what the screen says, when, and with what warnings; an invalid record
becomes an OperationOutcome, and a patient recorded as deceased one that says so without calling it an error."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from screener.cli.main import app
from typer.testing import CliRunner

from screener.fhir import validate_resource

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = ROOT / "examples" / "personas"
EHR = Path(__file__).resolve().parent / "fhir" / "synthea-style-five-patients.json"


AS_OF = "2025-06-30"


def fhir_batch(tmp_path: Path, *inputs: Path | str, as_of: str | None = AS_OF) -> tuple[Any, list[dict[str, Any]]]:
    out = tmp_path / "risk.ndjson"
    dated = ["--as-of", as_of] if as_of is not None else []
    done = CliRunner().invoke(app, ["batch", *map(str, inputs), "-f", "fhir", "-o", str(out), *dated])
    lines = out.read_text("utf-8").splitlines() if out.exists() else []
    return done, [json.loads(line) for line in lines]


def prediction(resource: dict[str, Any], outcome: str) -> dict[str, Any]:
    return next(p for p in resource["prediction"] if p["outcome"]["coding"][0]["code"] == outcome)


def ehr_bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource} for resource in resources]}


def test_every_persona_and_patient_gets_one_risk_assessment_valid_against_the_r4_and_r5_models(tmp_path: Path) -> None:
    done, resources = fhir_batch(tmp_path, PERSONAS, EHR)
    assert done.exit_code == 0, done.output
    assert len(resources) == len(list(PERSONAS.glob("*.json"))) + 5
    for resource in resources:
        assert resource["resourceType"] == "RiskAssessment"
        validate_resource(resource, "R4")
        validate_resource(resource, "R5")


def test_the_headline_is_the_combined_outcome_with_its_level_on_the_risk_probability_scale(tmp_path: Path) -> None:
    _, resources = fhir_batch(tmp_path, PERSONAS / "diuretic-and-vomiting-with-fainting-now.json")
    (resource,) = resources
    combined = prediction(resource, "combined_depletion")
    assert combined["outcome"]["text"] == "combined magnesium and potassium depletion"
    assert combined["qualitativeRisk"]["text"] == "likely"
    assert combined["qualitativeRisk"]["coding"][0] == {"system": "http://terminology.hl7.org/CodeSystem/risk-probability", "code": "high"}
    magnesium = prediction(resource, "magnesium_depletion")
    assert {"system": "http://snomed.info/sct", "code": "190855004", "display": "Hypomagnesemia"} in magnesium["outcome"]["coding"]


def test_urgency_red_flags_recommendations_and_the_disclaimer_are_carried(tmp_path: Path, screener: Any) -> None:
    answers = json.loads((PERSONAS / "diuretic-and-vomiting-with-fainting-now.json").read_text("utf-8"))
    result = screener.screen_entry(answers)
    _, (resource,) = fhir_batch(tmp_path, PERSONAS / "diuretic-and-vomiting-with-fainting-now.json")
    notes = [note["text"] for note in resource["note"]]
    assert notes[0] == "Red flags: fainting"
    assert notes[1] == f"Urgency: emergency ({result['urgency_text']})."  # read as a sentence: "emergency (seek emergency care now)."
    assert notes[-1] == result["disclaimer"]
    assert resource["mitigation"].splitlines()[0] == f"- {result['recommendations'][0]['text']}"


def test_the_method_names_the_ruleset_its_version_and_its_hash(tmp_path: Path, screener: Any) -> None:
    _, (resource,) = fhir_batch(tmp_path, PERSONAS / "runner-with-cramps-only.json")
    ruleset = screener.ruleset
    assert resource["method"]["coding"][0]["version"] == ruleset.version
    assert ruleset.sha256 in resource["method"]["text"]


def test_patients_from_ehr_data_are_the_subject_and_their_resources_the_basis(tmp_path: Path) -> None:
    _, resources = fhir_batch(tmp_path, EHR)
    eleanor = resources[0]
    patient = "00000001-5e1a-4c2b-9f00-000000000001"
    assert eleanor["subject"] == {"reference": f"Patient/{patient}"}
    assert {"reference": "Observation/00000103-5e1a-4c2b-9f00-000000000103"} in eleanor["basis"]
    assert {"reference": "MedicationRequest/00000102-5e1a-4c2b-9f00-000000000102"} in eleanor["basis"]


def test_answers_without_a_patient_name_the_respondent_by_record_id(tmp_path: Path) -> None:
    _, (resource,) = fhir_batch(tmp_path, PERSONAS / "runner-with-cramps-only.json")
    assert resource["subject"]["identifier"]["value"] == "runner-with-cramps-only"
    assert "basis" not in resource


def test_an_invalid_record_becomes_an_operation_outcome_with_every_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"age": 200, "sex": "femal"}\n{"age": 40}\n', "utf-8")
    done, resources = fhir_batch(tmp_path, path)
    assert done.exit_code == 3
    outcome, assessment = resources
    assert outcome["resourceType"] == "OperationOutcome" and assessment["resourceType"] == "RiskAssessment"
    assert [issue["diagnostics"].split(": ", 1)[1].split(":")[0] for issue in outcome["issue"]] == ["$.age", "$.sex"]
    assert {(issue["severity"], issue["code"]) for issue in outcome["issue"]} == {("error", "invalid")}
    validate_resource(outcome, "R4")
    validate_resource(outcome, "R5")


def test_a_patient_recorded_as_deceased_is_not_screened_and_the_outcome_says_so_without_calling_it_an_error(tmp_path: Path) -> None:
    path = tmp_path / "deceased.json"
    patient = {"resourceType": "Patient", "id": "walter", "birthDate": "1931-05-04", "deceasedDateTime": "2024-11-02"}
    path.write_text(json.dumps(ehr_bundle(patient)), "utf-8")
    done, (outcome,) = fhir_batch(tmp_path, path)
    assert done.exit_code == 3  # still counted as not screened
    (issue,) = outcome["issue"]
    assert (issue["severity"], issue["code"]) == ("information", "business-rule")
    assert issue["details"]["text"] == "Not screened: the patient is recorded as deceased."
    assert issue["diagnostics"].endswith("$.entry[0].resource.deceasedDateTime: the patient is recorded as deceased: not screened")
    validate_resource(outcome, "R4")
    validate_resource(outcome, "R5")


def test_answers_naming_a_deceased_field_are_still_an_error_in_the_input(tmp_path: Path) -> None:
    path = tmp_path / "answers.jsonl"
    path.write_text('{"age": 60, "deceasedBoolean": true}\n', "utf-8")
    _, (outcome,) = fhir_batch(tmp_path, path)
    assert [(issue["severity"], issue["code"]) for issue in outcome["issue"]] == [("error", "invalid")]


def test_the_assessment_is_dated_on_the_as_of_reference_date_when_one_is_given(tmp_path: Path) -> None:
    _, resources = fhir_batch(tmp_path, EHR, PERSONAS / "runner-with-cramps-only.json")
    assert {resource["occurrenceDateTime"] for resource in resources} == {AS_OF}
    assert all(
        f"Reference date: {AS_OF} (given with --as-of; from EHR data, ages and how recent each result is are worked out as on that day)."
        in [note["text"] for note in resource["note"]]
        for resource in resources
    )


def test_without_as_of_the_assessment_is_dated_on_the_day_of_the_run(tmp_path: Path) -> None:
    before = date.today().isoformat()
    _, (resource,) = fhir_batch(tmp_path, PERSONAS / "runner-with-cramps-only.json", as_of=None)
    assert resource["occurrenceDateTime"] in {before, date.today().isoformat()}
    assert not any(note["text"].startswith("Reference date") for note in resource["note"])


def test_rosa_whose_medicine_is_not_recognised_has_the_pharmacist_warning_in_the_notes_before_the_disclaimer(tmp_path: Path) -> None:
    path = tmp_path / "rosa.json"
    rosa = ehr_bundle(
        {"resourceType": "Patient", "id": "rosa", "birthDate": "1948-03-02", "gender": "female"},
        {
            "resourceType": "MedicationStatement",
            "id": "rosa-med",
            "status": "active",
            "subject": {"reference": "Patient/rosa"},
            "medicationCodeableConcept": {"text": "Zorblaxin 10 MG Oral Tablet"},
        },
    )
    path.write_text(json.dumps(rosa), "utf-8")
    _, (resource,) = fhir_batch(tmp_path, path)
    notes = [note["text"] for note in resource["note"]]
    assert notes[-3] == (
        "Warning: medication 'Zorblaxin 10 MG Oral Tablet': 'Zorblaxin' not recognised, so not counted; "
        "ask a pharmacist whether it affects magnesium or potassium."
    )
    # A name close to no name may be one that keeps potassium (review 8): the note after it says so.
    assert notes[-2].startswith("Warning: A medicine name not recognised may be a medicine that can make the body keep")
    validate_resource(resource, "R5")


def test_every_warning_of_the_result_is_a_note(tmp_path: Path) -> None:
    entries_out = tmp_path / "entries.jsonl"
    CliRunner().invoke(app, ["batch", str(EHR), "-o", str(entries_out), "--as-of", AS_OF])
    entries = [json.loads(line) for line in entries_out.read_text("utf-8").splitlines()]
    _, resources = fhir_batch(tmp_path, EHR)
    assert sum(len(entry["warnings"]) for entry in entries) >= 2  # a PPI taken for an unknown time, a teenager
    for entry, resource in zip(entries, resources, strict=True):
        warnings = [note["text"] for note in resource["note"] if note["text"].startswith("Warning: ")]
        assert warnings == [f"Warning: {warning}" if warning.endswith(".") else f"Warning: {warning}." for warning in entry["warnings"]]


def test_risk_factors_are_named_in_a_note(tmp_path: Path) -> None:
    _, resources = fhir_batch(tmp_path, EHR)
    assert "Risk factors: loop diuretic, older adult." in [note["text"] for note in resources[0]["note"]]


def test_each_entry_has_its_own_id_the_same_on_every_run_while_the_subject_stays_the_patient(tmp_path: Path) -> None:
    copy = tmp_path / "copy-of-the-export.json"
    shutil.copy(EHR, copy)
    _, first = fhir_batch(tmp_path, EHR, copy)
    _, again = fhir_batch(tmp_path, EHR, copy)
    ids = [resource["id"] for resource in first]
    assert len(set(ids)) == len(ids) == 10
    assert ids == [resource["id"] for resource in again]
    assert [resource["subject"] for resource in first[:5]] == [resource["subject"] for resource in first[5:]]
    assert first[0]["subject"] == {"reference": "Patient/00000001-5e1a-4c2b-9f00-000000000001"}
