"""The `mgk-screen` command: a thin layer over the `screener` library.

Each command parses its options, calls the library and turns library errors into a clean
message and a documented exit code. Heavy modules (pydantic, jsonschema, the rules engine) are
imported inside the commands so that `mgk-screen --help` answers at once.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import functools
import io
import os
import shlex
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from screener import __version__
from screener.errors import ClosedPipe, ExitCode, OutputError, ScreenerError, Terminated, did_you_mean, terminal_safe

if TYPE_CHECKING:
    from rich.console import Console

    from screener.batch.records import RawRecord
    from screener.screening.pipeline import Screener

class _Commands(TyperGroup):
    """The command group, turning what typer would otherwise misreport into our exit codes: a
    closed pipe (typer: exit 1), an output that cannot be written (typer: a traceback) and
    SIGTERM (typer: Ctrl-C's 130)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise ClosedPipe() from None
        except OSError as error:
            if error.filename is not None:  # about a named file: not a standard stream
                raise
            raise OutputError(f"cannot write the output: {error.strerror or error}") from None
        except Terminated:
            raise typer.Exit(int(ExitCode.TERMINATED)) from None

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _rules_after_the_command(self, ctx, args))


def _rules_after_the_command(root: Any, ctx: Any, args: list[str]) -> list[str]:
    """``mgk-screen --rules DIR screen FILE`` (or ``rules --rules DIR check``): the option moved
    to after the command it applies to, where each command that reads rules takes it; a command
    that takes none says so, in one line, rather than "No such option"."""
    moved: list[str] = []
    kept: list[str] = []  # the root's own options (--debug) and the command's names, in order
    path: list[str] = []
    command = root
    index = 0
    while index < len(args):
        token = args[index]
        if token == "--rules":
            moved += args[index : index + 2]
            index += 2
            continue
        if token.startswith("--rules="):
            moved.append(token)
        elif token.startswith("-") and token not in ("-h", "--help") and isinstance(command, TyperGroup):
            kept.append(token)
        else:
            found = command.get_command(ctx, token) if isinstance(command, TyperGroup) and not token.startswith("-") else None
            if found is None:
                break
            command = found
            kept.append(token)
            path.append(token)
        index += 1
    if not moved:
        return args
    if isinstance(command, TyperGroup) or not any("--rules" in param.opts for param in command.params):
        example = "as in `mgk-screen screen --rules DIR FILE` or `mgk-screen rules check --rules DIR`"
        if path and not isinstance(command, TyperGroup):
            ctx.fail(f"`mgk-screen {' '.join(path)}` takes no --rules: it goes after a command that reads rules, {example}")
        ctx.fail(f"--rules goes after the command it is for, {example}")
    return [*kept, *moved, *args[index:]]


