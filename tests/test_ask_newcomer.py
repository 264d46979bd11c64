"""What a newcomer at a keyboard does to `mgk-screen ask`, and what it says back (a newcomer's
review of the terminal questionnaire).

- A reply that only looks like a number ("²", a superscript typed by accident; a key held down
  for thousands of digits) is asked again, never a crash that loses every answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_cli_ask import NOTHING_TO_REPORT, REVIEW_DONE, ask, saved

from screener.errors import ExitCode
from screener.interview import Interview, Questionnaire

HELD_DOWN = "9" * 5000  # past int()'s 4,300 digits


@pytest.fixture
def interview(screener: Any) -> Interview:
    return Interview.for_ruleset(Questionnaire.load(), screener.ruleset)


# -- replies that look like numbers --------------------------------------------------------------


@pytest.mark.parametrize("reply", ["²", "¹, ²", HELD_DOWN, f"1, {HELD_DOWN}"])
def test_a_superscript_or_endless_number_at_a_numbered_choice_is_asked_again(interview: Interview, reply: str) -> None:
    question = interview.next_question()
    assert question is not None and question.key == "red_flags_now"
    assert interview.answer(reply).status == "invalid"
    assert interview.answer("0").moved_on
    assert interview.answer("72").moved_on
    assert interview.answer(reply).status == "invalid", "the sex question, a single choice"


def test_an_endless_number_of_drinks_or_lab_value_is_asked_again(interview: Interview) -> None:
    for reply in ["0", "35", "male", "no", "none"]:
        assert interview.answer(reply).moved_on
    assert interview.answer("2 to 4 times a month").moved_on
    question = interview.next_question()
    assert question is not None and question.key == "alcohol_quantity"
    assert interview.answer(HELD_DOWN).moved_on, "more drinks than any band: the top band"
    for reply in ["never", "5", "no", "no", "no", "0", "rarely", "5", "0", "0"]:
        assert interview.answer(reply).moved_on, reply
    question = interview.next_question()
    assert question is not None and question.key == "lab_potassium"
    reply = interview.answer(f"{HELD_DOWN} mmol/L")
    assert reply.status == "invalid" and "too large" in (reply.message or "")


def test_a_superscript_at_the_review_is_asked_again_and_the_answers_are_saved(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    run = ask("--save", str(path), "--plain", replies=[*NOTHING_TO_REPORT, "²", HELD_DOWN, *REVIEW_DONE])
    assert run.exit_code == ExitCode.OK, run.output
    assert run.output.count("Please type a number from 1 to") == 2
    assert saved(path)["age"] == 35
