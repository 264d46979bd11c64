"""Batch entries as the bytes written: one function per output format, shared by every writer and
by the worker processes, so that ``--workers N`` writes exactly the bytes of one process.

JSON is written by orjson, about ten times faster than the standard library's encoder, and must
give the very bytes the standard library gives (``json.dumps(entry, ensure_ascii=False,
separators=(",", ":"), allow_nan=False)``, then ``terminal_safe``): the JSON output of earlier
versions, and of the standard-library path kept for what orjson writes differently. They differ
only in a few places, each recognisable in orjson's output, and an entry showing any of them is
written by the standard library instead (``json_bytes``):

- floats in exponent form: orjson writes ``1e-7`` where Python writes ``1e-07``, and
  ``0.00001`` where Python writes ``1e-05`` (found by ``_may_differ``: a digit, ``e``, a signed
  exponent and ``,`` ``]`` or ``}``; or ``0.0000``);
- NaN and infinity, which orjson writes as ``null`` (the standard library refuses them: a NaN in
  a result is a bug) - so any ``null`` goes the standard way;
- DEL and the C1 control characters, which neither escapes but ``terminal_safe`` must;
- what orjson refuses: lone surrogates (possible only from Python callers; escaped as text, as
  before), integers beyond 64 bits, keys that are not strings, subclasses of str and int.

The check is a search over bytes already made, far cheaper than the encoding it saves.
What the standard library cannot write at all (an Enum, a UUID) orjson does write: a change only
for Python callers giving such values to a writer.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Final

from screener.contract.result import ROW_COLUMNS
from screener.errors import terminal_safe

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a core dependency; the standard path still works
    orjson = None  # type: ignore[assignment]

# What orjson writes differently from the standard library (see the module notes): a number in
# exponent form (orjson always writes the exponent's sign; a number ends before , ] or }), and
# the C1 control characters (U+0080-U+009F, \xc2\x80-\xc2\x9f in UTF-8).
_EXPONENT: Final = re.compile(rb"[0-9]e[-+][0-9]+[,\]}]")
_OPTIONS: Final = (
    0 if orjson is None else orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def compact_json(value: object) -> str:
    """The standard library's compact JSON, as every JSON output has always been written.

    allow_nan=False: a NaN in a result is a bug, and must not become invalid JSON output.
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def json_bytes(entry: object) -> bytes:
    """One entry as compact JSON in UTF-8, terminal-safe (``terminal_safe``): the bytes of
    ``standard_json_bytes``, made faster (see the module notes)."""
    if orjson is not None:
        try:
            data = orjson.dumps(entry, option=_OPTIONS)
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            return standard_json_bytes(entry)
        if not _may_differ(data):
            return data
    return standard_json_bytes(entry)


def _may_differ(data: bytes) -> bool:
    """Whether orjson's bytes may differ from the standard library's (see the module notes).

    Searches for one byte (memchr) cost a tenth of searches for several, so the signs of an
    exponent and the lead byte of a C1 character are found alone, then looked at closely."""
    if b"\x7f" in data or b"null" in data or b"0.0000" in data:
        return True
    for mark in (b"-", b"+"):  # an exponent: a digit, "e", its sign, digits, then , ] or }
        at = data.find(mark, 2)
        while at != -1:
            if data[at - 1] == 0x65 and 0x30 <= data[at - 2] <= 0x39 and _EXPONENT.match(data, at - 2) is not None:
                return True
            at = data.find(mark, at + 1)
    at = data.find(b"\xc2")
    while at != -1:  # C1 controls are \xc2\x80-\xc2\x9f; other \xc2 characters (µ, °) are fine
        if 0x80 <= data[at + 1] <= 0x9F:
            return True
        at = data.find(b"\xc2", at + 2)
    return False


def standard_json_bytes(entry: object) -> bytes:
    """One entry written by the standard library: ``compact_json`` made terminal-safe (DEL and C1
    control characters as ``\\u`` escapes), in UTF-8; a lone surrogate is written as text
    (``\\ud800``), not as an invalid character."""
    try:
        return terminal_safe(compact_json(entry)).encode("utf-8")
    except UnicodeEncodeError:
        return terminal_safe(compact_json(escape_surrogates(entry))).encode("utf-8")


