"""A child under 12, whose parent or carer answers, is spoken of, not to, outside the advice too
(verify 6, F9; README, "Where we departed from the written spec, and why"): the how-soon words, the
disclaimer and its closing words come from ruleset.json's ``to_parent``, and the sections left
unanswered are named for no one in particular."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from screener.cli.main import app
from typer.testing import CliRunner

runner = CliRunner()
NO_GUT_LOSSES = {"diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none"}

# Noah, 6, with nephrotic syndrome on prednisolone and furosemide, with cramps and tiredness.
NOAH_6_ON_PREDNISOLONE_AND_FUROSEMIDE = {
    "age": 6, "sex": "male", "medications": ["prednisolone 60mg", "furosemide 20mg"], **NO_GUT_LOSSES,
    "symptoms": ["muscle_cramps", "fatigue"], "red_flags_now": [], "supplements": [],
}

# Ava, 10, with Bartter syndrome on indometacin, Sando-K and spironolactone, potassium 3.0 this week;
# whether she is pregnant and whether potassium stays low on it were left unanswered.
AVA_10_WITH_BARTTER_SYNDROME = {
    "age": 10, "sex": "female", "medications": ["indometacin 25mg tds", "Sando-K 2 tds", "spironolactone 25mg"],
    **NO_GUT_LOSSES, "symptoms": ["fatigue"], "red_flags_now": [], "supplements": ["potassium_prescribed"],
    "labs": {
        "potassium": {"value": 3.0, "unit": "mmol/L", "taken": "last_7_days"},
        "magnesium": {"value": 0.72, "unit": "mmol/L", "taken": "last_7_days"},
    },
}

# Rita, 45, with cramps only, answering for herself.
RITA_45_WITH_CRAMPS = {"age": 45, "sex": "female", "medications": [], **NO_GUT_LOSSES, "symptoms": ["muscle_cramps"]}


def _plain(tmp_path: Path, answers: dict[str, Any]) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    run = runner.invoke(app, ["screen", str(path), "--plain"])
    assert run.exit_code == 0, run.output
    return " ".join(run.stdout.split())


def test_noahs_parent_is_told_to_discuss_it_at_the_childs_next_visit(screener: Any, tmp_path: Path) -> None:
    result = screener.screen(NOAH_6_ON_PREDNISOLONE_AND_FUROSEMIDE)
    assert result.urgency == "routine"
    assert result.urgency_text == "discuss at the child's next visit"
    assert "If the child seems unwell or you are worried, contact a clinician." in result.disclaimer
    assert result.disclaimer.endswith("worth discussing with the child's clinician at the child's next visit.")
    text = _plain(tmp_path, NOAH_6_ON_PREDNISOLONE_AND_FUROSEMIDE)
    assert "How soon: routine - discuss at the child's next visit" in text
    assert "your next visit" not in text and "you feel unwell" not in text


def test_avas_parent_reads_what_was_not_answered_without_being_asked_if_they_are_pregnant(tmp_path: Path) -> None:
    text = _plain(tmp_path, AVA_10_WITH_BARTTER_SYNDROME)
    not_answered = text[text.index("Not answered (unknown, not 'no'):"):]
    not_answered = not_answered[: not_answered.index(".")]
    assert "pregnancy" in not_answered and "whether potassium stays low despite taking potassium" in not_answered
    assert "you" not in not_answered.split(":", 1)[1], not_answered


def test_rita_45_answering_for_herself_is_still_spoken_to(screener: Any) -> None:
    result = screener.screen(RITA_45_WITH_CRAMPS)
    assert "If you feel unwell or are worried, contact a clinician." in result.disclaimer
    assert "child" not in result.disclaimer and "child" not in result.urgency_text
