"""`screen`, `batch`, `validate` and `schema`: the screening commands."""

from __future__ import annotations

import contextlib
import enum
import json
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
from screener.cli.batch_summary import count_of, print_fail_on, print_summary
from screener.cli.main import (
    AsOfOption,
    Command,
    IgnoreColumnOption,
    PlainOption,
    RulesOption,
    app,
    choice_of,
    echo,
    handled_errors,
    interrupted,
    make_screener,
    print_red_flags_alone,
    read_one_record,
    refuse_a_result,
    stderr_console,
    stdout_console,
    stopped_code,
    wants_plain,
)

from screener.errors import ExitCode

if TYPE_CHECKING:
    from screener.batch.readers import UnreadableSource
    from screener.batch.runner import BatchSummary
    from screener.batch.writers import OutputTarget
    from screener.reports.cohort import CohortTally
    from screener.screening.pipeline import Screener


class OutputFormat(str, enum.Enum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    parquet = "parquet"
    fhir = "fhir"


def _format_named_by(output: str | None) -> OutputFormat:
    """The output format an OUT file's name asks for when --format is not given: a file named
    results.parquet holding JSON Lines would be read by nothing that opens it."""
    suffix = os.path.splitext(output)[1].lower() if output and output != "-" else ""
    return {".parquet": OutputFormat.parquet, ".csv": OutputFormat.csv}.get(suffix, OutputFormat.jsonl)


class Detail(str, enum.Enum):
    lean = "lean"
    full = "full"


class FailOn(str, enum.Enum):
    possible = "possible"
    likely = "likely"
    routine = "routine"
    soon = "soon"
    urgent = "urgent"
    emergency = "emergency"


class SchemaName(str, enum.Enum):
    answers = "answers"
    result = "result"


Inputs = Annotated[
    list[str],
    typer.Argument(
        help=(
            "Answers files: one JSON object, a JSON array, JSON Lines, a spreadsheet saved as CSV, or Parquet; "
            "a folder of such files (.json/.jsonl/.ndjson/.csv/.parquet); or - for stdin. FHIR QuestionnaireResponses and EHR Bundles or "
            "bulk-data files are read too."
        ),
        metavar="INPUT...",
    ),
]


@app.command(cls=Command)
def screen(
    file: Annotated[
        str, typer.Argument(help="One answers file (a JSON object, or a FHIR QuestionnaireResponse or one patient's Bundle), or - for stdin.", metavar="FILE")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON instead of a readable report.")] = False,
    rules: RulesOption = None,
    plain: PlainOption = False,
    brief: Annotated[bool, typer.Option("--brief", help="Leave out the list of findings.")] = False,
    as_of: AsOfOption = None,
    ignore_column: IgnoreColumnOption = None,
) -> None:
    """Screen one person's answers and show the explained result."""
    from screener.fhir.records import is_fhir, screen_record
    from screener.screening.pipeline import InvalidAnswers

    with handled_errors():
        screener = make_screener(rules, as_of)
        record = read_one_record(file, ignore_column, screener)
        if record.problems:  # bad cells of a sheet or Parquet row
            from screener.batch.runner import record_problems

            print_red_flags_alone(record.source, record.value, screener)
            _print_problems(record.source, record_problems(record, screener))
            raise typer.Exit(int(ExitCode.INVALID_RECORDS))
        value = record.value
        refuse_a_result(value, "<stdin>" if file == "-" else file)
        try:
            result = screen_record(screener, value) if isinstance(value, dict) or is_fhir(value) else None
        except InvalidAnswers as invalid:
            print_red_flags_alone("<stdin>" if file == "-" else file, value, screener)
            _print_problems("<stdin>" if file == "-" else file, invalid.problems)
            raise typer.Exit(int(ExitCode.INVALID_RECORDS)) from None
        if result is None:
            echo(
                f"mgk-screen: {'<stdin>' if file == '-' else file}: expected one answers object, got "
                f"{_json_kind(value)}; for an array or JSON Lines use `mgk-screen batch`",
                err=True,
            )
            raise typer.Exit(int(ExitCode.INVALID_RECORDS))
    if as_json:
        echo(result.model_dump_json(indent=2, exclude_none=True))
    else:
        from screener.render import render_result, result_heading

        render_result(
            result,
            stdout_console(plain),
            plain=wants_plain(plain),
            show_findings=not brief,
            # A FHIR record read from a Bundle is always named (by its patient or response).
            heading=result_heading(result, named=value.get("id") is not None if isinstance(value, dict) else True),
            headline_rules=screener.rules_setting_headline(result),
        )


@app.command(cls=Command)
def batch(
    inputs: Inputs,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write results to this file (atomically) instead of stdout.", metavar="OUT")
    ] = None,
    fmt: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            parser=choice_of(OutputFormat),
            help="Output format; fhir: NDJSON of FHIR RiskAssessments (OperationOutcomes for invalid records). "
            "Default: parquet or csv for an OUT named .parquet or .csv, else jsonl.",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            parser=choice_of(FailOn),
            help="Exit 5 when any result reaches this headline level (possible, likely) or urgency "
            "(routine, soon, urgent, emergency), or higher.",
            metavar="LEVEL",
        ),
    ] = None,
    rules: RulesOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Screen in N forked processes, each reading the input and screening its share, while this one "
            "writes (2 on 2 cores: about 1.8x as fast; at most 4 per CPU). Output order and bytes are those of one process.",
            metavar="N",
        ),
    ] = 1,
    detail: Annotated[
        Detail,
        typer.Option(
            "--detail",
            parser=choice_of(Detail),
            help="lean: each finding is its rule id and evidence; its explanation, mechanism and sources are the "
            "rules' (`mgk-screen rules show ID`; the entry names the rules by SHA-256). full: every finding "
            "explained in every entry (about 4x larger). CSV and FHIR carry no findings.",
        ),
    ] = Detail.lean,
    report: Annotated[
        str | None,
        typer.Option(
            "--report",
            help="Also write the cohort report (FILE.html or FILE.pdf), counted while the results are written. "
            "Needs the reports extra.",
            metavar="FILE",
        ),
    ] = None,
    as_of: AsOfOption = None,
    ignore_column: IgnoreColumnOption = None,
) -> None:
    """Screen many records: one entry per record, in input order, screened or invalid.

    A summary (counts by headline level and urgency, invalid records) goes to stderr, and a
    progress line (records and records/s) while it runs when stderr is a terminal.
    Exit codes: 0 all screened, 3 some records invalid (the valid ones are still written),
    2 usage, nothing readable or output refused, 4 invalid rules, 5 --fail-on reached (also when some
    records were invalid: the records that reached it are named on stderr), 130 interrupted, 141 the
    reader of the output went away, 143 SIGTERM.
    """
    from screener.batch.encoding import CARRY_FINDINGS
    from screener.batch.runner import BatchSummary, check_workers, write_batch
    from screener.batch.writers import open_writer

    fmt = fmt or _format_named_by(output)
    errors = stderr_console()
    summary = BatchSummary()
    started = time.perf_counter()
    # Not when the results themselves stream to the same terminal.
    to_terminal = output in (None, "-") and sys.stdout.isatty()
    progress = _BatchProgress(errors, started) if errors.is_terminal and not quiet and not to_terminal else None
    with handled_errors():
        check_workers(workers)
        target = _checked_outputs(output, report, inputs)
        screener = make_screener(rules, as_of)
        cohort = _cohort_report_tally(report, screener)
        _name_skipped_files(inputs, errors.print)
        _settle_memory()

        def unreadable(item: UnreadableSource) -> None:
            errors.print(f"mgk-screen: {item.source}: {item.message}", markup=False)
            if cohort is not None and not item.note:
                cohort.add_unreadable_source(item.source, item.message)

        try:
            with open_writer(target, fmt.value, ruleset=screener.ruleset, as_of=screener.as_of) as writer, progress or contextlib.nullcontext():
                write_batch(
                    inputs,
                    screener,
                    summary,
                    writer,
                    fail_on=fail_on.value if fail_on else None,
                    on_unreadable_source=unreadable,
                    on_entry=cohort.add if cohort is not None else None,
                    progress=progress.show if progress is not None else None,
                    workers=workers,
                    # Findings are built only for outputs that carry them.
                    detail=detail.value if fmt.value in CARRY_FINDINGS else "none",
                    ignore=ignore_column or (),
                )
                if summary.records_read == 0:
                    raise _NothingRead  # leaves an earlier output file as it was
        except _NothingRead:
            pass
        except KeyboardInterrupt as stop:
            errors.print(
                f"\nmgk-screen: {interrupted(stop)} after {summary.screened + summary.invalid:,} records "
                f"({summary.screened:,} screened, {summary.invalid:,} invalid); "
                + ("no output file was written." if target.path and not target.direct else "output is incomplete."),
                markup=False,
            )
            raise typer.Exit(int(stopped_code(stop))) from None
        wrote_report = _write_cohort_report(report, cohort, screener, inputs, summary)
    if not quiet:
        print_summary(summary, time.perf_counter() - started, errors, report=report if wrote_report else None)
    if summary.records_read == 0:
        errors.print("mgk-screen: no records were read", markup=False)
        raise typer.Exit(int(ExitCode.USAGE))
    if fail_on is not None and summary.reached_fail_on:
        # Named even with --quiet: this is what the caller asked to be told.
        print_fail_on(summary, fail_on.value, errors)
        # The level the caller asked about wins over invalid records (reported above): a CI job
        # watching for "urgent" must not miss one because a neighbour record was malformed.
        raise typer.Exit(int(ExitCode.FAIL_ON_LEVEL))
    if summary.invalid or summary.unreadable_sources:
        raise typer.Exit(int(ExitCode.INVALID_RECORDS))


