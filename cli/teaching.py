"""`demo`, `explain` and `rules`: the teaching commands (the library is `screener.teaching`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer
from screener.cli.main import (
    AsOfOption,
    Command,
    PlainOption,
    RulesOption,
    app,
    echo,
    handled_errors,
    make_screener,
    read_json_input,
    refuse_a_result,
    stdout_console,
    wants_plain,
)

from screener.errors import ExitCode

if TYPE_CHECKING:
    from screener.contract.validation import Problem
    from screener.screening.pipeline import Screener
    from screener.teaching import Persona, Walk

rules_app = typer.Typer(
    help="The rule catalogue: list, show one rule, draw how rules feed each other, check a rule folder.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(rules_app, name="rules")

ExamplesOption = Annotated[
    Path | None,
    typer.Option(
        "--examples",
        help="Read personas from DIR (a folder of answers files with NAME.md stories, or a folder holding personas/).",
        metavar="DIR",
    ),
]


def _plain(plain: bool) -> bool:
    return wants_plain(plain)


class _Pauser:
    """Waits for Enter between steps; at the end of stdin (a pipe), stops waiting."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        if self.done:
            return
        echo("\nPress Enter to continue ", nl=False)
        try:
            if not sys.stdin.readline():
                self.done = True
        finally:
            echo("")  # also at Ctrl-C: the shell's prompt then starts on a line of its own


def _report_invalid(source: str, problems: Sequence[Problem], doing: str = "explained") -> NoReturn:
    echo(f"mgk-screen: {source}: the answers are not valid, so they cannot be {doing}:", err=True)
    for problem in problems:
        echo(f"  {problem.path}: {problem.message}", err=True)
    raise typer.Exit(int(ExitCode.INVALID_RECORDS))


