"""FHIR inputs as records: which resources make one record, and turning a record into answers.

Batch reading calls ``expand`` on the stream of records it reads (``screener.batch.readers``),
and validation calls ``check_fhir_record`` / ``screen_fhir_entry`` for a record that is FHIR
(``screener.screening.pipeline``). A record is one person:

- a QuestionnaireResponse, alone or in a Bundle (a Bundle holding responses gives one record
  per response; its other resources are context and are not read);
- one patient's EHR resources: from a Bundle (one record per Patient, with the resources whose
  ``subject`` is that patient), or gathered from bulk-data (NDJSON) lines, one resource per
  line, from all inputs: those are grouped by patient once every input is read, and take the
  place of the patient's Patient resource in the output (or of its first resource).

Positions are renumbered per source as records are formed (the third response of a Bundle is
record 3). A resource of a kind we do not read is an invalid record when it stands alone, and
is passed over inside a Bundle (an EHR Bundle holds encounters, claims and much else).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from screener.contract.validation import Problem
from screener.errors import did_you_mean
from screener.fhir.conversion import Conversion, child
from screener.fhir.ehr import Located, patient_to_answers
from screener.fhir.mapping import fhir_context
from screener.fhir.response import response_to_answers

if TYPE_CHECKING:
    from screener.batch.records import ReadItem
    from screener.contract.answers import Answers
    from screener.screening.pipeline import Screener

RESPONSE = "QuestionnaireResponse"
EHR_TYPES = ("Patient", "MedicationStatement", "MedicationRequest", "Medication", "Observation", "Condition")
READ_TYPES = (RESPONSE, "Bundle", *EHR_TYPES)
_PATIENT_REFERENCE = re.compile(r"(?:^|/)Patient/([^/]+)(?:/_history/[^/]*)?$")


@dataclass(frozen=True)
class PatientResources:
    """One patient's EHR resources, gathered from a Bundle or from bulk-data lines: one record."""

    patient: str | None
    """The patient's id (or the reference that names it); None for a resource naming no patient."""
    resources: tuple[Located, ...]
    is_fhir_record = True


class FhirResultEntry(dict[str, Any]):
    """A result entry (plain JSON-ready data, as any other) that also remembers the FHIR
    resources it was computed from, for a RiskAssessment's ``subject`` and ``basis``."""

    def __init__(self, entry: Mapping[str, Any], subject: dict[str, Any] | None, basis: list[dict[str, Any]]) -> None:
        super().__init__(entry)
        self.subject = subject
        self.basis = basis


# -- reading: which resources make a record -----------------------------------------------------


def is_fhir(value: Any) -> bool:
    """Whether a parsed record is FHIR: a resource (it names its resourceType) or resources gathered."""
    return ("resourceType" in value) if isinstance(value, dict) else hasattr(value, "is_fhir_record")


def expand(items: Iterable[ReadItem]) -> Iterator[ReadItem]:
    """The records of a stream of read items, FHIR Bundles and bulk-data lines made into records."""
    from screener.batch.records import RawRecord, UnreadableSource

    counts: dict[str, int] = {}
    pool = _Pool()
    # Sources where FHIR made or took records are renumbered; the others keep their positions
    # (a sheet's are its row numbers, which need not be consecutive).
    renumbered: set[str] = set()

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
        if kind in EHR_TYPES and isinstance(value, dict):
            renumbered.add(item.source)
            pool.add(value, item.source, item.position)
        elif kind == "Bundle" and isinstance(value, dict):
            renumbered.add(item.source)
            for record in bundle_records(value):
                yield numbered(RawRecord(item.source, item.position, record))
        else:
            yield numbered(item)
    for source, _anchor, record in pool.records():
        counts[source] = counts.get(source, 0) + 1
        yield RawRecord(source, counts[source], record)


def bundle_records(bundle: Mapping[str, Any]) -> list[Any]:
    """The records of one Bundle: its responses, else its patients; the Bundle itself when it
    holds neither (converting it then says so)."""
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        return [bundle]
    resources = [
        (entry["resource"], f"$.entry[{index}].resource")
        for index, entry in enumerate(entries)
        if isinstance(entry, dict) and isinstance(entry.get("resource"), dict)
    ]
    responses = [Located(resource, where) for resource, where in resources if resource.get("resourceType") == RESPONSE]
    if responses:
        return responses
    full_urls = {
        entry.get("fullUrl"): entry["resource"].get("id")
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("resource"), dict) and entry["resource"].get("resourceType") == "Patient"
    }
    groups: dict[str | None, list[Located]] = {}
    medications: list[Located] = []
    for resource, where in resources:
        kind = resource.get("resourceType")
        if kind == "Medication":
            medications.append(Located(resource, where))
        elif kind in EHR_TYPES:
            groups.setdefault(_patient_of(resource, full_urls), []).append(Located(resource, where))
    records: list[Any] = []
    for patient, located in groups.items():
        if patient is None:  # naming no patient: each one its own (invalid) record
            records += [PatientResources(None, (one,)) for one in located]
        else:
            records.append(PatientResources(patient, (*located, *_referenced(located, medications))))
    return records or [bundle]


def _patient_of(resource: Mapping[str, Any], full_urls: Mapping[Any, Any]) -> str | None:
    if resource.get("resourceType") == "Patient":
        identity = resource.get("id")
        return identity if isinstance(identity, str) else "(a Patient without an id)"
    subject = resource.get("subject", resource.get("patient"))
    reference = subject.get("reference") if isinstance(subject, dict) else None
    if not isinstance(reference, str) or not reference:
        return None
    if isinstance(full_urls.get(reference), str):
        return str(full_urls[reference])
    match = _PATIENT_REFERENCE.search(reference)
    if match:
        return match[1]
    return reference.removeprefix("urn:uuid:")


