"""Where `ask` keeps the answers: a file that already holds answers is never replaced without
asking first (a 19-answer file once became `{"red_flags_now": []}` after Ctrl-C), and the answers
file is written like every other output (atomically, through a symlink to its target, 0600 when
new). Also how `ask` talks about saving on a narrow terminal, and what it says about a --resume
file that is not valid JSON."""

from __future__ import annotations

import builtins
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.errors import ExitCode

runner = CliRunner()

NOTHING_TO_REPORT = ["0", "35", "male", "no", "none", "never", "no", "no", "no", "0", "rarely", "5", "0", "0", "", ""]
REVIEW_DONE = [""]
# Rita's answers, saved by an earlier session: the file a careless --save could wipe out.
RITAS_ANSWERS = {
    "red_flags_now": [], "age": 72, "sex": "female", "diuretic_use": "yes", "medications": ["Lasix 40 mg"],
    "alcohol": {"audit_c": {"frequency": 1, "quantity": 0, "binge": 0}, "drinks_per_week": 1},
    "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none",
    "conditions": ["high_blood_pressure"], "diet": {"processed_food": "sometimes", "fruit_veg_servings": 3},
    "symptoms": ["muscle_cramps"], "supplements": [],
}  # fmt: skip


def ask(*args: str, replies: list[str]) -> Any:
    return runner.invoke(app, ["ask", *args], input="".join(reply + "\n" for reply in replies))


