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


#: Kinds that describe who and where care is given, never a patient: a Bundle holding only these
#: (Synthea's ``hospitalInformation*.json`` and ``practitionerInformation*.json`` beside every
#: patient's file) is not patient data, and is named as such once, not taken for a record.
DIRECTORY_TYPES = frozenset(
    {
        "Organization", "OrganizationAffiliation", "Practitioner", "PractitionerRole", "Location",
        "HealthcareService", "Endpoint", "InsurancePlan",
    }
)
#: What is said, once per file, of a Group (Synthea's ``groupInformation*.json``, a bulk export's group).
GROUP = (
    "a Group (a list of patients, not their data): not read; screen the patients' own files, "
    "or a bulk-data export of the group's data (Group/[id]/$export)"
)


def directory_bundle(bundle: dict[str, Any]) -> str | None:
    """What is said, once per file, of a Bundle that holds only organisations, practitioners,
    locations and the like (not patient data); None for any other Bundle."""
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not entries:
        return None
    kinds: dict[str, int] = {}
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if kind not in DIRECTORY_TYPES:
            return None
        kinds[kind] = kinds.get(kind, 0) + 1
    held = ", ".join(f"{count:,} {kind}" for kind, count in sorted(kinds.items()))
    return (
        f"a Bundle of {held}: who and where care is given, not patient data (as Synthea writes beside its "
        "patients' files): not read"
    )


def passed_over(kinds: dict[str, int]) -> str:
    """What is said of a file whose every resource is of a kind the screen does not read, when the
    run read no record: so that "no records were read" has its reason."""
    held = ", ".join(f"{count:,} {kind}" for kind, count in sorted(kinds.items()))
    return (
        f"only FHIR resources of kinds the screen does not read ({held}): no patient's record, answers or "
        "results among them, so no record was read from it"
    )


def is_export_log_line(value: dict[str, Any]) -> bool:
    """Whether a JSON line is an event of a bulk-data export's log: an export id and an event
    id, and only the fields such a line has (no resourceType: it is not FHIR)."""
    return {"exportId", "eventId"} <= value.keys() <= _EXPORT_LOG_FIELDS


def _said_once(kind: object, value: dict[str, Any]) -> tuple[str, bool] | None:
    """What is said, once per file, of an item that is not a record, and whether that is only a
    note (a file of no patient data is not a fault: no exit 3); None for anything else."""
    if kind is None:
        return (EXPORT_LOG, False) if is_export_log_line(value) else None
    if kind == "OperationOutcome":
        return export_errors(value), False
    if kind == "Group":
        return GROUP, True
    directory = directory_bundle(value) if kind == "Bundle" else None
    return None if directory is None else (directory, True)


def expand(items: Iterable[ReadItem]) -> Iterator[ReadItem]:
    """The records of a stream of read items, FHIR Bundles and bulk-data lines made into records."""
    counts: dict[str, int] = {}
    pool = BulkDataPool()
    # Sources where FHIR made or took records are renumbered; the others keep their positions
    # (a sheet's are its row numbers, which need not be consecutive).
    renumbered: set[str] = set()
    logs: set[str] = set()  # bulk-export logs, error files, Groups, directory Bundles: named once each
    skipped: dict[str, dict[str, int]] = {}  # kinds passed over, per file: named if no record is read
    records_out = False

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
        said = _said_once(kind, value) if isinstance(value, dict) else None
        if said is not None:  # not records: named once per file
            renumbered.add(item.source)
            if item.source not in logs:
                logs.add(item.source)
                yield UnreadableSource(item.source, *said)
            continue
        if kind in EHR_TYPES and isinstance(value, dict):
            renumbered.add(item.source)
            pool.add(value, item.source, item.position)
        elif isinstance(kind, str) and kind in FHIR_RESOURCE_TYPES and kind not in READ_TYPES:
            renumbered.add(item.source)
            kinds = skipped.setdefault(item.source, {})
            kinds[kind] = kinds.get(kind, 0) + 1
            continue  # bulk data of a kind we do not read (Encounter.ndjson): passed over
        elif kind == "Bundle" and isinstance(value, dict):
            renumbered.add(item.source)
            for record in bundle_records(value):
                records_out = True
                yield numbered(RawRecord(item.source, item.position, record))
        else:
            records_out = True
            yield numbered(item)
    for source, _anchor, record in pool.records():
        records_out = True
        counts[source] = counts.get(source, 0) + 1
        placed = record.placed(source, counts[source]) if isinstance(record, PatientResources) else record
        yield RawRecord(source, counts[source], placed)
    if not records_out:  # say why nothing was read, where every resource was of a kind not read
        for source, kinds in skipped.items():
            yield UnreadableSource(source, passed_over(kinds), note=True)
