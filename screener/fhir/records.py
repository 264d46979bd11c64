"""FHIR inputs as records: which resources make one record, and turning a record into answers.

A record is one person:

- a QuestionnaireResponse, alone or in a Bundle (a Bundle holding responses gives one record
  per response; its other resources are context and are not read);
- one patient's EHR resources: from a Bundle (one record per Patient, with the resources whose
  ``subject`` is that patient), or gathered from bulk-data (NDJSON) lines, one resource per
  line, from all inputs (``BulkDataPool``; batch reading does the gathering, in
  ``screener.batch.fhir_records``).

A FHIR resource of a kind we do not read (an EHR export holds encounters, claims, allergies and
much else) is passed over, in a Bundle (nested Bundles included) and among bulk-data lines
alike, and so is one about something other than a patient (an Observation of a Device); a
``resourceType`` that is no FHIR type at all ("Patinet") is an invalid record, with "did you
mean". Who a resource is about is ``patient_references``; which entries of a Bundle are live
(nested Bundles, deletions, a history's latest versions) is ``bundle_entries``.

The screener itself reads answers only. Whatever may be handed a FHIR record (a batch, the
``screen`` command, the web API) screens it with ``check_record`` and ``screen_record_entry``
here, which convert FHIR first and name problems by their places in the FHIR input.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from screener.contract.result import ScreeningResult
from screener.contract.validation import Problem
from screener.errors import did_you_mean
from screener.fhir.bundle_entries import bundle_notes, bundle_resources
from screener.fhir.conversion import Conversion, child
from screener.fhir.ehr import PATIENT_DATA, Located, no_fhir_type, patient_to_answers
from screener.fhir.elements import naming
from screener.fhir.lab_times import AsOf
from screener.fhir.mapping import fhir_context
from screener.fhir.medicines import said_of_nameless
from screener.fhir.patient_references import (
    NOT_A_PATIENT,
    names_in_bundle,
    names_someone_else,
    patient_key,
    patient_of,
    referenced_medications,
)
from screener.fhir.resource_types import FHIR_RESOURCE_TYPES
from screener.fhir.response import response_to_answers
from screener.screening.pipeline import InvalidAnswers, invalid_entry, is_fhir_record

if TYPE_CHECKING:
    from screener.contract.answers import Answers
    from screener.screening.findings import Detail
    from screener.screening.pipeline import Screener

RESPONSE = "QuestionnaireResponse"
# Not read as medicines taken, but gathered with the patient's data so that the result can name
# the medicines they hold (``screener.fhir.ehr``).
NAMED_ONLY = ("MedicationDispense", "MedicationAdministration")
EHR_TYPES = (*PATIENT_DATA, *NAMED_ONLY)
READ_TYPES = (RESPONSE, "Bundle", *EHR_TYPES)
# Read only for what they say about other resources (a report's date for its results): one that
# names no patient is passed over, not an invalid record.
_CONTEXT_TYPES = ("DiagnosticReport",)


@dataclass(frozen=True)
class PatientResources:
    """One patient's EHR resources, gathered from a Bundle or from bulk-data lines: one record."""

    patient: str | None
    """The patient's id (or the reference that names it); None for a resource naming no patient."""
    resources: tuple[Located, ...]
    unattributed: tuple[Located, ...] = ()
    """Resources among ``resources`` that name no patient, read as this one's because it is the
    only patient of their Bundle (``bundle_records``): the result's warnings name them."""
    notes: tuple[str, ...] = ()
    """What the Bundle says of the record as a whole (one page of a longer search), for the warnings."""
    is_fhir_record = True

    def placed(self, source: str, position: int) -> PatientResources:
        """This record as record ``position`` of ``source``. A resource that is a record of its
        own (it names no patient) names its line in its paths ("Observation.ndjson record 2:
        $.subject"), unless that is the record's own place: a file of that one resource would
        then be named twice ("x.json record 1: x.json record 1: $.subject")."""
        if self.patient is None and len(self.resources) == 1 and self.resources[0].where == _where(source, position):
            return replace(self, resources=(Located(self.resources[0].resource, "$"),))
        return self


is_fhir = is_fhir_record
"""Whether a parsed record is FHIR: the screener's own test, so that what it refuses is what is converted here."""


