"""`mgk-screen ask` and the web page, after the fourth newcomer review (section D):

- D1: a parent answering for an 8-year-old is told right after the age that the screener is
  built for adults, in words for a parent or carer, not only at the very end; and in the short
  result the notes on the answers come before the advice they change (as in the full result);
- D2: "not sure", "unsure" and "don't know" skip a question that may be skipped, or choose the
  question's own "not sure" answer where it has one; "boy" and "girl" are male and female;
- D3: a potassium or magnesium result known only as beyond a number ("below 3.5", "<3.5") is
  the answers file's ``below`` or ``above``; one known only as "low" or "high" is told what to
  type (the contract has no "low" without a number), in ask and on the web page;
- D4: a time word at a choice ("last week") is said back as what it was read as.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from test_cli_ask import ask, saved
from web_support import Visitor

from screener.interview import Interview, Questionnaire
from screener.render import render_short_result
from screener.web.forms import reply_text

#: Everything answered but the blood results (a healthy 35-year-old man).
EVERYTHING_BUT_THE_LABS = {
    "red_flags_now": [], "age": 35, "sex": "male", "diuretic_use": "no", "medications": [],
    "alcohol": {"audit_c": {"frequency": 0, "quantity": 0, "binge": 0}},
    "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none", "conditions": [],
    "diet": {"processed_food": "rarely", "fruit_veg_servings": 5}, "symptoms": [], "supplements": [],
}  # fmt: skip


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return Questionnaire.load()


def interview(questionnaire: Questionnaire, screener: Any, answers: dict[str, Any] | None = None) -> Interview:
    return Interview.for_ruleset(questionnaire, screener.ruleset, answers)


def answer(interview: Interview, key: str, text: str) -> Any:
    question = interview.next_question()
    assert question is not None and question.key == key, question
    return interview.answer(text)


# -- D1: a child -------------------------------------------------------------------------------


def test_a_mother_answering_for_her_8_year_old_son_is_told_at_once_that_the_screener_is_for_adults(
    questionnaire: Questionnaire, screener: Any
) -> None:
    person = interview(questionnaire, screener)
    answer(person, "red_flags_now", "0")
    reply = answer(person, "age", "8")
    assert reply.status == "answered"
    (note,) = reply.notes
    assert note.startswith("This screener is built for adults (18 and over)")
    assert "parent or carer answering for a child" in note and "doctor or nurse" in note
    assert answer(person, "sex", "boy").value == "male"  # D2: "boy" is male
    # Children under 12 are still not asked about alcohol.
    assert "alcohol_frequency" not in person.applicable_items()


def test_an_adult_is_not_told_the_screener_is_for_adults(questionnaire: Questionnaire, screener: Any) -> None:
    person = interview(questionnaire, screener)
    answer(person, "red_flags_now", "0")
    assert answer(person, "age", "18").notes == ()


def test_the_8_year_old_in_ask_hears_it_before_the_next_question_and_the_result_has_the_note_above_the_advice() -> None:
    replies = ["0", "8", "boy", "no", "none", "no", "no", "no", "0", "rarely", "5", "0", "0", "", "", ""]
    run = ask("--plain", replies=replies)
    assert run.exit_code == 0, run.output
    out = run.output
    told = out.index("This screener is built for adults (18 and over), so its result may not fit a child")
    assert out.index("How old are you?") < told < out.index("What is your sex?")
    result = out[out.rindex("Please note") - 2000 :]
    assert result.index("Please note") < result.index("Recommendations")


def test_in_the_short_result_a_note_on_the_answers_comes_before_the_recommendations(screener: Any) -> None:
    result = screener.screen({**EVERYTHING_BUT_THE_LABS, "age": 15})
    console = Console(file=io.StringIO(), width=100, no_color=True)
    render_short_result(result, console, plain=True)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert text.index("Please note") < text.index("built for adults") < text.index("Recommendations")


def test_the_web_page_says_it_on_the_page_after_the_age() -> None:
    visitor = Visitor()
    visitor.start()
    visitor.choose("None of these")
    visitor.type("8")
    assert visitor.question == "sex"
    assert "This screener is built for adults (18 and over), so its result may not fit a child" in visitor.text()


# -- D2: "not sure" ----------------------------------------------------------------------------


@pytest.mark.parametrize("said", ["not sure", "unsure", "I'm not sure", "don't know"])
def test_a_teenager_not_sure_what_to_answer_at_sex_skips_it(questionnaire: Questionnaire, screener: Any, said: str) -> None:
    person = interview(questionnaire, screener)
    answer(person, "red_flags_now", "0")
    answer(person, "age", "40")
    reply = answer(person, "sex", said)
    assert reply.status == "skipped"
    assert "sex" not in person.answers


def test_a_woman_who_does_not_know_whether_she_is_pregnant_is_not_sure(questionnaire: Questionnaire, screener: Any) -> None:
    person = interview(questionnaire, screener)
    answer(person, "red_flags_now", "0")
    answer(person, "age", "30")
    assert answer(person, "sex", "girl").value == "female"
    assert answer(person, "pregnant", "don't know").value == "unsure"
    assert person.answers["pregnant"] == "unsure"


def test_a_man_not_sure_about_his_medicines_skips_the_list_rather_than_naming_a_medicine_not_sure(
    questionnaire: Questionnaire, screener: Any
) -> None:
    person = interview(questionnaire, screener, {"red_flags_now": [], "age": 50, "sex": "male", "diuretic_use": "no"})
    reply = answer(person, "medications", "not sure")
    assert reply.status == "skipped" and "medications" not in person.answers


def test_skip_itself_still_skips_a_question_with_a_not_sure_answer(questionnaire: Questionnaire, screener: Any) -> None:
    person = interview(questionnaire, screener, {"red_flags_now": [], "age": 50, "sex": "male"})
    assert answer(person, "diuretic_use", "skip").status == "skipped"


# -- D3: a result known only as low, or below a number -----------------------------------------


def test_a_man_told_his_potassium_was_low_is_told_to_type_below_3_5_and_it_counts_as_low(
    questionnaire: Questionnaire, screener: Any
) -> None:
    person = interview(questionnaire, screener, EVERYTHING_BUT_THE_LABS)
    for said in ("low", "I was told it was low", "it was a bit low"):
        reply = answer(person, "lab_potassium", said)
        assert reply.status == "invalid"
        assert "type: below 3.5 mmol/L (where the normal range starts)" in reply.message
        assert "low potassium result" in reply.message
    assert answer(person, "lab_potassium", "below 3.5 mmol/L").status == "answered"
    answer(person, "lab_potassium_taken", "1")
    assert person.answers["labs"]["potassium"] == {"below": 3.5, "unit": "mmol/L", "taken": "last_7_days"}
    assert dict(line[1:] for line in person.review())["Most recent potassium blood result"] == "below 3.5 mmol/L"
    result = screener.screen(person.answers)
    assert "low_k_lab_from_bound" in {finding.rule for finding in result.findings}


@pytest.mark.parametrize(("said", "bound", "number"), [("<3.5", "below", 3.5), ("less than 3.2 mmol/l", "below", 3.2), ("above 5.5", "above", 5.5), ("> 6", "above", 6)])
def test_a_potassium_result_given_as_beyond_a_number_is_stored_as_the_contracts_bound(
    questionnaire: Questionnaire, screener: Any, said: str, bound: str, number: float
) -> None:
    person = interview(questionnaire, screener, EVERYTHING_BUT_THE_LABS)
    assert answer(person, "lab_potassium", said).status == "answered"
    potassium = person.answers["labs"]["potassium"]
    assert potassium[bound] == number and "value" not in potassium


def test_a_woman_told_her_magnesium_was_high_is_told_to_type_above_1_05(questionnaire: Questionnaire, screener: Any) -> None:
    person = interview(questionnaire, screener, EVERYTHING_BUT_THE_LABS)
    answer(person, "lab_potassium", "")
    reply = answer(person, "lab_magnesium", "high")
    assert "type: above 1.05 mmol/L (where the normal range ends)" in reply.message
    assert answer(person, "lab_magnesium", "above 1.05 mmol/L").status == "answered"
    assert person.answers["labs"]["magnesium"]["above"] == 1.05


def test_a_saved_bound_is_carried_on_from_and_not_asked_again(questionnaire: Questionnaire, screener: Any) -> None:
    given = {**EVERYTHING_BUT_THE_LABS, "labs": {"potassium": {"below": 3.5, "unit": "mmol/L", "taken": "last_7_days"}}}
    person = interview(questionnaire, screener, given)
    assert person.not_kept == [] and person.kept_as_given == []
    question = person.next_question()
    assert question is not None and question.key == "lab_magnesium"
    assert person.answers["labs"] == given["labs"]


def test_on_the_web_page_below_a_number_goes_with_the_unit_chosen(questionnaire: Questionnaire, screener: Any) -> None:
    person = interview(questionnaire, screener, EVERYTHING_BUT_THE_LABS)
    question = person.next_question()
    assert question is not None
    assert reply_text(question, {"answer": ["below 3.5"], "unit": ["mEq/L"]}) == "below 3.5 mEq/L"
    assert reply_text(question, {"answer": ["<3.5"], "unit": ["mmol/L"]}) == "<3.5 mmol/L"


def test_a_man_on_the_web_page_told_his_potassium_was_low_gives_below_3_5() -> None:
    visitor = Visitor()
    visitor.open("/")
    upload = {"answers": ("answers.json", json.dumps(EVERYTHING_BUT_THE_LABS).encode(), "application/json")}
    visitor.post("/resume", {"csrf": visitor.hidden("csrf")}, files=upload)
    assert visitor.question == "lab_potassium"
    visitor.type("low", unit="mmol/L")
    assert "type: below 3.5 mmol/L" in visitor.text()
    visitor.type("below 3.5", unit="mmol/L")
    assert visitor.question == "lab_potassium_taken"


# -- D4: time words ----------------------------------------------------------------------------


def test_last_week_at_when_was_the_test_taken_is_said_back(questionnaire: Questionnaire, screener: Any) -> None:
    person = interview(questionnaire, screener, EVERYTHING_BUT_THE_LABS)
    answer(person, "lab_potassium", "3.4")
    reply = answer(person, "lab_potassium_taken", "last week")
    assert reply.notes == ("'last week' is read as 'In the last 7 days'. If that is not right, go back and choose another answer.",)


def test_a_choice_by_its_number_or_its_label_is_not_said_back(questionnaire: Questionnaire, screener: Any) -> None:
    person = interview(questionnaire, screener, EVERYTHING_BUT_THE_LABS)
    answer(person, "lab_potassium", "3.4")
    assert answer(person, "lab_potassium_taken", "1").notes == ()
    person.back()
    assert answer(person, "lab_potassium_taken", "in the last 7 days").notes == ()


def test_in_ask_the_echo_is_shown(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(EVERYTHING_BUT_THE_LABS), encoding="utf-8")
    run = ask("--plain", "--resume", str(path), replies=["below 3.5", "last week", "", ""])
    assert run.exit_code == 0, run.output
    assert "Note: 'last week' is read as 'In the last 7 days'." in run.output
    assert saved(path)["labs"]["potassium"] == {"below": 3.5, "unit": "mmol/L", "taken": "last_7_days"}
