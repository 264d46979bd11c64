"""Reading a cohort into Spark the way batch mode reads it: JSON Lines, a JSON array or record, a
sheet (CSV) or Parquet.

A local folder is read as batch mode reads it (``cohort_files``): its ``.json``, ``.jsonl``,
``.ndjson``, ``.csv`` and ``.parquet`` files in name order, each read as if given alone (its own
format, its own positions, its own name as ``source``), whatever mix of kinds it holds, and the
other files named in one line. A folder elsewhere (``hdfs://``, ``s3a://``) is read whole by
Spark, in the format of its name.

Each reader returns a DataFrame for ``screen_dataframe`` with a position per record that
matches batch mode's: the record's number in a JSON Lines or Parquet file, and its row number
in a sheet (the header being row 1). JSON Lines are read as text and parsed on the executors by
batch mode's own decoder, so a broken line gets the same message (with its line number) and
costs that line only. A Bundle on a line gives a row per record (``screener.spark.bundles``). A local JSON file that batch mode does not read as JSON Lines (one array of
records, one record over many lines) is read on the driver by batch mode's reader
(``screener.spark.json_documents``). Sheets are read by Spark's CSV reader (all cells as text, then the same cell
rules as batch mode); a sheet whose cells hold line breaks is read as one partition and then
spread over the cluster.

Positions are numbered without moving the data: ``monotonically_increasing_id`` gives each row
its partition and its place in it, one small job counts the rows of each partition, and a
row's position is the rows before its partition plus its place.
"""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple

from screener.batch.csv_answers import BACKSLASH_NOTE, BACKSLASH_QUOTE, NEVER_CLOSED, is_sheet
from screener.batch.form_columns import option_hint
from screener.batch.parquet_io import is_parquet
from screener.batch.readers import iter_records, list_folder
from screener.batch.records import RECORD_FILE_KINDS, UnreadableRecord
from screener.errors import InputError
from screener.spark import ERROR, LINE, POSITION, RECORD, STRAY, answers_column_names, red_flags_first
from screener.spark.json_documents import check_remote_json, document_frame, local_json_kind, read_document

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: "json": a local JSON file that is not JSON Lines (an array, one record over many lines).
InputFormat = Literal["jsonl", "json", "csv", "parquet"]
_ROW_BITS: Final = 33  # monotonically_increasing_id: the partition above these bits, the row below
_JSON_TEXT: Final = "answers"


@dataclass(frozen=True)
class CohortFile:
    """One input read on its own: its path (``source`` in the results), format and size in bytes
    (None when Spark reads it from elsewhere)."""

    path: str
    fmt: InputFormat
    size: int | None = None


@dataclass(frozen=True)
class CohortInput:
    """What INPUT stands for: the files to read, in order, and the line naming what a folder holds
    that is not read (None when nothing is left out)."""

    files: list[CohortFile]
    skipped: str | None = None


def cohort_files(path: str, fmt: InputFormat | None = None) -> CohortInput:
    """The files of INPUT to read, as batch mode would read them, each in its format (``fmt``, or
    told by its content). Raises ``InputError`` for a local folder that cannot be listed or holds
    no answers file."""
    local = path.removeprefix("file://")
    if ("://" in path and not path.startswith("file://")) or not os.path.isdir(local):
        return CohortInput([CohortFile(path, fmt or detect_format(path), _size(local))])
    try:
        listing = list_folder(local)
    except OSError as error:
        raise InputError(f"{path}: cannot read directory: {error.strerror or error}") from None
    names, skipped = listing.read, listing.skipped()
    # A pipe or device named like an answers file would block Spark's reader, as batch mode's.
    irregular = [name for name in names if not _is_regular(os.path.join(local, name))]
    if irregular:
        names = [name for name in names if name not in irregular]
        parts = [skipped.removeprefix("skipped: ")] if skipped else []
        skipped = "skipped: " + "; ".join([*parts, f"{', '.join(irregular)} (not a regular file)"])
    if not names:
        raise InputError(f"{path}: no {RECORD_FILE_KINDS} files in this folder")
    files = [os.path.join(path, name) for name in names]
    return CohortInput([CohortFile(file, fmt or detect_format(file), _size(file.removeprefix("file://"))) for file in files], skipped)