app = typer.Typer(
    cls=_Commands,
    name="mgk-screen",
    help=(
        "Screen for combined magnesium and potassium depletion, and explain why.\n\n"
        "Screening and teaching only: never a diagnosis."
    ),
    epilog=(
        "\b\n"  # laid out as written, not rewrapped
        "Start here:\n"
        "  mgk-screen ask            the questionnaire, in this terminal\n"
        "  mgk-screen screen FILE    the result for an answers file\n"
        "Teaching:\n"
        "  mgk-screen demo --list    the personas (demo NAME walks one through)\n"
        "  mgk-screen explain FILE   why a result came out as it did\n"
        "  mgk-screen compare A B    what differs (or: compare A --set PATH=VALUE)\n"
        "  mgk-screen rules list     the rule catalogue (rules show ID: one rule)"
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
PlainOption = Annotated[bool, typer.Option("--plain", help="No colour or boxes (also when NO_COLOR is set, or TERM=dumb); screen-reader friendly.")]


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date: write it as YYYY-MM-DD") from None


_Choice = TypeVar("_Choice", bound=enum.Enum)


def choice_of(choices: type[_Choice]) -> Callable[[Any], _Choice]:
    """The ``parser=`` of an option or argument that takes one of an Enum's values: a wrong value
    gets our message (what was given, the choices, the closest one), not the library's ("Value
    error, 'x' is not one of ..."). The Enum stays the parameter's type, so --help still lists the
    choices and shell completion offers them."""

    def parse(value: Any) -> _Choice:
        if isinstance(value, choices):  # a default
            return value
        names = [str(choice.value) for choice in choices]
        for choice in choices:
            if choice.value == value:
                return choice
        raise typer.BadParameter(f"{value!r} is not one of: {_listed(names)}{_closest(str(value), names)}")

    return parse


def _listed(names: list[str]) -> str:
    # A punctuation choice (the delimiters , and ;) is quoted, or the list would not read.
    return ", ".join(name if name.isalnum() else f"'{name}'" for name in names)


def _closest(word: str, names: list[str]) -> str:
    same_but_case = [name for name in names if name.casefold() == word.casefold()]
    return f" (did you mean '{same_but_case[0]}'?)" if same_but_case else did_you_mean(word, names)


def _ignore_patterns(values: list[str] | None) -> list[str]:
    for value in values or []:
        if not value.strip():
            raise typer.BadParameter("give a column's name or a pattern such as 'Q*', not an empty text")
    return values or []


IgnoreColumnOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore-column",
        callback=_ignore_patterns,
        help="Leave out this column of a sheet or Parquet file: a name or a pattern such as 'Q*' (any case; "
        "repeatable). The columns Google Forms, Microsoft Forms and REDCap add (Timestamp, record_id...) are "
        "left out without it; each file names what it left out.",
        metavar="NAME",
    ),
]


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