@app.command(cls=Command)
def demo(
    name: Annotated[str | None, typer.Argument(help="The persona to show (see --list).", metavar="NAME")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the personas and where they were found.")] = False,
    step: Annotated[bool, typer.Option("--step", help="Pause between steps (\"Press Enter to continue\").")] = False,
    examples: ExamplesOption = None,
    rules: RulesOption = None,
    plain: PlainOption = False,
) -> None:
    """Walk through a teaching case: the story, the answers, each rule that fired and why, the result.

    Without NAME (or with --list), lists the personas.
    """
    from screener import teaching
    from screener.screening.pipeline import InvalidAnswers
    from screener.teaching.render import render_demo, render_persona_list

    console = stdout_console(plain)
    with handled_errors():
        folder = teaching.personas_folder(examples)
        if list_ or name is None:
            render_persona_list(teaching.list_personas(folder), folder, console, plain=_plain(plain))
            return
        persona = teaching.load_persona(name, folder)
        screener = make_screener(rules)
        try:
            screening = screener.run(persona.answers)
        except InvalidAnswers as invalid:
            _report_invalid(str(persona.path), invalid.problems)
        walked = teaching.walk(screener, screening, persona.answers)
    render_demo(persona, walked, console, plain=_plain(plain), pause=_Pauser() if step else (lambda: None))


@app.command(cls=Command)
def explain(
    file: Annotated[
        str,
        typer.Argument(
            help="One answers file (a JSON object, or a FHIR QuestionnaireResponse or one patient's Bundle), - for stdin, or a persona's name.",
            metavar="FILE",
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the tree and the 'why not' as JSON (every condition, as with --all).")
    ] = False,
    all_conditions: Annotated[
        bool,
        typer.Option(
            "--all",
            help='Also list each rule\'s conditions that were "no" (by default one line counts them).',
        ),
    ] = False,
    rules: RulesOption = None,
    plain: PlainOption = False,
    as_of: AsOfOption = None,
) -> None:
    """Show why a result came out as it did: answers → derived facts → risk factors → levels → urgency.

    Each rule shows the conditions that held; those that were "no" (the things that would have
    stopped it) are counted on one line, and listed with --all. Ends with "why not": what was
    missing for the headline to reach the next level.
    """
    from screener import teaching
    from screener.teaching.render import render_tree

    with handled_errors():
        screener = make_screener(rules, as_of)
        _, answers = _read_answers(file, screener)
        walked = _walk(screener, answers, file)
        tree = teaching.explanation_tree(walked, all_conditions=all_conditions or as_json)
    if as_json:
        echo(json.dumps({"id": walked.id, "tree": tree.as_dict(), "why_not": list(walked.why_not)}, indent=2, ensure_ascii=False))
        return
    named = answers.get("id") is not None  # a result without an id carries its position: not a name
    render_tree(tree, stdout_console(plain), plain=_plain(plain), title="Why this result" + (f", for {walked.id}" if named else ""))


@app.command(cls=Command)
def compare(
    first: Annotated[str, typer.Argument(help="A persona's name or an answers file.", metavar="FIRST")],
    second: Annotated[
        str | None,
        typer.Argument(help="Another persona or answers file (default: FIRST, changed by --set and --unset).", metavar="[SECOND]"),
    ] = None,
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Change one answer of the second: PATH=VALUE, dotted as the answers file nests (labs.magnesium.value=0.55). Repeatable.",
            metavar="PATH=VALUE",
        ),
    ] = None,
    removals: Annotated[
        list[str] | None,
        typer.Option("--unset", help="Make one answer of the second unanswered (symptoms). Repeatable.", metavar="PATH"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    examples: ExamplesOption = None,
    rules: RulesOption = None,
    plain: PlainOption = False,
    as_of: AsOfOption = None,
) -> None:
    """Compare two screenings, or one with an answer changed: what differs in the answers, the levels,
    how soon, the rules that fired and the advice.

    `mgk-screen compare low-potassium-result-only --set low_potassium_despite_supplements=true`
    """
    from screener import teaching
    from screener.teaching.render import render_comparison

    settings, removals = settings or [], removals or []
    with handled_errors():
        if second is None and not settings and not removals:
            raise teaching.TeachingError(
                "compare needs a second screening: SECOND, or an answer of FIRST changed",
                hint=f"`mgk-screen compare FIRST SECOND`, or `mgk-screen compare FIRST {teaching.SET_EXAMPLE}`",
            )
        if first == second == "-":
            raise teaching.TeachingError("stdin can be read once: give FIRST or SECOND as a file or a persona's name")
        screener = make_screener(rules, as_of)
        first_name, first_answers = _read_answers(first, screener, examples, "compared")
        second_name, second_answers = (
            (first_name, first_answers) if second is None else _read_answers(second, screener, examples, "compared")
        )
        if settings or removals:
            second_answers = teaching.with_changes(second_answers, settings, removals)
            second_name += ", with " + teaching.changes_in_words(settings, removals)
        comparison = teaching.compare(
            screener.ruleset,
            _walk(screener, first_answers, first_name, "compared"),
            _walk(screener, second_answers, second_name, "compared"),
            names=(first_name, second_name),
        )
    if as_json:
        echo(json.dumps(comparison.as_dict(), indent=2, ensure_ascii=False))
        return
    render_comparison(comparison, stdout_console(plain), plain=_plain(plain))


def _walk(screener: Screener, answers: dict[str, Any], source: str, doing: str = "explained") -> Walk:
    from screener import teaching
    from screener.screening.pipeline import InvalidAnswers

    try:
        screening = screener.run(answers)
    except InvalidAnswers as invalid:
        _report_invalid(source, invalid.problems, doing)
    return teaching.walk(screener, screening, answers)


def _read_answers(
    source: str, screener: Screener, examples: Path | None = None, doing: str = "explained"
) -> tuple[str, dict[str, Any]]:
    """What `explain` and `compare` are given, a file or a persona's name: what to call it, and its answers."""
    from screener.fhir.records import fhir_answers, is_fhir
    from screener.screening.pipeline import InvalidAnswers

    persona = _persona_named(source, examples)
    if persona is not None:
        return f"the persona {persona.name}", persona.answers
    value = read_json_input(source)
    refuse_a_result(value, source)
    if not isinstance(value, dict) and not is_fhir(value):
        echo(f"mgk-screen: {source}: expected one answers object", err=True)
        raise typer.Exit(int(ExitCode.INVALID_RECORDS))
    if not is_fhir(value):
        return "the answers on stdin" if source == "-" else source, cast("dict[str, Any]", value)  # a dict: checked above
    try:  # as `screen` reads it: a FHIR record gives the answers converted from it
        return source, fhir_answers(screener, value)
    except InvalidAnswers as invalid:  # named by their places in the FHIR record
        _report_invalid(source, invalid.problems, doing)


def _persona_named(source: str, examples: Path | None) -> Persona | None:
    """The persona ``source`` names when it is no file (as `demo` takes it); a name close to a
    persona's gets "did you mean the persona"; anything else is read as a file."""
    from screener import teaching
    from screener.errors import ScreenerError
    from screener.teaching.words import suggest

    if source == "-" or Path(source).exists() or "/" in source or "\\" in source:
        return None
    folder = teaching.personas_folder(examples)
    try:
        return teaching.load_persona(source, folder)
    except ScreenerError:
        names = [persona.name for persona in teaching.list_personas(folder)]
        close = suggest(source.removesuffix(".json"), names)
        if not close and "." in source:
            return None  # a file name, not a persona's: the usual "cannot read file" follows
        raise teaching.TeachingError(
            f"{source}: no such file, nor a persona{close.replace('did you mean', 'did you mean the persona')}",
            hint="give an answers file or a persona's name; `mgk-screen demo --list` lists the personas",
        ) from None


@rules_app.command("list", cls=Command)
def rules_list(
    step: Annotated[
        str | None,
        typer.Option("--step", help="Only the rules of this step: its number (1-11, as demo and explain number them) or name.", metavar="STEP"),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-s",
            help="Only the rules whose id, title, condition, conclusion, rationale or mechanism hold every word of WORDS.",
            metavar="WORDS",
        ),
    ] = None,
    red_flags: Annotated[bool, typer.Option("--red-flags", help="Only the red-flag rules.")] = False,
    long: Annotated[bool, typer.Option("--long", "-l", help="Add each rule's rationale and sources.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The catalogue (as filtered) as JSON.")] = False,
    rules: RulesOption = None,
    plain: PlainOption = False,
) -> None:
    """List the rules by step: id, title, and whether a threshold is team judgement.

    --step, --search and --red-flags narrow the list and combine: `rules list --step 3 --search alcohol`.
    """
    from screener import teaching
    from screener.teaching.render import render_rule_list

    with handled_errors():
        screener = make_screener(rules)
        entries = teaching.catalogue(screener, step, search=search, red_flags=red_flags)
    if as_json:
        echo(json.dumps([entry.as_dict() for entry in entries], indent=2, ensure_ascii=False))
        return
    chosen = " and ".join(
        part
        for part in (
            "marked red flag" if red_flags else "",
            f"mentioning '{search}'" if search else "",
            f"in step {step}" if step and not entries else "",
        )
        if part
    )
    steps = len(screener.ruleset.step_ids)
    render_rule_list(entries, stdout_console(plain), plain=_plain(plain), long=long, steps=steps, chosen=chosen)


@rules_app.command("show", cls=Command)
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="The rule id (see `mgk-screen rules list`).", metavar="ID")],
    rules: RulesOption = None,
    plain: PlainOption = False,
) -> None:
    """Show one rule in full: condition in words, conclusion, rationale, mechanism, links, sources."""
    from screener import teaching
    from screener.teaching.render import render_rule

    with handled_errors():
        entry = teaching.rule_entry(make_screener(rules), rule_id)
    render_rule(entry, stdout_console(plain), plain=_plain(plain))


