"""The exported Questionnaire speaks as a form, not as a terminal: a clinic loads it into
LHC-Forms, a SMART form filler or an EHR's form builder, and patients read its item texts, help
and placeholders there. Its words come from the questionnaire data (`form_text`, shared with the
web page; `form_help` and `form_example` where the terminal's help and example do not fit a form
someone else renders). Version "4" is these words (version "5" adds the ileostomy condition and a
sentence of the diarrhea help); responses to version "3", which asked the same
questions in the terminal's words, are still read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from terminal_words import terminal_words_in
from web_support import Visitor

from screener.fhir import FhirContext, answers_to_response, build_questionnaire, fhir_context, response_to_answers
from screener.fhir.mapping import ENTRY_FORMAT
from screener.fhir.records import screen_record_entry

ROSA = {
    "id": "rosa",
    "red_flags_now": [],
    "age": 67,
    "sex": "female",
    "diuretic_use": "yes",
    "medications": ["furosemide 40 mg", "omeprazole 20 mg"],
    "ppi_over_3_months": "yes",
    "alcohol": {"audit_c": {"frequency": 2, "quantity": 0, "binge": 0}, "drinks_per_week": 3},
    "symptoms": ["muscle_cramps", "fatigue"],
    "labs": {"potassium": {"below": 3.0, "unit": "mmol/L", "taken": "last_7_days"}},
}


@pytest.fixture(scope="module")
def context(screener: Any) -> FhirContext:
    return fhir_context(screener.ruleset)


def items(entries: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for entry in entries:
        yield entry
        yield from items(entry.get("item", []))


def words_shown(questionnaire: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every text a renderer shows a patient: titles, item texts, help, placeholders, answers."""
    yield "title", questionnaire["title"]
    yield "description", questionnaire["description"]
    for entry in items(questionnaire["item"]):
        yield entry["linkId"], entry.get("text", "")
        for extension in entry.get("extension", []):
            if extension["url"] == ENTRY_FORMAT:
                yield entry["linkId"] + " placeholder", extension["valueString"]
        for option in entry.get("answerOption", []):
            yield entry["linkId"] + " answer", option.get("valueCoding", {}).get("display", "")


@pytest.mark.parametrize("version", ["R4", "R5"])
def test_nothing_the_exported_questionnaire_shows_speaks_of_the_keyboard(context: FhirContext, version: str) -> None:
    shown = list(words_shown(build_questionnaire(context, version)))  # type: ignore[arg-type]
    assert len(shown) > 100
    assert [(where, text) for where, text in shown if terminal_words_in(text)] == []


def test_every_question_whose_terminal_words_speak_of_the_keyboard_has_words_for_a_form(context: FhirContext) -> None:
    """Driven from the data: a new question typed for the terminal only fails here, not in a clinic."""
    for item in context.questionnaire.items:
        if terminal_words_in(item.text):
            assert item.form_text is not None, item.id
        if terminal_words_in(item.help):
            assert item.form_help is not None, item.id


def test_a_box_beside_a_unit_list_shows_the_number_alone_and_the_medicine_box_one_name(context: FhirContext) -> None:
    """The form's unit list gives the unit and each medicine is its own answer, so "e.g. 3.4 mmol/L"
    or "e.g. Lasix 40 mg, omeprazole" in the box would show what the box does not take."""
    questionnaire = build_questionnaire(context, "R4")
    by_id = {entry["linkId"]: entry for entry in questionnaire["item"]}
    for item in context.questionnaire.items:
        placeholder = [e["valueString"] for e in by_id[item.id].get("extension", []) if e["url"] == ENTRY_FORMAT]
        if item.type == "quantity":
            assert placeholder and re.fullmatch(r"e\.g\. \d+(\.\d+)?", placeholder[0]), (item.id, placeholder)
        if item.type == "text_list":
            assert placeholder and "," not in placeholder[0], (item.id, placeholder)


def test_the_help_of_a_lab_result_says_what_to_do_with_a_result_given_only_as_below_or_above(context: FhirContext) -> None:
    questionnaire = build_questionnaire(context, "R4")
    for link_id in ("lab_potassium", "lab_magnesium"):
        (help_item,) = next(entry for entry in questionnaire["item"] if entry["linkId"] == link_id)["item"]
        text = help_item["text"]
        assert "below (<) or above (>)" in text and "comparator" in text, link_id
        assert "do not give the number alone" in text and "Leave the box empty" in text, link_id


def test_the_medicines_help_on_a_form_promises_no_check_that_a_form_does_not_make(context: FhirContext) -> None:
    questionnaire = build_questionnaire(context, "R4")
    (help_item,) = next(entry for entry in questionnaire["item"] if entry["linkId"] == "medications")["item"]
    assert "We check each name with you" not in help_item["text"]
    assert "choose None if you take none" in help_item["text"]
    assert "We check each name with you" in context.questionnaire.item("medications").help  # the terminal and the page do


def test_the_web_page_and_the_exported_questionnaire_ask_in_the_same_words(context: FhirContext) -> None:
    exported = {entry["linkId"]: entry.get("text") for entry in build_questionnaire(context, "R4")["item"]}
    visitor = Visitor()
    visitor.start()
    visitor.choose("None of these")
    visitor.type("50")
    visitor.choose("Male")
    visitor.choose("No")
    assert visitor.question == "medications"
    assert visitor.heading == exported["medications"] == context.questionnaire.item("medications").form_text
    visitor.type("none")
    visitor.choose("2 to 4 times a month")
    assert visitor.question == "alcohol_quantity"
    assert visitor.heading == exported["alcohol_quantity"] == context.questionnaire.item("alcohol_quantity").form_text


def test_the_questionnaire_is_version_7_and_a_response_written_now_names_it(context: FhirContext) -> None:
    assert build_questionnaire(context, "R4")["version"] == "7"
    response = answers_to_response(ROSA, context)
    assert response["questionnaire"].endswith("|7")
    assert next(entry for entry in response["item"] if entry["linkId"] == "medications")["text"] == context.questionnaire.item("medications").form_text


@pytest.mark.parametrize("version", ["3", "4", "5", "6", "7"])
def test_rosa_filled_in_version_3_4_or_5_screens_the_same(context: FhirContext, screener: Any, version: str) -> None:
    """Rosa, 67, on furosemide and omeprazole for years, a potassium 'below 3.0' last week: a
    response to version 3 carries the terminal's words in its item texts; it is read by linkId
    and screens as her answers do."""
    response = answers_to_response(ROSA, context)
    response["questionnaire"] = response["questionnaire"].rsplit("|", 1)[0] + "|" + version
    if version == "3":
        for entry in response["item"]:
            entry["text"] = context.questionnaire.item(entry["linkId"]).text
        assert any(terminal_words_in(entry["text"]) for entry in response["item"])
    read = response_to_answers(response, context)
    assert read.problems == [] and read.notes == []
    assert read.answers["labs"]["potassium"] == {"below": 3.0, "unit": "mmol/L", "taken": "last_7_days"}
    assert screen_record_entry(screener, response) == screener.screen_entry(ROSA)
