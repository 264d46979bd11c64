"""A lab result the report gives only as beyond a number ("<2.5", ">2.0") in a
QuestionnaireResponse: FHIR's Quantity carries it with its ``comparator``, and it reads back as the
answers file's ``below`` or ``above``, never as the value. Before, the response writer left such a
result out (and its "when taken" answer then made the response invalid), and the reader took
"<4.0" for a potassium of 4.0, a normal result that caps the levels."""

from __future__ import annotations

from typing import Any

import pytest

from screener.fhir import FhirContext, answers_to_response, build_questionnaire, fhir_context, response_to_answers
from screener.fhir.records import screen_record_entry

UCUM = "http://unitsofmeasure.org"

WALTER = {
    "id": "walter",
    "age": 71,
    "sex": "male",
    "medications": ["furosemide 40 mg"],
    "symptoms": ["muscle_weakness"],
    "labs": {"potassium": {"below": 2.5, "unit": "mmol/L", "taken": "last_7_days"}},
}
"""Walter's lab report says only "potassium <2.5 mmol/L" this week."""

ROSA = {
    "id": "rosa",
    "age": 64,
    "sex": "female",
    "conditions": ["chronic_kidney_disease"],
    "labs": {"magnesium": {"above": 3.0, "unit": "mg/dL", "taken": "last_30_days"}},
}
"""Rosa's report gives her magnesium as ">3.0 mg/dL"."""


@pytest.fixture(scope="module")
def context(screener: Any) -> FhirContext:
    return fhir_context(screener.ruleset)


def answer_of(response: dict[str, Any], link_id: str) -> dict[str, Any]:
    (item,) = [item for item in response["item"] if item["linkId"] == link_id]
    (answer,) = item["answer"]
    quantity: dict[str, Any] = answer["valueQuantity"]
    return quantity


def lab_response(link_id: str, quantity: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [{"linkId": link_id, "answer": [{"valueQuantity": quantity}]}]}


@pytest.mark.parametrize("version", ["R4", "R5"])
def test_walters_potassium_below_2_5_goes_out_with_the_comparator_and_screens_the_same_after_the_round_trip(
    screener: Any, context: FhirContext, version: str
) -> None:
    from screener.fhir import validate_resource

    response = answers_to_response(WALTER, context, version)  # type: ignore[arg-type]
    assert answer_of(response, "lab_potassium") == {"value": 2.5, "comparator": "<", "unit": "mmol/L", "system": UCUM, "code": "mmol/L"}
    validate_resource(response, version)
    back = response_to_answers(response, context)
    assert back.problems == []
    assert back.answers == WALTER
    entry = screen_record_entry(screener, response)
    assert entry == screener.screen_entry(WALTER)
    assert entry["urgency"] == "emergency"


def test_rosas_magnesium_above_3_mg_dl_goes_out_with_the_comparator_and_reads_back_as_above(screener: Any, context: FhirContext) -> None:
    response = answers_to_response(ROSA, context)
    assert answer_of(response, "lab_magnesium") == {"value": 3.0, "comparator": ">", "unit": "mg/dL", "system": UCUM, "code": "mg/dL"}
    back = response_to_answers(response, context)
    assert back.problems == []
    assert back.answers == ROSA
    assert screen_record_entry(screener, response) == screener.screen_entry(ROSA)


def test_a_potassium_answered_as_less_than_4_is_not_read_as_a_normal_4(context: FhirContext) -> None:
    read = response_to_answers(lab_response("lab_potassium", {"value": 4.0, "comparator": "<", "system": UCUM, "code": "mmol/L"}), context)
    assert read.problems == []
    assert read.answers == {"labs": {"potassium": {"below": 4.0, "unit": "mmol/L"}}}


@pytest.mark.parametrize(
    ("link_id", "quantity", "message"),
    [
        (
            "lab_potassium",
            {"value": 2.5, "comparator": "<=", "system": UCUM, "code": "mmol/L"},
            "question 'lab_potassium': the comparator '<=' allows the number itself, which the answers cannot carry: give the value, "
            "or '<' or '>' when the report gives the result only as below or above the number",
        ),
        (
            "lab_magnesium",
            {"value": 1.0, "comparator": "ad", "system": UCUM, "code": "mmol/L"},
            "question 'lab_magnesium': unknown comparator 'ad': expected '<' (a result below the number) or '>' (above it)",
        ),
        (
            "drinks_per_week",
            {"value": 14, "comparator": "<", "system": UCUM, "code": "{drinks}/wk"},
            "question 'drinks_per_week' expects an amount, not one given only as beyond a number (comparator '<')",
        ),
    ],
)
def test_a_comparator_that_cannot_be_carried_is_refused_with_its_path(context: FhirContext, link_id: str, quantity: dict[str, Any], message: str) -> None:
    read = response_to_answers(lab_response(link_id, quantity), context)
    assert [(p.path, p.message) for p in read.problems] == [("$.item[0].answer[0].valueQuantity.comparator", message)]
    assert "labs" not in read.answers and "alcohol" not in read.answers


def test_the_lab_items_of_the_questionnaire_are_quantities_whose_answers_may_carry_a_comparator(context: FhirContext) -> None:
    """FHIR's Quantity has a comparator wherever it is an answer: the lab items are quantity items
    (SDC defines no element of the Questionnaire saying that a comparator is allowed)."""
    from screener.fhir import validate_resource

    questionnaire = build_questionnaire(context)
    types = {item["linkId"]: item["type"] for item in questionnaire["item"]}
    assert types["lab_potassium"] == types["lab_magnesium"] == "quantity"
    for version in ("R4", "R5"):
        validate_resource(answers_to_response(ROSA, context, version), version)  # type: ignore[arg-type]