def _name_skipped_files(inputs: list[str], say: Callable[..., object], prefix: str = "mgk-screen: ") -> None:
    """Name, for each folder input, the files in it that are not read (a file is never left out
    without a word): one line per folder, before the run."""
    from screener.batch.readers import skipped_in_folder

    for given in dict.fromkeys(inputs):
        line = skipped_in_folder(given)
        if line is not None:
            say(f"{prefix}{given}: {line}", markup=False)


def _settle_memory() -> None:
    """Before screening many records: what was made to start (rules, engine, vocabulary) is kept
    out of the garbage collector's way (``gc.freeze``), so that each collection looks only at
    what the records make; and workers forked later share those pages instead of copying them."""
    import gc

    gc.collect()
    gc.freeze()


def _checked_outputs(output: str | None, report: str | None, inputs: list[str]) -> OutputTarget:
    """Where the results go, checked before anything is read (never onto an input), and the
    report's file too."""
    from screener.batch.writers import output_target

    if report is not None:
        output_target(report, inputs, hint="give a file name, such as report.html or report.pdf")
    return output_target(output, inputs)


def _cohort_report_tally(report: str | None, screener: Screener) -> CohortTally | None:
    """An empty tally for ``--report``, after checking the report can be written at all (its name
    and the extra), so that a long run never ends in "cannot write the report"."""
    if report is None:
        return None
    from screener.reports import new_tally
    from screener.reports.render import report_format, require_reports

    require_reports(pdf=report_format(report) == "pdf")
    return new_tally(screener.ruleset)


