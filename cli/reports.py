"""`report`: one person's printable result, or a cohort report (the library is `screener.reports`)."""

from __future__ import annotations

import enum
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from screener.cli.main import (
    AsOfOption,
    Command,
    RulesOption,
    app,
    choice_of,
    handled_errors,
    make_screener,
    read_json_input,
)

from screener.errors import ExitCode

if TYPE_CHECKING:
    from screener.reports.cohort import CohortTally


class Paper(str, enum.Enum):
    a4 = "a4"
    letter = "letter"


PaperOption = Annotated[Paper, typer.Option("--paper", parser=choice_of(Paper), help="Page size of a PDF report: a4 or letter.")]


@app.command(cls=Command)
def report(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="One answers file (screened first; FHIR too, as `screen` reads it) or one result file; with --cohort, batch output files "
            "(JSON Lines or JSON, or folders of them), or - for stdin.",
            metavar="INPUT...",
        ),
    ],
    output: Annotated[
        str, typer.Option("--output", "-o", help="The report file: FILE.html (self-contained page) or FILE.pdf.", metavar="FILE")
    ],
    cohort: Annotated[bool, typer.Option("--cohort", help="Report on a cohort of batch results, with charts.")] = False,
    summary: Annotated[
        bool, typer.Option("--summary", help="One person's result on one page for a clinic: one short line per finding, no sources.")
    ] = False,
    title: Annotated[str, typer.Option("--title", help="Title of a cohort report.")] = "Cohort screening report",
    paper: PaperOption = Paper.a4,
    rules: RulesOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Write a report people look at: one person's printable result, or a cohort's counts and charts.

    Without --cohort, INPUT is one person's answers (screened first; a FHIR QuestionnaireResponse or
    one patient's Bundle is read as `screen` reads it) or their result (from `screen --json` or one
    line of `batch` output): the page has the headline, how soon, what to do, a
    summary for a clinician, every finding with its sources, the answers and the disclaimer on every
    printed page. With --cohort, INPUT is `batch` output, read as a stream (any length): counts and
    charts of levels, urgency, coverage, risk factors, red flags and lab values against the rules'
    thresholds, the records that need care soonest, and the invalid records.
    With --summary, one person's result on one page for a clinic (two for the heaviest): the same
    headline, red flags, how soon and why, what to do and summary for a clinician, then one line per
    finding (its title and the answers that made it fire) instead of the explanations and sources.
    The format follows the file name (.html or .pdf). Needs the optional extra (from the clone: `pip install '.[reports]'`).
    Exit codes: 0 written, 2 usage or unreadable input, 3 the answers are not valid (or, with
    --cohort, some lines were not results), 4 invalid rules.
    """
    from screener.reports.render import report_format, require_reports

    with handled_errors():
        kind = report_format(output)
        require_reports(pdf=kind == "pdf")
        if cohort and summary:
            typer.echo("mgk-screen: --summary is for one person's report; a cohort report (--cohort) has no summary form", err=True)
            raise typer.Exit(int(ExitCode.USAGE))
        if cohort:
            tally = _write_cohort_report(inputs, output, title=title, paper=paper.value, rules=rules)  # type: ignore[arg-type]
            for damaged in tally.damaged_listed[:_DAMAGED_SAID]:
                typer.echo(f"mgk-screen: {damaged}: not a result as mgk-screen writes one; counted as not screened", err=True)
            if tally.damaged > _DAMAGED_SAID:
                typer.echo(f"mgk-screen: and {tally.damaged - _DAMAGED_SAID:,} more records that are not results (listed in the report)", err=True)
            typer.echo(
                f"mgk-screen: wrote {output}: cohort report of {tally.records:,} records "
                f"({tally.screened:,} screened, {tally.not_screened:,} not screened)",
                err=True,
            )
            if tally.not_results or tally.unreadable_source_count:
                raise typer.Exit(int(ExitCode.INVALID_RECORDS))
            return
        if len(inputs) != 1:
            typer.echo("mgk-screen: report takes one INPUT for one person; use --cohort for batch output", err=True)
            raise typer.Exit(int(ExitCode.USAGE))
        _write_person_report(inputs[0], output, paper=paper.value, rules=rules, as_of=as_of, summary=summary)  # type: ignore[arg-type]
        typer.echo(f"mgk-screen: wrote {output}", err=True)


#: Damaged entries of a cohort named on stderr (the report lists more).
_DAMAGED_SAID = 10


def _write_person_report(
    path: str, output: str, *, paper: Literal["a4", "letter"], rules: Path | None, as_of: date | None, summary: bool = False
) -> None:
    from screener.fhir.records import is_fhir
    from screener.reports import person_report, write_report
    from screener.screening.pipeline import InvalidAnswers

    screener = make_screener(rules, as_of)
    value = read_json_input(path)
    source = "<stdin>" if path == "-" else path
    if not isinstance(value, dict) and not is_fhir(value):
        typer.echo(f"mgk-screen: {source}: expected one answers or result object, not a list or a value", err=True)
        raise typer.Exit(int(ExitCode.INVALID_RECORDS))
    try:
        html = person_report(value, screener=screener, source=source, summary=summary)
    except InvalidAnswers as invalid:
        typer.echo(f"mgk-screen: {source}: the answers are not valid, so they were not screened:", err=True)
        for problem in invalid.problems:
            typer.echo(f"  {problem.path}: {problem.message}", err=True)
        raise typer.Exit(int(ExitCode.INVALID_RECORDS)) from None
    write_report(html, output, paper=paper)


def _write_cohort_report(
    inputs: list[str], output: str, *, title: str, paper: Literal["a4", "letter"], rules: Path | None
) -> CohortTally:
    from screener.reports import cohort_report, tally_files, write_report
    from screener.screening.ruleset import load_ruleset

    ruleset = load_ruleset(rules)
    tally = tally_files(inputs, ruleset)
    write_report(cohort_report(tally, ruleset, sources=inputs, title=title), output, paper=paper)
    return tally
