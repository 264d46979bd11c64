"""Writing batch entries: JSON Lines, a JSON array, CSV or Parquet (``parquet_io``), to stdout or
atomically to a file (the file appears only when every entry has been written)."""

from __future__ import annotations

import contextlib
import csv
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
    "red_flags",
    "risk_factors",
    "recommendations",
    "warnings",
    "errors",
)


OutputFormat = Literal["jsonl", "json", "csv", "parquet"]


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


class _FinishingWriter(ResultWriter, Protocol):
    def finish(self) -> None: ...


_WRITERS: Final[Mapping[str, Callable[[TextIO], _FinishingWriter]]] = {
    "jsonl": _JsonLinesWriter,
    "json": _JsonArrayWriter,
    "csv": _CsvWriter,
    "parquet": ParquetResultWriter,
}


@contextlib.contextmanager
def open_writer(path: str | None, fmt: OutputFormat, stdout: TextIO | None = None) -> Iterator[ResultWriter]:
    """Open a writer for batch entries in ``fmt`` ("jsonl", "json", "csv" or "parquet").

    ``path`` None or ``-`` writes to ``stdout`` (default ``sys.stdout``). A file is written
    atomically: to a temporary file beside it, moved onto ``path`` only when the ``with`` block
    ends without an exception, so a failed or interrupted run never leaves a partial file nor
    spoils an earlier one. A new file is readable by its owner only (results are health data); a
    replaced file keeps its permissions. Raises ``InputError`` when the file cannot be written.
    """
    writer_class = _WRITERS.get(fmt)
    if writer_class is None:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(_WRITERS)}")
    if path is None or path == "-":
        writer = writer_class(stdout if stdout is not None else sys.stdout)
        yield writer
        writer.finish()
        return
    if os.path.isdir(path):
        raise InputError(f"cannot write {path}: it is a directory", hint="give a file name, such as results.jsonl")
    directory = os.path.dirname(os.path.abspath(path))
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from error
    done = False
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as out:
            writer = writer_class(out)
            yield writer
            writer.finish()
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
