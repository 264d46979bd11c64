"""Writing batch entries: JSON Lines, a JSON array, CSV, Parquet (``parquet_io``) or FHIR, to stdout
or atomically to a file (the file appears only when every entry has been written)."""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, TextIO

from screener.batch.parquet_io import ParquetResultWriter
from screener.errors import InputError

if TYPE_CHECKING:
    pass


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
        self._out.write(_compact(entry) + "\n")


class _JsonArrayWriter(_Writer):
    """A JSON array written entry by entry. Left unclosed on failure, so a partial list never parses."""

    def _start(self) -> None:
        self._out.write("[")

    def _write(self, entry: Mapping[str, object]) -> None:
        self._out.write(("\n" if self._count == 0 else ",\n") + _compact(entry))

    def finish(self) -> None:
        self._out.write("\n]\n" if self._count else "]\n")
        super().finish()


_CSV_LIST_ITEM: Final[Mapping[str, Callable[[Mapping[str, object]], str]]] = {
    "recommendations": lambda item: str(item["code"]),
    "errors": lambda item: f"{item['path']}: {item['message']}",
}


def _csv_cell(column: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(
            _CSV_LIST_ITEM[column](item)
            if column in _CSV_LIST_ITEM and isinstance(item, Mapping)
            else _csv_cell(column, item)
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


@contextlib.contextmanager
def open_writer(
    path: str | None, fmt: OutputFormat, stdout: TextIO | None = None, *, ruleset: Any = None
) -> Iterator[ResultWriter]:
    """Open a writer for batch entries in ``fmt`` ("jsonl", "json", "csv", "parquet", or "fhir",
    which needs the ``ruleset`` the entries were screened with).

    ``path`` None or ``-`` writes to ``stdout`` (default ``sys.stdout``). A file is written
    atomically (see ``atomic_output``). Raises ``InputError`` when the file cannot be written.
    """
    known = _WRITERS.get(fmt)
    if known is None:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(_WRITERS)}")
    writer_class: Callable[[TextIO], _FinishingWriter] = (
        functools.partial(_FhirWriter, ruleset=ruleset) if known is _FhirWriter else known
    )
    if path is None or path == "-":
        writer = writer_class(stdout if stdout is not None else sys.stdout)
        yield writer
        writer.finish()
        return
    with atomic_output(path, hint="give a file name, such as results.jsonl") as out:
        writer = writer_class(out)
        yield writer
        writer.finish()


@contextlib.contextmanager
def atomic_output(path: str, *, hint: str = "give a file name") -> Iterator[TextIO]:
    """A text file (UTF-8) written atomically: to a temporary file beside ``path``, moved onto
    ``path`` only when the ``with`` block ends without an exception, so a failed or interrupted
    run never leaves a partial file nor spoils an earlier one. A new file is readable by its owner
    only (results are health data); a replaced file keeps its permissions. Every command that
    writes a file goes through here. Raises ``InputError`` when the file cannot be written.
    """
    if os.path.isdir(path):
        raise InputError(f"cannot write {path}: it is a directory", hint=hint)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from error
    done = False
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        try:
            with contextlib.suppress(FileNotFoundError):
                os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
            os.replace(temporary, path)
        except OSError as error:
            raise InputError(f"cannot write {path}: {error.strerror or error}") from error
        done = True
    finally:
        if not done:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def write_atomically(path: str, content: str | bytes, *, hint: str = "give a file name") -> None:
    """Write a whole text (UTF-8) or binary document to ``path`` atomically (see ``atomic_output``)."""
    with atomic_output(path, hint=hint) as out:
        if isinstance(content, bytes):
            out.flush()
            out.buffer.write(content)
        else:
            out.write(content)
