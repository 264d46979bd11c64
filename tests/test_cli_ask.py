"""`mgk-screen ask`: whole journeys through the questionnaire with the replies piped in."""

from __future__ import annotations

import builtins
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.errors import ExitCode

runner = CliRunner()

NOTHING_TO_REPORT = ["0", "35", "male", "no", "none", "never", "no", "no", "no", "0", "rarely", "5", "0", "0", "", ""]
# A retired teacher on furosemide with cramps: Lasix confirmed, cramps (3) in the past two weeks.
RETIRED_TEACHER_ON_FUROSEMIDE = [
    "0",
    "72",
    "female",
    "yes",
    "Lasix 40 mg",
    "yes",
    "never",
    "no",
    "no",
    "no",
    "0",
    "sometimes",
    "3",
    "3",
    "0",
    "",
    "",
]
REVIEW_DONE = [""]


def lines(*replies: str) -> str:
    return "".join(reply + "\n" for reply in replies)


def ask(*args: str, replies: list[str]) -> Any:
    return runner.invoke(app, ["ask", *args], input=lines(*replies))


def saved(path: Path) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return value


def batch_result(path: Path) -> dict[str, Any]:
    run = runner.invoke(app, ["batch", str(path), "--quiet", "--detail", "full"])  # as screen gives it
    assert run.exit_code == 0, run.output
    (entry,) = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    for key in ("status", "source", "position"):
        entry.pop(key, None)
    value: dict[str, Any] = entry
    return value


