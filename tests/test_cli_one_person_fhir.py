"""`explain` and `report` read one person's FHIR input as `screen` does: a QuestionnaireResponse,
or a Bundle of one patient's EHR data, turned into the answers it gives; a problem names the
place in the FHIR input."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.fhir import answers_to_response, fhir_context
from screener.headline import Headline

ROOT = Path(__file__).resolve().parents[1]
PERSONA = ROOT / "examples" / "personas" / "older-adult-on-furosemide-with-cramps.json"
ONE_PATIENT = ROOT / "tests" / "fhir" / "real" / "synthea" / "jess-braun.json"
OURS = "https://mgk-screen.example/fhir/CodeSystem/answers"


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def response_file(tmp_path: Path, screener: Any) -> Path:
    answers = json.loads(PERSONA.read_text("utf-8"))
    path = tmp_path / "response.json"
    path.write_text(json.dumps(answers_to_response(answers, fhir_context(screener.ruleset))), "utf-8")
    return path


def screened(path: Path) -> dict[str, Any]:
    done = run("screen", str(path), "--json")
    assert done.exit_code == 0, done.output
    result: dict[str, Any] = json.loads(done.output)
    return result


def test_explain_reads_a_questionnaire_response_as_screen_does(response_file: Path) -> None:
    done = run("explain", str(response_file), "--json")
    assert done.exit_code == 0, done.output
    explained = json.loads(done.output)
    assert explained["id"] == screened(response_file)["id"] == "older-adult-on-furosemide-with-cramps"
    as_answers = run("explain", str(PERSONA), "--json")
    assert explained == json.loads(as_answers.output)  # the same tree as for the answers themselves


def test_explain_and_report_read_a_bundle_of_one_patient(tmp_path: Path) -> None:
    result = screened(ONE_PATIENT)
    explained = run("explain", str(ONE_PATIENT))
    assert explained.exit_code == 0, explained.output
    assert f"Why this result, for {result['id']}" in explained.output
    assert f"combined magnesium and potassium depletion: {result['combined_depletion']}" in explained.output
    page = tmp_path / "patient.html"
    reported = run("report", str(ONE_PATIENT), "-o", str(page))
    assert reported.exit_code == 0, reported.output
    html = page.read_text("utf-8")
    assert f"For: <strong>{result['id']}</strong>" in html
    assert "Your answers, as given" in html  # the answers the Bundle gives, not a result


def test_report_reads_a_questionnaire_response_and_shows_its_answers(response_file: Path, tmp_path: Path) -> None:
    page = tmp_path / "response.html"
    done = run("report", str(response_file), "-o", str(page))
    assert done.exit_code == 0, done.output
    html = page.read_text("utf-8")
    assert "For: <strong>older-adult-on-furosemide-with-cramps</strong>" in html
    assert "Muscle cramps" in html
    assert "unknown status" not in done.output


def test_a_response_that_cannot_be_read_is_refused_naming_the_place_in_it(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    item = {"linkId": "symptoms", "answer": [{"valueCoding": {"system": OURS, "code": "palpitation"}}]}
    path.write_text(json.dumps({"resourceType": "QuestionnaireResponse", "status": "completed", "item": [item]}), "utf-8")
    for command in (["explain", str(path)], ["report", str(path), "-o", str(tmp_path / "bad.html")]):
        done = run(*command)
        assert done.exit_code == 3, done.output
        assert "$.item[0].answer[0].valueCoding" in done.output and "did you mean 'palpitations'?" in done.output
        assert "unexpected error" not in done.output
    assert not (tmp_path / "bad.html").exists()


def test_report_on_a_patients_bundle_counts_to_the_reference_date_as_screen_does(tmp_path: Path) -> None:
    # A Bundle of past EHR data (Synthea, 2020) reported on today would find its potassium years
    # old; --as-of gives report the reference date that screen and batch take.
    done = run("screen", str(ONE_PATIENT), "--as-of", "2020-04-05", "--json")
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    page = tmp_path / "jess.html"
    reported = run("report", str(ONE_PATIENT), "--as-of", "2020-04-05", "-o", str(page))
    assert reported.exit_code == 0, reported.output
    html = page.read_text("utf-8")
    assert "4.04 mmol/L" in html and "taken in the last 7 days" in html
    # Jess: combined unlikely, but magnesium depletion possible, in the report's heading as in screen's
    heading = html[html.index('<h2 id="headline-heading"') : html.index("</h2>", html.index('id="headline-heading"'))]
    assert " ".join(re.sub(r"<[^>]+>", "", heading).split()) == Headline.of(result).text(capitals=False, not_answered=False)
    assert '<span class="level-word possible">possible</span>' in heading


def test_explain_on_a_patients_bundle_counts_to_the_reference_date_as_screen_does() -> None:
    explained = run("explain", str(ONE_PATIENT), "--as-of", "2020-04-05", "--plain")
    assert explained.exit_code == 0, explained.output
    assert "age: 79" in explained.output
    assert "labs.potassium: 4.04 mmol/L, taken: last_7_days" in explained.output


def test_screen_and_report_on_a_patients_bundle_say_what_could_not_be_read_as_batch_does(tmp_path: Path) -> None:
    # Walter's record gives his furosemide only as a code and his latest potassium as "<4.0" (which
    # could be low or normal): neither is counted, and every command says so, not only batch.
    patient = {"resourceType": "Patient", "id": "walter", "gender": "male", "birthDate": "1950-03-01"}
    statement = {
        "resourceType": "MedicationStatement", "id": "by-code", "status": "active", "subject": {"reference": "Patient/walter"},
        "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "313988"}]},
    }
    potassium = {
        "resourceType": "Observation", "id": "k", "status": "final", "subject": {"reference": "Patient/walter"},
        "code": {"coding": [{"system": "http://loinc.org", "code": "2823-3"}]},
        "effectiveDateTime": "2026-11-28T08:00:00Z",
        "valueQuantity": {"comparator": "<", "value": 4.0, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
    }
    path = tmp_path / "walter.json"
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in (patient, statement, potassium)]}
    path.write_text(json.dumps(bundle), "utf-8")
    warnings = screened_on(path, "2026-11-30")["warnings"]
    assert any(warning.startswith("a medicine given only as a code, with no name (RxNorm 313988)") for warning in warnings)
    assert any("does not tell whether it is low, normal or high, so it was not used" in warning for warning in warnings)
    out = tmp_path / "batch.jsonl"
    assert run("batch", str(path), "--as-of", "2026-11-30", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text("utf-8"))["warnings"] == warnings
    page = tmp_path / "walter.html"
    assert run("report", str(path), "--as-of", "2026-11-30", "-o", str(page)).exit_code == 0
    assert "a medicine given only as a code, with no name (RxNorm 313988)" in page.read_text("utf-8")


def screened_on(path: Path, as_of: str) -> dict[str, Any]:
    done = run("screen", str(path), "--as-of", as_of, "--json")
    assert done.exit_code == 0, done.output
    result: dict[str, Any] = json.loads(done.output)
    return result