@rules_app.command("graph", cls=Command)
def rules_graph(
    mermaid: Annotated[bool, typer.Option("--mermaid", help="Print a Mermaid flowchart instead of text.")] = False,
    rule_id: Annotated[str | None, typer.Option("--rule", help="Only the links into and out of this rule.", metavar="ID")] = None,
    rules: RulesOption = None,
) -> None:
    """Show which rules produce the facts that other rules use, as text or Mermaid."""
    from screener import teaching

    with handled_errors():
        ruleset = make_screener(rules).ruleset
        graph = teaching.dependency_graph(ruleset, rule_id)
    if mermaid:
        echo(teaching.graph_mermaid(graph, ruleset), nl=False)
    else:
        echo(teaching.graph_text(graph, ruleset, width=stdout_console().width), nl=False)


@rules_app.command("check", cls=Command)
def rules_check(
    rules: Annotated[
        Path | None, typer.Option("--rules", help="The rule folder to check (default: the shipped rules).", metavar="DIR")
    ] = None,
) -> None:
    """Load a rule folder and report it valid, or every problem found (exit 4).

    Besides every check made when rules are loaded (files, fields, names, the engine's limits),
    the rules are compiled and run once in the rules engine itself, in a separate process with a
    time limit, so that a folder it cannot take is reported instead of hanging or crashing later.
    """
    from screener.errors import RulesError
    from screener.screening.engine_limits import MAX_WAITING_TESTS, compile_in_child, step_headroom
    from screener.screening.ruleset import load_ruleset

    with handled_errors():
        ruleset = load_ruleset(rules)
        problem = compile_in_child(None if rules is None else str(rules))
        if problem is not None:
            raise RulesError(f"{ruleset.folder}: {problem}")
    from screener.teaching.thresholds import threshold_warnings

    files = len({rule.file for rule in ruleset.rules})
    named = f"{ruleset.name} {ruleset.version}" if ruleset.shipped else ruleset.in_words
    echo(
        f"{ruleset.folder}: valid: {named}, {len(ruleset.rules)} rules in {files} files, "
        f"{len(ruleset.facts)} facts (sha256 {ruleset.sha256}); compiled and run in the rules engine"
    )
    echo(f"Room in each step (tests that may wait on one assert: at most {MAX_WAITING_TESTS}):")
    for step, count, waiting in step_headroom(ruleset):
        room = "OK, full: none to spare" if waiting >= MAX_WAITING_TESTS else f"OK, {MAX_WAITING_TESTS - waiting} to spare"
        echo(f"  {step}: {count} rules, {waiting}/{MAX_WAITING_TESTS} ({room})")
    warnings = threshold_warnings(ruleset)
    if warnings:
        echo(f"Warnings ({len(warnings)}): a number changed in one place only? (the folder can still be used)")
        for warning in warnings:
            echo(f"  - {warning}")