def _referenced(located: Iterable[Located], medications: Iterable[Located]) -> list[Located]:
    """The Medication resources a patient's medicines name (medicationReference)."""
    targets = set()
    for one in located:
        for key in ("medicationReference", "medication"):
            value = one.resource.get(key)
            reference = value.get("reference") if isinstance(value, dict) else None
            if isinstance(reference, dict):  # R5 CodeableReference
                reference = reference.get("reference")
            if isinstance(reference, str):
                targets.add(reference)
    out = []
    for medication in medications:
        identity = medication.resource.get("id")
        if isinstance(identity, str) and any(t == f"Medication/{identity}" or t.endswith(f"/Medication/{identity}") or t == f"urn:uuid:{identity}" for t in targets):
            out.append(medication)
    return out


@dataclass
class _Pool:
    """Bulk-data resources (one per line, any file) held until every input is read."""

    patients: dict[str | None, list[tuple[Mapping[str, Any], str, int]]] = field(default_factory=dict)
    medications: list[tuple[Mapping[str, Any], str, int]] = field(default_factory=list)

    def add(self, resource: Mapping[str, Any], source: str, position: int) -> None:
        if resource.get("resourceType") == "Medication":
            self.medications.append((resource, source, position))
        else:
            self.patients.setdefault(_patient_of(resource, {}), []).append((resource, source, position))

    def records(self) -> Iterator[tuple[str, int, Any]]:
        """(source, position, record) per patient, in the order of their Patient resources (of
        their first resource, for a patient with none), as the inputs were read."""
        medications = [Located(resource, _where(source, position)) for resource, source, position in self.medications]
        sources: dict[str, int] = {}
        formed: list[tuple[tuple[int, int], str, int, Any]] = []
        for patient, held in self.patients.items():
            for _, source, _ in held:
                sources.setdefault(source, len(sources))
            if patient is None:
                for resource, source, position in held:
                    formed.append(((sources[source], position), source, position, PatientResources(None, (Located(resource, "$"),))))
                continue
            anchor = next(((s, p) for r, s, p in held if r.get("resourceType") == "Patient"), (held[0][1], held[0][2]))
            located = [Located(r, "$" if (s, p) == anchor else _where(s, p)) for r, s, p in held]
            record = PatientResources(patient, (*located, *_referenced(located, medications)))
            formed.append(((sources[anchor[0]], anchor[1]), anchor[0], anchor[1], record))
        for _, source, position, record in sorted(formed, key=lambda one: one[0]):
            yield source, position, record


def _where(source: str, position: int) -> str:
    return f"{os.path.basename(source)} record {position}: $"


# -- converting: a record into answers ----------------------------------------------------------


def convert(value: Any, screener: Screener) -> Conversion:
    """The answers a FHIR record gives (or what stops it), with the screener's rules and date."""
    context = fhir_context(screener.ruleset)
    as_of = screener.as_of or date.today()
    if isinstance(value, PatientResources):
        return patient_to_answers(value.resources, context, as_of, value.patient)
    if isinstance(value, Located):
        return _convert_resource(value.resource, value.where, screener)
    return _convert_resource(value, "$", screener)


def _convert_resource(resource: Mapping[str, Any], where: str, screener: Screener) -> Conversion:
    kind = resource.get("resourceType")
    if kind == RESPONSE:
        return response_to_answers(resource, fhir_context(screener.ruleset), where)
    if kind in EHR_TYPES:
        patient = _patient_of(resource, {})
        return convert(PatientResources(patient, (Located(resource, where),)), screener)
    out = Conversion()
    if kind == "Bundle":
        records = bundle_records(resource)
        if len(records) == 1 and records[0] is not resource:
            return convert(records[0], screener)
        if len(records) > 1:
            out.problem(where, f"this Bundle holds {len(records)} records (responses or patients): read it with `mgk-screen batch`")
        else:
            out.problem(child(where, "entry"), "this Bundle holds no QuestionnaireResponse and no patient data (Patient, Observation, Condition, MedicationStatement, MedicationRequest)")
        return out
    out.problem(
        child(where, "resourceType"),
        f"a {kind!r} resource is not something mgk-screen reads{did_you_mean(str(kind), READ_TYPES)}: "
        f"give QuestionnaireResponses, or patient data ({', '.join(EHR_TYPES)}), alone or in a Bundle",
    )
    return out


def check_fhir_record(screener: Screener, value: Any) -> tuple[Answers | None, list[Problem]]:
    """``Screener.check`` for a FHIR record: converted, then validated as any answers are."""
    conversion = convert(value, screener)
    if conversion.problems:
        return None, conversion.problems
    answers, problems = screener.check(conversion.answers)
    return answers, conversion.locate(problems)


def screen_fhir_entry(screener: Screener, value: Any, *, source: str | None, position: int) -> dict[str, Any]:
    """``Screener.screen_entry`` for a FHIR record: the result entry, or the invalid-record entry
    with paths into the FHIR input."""
    from screener.screening.pipeline import invalid_entry

    conversion = convert(value, screener)
    if conversion.problems:
        return invalid_entry({"id": conversion.record_id}, conversion.problems, source=source, position=position)
    entry = screener.screen_entry(conversion.answers, source=source, position=position)
    if entry["status"] == "invalid":
        problems = [Problem(error["path"], error["message"]) for error in entry["errors"]]
        entry["errors"] = [problem.as_dict() for problem in conversion.locate(problems)]
        return entry
    return FhirResultEntry(entry, conversion.subject, conversion.basis)
