"""JSON files that are not JSON Lines: one array of records, or one record spread over many lines.

Batch mode tells them from JSON Lines by their content, never by their name (README "JSON Lines
or not"). Spark reads JSON Lines as text, a line per row, split across the cluster; an array or a
pretty-printed record cannot be split at line ends (each line would be a "broken record"). So
the same decision is taken here with batch mode's own functions, and a local file that is not
JSON Lines is read on the driver by batch mode's own reader (``iter_records``): the same
records, positions, ids and messages, a bad item as an invalid record and a file that breaks as
a message naming it. A Bundle among them is made into its records here too, by batch mode's
``expand``. The records then go to the executors to be screened: as JSON text, or pickled when
FHIR made them (one patient's resources, with where each was in the Bundle, for the messages).

The driver holds such a file's records as text (about twice the file), so it reads one of at most
``DOCUMENT_MAX_BYTES``; a larger one is refused with what to do (convert it to JSON Lines).
A ``.json`` file elsewhere (``hdfs://``, ``s3a://``) is looked at through Hadoop's file system
(its first ``REMOTE_HEAD_BYTES``): JSON Lines are read as before; anything else is refused by name,
since it cannot be read on the driver.
"""

from __future__ import annotations

import io
import json
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO, Final, Literal

from screener.batch.fhir_records import expand
from screener.batch.json_text import JsonFault, decode_line

# Batch mode's own format detection, so that a file is never taken for JSON Lines here and
# read as something else by `mgk-screen batch`.
from screener.batch.readers import detect_format, iter_records, read_head
from screener.batch.records import MAX_RECORD_BYTES, RawRecord, ReadItem, UnreadableRecord, UnreadableSource
from screener.errors import InputError
from screener.fhir.records import EHR_TYPES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: Largest JSON file that is not JSON Lines read on the driver.
DOCUMENT_MAX_BYTES: Final = 256 * 1024 * 1024
#: How much of a file elsewhere is read to tell JSON Lines from a document.
REMOTE_HEAD_BYTES: Final = 1024 * 1024

JsonKind = Literal["lines", "document"]
_TO_JSON_LINES: Final = "convert it to JSON Lines, one record per line (for an array: jq -c '.[]' IN.json > OUT.jsonl)"


def json_kind(stream: BinaryIO, name: str) -> JsonKind:
    """``"lines"`` when batch mode reads the source as JSON Lines, line by line; otherwise
    ``"document"``: an array, one value over many lines, or a source batch mode refuses whole
    (empty, binary, UTF-16, a zip: its first line is no record and its reader says so). ``stream`` is
    read from its start; ``name`` names it in the peek at its first record."""
    head, _, _ = read_head(stream)
    if not head:
        return "document"
    fmt, head = detect_format(head, stream)
    if fmt != "lines":
        return "document"
    first = head.split(b"\n", 1)[0] if b"\n" in head else head + stream.readline(MAX_RECORD_BYTES)
    if _parses(first):
        return "lines"
    # A broken first line: JSON Lines if a record line follows (batch mode then reports that
    # line alone), else one value over many lines. Batch mode's reader says which: its first
    # item is that line as an invalid record ("line 1, column 9: ..."), or else the value, or
    # the value as one invalid record ("invalid JSON at line 2, ...": it is read as one document).
    stream.seek(0)
    first_item = next(iter_records([name], opened={name: stream}), None)
    return "lines" if isinstance(first_item, UnreadableRecord) and first_item.message.startswith("line ") else "document"


def _parses(line: bytes) -> bool:
    """Whether a line is a record as batch mode reads one (a comma after it read past)."""
    try:
        decode_line(line.decode("utf-8"))
    except (UnicodeDecodeError, JsonFault):
        return False
    return True


