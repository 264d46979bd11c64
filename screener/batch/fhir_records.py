"""FHIR in a batch: Bundles and bulk-data (NDJSON) lines made into one record per person.

What makes one record is FHIR's business (``screener.fhir.records``: a response, or one
patient's resources); here the stream of records read from the inputs is reshaped by it:

- a Bundle gives one record per QuestionnaireResponse, else one per patient;
- bulk-data lines (one EHR resource per line, from every input) are held until every input is
  read, then grouped by patient, each patient taking the place of its Patient resource (or of
  its first resource);
- a resource of a kind we do not read (Encounter.ndjson) is passed over;
- a bulk-data export's log (``log.ndjson``: export events, not FHIR) is named once, as a file
  that is not read (an ``UnreadableSource``: exit 3, as any other file that holds no records,
  such as FHIR XML), and its lines are not records; the export's other files are read;
- an OperationOutcome line in bulk data (a bulk-data export's error file: the server's word
  that it could not export everything) is named once per file, with what the first one says, the
  same way: a screen of the export's patients may lack what the server could not export.

Positions are renumbered per source where FHIR made or took records (the third response of a
Bundle is record 3); other sources keep theirs (a sheet's are its row numbers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from screener.batch.records import RawRecord, ReadItem, UnreadableSource
from screener.fhir.records import EHR_TYPES, READ_TYPES, BulkDataPool, PatientResources, bundle_records
from screener.fhir.resource_types import FHIR_RESOURCE_TYPES

#: What is said, once per file, of a bulk-data export's log (the SMART bulk-data client writes
#: ``log.ndjson`` beside the resource files of every export).
EXPORT_LOG = (
    "a bulk-data export log (lines of exportId, eventId, timestamp: the export client's log.ndjson), not patient data: "
    "not read; the export's resource files are read as usual (give the folder without it, or only its resource files)"
)
_EXPORT_LOG_FIELDS = frozenset({"exportId", "eventId", "timestamp", "eventDetail"})


def export_errors(outcome: dict[str, Any]) -> str:
    """What is said, once per file, of OperationOutcome lines: a FHIR server's report of a
    problem, such as a bulk-data export's error file (listed under ``error`` in its manifest)."""
    issues = outcome.get("issue")
    first = next((issue for issue in issues if isinstance(issue, dict)), {}) if isinstance(issues, list) else {}
    details = first.get("details")
    details = details if isinstance(details, dict) else {}
    said = first.get("diagnostics") or details.get("text") or first.get("code") or "no details"
    return (
        f"an OperationOutcome, a FHIR server's report of a problem, not patient data (the first says {str(said)[:200]!r}): "
        "not read. In a bulk-data export it is the error file: the server could not export everything, so the "
        "export's patients are screened on what was exported and may lack what it names (ask for the export again, "
        "or check these patients' records)"
    )


def is_export_log_line(value: dict[str, Any]) -> bool:
    """Whether a JSON line is an event of a bulk-data export's log: an export id and an event
    id, and only the fields such a line has (no resourceType: it is not FHIR)."""
    return {"exportId", "eventId"} <= value.keys() <= _EXPORT_LOG_FIELDS


def expand(items: Iterable[ReadItem]) -> Iterator[ReadItem]:
    """The records of a stream of read items, FHIR Bundles and bulk-data lines made into records."""
    counts: dict[str, int] = {}
    pool = BulkDataPool()
    # Sources where FHIR made or took records are renumbered; the others keep their positions
    # (a sheet's are its row numbers, which need not be consecutive).
    renumbered: set[str] = set()
    logs: set[str] = set()  # bulk-export logs and error files, named once each

    def numbered(item: Any) -> Any:
        counts[item.source] = counts.get(item.source, 0) + 1
        if item.source not in renumbered or item.position == counts[item.source]:
            return item
        return replace(item, position=counts[item.source])

    for item in items:
        if isinstance(item, UnreadableSource):
            yield item
            continue
        value = item.value if isinstance(item, RawRecord) else None
        kind = value.get("resourceType") if isinstance(value, dict) else None
        if kind is None and isinstance(value, dict) and is_export_log_line(value):
            renumbered.add(item.source)
            if item.source not in logs:
                logs.add(item.source)
                yield UnreadableSource(item.source, EXPORT_LOG)
            continue
        if kind == "OperationOutcome" and isinstance(value, dict):
            renumbered.add(item.source)
            if item.source not in logs:
                logs.add(item.source)
                yield UnreadableSource(item.source, export_errors(value))
            continue
        if kind in EHR_TYPES and isinstance(value, dict):
            renumbered.add(item.source)
            pool.add(value, item.source, item.position)
        elif kind in FHIR_RESOURCE_TYPES and kind not in READ_TYPES:
            renumbered.add(item.source)
            continue  # bulk data of a kind we do not read (Encounter.ndjson): passed over
        elif kind == "Bundle" and isinstance(value, dict):
            renumbered.add(item.source)
            for record in bundle_records(value):
                yield numbered(RawRecord(item.source, item.position, record))
        else:
            yield numbered(item)
    for source, _anchor, record in pool.records():
        counts[source] = counts.get(source, 0) + 1
        placed = record.placed(source, counts[source]) if isinstance(record, PatientResources) else record
        yield RawRecord(source, counts[source], placed)
