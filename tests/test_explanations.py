"""Explanations a student can follow: the places where a correct result used to read as a puzzle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from screener.cli.main import app
from typer.testing import CliRunner

runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100", "TERMINAL_WIDTH": "100", "_TYPER_FORCE_DISABLE_TERMINAL": "1"})
PERSONAS = Path(__file__).resolve().parents[1] / "examples" / "personas"

FAINTED_TODAY_AND_LAST_WEEK = {"id": "fainted", "red_flags_now": ["fainting"], "symptoms": ["fainting"]}
ON_FUROSEMIDE_WITH_CRAMPS_AND_PALPITATIONS = {"medications": ["furosemide"], "symptoms": ["muscle_cramps", "palpitations"]}


def words(text: str) -> str:
    return " ".join(text.replace("|", " ").replace("`--", " ").split())


def write(tmp_path: Path, answers: dict[str, Any]) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    return str(path)


def test_a_heavy_drinker_whose_combined_is_likely_while_each_part_is_possible_is_told_which_rule_did_it() -> None:
    persona = str(PERSONAS / "heavy-drinker-with-diarrhea-and-palpitations.json")
    screened = words(runner.invoke(app, ["screen", persona, "--plain"]).stdout)
    assert "magnesium depletion: possible potassium depletion: possible" in screened
    assert (
        "Combined is likely although neither magnesium nor potassium alone is, because of the rule 'A both-loss "
        "factor with fitting symptoms: combined likely' [combined_likely_both_loss_with_specific_symptoms]" in screened
    )
    explained = words(runner.invoke(app, ["explain", persona, "--plain"]).stdout)
    assert (
        "=> combined is likely although neither magnesium nor potassium alone is: set by 'A both-loss factor with "
        "fitting symptoms: combined likely'" in explained
    )


def test_combined_at_the_level_of_its_parts_needs_no_such_explanation(tmp_path: Path) -> None:
    persona = str(PERSONAS / "low-potassium-despite-supplements.json")  # likely, likely, likely
    assert "neither magnesium nor potassium alone" not in runner.invoke(app, ["screen", persona, "--plain"]).stdout


def test_palpitations_are_named_as_urgency_only_where_symptoms_are_counted(tmp_path: Path) -> None:
    run = runner.invoke(app, ["screen", write(tmp_path, ON_FUROSEMIDE_WITH_CRAMPS_AND_PALPITATIONS), "--plain"])
    text = words(run.stdout)
    assert (
        "number of distinct symptoms consistent with low magnesium or potassium at least 2 (now: 1) and number of "
        "specific symptoms at least 1 (now: 0); palpitations counts only towards how soon to see a clinician, not as "
        "a symptom here" in text
    )


def test_the_same_red_flag_now_and_in_the_past_two_weeks_is_one_line_not_two_that_disagree(tmp_path: Path) -> None:
    run = runner.invoke(app, ["screen", write(tmp_path, FAINTED_TODAY_AND_LAST_WEEK), "--plain"])
    text = words(run.stdout)
    assert "Red flag now: fainting [red_flag_now_fainting] (also in the past two weeks [red_flag_recent_fainting]" in text
    assert "Fainting in the past two weeks (not now) needs a clinician today." not in text
    assert text.count("RED FLAG: fainting") == 1
    explained = words(runner.invoke(app, ["explain", write(tmp_path, FAINTED_TODAY_AND_LAST_WEEK), "--plain"]).stdout)
    assert "note: the same sign is also given as happening now (Red flag now: fainting): that is what counts" in explained