def trailing_comma_line(path: str) -> int | None:
    """The first line, among a local JSON Lines file's first 64 KiB, whose record a comma follows
    (read past on the executors, as batch mode reads it: ``json_text.decode_line``), so that the
    driver names it as batch does; None when there is none there, or for a file elsewhere."""
    if "://" in path and not path.startswith("file://"):
        return None
    try:
        with open(path.removeprefix("file://"), "rb") as stream:
            head = stream.read(64 * 1024)
    except OSError:
        return None
    lines = head.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    for number, line in enumerate(lines[:-1] if len(lines) > 1 else lines, 1):
        if line.rstrip(b" \t\r").endswith(b","):
            try:
                if decode_line(line.decode("utf-8"))[1]:
                    return number
            except (UnicodeDecodeError, JsonFault):
                continue
    return None


def local_json_kind(path: str) -> JsonKind:
    try:
        with open(path, "rb") as stream:
            return json_kind(stream, path)
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None


@dataclass
class JsonDocument:
    """A local JSON file read on the driver: its records as rows (JSON text, or the message of an
    item that could not be parsed, the position, and a record FHIR made that JSON cannot carry,
    pickled) and what made the file stop, if anything."""

    rows: list[tuple[str | None, str | None, int, bytes | None]] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def read_document(path: str, size: int | None) -> JsonDocument:
    """Every record of a local JSON file that is not JSON Lines, read by batch mode's reader."""
    if size is not None and size > DOCUMENT_MAX_BYTES:
        raise InputError(
            f"{path}: a JSON file that is not JSON Lines (one array, or one record over many lines) "
            f"is read whole on the driver, up to {DOCUMENT_MAX_BYTES // 2**20} MiB; this one has {size / 2**20:,.0f} MiB",
            hint=_TO_JSON_LINES,
        )
    document = JsonDocument()
    items: Iterable[ReadItem] = list(iter_records([path.removeprefix("file://")], as_read=True))
    # Bulk-data resources in an array are gathered per patient with every other file's
    # (``bulk_data``), so such a file keeps its items as read. Otherwise its Bundles are made
    # into their responses' or patients' records here, by batch mode's own ``expand``, numbered
    # as batch numbers them: on an executor, a Bundle of several could only be one invalid row.
    if not any(_is_bulk_data(item) for item in items):
        items = expand(items)
    for item in items:
        if isinstance(item, UnreadableSource):
            document.unreadable.append(f"{path}: {item.message}")
        elif isinstance(item, UnreadableRecord):
            document.rows.append((None, item.message, item.position, None))
        elif hasattr(item.value, "is_fhir_record"):  # not JSON: a patient's resources, or a response, found in a Bundle
            document.rows.append((None, None, item.position, pickle.dumps(item.value)))
        else:
            document.rows.append((json.dumps(item.value, ensure_ascii=False), None, item.position, None))
    return document


def _is_bulk_data(item: ReadItem) -> bool:
    value = item.value if isinstance(item, RawRecord) else None
    return isinstance(value, dict) and value.get("resourceType") in EHR_TYPES


def document_frame(
    spark: SparkSession, document: JsonDocument, json_column: str, error_column: str, position_column: str, record_column: str
) -> DataFrame:
    schema = f"{json_column} string, {error_column} string, {position_column} long, {record_column} binary"
    return spark.createDataFrame(document.rows, schema=schema, verifySchema=False)


def check_remote_json(spark: SparkSession, path: str) -> None:
    """Refuse a ``.json`` file elsewhere that batch mode would not read as JSON Lines (a folder,
    or a file that cannot be looked at, is left to Spark's reader and its messages)."""
    head = _remote_head(spark, path)
    if head is not None and json_kind(io.BytesIO(head), path) == "document":
        raise InputError(
            f"{path}: not JSON Lines (one array, or one record over many lines, or not JSON); Spark reads "
            "such a file only from a local path",
            hint=f"copy it here and give its local path, or {_TO_JSON_LINES}",
        )


def _remote_head(spark: SparkSession, path: str) -> bytes | None:
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    try:
        files = hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())  # type: ignore[union-attr]
        status = files.getFileStatus(hadoop_path)
        if status.isDirectory():
            return None
        stream = files.open(hadoop_path)
        try:
            return bytes(jvm.org.apache.commons.io.IOUtils.toByteArray(stream, min(status.getLen(), REMOTE_HEAD_BYTES)))
        finally:
            stream.close()
    except Exception:  # py4j's errors (no access, no such file): left to Spark's reader, which names them
        return None
