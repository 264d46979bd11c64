"""QuestionnaireResponses in: every persona screens the same through FHIR, "none of these" is an
answer, and a response that cannot be read exactly is an invalid record saying where, never a guess."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.fhir import FhirContext, answers_to_response, fhir_context, response_to_answers
from screener.fhir.records import screen_record_entry

PERSONAS = Path(__file__).resolve().parent.parent / "examples" / "personas"
PERSONA_FILES = sorted(PERSONAS.glob("*.json"))
LOINC = "http://loinc.org"
OURS = "https://mgk-screen.example/fhir/CodeSystem/answers"


@pytest.fixture(scope="module")
def context(screener: Any) -> FhirContext:
    return fhir_context(screener.ruleset)


def response(*items: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"resourceType": "QuestionnaireResponse", "status": "completed", **fields, "item": list(items)}


def coded(link_id: str, *codes: tuple[str, str]) -> dict[str, Any]:
    return {"linkId": link_id, "answer": [{"valueCoding": {"system": system, "code": code}} for system, code in codes]}


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("persona", PERSONA_FILES, ids=lambda path: path.stem)
@pytest.mark.parametrize("version", ["R4", "R5"])
def test_every_persona_screens_the_same_after_answers_to_response_to_answers(
    screener: Any, context: FhirContext, persona: Path, version: str
) -> None:
    answers = json.loads(persona.read_text("utf-8"))
    fhir_response = answers_to_response(answers, context, version)  # type: ignore[arg-type]
    back = response_to_answers(fhir_response, context)
    assert back.problems == []
    assert back.answers == answers
    assert screen_record_entry(screener, fhir_response) == screener.screen_entry(answers)


@pytest.mark.parametrize("persona", PERSONA_FILES[:3], ids=lambda path: path.stem)
def test_the_responses_built_from_personas_validate_against_the_fhir_models(context: FhirContext, persona: Path) -> None:
    from screener.fhir import validate_resource

    answers = json.loads(persona.read_text("utf-8"))
    validate_resource(answers_to_response(answers, context, "R4"), "R4")
    validate_resource(answers_to_response(answers, context, "R5"), "R5")


def test_none_of_these_is_an_answer_an_empty_list_not_a_missing_one(context: FhirContext) -> None:
    read = response_to_answers(response(coded("symptoms", (OURS, "none")), coded("supplements")), context)
    assert read.problems == []
    assert read.answers == {"symptoms": []}


def test_none_of_these_with_a_symptom_beside_it_is_refused(context: FhirContext) -> None:
    read = response_to_answers(response(coded("symptoms", (OURS, "fatigue"), (OURS, "none"))), context)
    assert [(p.path, p.message) for p in read.problems] == [
        ("$.item[0].answer", "'None of these' cannot go with other answers to question 'symptoms'")
    ]


def test_a_partly_answered_audit_c_is_an_invalid_record_naming_the_item_never_a_guess(screener: Any) -> None:
    partial = response(
        {"linkId": "age", "answer": [{"valueInteger": 52}]},
        coded("alcohol_frequency", (LOINC, "LA18929-2")),
        coded("alcohol_binge", (LOINC, "LA18891-4")),
    )
    entry = screen_record_entry(screener, {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": partial}]})
    assert entry["status"] == "invalid"
    assert [error["path"] for error in entry["errors"]] == ["$.entry[0].resource.item[1]"]
    assert "'Drinks on a typical drinking day' not answered" in entry["errors"][0]["message"]
    assert "nothing is guessed" in entry["errors"][0]["message"]


def test_never_drinking_settles_the_other_audit_c_answers_as_the_guided_questionnaire_does(context: FhirContext) -> None:
    read = response_to_answers(response(coded("alcohol_frequency", (LOINC, "LA6270-8"))), context)
    assert read.answers == {"alcohol": {"audit_c": {"frequency": 0, "quantity": 0, "binge": 0}, "drinks_per_week": 0}}


def test_uk_units_a_week_are_read_as_uk_units(context: FhirContext) -> None:
    """Kept as UK units (review 7): the rules judge them against the UK guideline, not as US drinks."""
    units = {"value": 14, "system": "http://unitsofmeasure.org", "code": "{UK_units}/wk"}
    read = response_to_answers(response({"linkId": "drinks_per_week", "answer": [{"valueQuantity": units}]}), context)
    assert read.answers == {"alcohol": {"units_per_week": 14}}


@pytest.mark.parametrize(
    ("item", "path", "message"),
    [
        ({"linkId": "symptom", "answer": [{"valueBoolean": True}]}, "$.item[0].linkId", "unknown question 'symptom' (did you mean 'symptoms'?)"),
        (coded("sex", (OURS, "femal")), "$.item[0].answer[0].valueCoding", "question 'sex' has no answer https://mgk-screen.example/fhir/CodeSystem/answers|femal (did you mean 'female'?)"),
        (coded("sex", (OURS, "female"), (OURS, "male")), "$.item[0].answer", "question 'sex' takes one answer, got 2"),
        ({"linkId": "age", "answer": [{"valueString": "seventy"}]}, "$.item[0].answer[0]", "question 'age' expects a whole number: a valueInteger; got valueString 'seventy'"),
        (
            {"linkId": "sex", "answer": [{"valueBoolean": True}]},
            "$.item[0].answer[0]",
            "question 'sex' expects a choice: a valueCoding with one of its codes (female, male, other); got valueBoolean true",
        ),
        (
            {"linkId": "lab_potassium", "answer": [{"valueQuantity": {"value": 3.1, "system": "http://unitsofmeasure.org", "code": "mg/dL"}}]},
            "$.item[0].answer[0].valueQuantity",
            "unknown unit 'mg/dL' for question 'lab_potassium': expected one of mmol/L, meq/L",
        ),
    ],
)
def test_what_cannot_be_read_exactly_is_an_error_with_its_path(context: FhirContext, item: dict[str, Any], path: str, message: str) -> None:
    read = response_to_answers(response(item), context)
    assert [(p.path, p.message) for p in read.problems] == [(path, message)]


def test_a_yes_no_question_answered_as_a_tick_box_is_read_as_its_choice(context: FhirContext) -> None:
    """Noor's clinic built its form by hand from the exported Questionnaire and answers every
    yes/no question as FHIR's boolean. Each response was refused ("expects a choice: a
    valueCoding"); true is the choice "yes" and false "no", whatever the question's codes."""
    read = response_to_answers(
        response(
            {"linkId": "diarrhea_present", "answer": [{"valueBoolean": True}]},
            {"linkId": "diuretic_use", "answer": [{"valueBoolean": False}]},
        ),
        context,
    )
    assert read.problems == []
    assert read.answers["diarrhea"] == {"present": True}
    assert read.answers["diuretic_use"] == "no"