@pytest.fixture
def ritas_file(tmp_path: Path) -> Path:
    path = tmp_path / "rita.json"
    path.write_text(json.dumps(RITAS_ANSWERS, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def ctrl_c_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Replies for input(); KeyboardInterrupt where a reply is None, as Ctrl-C does."""
    replies: list[Any] = []

    def fake_input(prompt: str = "") -> str:
        if not replies:
            raise EOFError
        reply = replies.pop(0)
        if reply is None:
            raise KeyboardInterrupt
        return str(reply)

    monkeypatch.setattr(builtins, "input", fake_input)
    yield replies


# -- never replacing answers without asking -------------------------------------------------------


@pytest.mark.parametrize("reply", ["no", "", "n"], ids=["no", "Enter (the default)", "n"])
def test_saving_over_a_file_of_answers_asks_first_and_no_leaves_it_as_it_was(ritas_file: Path, reply: str) -> None:
    before = ritas_file.read_bytes()
    run = ask("--save", str(ritas_file), "--plain", replies=[reply, *NOTHING_TO_REPORT])
    assert run.exit_code == ExitCode.USAGE, run.output
    said = " ".join(run.output.split())
    assert f"{ritas_file} already holds answers." in said
    assert "Replace it with your new answers when you finish? (yes or no; Enter means no)" in said
    assert "Question 1" not in run.output, "asked before the first question"
    assert f"\n  mgk-screen ask --resume {ritas_file}\n" in run.output, "the way to carry on from it is shown"
    assert "or choose another file name with --save." in said
    assert ritas_file.read_bytes() == before


def test_saying_yes_replaces_the_file_at_the_end(ritas_file: Path) -> None:
    run = ask("--save", str(ritas_file), "--plain", replies=["yes", *NOTHING_TO_REPORT, *REVIEW_DONE])
    assert run.exit_code == 0, run.output
    assert json.loads(ritas_file.read_text(encoding="utf-8"))["age"] == 35


def test_the_end_of_input_at_the_replace_question_means_no(ritas_file: Path) -> None:
    before = ritas_file.read_bytes()
    run = ask("--save", str(ritas_file), "--plain", replies=[])
    assert run.exit_code == ExitCode.USAGE, run.output
    assert ritas_file.read_bytes() == before


def test_ctrl_c_at_the_replace_question_stops_and_keeps_the_file(ritas_file: Path, ctrl_c_after: list[Any]) -> None:
    before = ritas_file.read_bytes()
    ctrl_c_after += [None]
    run = runner.invoke(app, ["ask", "--save", str(ritas_file), "--plain"])
    assert run.exit_code == ExitCode.INTERRUPTED, run.output
    assert ritas_file.read_bytes() == before


def test_ctrl_c_after_refusing_nothing_was_the_qa_case_and_keeps_all_19_answers(
    ritas_file: Path, ctrl_c_after: list[Any]
) -> None:
    """QA: --save on an existing file, Ctrl-C at the first question and "yes" to saving replaced
    a full answers file with {"red_flags_now": []}. Now the person is asked first, and says no."""
    before = ritas_file.read_bytes()
    ctrl_c_after += ["no"]
    run = runner.invoke(app, ["ask", "--save", str(ritas_file), "--plain"])
    assert run.exit_code == ExitCode.USAGE
    assert ritas_file.read_bytes() == before


def test_resume_and_save_naming_the_same_file_is_carrying_on_not_replacing(ritas_file: Path) -> None:
    partial = {"red_flags_now": [], "age": 72, "sex": "female"}
    ritas_file.write_text(json.dumps(partial), encoding="utf-8")
    replies = ["yes", "Lasix 40 mg", "yes", "never", "no", "no", "no", "0", "sometimes", "3", "3", "0", "", "", ""]
    run = ask("--resume", str(ritas_file), "--save", str(ritas_file), "--plain", replies=replies)
    assert run.exit_code == 0, run.output
    assert "already holds answers" not in run.output
    assert json.loads(ritas_file.read_text(encoding="utf-8"))["medications"] == ["Lasix 40 mg"]


def test_save_to_another_file_than_the_one_resumed_asks_when_that_file_holds_answers(
    ritas_file: Path, tmp_path: Path
) -> None:
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"age": 72}), encoding="utf-8")
    run = ask("--resume", str(partial), "--save", str(ritas_file), "--plain", replies=["no"])
    assert run.exit_code == ExitCode.USAGE
    assert "already holds answers" in run.output
    assert json.loads(ritas_file.read_text(encoding="utf-8")) == RITAS_ANSWERS


# A woman with an eating disorder on stimulant laxatives, whose nurse's file gives her drinks a
# week but no AUDIT-C (newcomer review 9, p6).
P6 = {
    "id": "p6", "red_flags_now": [], "age": 30, "sex": "female", "pregnant": "no", "diuretic_use": "no",
    "medications": ["senna"], "alcohol": {"drinks_per_week": 2}, "diarrhea": {"present": False},
    "vomiting": {"present": False}, "laxative_use": "regular", "laxative_type": "stimulant",
    "conditions": ["eating_disorder"], "diet": {"processed_food": "rarely", "fruit_veg_servings": 5},
    "symptoms": ["muscle_twitches"], "supplements": [],
}  # fmt: skip


def test_p6_who_stops_after_the_first_alcohol_question_is_told_that_answer_is_not_saved(
    tmp_path: Path, ctrl_c_after: list[Any]
) -> None:
    """Newcomer review 9: "Saved" after Ctrl-C, but her answer "Monthly or less" was not in the file
    (the contract takes the three AUDIT-C answers together). The file stays a valid answers file,
    keeps everything else, and the person is told which answer is not in it and why."""
    nurses_file, saved = tmp_path / "p6.json", tmp_path / "p6-resumed.json"
    nurses_file.write_text(json.dumps(P6), encoding="utf-8")
    ctrl_c_after += ["2", None, "yes"]  # monthly or less; Ctrl-C at the drinks on a typical day; save
    run = runner.invoke(app, ["ask", "--resume", str(nurses_file), "--save", str(saved), "--plain"])
    assert run.exit_code == ExitCode.INTERRUPTED, run.output
    said = " ".join(run.output.split())
    assert f"Saved in {saved}." in said
    assert (
        "Not saved: your answer to 'How often you drink alcohol'. It is saved only together with "
        "'Drinks on a typical drinking day' and 'Six or more drinks on one occasion', so it is asked "
        "again when you carry on." in said
    )
    assert json.loads(saved.read_text(encoding="utf-8")) == P6  # valid, and nothing else lost
    assert screen_exit_code(saved) == 0


def test_stopping_after_all_three_alcohol_questions_says_nothing_is_left_out(
    tmp_path: Path, ctrl_c_after: list[Any]
) -> None:
    nurses_file, saved = tmp_path / "p6.json", tmp_path / "p6-resumed.json"
    nurses_file.write_text(json.dumps(P6), encoding="utf-8")
    ctrl_c_after += ["2", "1", "never", None, "yes"]
    run = runner.invoke(app, ["ask", "--resume", str(nurses_file), "--save", str(saved), "--plain"])
    assert run.exit_code == ExitCode.INTERRUPTED, run.output
    assert "Not saved" not in run.output
    assert json.loads(saved.read_text(encoding="utf-8"))["alcohol"]["audit_c"] == {"frequency": 1, "quantity": 0, "binge": 0}


def screen_exit_code(path: Path) -> int:
    return runner.invoke(app, ["screen", str(path), "--plain"]).exit_code


def test_resuming_without_save_says_before_the_first_question_that_the_file_is_written_back(tmp_path: Path) -> None:
    """Newcomer review 9: carrying on from a nurse's original rewrote it at the end, unannounced."""
    nurses_file = tmp_path / "p6.json"
    nurses_file.write_text(json.dumps(P6), encoding="utf-8")
    run = ask("--resume", str(nurses_file), "--plain", replies=["quit", "no"])
    said = " ".join(run.output.split())
    told = f"Your answers will be saved back to {nurses_file} (--save with another file name keeps it as it is)."
    assert told in said and said.index(told) < said.index("Question 7")
    elsewhere = ask("--resume", str(nurses_file), "--save", str(tmp_path / "new.json"), "--plain", replies=["quit", "no"])
    assert "saved back" not in elsewhere.output


def test_an_empty_file_is_simply_used(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    path.touch()
    run = ask("--save", str(path), "--plain", replies=[*NOTHING_TO_REPORT, *REVIEW_DONE])
    assert run.exit_code == 0, run.output
    assert "already holds answers" not in run.output
    assert json.loads(path.read_text(encoding="utf-8"))["age"] == 35


# -- written like every other output --------------------------------------------------------------


def test_saving_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "kept" / "answers.json"
    target.parent.mkdir()
    link = tmp_path / "answers.json"
    link.symlink_to(target)
    run = ask("--save", str(link), "--plain", replies=[*NOTHING_TO_REPORT, *REVIEW_DONE])
    assert run.exit_code == 0, run.output
    assert link.is_symlink(), "the link was replaced by a file"
    assert json.loads(target.read_text(encoding="utf-8"))["age"] == 35


def test_a_new_answers_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    run = ask("--save", str(path), "--plain", replies=[*NOTHING_TO_REPORT, *REVIEW_DONE])
    assert run.exit_code == 0, run.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_answers_so_far_are_saved_privately_too(tmp_path: Path) -> None:
    path = tmp_path / "partial.json"
    run = ask("--save", str(path), "--plain", replies=["0", "72"])
    assert run.exit_code == ExitCode.USAGE
    assert json.loads(path.read_text(encoding="utf-8")) == {"id": "partial", "red_flags_now": [], "age": 72}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_replaced_answers_file_keeps_its_mode(ritas_file: Path) -> None:
    os.chmod(ritas_file, 0o640)
    run = ask("--save", str(ritas_file), "--plain", replies=["yes", *NOTHING_TO_REPORT, *REVIEW_DONE])
    assert run.exit_code == 0, run.output
    assert stat.S_IMODE(ritas_file.stat().st_mode) == 0o640


# -- what is said about saving fits a narrow terminal -----------------------------------------------


def narrow_lines(output: str, after: str) -> list[str]:
    return output[output.index(after) :].rstrip("\n").split("\n")


@pytest.fixture
def in_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a fresh folder, so that a file name is short, as a person types it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_at_sixty_columns_the_ctrl_c_offer_wraps_and_the_command_has_a_line_of_its_own(
    ctrl_c_after: list[Any], in_a_folder: Path
) -> None:
    ctrl_c_after += ["0", "72", None, "yes"]
    run = runner.invoke(app, ["ask", "--save", "partial.json", "--plain"], env={"COLUMNS": "60"})
    assert run.exit_code == ExitCode.INTERRUPTED, run.output
    lines = narrow_lines(run.output, "Stopped.")
    assert all(len(line) <= 60 for line in lines), lines
    assert "  mgk-screen ask --resume partial.json" in lines, "the command to copy is on a line of its own"
    assert not any(line.startswith(" ") for line in lines if "mgk-screen" not in line), lines
    said = " ".join(run.output.split())
    assert "Save your answers so far in partial.json, so that you can carry on later? (yes or no)" in said
    assert "Saved in partial.json. Carry on later with: mgk-screen ask --resume partial.json" in said


def test_a_file_name_with_a_space_is_never_split_by_the_wrapping(ctrl_c_after: list[Any], in_a_folder: Path) -> None:
    name = "answers of the ward round.json"
    ctrl_c_after += ["0", None, "yes"]
    run = runner.invoke(app, ["ask", "--save", name, "--plain"], env={"COLUMNS": "60"})
    lines = narrow_lines(run.output, "Stopped.")
    assert any(name in line for line in lines if line.startswith("Save")), lines
    assert f"  mgk-screen ask --resume '{name}'" in lines


def test_when_the_input_ends_the_command_to_carry_on_has_a_line_of_its_own(in_a_folder: Path) -> None:
    run = runner.invoke(app, ["ask", "--save", "partial.json", "--plain"], input="0\n72\n", env={"COLUMNS": "60"})
    assert run.exit_code == ExitCode.USAGE
    lines = narrow_lines(run.output, "The input ended")
    assert all(len(line) <= 60 for line in lines), lines
    assert "  mgk-screen ask --resume partial.json" in lines


def test_the_pointer_to_the_full_reasoning_wraps_before_its_command_when_it_does_not_fit(in_a_folder: Path) -> None:
    replies = "".join(reply + "\n" for reply in [*NOTHING_TO_REPORT, *REVIEW_DONE])
    run = runner.invoke(app, ["ask", "--save", "answers.json", "--plain"], input=replies, env={"COLUMNS": "60"})
    assert run.exit_code == 0, run.output
    last = run.output.rstrip("\n").split("\n")[-2:]
    assert last == ["The full reasoning (every rule that fired and why):", "  mgk-screen screen answers.json"]