def _write_cohort_report(
    report: str | None, cohort: CohortTally | None, screener: Screener, inputs: list[str], summary: BatchSummary
) -> bool:
    """Write the cohort report of ``--report`` (True), unless there is none or nothing was read."""
    if report is None or cohort is None or not summary.records_read:
        return False
    from screener.reports import cohort_report, write_report

    write_report(cohort_report(cohort, screener.ruleset, sources=inputs), report)
    return True


class _NothingRead(Exception):
    """No record could be read: the output is discarded rather than replaced by an empty one."""


class _BatchProgress:
    """Records done and records/s on stderr, redrawn at most ten times a second by the caller's
    own thread (no refresh thread: worker processes are forked while it shows)."""

    def __init__(self, console, started: float) -> None:  # type: ignore[no-untyped-def]
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._started = started
        self._shown_at = 0.0
        self._progress = Progress(
            TextColumn("screening"),
            BarColumn(bar_width=20),
            TextColumn("{task.completed:,} records, {task.fields[rate]} records/s"),
            TimeElapsedColumn(),
            console=console,
            auto_refresh=False,
            transient=True,
        )
        self._task = self._progress.add_task("batch", total=None, rate="-")

    def __enter__(self) -> _BatchProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._progress.stop()

    def show(self, count: int) -> None:
        now = time.perf_counter()
        if now - self._shown_at >= 0.1:
            self._shown_at = now
            rate = count / (now - self._started) if now > self._started else 0.0
            self._progress.update(self._task, completed=count, rate=f"{rate:,.0f}")
            self._progress.refresh()


