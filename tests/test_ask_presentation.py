"""`mgk-screen ask` as a person meets it, after the surfaces review (C7-C9, E2, E3): what the end
says when nothing was saved, a saved red flag said again at once on resume, the pager's prompt,
the lab questions' "skip", and no box drawing into a pipe or a file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from screener.cli.main import app
from test_cli_ask import NOTHING_TO_REPORT, REVIEW_DONE, lines
from typer.testing import CliRunner

runner = CliRunner()
BOX = ("╭", "╰", "│")


def test_piped_replies_get_no_box_drawing_without_plain() -> None:
    """Output into a pipe or a file (a log, `| tee`) is read later as text: no box, as with --plain."""
    run = runner.invoke(app, ["ask"], input=lines(*NOTHING_TO_REPORT, *REVIEW_DONE), env={"NO_COLOR": None, "TERM": "xterm-256color"})
    assert run.exit_code == 0, run.output
    assert "How soon:" in run.output
    assert not any(mark in run.output for mark in BOX), run.output[-800:]


def test_with_nothing_saved_the_end_says_the_reasoning_was_not_kept_and_how_to_see_it() -> None:
    """"The full reasoning: mgk-screen ask --details" read as if that showed this result's
    reasoning; it means answering again. Said as it is: with the same replies."""
    run = runner.invoke(app, ["ask", "--plain"], input=lines(*NOTHING_TO_REPORT, *REVIEW_DONE), env={"COLUMNS": "80"})
    assert run.exit_code == 0, run.output
    end = run.output.rstrip("\n").split("\n")
    assert end[-1] == "  mgk-screen ask --details"
    assert " ".join(end[-3:-1]) == "The full reasoning (every rule that fired and why) was not kept: give the same replies to"


def test_the_lab_questions_say_skip_as_every_other_question_does() -> None:
    run = runner.invoke(app, ["ask", "--plain"], input=lines(*NOTHING_TO_REPORT, *REVIEW_DONE), env={"COLUMNS": "200"})
    lab_hints = [line for line in run.output.splitlines() if line.startswith("Type a number and its unit")]
    assert len(lab_hints) == 2
    assert all(line.endswith("(? why we ask, back, Enter or skip if you don't know)") for line in lab_hints), lab_hints


def test_a_woman_carrying_on_from_a_file_that_holds_chest_pain_is_told_at_once_to_get_help(tmp_path: Path) -> None:
    """Saved at Ctrl-C after "chest pain, happening now", carried on hours later: the emergency
    advice comes before the next question, not only with the result."""
    saved = tmp_path / "answers.json"
    saved.write_text(json.dumps({"red_flags_now": ["chest_pain"]}), encoding="utf-8")
    run = runner.invoke(app, ["ask", "--resume", str(saved), "--plain"], input="")
    output = " ".join(run.output.split())
    told = output.index("Your saved answers say this was happening: Chest pain")
    assert "If it still is, or it has come back:" in output
    assert output.index("IMPORTANT:", told) < output.index("Question ")


def test_a_file_with_no_red_flag_carries_on_quietly(tmp_path: Path) -> None:
    saved = tmp_path / "answers.json"
    saved.write_text(json.dumps({"red_flags_now": [], "age": 70}), encoding="utf-8")
    run = runner.invoke(app, ["ask", "--resume", str(saved), "--plain"], input="")
    assert "IMPORTANT:" not in run.output.split("Question ")[0]


def test_the_pager_shows_how_to_return_instead_of_a_bare_colon() -> None:
    from screener.cli.ask_io import PAGER_PROMPT, pager_prompt  # after screener.cli.main, which it needs

    os.environ.pop("LESS", None)
    with pager_prompt():
        assert os.environ["LESS"].endswith(f"-Ps{PAGER_PROMPT}")
        assert ":" not in PAGER_PROMPT and "." not in PAGER_PROMPT and "?" not in PAGER_PROMPT  # less's prompt syntax
        assert "q to return" in PAGER_PROMPT
    assert "LESS" not in os.environ
    os.environ["LESS"] = "-X"  # a person's own settings are left alone
    try:
        with pager_prompt():
            assert os.environ["LESS"] == "-X"
    finally:
        del os.environ["LESS"]


def test_the_last_prompt_is_a_sentence_and_wraps_between_words_on_a_narrow_terminal() -> None:
    """Newcomer review 9: "d + Enter for the full reasoning, Enter to finish:" did not read as a
    sentence. The prompt says both keys in words; wider than the terminal, it wraps between words
    (a terminal would break it inside one), its last line left for the reply."""
    import io

    from rich.console import Console
    from screener.cli.ask import _END_PROMPT
    from screener.cli.ask_io import Terminal

    assert _END_PROMPT == "Press Enter to finish, or type d for the full reasoning: "
    assert Terminal(Console(file=io.StringIO(), width=60), plain=True).prompt_text(_END_PROMPT) == [_END_PROMPT]
    narrow = Terminal(Console(file=io.StringIO(), width=40), plain=True).prompt_text(_END_PROMPT)
    assert narrow == ["Press Enter to finish, or type d for", "the full reasoning: "]