class FhirResultEntry(dict[str, Any]):
    """A result entry (plain JSON-ready data, as any other) that also remembers the FHIR
    resources it was computed from, for a RiskAssessment's ``subject`` and ``basis``."""

    def __init__(self, entry: Mapping[str, Any], subject: dict[str, Any] | None, basis: list[dict[str, Any]]) -> None:
        super().__init__(entry)
        self.subject = subject
        self.basis = basis


# -- reading: which resources make a record -----------------------------------------------------


def bundle_records(bundle: Mapping[str, Any]) -> list[Any]:
    """The records of one Bundle: its responses, else its patients; the Bundle itself when it
    holds neither (converting it then says so).

    A Bundle is one exchange: when it holds one patient only (an ``$everything``, an IPS document,
    a lab's report of one person), a resource in it that names no patient (no ``subject``, or
    one with a display or an identifier but no reference) is read as that patient's, and the
    result's warnings name it. Were it made a record of its own, its result (a potassium of 2.9)
    would be lost from the screen of the only person it can be about. With two patients or more
    it cannot be told whose it is: it stays an invalid record of its own."""
    skipped: list[str] = []
    resources = list(bundle_resources(bundle, "$", 0, skipped))
    if not resources:
        return [bundle]
    responses = [Located(resource, where) for resource, where, _ in resources if resource.get("resourceType") == RESPONSE]
    if responses:
        return responses
    full_urls: dict[str, str] = {}
    for resource, _, full_url in resources:
        if resource.get("resourceType") == "Patient":
            full_urls.update(names_in_bundle(resource, full_url))
    groups: dict[str | None, list[Located]] = {}
    medications: list[Located] = []
    for resource, where, full_url in resources:
        kind = resource.get("resourceType")
        if kind == "Medication":
            medications.append(Located(resource, where, full_url))
        elif kind in EHR_TYPES or kind not in FHIR_RESOURCE_TYPES:  # no FHIR type: named in the warnings
            patient = patient_key(resource, full_url) if kind == "Patient" else patient_of(resource, full_urls)
            if patient is not NOT_A_PATIENT and not (patient is None and kind in _CONTEXT_TYPES):
                groups.setdefault(patient, []).append(Located(resource, where))
    unattributed = groups.pop(None, [])
    read_as_theirs: list[Located] = []  # naming no patient, read as the only patient's
    if len(groups) == 1 and unattributed:
        ((patient, located),) = groups.items()
        someone_else = [names_someone_else(one.resource, located) for one in unattributed]
        read_as_theirs = [one for one, elsewhere in zip(unattributed, someone_else, strict=True) if not elsewhere]
        unattributed = [one for one, elsewhere in zip(unattributed, someone_else, strict=True) if elsewhere]
        groups[patient] = [*located, *read_as_theirs]
    said = (*skipped, *bundle_notes(bundle, resources))
    apart = _patients_not_in_bundle(groups)
    records: list[Any] = [
        PatientResources(patient, (*located, *referenced_medications(located, medications)), tuple(read_as_theirs), (*said, *apart.get(patient, ())))
        for patient, located in groups.items()
    ]
    # Naming no patient, among several (or none): each one its own (invalid) record.
    records += [PatientResources(None, (one,)) for one in unattributed]
    return records or [bundle]




def _patients_not_in_bundle(groups: Mapping[str | None, list[Located]]) -> dict[str | None, tuple[str, ...]]:
    """What the warnings say when resources of a Bundle that has Patient resources name a patient
    it does not hold (``Patient/nobody``): they are screened as a record of their own, since
    whose they are cannot be told, and both that record and each Patient's say so, so that
    neither is taken for the whole of a person's data."""
    held = [patient for patient, located in groups.items() if any(one.resource.get("resourceType") == "Patient" for one in located)]
    missing = {patient: located for patient, located in groups.items() if patient not in held}
    if not held or not missing:
        return {}
    patients = ", ".join(f"Patient/{patient}" for patient in held[:3]) + (" and more" if len(held) > 3 else "")
    said: dict[str | None, tuple[str, ...]] = {}
    for patient, located in missing.items():
        said[patient] = (
            f"the resources of this record ({_first_places(located)}) name Patient/{patient}, which is not in their Bundle (it holds "
            f"{patients}): they were screened as a person of their own, without the age and sex a Patient resource gives; "
            "if they are one of the Bundle's patients, their references are wrong",
        )
    others = "; ".join(f"{len(located)} name Patient/{patient} ({_first_places(located)})" for patient, located in missing.items())
    for patient in held:
        said[patient] = (
            f"resources of this Bundle name a patient it does not hold ({others}): they were screened as a separate record, "
            "not as this patient's; if they are this patient's, their references are wrong",
        )
    return said