def _is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # reported by name when it is read


def _size(path: str) -> int | None:
    try:
        return os.path.getsize(path)
    except OSError:
        return None


def detect_format(path: str) -> InputFormat:
    """The format of a local file by its content, as batch mode decides it. A path Spark reads
    from elsewhere (``hdfs://``, ``s3a://``), a file or a folder, goes by its extension."""
    if "://" in path and not path.startswith("file://"):
        lowered = path.lower().rstrip("/")
        return "parquet" if lowered.endswith(".parquet") else "csv" if lowered.endswith(".csv") else "jsonl"
    head, _ = _head(path.removeprefix("file://"))
    if is_parquet(head):
        return "parquet"
    if is_sheet(head):
        return "csv"
    return "jsonl" if local_json_kind(path.removeprefix("file://")) == "lines" else "json"


def _head(path: str) -> tuple[bytes, int]:
    """The first bytes of a file from its first non-blank line, and the blank lines before it."""
    try:
        with open(path, "rb") as file:
            data = file.read(64 * 1024)
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None
    if is_parquet(data):
        return data, 0
    data = data.removeprefix(b"\xef\xbb\xbf")
    stripped = data.lstrip(b" \t\r\n")
    blank = data.count(b"\n", 0, len(data) - len(stripped))
    return stripped, blank


class CohortFrame(NamedTuple):
    """One input file as a DataFrame with ``POSITION``, the name of its JSON column (JSON files),
    what made it stop early ("path: message", as batch mode names it; for JSON read on the driver),
    and the note naming the columns left out of a sheet or Parquet file (as batch mode words it)."""

    frame: DataFrame
    json_column: str | None
    unreadable: list[str]
    note: str | None = None


def read_cohort(
    spark: SparkSession, path: str, fmt: InputFormat, size: int | None = None, ignore: Sequence[str] = ()
) -> CohortFrame:
    """The input as a DataFrame with ``POSITION`` (``size``: of a local file, in bytes). The
    columns of a sheet or Parquet file that a form tool adds, and those ``ignore`` names, are left
    out, as batch mode leaves them out (``screener.batch.form_columns``)."""
    if fmt == "json":
        document = read_document(path, size)
        return CohortFrame(document_frame(spark, document, _JSON_TEXT, ERROR, POSITION, RECORD), _JSON_TEXT, document.unreadable)
    if fmt == "jsonl":
        if "://" in path and not path.startswith("file://") and path.lower().endswith(".json"):
            check_remote_json(spark, path)
        return CohortFrame(_json_lines(spark, path), _JSON_TEXT, [])
    if fmt == "csv":
        sheet, note = _sheet(spark, path, ignore)
        return CohortFrame(sheet, None, [], note)
    _check_parquet_types(path)
    table, note = _columns_read(spark.read.parquet(path), ignore)
    return CohortFrame(numbered(table, POSITION), None, [], note)


def _check_parquet_types(path: str) -> None:
    """Refuse, before Spark reads it, a local Parquet file with a column Spark cannot read:
    timestamps in nanoseconds (pandas writes a ``datetime64[ns, tz]`` column so), which Spark
    refuses with a Java stack trace on stderr before its one-line error. Its footer alone is read."""
    local = path[len("file://") :] if path.startswith("file://") else path
    if "://" in local:
        return
    try:
        import pyarrow.parquet as pq

        schema = pq.read_schema(local)
    except Exception:  # not read here (pyarrow missing, a broken footer): Spark reads it and names what is wrong
        return
    nanos = [name for name, kind in _leaf_types(schema) if _is_nanosecond_timestamp(kind)]
    if nanos:
        said = f"column {nanos[0]!r} holds" if len(nanos) == 1 else f"columns {', '.join(map(repr, nanos))} hold"
        raise InputError(
            f"{path}: Spark cannot read it ({said} timestamps in nanoseconds, which Spark does not read); try `mgk-screen batch` on it, or write the column as text or in microseconds"
        )


