"""Writing batch entries: JSON Lines, a JSON array, CSV, Parquet (``parquet_io``) or FHIR, to stdout, to a device or pipe, or
atomically to a file (the file appears only when every entry has been written). Where output may
go is checked once here (``output_target``) for every kind of output: results, reports, the FHIR
questionnaire."""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, Final, Literal, Protocol, TextIO, cast

from screener.batch.parquet_io import ParquetResultWriter
from screener.batch.records import RECORD_FILE_SUFFIXES
from screener.errors import ClosedPipe, OutputError, ScreenerError, terminal_safe

#: Columns of the CSV output, in order. Lists are joined with "; " (recommendations by their code,
#: errors as "path: message"), booleans are true/false, and a field an entry lacks is left empty.
CSV_COLUMNS: Final = (
    "status",
    "id",
    "source",
    "position",
    "combined_depletion",
    "magnesium_depletion",
    "potassium_depletion",
    "urgency",
    "consult_clinician",
    "coverage",
    "red_flags",
    "risk_factors",
    "recommendations",
    "unanswered_sections",
    "warnings",
    "errors",
)


OutputFormat = Literal["jsonl", "json", "csv", "parquet", "fhir"]


class ResultWriter(Protocol):
    """Where batch entries go, one at a time (from ``open_writer``)."""

    def write(self, entry: Mapping[str, object]) -> None:
        """Write one JSON-ready entry."""


def _compact(value: object) -> str:
    # allow_nan=False: a NaN in a result is a bug, and must not become invalid JSON output.
    # (The JSON writers also pass it through ``terminal_safe``: DEL and C1 characters, which
    # json leaves raw, are written as \u escapes, so results on a terminal cannot drive it.)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class _Writer:
    """Entry formatting over a text stream, flushed every few entries so progress is visible."""

    _FLUSH_EVERY = 100

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._count = 0
        self._start()

    def write(self, entry: Mapping[str, object]) -> None:
        try:
            self._write(entry)
        except UnicodeEncodeError:  # a lone surrogate (only possible from Python callers): escape it
            self._write(_escape_surrogates(entry))
        self._count += 1
        if self._count % self._FLUSH_EVERY == 0:
            self._out.flush()

    def finish(self) -> None:
        """Complete the output; only called when every entry was written."""
        self._out.flush()

    def _start(self) -> None:
        """Write what comes before the first entry."""

    def _write(self, entry: Mapping[str, object]) -> None:
        raise NotImplementedError