def test_a_response_to_another_questionnaire_is_refused(context: FhirContext) -> None:
    read = response_to_answers(response(questionnaire="http://example.org/Questionnaire/phq-9"), context)
    assert read.problems[0].path == "$.questionnaire"
    assert "answers another questionnaire" in read.problems[0].message


def test_an_implausible_lab_value_is_reported_at_the_response_item_it_came_from(screener: Any) -> None:
    quantity = {"value": 45, "system": "http://unitsofmeasure.org", "code": "mmol/L"}
    entry = screen_record_entry(screener, response({"linkId": "lab_potassium", "answer": [{"valueQuantity": quantity}]}))
    assert entry["status"] == "invalid"
    assert entry["errors"][0]["path"] == "$.item[0]"
    assert "(answers field $.labs.potassium" in entry["errors"][0]["message"]


def test_batch_reads_responses_alone_in_a_bundle_and_as_json_lines(tmp_path: Path, context: FhirContext) -> None:
    personas = [json.loads(path.read_text("utf-8")) for path in PERSONA_FILES[:3]]
    responses = [answers_to_response(answers, context) for answers in personas]
    (tmp_path / "one.json").write_text(json.dumps(responses[0]), "utf-8")
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in responses]}
    (tmp_path / "bundle.json").write_text(json.dumps(bundle), "utf-8")
    (tmp_path / "lines.jsonl").write_text("".join(json.dumps(r) + "\n" for r in responses), "utf-8")
    out = tmp_path / "results.jsonl"
    done = run("batch", str(tmp_path / "one.json"), str(tmp_path / "bundle.json"), str(tmp_path / "lines.jsonl"), "-o", str(out))
    assert done.exit_code == 0, done.output
    entries = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    ids = [p["id"] for p in personas]
    assert [e["id"] for e in entries] == [ids[0], *ids, *ids]
    assert [(e["source"].rsplit("/", 1)[1], e["position"]) for e in entries][1:4] == [("bundle.json", 1), ("bundle.json", 2), ("bundle.json", 3)]


def test_screen_and_validate_read_a_response(tmp_path: Path, context: FhirContext) -> None:
    answers = json.loads((PERSONAS / "older-adult-on-furosemide-with-cramps.json").read_text("utf-8"))
    path = tmp_path / "response.json"
    path.write_text(json.dumps(answers_to_response(answers, context)), "utf-8")
    screened = run("screen", str(path), "--json")
    assert screened.exit_code == 0, screened.output
    assert json.loads(screened.output)["id"] == "older-adult-on-furosemide-with-cramps"
    checked = run("validate", str(path))
    assert checked.exit_code == 0 and "1 record read, 1 valid" in checked.output


def test_validate_names_the_place_in_the_response(tmp_path: Path) -> None:
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(response(coded("alcohol_frequency", (LOINC, "LA18928-4")))), "utf-8")
    done = run("validate", str(path))
    assert done.exit_code == 3
    assert f"{path} record 1: $.item[0]: 'Drinks on a typical drinking day' and 'Six or more drinks on one occasion' not answered" in done.output