def escape_surrogates(value: Any) -> Any:
    """The value with every lone surrogate in its strings written as text (``\\ud800``)."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, Mapping):
        return {escape_surrogates(key): escape_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [escape_surrogates(item) for item in value]
    return value


# -- CSV ------------------------------------------------------------------------------------------

#: Columns of the CSV output, in order. Lists are joined with "; " (recommendations by their code,
#: errors as "path: message"; an item holding a ";" as a JSON string: ``_csv_item``), booleans
#: are true/false, and a field an entry lacks is left empty.
CSV_COLUMNS: Final = ROW_COLUMNS  # the contract's flat row: one list of columns for CSV and ``as_row``

_CSV_LIST_ITEM: Final[Mapping[str, Callable[[Mapping[str, object]], str]]] = {
    "recommendations": lambda item: str(item["code"]),
    "errors": lambda item: f"{item['path']}: {item['message']}",
}

#: A cell starting with one of these is a formula to a spreadsheet (CSV injection): an id or a
#: medication name such as ``=HYPERLINK(...)`` is user text, so it is shown as text.
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(column: str, value: object) -> str:
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
            _csv_item(
                _CSV_LIST_ITEM[column](item)
                if column in _CSV_LIST_ITEM and isinstance(item, Mapping)
                else _csv_text(column, item)
            )
            for item in value
        )
    if isinstance(value, Mapping):
        return compact_json(value)
    return str(value)


def _csv_item(text: str) -> str:
    """One item of a list cell. An item holding a ``;`` (a warning's "so not counted; ask a
    pharmacist") would read as two: it is written as a JSON string between double quotes, as an
    answers sheet writes such an item, so that its list reader splits the cell back into the items."""
    return json.dumps(text, ensure_ascii=False) if ";" in text or text.startswith('"') else text


class CsvRows:
    """CSV rows as bytes, one entry at a time (the csv module's quoting, lines ending in \\n)."""

    def __init__(self) -> None:
        self._text = io.StringIO()
        self._csv = csv.writer(self._text, lineterminator="\n")

    def header(self) -> bytes:
        return self._row(list(CSV_COLUMNS))

    def row(self, entry: Mapping[str, object]) -> bytes:
        try:
            return self._row([csv_cell(column, entry.get(column)) for column in CSV_COLUMNS])
        except UnicodeEncodeError:  # a lone surrogate (only possible from Python callers): escape it
            return self.row(escape_surrogates(entry))

    def _row(self, cells: list[str]) -> bytes:
        self._text.seek(0)
        self._text.truncate()
        self._csv.writerow(cells)
        return self._text.getvalue().encode("utf-8")


# -- the formats --------------------------------------------------------------------------------


class EntryEncoder:
    """How one output format writes entries as bytes: what comes before the first entry, each
    entry (knowing whether it is the first), and what ends a complete output."""

    def start(self) -> bytes:
        return b""

    def entry(self, entry: Mapping[str, object], first: bool) -> bytes:
        raise NotImplementedError

    def finish(self, entries: int) -> bytes:
        return b""


class JsonLinesEncoder(EntryEncoder):
    def entry(self, entry: Mapping[str, object], first: bool) -> bytes:
        return json_bytes(entry) + b"\n"


class JsonArrayEncoder(EntryEncoder):
    """A JSON array written entry by entry. Left unclosed on failure, so a partial list never parses."""

    def start(self) -> bytes:
        return b"["

    def entry(self, entry: Mapping[str, object], first: bool) -> bytes:
        return (b"\n" if first else b",\n") + json_bytes(entry)

    def finish(self, entries: int) -> bytes:
        return b"\n]\n" if entries else b"]\n"


class CsvEncoder(EntryEncoder):
    def __init__(self) -> None:
        self._rows = CsvRows()

    def start(self) -> bytes:
        return self._rows.header()

    def entry(self, entry: Mapping[str, object], first: bool) -> bytes:
        return self._rows.row(entry)


class FhirEncoder(EntryEncoder):
    """FHIR resources as NDJSON (bulk-data style): a RiskAssessment per screened record, an
    OperationOutcome per invalid one (``screener.fhir.risk``), dated ``as_of`` when given, else
    on the day the encoder was made: once per run, before workers fork, so that they all agree."""

    def __init__(self, ruleset: Any, as_of: date | None = None) -> None:
        from screener.fhir.mapping import fhir_context
        from screener.fhir.risk import fhir_output

        if ruleset is None:
            raise ValueError("the fhir format needs the ruleset the entries were screened with")
        self._context = fhir_context(ruleset)
        self._resource = fhir_output
        self._as_of = as_of
        self._run_date = date.today()

    def entry(self, entry: Mapping[str, object], first: bool) -> bytes:
        return json_bytes(self._resource(entry, self._context, as_of=self._as_of, run_date=self._run_date)) + b"\n"


#: Formats whose entries carry findings (the others are written without them: none are built).
CARRY_FINDINGS: Final = frozenset({"jsonl", "json", "parquet"})


def encoder_for(fmt: str, ruleset: Any = None, as_of: date | None = None) -> EntryEncoder:
    """The encoder of an output format: "jsonl", "json", "csv" or "fhir" (which needs the
    ruleset the entries were screened with, and the ``--as-of`` reference date when one was given)."""
    if fmt == "jsonl":
        return JsonLinesEncoder()
    if fmt == "json":
        return JsonArrayEncoder()
    if fmt == "csv":
        return CsvEncoder()
    if fmt == "fhir":
        return FhirEncoder(ruleset, as_of)
    raise ValueError(f"unknown output format {fmt!r}; expected one of jsonl, json, csv, fhir")