@app.command(cls=Command)
def validate(
    inputs: Inputs, rules: RulesOption = None, as_of: AsOfOption = None, ignore_column: IgnoreColumnOption = None
) -> None:
    """Check records against the answers contract without screening; report every error."""
    from screener.batch.readers import RawRecord, UnreadableRecord, UnreadableSource, iter_records
    from screener.batch.refused_red_flags import said_first
    from screener.batch.runner import record_problems
    from screener.render import red_flag_line

    with handled_errors():
        screener = make_screener(rules, as_of)
        _name_skipped_files(inputs, lambda line, **_: echo(line, err=True), prefix="")
        read = invalid = unreadable = 0
        for item in iter_records(inputs, ignore=ignore_column or ()):
            if isinstance(item, UnreadableSource):
                item = said_first(item, screener)  # red flags in the rows of a refused table, said first
                echo(f"{item.source}: {item.message}", err=True)
                unreadable += not item.note
                continue
            read += 1
            where = f"{item.source} record {item.position}"
            if isinstance(item, UnreadableRecord):
                echo(f"{where}: {item.message}")
                invalid += 1
                continue
            assert isinstance(item, RawRecord)
            problems = record_problems(item, screener)
            if problems:
                invalid += 1
                reported = screener.red_flags_alone(item.value)
                if reported:  # red flags first, even in a record that cannot be screened
                    echo(f"{where}: {red_flag_line(reported['red_flags'])} (cannot be screened: see to it first)")
                for problem in problems:
                    echo(f"{where}: {problem.path}: {problem.message}")
    echo(
        f"{count_of(read, 'record')} read, {read - invalid:,} valid, {invalid:,} with errors"
        + (f", {count_of(unreadable, 'unreadable file')}" if unreadable else ""),
        err=True,
    )
    if read == 0:
        raise typer.Exit(int(ExitCode.USAGE))
    if invalid or unreadable:
        raise typer.Exit(int(ExitCode.INVALID_RECORDS))


@app.command(cls=Command)
def schema(
    name: Annotated[
        SchemaName,
        typer.Argument(
            parser=choice_of(SchemaName),
            help="answers: what an input record may hold; result: what a result holds.",
            metavar="answers|result",
        ),
    ],
) -> None:
    """Print the published JSON Schema of the answers or of a result."""
    from screener.contract.validation import load_schema

    echo(json.dumps(load_schema(f"{name.value}.schema.json"), indent=2, ensure_ascii=False))


def _json_kind(value: object) -> str:
    kinds = {list: "an array", str: "a string", bool: "true or false", int: "a number", float: "a number"}
    return "null" if value is None else kinds.get(type(value), "a JSON value")


def _print_problems(source: str, problems: list) -> None:  # type: ignore[type-arg]
    echo(f"mgk-screen: {source}: the answers are not valid, so they were not screened:", err=True)
    for problem in problems:
        echo(f"  {problem.path}: {problem.message}", err=True)