def _first_places(located: list[Located]) -> str:
    return ", ".join(one.where for one in located[:3]) + (f" and {len(located) - 3} more" if len(located) > 3 else "")


@dataclass
class BulkDataPool:
    """Bulk-data resources (one per line, any file) held until every input is read."""

    patients: dict[str | None, list[tuple[Mapping[str, Any], str, int]]] = field(default_factory=dict)
    medications: list[tuple[Mapping[str, Any], str, int]] = field(default_factory=list)

    def add(self, resource: Mapping[str, Any], source: str, position: int) -> None:
        if resource.get("resourceType") == "Medication":
            self.medications.append((resource, source, position))
            return
        patient = patient_of(resource, {})
        if patient is not NOT_A_PATIENT and not (patient is None and resource.get("resourceType") in _CONTEXT_TYPES):
            self.patients.setdefault(patient, []).append((resource, source, position))

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
                    formed.append(((sources[source], position), source, position, PatientResources(None, (Located(resource, _where(source, position)),))))
                continue
            anchor = next(((s, p) for r, s, p in held if r.get("resourceType") == "Patient"), (held[0][1], held[0][2]))
            located = [Located(r, "$" if (s, p) == anchor else _where(s, p)) for r, s, p in held]
            record = PatientResources(patient, (*located, *referenced_medications(located, medications)))
            formed.append(((sources[anchor[0]], anchor[1]), anchor[0], anchor[1], record))
        for _, source, position, record in sorted(formed, key=lambda one: one[0]):
            yield source, position, record


def _where(source: str, position: int) -> str:
    return f"{os.path.basename(source)} record {position}: $"


# -- converting: a record into answers ----------------------------------------------------------


def convert(value: Any, screener: Screener) -> Conversion:
    """The answers a FHIR record gives (or what stops it), with the screener's rules and date."""
    context = fhir_context(screener.ruleset)
    as_of = AsOf.given(screener.as_of)
    if isinstance(value, PatientResources):
        out = patient_to_answers(value.resources, context, as_of, value.patient)
        for located in value.unattributed:
            out.note(
                f"{naming(located.resource)} names no patient by reference ({child(located.where, 'subject')}): "
                f"read as Patient/{value.patient}'s, the only patient in its Bundle"
            )
        for note in value.notes:
            out.note(note)
        return out
    if isinstance(value, Located):
        return _convert_resource(value.resource, value.where, screener)
    return _convert_resource(value, "$", screener)


def _convert_resource(resource: Mapping[str, Any], where: str, screener: Screener) -> Conversion:
    kind = resource.get("resourceType")
    if kind == RESPONSE:
        return response_to_answers(resource, fhir_context(screener.ruleset), where)
    out = Conversion()
    if kind in EHR_TYPES:
        patient = patient_of(resource, {})
        if patient is NOT_A_PATIENT:
            out.problem(child(child(where, "subject"), "reference"), f"this {kind} is about {resource['subject']['reference']}, not a patient")
            return out
        return convert(PatientResources(patient, (Located(resource, where),)), screener)
    if kind == "Bundle":
        records = bundle_records(resource)
        if len(records) == 1 and records[0] is not resource:
            return convert(records[0], screener)
        if len(records) > 1:
            out.problem(where, f"this Bundle holds {len(records)} records (responses or patients): read it with `mgk-screen batch`")
        else:
            out.problem(child(where, "entry"), "this Bundle holds no QuestionnaireResponse and no patient data (Patient, Observation, Condition, MedicationStatement, MedicationRequest)")
        return out
    if kind is not None and not isinstance(kind, str):
        out.problem(child(where, "resourceType"), no_fhir_type(kind))
        return out
    known = "" if kind in FHIR_RESOURCE_TYPES else did_you_mean(str(kind), READ_TYPES)
    out.problem(
        child(where, "resourceType"),
        f"mgk-screen does not read a resource of type {kind!r}{known} on its own: "
        f"give QuestionnaireResponses, or patient data ({', '.join(PATIENT_DATA)}), alone or in a Bundle",
    )
    return out


