"""One core behind the EHR's ways in: a person's age, sex, medicines, potassium and magnesium
results and conditions, written as the FHIR an EHR holds, screen as those answers screen through
the Python API, whether a CDS Hooks patient-view prefetches them or `batch` reads them as a
Bundle. (The other ways in have their own such tests: the JSON API against batch in
test_web_api.py, QuestionnaireResponses in test_fhir_responses.py, sheets and Parquet in
test_csv_answers.py and test_parquet.py, Spark in test_spark.py.)"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cds_support import AS_OF, cds_client, hook_request
from screener.cli.main import app as cli
from typer.testing import CliRunner

from screener.cds.calls import HookCall
from screener.cds.cards import CardWriter
from screener.cds.record import Record
from screener.cds.screening import Screened
from screener.cds.services import services
from screener.fhir import fhir_context
from screener.interview import Questionnaire
from screener.reports.words import Words

PERSONAS = Path(__file__).resolve().parent.parent / "examples" / "personas"
FHIR_MAPPING = json.loads((Path(__file__).resolve().parent.parent / "rules" / "fhir.json").read_text("utf-8"))

#: What EHR data can say of the answers (the README's "What is read" table).
EHR_FIELDS = ("age", "sex", "medications", "conditions", "labs")
DAYS_AGO = {"last_7_days": 2, "last_30_days": 15, "older": 120}
LOINC = {"potassium": "2823-3", "magnesium": "2601-3"}
UCUM = {"mmol/L": "mmol/L", "mEq/L": "meq/L", "mg/dL": "mg/dL"}


def ehr_answers(persona: str) -> dict[str, Any]:
    answers = json.loads((PERSONAS / f"{persona}.json").read_text("utf-8"))
    return {"id": persona, **{field: answers[field] for field in EHR_FIELDS if field in answers}}


def ehr_resources(answers: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The answers as an EHR keeps them, by prefetch key."""
    subject = {"reference": f"Patient/{answers['id']}"}
    patient = {"resourceType": "Patient", "id": answers["id"], "gender": answers["sex"], "birthDate": f"{AS_OF.year - answers['age']}-01-15"}
    medicines = [
        {"resourceType": "MedicationStatement", "id": f"med-{n}", "status": "active", "subject": subject, "medicationCodeableConcept": {"text": name}}
        for n, name in enumerate(answers.get("medications", []))
    ]
    results = [
        {
            "resourceType": "Observation",
            "id": f"lab-{lab}",
            "status": "final",
            "subject": subject,
            "effectiveDateTime": (AS_OF - timedelta(days=DAYS_AGO[result["taken"]])).isoformat(),
            "code": {"coding": [{"system": "http://loinc.org", "code": LOINC[lab]}]},
            "valueQuantity": {"value": result["value"], "unit": result["unit"], "system": "http://unitsofmeasure.org", "code": UCUM[result["unit"]]},
        }
        for lab, result in answers.get("labs", {}).items()
    ]
    conditions = [
        {
            "resourceType": "Condition",
            "id": f"condition-{n}",
            "subject": subject,
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
            "code": {"coding": [{"system": "http://snomed.info/sct", **FHIR_MAPPING["conditions"][condition]["snomed"][0]}]},
        }
        for n, condition in enumerate(answers.get("conditions", []))
    ]
    return {"patient": [patient], "medicationRequests": [], "medicationStatements": medicines, "labResults": results, "conditions": conditions, "pregnancyStatus": []}


def searchset(resources: list[dict[str, Any]]) -> dict[str, Any] | None:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]} if resources else None


def without_uuids(card: dict[str, Any]) -> dict[str, Any]:
    card = {key: value for key, value in card.items() if key != "uuid"}
    card["suggestions"] = [{k: v for k, v in s.items() if k != "uuid"} for s in card.get("suggestions", [])]
    return card


EHR_PERSONAS = [
    "citalopram-with-low-potassium-result",
    "heart-failure-on-furosemide-and-metolazone",
    "kidney-disease-with-spironolactone-and-potassium",
    "older-adult-on-furosemide-with-cramps",
    "thiazide-with-normal-potassium-result",
]


@pytest.fixture(scope="module")
def client() -> Any:
    return cds_client()


@pytest.mark.parametrize("persona", EHR_PERSONAS)
def test_a_patient_view_of_the_persona_s_ehr_record_gives_the_card_of_their_answers(client: Any, screener: Any, persona: str) -> None:
    answers = ehr_answers(persona)
    prefetch = {key: (found[0] if key == "patient" else searchset(found)) for key, found in ehr_resources(answers).items()}
    response = client.post("/cds-services/patient-view", json=hook_request("patient-view", persona, prefetch))
    assert response.status_code == 200, response.text
    [card] = response.json()["cards"]
    writer = CardWriter(fhir_context(screener.ruleset), screener.ruleset, Words.from_rules(screener.ruleset, Questionnaire.load(None)))
    call = HookCall(services(writer.context)["patient-view"], "instance", persona, {})
    # The keys the EHR had nothing for are sent as null (CDS Hooks 2.0), and the card says so.
    record = Record(persona, no_data=[key for key in call.service.prefetch if prefetch.get(key) is None])
    [expected] = writer.cards(call, record, Screened(answers, screener.screen_entry(answers)))
    assert without_uuids(card) == without_uuids(expected)


@pytest.mark.parametrize("persona", EHR_PERSONAS)
def test_batch_reads_the_persona_s_ehr_record_as_a_bundle_into_the_result_of_their_answers(screener: Any, persona: str, tmp_path: Path) -> None:
    answers = ehr_answers(persona)
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for found in ehr_resources(answers).values() for r in found]}
    source = tmp_path / "bundle.json"
    source.write_text(json.dumps(bundle), "utf-8")
    output = tmp_path / "out.jsonl"
    run = CliRunner().invoke(cli, ["batch", str(source), "-o", str(output), "--quiet", "--detail", "full", "--as-of", AS_OF.isoformat()])
    assert run.exit_code == 0, run.output
    got = json.loads(output.read_text("utf-8"))
    for where in ("source", "position"):
        got.pop(where)
    assert got == _without_place(screener.screen_entry(answers))


def _without_place(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key not in ("source", "position")}
