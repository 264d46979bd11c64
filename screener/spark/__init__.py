"""Screening a Spark DataFrame: for cohorts beyond one machine (the optional extra ``[spark]``).

``screen_dataframe(df)`` takes answers as columns (named as in a sheet, ``alcohol.drinks_per_week``,
or nested as structs, as Spark reads JSON or Parquet), or as one column of JSON text, and returns
one row per input row with the result columns of ``screener.batch.parquet_io.result_arrow_schema``:
a screened result, or an invalid record with its ``errors``. A bad row never fails the job.

Each executor's Python process builds one ``Screener`` (the rules compiled into the engine) the
first time it screens, and keeps it for every later batch and task (Spark reuses its Python
workers). Rows go through ``DataFrame.mapInArrow``: Spark hands over the same Arrow record batches
that the Parquet reader reads and the Parquet writer writes, so one conversion serves batch
mode, Parquet and Spark alike. (``mapInPandas`` was the first idea; it would turn each batch into
pandas and back, where an integer column with a missing answer becomes floats with NaN, a list
becomes a NumPy array, and the results' nested structs would have to be rebuilt for pandas.)

``python -m screener.spark INPUT OUTPUT`` screens a JSON Lines, CSV or Parquet input into a
Parquet output folder (see ``screener.spark.__main__``).
"""

from __future__ import annotations

import functools
import pickle
import warnings
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Final, Literal

from screener.batch.answer_columns import record_from_row, section_names, unknown_columns
from screener.batch.csv_answers import stray_cell
from screener.batch.form_columns import option_hint, plan_columns
from screener.batch.json_text import JsonFault, decode_document, decode_line, line_column
from screener.batch.parquet_io import ROWS_PER_GROUP, entries_to_batch, floats_as_written, result_arrow_schema
from screener.batch.records import RawRecord, UnreadableRecord
from screener.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

    from screener.screening.pipeline import Screener

__all__ = ["ERROR", "LINE", "POSITION", "RECORD", "STRAY", "ColumnsLeftOut", "answers_column_names", "result_spark_schema", "screen_dataframe"]

#: Column giving each row's position (1-based), added by ``screen_dataframe`` when not given.
POSITION: Final = "__mgk_position"
#: Column giving the line of a JSON text in its file, for messages about broken JSON.
LINE: Final = "__mgk_line"
#: Column giving, instead of a JSON text, the message of a record that was read (on the driver,
#: by batch mode's reader: ``screener.spark.json_documents``) and could not be parsed; in a
#: sheet, the message of the row whose quote is never closed (``screener.spark.inputs``).
ERROR: Final = "__mgk_error"
#: Column giving a sheet row's values in columns with no name in the header row, each as
#: "<column number>\x00<value>" (null where the cell is empty), and its values past the header's
#: columns, each as "<column number>><header's columns>\x00<value>": batch mode makes such a row invalid.
STRAY: Final = "__mgk_stray"
#: Column giving, instead of a JSON text, a record FHIR made from a Bundle (one patient's
#: resources, one response) that JSON cannot carry: on the driver for a file read there
#: (``screener.spark.json_documents``), on the executors for a Bundle on a line of JSON Lines
#: (``screener.spark.bundles``). Pickled, from this program to itself.
RECORD: Final = "__mgk_record"