def echo(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    """``typer.echo`` for anything that may hold text from input: control characters are shown
    escaped, never sent to the terminal (``screener.errors.terminal_safe``)."""
    typer.echo(terminal_safe(message), err=err, nl=nl)


@functools.cache
def _safe_console_class() -> type[Console]:
    from rich.console import Console
    from rich.segment import Segment

    class SafeConsole(Console):
        """A rich Console that shows control characters in text escaped (``terminal_safe``):
        names, ids and replies from input, and titles from a rule folder, cannot drive the
        terminal. Rich's own control codes (colours, cursor moves) are not text: they pass."""

        def render_str(self, text: str, **options: Any) -> Any:
            return super().render_str(terminal_safe(text), **options)

        def render(self, renderable: Any, options: Any = None) -> Iterator[Segment]:
            for segment in super().render(renderable, options):
                if segment.control or not segment.text:
                    yield segment
                else:
                    yield Segment(terminal_safe(segment.text), segment.style)

    return SafeConsole


def wants_plain(plain: bool = False) -> bool:
    """Whether to print no colour or boxes: ``--plain``, the ``NO_COLOR`` convention, or a
    terminal that says it can draw neither (``TERM=dumb``: an editor's shell, some CI logs)."""
    return plain or "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb"


def stderr_console(plain: bool = False) -> Console:
    console = _safe_console_class()(stderr=True, no_color=wants_plain(plain), highlight=False)
    # Into a file or a pipe (logs, CI), a message stays on one line: wrapping it at 80 columns would
    # split file paths and record positions, so that a search for them finds nothing.
    console.soft_wrap = not console.is_terminal
    return console


def stdout_console(plain: bool = False) -> Console:
    return _safe_console_class()(no_color=wants_plain(plain), highlight=False, soft_wrap=False)


def make_screener(rules: Path | None, as_of: date | None = None) -> Screener:
    from screener.screening.pipeline import Screener
    from screener.screening.ruleset import load_ruleset

    return Screener(load_ruleset(rules), as_of=as_of)


@contextmanager
def handled_errors() -> Iterator[None]:
    """Turn a library error into its message on stderr and its exit code."""
    try:
        yield
    except ClosedPipe:
        raise  # quietly, all the way out (see ``main``)
    except ScreenerError as error:
        echo(f"mgk-screen: {error}", err=True)
        raise typer.Exit(int(error.exit_code)) from None


def interrupted(stop: KeyboardInterrupt) -> str:
    """How a run was stopped, for the message: Ctrl-C or SIGTERM."""
    return "stopped by SIGTERM" if isinstance(stop, Terminated) else "interrupted"


def stopped_code(stop: KeyboardInterrupt) -> ExitCode:
    return ExitCode.TERMINATED if isinstance(stop, Terminated) else ExitCode.INTERRUPTED


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


def read_one_record(path: str, ignore: list[str] | None = None, screener: Screener | None = None) -> RawRecord:
    """The one record of a file or `-` (a JSON object, or a sheet or Parquet file of one row);
    ``ignore``: columns of a sheet or Parquet file to leave out (``--ignore-column``); with
    ``screener``, a table refused whole says first the red flags its rows give."""
    from screener.errors import InputError

    if path == "-" and sys.stdin is not None and sys.stdin.isatty():  # else it would wait, silent
        echo("mgk-screen: reading one answers object from the keyboard; end it with Ctrl-D", err=True)
    found = one_record(path, ignore or [], screener)
    if isinstance(found, tuple):
        source, problem = found
        raise InputError(f"{source}: {problem}")
    return found


#: How far past a second record ``one_record`` looks for the fault that explains it ([1,2 is one
#: broken array, not two records), so that a big file given by mistake is not read to its end.
_LOOK_AHEAD = 100


def one_record(path: str, ignore: list[str] | None = None, screener: Screener | None = None) -> RawRecord | tuple[str, str]:
    """The one record of ``path``, or (source, what is wrong) when it holds no record, several,
    or text that cannot be read as records. A note on the file (columns left out, a slip read
    past) is said on stderr, never held against the record."""
    from itertools import islice

    from screener.batch.readers import UnreadableRecord, UnreadableSource, iter_records
    from screener.batch.records import RawRecord

    if path != "-" and os.path.isdir(path):  # not "FOLDER/a.json: holds more than one record"
        return path, f"is a folder, not one answers file; to screen the files in it, use `mgk-screen batch {path}`"
    # A note (a slip read past, columns left out) is no fault of the record: said, and passed over;
    # "holds no records" (an empty array) is the fault here, said once below.
    empty: list[UnreadableSource] = []

    def said(item: object) -> bool:
        if isinstance(item, UnreadableSource) and item.note:
            if item.message.startswith("holds no records"):
                empty.append(item)
            else:
                echo(f"mgk-screen: {item.source}: {item.message}", err=True)
            return True
        return False

    read = (item for item in iter_records([path], ignore=ignore or ()) if not said(item))
    items = list(islice(read, 2 + _LOOK_AHEAD))
    fault = next((item for item in items if isinstance(item, (UnreadableSource, UnreadableRecord))), None)
    if fault is not None and (len(items) == 1 or isinstance(fault, UnreadableSource)):
        if isinstance(fault, UnreadableSource) and screener is not None:
            from screener.batch.refused_red_flags import said_first

            fault = said_first(fault, screener)  # red flags in the rows of a refused table, said first
        return fault.source, fault.message  # the file, or its only record, is not valid JSON: say where
    if len(items) > 1:
        if _is_result(items[0]):
            return items[0].source, (
                "holds more than one result (the output of `mgk-screen batch`), not one person's answers; "
                f"for a report on them all: `mgk-screen report --cohort {shlex.quote(items[0].source)} -o cohort.pdf`"
            )
        return items[0].source, "holds more than one record; use `mgk-screen batch` for several"
    if not items:
        if empty:
            return empty[0].source, empty[0].message
        return ("<stdin>" if path == "-" else path), "holds no records (an empty array?)"
    (item,) = items
    if not isinstance(item, RawRecord):  # a reader yields records and faults only
        raise TypeError(f"unexpected item from the reader: {type(item).__name__}")
    return item


def print_red_flags_alone(source: str, value: object, screener: Any) -> None:
    """Red flags first, even in answers that cannot be screened (``screen``, ``explain``, ``ask
    --resume``): what they mean on their own, before what is wrong."""
    from screener.render import red_flag_line

    reported = screener.red_flags_alone(value)
    if reported:
        meaning = screener.ruleset.urgency_text[reported["urgency"]]
        echo(f"mgk-screen: {source}: {red_flag_line(reported['red_flags'])}. On its own this means: {meaning}.", err=True)


def refuse_a_result(value: object, source: str) -> None:
    """`screen`, `explain` and `ask --resume` take answers. A result given instead (the output of
    `screen --json`, a line of `batch` output: a newcomer's next step after the README's first
    command) is called what it is in one line, not listed as twenty unknown fields."""
    from screener.contract.result import is_result

    if isinstance(value, dict) and is_result(value):
        echo(f"mgk-screen: {source}: holds a screening result (as `batch` and `screen --json` write it), not answers", err=True)
        given = "-" if source == "<stdin>" else shlex.quote(source)
        echo(
            f"  hint: give the answers it came from; `mgk-screen report {given} -o result.html` shows this result as a page",
            err=True,
        )
        raise typer.Exit(int(ExitCode.INVALID_RECORDS))


def _is_result(item: object) -> bool:
    from screener.batch.records import RawRecord
    from screener.contract.result import is_result

    return isinstance(item, RawRecord) and isinstance(item.value, dict) and is_result(item.value)


def main() -> None:
    """Entry point: run the app; an unexpected error is reported without a traceback or answers."""
    _terminate_like_ctrl_c()
    _guard_standard_streams()
    code = _run()
    sys.exit(_flush_stdout(code))


def _run() -> int:
    try:
        app(prog_name="mgk-screen")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except ClosedPipe:
        return int(ExitCode.CLOSED_PIPE)
    except ScreenerError as error:  # normally handled inside the commands; kept as a safety net
        echo(f"mgk-screen: {error}", err=True)
        return int(error.exit_code)
    except KeyboardInterrupt as stop:  # before a command started (typer handles it after)
        return int(stopped_code(stop))
    except Exception as error:
        if _State.debug:
            raise
        echo(
            f"mgk-screen: unexpected error ({type(error).__name__}). This is a bug: please report it "
            "with the output of the same command run with --debug (which shows the traceback, never your answers).",
            err=True,
        )
        return int(ExitCode.UNEXPECTED)
    return int(ExitCode.OK)


def _terminate_like_ctrl_c() -> None:
    """SIGTERM raises ``Terminated`` (a KeyboardInterrupt), so that it cleans up like Ctrl-C:
    the message, no temporary file left, workers stopped; exit 143."""

    def terminate(signum: int, frame: object) -> None:
        raise Terminated()

    signal.signal(signal.SIGTERM, terminate)


class _ClosedStdout(io.TextIOBase):
    """Stands for a standard output that was closed before the command started: every write
    fails, and nothing is held back to fail again at exit."""

    encoding = "utf-8"
    errors = "strict"

    def writable(self) -> bool:
        return True

    def write(self, text: Any) -> int:
        raise OSError(errno.EBADF, "stdout is closed")


def _guard_standard_streams() -> None:
    """A standard stream closed at start-up (``>&-``): writing results to it must fail loudly,
    not vanish (Python makes ``sys.stdout`` None, and typer then prints nothing and reports
    success). Its file descriptor is held on the null device, so that no file opened later
    (such as the temporary output file) takes its number and receives what was meant for it."""
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            held = os.open(os.devnull, os.O_RDWR)
            if held != descriptor:  # the lowest free number: the closed one, unless a lower one is too
                os.dup2(held, descriptor)
                os.close(held)
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    if sys.stdin is None:  # a closed stdin reads as empty ("-" is then "file is empty")
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the whole run


def _flush_stdout(code: int) -> int:
    """Flush stdout now, so that a failure shows in the exit status instead of as a warning at exit."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        _drop_stdout()
        return code or int(ExitCode.CLOSED_PIPE)
    except OSError as error:
        _drop_stdout()
        if code:
            return code  # the failure was reported already
        with contextlib.suppress(OSError):
            echo(f"mgk-screen: cannot write the output: {error.strerror or error}", err=True)
        return int(ExitCode.USAGE)
    if code == ExitCode.CLOSED_PIPE:
        _drop_stdout()
    return code


def _drop_stdout() -> None:
    """Point stdout at the null device, so that what is still buffered for a reader that is gone
    is dropped at exit instead of raising again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


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
