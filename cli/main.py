"""The `mgk-screen` command: a thin layer over the `screener` library.

Each command parses its options, calls the library and turns library errors into a clean
message and a documented exit code. Heavy modules (pydantic, jsonschema, the rules engine) are
imported inside the commands so that `mgk-screen --help` answers at once.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperArgument, TyperCommand

from screener import __version__
from screener.errors import ExitCode, ScreenerError

if TYPE_CHECKING:
    from rich.console import Console

    from screener.batch.records import RawRecord
    from screener.screening.pipeline import Screener

app = typer.Typer(
    name="mgk-screen",
    help=(
        "Screen for combined magnesium and potassium depletion, and explain why.\n\n"
        "Screening and teaching only: never a diagnosis."
    ),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # answers are health data: never print local variables
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)

class _Argument(TyperArgument):
    """An argument shown in usage lines as its metavar alone: ``INPUT...``, ``FILE``, ``[NAME]``
    (typer's own form is ``{INPUT...}...`` with a ``<list[str]>`` type beside it)."""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        return name if self.required or name.startswith("[") else f"[{name}]"

    def display_type_rich(self, ctx: typer.Context) -> str | None:  # type: ignore[override]
        return None if self.nargs != 1 or self.metavar else super().display_type_rich(ctx)


class Command(TyperCommand):
    """Every mgk-screen command: arguments read as the README writes them."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for param in self.params:
            if type(param) is TyperArgument:
                param.__class__ = _Argument


RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", help="Use the rule folder DIR instead of the shipped rules (validated the same way).", metavar="DIR"),
]
PlainOption = Annotated[bool, typer.Option("--plain", help="No colour or boxes (also when NO_COLOR is set); screen-reader friendly.")]


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date: write it as YYYY-MM-DD") from None


AsOfOption = Annotated[
    date | None,
    typer.Option(
        "--as-of",
        parser=_parse_date,
        help="Reference date for FHIR EHR data (ages, how old a lab result is; later data is left out). Default: today.",
        metavar="DATE",
    ),
]


class _State:
    debug = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mgk-screen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of unexpected errors (for bug reports).")] = False,
) -> None:
    _State.debug = debug


def stderr_console(plain: bool = False) -> Console:
    from rich.console import Console

    console = Console(stderr=True, no_color=plain or "NO_COLOR" in os.environ, highlight=False)
    # Into a file or a pipe (logs, CI), a message stays on one line: wrapping it at 80 columns would
    # split file paths and record positions, so that a search for them finds nothing.
    console.soft_wrap = not console.is_terminal
    return console


def stdout_console(plain: bool = False) -> Console:
    from rich.console import Console

    return Console(no_color=plain or "NO_COLOR" in os.environ, highlight=False, soft_wrap=False)


def make_screener(rules: Path | None, as_of: date | None = None) -> Screener:
    from screener.screening.pipeline import Screener
    from screener.screening.ruleset import load_ruleset

    return Screener(load_ruleset(rules), as_of=as_of)


@contextmanager
def handled_errors() -> Iterator[None]:
    """Turn a library error into its message on stderr and its exit code."""
    try:
        yield
    except ScreenerError as error:
        typer.echo(f"mgk-screen: {error}", err=True)
        raise typer.Exit(int(error.exit_code)) from None


def read_json_input(path: str) -> object:
    """One answers document from a file or `-` (stdin), read by the same reader as batch mode, so
    every kind of bad input gets the same message wherever it is given."""
    from screener.errors import InputError

    record = read_one_record(path)
    if record.problems:
        raise InputError(
            f"{record.source}: " + "; ".join(f"{problem.path}: {problem.message}" for problem in record.problems)
        )
    return record.value


def read_one_record(path: str) -> RawRecord:
    """The one record of a file or `-` (a JSON object, or a sheet or Parquet file of one row)."""
    from itertools import islice

    from screener.batch.readers import UnreadableRecord, UnreadableSource, iter_records
    from screener.errors import InputError

    items = list(islice(iter_records([path]), 2))
    if len(items) > 1:
        raise InputError(f"{items[0].source}: holds more than one record; use `mgk-screen batch` for several")
    if not items:
        raise InputError(f"{'<stdin>' if path == '-' else path}: holds no records (an empty array?)")
    (item,) = items
    if isinstance(item, UnreadableSource):
        raise InputError(f"{item.source}: {item.message}")
    if isinstance(item, UnreadableRecord):
        raise InputError(f"{item.source}: {item.message}")
    return item


def main() -> None:
    """Entry point: run the app; an unexpected error is reported without a traceback or answers."""
    try:
        app(prog_name="mgk-screen")
    except ScreenerError as error:  # normally handled inside the commands; kept as a safety net
        typer.echo(f"mgk-screen: {error}", err=True)
        sys.exit(int(error.exit_code))
    except Exception as error:
        if _State.debug:
            raise
        typer.echo(
            f"mgk-screen: unexpected error ({type(error).__name__}). This is a bug: please report it "
            "with the output of the same command run with --debug (which shows the traceback, never your answers).",
            err=True,
        )
        sys.exit(int(ExitCode.UNEXPECTED))


# Commands register themselves on `app` when their modules are imported.
from screener.cli import (
    ask,  # noqa: F401
    commands,  # noqa: F401
    fhir,  # noqa: F401
    formats,  # noqa: F401
    reports,  # noqa: F401
    teaching,  # noqa: F401
    web,  # noqa: F401
)
