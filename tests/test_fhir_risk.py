"""Results out as FHIR: `batch --format fhir` writes one RiskAssessment per person, valid against the
R4 model, saying what the screen says; an invalid record becomes an OperationOutcome."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from screener.cli.main import app
from typer.testing import CliRunner

from screener.fhir import validate_resource

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = ROOT / "examples" / "personas"
EHR = Path(__file__).resolve().parent / "fhir" / "synthea-style-five-patients.json"


def fhir_batch(tmp_path: Path, *inputs: Path | str) -> tuple[Any, list[dict[str, Any]]]:
    out = tmp_path / "risk.ndjson"
    done = CliRunner().invoke(app, ["batch", *map(str, inputs), "-f", "fhir", "-o", str(out), "--as-of", "2025-06-30"])
    lines = out.read_text("utf-8").splitlines() if out.exists() else []
    return done, [json.loads(line) for line in lines]


def prediction(resource: dict[str, Any], outcome: str) -> dict[str, Any]:
    return next(p for p in resource["prediction"] if p["outcome"]["coding"][0]["code"] == outcome)


def test_every_persona_and_patient_gets_one_risk_assessment_valid_against_the_r4_model(tmp_path: Path) -> None:
    done, resources = fhir_batch(tmp_path, PERSONAS, EHR)
    assert done.exit_code == 0, done.output
    assert len(resources) == len(list(PERSONAS.glob("*.json"))) + 5
    for resource in resources:
        assert resource["resourceType"] == "RiskAssessment"
        validate_resource(resource, "R4")


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
    validate_resource(outcome, "R4")
