"""`ask`: the guided questionnaire, in a terminal or with the replies piped on stdin.

The conversation is `screener.interview` (which question next, what a reply means); this module
only shows questions, reads lines and saves files. The result is the screener's result for the
answers exactly as saved, so `mgk-screen screen FILE` on the saved file gives the same result.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from screener.cli.main import (
    Command,
    PlainOption,
    RulesOption,
    app,
    handled_errors,
    make_screener,
    read_json_input,
    stderr_console,
    stdout_console,
)

from screener.errors import ExitCode

if TYPE_CHECKING:
    from rich.console import Console

    from screener.interview import Interview, Question

_YES = frozenset({"y", "yes", "yeah", "yep", "ok", "please"})
_NO = frozenset({"n", "no", "nope"})


class _Terminal:
    """Questions out, one line of reply in. Replies read from a pipe are echoed after the
    prompt, so that a scripted session reads like the conversation it was."""

    def __init__(self, console: Console, plain: bool) -> None:
        self.console = console
        self.plain = plain
        self.echo = not (sys.stdin is not None and sys.stdin.isatty())

    def say(self, text: str = "", style: str = "", *, wrap: bool = True) -> None:
        """One message; ``wrap=False`` for lines holding a file name or a command to copy."""
        self.console.print(
            text, style=(style or None) if not self.plain else None, markup=False, highlight=False, soft_wrap=not wrap
        )

    def read(self, prompt: str = "> ") -> str:
        """One line; EOFError at the end of input, KeyboardInterrupt on Ctrl-C."""
        self.console.print(prompt, end="", markup=False, highlight=False)
        self.console.file.flush()
        line = input()
        if self.echo:
            self.console.print(line, markup=False, highlight=False)
        return line

    def yes_or_no(self, question: str, *, wrap: bool = True) -> bool:
        self.say(question + " (yes or no)", wrap=wrap)
        while True:
            reply = self.read().strip().lower().rstrip(".!")
            if reply in _YES:
                return True
            if reply in _NO:
                return False
            self.say("Please type yes or no.", "yellow")


@app.command(cls=Command)
def ask(
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            metavar="FILE",
            help="Write the answers to FILE, a valid answers file for `screen` and `batch` (also the partial answers when you stop early).",
        ),
    ] = None,
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume",
            metavar="FILE",
            help="Carry on from a saved (possibly partial) answers file; it is saved back there unless --save names another file.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result as JSON (the questions then go to stderr).")
    ] = False,
    rules: RulesOption = None,
    plain: PlainOption = False,
) -> None:
    """Answer a short guided questionnaire and get the explained result.

    Questions about what is happening right now come first: any of them shows emergency advice
    at once. At every question type ? to see why we ask, back to go back, or skip when you do
    not know. At the end you can review and change any answer. Replies can also be piped on
    stdin, one per line.

    Exit codes: 0 result shown; 2 the input ended before the questionnaire was finished (with
    --save, the answers so far are saved there), or the answers file could not be read or
    written; 3 the --resume file is not a valid answers file; 4 invalid rules or
    questionnaire; 130 stopped with Ctrl-C (after an offer to save the answers so far).
    """
    from screener.interview import Interview, Questionnaire

    plain = plain or "NO_COLOR" in os.environ
    console = stderr_console(plain) if as_json else stdout_console(plain)
    term = _Terminal(console, plain)
    target = save or resume
    with handled_errors():
        screener = make_screener(rules)
        questionnaire = Questionnaire.load(rules)
        initial = _read_resume(resume, screener) if resume else None
        interview = Interview.for_ruleset(questionnaire, screener.ruleset, initial)

    if resume:
        term.say(f"Carrying on from {resume}.", wrap=False)
        for path in interview.not_kept:
            term.say(f"  Note: '{path}' from the file does not fit the other answers, so it was left out.", "yellow")
    else:
        term.say(questionnaire.intro)
    try:
        if _converse(interview, term, questionnaire.emergency_advice):
            _review(interview, term, questionnaire.emergency_advice)
    except KeyboardInterrupt:
        _offer_save(interview, term, target)
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except EOFError:
        term.say()
        term.say("The input ended before the questionnaire was finished.", "yellow")
        if target and interview.started and _write_answers(target, interview.answers):
            term.say(
                f"Your answers so far are saved in {target}. Carry on with: mgk-screen ask --resume {target}",
                wrap=False,
            )
        raise typer.Exit(int(ExitCode.USAGE)) from None

    answers = interview.answers
    saved = True
    if target:
        saved = _write_answers(target, answers)
        if saved:
            term.say(f"Your answers are saved in {target}.", wrap=False)
    # Screen the answers exactly as written to the file.
    result = screener.screen(json.loads(json.dumps(answers)))
    if as_json:
        typer.echo(result.model_dump_json(indent=2, exclude_none=True))
    else:
        from screener.render import render_result

        term.say()
        render_result(result, console, plain=plain)
    if not saved:
        raise typer.Exit(int(ExitCode.USAGE))


def _read_resume(path: Path, screener: Any) -> dict[str, Any]:
    value = read_json_input(str(path))
    if not isinstance(value, dict):
        typer.echo(f"mgk-screen: {path}: expected one answers object to carry on from", err=True)
        raise typer.Exit(int(ExitCode.INVALID_RECORDS))
    _, problems = screener.check(value)
    if problems:
        typer.echo(
            f"mgk-screen: {path}: the answers are not valid, so the questionnaire cannot carry on from them:", err=True
        )
        for problem in problems:
            typer.echo(f"  {problem.path}: {problem.message}", err=True)
        raise typer.Exit(int(ExitCode.INVALID_RECORDS))
    return value


def _converse(interview: Interview, term: _Terminal, emergency_advice: str) -> bool:
    """Ask until every question that applies is answered. False when the person chose to stop
    after the emergency advice."""
    while (question := interview.next_question()) is not None:
        number, total = interview.progress()
        _show(question, number, total, term)
        while True:
            reply = interview.answer(term.read())
            if reply.status == "help":
                term.say(f"Why we ask: {reply.message}", "cyan")
            elif reply.status == "invalid":
                term.say(reply.message, "yellow")
            else:
                break
        for note in reply.notes:
            term.say(f"Note: {note}", "yellow")
        if reply.emergency:
            _emergency(term, emergency_advice)
            if not term.yes_or_no(
                "Do you want to carry on with the questions? Your answers will still be screened at the end."
            ):
                term.say("Here is the result for the answers so far.")
                return False
    return True


def _show(question: Question, number: int, total: int, term: _Terminal) -> None:
    term.say()
    term.say(
        f"Question {number} of {total}"
        if question.kind == "item"
        else f"Question {number} of {total}, checking a medicine",
        "dim",
    )
    term.say(question.text, "bold")
    if question.type in ("single_choice", "multiple_choice"):
        if question.numbered:
            for index, choice in enumerate(question.choices, 1):
                term.say(f"  {index:>2}. {choice.label}")
            if question.none_choice is not None and question.type == "multiple_choice":
                term.say(f"  {0:>2}. {question.none_choice.label}")
        else:
            term.say("  Answers: " + " / ".join(choice.label for choice in question.choices))
    extras = ["? why we ask"]
    if number > 1 or question.kind != "item":
        extras.append("back")
    if question.can_skip and not question.blank_skips:
        extras.append("skip if you don't know")
    term.say(f"Type {question.accepts}.  ({', '.join(extras)})", "dim")


def _emergency(term: _Terminal, advice: str) -> None:
    term.say()
    if term.plain:
        term.say(f"IMPORTANT: {advice}")
    else:
        from rich.panel import Panel
        from rich.text import Text

        term.console.print(Panel(Text(advice), title="IMPORTANT: get help now", style="bold red", expand=False))
    term.say()


def _review(interview: Interview, term: _Terminal, emergency_advice: str) -> None:
    """Show every answer; the person may change any of them before the result."""
    while True:
        lines = interview.review()
        term.say()
        term.say("Your answers", "bold")
        for number, line in enumerate(lines, 1):
            term.say(f"  {number:>2}. {line.question}: {line.answer}")
        term.say("Type a number to change that answer, or press Enter to see your result.", "dim")
        while True:
            try:
                raw = term.read().strip()
            except EOFError:
                return  # nothing more to change: show the result
            if not raw:
                return
            if raw.isdigit() and 1 <= int(raw) <= len(lines):
                break
            term.say(f"Please type a number from 1 to {len(lines)}, or press Enter to see your result.", "yellow")
        interview.change(lines[int(raw) - 1].item_id)
        if not _converse(interview, term, emergency_advice):
            return


def _offer_save(interview: Interview, term: _Terminal, target: Path | None) -> None:
    term.say()
    term.say("Stopped.")
    if not interview.started:
        return
    answers = interview.answers
    try:
        if target:
            if not term.yes_or_no(f"Save your answers so far in {target}, so that you can carry on later?", wrap=False):
                term.say("Not saved.")
                return
            path = target
        else:
            term.say(
                "Save your answers so far, so that you can carry on later? Type a file name, or press Enter to leave without saving."
            )
            name = term.read().strip()
            if not name:
                term.say("Not saved.")
                return
            path = Path(name)
    except (EOFError, KeyboardInterrupt):
        term.say()
        term.say("Not saved.")
        return
    if _write_answers(path, answers):
        term.say(f"Saved in {path}. Carry on later with: mgk-screen ask --resume {path}", wrap=False)


def _write_answers(path: Path, answers: dict[str, Any]) -> bool:
    """Write an answers file atomically (an interruption never leaves half a file)."""
    text = json.dumps(answers, indent=2, ensure_ascii=False) + "\n"
    temporary: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as handle:
            temporary = handle.name
            handle.write(text)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        typer.echo(f"mgk-screen: {path}: cannot save the answers ({error.strerror or error})", err=True)
        return False
    return True