def _leaf_types(schema: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    import pyarrow as pa

    for field in schema:
        name = prefix + field.name
        if pa.types.is_struct(field.type):
            yield from _leaf_types(field.type, name + ".")
        else:
            yield name, field.type


def _is_nanosecond_timestamp(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_timestamp(kind) and kind.unit == "ns")


def _columns_read(df: DataFrame, ignore: Sequence[str]) -> tuple[DataFrame, str | None]:
    """``df`` as batch mode reads its columns: without the row index pandas writes beside the
    data, a form tool's own columns and those ``ignore`` names, an id-like column as ``id`` when
    there is none (``screener.batch.form_columns``); and the note naming them."""
    from pyspark.sql import functions as F

    from screener.batch.form_columns import plan_columns

    names = [name for name in df.columns if name != STRAY]
    plan = plan_columns(names, ignore)
    kept = [F.col(f"`{name}`").alias(new) for name, new in plan.kept(names)]
    return df.select(kept + ([F.col(STRAY)] if STRAY in df.columns else [])), plan.note


def _json_lines(spark: SparkSession, path: str) -> DataFrame:
    from pyspark.sql import functions as F

    lines = numbered(spark.read.text(path), LINE)
    records = lines.where(F.col("value").rlike(r"[^ \t\r]"))  # blank lines are not records
    return numbered(records, POSITION).select(F.col("value").alias(_JSON_TEXT), LINE, POSITION)


def _sheet(spark: SparkSession, path: str, ignore: Sequence[str] = ()) -> tuple[DataFrame, str | None]:
    from pyspark.sql import functions as F

    from screener.batch.answer_columns import is_row_index, sheet_column_name
    from screener.batch.csv_answers import separator_line, sheet_delimiter

    local = path.removeprefix("file://") if "://" not in path or path.startswith("file://") else None
    header_line, blank = _head(local) if local is not None else (b"", 0)
    first = header_line.split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")
    if separator_line(first) is not None:  # Spark's CSV reader cannot skip a line
        raise InputError(
            f"{path}: starts with a '{first.strip()}' line (for Excel), which Spark cannot pass over: "
            "remove that line, or screen the file with `mgk-screen batch`, which reads it"
        )
    delimiter = sheet_delimiter(first)
    scan = _scan(local) if local is not None else None
    # A sheet Spark's own CSV writer wrote escapes a quote inside a cell with a backslash: read so
    # when that gives every row the header's cells, as batch mode reads such a row.
    backslashed = scan is not None and scan.backslash_quotes and _reads_with_backslashes(local, delimiter)  # type: ignore[arg-type]
    options: dict[str, Any] = {
        "sep": delimiter, "multiLine": True, "escape": "\\" if backslashed else '"', "encoding": "UTF-8", "mode": "PERMISSIVE"
    }
    named = spark.read.csv(path, header=True, inferSchema=False, **options)
    # Spark's reader drops the cells of a row past the header's columns; batch mode makes such a
    # row invalid, naming them. So the sheet is read with _BEYOND more columns, which hold them.
    from pyspark.sql.types import StringType, StructField, StructType

    beyond = [f"{_BEYOND}{index}" for index in range(_BEYOND_READ)]
    wide = StructType([*named.schema.fields, *(StructField(name, StringType()) for name in beyond)])
    # A local file is read with no header (Spark would warn on every run that it is shorter than
    # the schema): its header row is numbered as the header and then left out. A folder elsewhere
    # has a header row in each of its files, which only Spark's reader leaves out.
    skip_header = local is not None
    sheet = spark.read.csv(path, header=not skip_header, schema=wide, enforceSchema=True, **options)
    header_cells = len(named.columns)
    # Spark names a column whose header cell is empty _c<N>. Batch mode leaves out a row index
    # (pandas' 'Unnamed: 0'), and makes a row with a value in another column with no name invalid:
    # those values are carried in STRAY, each with its column's number.
    cells = [cell.strip() for cell in next(csv.reader([first], delimiter=delimiter), [])]
    unnamed = {cell if cell else f"_c{index}" for index, cell in enumerate(cells) if not cell or is_row_index(cell, index)}
    stray = [
        F.when(F.trim(F.col(f"_c{index}")) != "", F.concat(F.lit(f"{index + 1}\x00"), F.col(f"_c{index}")))
        for index, cell in enumerate(cells)
        if not cell and not is_row_index(cell, index) and f"_c{index}" in sheet.columns
    ] + [
        F.when(F.trim(F.col(name)) != "", F.concat(F.lit(f"{header_cells + index + 1}>{header_cells}\x00"), F.col(name)))
        for index, name in enumerate(beyond)
    ]
    unnamed |= set(beyond)
    # Header cells in any case, as batch mode reads them (``Sex`` is ``sex``); a form tool's own
    # columns and those the user names left out, as batch mode leaves them out.
    sheet, note = _columns_read(
        sheet.select(
            [F.col(f"`{name}`").alias(sheet_column_name(name)) for name in sheet.columns if name not in unnamed]
            + ([F.array(*stray).alias(STRAY)] if stray else [])
        ),
        ignore,
    )
    if delimiter != ",":
        sheet = _with_decimal_points(sheet)
    numbered_rows = numbered(sheet, POSITION, start=blank + 1 if skip_header else blank + 2)  # the header is row blank + 1
    if skip_header:
        numbered_rows = numbered_rows.where(F.col(POSITION) != blank + 1)
    problems = _unknown(sheet)
    if problems:  # the rows giving red flags in a misspelt red-flag column said first, as batch says them
        message = f"not a sheet of answers: {'; '.join(problems)}{option_hint(problems)}"
        kept = [(name, name) for name in sheet.columns if name != STRAY]
        raise InputError(f"{path}: {red_flags_first(numbered_rows, kept, F.col(POSITION), message, row='row')}")
    if not sheet.columns:
        return numbered_rows, note
    unclosed = _quote_never_closed(local) if local is not None and scan is not None and scan.quotes % 2 else None
    if unclosed is not None:
        # Spark's reader, like Python's, takes the rest of the file as that row's cell: the row
        # is made invalid with batch mode's words, never screened with one long medicine name.
        numbered_rows = numbered_rows.withColumn(ERROR, F.when(F.col(POSITION) == unclosed.position, F.lit(unclosed.message)))
    # A row with no value in any cell is skipped, as batch mode skips it (its number stays used).
    answers = [name for name in sheet.columns if name != STRAY]
    has_value = reduce(
        lambda a, b: a | b,
        [F.coalesce(F.trim(F.col(f"`{n}`")) != "", F.lit(False)) for n in answers]
        + ([F.exists(F.col(STRAY), lambda cell: cell.isNotNull())] if STRAY in sheet.columns else []),
    )
    if backslashed:  # said as batch mode says it
        note = "; ".join(filter(None, [BACKSLASH_NOTE, note]))
    return numbered_rows.where(has_value), note


#: Prefix of the columns that hold a sheet row's cells past its header's, and how many are read:
#: a row with more is invalid all the same, its first _BEYOND_READ such cells named.
_BEYOND: Final = "__mgk_beyond_"
_BEYOND_READ: Final = 16


class _Scan(NamedTuple):
    quotes: int
    """How many double quotes the file holds."""
    backslash_quotes: bool
    """Whether one of them follows a backslash (``\\"``, as Spark's CSV writer escapes a quote)."""


def _scan(local: str) -> _Scan:
    quotes, backslash, last = 0, False, b""
    with open(local, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            quotes += chunk.count(b'"')
            backslash = backslash or b'\\"' in last + chunk[:1] or b'\\"' in chunk
            last = chunk[-1:]
    return _Scan(quotes, backslash)


def _reads_with_backslashes(local: str, delimiter: str) -> bool:
    """Whether a local sheet holding ``\\"`` is read as Spark's CSV writer wrote it: with the
    backslash as the escape, every row has the header's cells, and read as RFC 4180 says, a row
    has not (a cell ended early, the others shifted) or keeps a ``\\"`` in a cell."""
    def rows(escapechar: str | None = None) -> Iterator[list[str]]:
        with open(local, encoding="utf-8-sig", errors="replace", newline="") as text:
            yield from csv.reader(text, delimiter=delimiter, escapechar=escapechar)

    try:
        widths = {len(row) for row in rows("\\") if any(cell.strip() for cell in row)}
        if len(widths) != 1:
            return False
        (width,) = widths
        return any(len(row) != width or any(BACKSLASH_QUOTE in cell for cell in row) for row in rows())
    except csv.Error:
        return False


def _quote_never_closed(local: str) -> UnreadableRecord | None:
    """The row of a local sheet whose double quote is never closed, as batch mode reads and words
    it, or None. Asked only of a sheet with an odd number of quotes (``_scan``): every quote of a
    sound sheet opens and closes a cell or is doubled inside one (a stray quote inside a cell that
    is not quoted makes the number odd too: batch mode then finds no such row)."""
    return next(
        (item for item in iter_records([local]) if isinstance(item, UnreadableRecord) and NEVER_CLOSED in item.message), None
    )


def _with_decimal_points(sheet: DataFrame) -> DataFrame:
    """A sheet with ``;`` or a tab between cells, its decimal commas in number columns made points,
    as batch mode reads them (``screener.batch.cells.read_number``): a cell that is exactly digits, a
    comma and digits, spaces around it aside (``3,3`` is 3.3)."""
    from pyspark.sql import functions as F

    from screener.batch.answer_columns import Kind, columns_by_name

    known = columns_by_name()
    numbers = {name for name in sheet.columns if name in known and known[name].kind in (Kind.INTEGER, Kind.NUMBER)}
    return sheet.select(
        [
            F.regexp_replace(F.col(f"`{name}`"), r"^\s*(\d+),(\d+)\s*$", "$1.$2").alias(name)
            if name in numbers
            else F.col(f"`{name}`")
            for name in sheet.columns
        ]
    )


def _unknown(df: DataFrame) -> list[str]:
    from screener.batch.answer_columns import unknown_columns

    return unknown_columns(name for name in answers_column_names(df.schema) if name != STRAY)


def numbered(df: DataFrame, column: str, start: int = 1) -> DataFrame:
    """``df`` with ``column`` numbering its rows in order from ``start``, without a shuffle."""
    from pyspark.sql import functions as F

    row_id = "__mgk_row_id"
    with_id = df.withColumn(row_id, F.monotonically_increasing_id())
    partition = F.shiftright(F.col(row_id), _ROW_BITS)
    counts = sorted((row["partition"], row["count"]) for row in with_id.groupBy(partition.alias("partition")).count().collect())
    offsets: list[Any] = []
    before = start
    for index, count in counts:
        offsets += [F.lit(index), F.lit(before)]
        before += count
    if not offsets:
        return with_id.withColumn(column, F.lit(start).cast("long")).drop(row_id)
    place = F.col(row_id).bitwiseAND((1 << _ROW_BITS) - 1)
    first_of_partition = F.element_at(F.create_map(*offsets), partition)
    return with_id.withColumn(column, (first_of_partition + place).cast("long")).drop(row_id)