def test_a_person_with_nothing_to_report(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    run = ask("--save", str(path), "--plain", replies=NOTHING_TO_REPORT + REVIEW_DONE)
    assert run.exit_code == 0, run.output
    assert "Question 1, about 18 to go" in run.output and "Question 16, nearly done" in run.output
    assert "Combined magnesium and potassium depletion: UNLIKELY" in run.output
    assert "How soon: none" in run.output
    assert "not a diagnosis" in run.output
    assert saved(path)["alcohol"] == {"audit_c": {"frequency": 0, "quantity": 0, "binge": 0}, "drinks_per_week": 0}
    assert "labs" not in saved(path)


def test_a_retired_teacher_on_a_loop_diuretic_with_cramps_gets_what_batch_gives(tmp_path: Path) -> None:
    path = tmp_path / "rita.json"
    run = ask("--save", str(path), "--plain", replies=RETIRED_TEACHER_ON_FUROSEMIDE + REVIEW_DONE)
    assert run.exit_code == 0, run.output
    assert "Lasix — that is furosemide, a loop diuretic (a strong water pill). Right?" in run.output
    assert "Combined magnesium and potassium depletion: POSSIBLE" in run.output
    assert saved(path)["medications"] == ["Lasix 40 mg"] and saved(path)["symptoms"] == ["muscle_cramps"]
    assert batch_result(path)["combined_depletion"] == "possible"


def test_the_json_result_equals_screening_the_saved_file(tmp_path: Path) -> None:
    path = tmp_path / "rita.json"
    run = ask("--save", str(path), "--json", replies=RETIRED_TEACHER_ON_FUROSEMIDE + REVIEW_DONE)
    assert run.exit_code == 0, run.stderr
    result = json.loads(run.stdout)  # the questions went to stderr: stdout is the JSON alone
    assert "Question 1," in run.stderr
    screened = runner.invoke(app, ["screen", str(path), "--json"])
    assert result == json.loads(screened.stdout)
    assert {k: v for k, v in result.items() if k != "status"} == {
        k: v for k, v in batch_result(path).items() if k != "status"
    }


def test_a_red_flag_shows_the_emergency_advice_at_once(tmp_path: Path) -> None:
    path = tmp_path / "now.json"
    run = ask("--save", str(path), "--plain", replies=["1", "no"])
    assert run.exit_code == 0, run.output
    advice_at = run.output.index("IMPORTANT: Please get help now")
    assert advice_at < run.output.index("Do you want to carry on with the questions?")
    assert "Question 2," not in run.output
    assert "RED FLAG: chest pain" in run.output and "How soon: emergency" in run.output
    assert saved(path) == {"id": "now", "red_flags_now": ["chest_pain"]}


def test_after_a_red_flag_the_person_may_carry_on(tmp_path: Path) -> None:
    path = tmp_path / "carry-on.json"
    replies = ["5", "yes", *NOTHING_TO_REPORT[1:], *REVIEW_DONE]
    run = ask("--save", str(path), "--plain", replies=replies)
    assert run.exit_code == 0, run.output
    assert "IMPORTANT:" in run.output and "Question 2," in run.output
    assert saved(path)["red_flags_now"] == ["trouble_breathing"] and saved(path)["age"] == 35
    assert "How soon: emergency" in run.output


def test_an_invalid_reply_is_asked_again_with_what_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    replies = ["0", "old enough", "200", "35", *NOTHING_TO_REPORT[2:], *REVIEW_DONE]
    run = ask("--save", str(path), "--plain", replies=replies)
    assert run.exit_code == 0, run.output
    assert "Please type a whole number from 0 to 120, for example 45." in run.output
    assert "200 is outside what this question accepts" in run.output
    assert saved(path)["age"] == 35


def test_question_mark_explains_why_we_ask(tmp_path: Path) -> None:
    run = ask("--plain", replies=["0", "?", "35", *NOTHING_TO_REPORT[2:], *REVIEW_DONE])
    assert run.exit_code == 0, run.output
    assert "Why we ask: This screen is built for adults." in run.output


def test_back_goes_back_one_question(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    replies = ["0", "53", "back", "35", *NOTHING_TO_REPORT[2:], *REVIEW_DONE]
    run = ask("--save", str(path), "--plain", replies=replies)
    assert run.exit_code == 0, run.output
    assert run.output.count("How old are you?") == 2
    assert saved(path)["age"] == 35


def test_skip_leaves_a_field_unknown(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    replies = ["0", "skip", *NOTHING_TO_REPORT[2:], *REVIEW_DONE]
    run = ask("--save", str(path), "--plain", replies=replies)
    assert run.exit_code == 0, run.output
    assert "Age: don't know (skipped)" in run.output
    assert "age" not in saved(path)


def test_the_review_lets_the_person_change_an_answer(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    run = ask("--save", str(path), "--plain", replies=[*NOTHING_TO_REPORT, "2", "36", ""])
    assert run.exit_code == 0, run.output
    assert run.output.count("Your answers\n") == 2
    assert saved(path)["age"] == 36


def test_resume_carries_on_from_a_partial_file(tmp_path: Path) -> None:
    path = tmp_path / "partial.json"
    path.write_text(json.dumps({"id": "rita", "red_flags_now": [], "age": 72, "sex": "female"}), encoding="utf-8")
    run = ask("--resume", str(path), "--plain", replies=RETIRED_TEACHER_ON_FUROSEMIDE[3:] + REVIEW_DONE)
    assert run.exit_code == 0, run.output
    assert "Carrying on from" in run.output and "Question 4," in run.output
    assert "Question 1," not in run.output
    assert "mgk-screen result for rita" in run.output
    assert saved(path)["medications"] == ["Lasix 40 mg"] and saved(path)["id"] == "rita"  # saved back to the file


def test_resume_refuses_an_invalid_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"age": 200, "sympoms": []}), encoding="utf-8")
    run = ask("--resume", str(path), replies=[])
    assert run.exit_code == ExitCode.INVALID_RECORDS
    assert "unknown field 'sympoms' (did you mean 'symptoms'?)" in run.stderr


def test_the_end_of_input_saves_the_answers_so_far_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "partial.json"
    run = ask("--save", str(path), "--plain", replies=["0", "72", "female"])
    assert run.exit_code == ExitCode.USAGE
    assert "The input ended before the questionnaire was finished." in run.output
    assert saved(path) == {"id": "partial", "red_flags_now": [], "age": 72, "sex": "female"}
    again = ask("--resume", str(path), "--plain", replies=RETIRED_TEACHER_ON_FUROSEMIDE[3:] + REVIEW_DONE)
    assert again.exit_code == 0, again.output
    assert batch_result(path)["combined_depletion"] == "possible"


@pytest.fixture
def ctrl_c_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Replies for input(); KeyboardInterrupt where a reply is None (as Ctrl-C does); a callable is
    called and its result is the reply."""
    replies: list[Any] = []

    def fake_input(prompt: str = "") -> str:
        if not replies:
            raise EOFError
        reply = replies.pop(0)
        if reply is None:
            raise KeyboardInterrupt
        if callable(reply):  # something happening while the person answers
            return str(reply())
        return str(reply)

    monkeypatch.setattr(builtins, "input", fake_input)
    yield replies


def test_ctrl_c_offers_to_save_the_answers_so_far(tmp_path: Path, ctrl_c_after: list[Any]) -> None:
    path = tmp_path / "partial.json"
    ctrl_c_after += ["0", "72", None, "yes"]
    run = runner.invoke(app, ["ask", "--save", str(path), "--plain"])
    assert run.exit_code == ExitCode.INTERRUPTED
    assert "Save your answers so far in" in run.output
    assert saved(path) == {"id": "partial", "red_flags_now": [], "age": 72}


def test_ctrl_c_without_save_asks_for_a_file_name(tmp_path: Path, ctrl_c_after: list[Any]) -> None:
    path = tmp_path / "later.json"
    ctrl_c_after += ["0", None, str(path)]
    run = runner.invoke(app, ["ask", "--plain"])
    assert run.exit_code == ExitCode.INTERRUPTED
    assert "Carry on later with: mgk-screen ask --resume" in " ".join(run.output.split())
    assert saved(path) == {"id": "later", "red_flags_now": []}


def test_going_back_then_stopping_keeps_the_answers_stepped_back_over(tmp_path: Path, ctrl_c_after: list[Any]) -> None:
    """Dev answered 3 days and 4 stools a day of diarrhoea, went back twice to check them, and
    pressed Ctrl-C: the saved file held no days and no stools ("Saving never loses answers").
    The answers stepped back over are saved until they are answered again; the input ending
    keeps them too."""
    before_vomiting = ["0", "45", "male", "no", "none", "never", "yes", "3", "4"]
    path = tmp_path / "partial.json"
    ctrl_c_after += [*before_vomiting, "back", "back", None, "yes"]
    run = runner.invoke(app, ["ask", "--save", str(path), "--plain"])
    assert run.exit_code == ExitCode.INTERRUPTED, run.output
    assert saved(path)["diarrhea"] == {"present": True, "days": 3, "stools_per_day": 4}


def test_going_back_then_the_input_ending_keeps_them_unless_a_new_answer_rules_them_out(tmp_path: Path) -> None:
    before_vomiting = ["0", "45", "male", "no", "none", "never", "yes", "3", "4"]
    ended = tmp_path / "ended.json"
    run = ask("--save", str(ended), "--plain", replies=[*before_vomiting, "back", "back"])
    assert run.exit_code == ExitCode.USAGE
    assert saved(ended)["diarrhea"] == {"present": True, "days": 3, "stools_per_day": 4}
    changed = tmp_path / "changed.json"
    ask("--save", str(changed), "--plain", replies=[*before_vomiting, "back", "back", "back", "no"])
    assert saved(changed)["diarrhea"] == {"present": False}, "no diarrhoea after all: its days and stools are not kept"


def test_ctrl_c_then_no_saves_nothing(tmp_path: Path, ctrl_c_after: list[Any]) -> None:
    path = tmp_path / "partial.json"
    ctrl_c_after += ["0", None, "no"]
    run = runner.invoke(app, ["ask", "--save", str(path), "--plain"])
    assert run.exit_code == ExitCode.INTERRUPTED and "Not saved." in run.output
    assert not path.exists()


def test_plain_output_has_no_escape_codes(tmp_path: Path) -> None:
    run = runner.invoke(app, ["ask", "--plain"], input=lines(*NOTHING_TO_REPORT, *REVIEW_DONE), color=True)
    assert run.exit_code == 0, run.output
    assert "\x1b[" not in run.output


def test_ask_has_help_text() -> None:
    run = runner.invoke(app, ["ask", "--help"])
    assert run.exit_code == 0
    for option in ("--save", "--resume", "--json", "--plain", "--rules"):
        assert option in run.output
    assert "Exit codes" in run.output


def test_a_rule_folder_without_a_questionnaire_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).parents[1] / "rules", rules)
    (rules / "questionnaire.json").unlink()
    run = ask("--rules", str(rules), replies=[])
    assert run.exit_code == ExitCode.INVALID_RULES
    assert "questionnaire.json: file not found" in run.stderr


# -- the end of ask ------------------------------------------------------------------------------


def test_the_short_result_comes_last_and_the_reasoning_only_on_request(tmp_path: Path) -> None:
    path = tmp_path / "rita.json"
    run = ask("--save", str(path), "--plain", replies=RETIRED_TEACHER_ON_FUROSEMIDE + REVIEW_DONE)
    assert run.exit_code == 0, run.output
    assert "Why (rules that fired" not in run.output
    last = run.output.rstrip().splitlines()
    assert last[-2:] == ["The full reasoning (every rule that fired and why):", f"  mgk-screen screen {path}"]
    tail = " ".join(run.output[run.output.index("Your answers are saved in") :].split())
    for part in ("Combined magnesium and potassium depletion: POSSIBLE", "How soon: routine", "1. Discuss these results"):
        assert part in tail
    assert "not a diagnosis" in tail


def test_details_prints_the_full_reasoning_before_the_short_result(tmp_path: Path) -> None:
    run = ask("--details", "--plain", replies=RETIRED_TEACHER_ON_FUROSEMIDE + REVIEW_DONE)
    assert run.exit_code == 0, run.output
    reasoning = run.output.index("Why (rules that fired, red flags first)")
    assert run.output.rindex("Combined magnesium and potassium depletion: POSSIBLE") > reasoning
    assert " ".join(run.output.split()).endswith("worth discussing with a clinician at your next visit."), "the short result is last"


def test_a_save_path_that_cannot_be_written_is_refused_before_the_first_question(tmp_path: Path) -> None:
    for target, why in [
        (tmp_path / "missing" / "answers.json", "does not exist"),
        (tmp_path, "it is a folder"),
    ]:
        run = ask("--save", str(target), "--plain", replies=NOTHING_TO_REPORT)
        assert run.exit_code == ExitCode.USAGE, run.output
        assert f"cannot save the answers in {target}" in run.stderr and why in run.stderr
        assert "Question 1" not in run.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_read_only_folder_is_refused_before_the_first_question(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        run = ask("--save", str(folder / "answers.json"), "--plain", replies=NOTHING_TO_REPORT)
    finally:
        folder.chmod(0o700)
    assert run.exit_code == ExitCode.USAGE and "Question 1" not in run.output


def test_when_saving_fails_at_the_end_another_file_name_can_be_given(tmp_path: Path, ctrl_c_after: list[Any]) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    other = tmp_path / "kept.json"

    def remove_the_folder() -> str:  # the place checked at the start disappears during the questions
        shutil.rmtree(folder)
        return ""

    ctrl_c_after += [*NOTHING_TO_REPORT[:-1], remove_the_folder, "", str(other)]
    run = runner.invoke(app, ["ask", "--save", str(folder / "answers.json"), "--plain"])
    assert run.exit_code == 0, run.output
    assert "could not be saved in" in run.output and "Type another file name" in run.output
    assert f"Your answers are saved in {other}." in run.output
    assert saved(other)["age"] == 35


def test_when_saving_fails_and_no_other_name_is_given_the_answers_are_shown_as_json(
    tmp_path: Path, ctrl_c_after: list[Any]
) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()

    def remove_the_folder() -> str:
        shutil.rmtree(folder)
        return ""

    ctrl_c_after += [*NOTHING_TO_REPORT[:-1], remove_the_folder, "", ""]
    run = runner.invoke(app, ["ask", "--save", str(folder / "answers.json"), "--plain"])
    assert run.exit_code == ExitCode.USAGE
    shown = run.output[run.output.index("{") : run.output.index("}\n\n") + 1]
    assert json.loads(shown)["age"] == 35, "the answers are never lost"
    assert "Combined magnesium and potassium depletion" in run.output


def test_the_ctrl_c_hint_quotes_a_file_name_with_a_space(tmp_path: Path, ctrl_c_after: list[Any]) -> None:
    path = tmp_path / "my answers.json"
    ctrl_c_after += ["0", None, str(path)]
    run = runner.invoke(app, ["ask", "--plain"])
    assert f"\n  mgk-screen ask --resume '{path}'\n" in run.output and "Carry on later with:" in " ".join(run.output.split())


def test_resume_keeps_drinks_a_week_without_the_audit_c(tmp_path: Path) -> None:
    path = tmp_path / "from-another-tool.json"
    path.write_text(json.dumps({"age": 61, "alcohol": {"drinks_per_week": 20}}), encoding="utf-8")
    run = ask("--resume", str(path), "--plain", replies=["0", "female", "no", "none", "never"])
    assert "left out" not in run.output
    assert "does not fit" not in run.output


def test_back_says_enter_keeps_the_earlier_answer(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    replies = ["0", "53", "back", "", *NOTHING_TO_REPORT[2:], *REVIEW_DONE]
    run = ask("--save", str(path), "--plain", replies=replies)
    assert run.exit_code == 0, run.output
    assert "Press Enter to keep your earlier answer: 53" in run.output
    assert saved(path)["age"] == 53


def test_the_drinks_question_asks_for_a_number_and_shows_no_bands(tmp_path: Path) -> None:
    run = ask("--plain", replies=["0", "40", "male", "no", "none", "2", "?", "3", "never", "4", *NOTHING_TO_REPORT[6:], *REVIEW_DONE])
    assert run.exit_code == 0, run.output
    asked = run.output[run.output.index("on a typical day when you are drinking") :]
    asked = asked[: asked.index("> ")]
    assert "Answers:" not in asked and "1 or 2 /" not in asked
    bands = "Your number is scored in the standard bands: 1 or 2, 3 or 4, 5 or 6, 7 to 9, 10 or more."
    assert bands in " ".join(run.output.split())


def test_a_fraction_where_a_whole_number_is_needed_says_so_once(tmp_path: Path) -> None:
    run = ask("--plain", replies=["0", "35.5", "35", *NOTHING_TO_REPORT[2:], *REVIEW_DONE])
    assert "35.5 is not a whole number. Please type a whole number from 0 to 120, for example 45." in run.output