@rules_app.command("thresholds", cls=Command)
def rules_thresholds(
    fact: Annotated[
        str | None, typer.Argument(help="Only this fact (as rules name it: labs.potassium.mmol_per_l).", metavar="[FACT]")
    ] = None,
    rules: RulesOption = None,
) -> None:
    """List each number the rules compare a fact with, the rules comparing with it, and the texts that
    write it: every place to change together when a threshold changes."""
    from screener.errors import RulesError, did_you_mean
    from screener.render import wrap
    from screener.teaching.thresholds import thresholds

    with handled_errors():
        ruleset = make_screener(rules).ruleset
        listed = thresholds(ruleset, fact)
        if fact is not None and not listed:
            compared = thresholds(ruleset)
            raise RulesError(
                f"no rule compares '{fact}' with a number{did_you_mean(fact, compared)}",
                hint=f"the facts compared with numbers: {', '.join(compared)}",
            )
    width = stdout_console().width
    for name, numbers in listed.items():
        known = ruleset.facts.get(name)
        about = f" ({known.label}{f', {known.unit}' if known and known.unit else ''})" if known else ""
        echo(wrap(f"{name}{about}", width))
        for threshold in numbers:
            by_operator: dict[str, list[str]] = {}
            for use in threshold.uses:
                by_operator.setdefault(use.operator, []).append(use.rule)
            uses = "; ".join(f"{_OPERATOR_WORDS[op]}: {', '.join(ids)}" for op, ids in by_operator.items())
            echo(wrap(f"{threshold.text}: {uses}", width, indent=2, hang=4))
            for other, ids in threshold.kin:
                echo(wrap(f"the same number for {other}: {', '.join(ids)}", width, indent=4, hang=2))
            if threshold.written_in:
                echo(wrap(f"written with its unit ({known.unit if known else ''}) in:", width, indent=4))
                for place in threshold.written_in:
                    echo(wrap(f"- {place}", width, indent=6, hang=2))
        echo()


_OPERATOR_WORDS = {"lt": "below", "lte": "at most", "gt": "above", "gte": "at least"}


@rules_app.command("docs", cls=Command)
def rules_docs(rules: RulesOption = None) -> None:
    """Print the rule catalogue as Markdown (what docs/rules.md holds for the shipped rules)."""
    from screener import teaching

    with handled_errors():
        text = teaching.rules_markdown(make_screener(rules))
    echo(text, nl=False)
