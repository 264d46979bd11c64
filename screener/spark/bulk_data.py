"""FHIR bulk data in Spark: resources, one per line in any input file, gathered into one record
per patient, as batch mode gathers them (``screener.batch.fhir_records``).

A bulk-data export puts each kind of resource in its own file (Patient.ndjson,
Observation.ndjson, MedicationRequest.ndjson...). Read line by line, a Patient alone would be
screened without its potassium, and come out "unlikely": so the lines of the kinds a patient's
record is made of (``EHR_TYPES``) are taken out of every JSON input, grouped by the patient
they are about (``patient_of``, the same function batch mode uses), and each group is made into
one record on the executors by batch mode's own ``BulkDataPool``. Lines of FHIR kinds we do
not read (Encounter, Claim...) are passed over, as batch mode passes them over; the other lines
(answers, QuestionnaireResponses, Bundles) are screened one by one, as before.

Medication resources are named by the medicines that point at them (``medicationReference``)
from any patient: they are collected on the driver (an export holds one per product, a few
thousand at most) and each executor adds to a batch of patients only those its medicines name.
Every other line is read by Python once to find its patient, and once more in its patient's
record.

A patient's record takes the place of its Patient resource (or of its first resource, for one
without), and in a file of bulk data the records are numbered 1, 2, 3... in that order, as
batch mode numbers them. (In a file that mixes bulk data with other records, batch mode also
renumbers the other records; here they keep their line numbers.)
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any, Final, Literal

from screener.batch.json_text import JsonFault, decode_line
from screener.batch.records import RawRecord, UnreadableRecord
from screener.fhir.patient_references import NOT_A_PATIENT, medication_references, patient_of
from screener.fhir.records import EHR_TYPES, READ_TYPES, BulkDataPool
from screener.fhir.resource_types import FHIR_RESOURCE_TYPES

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

#: FHIR kinds of resource batch mode passes over in bulk data (neither read nor reported).
PASSED_OVER: Final = tuple(sorted(set(FHIR_RESOURCE_TYPES) - set(READ_TYPES)))
_KIND: Final = "__mgk_kind"
_TEXT: Final = "text"
_FILE: Final = "file"  # the input file's number, in the order the files are read
_PATIENT: Final = "patient"


def resource_kind(text: Column) -> Column:
    """The ``resourceType`` of a JSON text (null for text that is not a JSON object naming one)."""
    from pyspark.sql import functions as F

    # A byte order mark at the start of a file: batch mode reads past it, and so must this.
    return F.get_json_object(F.regexp_replace(text, "^\ufeff", ""), "$.resourceType")


def split_bulk_data(frame: DataFrame, json_column: str, source: str, file_number: int, position: str) -> tuple[DataFrame, DataFrame]:
    """``frame`` without its bulk-data lines (nor the lines of kinds passed over), and those
    bulk-data lines as (``text``, ``source``, ``file``, ``position``, and their kind)."""
    from pyspark.sql import functions as F

    kinds = frame.withColumn(_KIND, resource_kind(F.col(f"`{json_column}`")))
    bulk = kinds.where(F.col(_KIND).isin(*EHR_TYPES)).select(
        F.col(f"`{json_column}`").alias(_TEXT),
        F.lit(source).alias("source"),
        F.lit(file_number).cast("long").alias(_FILE),
        F.col(f"`{position}`").cast("long").alias("position"),
        F.col(_KIND),
    )
    others = kinds.where(F.col(_KIND).isNull() | ~F.col(_KIND).isin(*EHR_TYPES, *PASSED_OVER)).drop(_KIND)
    return others, bulk


def screen_bulk_data(
    bulk: DataFrame, partitions: int, *, rules: str | None, detail: Literal["lean", "full"], as_of: date | None = None
) -> DataFrame:
    """One result row per patient of the bulk-data lines (from ``split_bulk_data``, every file's
    together), numbered per file as batch mode numbers them."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    from screener.spark import result_spark_schema
    from screener.spark.inputs import numbered

    medications = _medications(bulk.where(F.col(_KIND) == "Medication").select(_TEXT, "source", "position").collect())
    keyed_schema = StructType(
        [StructField(name, kind) for name, kind in ((_PATIENT, StringType()), (_TEXT, StringType()),
                                                    ("source", StringType()), (_FILE, LongType()), ("position", LongType()))]
    )
    keyed = bulk.drop(_KIND).mapInArrow(_patient_keys, keyed_schema)
    held = F.struct(F.col(_FILE), F.col("position"), F.col("source"), F.col(_TEXT))
    patients = keyed.groupBy(_PATIENT).agg(F.collect_list(held).alias("held"))
    screen = functools.partial(_screen_patients, medications=medications, rules=rules, detail=detail, as_of=as_of)
    results = patients.repartition(partitions).mapInArrow(screen, result_spark_schema())
    # Numbered per file, in the order of each record's place in it, as batch mode numbers them.
    ordered = results.repartitionByRange(partitions, "source", "position").sortWithinPartitions("source", "position")
    counted = numbered(ordered, "__mgk_number")
    firsts = counted.groupBy("source").agg(F.min("__mgk_number").alias("__mgk_first"))
    renumbered = counted.join(F.broadcast(firsts), "source").withColumn(
        "position", F.col("__mgk_number") - F.col("__mgk_first") + 1
    )
    return renumbered.select(*(F.col(f"`{name}`") for name in results.columns))


