"""FHIR Bundles on lines of JSON Lines, made into one row per record, as batch mode makes them.

A Bundle holds one exchange: a search result of several patients, a transaction, a set of
QuestionnaireResponses. Batch mode gives one record per response, else one per patient (and one
invalid record per resource it cannot give to anyone), by FHIR's own ``bundle_records``
(``screener.batch.fhir_records.expand``). Screened as one row, a Bundle of several people was one
invalid row ("read it with `mgk-screen batch`").

Here the lines that may hold a Bundle are made into their records on the executors, each record
pickled into ``RECORD`` beside the line's number (for messages): the same records batch mode
makes, from the same function. A file with a Bundle on a line then has its records numbered 1,
2, 3... in order, as batch mode renumbers such a file (a Bundle of three people on line 2 gives
records 2, 3 and 4, and the line after it is record 5). A file without one is left as it is: one
small job, which reads no more than the lines that name a Bundle, tells.
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from screener.batch.json_text import JsonFault, decode_line
from screener.fhir.records import bundle_records
from screener.spark import LINE, POSITION, RECORD

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame


def expand_bundles(frame: DataFrame, json_column: str, *, renumber: bool = True) -> DataFrame:
    """``frame`` (JSON texts in ``json_column``, with ``POSITION``, and ``LINE`` for JSON Lines)
    with each Bundle line made into one row per record of it (the record in ``RECORD``),
    renumbered as batch mode numbers them (or, without ``renumber``, each keeping its line's
    position); ``frame`` itself when no line holds a Bundle."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import BinaryType, StructField, StructType

    from screener.spark.bulk_data import resource_kind
    from screener.spark.inputs import numbered

    text = F.col(f"`{json_column}`")
    if frame.where(_may_be_bundle(text) & (resource_kind(text) == "Bundle")).isEmpty():
        return frame
    schema = StructType([*frame.schema.fields, StructField(RECORD, BinaryType())])
    expand = functools.partial(_expand_batches, json_column=json_column)
    expanded = frame.mapInArrow(expand, schema)
    return numbered(expanded, POSITION) if renumber else expanded


def _may_be_bundle(text: Column) -> Column:
    """A quick test first (a substring), so that only the lines naming a Bundle are parsed."""
    return text.contains("Bundle")


# -- on the executors -----------------------------------------------------------------------------


def _expand_batches(batches: Iterator[Any], *, json_column: str) -> Iterator[Any]:
    """Arrow batches of lines in; the same lines out, but a Bundle's as one row per record."""
    import pyarrow as pa

    for batch in batches:
        schema = batch.schema.append(pa.field(RECORD, pa.binary()))
        rows: list[dict[str, Any]] = []
        for row in batch.to_pylist():
            records = _bundle_records(row.get(json_column), row.get(LINE))
            if records is None:
                rows.append({**row, RECORD: None})
            else:
                rows += [{**row, json_column: None, RECORD: pickle.dumps(record)} for record in records]
        yield pa.RecordBatch.from_pylist(rows, schema=schema)


def _bundle_records(text: object, line: object) -> list[Any] | None:
    """The records of a line holding a Bundle (batch mode's), or None for any other line, a
    Bundle that is its own only record included: such a line is screened from its text, and one
    batch mode's decoder refuses gets its message there."""
    if not isinstance(text, str) or "Bundle" not in text:
        return None
    try:
        value = decode_line(text.removeprefix("\ufeff") if line == 1 else text)[0]
    except JsonFault:
        return None
    if not isinstance(value, dict) or value.get("resourceType") != "Bundle":
        return None
    records = bundle_records(value)
    return None if len(records) == 1 and records[0] is value else records
