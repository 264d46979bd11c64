"""People with an ileostomy: asked, counted, and pointed to their stoma team.

A review case, a new high-output ileostomy, got the generic advice: the questionnaire, the answers
contract, the spreadsheet columns and the FHIR mapping had no way to record a stoma. An ileostomy
is now a condition (`ileostomy`, an addition to contract v2; questionnaire version 5). It counts as
a lasting gut loss of both minerals, as malabsorption does (rule `malabsorption_from_an_ileostomy`
asserts the fact `malabsorption`), and watery or high output (the diarrhea answers given with an
ileostomy) brings a line to the stoma team: the rehydration solution used for stomas and how much
plain water to drink are theirs to advise. A colostomy is not counted: the large bowel above it
still absorbs water and salts. README, "Where we departed from the written spec": a stoma.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from test_clinical_cases import check_always_true, codes, fired, text_of
from typer.testing import CliRunner

from screener import ScreeningResult
from screener.contract.answers import CONDITION_CODES
from screener.contract.validation import load_schema
from screener.fhir import Located, fhir_context, patient_to_answers
from screener.fhir.questionnaire import build_questionnaire
from screener.fhir.response import answers_to_response, response_to_answers
from screener.interview.questionnaire import Questionnaire

SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
NO_OTHER_GUT_LOSSES = {"vomiting": {"present": False}, "laxative_use": "none"}
STOMA_LINE = "stoma_team_for_high_output"

# Nadia, 34, had her colon removed for ulcerative colitis three weeks ago; her new ileostomy has
# been pouring watery output for three days (she empties the bag ten times a day). Cramps, tired.
NADIA_34_WITH_A_NEW_HIGH_OUTPUT_ILEOSTOMY = {
    "id": "nadia", "age": 34, "sex": "female", "medications": ["none"], "conditions": ["ileostomy"],
    "diarrhea": {"present": True, "days": 3, "stools_per_day": 10}, **NO_OTHER_GUT_LOSSES,
    "alcohol": {"drinks_per_week": 0}, "symptoms": ["muscle_cramps", "fatigue"], "red_flags_now": [],
}  # fmt: skip
# Frank, 68, has had an ileostomy for years; its output is settled. No medicines, no symptoms.
FRANK_68_WITH_A_SETTLED_ILEOSTOMY = {
    "id": "frank", "age": 68, "sex": "male", "medications": ["none"], "conditions": ["ileostomy"],
    "diarrhea": {"present": False}, **NO_OTHER_GUT_LOSSES, "alcohol": {"drinks_per_week": 2},
    "symptoms": [], "red_flags_now": [],
}  # fmt: skip
# Ben, 8, has an ileostomy after surgery for Hirschsprung's disease; watery output for two days.
BEN_8_WITH_AN_ILEOSTOMY_AND_WATERY_OUTPUT = {
    "id": "ben", "age": 8, "sex": "male", "medications": ["none"], "conditions": ["ileostomy"],
    "diarrhea": {"present": True, "days": 2, "stools_per_day": 8}, **NO_OTHER_GUT_LOSSES,
    "symptoms": ["fatigue"], "red_flags_now": [],
}  # fmt: skip


def screen(screener: Any, answers: dict[str, Any]) -> ScreeningResult:
    result = screener.screen(answers)
    check_always_true(result)
    return result


def without_the_ileostomy(answers: dict[str, Any]) -> dict[str, Any]:
    return {**answers, "conditions": []}


# -- counted, as malabsorption is ---------------------------------------------------------------


def test_nadia_with_a_new_high_output_ileostomy_has_it_counted_as_a_gut_loss_of_both_minerals(screener: Any) -> None:
    result = screen(screener, NADIA_34_WITH_A_NEW_HIGH_OUTPUT_ILEOSTOMY)
    assert {"malabsorption_from_an_ileostomy", "rf_malabsorption"} <= fired(result)
    assert "malabsorption" in result.risk_factors
    assert result.combined_depletion in ("possible", "likely")


def test_frank_with_a_settled_ileostomy_still_has_it_counted_but_is_not_sent_to_the_stoma_team(screener: Any) -> None:
    result = screen(screener, FRANK_68_WITH_A_SETTLED_ILEOSTOMY)
    assert "malabsorption" in result.risk_factors
    assert STOMA_LINE not in codes(result)
    before = screen(screener, without_the_ileostomy(FRANK_68_WITH_A_SETTLED_ILEOSTOMY))
    assert "malabsorption" not in before.risk_factors


@pytest.mark.parametrize("person", [NADIA_34_WITH_A_NEW_HIGH_OUTPUT_ILEOSTOMY, FRANK_68_WITH_A_SETTLED_ILEOSTOMY])
def test_an_ileostomy_never_lowers_a_level_or_the_urgency(screener: Any, person: dict[str, Any]) -> None:
    order = ["unlikely", "possible", "likely"]
    urgency = ["none", "routine", "soon", "urgent", "emergency"]
    with_it, without = screen(screener, person), screen(screener, without_the_ileostomy(person))
    for part in ("combined_depletion", "magnesium_depletion", "potassium_depletion"):
        assert order.index(getattr(with_it, part)) >= order.index(getattr(without, part))
    assert urgency.index(with_it.urgency) >= urgency.index(without.urgency)


# -- watery or high output: the stoma team ------------------------------------------------------


def test_nadia_is_told_to_ask_her_stoma_team_about_the_rehydration_solution_for_stomas_and_plain_water(
    screener: Any,
) -> None:
    result = screen(screener, NADIA_34_WITH_A_NEW_HIGH_OUTPUT_ILEOSTOMY)
    line = text_of(result, STOMA_LINE)
    assert "Tell your stoma nurse or stoma team" in line
    assert "ask them about the oral rehydration solution used for stomas (such as St Mark's solution)" in line
    # restricting plain water is the team's call, never the screen's
    assert "how much plain water, tea and coffee to drink" in line and "for your team to say" in line
    assert "more than a day" in line and "today" in line
    # the fluids line beside it agrees (a rehydration solution is best), so both are kept
    assert "fluids_for_gi_losses" in codes(result)
    assert codes(result).index("fluids_for_gi_losses") < codes(result).index(STOMA_LINE)


def test_diarrhea_without_an_ileostomy_brings_no_stoma_line(screener: Any) -> None:
    result = screen(screener, without_the_ileostomy(NADIA_34_WITH_A_NEW_HIGH_OUTPUT_ILEOSTOMY))
    assert STOMA_LINE not in codes(result)


def test_nadia_fainting_now_is_sent_to_emergency_care_without_the_stoma_line(screener: Any) -> None:
    result = screen(screener, {**NADIA_34_WITH_A_NEW_HIGH_OUTPUT_ILEOSTOMY, "red_flags_now": ["fainting"]})
    assert result.urgency == "emergency"
    assert STOMA_LINE not in codes(result)


def test_ben_8_with_watery_output_is_pointed_to_his_stoma_team_in_words_for_his_parent(screener: Any) -> None:
    result = screen(screener, BEN_8_WITH_AN_ILEOSTOMY_AND_WATERY_OUTPUT)
    assert STOMA_LINE in codes(result)
    assert "child_dehydration_signs" in codes(result)
    assert "rf_malabsorption" in fired(result)
    # the parent answering for him is told about the child's team, not "you feel dizzy"
    line = text_of(result, STOMA_LINE)
    assert "Tell the child's stoma nurse or stoma team" in line
    assert "the child seems dizzy or very thirsty or passes little urine" in line
    assert not re.search(r"\byou (feel|pass)\b|\byour (stoma|team|GP)\b", line)


# -- the contract, the questionnaire, the spreadsheet -------------------------------------------


def test_ileostomy_is_a_condition_of_the_contract_the_schema_and_the_questionnaire() -> None:
    assert "ileostomy" in CONDITION_CODES
    schema = load_schema("answers.schema.json")
    assert "ileostomy" in schema["properties"]["conditions"]["anyOf"][0]["items"]["enum"]
    assert schema["properties"]["conditions"]["anyOf"][0]["maxItems"] == len(CONDITION_CODES)
    (item,) = [item for item in Questionnaire.load(None).items if item.id == "conditions"]
    # asked last, so that the numbers people type for the other conditions stay as they were
    assert [choice.value for choice in item.choices][-2:] == ["type_1_diabetes", "ileostomy"]
    assert "a colostomy does not count here" in item.choices[-1].label


def test_the_diarrhea_question_tells_someone_with_a_stoma_when_to_answer_yes() -> None:
    item = Questionnaire.load(None).item("diarrhea_present")
    assert "If you have a stoma, answer yes when its output has been watery, or much more than usual." in item.help


@pytest.mark.parametrize("written", ["colostomy", "urostomy"])
def test_a_colostomy_written_as_a_condition_is_refused_without_offering_ileostomy(tmp_path: Path, written: str) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(f'{{"conditions": ["{written}"]}}', encoding="utf-8")
    run = CliRunner().invoke(app, ["validate", str(answers)])
    assert run.exit_code != 0
    assert (
        f'$.conditions[0]: unknown value "{written}" (a colostomy or urostomy is not one of the conditions'
        in run.output
    )
    assert "did you mean 'ileostomy'" not in run.output


def test_an_ileostomy_in_a_spreadsheet_cell_is_read_and_screened(tmp_path: Path) -> None:
    sheet = tmp_path / "clinic.csv"
    sheet.write_text("id,conditions,diarrhea.present\nnadia,ileostomy,yes\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    run = CliRunner().invoke(app, ["batch", str(sheet), "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert '"stoma_team_for_high_output"' in out.read_text(encoding="utf-8")


# -- FHIR: the exported Questionnaire, responses and EHR conditions ----------------------------


def test_the_exported_questionnaire_since_version_5_offers_an_ileostomy(screener: Any) -> None:
    context = fhir_context(screener.ruleset)
    exported = build_questionnaire(context, "R4")
    assert int(exported["version"]) >= 5
    (conditions,) = [entry for entry in exported["item"] if entry["linkId"] == "conditions"]
    assert "ileostomy" in [option["valueCoding"]["code"] for option in conditions["answerOption"]]


def test_nadias_questionnaire_response_reads_her_ileostomy_back(screener: Any) -> None:
    context = fhir_context(screener.ruleset)
    response = answers_to_response(NADIA_34_WITH_A_NEW_HIGH_OUTPUT_ILEOSTOMY, context)
    read = response_to_answers(response, context)
    assert read.problems == []
    assert read.answers["conditions"] == ["ileostomy"]


@pytest.mark.parametrize(
    ("system", "code"), [(ICD10, "Z93.2"), (ICD10_CM, "Z93.2"), (SNOMED, "264364002")]
)  # fmt: skip
def test_a_coded_ileostomy_in_an_ehr_record_is_read_as_an_ileostomy(screener: Any, system: str, code: str) -> None:
    assert fhir_context(screener.ruleset).mapping.conditions_for(system, code) == ["ileostomy"]


def test_a_colostomy_in_an_ehr_record_is_not_read_as_an_ileostomy(screener: Any) -> None:
    mapping = fhir_context(screener.ruleset).mapping
    assert mapping.conditions_for(ICD10, "Z93.3") == []
    assert mapping.conditions_for(ICD10_CM, "Z93.3") == []


def ehr_condition(code: str, display: str) -> Located:
    resource = {
        "resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
        "code": {"coding": [{"system": SNOMED, "code": code, "display": display}]},
    }  # fmt: skip
    return Located(resource, "$.entry[0].resource")


def test_an_ileostomy_under_a_snomed_code_the_mapping_lacks_is_named_for_someone_to_ask_about(screener: Any) -> None:
    context = fhir_context(screener.ruleset)
    out = patient_to_answers([ehr_condition("999999999", "Ileostomy present")], context, date(2026, 12, 1), "p1")
    assert "conditions" not in out.answers  # never read from its name, never "none of these"
    assert any("may be ileostomy" in note for note in out.notes)