def result_spark_schema() -> Any:
    """The result columns as a Spark schema (from the Arrow schema of the Parquet output)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(result_arrow_schema())


def screen_dataframe(
    df: DataFrame,
    *,
    json_column: str | None = None,
    position_column: str | None = None,
    source: str | None = None,
    rules: str | None = None,
    detail: Literal["lean", "full"] = "lean",
    as_of: date | None = None,
    split_bundles: bool = True,
    ignore_columns: Sequence[str] = (),
    on_note: Callable[[str], None] | None = None,
) -> DataFrame:
    """Screen every row of ``df``; invalid rows come back as rows with their ``errors``.

    Without ``json_column`` every column of ``df`` (but ``position_column``, the row index
    pandas writes, ``__index_level_0__``, the columns a form tool adds, such as Google Forms'
    ``Timestamp`` or REDCap's ``redcap_event_name``, and those ``ignore_columns`` names, each a
    name or a glob pattern in any case) must be an answers column: an unknown one raises
    ``InputError`` (with "did you mean") before anything runs. The columns left out, and an
    id-like column read as the id (REDCap's ``record_id`` where there is no ``id``), are named in
    one line given to ``on_note`` (by default a ``ColumnsLeftOut`` warning).
    With it, that column holds each record as JSON text and the others are ignored.
    ``position_column`` (1-based numbers) fills ``position`` and the id of a record without
    one; by default each row gets a unique increasing number (``monotonically_increasing_id``
    plus 1, with gaps between partitions). ``source`` fills ``source``; ``rules`` is a rule
    folder readable on every executor (default: the shipped rules). ``detail``: lean findings
    (their rule and evidence; the rest is the rules', as in ``mgk-screen batch``) or full ones.
    ``as_of``: the reference date for FHIR records (ages, how old a result is), as ``batch
    --as-of``; by default the day each executor screens.
    ``split_bundles`` (with ``json_column``): a FHIR Bundle of several people in one row gives one
    row per person (or response), as ``mgk-screen batch`` gives them, instead of one invalid row.
    Without ``position_column`` the rows are then numbered 1, 2, 3... in order, as batch mode
    renumbers a file holding such a Bundle; with it, each record keeps its row's position.
    """
    from pyspark.sql import functions as F

    position = F.col(f"`{position_column}`") if position_column else F.monotonically_increasing_id() + 1
    if json_column is not None:
        if json_column not in df.columns:
            raise InputError(f"no column {json_column!r} in the DataFrame (columns: {', '.join(df.columns)})")
        if split_bundles and RECORD not in df.columns:
            df, position = _bundles_split(df, json_column, position, renumber=position_column is None)
        names = [json_column, *(name for name in (LINE, ERROR, RECORD) if name in df.columns)]
    else:
        given = [name for name in df.columns if name not in (position_column, LINE, ERROR, RECORD, STRAY)]
        plan = plan_columns(given, ignore_columns)
        kept = plan.kept(given)
        names = [name for name, _ in kept]
        read_as = [name for _, name in kept]
        schema = df.select([F.col(f"`{name}`").alias(new) for name, new in kept]).schema
        problems = unknown_columns(answers_column_names(schema))
        if problems:
            message = f"not a table of answers: {'; '.join(problems)}{option_hint(problems)}"
            given_position = F.col(f"`{position_column}`") if position_column else None
            raise InputError(
                red_flags_first(df, kept, given_position, message, row="record", source=source, rules=rules, as_of=as_of)
            )
        if plan.note is not None:
            (on_note or _warn)(plan.note)
        # What a sheet's reader found beside the answers: a row it could not read (a quote never
        # closed), values in columns with no name.
        extra = [name for name in (ERROR, STRAY) if name in df.columns]
        names += extra
        read_as += extra
    # Carried under plain names: mapInArrow reads a dotted name (alcohol.drinks_per_week) as a
    # field of a struct. The executors put the names back (an id-like column's as ``id``).
    carried = [F.col(f"`{name}`").alias(f"c{index}") for index, name in enumerate(names)]
    if json_column is not None:
        read_as = names
    screen = functools.partial(
        _screen_batches, names=tuple(read_as), json_column=json_column, source=source, rules=rules, detail=detail, as_of=as_of
    )
    return df.select(*carried, position.cast("long").alias(POSITION)).mapInArrow(screen, result_spark_schema())


def red_flags_first(
    df: DataFrame,
    kept: Sequence[tuple[str, str]],
    position: Column | None,
    message: str,
    *,
    row: Literal["row", "record"],
    source: str | None = None,
    rules: str | None = None,
    as_of: date | None = None,
) -> str:
    """The message of a table refused for its columns (``message``), with the red flags its rows
    give in a misspelt red-flag column (``red_flag_now``) said first, as batch mode says them for
    a sheet or Parquet file (``screener.batch.refused_red_flags``); ``message`` as it is when no
    column is one. ``kept``: each column's name in ``df`` and the name it is read as; ``position``:
    each row's number, said as "``row`` 3 (id 'p-17')" (None: the rows numbered 1, 2, 3... in
    order). The rows are read on the driver, only those with a cell in such a column, one
    partition at a time."""
    from pyspark.sql import functions as F

    from screener.batch.answer_columns import columns_by_name, read_value
    from screener.batch.cells import CellError
    from screener.batch.records import RowRedFlags, UnreadableSource
    from screener.batch.refused_red_flags import red_flag_columns, row_red_flags, said_first, where

    flag_columns = set(red_flag_columns(new for _, new in kept))
    if not flag_columns:
        return message
    if position is None:
        from screener.spark.inputs import numbered

        df, position = numbered(df, POSITION), F.col(POSITION)
    wanted = [(name, new) for name, new in kept if new in flag_columns]
    id_name = next((name for name, new in kept if new == "id"), None)
    given = functools.reduce(lambda a, b: a | b, [F.col(f"`{name}`").isNotNull() for name, _ in wanted])
    rows = df.where(given).select(
        position.cast("long").alias(POSITION),
        *[F.col(f"`{name}`").alias(f"c{index}") for index, (name, _) in enumerate(wanted)],
        (F.col(f"`{id_name}`") if id_name is not None else F.lit(None)).alias("id"),
    )
    found: list[RowRedFlags] = []
    for got in rows.orderBy(POSITION).toLocalIterator():
        try:  # the id as the row's record would give it ("NA", empty: none)
            identifier = read_value(columns_by_name()["id"], got["id"])
        except CellError:
            identifier = got["id"]
        cells = {new: got[f"c{index}"] for index, (_, new) in enumerate(wanted)}
        flagged = row_red_flags(where(f"{row} {got[POSITION]}", identifier), cells)
        if flagged is not None:
            found.append(flagged)
    item = UnreadableSource(source or "", message, red_flags=tuple(found))
    return said_first(item, _screener(rules, as_of)).message


class ColumnsLeftOut(UserWarning):
    """The columns of a DataFrame that ``screen_dataframe`` left out (a form tool's own, or asked)."""


def _warn(note: str) -> None:
    warnings.warn(note, ColumnsLeftOut, stacklevel=3)


def _bundles_split(df: DataFrame, json_column: str, position: Column, *, renumber: bool) -> tuple[DataFrame, Column]:
    """``df`` with each Bundle row made into one row per record of it, and the column of its
    positions (``POSITION``: the rows renumbered in order when a Bundle was split and ``renumber``)."""
    from pyspark.sql import functions as F

    from screener.spark.bundles import expand_bundles

    carried = [F.col(f"`{name}`") for name in (json_column, LINE, ERROR) if name in df.columns]
    frame = df.select(*carried, position.cast("long").alias(POSITION))
    return expand_bundles(frame, json_column, renumber=renumber), F.col(POSITION)


def answers_column_names(schema: Any, prefix: str = "") -> Iterator[str]:
    """Answers column names of a Spark schema: a struct that is an answers section stands for its fields."""
    from pyspark.sql.types import StructType

    for field in schema.fields:
        name = prefix + field.name
        if isinstance(field.dataType, StructType) and name in section_names():
            yield from answers_column_names(field.dataType, name + ".")
        else:
            yield name


# -- on the executors -----------------------------------------------------------------------------

_screeners: dict[tuple[str | None, date | None], Screener] = {}


def _screener(rules: str | None, as_of: date | None = None) -> Screener:
    """This process's screener for a rule folder and reference date, built on first use and kept
    (one compiled ruleset serves every reference date: ``shared_engine``)."""
    if (rules, as_of) not in _screeners:
        from screener.screening.pipeline import Screener
        from screener.screening.ruleset import load_ruleset

        _screeners[rules, as_of] = Screener(load_ruleset(rules), as_of=as_of)
    return _screeners[rules, as_of]


def _screen_batches(
    batches: Iterator[Any],
    *,
    names: tuple[str, ...],
    json_column: str | None,
    source: str | None,
    rules: str | None,
    detail: Literal["lean", "full"] = "lean",
    as_of: date | None = None,
) -> Iterator[Any]:
    """Arrow batches of rows in, Arrow batches of results out (``ROWS_PER_GROUP`` at a time, so
    that memory stays small whatever batch size Spark sends)."""
    from screener.batch.runner import record_entry

    screener = _screener(rules, as_of)
    for batch in batches:
        batch = floats_as_written(batch.rename_columns([*names, POSITION]))
        for start in range(0, batch.num_rows, ROWS_PER_GROUP):
            entries = []
            for row in batch.slice(start, ROWS_PER_GROUP).to_pylist():
                record = _record(row, json_column, source)
                entry = record_entry(record, screener, detail)
                entry.setdefault("position", record.position)  # a result has one only with a source
                entries.append(entry)
            yield entries_to_batch(entries)


def _record(row: dict[str, Any], json_column: str | None, source: str | None) -> RawRecord | UnreadableRecord:
    position = int(row.pop(POSITION))
    error = row.pop(ERROR, None)
    if isinstance(error, str):
        return UnreadableRecord(source, position, error)  # type: ignore[arg-type]
    if json_column is None:
        # "<column number>\x00<value>", or "<column number>><header's columns>\x00<value>" past the header
        cells = (item.partition("\x00") for item in row.pop(STRAY, None) or () if item)
        stray = [_stray(number, cell) for number, _, cell in cells]
        value, problems = record_from_row(row)
        return RawRecord(source, position, value, tuple(stray + problems))  # type: ignore[arg-type]
    if isinstance(row.get(RECORD), bytes):
        return RawRecord(source, position, pickle.loads(row[RECORD]))  # type: ignore[arg-type]
    return _json_record(row.get(json_column), row.get(LINE), source, position)


def _stray(number: str, cell: str) -> Any:
    column, _, header = number.partition(">")
    return stray_cell(int(column), cell, beyond=int(header) if header else None)


def _json_record(text: object, line: object, source: str | None, position: int) -> RawRecord | UnreadableRecord:
    """One record from its JSON text, with the message batch mode gives for a broken line."""
    where = f"line {line}" if isinstance(line, int) else f"record {position}"
    if not isinstance(text, str):
        return UnreadableRecord(source, position, f"{where}: no record (the JSON column is empty)")  # type: ignore[arg-type]
    if line == 1:
        text = text.removeprefix("\ufeff")  # a byte order mark, as batch mode accepts it
    if isinstance(line, int):
        text += "\n"  # the line as batch mode decodes it (Spark drops the line end): the same messages
    try:
        # A line of JSON Lines as batch mode reads it: a comma after the record is read past
        # (the driver names it, as batch does: ``json_documents.trailing_comma_line``).
        value = decode_line(text)[0] if isinstance(line, int) else decode_document(text)
        return RawRecord(source, position, value)  # type: ignore[arg-type]
    except JsonFault as fault:
        return UnreadableRecord(source, position, f"{where}, column {line_column(text, fault.index)[1]}: {fault.message}")  # type: ignore[arg-type]