def check_fhir_record(screener: Screener, value: Any) -> tuple[Answers | None, list[Problem]]:
    """``Screener.check`` for a FHIR record: converted, then validated as any answers are."""
    conversion = convert(value, screener)
    if conversion.problems:
        return None, conversion.problems
    answers, problems = screener.check(conversion.answers)
    return answers, conversion.locate(problems)


def fhir_answers(screener: Screener, value: Any) -> dict[str, Any]:
    """The answers one person's FHIR record gives (a QuestionnaireResponse, or a patient's
    resources), read as ``Screener.check`` reads them, for what needs the answers themselves
    (`explain`, the person report). Raises ``InvalidAnswers`` naming places in the FHIR input."""
    conversion = convert(value, screener)
    problems = conversion.problems
    if not problems:
        _, found = screener.check(conversion.answers)
        problems = conversion.locate(found)
    if problems:
        raise InvalidAnswers(problems)
    return dict(conversion.answers)


def screen_fhir_entry(
    screener: Screener, value: Any, *, source: str | None, position: int, detail: Detail = "full"
) -> dict[str, Any]:
    """``Screener.screen_entry`` for a FHIR record: the result entry, or the invalid-record entry
    with paths into the FHIR input."""
    conversion = convert(value, screener)
    entry, problems = screened_conversion(
        conversion, lambda answers: screener.screen_entry(answers, source=source, position=position, detail=detail)
    )
    if entry is None:
        return invalid_entry({"id": conversion.record_id}, problems, source=source, position=position)
    return FhirResultEntry(entry, conversion.subject, conversion.basis)


def screened_conversion(
    conversion: Conversion, screen: Callable[[dict[str, Any]], dict[str, Any]]
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The result entry of the answers read from FHIR (``screen``: answers to an entry), with the
    warnings reading them gave (a result not used, a medicine with no name); or the problems that
    stop it, with their places in the FHIR input."""
    if conversion.problems:
        return None, conversion.problems
    entry = screen(conversion.answers)
    if entry.get("status") == "invalid":
        return None, conversion.locate([Problem(error["path"], error["message"]) for error in entry["errors"]])
    entry["warnings"] = [*said_of_nameless(entry.get("warnings", []), conversion.nameless_medicines), *conversion.notes]
    return entry, []


def fhir_result_and_answers(screener: Screener, value: Any) -> tuple[ScreeningResult, dict[str, Any]]:
    """The explained result of a FHIR record, with the warnings reading it gave, and the answers
    it gave (for the person report), from one reading. Raises ``InvalidAnswers`` naming places
    in the FHIR input."""
    conversion = convert(value, screener)
    entry, problems = screened_conversion(conversion, screener.screen_entry)
    if entry is None:
        raise InvalidAnswers(problems)
    return ScreeningResult.model_validate(entry), dict(conversion.answers)


def screen_fhir_record(screener: Screener, value: Any) -> ScreeningResult:
    """``Screener.screen`` for a FHIR record: the explained result, with the warnings that reading
    the record gave (a result not used, a medicine with no name). Raises ``InvalidAnswers``
    naming places in the FHIR input."""
    return fhir_result_and_answers(screener, value)[0]


def screen_record(screener: Screener, value: Any) -> ScreeningResult:
    """``Screener.screen`` for any record read from a file: answers, or FHIR (converted first)."""
    return screen_fhir_record(screener, value) if is_fhir(value) else screener.screen(value)


# -- any record: answers, or FHIR ----------------------------------------------------------------


def check_record(screener: Screener, value: Any) -> tuple[Answers | None, list[Problem]]:
    """``Screener.check`` for any record read from a file: answers, or FHIR (converted first)."""
    return check_fhir_record(screener, value) if is_fhir(value) else screener.check(value)


def screen_record_entry(
    screener: Screener, value: Any, *, source: str | None = None, position: int = 1, detail: Detail = "full"
) -> dict[str, Any]:
    """``Screener.screen_entry`` for any record read from a file: answers, or FHIR."""
    if is_fhir(value):
        return screen_fhir_entry(screener, value, source=source, position=position, detail=detail)
    return screener.screen_entry(value, source=source, position=position, detail=detail)


def record_answers(screener: Screener, value: Any) -> Any:
    """The answers a record gives: FHIR converted (``fhir_answers``), anything else as it is."""
    return fhir_answers(screener, value) if is_fhir(value) else value
