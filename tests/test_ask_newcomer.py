"""What a newcomer at a keyboard does to `mgk-screen ask`, and what it says back (a newcomer's
review of the terminal questionnaire).

- A reply that only looks like a number ("²", a superscript typed by accident; a key held down
  for thousands of digits) is asked again, never a crash that loses every answer.
- The file name typed after Ctrl-C (or when saving fails at the end) never replaces a file that
  already holds answers without a yes, and a name that cannot be written gets another chance
  instead of losing the answers; "~/answers.json" is the home folder, as in a shell.
- The short result `ask` ends with carries the result's notes (a medicine kept as written and not
  counted, an age the screen is not built for): the questionnaire promised "the result will
  suggest asking a pharmacist about it". On a small screen they give way, after the
  recommendations, to one line saying how many there are.
- Carrying on from a file saved at Ctrl-C while "Did you mean omeprazole?" was being asked keeps
  the name as written (as for any saved file) but says so, and where to change it: a medicine is
  never left uncounted without a word.
- Ctrl-D at a keyboard, without --save, offers a file for the answers so far, as Ctrl-C does
  (it ended the questionnaire and lost them without a word).
- A medicine written in Chinese characters (two columns each on a terminal) wraps between words
  like any other, never past the edge where the terminal would break a word in two.
- "quit" or "exit", typed as a newcomer leaves a program, stops as Ctrl-C does (with the offer to
  save the answers so far), instead of "Sorry, I did not understand 'quit'" or, at the medicines
  question, a medicine called "quit".
- "none of these" (as the other list questions offer it), "no meds", "nil" at the medicines
  question mean no medicines, not a medicine called "none of these" for a pharmacist to look at.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from test_cli_ask import NOTHING_TO_REPORT, REVIEW_DONE, ask, runner, saved
from typer.testing import CliRunner

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


# -- the file name typed after Ctrl-C ------------------------------------------------------------


@pytest.fixture
def keyboard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """What the person types, line by line: None is Ctrl-C, a callable is called and its result
    typed; after the last line, the input ends."""
    typed: list[Any] = []

    def fake_input(prompt: str = "") -> str:
        if not typed:
            raise EOFError
        line = typed.pop(0)
        if line is None:
            raise KeyboardInterrupt
        return str(line() if callable(line) else line)

    monkeypatch.setattr(builtins, "input", fake_input)
    yield typed


RITAS_ANSWERS = {"red_flags_now": [], "age": 72, "sex": "female", "medications": ["Lasix 40 mg"]}


def test_a_typed_file_holding_someone_elses_answers_is_not_replaced_without_a_yes(
    tmp_path: Path, keyboard: list[Any]
) -> None:
    ritas = tmp_path / "rita.json"
    ritas.write_text(json.dumps(RITAS_ANSWERS), encoding="utf-8")
    mine = tmp_path / "sam.json"
    keyboard += ["0", "35", None, str(ritas), "", str(mine)]
    run = runner.invoke(app, ["ask", "--plain"])
    assert run.exit_code == ExitCode.INTERRUPTED
    said = " ".join(run.output.split())
    assert f"{ritas} already holds answers. Replace them with these? (yes or no; Enter means no)" in said
    assert f"{ritas} is left as it is." in said
    assert saved(ritas) == RITAS_ANSWERS
    assert saved(mine) == {"id": "sam", "red_flags_now": [], "age": 35}
    assert f"mgk-screen ask --resume {mine}" in said


def test_a_typed_file_holding_answers_is_replaced_after_a_yes(tmp_path: Path, keyboard: list[Any]) -> None:
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"age": 34}), encoding="utf-8")
    keyboard += ["0", "35", None, str(mine), "yes"]
    run = runner.invoke(app, ["ask", "--plain"])
    assert run.exit_code == ExitCode.INTERRUPTED
    assert saved(mine) == {"id": "mine", "red_flags_now": [], "age": 35}


def test_a_typed_name_that_cannot_be_written_gets_another_chance(tmp_path: Path, keyboard: list[Any]) -> None:
    later = tmp_path / "later.json"
    keyboard += ["0", None, str(tmp_path), str(tmp_path / "no such folder" / "a.json"), str(later)]
    run = runner.invoke(app, ["ask", "--plain"])
    assert run.exit_code == ExitCode.INTERRUPTED
    assert " ".join(run.output.split()).count("could not be saved in") == 2
    assert saved(later) == {"id": "later", "red_flags_now": []}


def test_a_typed_name_starting_with_a_tilde_is_in_the_home_folder(
    tmp_path: Path, keyboard: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    keyboard += ["0", None, "~/later.json"]
    run = CliRunner().invoke(app, ["ask", "--plain"])
    assert run.exit_code == ExitCode.INTERRUPTED
    assert saved(tmp_path / "later.json") == {"id": "later", "red_flags_now": []}
    assert not (tmp_path / "~").exists()


def test_when_saving_fails_at_the_end_a_typed_file_holding_answers_is_not_replaced_without_a_yes(
    tmp_path: Path, keyboard: list[Any]
) -> None:
    target = tmp_path / "answers.json"
    ritas = tmp_path / "rita.json"
    ritas.write_text(json.dumps(RITAS_ANSWERS), encoding="utf-8")
    mine = tmp_path / "sam.json"

    def folder_in_the_way() -> str:  # after the check before the first question, the file becomes a folder
        target.mkdir()
        return "0"

    keyboard += [folder_in_the_way, *NOTHING_TO_REPORT[1:], *REVIEW_DONE, str(ritas), "no", str(mine)]
    run = runner.invoke(app, ["ask", "--save", str(target), "--plain"])
    assert saved(ritas) == RITAS_ANSWERS
    assert saved(mine)["age"] == 35
    assert f"Your answers are saved in {mine}." in " ".join(run.output.split())


# -- the notes in the short result ---------------------------------------------------------------

# A woman of 72 on furosemide who wrote it "furosimide" and said no to "Did you mean furosemide?".
KEPT_AS_WRITTEN = ["0", "72", "female", "yes", "furosimide", "no", "never", "no", "no", "no", "0", "sometimes", "3", "3", "0", "", ""]


def test_a_medicine_kept_as_written_is_named_in_the_short_result_with_the_pharmacist_advice(tmp_path: Path) -> None:
    run = ask("--plain", replies=[*KEPT_AS_WRITTEN, *REVIEW_DONE])
    assert run.exit_code == ExitCode.OK, run.output
    said = " ".join(run.output.split())
    promise = "'furosimide' is kept as you wrote it. It is not counted, and the result will suggest asking a pharmacist"
    assert promise in said
    result = said[said.index("mgk-screen result") :]
    assert "Please note ! medication 'furosimide' not recognised (did you mean furosemide?), so not counted; ask a pharmacist" in result
    assert result.index("Please note") < result.index("This is a screening and education tool")


@pytest.mark.parametrize(("width", "height"), [(60, 20), (80, 24), (120, 40)])
def test_a_teenagers_short_result_says_the_screen_is_built_for_adults_or_that_there_is_a_note(
    screener: Any, width: int, height: int
) -> None:
    from test_render import PERSONAS, rendered

    from screener.render import render_short_result

    (path,) = [path for path in PERSONAS if path.stem == "teenager-with-stomach-bug"]
    result = screener.screen(json.loads(path.read_text(encoding="utf-8")))
    lines = rendered(render_short_result, result, width, plain=True, max_lines=height - 2, more="type d below")
    assert len(lines) <= height - 2
    said = " ".join(" ".join(lines).split())
    whole = "Please note ! This screener is built for adults (18 and over): the result may not apply, as normal" in said
    counted = "(1 note on your answers: type d below)" in said
    assert whole != counted, "the note, or one line saying there is one"
    if counted:
        assert "more recommendation" in said, "the notes give way only after the recommendations"
    if height >= 40:
        assert whole


# -- carrying on from a file saved in the middle of the medicine checks --------------------------


def test_stopped_at_did_you_mean_then_resumed_the_person_is_told_and_can_still_correct_it(
    tmp_path: Path, keyboard: list[Any]
) -> None:
    path = tmp_path / "partial.json"
    keyboard += ["0", "68", "male", "no", "omeprazle 20 mg", None, "yes"]
    stopped = runner.invoke(app, ["ask", "--save", str(path), "--plain"])
    assert "We did not recognise 'omeprazle'. Did you mean omeprazole?" in " ".join(stopped.output.split())
    assert stopped.exit_code == ExitCode.INTERRUPTED
    assert saved(path)["medications"] == ["omeprazle 20 mg"]

    rest = ["never", "no", "no", "no", "0", "rarely", "5", "0", "0", "", ""]
    keyboard += [*rest, "5", "", "yes", "yes", *REVIEW_DONE]  # at the review: medicines, Enter keeps them
    resumed = runner.invoke(app, ["ask", "--resume", str(path), "--plain"])
    assert resumed.exit_code == ExitCode.OK, resumed.output
    said = " ".join(resumed.output.split())
    assert (
        "Note: 'omeprazle' is not a medicine name we know (did you mean omeprazole?), so it is kept as written and "
        "not counted. To change it, choose Medicines when you review your answers."
    ) in said
    assert said.index("Note: 'omeprazle'") < said.index("Question")
    assert saved(path)["medications"] == ["omeprazole 20 mg"]
    assert saved(path)["ppi_over_3_months"] == "yes"


# -- Ctrl-D at a keyboard ------------------------------------------------------------------------


def test_ctrl_d_at_a_keyboard_without_save_offers_a_file_for_the_answers_so_far(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    from test_ask_terminal import answer, expect_words, spawn

    path = tmp_path / "later.json"
    child = spawn("ask", "--plain")
    try:
        answer(child, "Question 1, about 18 to go", "0")
        answer(child, "How old are you?", "72")
        expect_words(child, "What is your sex?")
        child.expect_exact("> ")
        child.sendeof()
        expect_words(child, "The input ended before the questionnaire was finished.")
        answer(child, "Save your answers so far, so that you can carry on later? Type a file name", str(path))
        expect_words(child, "Carry on later with:")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == ExitCode.USAGE
    assert saved(path) == {"id": "later", "red_flags_now": [], "age": 72}


# -- wide characters -----------------------------------------------------------------------------

WIDE_NOTE = (
    "! medication '奥美拉唑' not recognised, so not counted; ask a pharmacist whether it affects "
    "magnesium or potassium"
)


@pytest.mark.parametrize("width", [40, 60, 100])
def test_a_note_with_wide_characters_wraps_within_the_terminals_columns(width: int) -> None:
    from rich.cells import cell_len

    from screener.render import wrap

    lines = wrap(WIDE_NOTE, width, indent=2, hang=2).split("\n")
    assert all(cell_len(line) <= width for line in lines), lines
    assert " ".join(" ".join(lines).split()) == WIDE_NOTE, "wrapped between words only"
    assert all(line.startswith("    ") for line in lines[1:]), "a hanging indent"


def test_the_review_of_medicines_in_wide_characters_fits_a_terminal_of_sixty_columns() -> None:
    from rich.cells import cell_len

    medicines = "Lasix 40 mg, 奥美拉唑 20 mg, 阿莫西林 500 mg, 布洛芬 200 mg"
    replies = ["0", "35", "male", "no", medicines, "yes", *NOTHING_TO_REPORT[5:], *REVIEW_DONE]
    run = CliRunner(env={"COLUMNS": "60", "TERMINAL_WIDTH": "60"}).invoke(app, ["ask", "--plain"], input="\n".join(replies) + "\n")
    assert run.exit_code == ExitCode.OK, run.output
    review = run.output[run.output.index("Your answers") : run.output.index("Type a number to change")]
    medicines_line = review[review.index("5. Medicines") : review.index(" 6. ")].rstrip().split("\n")
    assert len(medicines_line) > 1 and all(cell_len(line) <= 60 for line in medicines_line), medicines_line
    assert "奥美拉唑 20 mg" in " ".join(" ".join(medicines_line).split())


# -- quit ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["quit", "Exit", "q"])
def test_quit_stops_as_ctrl_c_does_and_offers_to_save(tmp_path: Path, word: str) -> None:
    path = tmp_path / "later.json"
    run = ask("--plain", replies=["0", "72", "female", "no", word, str(path)])
    assert run.exit_code == ExitCode.INTERRUPTED, run.output
    assert "Save your answers so far, so that you can carry on later?" in " ".join(run.output.split())
    assert saved(path) == {"id": "later", "red_flags_now": [], "age": 72, "sex": "female", "diuretic_use": "no"}, "no medicine 'quit'"


# -- no medicines, as people say it --------------------------------------------------------------


@pytest.mark.parametrize("said", ["none of these", "None at all.", "no meds", "No medications", "no medication", "nil"])
def test_no_medicines_said_in_everyday_words_is_an_empty_list_not_a_medicine(interview: Interview, said: str) -> None:
    for reply in ["0", "40", "male", "no"]:
        assert interview.answer(reply).moved_on
    reply = interview.answer(said)
    assert reply.moved_on and not reply.notes, reply.notes
    assert interview.answers["medications"] == []