def _escape_surrogates(value: Any) -> Any:
    """The value with every lone surrogate in its strings written as text (``\\ud800``)."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, Mapping):
        return {_escape_surrogates(key): _escape_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escape_surrogates(item) for item in value]
    return value


class _JsonLinesWriter(_Writer):
    def _write(self, entry: Mapping[str, object]) -> None:
        self._out.write(terminal_safe(_compact(entry)) + "\n")


class _JsonArrayWriter(_Writer):
    """A JSON array written entry by entry. Left unclosed on failure, so a partial list never parses."""

    def _start(self) -> None:
        self._out.write("[")

    def _write(self, entry: Mapping[str, object]) -> None:
        self._out.write(("\n" if self._count == 0 else ",\n") + terminal_safe(_compact(entry)))

    def finish(self) -> None:
        self._out.write("\n]\n" if self._count else "]\n")
        super().finish()


_CSV_LIST_ITEM: Final[Mapping[str, Callable[[Mapping[str, object]], str]]] = {
    "recommendations": lambda item: str(item["code"]),
    "errors": lambda item: f"{item['path']}: {item['message']}",
}


#: A cell starting with one of these is a formula to a spreadsheet (CSV injection): an id or a
#: medication name such as ``=HYPERLINK(...)`` is user text, so it is shown as text.
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(column: str, value: object) -> str:
    """A CSV cell: the value as text, with a ``'`` before a leading formula character. A carriage
    return becomes a newline: the writer quotes a cell holding a newline, but not one holding a
    bare CR, which most readers take for the end of the row."""
    text = _csv_text(column, value)
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _csv_text(column: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(
            _CSV_LIST_ITEM[column](item)
            if column in _CSV_LIST_ITEM and isinstance(item, Mapping)
            else _csv_text(column, item)
            for item in value
        )
    if isinstance(value, Mapping):
        return _compact(value)
    return str(value)


class _CsvWriter(_Writer):
    def _start(self) -> None:
        self._csv = csv.writer(self._out, lineterminator="\n")
        self._csv.writerow(CSV_COLUMNS)

    def _write(self, entry: Mapping[str, object]) -> None:
        self._csv.writerow([_csv_cell(column, entry.get(column)) for column in CSV_COLUMNS])


class _FhirWriter(_JsonLinesWriter):
    """FHIR resources as NDJSON (bulk-data style): a RiskAssessment per screened record, an
    OperationOutcome per invalid one (``screener.fhir.risk``)."""

    def __init__(self, out: TextIO, ruleset: Any = None) -> None:
        from screener.fhir.mapping import fhir_context
        from screener.fhir.risk import fhir_output

        if ruleset is None:
            raise ValueError("the fhir format needs the ruleset the entries were screened with")
        self._context = fhir_context(ruleset)
        self._resource = fhir_output
        super().__init__(out)

    def _write(self, entry: Mapping[str, object]) -> None:
        super()._write(self._resource(entry, self._context))


class _FinishingWriter(ResultWriter, Protocol):
    def finish(self) -> None: ...


_WRITERS: Final[Mapping[str, Callable[..., _FinishingWriter]]] = {
    "jsonl": _JsonLinesWriter,
    "json": _JsonArrayWriter,
    "csv": _CsvWriter,
    "parquet": ParquetResultWriter,
    "fhir": _FhirWriter,
}


# -- where output goes ------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputTarget:
    """Where output goes, checked before any input is read (see ``output_target``)."""

    name: str
    """As the user gave it, for messages; ``-`` for stdout."""
    path: str | None
    """The file written (a symlink's final target), or None for stdout."""
    direct: bool = False
    """A device or a named pipe: written in place. Only regular files are replaced atomically."""


def output_target(
    path: str | None,
    inputs: Sequence[str] = (),
    *,
    stdin: IO[Any] | None = None,
    hint: str = "give a file name, such as results.jsonl",
) -> OutputTarget:
    """Check an output path before anything is read, and say how it will be written.

    A regular file (or a new one) is written atomically; a symlink is followed to its target; a
    character or block device or a named pipe is written directly, never replaced by a file
    (``-o /dev/null`` as root once turned /dev/null into a world-readable file of results).
    Raises ``OutputError`` (exit 2) for a directory, and for an output that is one of the
    ``inputs`` (also through a symlink or a hard link, or the file behind ``-`` on stdin): the
    answers would be replaced by the results.
    """
    if path is None or path == "-":
        return OutputTarget("-", None)
    target = os.path.realpath(path)
    try:
        status: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    if status is None:
        return OutputTarget(path, target)
    if stat.S_ISDIR(status.st_mode):
        raise OutputError(f"cannot write {path}: it is a directory", hint=hint)
    same = _input_that_is(status, inputs, stdin)
    if same is not None:
        also = "" if same == path else f" ({same})"
        raise OutputError(
            f"cannot write {path}: it is also an input{also}, and writing the results would replace the answers",
            hint="write the results to another file",
        )
    return OutputTarget(path, target, direct=not stat.S_ISREG(status.st_mode))


def _input_that_is(output: os.stat_result, inputs: Sequence[str], stdin: IO[Any] | None) -> str | None:
    """The input (or the file of a folder input) that is the same file as the output, if any."""
    for given in inputs:
        try:
            if given == "-":
                stream = stdin if stdin is not None else sys.stdin
                status = os.fstat(stream.fileno()) if stream is not None else None
                if status is not None and _same_file(status, output):
                    return "the file given on stdin"
                continue
            status = os.stat(given)
            if _same_file(status, output):
                return given
            if stat.S_ISDIR(status.st_mode):
                with os.scandir(given) as entries:
                    for entry in entries:
                        if entry.name.lower().endswith(RECORD_FILE_SUFFIXES) and _same_file(entry.stat(), output):
                            return entry.path
        except (OSError, ValueError, io.UnsupportedOperation):
            continue  # an input that cannot be looked at is reported when it is read
    return None


def _same_file(first: os.stat_result, second: os.stat_result) -> bool:
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


@contextlib.contextmanager
def open_output(target: OutputTarget, stdout: TextIO | None = None) -> Iterator[TextIO]:
    """A text stream onto ``target`` for one output (results, and later reports).

    Stdout is written as it is; a device or a named pipe directly; a regular file atomically: to
    a temporary file beside it, moved onto it only when the ``with`` block ends without an
    exception, so a failed or interrupted run never leaves a partial file nor spoils an earlier
    one. A new file is readable by its owner only (results are health data); a replaced one
    keeps its permissions (and owner, where allowed). A failure to write is an ``OutputError``
    (exit 2), a closed pipe a ``ClosedPipe``.
    """
    if target.path is None:
        yield _guarded(stdout if stdout is not None else sys.stdout, "stdout")
        return
    if target.direct:
        try:
            out = open(target.path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        except OSError as error:
            raise OutputError(f"cannot write {target.name}: {error.strerror or error}") from None
        with _closing(out, target.name):
            yield _guarded(out, target.name)
        return
    yield from _atomic(target)


def _atomic(target: OutputTarget) -> Iterator[TextIO]:
    assert target.path is not None
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{os.path.basename(target.path)}.", suffix=".tmp", dir=os.path.dirname(target.path)
        )
    except OSError as error:
        raise OutputError(f"cannot write {target.name}: {error.strerror or error}") from None
    done = False
    try:
        with _closing(open(descriptor, "w", encoding="utf-8", newline=""), target.name) as out:
            yield _guarded(out, target.name)
            try:
                out.flush()
                os.fsync(out.fileno())
                _keep_mode_and_owner(temporary, target.path)
                os.replace(temporary, target.path)
            except OSError as error:
                raise _output_failed(error, target.name) from None
        done = True
    finally:
        if not done:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def _keep_mode_and_owner(temporary: str, path: str) -> None:
    try:
        earlier = os.stat(path)
    except FileNotFoundError:
        return  # a new file stays private (mkstemp made it 0600)
    os.chmod(temporary, stat.S_IMODE(earlier.st_mode))
    with contextlib.suppress(OSError):  # only root may give a file away; others keep their own
        if (earlier.st_uid, earlier.st_gid) != (os.getuid(), os.getgid()):
            os.chown(temporary, earlier.st_uid, earlier.st_gid)


@contextlib.contextmanager
def _closing(out: TextIO, name: str) -> Iterator[TextIO]:
    """Close ``out``; a failure to flush on closing is a failure to write, not a crash."""
    try:
        yield out
    finally:
        try:
            out.close()
        except OSError as error:
            if sys.exc_info()[0] is None:  # not while another error is on its way
                raise _output_failed(error, name) from None


def _output_failed(error: OSError, name: str) -> ScreenerError:
    if isinstance(error, BrokenPipeError):
        return ClosedPipe()
    where = "stdout" if name == "stdout" else name
    return OutputError(f"cannot write {where}: {error.strerror or error}")


def _guarded(out: TextIO, name: str) -> TextIO:
    return cast(TextIO, _Guarded(out, name))


class _Guarded(io.TextIOBase):
    """A text stream whose write failures are ``OutputError`` or ``ClosedPipe``, not OSError."""

    def __init__(self, out: TextIO, name: str) -> None:
        super().__init__()
        self._out = out
        self._name = name

    def write(self, text: str) -> int:
        try:
            return self._out.write(text)
        except OSError as error:
            raise _output_failed(error, self._name) from None

    def flush(self) -> None:
        try:
            self._out.flush()
        except OSError as error:
            raise _output_failed(error, self._name) from None

    def fileno(self) -> int:
        return self._out.fileno()

    @property
    def buffer(self) -> Any:  # type: ignore[override]
        """The binary stream below (for a binary document, such as a PDF report)."""
        return self._out.buffer


@contextlib.contextmanager
def open_writer(
    path: str | OutputTarget | None, fmt: OutputFormat, stdout: TextIO | None = None, *, ruleset: Any = None
) -> Iterator[ResultWriter]:
    """Open a writer for batch entries in ``fmt`` ("jsonl", "json", "csv", "parquet", or "fhir",
    which needs the ``ruleset`` the entries were screened with).

    ``path`` None or ``-`` writes to ``stdout`` (default ``sys.stdout``); otherwise see
    ``open_output``. A path not already checked by ``output_target`` is checked here.
    """
    known = _WRITERS.get(fmt)
    if known is None:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(_WRITERS)}")
    writer_class: Callable[[TextIO], _FinishingWriter] = (
        functools.partial(_FhirWriter, ruleset=ruleset) if known is _FhirWriter else known
    )
    target = path if isinstance(path, OutputTarget) else output_target(path)
    with open_output(target, stdout) as out:
        writer = writer_class(out)
        yield writer
        writer.finish()


@contextlib.contextmanager
def atomic_output(path: str, *, hint: str = "give a file name", inputs: Sequence[str] = ()) -> Iterator[TextIO]:
    """A text output (UTF-8) onto ``path`` for any command that writes a file: checked by
    ``output_target`` (never an input, never a folder) and written by ``open_output``: a regular
    file atomically (0600 when new), a device or a named pipe in place, a symlink's target.
    Raises ``OutputError`` (exit 2) when it cannot be written.
    """
    with open_output(output_target(path, inputs, hint=hint)) as out:
        yield out


def write_atomically(path: str, content: str | bytes, *, hint: str = "give a file name") -> None:
    """Write a whole text (UTF-8) or binary document to ``path`` (see ``atomic_output``)."""
    with atomic_output(path, hint=hint) as out:
        if isinstance(content, str):
            out.write(content)
            return
        out.flush()
        try:
            out.buffer.write(content)
        except OSError as error:
            raise _output_failed(error, path) from None
