"""`ask`: the guided questionnaire, in a terminal or with the replies piped on stdin.

The conversation is `screener.interview` (which question next, what a reply means); this module
only shows questions, reads lines and saves files. The result is the screener's result for the
answers exactly as saved, so `mgk-screen screen FILE` on the saved file gives the same result.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from screener.cli import ask_io
from screener.cli.ask_io import (
    Terminal,
    agree_to_replace,
    check_writable,
    holds_answers,
    offer_save,
    pager_prompt,
    quoted,
    same_file,
    save_at_end,
)
from screener.cli.main import (
    Command,
    PlainOption,
    RulesOption,
    app,
    echo,
    handled_errors,
    make_screener,
    one_record,
    print_red_flags_alone,
    refuse_a_result,
    stderr_console,
    stdout_console,
    stopped_code,
    wants_plain,
)

from screener.errors import ExitCode, Terminated

if TYPE_CHECKING:
    from screener.contract.result import ScreeningResult
    from screener.interview import Interview, Question

_DETAILS = frozenset({"d", "details", "why", "more"})
_QUIT = frozenset({"quit", "exit", "q", ":q"})  # what a newcomer types to leave a program
_REASONING = "The full reasoning (every rule that fired and why):"
_NOT_KEPT = "The full reasoning (every rule that fired and why) was not kept: give the same replies to"
#: The last prompt at a terminal, a sentence that says both keys (the short result above it says
#: "type d below").
_END_PROMPT = "Press Enter to finish, or type d for the full reasoning: "
#: Said before the pager opens, and kept as its prompt (LESS), since a bare ":" says nothing.
_PAGER_HINT = "The full reasoning opens in a pager: Space for the next page, b to go back, q to return to your result."



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
    details: Annotated[
        bool,
        typer.Option(
            "--details", help="Also print the full reasoning (every rule that fired and why) before the short result."
        ),
    ] = False,
    rules: RulesOption = None,
    plain: PlainOption = False,
) -> None:
    """Answer a short guided questionnaire and get the explained result.

    Questions about what is happening right now come first: any of them shows emergency advice
    at once. At every question type ? to see why we ask, back to go back, or skip when you do
    not know. At the end you can review and change any answer. The result ends with the short
    form (headline, how soon, coverage, recommendations) so that it fits on one screen; the full
    reasoning comes with --details, or on request when you use a terminal. Replies can also be
    piped on stdin, one per line.

    A --save file that already holds answers is replaced only after a yes, asked before the
    first question (--save naming the --resume file carries on from it, and is not asked).

    Exit codes: 0 result shown; 2 the --save file cannot be written (checked before the first
    question) or holds answers the person chose to keep, the input ended before the questionnaire was finished (with --save, the answers
    so far are saved there), or the answers could only be printed, not saved; 3 the --resume
    file is not a valid answers file (not JSON or cut short, empty, an array or several records,
    or answers that fail validation; a folder or a file that cannot be read: exit 2); 4 invalid rules or
    questionnaire; 130 stopped with Ctrl-C (after an offer to save the answers so far); 143
    SIGTERM (the answers so far are saved with --save).
    """
    from screener.interview import Interview, Questionnaire

    plain = wants_plain(plain)
    console = stderr_console(plain) if as_json else stdout_console(plain)
    # Into a file or a pipe, no boxes either (colour is already left out there): a log or a file
    # read later shows box drawing as line noise.
    plain = plain or not console.is_terminal
    term = Terminal(console, plain)
    target = save or resume
    with handled_errors():
        if target is not None:
            check_writable(target)  # before the first question, never after the last
        screener = make_screener(rules)
        questionnaire = Questionnaire.load(rules)
        initial = _read_resume(resume, screener) if resume else None
        interview = Interview.for_ruleset(questionnaire, screener.ruleset, initial)
        # --save over a file of answers replaces them: only with a yes, asked before anything
        # else. --save naming the file resumed is carrying on from it, not replacing it.
        if save is not None and holds_answers(save) and not (resume and same_file(save, resume)):
            try:
                replace = agree_to_replace(save, term)
            except KeyboardInterrupt as stop:
                term.say()
                term.say("Stopped.")
                raise typer.Exit(int(stopped_code(stop))) from None
            if not replace:
                raise typer.Exit(int(ExitCode.USAGE))

    if resume:
        _say_resumed(interview, questionnaire, resume, term, saved_back=save is None)
        _warn_of_saved_red_flags(interview, questionnaire, term)
    else:
        term.say(questionnaire.intro)
    try:
        if _converse(interview, term, questionnaire.emergency_advice):
            _review(interview, term, questionnaire.emergency_advice)
    except KeyboardInterrupt as stop:
        if isinstance(stop, Terminated):  # nobody to ask: keep what was answered where --save said
            term.say()
            term.say("Stopped by SIGTERM.")
            if target and interview.started and ask_io.save(target, interview.answers_so_far):
                term.say(f"Your answers so far are saved in {target}.", keep=[target])
                ask_io.say_unsaved(interview, term)
        else:
            offer_save(interview, term, target)
        raise typer.Exit(int(stopped_code(stop))) from None
    except EOFError:
        ended = "The input ended before the questionnaire was finished."
        if term.interactive and not target:  # Ctrl-D at a keyboard: the answers are offered a file, as at Ctrl-C
            offer_save(interview, term, None, why=ended)
            raise typer.Exit(int(ExitCode.USAGE)) from None
        term.say()
        term.say(ended, "yellow")
        if target and interview.started and ask_io.save(target, interview.answers_so_far):
            term.say(f"Your answers so far are saved in {target}. Carry on with:", keep=[target])
            term.say(f"  mgk-screen ask --resume {quoted(target)}", wrap=False)
            ask_io.say_unsaved(interview, term)
        raise typer.Exit(int(ExitCode.USAGE)) from None

    answers = interview.answers
    saved_in = save_at_end(target, answers, term) if target else None
    answers = ask_io.with_id(saved_in, answers)  # the file's name is its id
    # Screen the answers exactly as written to the file.
    result = screener.screen(json.loads(json.dumps(answers)))
    if as_json:
        echo(result.model_dump_json(indent=2, exclude_none=True))
    else:
        _show_result(
            result,
            term,
            named="id" in answers,
            details=details,
            headline_rules=screener.rules_setting_headline(result),
            saved_in=saved_in,
            answers=answers,
        )
    if target and saved_in is None:
        raise typer.Exit(int(ExitCode.USAGE))


def _read_resume(path: Path, screener: Any) -> dict[str, Any]:
    # The answers are saved back to this file: it must be one file holding one answers object,
    # not a folder (whose first file would be read) nor an array of one (which would be replaced
    # by an object).
    if not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file" if path.exists() else "not found"
        echo(f"mgk-screen: {path}: {kind}; --resume takes one answers file (as written by --save)", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    if not os.access(path, os.R_OK):
        echo(f"mgk-screen: {path}: cannot be read (permission denied)", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    found = one_record(str(path), screener=screener)  # a sheet refused whole says its red flags first
    if isinstance(found, tuple):  # not JSON, truncated, empty, several records: not an answers file
        said = found[1] if found[1].startswith("RED FLAG") else f"not a valid answers file: {found[1]}"  # red flags first
        echo(f"mgk-screen: {path}: {said}", err=True)
        raise typer.Exit(int(ExitCode.INVALID_RECORDS))
    if found.problems:
        problems = "; ".join(f"{problem.path}: {problem.message}" for problem in found.problems)
        echo(f"mgk-screen: {path}: not a valid answers file: {problems}", err=True)
        raise typer.Exit(int(ExitCode.INVALID_RECORDS))
    value = found.value
    refuse_a_result(value, str(path))
    if not isinstance(value, dict) or _holds_an_array(path):
        echo(f"mgk-screen: {path}: expected one answers object to carry on from, not an array", err=True)
        raise typer.Exit(int(ExitCode.INVALID_RECORDS))
    _, problems = screener.check(value)
    if problems:
        print_red_flags_alone(str(path), value, screener)  # red flags first, even of answers that cannot be used
        echo(
            f"mgk-screen: {path}: the answers are not valid, so the questionnaire cannot carry on from them:", err=True
        )
        for problem in problems:
            echo(f"  {problem.path}: {problem.message}", err=True)
        raise typer.Exit(int(ExitCode.INVALID_RECORDS))
    return value


def _holds_an_array(path: Path) -> bool:
    with path.open("rb") as file:
        head = file.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    return head.startswith(b"[")


def _say_resumed(interview: Interview, questionnaire: Any, resume: Path, term: Terminal, *, saved_back: bool) -> None:
    from screener.interview.medicine_checks import resumed_without_asking

    # Without --save the answers go back into the file carried on from (perhaps a nurse's
    # original): said before the first question, with the way to keep it as it is.
    if saved_back:
        term.say(
            f"Carrying on from {resume}. Your answers will be saved back to {resume} "
            "(--save with another file name keeps it as it is).",
            keep=[resume],
        )
    else:
        term.say(f"Carrying on from {resume}.", keep=[resume])
    labels = {item.field: item.label for item in questionnaire.items}
    for path in interview.kept_as_given:
        term.say(
            f"  Note: '{labels.get(path, path)}' is kept as the file gives it; its question does not apply "
            "to your other answers, so it is not asked.",
            "yellow",
        )
    for path in interview.not_kept:
        term.say(f"  Note: '{path}' from the file does not fit the other answers, so it was left out.", "yellow")
    for note in resumed_without_asking(interview.vocabulary, interview.medicines()):
        term.say(f"  Note: {note}", "yellow", hang=4)


def _warn_of_saved_red_flags(interview: Interview, questionnaire: Any, term: Terminal) -> None:
    """A file saved with a red flag "happening now" may be carried on hours later: the emergency
    advice comes at once, before the next question, not only with the result."""
    if not interview.red_flags:
        return
    labels = {c.value: c.label for item in questionnaire.items if item.red_flag for c in item.choices}
    flags = "; ".join(labels.get(code, str(code)) for code in interview.red_flags)
    term.say()
    term.say(f"Your saved answers say this was happening: {flags}. If it still is, or it has come back:", "bold")
    _emergency(term, questionnaire.emergency_advice)


def _converse(interview: Interview, term: Terminal, emergency_advice: str) -> bool:
    """Ask until every question that applies is answered. False when the person chose to stop
    after the emergency advice."""
    while (question := interview.next_question()) is not None:
        number, left = interview.progress()
        _show(question, number, left, term)
        while True:
            typed = term.read()
            if typed.strip().lower() in _QUIT:
                raise KeyboardInterrupt  # stop as Ctrl-C does: the answers so far are offered a file
            reply = interview.answer(typed)
            if reply.status == "help":
                term.say(f"Why we ask: {reply.message}", "cyan")
            elif reply.status == "invalid":
                term.say(reply.message + _skip_hint(question, reply.message), "yellow")
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


def _show(question: Question, number: int, left: int, term: Terminal) -> None:
    term.say()
    where = f"about {left} to go" if left else "nearly done"
    if question.kind != "item":
        where = "checking a medicine"
    term.say(f"Question {number}, {where}", "dim")
    if question.note:
        term.say(f"Note: {question.note}", "yellow", hang=2)
    term.say(question.text, "bold")
    # A question answered with a count (drinks on a typical day) shows no bands: it asks for a number.
    if question.type in ("single_choice", "multiple_choice") and question.numbered:
        choices = [f"{index:>2}. {choice.label}" for index, choice in enumerate(question.choices, 1)]
        if question.none_choice is not None and question.type == "multiple_choice":
            choices.append(f"{0:>2}. {question.none_choice.label}")
        for choice in choices:
            term.say(choice, indent=2, hang=4)
        if term.console.is_terminal and len(choices) + 6 > term.console.height:
            term.say(question.text, "bold")  # the question has scrolled away above its choices: again
    extras = ["? why we ask"]
    if number > 1 or question.kind != "item":
        extras.append("back")
    if question.can_skip:  # the lab results too, where Enter also skips
        extras.append("Enter or skip if you don't know" if question.blank_skips else "skip if you don't know")
    term.say(f"Type {question.accepts}.  ({', '.join(extras)})", "dim", hang=2)
    if question.default is not None:
        term.say(f"Press Enter to keep your earlier answer: {question.default}", "cyan", hang=2)


def _skip_hint(question: Question, message: str) -> str:
    """A reply asked again ("dunno", "2 or 3") is often a reply not known: say skip is there too."""
    if question.can_skip and not question.blank_skips and "skip" not in message:
        return " Or type skip if you don't know."
    return ""


def _emergency(term: Terminal, advice: str) -> None:
    term.say()
    if term.plain:
        term.say(f"IMPORTANT: {advice}")
    else:
        from rich.panel import Panel
        from rich.text import Text

        term.console.print(Panel(Text(advice), title="IMPORTANT: get help now", style="bold red", expand=False))
    term.say()


def _review(interview: Interview, term: Terminal, emergency_advice: str) -> None:
    """Show every answer; the person may change any of them before the result."""
    from screener.interview.reply_words import choice_number

    while True:
        lines = interview.review()
        term.say()
        term.say("Your answers", "bold")
        for number, line in enumerate(lines, 1):
            term.say(f"{number:>2}. {line.question}: {line.answer}", indent=2, hang=4)
        term.say("Type a number to change that answer, or press Enter to see your result.", "dim")
        while True:
            try:
                raw = term.read().strip()
            except EOFError:
                return  # nothing more to change: show the result
            if not raw:
                return
            chosen = choice_number(raw)
            if chosen is not None and 1 <= chosen <= len(lines):
                break
            term.say(f"Please type a number from 1 to {len(lines)}, or press Enter to see your result.", "yellow")
        interview.change(lines[chosen - 1].item_id)
        if not _converse(interview, term, emergency_advice):
            return




def _show_result(
    result: ScreeningResult,
    term: Terminal,
    *,
    named: bool,
    details: bool,
    headline_rules: Sequence[str],
    saved_in: Path | None,
    answers: dict[str, Any] | None = None,
) -> None:
    """The end of `ask`: the short result last, fitting one screen; the full reasoning before it
    with --details, or on request (d) at a terminal, shown in a pager."""
    from screener.render import render_result, render_short_result, result_heading

    console, plain = term.console, term.plain
    heading = result_heading(result, named=named)
    # The full reasoning was asked for: what would change the headline comes with it, even beside
    # urgent advice (the result a person reads last, the short one, never shows it).
    full = {"plain": plain, "heading": heading, "headline_rules": headline_rules, "show_next_level": True}
    on_request = term.interactive and console.is_terminal and not details
    if details:
        term.say()
        render_result(result, console, **full)  # type: ignore[arg-type]
    lead = _REASONING
    if on_request:
        more, pointer = "type d below", None
    elif saved_in is not None:
        more = pointer = f"mgk-screen screen {quoted(saved_in)}"
    else:
        # Nothing saved, so nothing to screen again: with replies from a pipe or a file, the same
        # replies with --details print it (a person at a keyboard is offered a file, below).
        more = "mgk-screen ask --details"
        lead, pointer = _NOT_KEPT, "mgk-screen ask --details"
    # Room for what comes after it (the prompt, or where to find the reasoning) and the line the
    # terminal scrolls when the person presses Enter.
    after = term.command_lines(lead, pointer) if pointer and not details else len(term.prompt_text(_END_PROMPT))
    room = console.height - 1 - after if console.is_terminal else None
    term.say()
    render_short_result(result, console, plain=plain, heading=heading, max_lines=room, more=more)
    while on_request:
        try:
            wanted = term.read(_END_PROMPT)
        except (EOFError, KeyboardInterrupt):
            wanted = ""
        if wanted.strip().lower() not in _DETAILS:
            break
        term.say(_PAGER_HINT, "dim")
        with pager_prompt(), console.pager(styles=False):  # a pager shows escape codes as text unless told otherwise
            render_result(result, console, **full)  # type: ignore[arg-type]
        render_short_result(result, console, plain=plain, heading=heading, max_lines=room, more=more)
    if pointer is not None and not details and saved_in is None and term.interactive:
        # At a keyboard with nothing saved: answering again is no way to see the reasoning.
        _offer_to_keep(result, term, answers)
    elif pointer is not None and not details:  # no pointer when the reasoning is on request
        term.say_command(lead, pointer, "dim", keep=[pointer])


def _offer_to_keep(result: ScreeningResult, term: Terminal, answers: dict[str, Any] | None) -> None:
    """Offer to save the answers, to see the full reasoning with `mgk-screen screen FILE`."""
    if answers is None:
        return
    try:
        path = ask_io.save_in_typed_file(
            term, answers, "To see the full reasoning later, save your answers: type a file name, or press Enter to finish."
        )
    except (EOFError, KeyboardInterrupt):
        path = None
    if path is not None:
        term.say_command(_REASONING, f"mgk-screen screen {quoted(path)}", "dim", keep=[path])
