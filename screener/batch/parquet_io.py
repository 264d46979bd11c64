"""Parquet in and out, for the tools analysts use (pyarrow, the optional extra ``[parquet]``).

**Input.** A Parquet file holds answers one row per respondent, in columns named as in a sheet
(``age``, ``alcohol.drinks_per_week``) or nested as structs (``alcohol`` with a field
``drinks_per_week``), or both. Column names are checked before any row is read: an unknown one
makes the whole file unreadable, with "did you mean". Values are then taken row by row, whatever
the file's column types: a value of the contract's type is used as it is, text goes through the
spreadsheet's cell rules (``answer_columns.read_value``), and anything else is a bad cell of that
row only. So one bad row is one invalid record, never a failed file (casting the file to a
schema would fail it whole). The file is read a batch of rows at a time, never whole.

**Output.** One column per result field (``result_arrow_schema``), derived from the result
models: lists are Arrow lists, nested objects are structs (``ruleset``, ``recommendations``,
``findings`` with their ``evidence``, ``labs_used``, ``medications_recognised``, ``errors``),
and the one value a struct cannot hold, ``findings[].evidence[].value`` (true/false, a number
or a text, whichever the answer was), is its JSON text (``true``, ``3.2``, ``"yes"``). A screened
row has ``errors`` null; an invalid row has only ``status``, ``id``, ``source``, ``position``
and ``errors`` (and, when it reports red flags now, ``red_flags``, ``urgency`` and
``red_flag_advice``). Rows are written in row groups of ``ROWS_PER_GROUP`` as they come.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from typing import IO, Any, Final, Literal, TextIO, get_args, get_origin

from pydantic import BaseModel

from screener.batch.answer_columns import (
    Kind,
    answer_columns,
    columns_by_name,
    record_from_row,
    section_names,
    unknown_columns,
    without_none,
)
from screener.batch.checkbox_columns import read_checkboxes
from screener.batch.form_columns import option_hint, plan_columns
from screener.batch.records import PARQUET_MAGIC, RawRecord, ReadItem, RowRedFlags, UnreadableSource
from screener.batch.refused_red_flags import red_flag_columns, row_red_flags, where
from screener.contract.answers import Answers
from screener.errors import ClosedPipe, InputError, OutputError
from screener.extras import MissingExtra, require

MAGIC: Final = PARQUET_MAGIC
ROWS_PER_READ: Final = 1024
ROWS_PER_GROUP: Final = 1000  # results per row group, held until written (about 19 MB as JSON)


#: The note on a Parquet file with its columns but no rows (batch mode and ``python -m screener.spark``).
NO_ROWS = "holds no records: the table has its columns but no rows"


def is_parquet(head: bytes) -> bool:
    return head.startswith(MAGIC)


def _pyarrow(purpose: str) -> tuple[Any, Any]:
    pa, pq = require("parquet", purpose, "pyarrow", "pyarrow.parquet")
    return pa, pq


# -- reading answers ----------------------------------------------------------------------------


def parquet_records(stream: IO[bytes], head: bytes, source: str, ignore: Sequence[str] = ()) -> Iterator[ReadItem]:
    """Every record of a Parquet file whose first bytes ``head`` were already read from ``stream``
    (a form tool's own columns and those ``ignore`` names left out: ``screener.batch.form_columns``).

    Parquet keeps its layout at the end of the file, so a stream that cannot seek (stdin, a
    pipe) is first copied to a temporary file.
    """
    try:
        _, pq = _pyarrow("Reading a Parquet file")
    except MissingExtra as missing:
        yield UnreadableSource(source, str(missing))
        return
    if _seekable(stream):
        stream.seek(0)
        yield from _read(pq, stream, source, ignore)
        return
    with tempfile.TemporaryFile() as spooled:
        spooled.write(head)
        shutil.copyfileobj(stream, spooled)
        spooled.seek(0)
        yield from _read(pq, spooled, source, ignore)


def _seekable(stream: IO[bytes]) -> bool:
    try:
        return stream.seekable()
    except (OSError, ValueError):
        return False


def _read(pq: Any, file: IO[bytes], source: str, ignore: Sequence[str]) -> Iterator[ReadItem]:
    import pyarrow as pa

    try:
        parquet = pq.ParquetFile(file)
    except (pa.ArrowException, OSError) as error:
        yield UnreadableSource(source, f"not a readable Parquet file: {error}")
        return
    schema = parquet.schema_arrow
    plan = plan_columns(schema.names, ignore)
    kept = plan.kept(schema.names)
    read_as = [name for _, name in kept]
    boxes = plan.checkbox_positions  # REDCap's checkbox columns, read together as their lists
    box_names = frozenset(schema.names[number] for number in boxes)
    problems = [
        *plan.problems,
        *unknown_columns(
            arrow_column_names(pa.schema([schema.field(name).with_name(new) for name, new in kept if name not in box_names]))
        ),
    ]
    if problems:
        from screener.batch.question_headers import question_hints

        hint = (_COLUMNS_HINT + option_hint(problems)) if option_hint(problems) else ""
        read = [(name, new) for name, new in kept if name not in box_names]
        # A form's questions as the column names ("How old are you?"): which field each looks like.
        questions = "".join(f". {said}" for said in question_hints(new for _, new in read if new not in columns_by_name()))
        flagged = _red_flag_rows(parquet, read)
        yield UnreadableSource(source, f"not a table of answers: {'; '.join(problems)}{questions}{hint}", red_flags=flagged)
        return
    if plan.note is not None:
        yield UnreadableSource(source, plan.note, note=True, plain=plan.plain)
    position = 0
    batches = parquet.iter_batches(batch_size=ROWS_PER_READ, columns=[name for name, _ in kept])
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as error:
            yield UnreadableSource(source, f"Parquet file unreadable after record {position}: {error}")
            return
        if batch is None:
            if position == 0:  # said, as an empty array and a sheet with no rows are, never passed over in silence
                yield UnreadableSource(source, NO_ROWS, note=True)
            return
        for row in floats_as_written(batch.rename_columns(read_as)).to_pylist():
            position += 1
            cells = [row.pop(name, None) if number in boxes else None for number, name in enumerate(schema.names)]
            record, cell_problems = record_from_row(row)
            for field in plan.checkboxes:
                checked, field_problems = read_checkboxes(field, cells)
                if checked is not None:
                    record[field.column.name] = checked
                cell_problems += field_problems
            yield RawRecord(source, position, record, tuple(cell_problems))


def _red_flag_rows(parquet: Any, kept: Sequence[tuple[str, str]]) -> tuple[RowRedFlags, ...]:
    """For a table refused for its columns: the records that give red flags now in a misspelt
    red-flag column (``red_flag_now``; ``screener.batch.refused_red_flags``); none (and nothing
    read) when it has no such column. A file unreadable part way gives the records read so far."""
    import pyarrow as pa

    flag_columns = set(red_flag_columns(new for _, new in kept))
    if not flag_columns:
        return ()
    wanted = {name: new for name, new in kept if new in flag_columns or new == "id"}
    found: list[RowRedFlags] = []
    position = 0
    try:
        for batch in parquet.iter_batches(batch_size=ROWS_PER_READ, columns=list(wanted)):
            for row in batch.rename_columns([wanted[name] for name in batch.schema.names]).to_pylist():
                position += 1
                identifier = row.pop("id", None)
                flagged = row_red_flags(where(f"record {position}", identifier), row)
                if flagged is not None:
                    found.append(flagged)
    except (pa.ArrowException, OSError):
        pass
    return tuple(found)


def floats_as_written(batch: Any) -> Any:
    """``batch`` with its 32-bit floats (polars' ``Float32``, DuckDB's ``REAL``, Spark's
    ``FloatType``) as the decimal numbers they were written as: 0.7 stored as a float32 is
    0.699999988079071 as a Python float, which results would echo. Arrow writes a float32 as
    the shortest text that reads back as it (``0.7``), and that text is the number used."""
    import pyarrow as pa

    if not any(_has_float32(field.type) for field in batch.schema):
        return batch
    columns = [_float32_as_written(column) for column in batch.columns]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _has_float32(arrow_type: Any) -> bool:
    import pyarrow as pa

    if pa.types.is_struct(arrow_type):
        return any(_has_float32(arrow_type.field(number).type) for number in range(arrow_type.num_fields))
    return bool(pa.types.is_float32(arrow_type))


def _float32_as_written(array: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_float32(array.type):
        return pc.cast(pc.cast(array, pa.string()), pa.float64())
    if pa.types.is_struct(array.type) and _has_float32(array.type):
        children = [_float32_as_written(child) for child in array.flatten()]  # flatten: offset and nulls applied
        names = [array.type.field(number).name for number in range(array.type.num_fields)]
        return pa.StructArray.from_arrays(children, names=names, mask=array.is_null())
    return array


_COLUMNS_HINT: Final = (
    ". Each column is an answers field (`mgk-screen template csv` names them all): "
    "leave the other columns out when writing the file"
)


def arrow_column_names(schema: Any, prefix: str = "") -> Iterator[str]:
    """The answers column names of an Arrow schema: a struct that is a section of the answers
    (``alcohol``, ``labs.potassium``) stands for its fields."""
    import pyarrow as pa

    for field in schema:
        name = prefix + field.name
        if pa.types.is_struct(field.type) and name in section_names():
            yield from arrow_column_names(field.type, name + ".")
        else:
            yield name


# -- the contract as Arrow schemas ----------------------------------------------------------------


@cache
def answers_arrow_schema() -> Any:
    """The answers as Arrow: sections as structs, lists as lists, as in the JSON contract."""
    pa, _ = _pyarrow("Parquet")
    types_of = {
        Kind.TEXT: pa.string(),
        Kind.CODE: pa.string(),
        Kind.INTEGER: pa.int64(),
        Kind.NUMBER: pa.float64(),
        Kind.BOOLEAN: pa.bool_(),
        Kind.TEXT_LIST: pa.list_(pa.string()),
        Kind.CODE_LIST: pa.list_(pa.string()),
    }
    tree: dict[str, Any] = {}
    for column in answer_columns():
        node = tree
        for part in column.path[:-1]:
            node = node.setdefault(part, {})
        node[column.path[-1]] = types_of[column.kind]

    def struct_fields(node: dict[str, Any]) -> list[Any]:
        return [pa.field(name, pa.struct(struct_fields(sub)) if isinstance(sub, dict) else sub) for name, sub in node.items()]

    return pa.schema(struct_fields(tree))


def write_answers_parquet(records: Iterable[Answers], path: str) -> int:
    """Write answers to a Parquet file with ``answers_arrow_schema``; return the count."""
    pa, pq = _pyarrow("Writing Parquet")
    schema = answers_arrow_schema()
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        for chunk in _chunks((answers.model_dump(exclude_none=True) for answers in records), ROWS_PER_GROUP):
            writer.write_batch(pa.RecordBatch.from_pylist(chunk, schema=schema))
            count += len(chunk)
    return count


@cache
def result_arrow_schema() -> Any:
    """One column per field of a batch entry (a result's fields, then an invalid record's)."""
    from screener.contract.result import InvalidRecord, ScreeningResult

    pa, _ = _pyarrow("Parquet")
    fields = dict(_model_fields(pa, ScreeningResult))
    for name, field in _model_fields(pa, InvalidRecord):
        fields.setdefault(name, field)
    return pa.schema(list(fields.values()))


#: Marks a field holding a value of mixed type as its JSON text (a struct cannot hold it).
JSON_TEXT: Final = {b"mgk-screen.encoding": b"json"}


def _model_fields(pa: Any, model: type[BaseModel]) -> Iterator[tuple[str, Any]]:
    for name, info in model.model_fields.items():
        arrow_type = _arrow_type(pa, info.annotation)
        yield name, pa.field(name, pa.string(), metadata=JSON_TEXT) if arrow_type is None else pa.field(name, arrow_type)


def _arrow_type(pa: Any, annotation: Any) -> Any:
    """The Arrow type of an annotation, or None for a mixed type (held as JSON text)."""
    annotation = without_none(annotation)
    origin = get_origin(annotation)
    if origin is list:
        item = _arrow_type(pa, get_args(annotation)[0])
        return pa.list_(pa.string() if item is None else item)
    if origin is Literal and all(isinstance(value, str) for value in get_args(annotation)):
        return pa.string()
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct([field for _, field in _model_fields(pa, annotation)])
    simple = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}
    return simple.get(annotation)


# -- writing results ------------------------------------------------------------------------------

_Plan = dict[str, Any]
"""Where the JSON-text values are: field name -> True (this field), or the plan inside it."""


@cache
def _json_plan() -> _Plan:
    import pyarrow as pa

    def inside(arrow_type: Any) -> _Plan | None:
        while pa.types.is_list(arrow_type):
            arrow_type = arrow_type.value_type
        return of_fields(arrow_type) if pa.types.is_struct(arrow_type) else None

    def of_fields(fields: Any) -> _Plan | None:
        plan: _Plan = {}
        for field in fields:
            if field.metadata == JSON_TEXT:
                plan[field.name] = True
            elif (sub := inside(field.type)) is not None:
                plan[field.name] = sub
        return plan or None

    return of_fields(result_arrow_schema()) or {}


def entries_to_batch(entries: Sequence[Mapping[str, Any]]) -> Any:
    """Batch entries as one Arrow record batch of ``result_arrow_schema``."""
    pa, _ = _pyarrow("Parquet output")
    plan = _json_plan()
    return pa.RecordBatch.from_pylist([_with_json_text(entry, plan) for entry in entries], schema=result_arrow_schema())


_as_json: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
_string_as_json: Final = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _json_text(value: Any) -> str:
    """``value`` as JSON, the common scalars without the encoder's per-call set-up."""
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is str:
        return str(_string_as_json(value))
    if type(value) is int:
        return repr(value)
    return str(_as_json(value))


def _with_json_text(value: Any, plan: _Plan) -> Any:
    """A copy of ``value`` (an object, or a list of them) with the planned fields as JSON text.

    Copied, not changed in place: a result's findings may be shared with other results.
    """
    if isinstance(value, list):
        return [_with_json_text(item, plan) for item in value]
    if not isinstance(value, Mapping):
        return value
    copy = dict(value)
    for name, sub in plan.items():
        held = copy.get(name)
        if held is not None:
            copy[name] = _json_text(held) if sub is True else _with_json_text(held, sub)
    return copy


class ParquetResultWriter:
    """Batch entries as Parquet, a row group at a time (a ``writers`` output format).

    Written to the binary stream under ``out`` (the atomic temporary file, or stdout when it is
    not a terminal).
    """

    def __init__(self, out: TextIO) -> None:
        _, pq = _pyarrow("Parquet output")
        out.flush()
        self._target = out.buffer
        if self._target.isatty():
            raise InputError("Parquet output is binary: write it to a file", hint="add -o results.parquet")
        self._schema = result_arrow_schema()
        self._parquet = pq.ParquetWriter(_Sink(self._target), self._schema)
        self._rows: list[Mapping[str, Any]] = []

    def write(self, entry: Mapping[str, object]) -> None:
        self._rows.append(entry)
        if len(self._rows) >= ROWS_PER_GROUP:
            self._write_group()

    def finish(self) -> None:
        if self._rows:
            self._write_group()
        self._parquet.close()
        self._target.flush()

    def _write_group(self) -> None:
        try:
            batch = entries_to_batch(self._rows)
        except UnicodeEncodeError:  # a lone surrogate (only possible from Python callers): escape it
            from screener.batch.encoding import escape_surrogates  # the other formats' way

            batch = entries_to_batch([escape_surrogates(entry) for entry in self._rows])
        self._parquet.write_batch(batch)
        self._rows = []


class _Sink(io.RawIOBase):
    """The output stream as pyarrow writes to it. When a run fails, the stream is closed and
    removed before pyarrow's writer is collected, which then writes its footer: into nothing."""

    def __init__(self, target: IO[bytes]) -> None:
        super().__init__()
        self._target = target

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self._target.closed:
            return len(data)
        view = memoryview(data).cast("B")
        size = len(view)
        try:
            # A pipe whose reader goes away mid-block takes part of it without an error; the next
            # write is the one that fails (see ``writers.write_all``).
            while view:
                view = view[self._target.write(view) :]
        except OSError as error:  # as the text outputs report it (pyarrow passes it on)
            raise ClosedPipe() if isinstance(error, BrokenPipeError) else OutputError(
                f"cannot write the Parquet output: {error.strerror or error}"
            ) from None
        return size


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