def _medications(rows: list[Any]) -> dict[str, tuple[str, str, int]]:
    """The Medication lines by their id, as (text, source, position); one that batch mode's
    decoder refuses is left to ``_patient_keys``, which makes it a record of its own."""
    found: dict[str, tuple[str, str, int]] = {}
    for row in rows:
        medication = _resource(row[_TEXT])
        identity = medication.get("id") if isinstance(medication, dict) else None
        if isinstance(identity, str):
            found[identity] = (row[_TEXT], row["source"], row["position"])
    return found


# -- on the executors -----------------------------------------------------------------------------


def _patient_keys(batches: Iterator[Any]) -> Iterator[Any]:
    """Each line with the patient it is about: a patient's id, or a key of its own for a line
    about no patient (each is its own record, as in batch mode). A Medication is left out (the
    driver sends those to every executor), and a line about something else (a Device, a Group)
    is dropped, as batch mode drops it."""
    import pyarrow as pa

    for batch in batches:
        rows = []
        for row in batch.to_pylist():
            read = _resource(row[_TEXT])
            resource = None if isinstance(read, str) else read
            if resource is not None and resource.get("resourceType") == "Medication":
                continue
            patient = patient_of(resource, {}) if resource is not None else None
            if patient is NOT_A_PATIENT:
                continue
            key = patient if isinstance(patient, str) else f"\x00{row['source']}\x00{row['position']}"  # a record of its own
            rows.append({_PATIENT: key, **row})
        yield pa.RecordBatch.from_pylist(
            rows, schema=pa.schema([(_PATIENT, pa.string()), (_TEXT, pa.string()),
                                    ("source", pa.string()), (_FILE, pa.int64()), ("position", pa.int64())])
        )


def _screen_patients(
    batches: Iterator[Any],
    *,
    medications: dict[str, tuple[str, str, int]],
    rules: str | None,
    detail: Literal["lean", "full"],
    as_of: date | None,
) -> Iterator[Any]:
    """Arrow batches of patients (their lines) in, Arrow batches of results out."""
    from screener.batch.parquet_io import entries_to_batch
    from screener.batch.runner import record_entry
    from screener.spark import _screener

    screener = _screener(rules, as_of)
    for batch in batches:
        pool = BulkDataPool()
        unreadable: list[UnreadableRecord] = []
        named: set[str] = set()
        for patient in batch.to_pylist():
            for line in sorted(patient["held"], key=lambda one: (one[_FILE], one["position"])):
                resource = _resource(line[_TEXT])
                if isinstance(resource, str):
                    unreadable.append(UnreadableRecord(line["source"], line["position"], f"line {line['position']}: {resource}"))
                    continue
                pool.add(resource, line["source"], line["position"])
                named.update(reference.rsplit("/", 1)[-1].removeprefix("urn:uuid:") for reference in medication_references(resource))
        for identity in sorted(named & medications.keys()):
            text, source, position = medications[identity]
            medication = _resource(text)
            if not isinstance(medication, str):  # it was read once already, to find its id
                pool.add(medication, source, position)
        entries = [_entry(record_entry(item, screener, detail), item.position) for item in unreadable]
        for source, position, record in pool.records():
            entries.append(_entry(record_entry(RawRecord(source, position, record), screener, detail), position))
        if entries:
            yield entries_to_batch(entries)


def _resource(text: str) -> dict[str, Any] | str:
    """The resource a line holds, or what is wrong with it (a line Spark's lenient reader took
    for a resource that batch mode's decoder refuses)."""
    try:
        value = decode_line(text.removeprefix("\ufeff"))[0]  # as batch reads a line: a comma after it read past
    except JsonFault as fault:
        return fault.message
    return value if isinstance(value, dict) else "not a FHIR resource"


def _entry(entry: dict[str, Any], position: int) -> dict[str, Any]:
    entry.setdefault("position", position)  # a result has one only with a source
    return entry

