"""Pregnancy can be recorded, and the screen acts on it (README, "Where we departed from the
written spec": a contract addition the spec lacks).

Vomiting in pregnancy (at its worst hyperemesis gravidarum) drains potassium and magnesium together
and needs care sooner than ordinary vomiting; and in pregnancy the usual self-care (supplements,
Epsom salts, laxatives, changing medicines) needs the midwife's or clinician's say first. Pregnancy
changes no level: it changes how soon to get help, and what not to do alone.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from result_support import codes
from screener.cli.main import app
from typer.testing import CliRunner

from screener.batch.answer_columns import answer_columns
from screener.batch.csv_answers import write_answers_csv
from screener.batch.readers import RawRecord, iter_records
from screener.contract.answers import Answers
from screener.contract.coverage import SECTION_WORDS, applies
from screener.contract.validation import load_schema
from screener.fhir import answers_to_response, build_questionnaire, fhir_context, response_to_answers
from screener.interview import Interview, Questionnaire

runner = CliRunner()


def screen(screener: Any, answers: dict[str, Any]) -> Any:
    return screener.screen(answers)



def text_of(result: Any, code: str) -> str:
    return next(recommendation.text for recommendation in result.recommendations if recommendation.code == code)


def fired(result: Any) -> set[str]:
    return {finding.rule for finding in result.findings}


def pregnant_woman(pregnant: str = "yes", **answers: Any) -> dict[str, Any]:
    return {"age": 27, "sex": "female", "pregnant": pregnant, **answers}


# -- vomiting in pregnancy ------------------------------------------------------------------------


def test_priya_twelve_weeks_pregnant_who_cannot_keep_fluids_down_is_urgent(screener: Any) -> None:
    result = screen(screener, pregnant_woman(vomiting={"present": True, "days": 4, "cannot_keep_fluids_down": True}))
    assert result.urgency == "urgent"
    assert codes(result)[:2] == ["contact_clinician_today", "pregnancy_vomiting"]
    assert "hyperemesis gravidarum" in text_of(result, "pregnancy_vomiting")


def test_amara_pregnant_and_vomiting_four_times_a_day_is_a_same_day_contact(screener: Any) -> None:
    result = screen(screener, pregnant_woman(vomiting={"present": True, "days": 2, "episodes_per_day": 4}))
    assert result.urgency == "urgent"
    assert "urgent_vomiting_several_times_a_day_in_pregnancy" in fired(result)
    assert codes(result)[0] == "contact_clinician_today"


def test_the_same_vomiting_in_a_woman_who_is_not_pregnant_is_not_a_same_day_contact(screener: Any) -> None:
    result = screen(screener, pregnant_woman("no", vomiting={"present": True, "days": 2, "episodes_per_day": 4}))
    assert result.urgency != "urgent"
    assert "pregnancy_vomiting" not in codes(result)


@pytest.mark.parametrize("episodes_per_day", [1, 2])
def test_jo_pregnant_and_sick_once_or_twice_a_day_is_told_about_hyperemesis_and_when_to_get_help_today(
    screener: Any, episodes_per_day: int
) -> None:
    result = screen(
        screener, pregnant_woman(vomiting={"present": True, "days": 2, "episodes_per_day": episodes_per_day})
    )
    assert result.urgency not in ("urgent", "emergency")  # ordinary pregnancy sickness is not a same-day matter
    advice = text_of(result, "pregnancy_vomiting")
    assert "hyperemesis gravidarum" in advice and "midwife" in advice
    assert "today if you cannot keep fluids down for 24 hours" in advice
    assert "vomiting several times a day" in advice and "dizzy or faint" in advice


def test_lena_not_sure_whether_she_is_pregnant_gets_the_advice_but_not_the_urgency(screener: Any) -> None:
    result = screen(screener, pregnant_woman("unsure", vomiting={"present": True, "days": 2, "episodes_per_day": 4}))
    assert "pregnancy_vomiting" in codes(result) and "pregnancy_check_first" in codes(result)
    assert "urgent_vomiting_several_times_a_day_in_pregnancy" not in fired(result)


def test_pregnant_without_vomiting_gets_no_vomiting_advice(screener: Any) -> None:
    assert "pregnancy_vomiting" not in codes(screen(screener, pregnant_woman(vomiting={"present": False})))


# -- self-care in pregnancy ----------------------------------------------------------------------


def test_sofia_pregnant_with_leg_cramps_is_told_to_ask_her_midwife_before_supplements_laxatives_or_medicine_changes(
    screener: Any,
) -> None:
    result = screen(screener, pregnant_woman(symptoms=["muscle_cramps"]))
    advice = text_of(result, "pregnancy_check_first")
    for words in ("potassium or magnesium supplement", "Epsom salts", "laxative", "change any medicine", "midwife"):
        assert words in advice
    assert "Do not stop a prescribed medicine" in advice


@pytest.mark.parametrize("pregnant", ["no", None])
def test_a_woman_not_said_to_be_pregnant_gets_no_pregnancy_advice(screener: Any, pregnant: str | None) -> None:
    answers = {"age": 27, "sex": "female", "symptoms": ["muscle_cramps"], "vomiting": {"present": True}}
    if pregnant:
        answers["pregnant"] = pregnant
    assert not {"pregnancy_check_first", "pregnancy_vomiting"} & set(codes(screen(screener, answers)))


@pytest.mark.parametrize(
    "answers",
    [
        {"symptoms": ["muscle_cramps"]},
        {"symptoms": ["muscle_cramps", "fatigue"], "vomiting": {"present": True, "days": 10}},
        {"medications": ["furosemide 40 mg"], "symptoms": ["muscle_cramps"]},
        {"vomiting": {"present": True, "days": 3}, "labs": {"potassium": {"value": 3.1, "unit": "mmol/L"}}},
    ],
    ids=["leg cramps", "cramps and vomiting for 10 days", "a diuretic and cramps", "vomiting and a low potassium"],
)
def test_pregnancy_changes_no_level(screener: Any, answers: dict[str, Any]) -> None:
    def levels(pregnant: str) -> tuple[str, str, str]:
        result = screen(screener, pregnant_woman(pregnant, **answers))
        return result.combined_depletion, result.magnesium_depletion, result.potassium_depletion

    assert levels("yes") == levels("no")


# -- the answers contract, in every door ---------------------------------------------------------


def test_an_answers_file_without_pregnancy_stays_valid_and_the_field_takes_yes_no_or_unsure(screener: Any) -> None:
    assert Answers.model_validate({"age": 30, "sex": "female"}).pregnant is None
    for value in ("yes", "no", "unsure"):
        assert Answers.model_validate({"pregnant": value}).pregnant == value
    schema = load_schema("answers.schema.json")
    assert schema["properties"]["pregnant"]["anyOf"][0]["enum"] == ["yes", "no", "unsure"]


def test_a_pregnancy_answer_that_is_not_yes_no_or_unsure_is_refused_with_its_path(tmp_path: Path) -> None:
    source = tmp_path / "answers.jsonl"
    source.write_text(json.dumps({"id": "a", "pregnant": "maybe"}) + "\n", encoding="utf-8")
    run = runner.invoke(app, ["batch", str(source), "--quiet"])
    (entry,) = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert entry["status"] == "invalid"
    assert [error["path"] for error in entry["errors"]] == ["$.pregnant"]


def test_a_jsonl_batch_screens_pregnancy(tmp_path: Path) -> None:
    source = tmp_path / "answers.jsonl"
    records = [
        pregnant_woman(id="priya", vomiting={"present": True, "episodes_per_day": 5}),
        {"id": "old file", "age": 27, "sex": "female", "vomiting": {"present": True, "episodes_per_day": 5}},
    ]
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    run = runner.invoke(app, ["batch", str(source), "--quiet", "--detail", "full"])
    assert run.exit_code == 0, run.output
    priya, old = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert priya["urgency"] == "urgent" and "pregnant" not in priya["unanswered_sections"]
    assert old["status"] == "screened" and "pregnant" in old["unanswered_sections"]


def test_the_spreadsheet_has_a_pregnant_column_and_keeps_the_answer_through_a_round_trip() -> None:
    assert "pregnant" in [column.name for column in answer_columns()]
    template = runner.invoke(app, ["template", "csv"])
    assert "pregnant" in template.stdout.split(",")
    records = [pregnant_woman(value, id=value) for value in ("yes", "no", "unsure")] + [{"id": "blank", "age": 27}]
    out = io.StringIO(newline="")
    write_answers_csv(records, out)
    read = list(iter_records(["-"], stdin=io.BytesIO(out.getvalue().encode("utf-8"))))
    assert [item.value for item in read if isinstance(item, RawRecord)] == records


def test_a_spreadsheet_cell_says_pregnant_in_any_case() -> None:
    sheet = b"id,sex,pregnant\nr1,female,YES\nr2,female,\n"
    values = [item.value for item in iter_records(["-"], stdin=io.BytesIO(sheet)) if isinstance(item, RawRecord)]
    assert values == [{"id": "r1", "sex": "female", "pregnant": "yes"}, {"id": "r2", "sex": "female"}]


def test_a_parquet_file_keeps_the_pregnancy_answer(tmp_path: Path) -> None:
    from screener.batch.parquet_io import write_answers_parquet

    path = tmp_path / "answers.parquet"
    write_answers_parquet([Answers.model_validate(pregnant_woman("unsure", id="p1"))], str(path))
    (record,) = [item for item in iter_records([str(path)]) if isinstance(item, RawRecord)]
    assert record.value["pregnant"] == "unsure"


def test_a_fhir_questionnaire_response_carries_pregnancy_status_as_loinc_and_reads_back(screener: Any) -> None:
    context = fhir_context(screener.ruleset)
    questionnaire = build_questionnaire(context, "R4")
    item = next(entry for entry in questionnaire["item"] if entry["linkId"] == "pregnant")
    assert item["code"] == [{"system": "http://loinc.org", "code": "82810-3", "display": "Pregnancy status"}]
    assert {option["valueCoding"]["code"] for option in item["answerOption"]} == {"LA15173-0", "LA26683-5", "LA4489-6"}
    assert item["enableBehavior"] == "all" and {(c["question"], c["operator"]) for c in item["enableWhen"]} == {
        ("sex", "exists"), ("sex", "!="), ("age", ">="), ("age", "<=")
    }  # fmt: skip
    answers = pregnant_woman(vomiting={"present": True, "episodes_per_day": 4})
    response = answers_to_response(answers, context)
    (entry,) = [entry for entry in response["item"] if entry["linkId"] == "pregnant"]
    assert entry["answer"][0]["valueCoding"]["code"] == "LA15173-0"
    conversion = response_to_answers(response, context)
    assert conversion.problems == [] and conversion.answers["pregnant"] == "yes"


# -- whom the question applies to ----------------------------------------------------------------

WHO_IS_ASKED = [
    pytest.param({"age": 27, "sex": "female"}, True, id="a woman of 27"),
    pytest.param({"age": 34, "sex": "other"}, True, id="'other' of 34"),
    pytest.param({"age": 10, "sex": "female"}, True, id="a girl of 10"),
    pytest.param({"age": 55, "sex": "female"}, True, id="a woman of 55"),
    pytest.param({"age": 9, "sex": "female"}, False, id="a girl of 9"),
    pytest.param({"age": 56, "sex": "female"}, False, id="a woman of 56"),
    pytest.param({"age": 27, "sex": "male"}, False, id="a man of 27"),
]


@pytest.mark.parametrize(("given", "asked"), WHO_IS_ASKED)
def test_pregnancy_is_asked_of_women_and_other_aged_10_to_55(screener: Any, given: dict[str, Any], asked: bool) -> None:
    interview = Interview.for_ruleset(Questionnaire.load(), screener.ruleset)
    for reply in ("0", str(given["age"]), given["sex"]):
        assert interview.answer(reply).moved_on
    question = interview.next_question()
    assert question is not None
    assert (question.key == "pregnant") is asked
    # The result lists it as unanswered exactly when the questionnaire would have asked it.
    assert ("pregnant" in screen(screener, given).unanswered_sections) is asked
    assert applies("pregnant", given, set()) is asked


def test_with_sex_or_age_not_given_pregnancy_is_not_asked_nor_listed_as_unanswered(screener: Any) -> None:
    """A condition on a skipped question is not met (the questionnaire's rule, as FHIR's)."""
    for replies, given in ((["0", "skip", "female"], {"sex": "female"}), (["0", "30", "skip"], {"age": 30})):
        interview = Interview.for_ruleset(Questionnaire.load(), screener.ruleset)
        for reply in replies:
            assert interview.answer(reply).moved_on
        question = interview.next_question()
        assert question is not None and question.key != "pregnant"
        assert "pregnant" not in screen(screener, given).unanswered_sections


def test_the_unanswered_pregnancy_question_is_named_in_plain_words() -> None:
    assert SECTION_WORDS["pregnant"] == "pregnancy"


def test_ask_in_the_terminal_asks_a_young_woman_whether_she_is_pregnant_and_saves_it(tmp_path: Path) -> None:
    saved = tmp_path / "answers.json"
    replies = ["0", "29", "female", "yes", "no", "none", "never", "no", "yes", "2", "4", "yes"]
    run = runner.invoke(app, ["ask", "--save", str(saved)], input="".join(reply + "\n" for reply in replies) + "\x04")
    assert "Are you pregnant?" in run.output
    answers = json.loads(saved.read_text(encoding="utf-8"))
    assert answers["pregnant"] == "yes" and answers["vomiting"]["episodes_per_day"] == 4


def test_ask_in_the_terminal_does_not_ask_a_man(tmp_path: Path) -> None:
    replies = ["0", "29", "male", "no", "none"]
    run = runner.invoke(app, ["ask"], input="".join(reply + "\n" for reply in replies) + "\x04")
    assert "Are you pregnant?" not in run.output
