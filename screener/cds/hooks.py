"""CDS Hooks (2.0): the services an EHR discovers, reading a hook call, and the patient's record
it gives, from the prefetch, the EHR's FHIR server or the orders being placed.

- ``services(context)``: the two services, ``patient-view`` and ``order-select``, each with its
  prefetch templates (the codes and statuses asked for come from ``rules/fhir.json``);
- ``read_call(service, body)``: a hook request checked (every problem with its JSON path), or a
  ``HookError`` (400); a prefetched Patient, or an access token restricted to a patient
  (``fhirAuthorization.patient``), that is not the call's patient is refused (screening another
  person's record is the worst mistake a screen can make);
- ``gather(call, context, ...)``: the patient's resources: each prefetch key given is used (null:
  the EHR has no data for it), one missing (or an OperationOutcome: the EHR could not prefetch
  it) is read from ``fhirServer``. Without a ``fhirServer`` to read them from, a missing key is a
  ``HookError`` (412, as the spec says: the screen needs every key), except ``pregnancyStatus``
  (added later: ``OPTIONAL_KEYS``), whose absence the card names instead. A search whose later pages
  cannot be read keeps the pages read, and the card and the result's warnings say it was cut
  short; what could not be read at all is noted for the card, and when nothing could be read
  the answer is 412;
Screening the record is ``screener.cds.screening``, the cards are built in ``screener.cds.cards``; the HTTP side is
``screener.web.cds``. Nothing here logs, and nothing here decides anything clinical: the rules do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from screener.contract.validation import Problem
from screener.fhir.client import FetchError, FhirServer, Found, base_url_problem, next_link
from screener.fhir.ehr import Located, no_fhir_type
from screener.fhir.mapping import FhirContext
from screener.fhir.medicines import named_medicine
from screener.fhir.patient_references import NOT_A_PATIENT, patient_of
from screener.fhir.records import EHR_TYPES
from screener.fhir.resource_types import FHIR_RESOURCE_TYPES

PATIENT_VIEW = "patient-view"
ORDER_SELECT = "order-select"
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_TOKEN = "{{context.patientId}}"
_MEDICATION_REFERENCE = re.compile(r"^Medication/[A-Za-z0-9\-.]{1,64}$")


@dataclass(frozen=True)
class Service:
    """One CDS Service as discovery describes it."""

    id: str
    hook: str
    title: str
    description: str
    prefetch: Mapping[str, str]

    def discovery(self) -> dict[str, Any]:
        return {"hook": self.hook, "title": self.title, "description": self.description, "id": self.id, "prefetch": dict(self.prefetch)}


#: A prefetch key added after the first services were published: an EHR registered with the
#: services before it may not send it, and its absence, with no fhirServer to read it from, is
#: said on the card rather than refused (412), since the screen stands without it (the pregnancy
#: question is then named as not answered).
OPTIONAL_KEYS = ("pregnancyStatus",)


def prefetch_templates(context: FhirContext) -> dict[str, str]:
    """What every service asks the EHR to prefetch: the patient, their current medicines, their
    potassium and magnesium results (every LOINC code the mapping reads), their conditions and
    their pregnancy status Observations (the codes of ``pregnancy`` in the mapping; a Condition of
    pregnancy comes with the conditions)."""
    mapping = context.mapping
    labs = ",".join(f"{coding['system']}|{coding['code']}" for lab in mapping.labs for coding in mapping.lab_codes_read(lab))
    pregnancy = ",".join(f"{coding['system']}|{coding['code']}" for coding in mapping.pregnancy["codes"])
    current = {kind: ",".join(sorted(statuses)) for kind, statuses in mapping.current_statuses.items()}
    return {
        "patient": f"Patient/{_TOKEN}",
        "medicationRequests": f"MedicationRequest?patient={_TOKEN}&status={current['MedicationRequest']}",
        "medicationStatements": f"MedicationStatement?patient={_TOKEN}&status={current['MedicationStatement']}",
        # Newest first, so that a search cut short (too many pages) keeps the recent results; a
        # server that ignores _sort is read the same way (the most recent result is still chosen by date).
        "labResults": f"Observation?patient={_TOKEN}&code={labs}&_sort=-date",
        "conditions": f"Condition?patient={_TOKEN}",
        # Newest first too: the newest pregnancy status decides.
        "pregnancyStatus": f"Observation?patient={_TOKEN}&code={pregnancy}&_sort=-date",
    }


def services(context: FhirContext) -> dict[str, Service]:
    """The CDS Services of this server, by id."""
    templates = prefetch_templates(context)
    described = (
        Service(
            PATIENT_VIEW,
            PATIENT_VIEW,
            "Magnesium and potassium depletion screen",
            "When a patient's chart is opened: screens the record (age, sex, current medicines, potassium and magnesium "
            "results, conditions, pregnancy status) for combined magnesium and potassium depletion, says how soon to act and why, and "
            "suggests a magnesium test when the rules find magnesium depletion possible or likely. A screen, not a diagnosis.",
            templates,
        ),
        Service(
            ORDER_SELECT,
            ORDER_SELECT,
            "Magnesium and potassium depletion screen for the orders being placed",
            "When medicines are ordered: screens the record with the medicines being ordered counted as taken, so a new "
            "diuretic or a medicine that affects the heart's rhythm can raise the screen, and says what the order changes. "
            "A screen, not a diagnosis.",
            templates,
        ),
    )
    return {service.id: service for service in described}


class HookError(Exception):
    """A hook call that cannot be answered with cards: the HTTP status, an error code, a sentence,
    and the problems with their JSON paths."""

    def __init__(self, status: int, error: str, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.problems = list(problems)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.error, "message": self.message}
        if self.problems:
            body["errors"] = [problem.as_dict() for problem in self.problems]
        return body


@dataclass(frozen=True)
class HookCall:
    """A hook request, checked."""

    service: Service
    hook_instance: str
    patient_id: str
    prefetch: Mapping[str, Any]
    fhir_server: str | None = None
    access_token: str | None = None
    draft_orders: Mapping[str, Any] | None = None
    selections: tuple[str, ...] = ()

    def query(self, key: str) -> str:
        """A prefetch template of this service with its token filled in (the id is a checked FHIR id)."""
        return self.service.prefetch[key].replace(_TOKEN, self.patient_id)


def read_call(service: Service, body: Any) -> HookCall:
    """The hook call a request body makes, or a ``HookError`` (400) naming every problem."""
    if not isinstance(body, dict):
        raise HookError(400, "invalid_request", "a CDS Hooks request is a JSON object", [Problem("$", "expected an object")])
    problems: list[Problem] = []

    def text(value: Any, path: str) -> str | None:
        if isinstance(value, str) and value:
            return value
        problems.append(Problem(path, "required: a non-empty string" if value is None else "expected a non-empty string"))
        return None

    hook = text(body.get("hook"), "$.hook")
    if hook is not None and hook != service.hook:
        problems.append(Problem("$.hook", f"this service ({service.id}) answers the {service.hook} hook, not {hook!r}"))
    hook_instance = text(body.get("hookInstance"), "$.hookInstance")
    context = body.get("context")
    patient_id = None
    if not isinstance(context, dict):
        problems.append(Problem("$.context", "required: an object"))
        context = {}
    else:
        patient_id = text(context.get("patientId"), "$.context.patientId")
        if patient_id is not None and not _FHIR_ID.match(patient_id):
            problems.append(Problem("$.context.patientId", "not a FHIR id (1 to 64 letters, digits, '-' and '.')"))
    prefetch = _prefetch(body.get("prefetch"), service, problems)
    _same_patient(prefetch, patient_id, problems)
    server, token = _server(body, problems)
    _token_patient(body.get("fhirAuthorization"), patient_id, problems)
    orders, selections = _orders(context, service, problems)
    if problems:
        raise HookError(400, "invalid_request", f"the request to {service.id} is not a valid CDS Hooks call", problems)
    assert hook_instance is not None and patient_id is not None
    return HookCall(service, hook_instance, patient_id, prefetch, server, token, orders, selections)


def _prefetch(value: Any, service: Service, problems: list[Problem]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem("$.prefetch", "expected an object: the prefetch keys of the service and their resources"))
        return {}
    for key, item in value.items():
        if key in service.prefetch and item is not None and not (isinstance(item, dict) and isinstance(item.get("resourceType"), str)):
            problems.append(Problem(f"$.prefetch.{key}", "expected a FHIR resource (an object with a resourceType) or null"))
    return {key: item for key, item in value.items() if key in service.prefetch}


def _same_patient(prefetch: Mapping[str, Any], patient_id: str | None, problems: list[Problem]) -> None:
    """A prefetched Patient must be the patient of the call: screening another person's record
    would put their result on this chart."""
    patient = prefetch.get("patient")
    if patient_id is None or not isinstance(patient, dict) or patient.get("resourceType") != "Patient":
        return
    if patient.get("id") != patient_id:
        problems.append(
            Problem("$.prefetch.patient.id", f"the prefetched Patient is {patient.get('id')!r}, not the patient of the call ({patient_id!r}): not screened")
        )


def _server(body: Mapping[str, Any], problems: list[Problem]) -> tuple[str | None, str | None]:
    server = body.get("fhirServer")
    authorization = body.get("fhirAuthorization")
    if server is not None:
        problem = base_url_problem(server) if isinstance(server, str) else "expected a URL"
        if problem:
            problems.append(Problem("$.fhirServer", problem))
            server = None
    if authorization is None:
        return server, None
    if body.get("fhirServer") is None:
        problems.append(Problem("$.fhirServer", "required when fhirAuthorization is given"))
    if not isinstance(authorization, dict):
        problems.append(Problem("$.fhirAuthorization", "expected an object with an access_token"))
        return server, None
    token = authorization.get("access_token")
    if not isinstance(token, str) or not token:
        problems.append(Problem("$.fhirAuthorization.access_token", "required: a non-empty string"))
        token = None
    kind = authorization.get("token_type")
    if not isinstance(kind, str) or kind.lower() != "bearer":
        problems.append(Problem("$.fhirAuthorization.token_type", "expected 'Bearer'"))
    return server, token


def _token_patient(authorization: Any, patient_id: str | None, problems: list[Problem]) -> None:
    """An access token restricted to one patient (``fhirAuthorization.patient``, for SMART patient
    scopes) must be for the patient of the call: the record read with it would be another
    person's, or nothing at all."""
    patient = authorization.get("patient") if isinstance(authorization, dict) else None
    if patient is None or patient_id is None:
        return
    if patient != patient_id:
        problems.append(
            Problem("$.fhirAuthorization.patient", f"the access token is for patient {patient!r}, not the patient of the call ({patient_id!r}): not screened")
        )


def _orders(context: Mapping[str, Any], service: Service, problems: list[Problem]) -> tuple[Mapping[str, Any] | None, tuple[str, ...]]:
    if service.hook != ORDER_SELECT:
        return None, ()
    orders = context.get("draftOrders")
    if not (isinstance(orders, dict) and orders.get("resourceType") == "Bundle"):
        problems.append(Problem("$.context.draftOrders", "required for order-select: a Bundle of the orders being placed"))
        orders = None
    selections = context.get("selections", [])
    if not isinstance(selections, list) or not all(isinstance(one, str) and one for one in selections):
        problems.append(Problem("$.context.selections", "expected an array of references to draft orders ('MedicationRequest/123')"))
        selections = []
    return orders, tuple(selections)


# -- the patient's record -----------------------------------------------------------------------


@dataclass
class Record:
    """The patient's resources for one hook call, and what could not be read."""

    patient_id: str
    resources: list[Located] = field(default_factory=list)
    """Resources from the record (Patient, medicines, results, conditions, Medications)."""
    orders: list[Located] = field(default_factory=list)
    """order-select: the medicines being ordered, read as medicines the person is about to take."""
    selected: list[Located] = field(default_factory=list)
    """Of ``orders``, those just selected (all of them when the call names none)."""
    test_ordered: bool = False
    """A test the cards would suggest is already among the orders being placed."""
    read: list[str] = field(default_factory=list)
    """The prefetch keys read (from the prefetch or the FHIR server)."""
    notes: list[str] = field(default_factory=list)
    """What could not be read, or was left out, in words for the card."""
    no_data: list[str] = field(default_factory=list)
    """Prefetch keys the EHR sent as null: CDS Hooks' "no data to populate" that template."""
    cut_short: list[str] = field(default_factory=list)
    """Searches read only in part (their later pages could not be read), in words for the card and
    the result's warnings."""


def gather(call: HookCall, context: FhirContext, server: Callable[[], FhirServer] | None) -> Record:
    """The patient's record for a call. ``server`` opens the EHR's FHIR server (None when the call
    gives no ``fhirServer``). Raises ``HookError`` (412) when a prefetch key is missing and there
    is no server to read it from, or when no key could be read at all."""
    if server is None:
        _refuse_missing_keys(call)
    record = Record(call.patient_id)
    opened: FhirServer | None = None

    def fhir() -> FhirServer | None:
        nonlocal opened
        if opened is None and server is not None:
            opened = server()
        return opened

    others = 0
    for key in call.service.prefetch:
        found = _read_key(call, key, fhir, record)
        if found is None:
            continue
        record.read.append(key)
        for resource, where in found:
            kind = resource.get("resourceType")
            if kind not in EHR_TYPES:
                continue  # a search's OperationOutcome, an _include'd resource we do not read
            owner = patient_of(resource, {}) if kind != "Medication" else None
            if owner is NOT_A_PATIENT:
                continue  # about a device, a group, a location: not the patient's record
            if owner not in (call.patient_id, None):
                others += 1
                continue
            record.resources.append(Located(resource, where))
    if others:
        record.notes.append(f"{others} resource{'s' if others != 1 else ''} about another patient left out")
    if record.read:
        _read_medications(record, fhir)
    if not record.read:
        raise HookError(412, "precondition_failed", "the patient's record could not be read: " + "; ".join(record.notes))
    if call.draft_orders is not None:
        _read_orders(call, context, record)
    return record


def _refuse_missing_keys(call: HookCall) -> None:
    """The spec (Prefetch): a service that cannot get the data it needs, because a prefetch key is
    missing and there is no FHIR server to read it from, SHALL answer 412. Every key is needed: a
    screen without the medicines, the results or the conditions would read as lower than it is.
    A key given as null is an answer (the EHR has no data for it)."""
    needed = [key for key in call.service.prefetch if key not in OPTIONAL_KEYS]
    absent = [key for key in needed if key not in call.prefetch]
    failed = [key for key in needed if _is_outcome(call.prefetch.get(key))]
    if not absent and not failed:
        return
    if len(absent) == len(needed):
        raise HookError(412, "precondition_failed", f"no prefetched data ({', '.join(absent)}) and no fhirServer to read it from: nothing to screen")
    parts = [f"not prefetched: {', '.join(absent)}"] if absent else []
    parts += [f"the EHR could not prefetch (an OperationOutcome): {', '.join(failed)}"] if failed else []
    problems = [Problem(f"$.prefetch.{key}", "missing, and no fhirServer to read it from") for key in absent]
    problems += [Problem(f"$.prefetch.{key}", "an OperationOutcome (the EHR could not prefetch it), and no fhirServer to read it from") for key in failed]
    message = (
        f"{'; '.join(parts)}; and no fhirServer to read {'them' if len(absent) + len(failed) > 1 else 'it'} from. "
        "The screen needs every prefetch key (null when the EHR has no data for one): a screen without them would read lower than it is"
    )
    raise HookError(412, "precondition_failed", message, problems)


def _is_outcome(value: Any) -> bool:
    return isinstance(value, dict) and value.get("resourceType") == "OperationOutcome"


def _read_key(call: HookCall, key: str, fhir: Callable[[], FhirServer | None], record: Record) -> list[tuple[Any, str]] | None:
    """The resources one prefetch key gives, with where each is; None when it could not be read."""
    given = call.prefetch.get(key, ...)
    if given is None:
        # CDS Hooks 2.0 (Prefetch): null is what the EHR sends when it has no data for the
        # template, in place of a searchset with no entries. Read as that empty search result
        # (nothing counted from it), and said on the card as what the EHR said.
        record.no_data.append(key)
        return []
    if key in OPTIONAL_KEYS and call.fhir_server is None and (given is ... or _is_outcome(given)):
        record.notes.append(f"{key} was not prefetched and there is no fhirServer to read it from: not read")
        return None
    if isinstance(given, dict) and not _is_outcome(given):
        found = list(_resources_of(given, f"$.prefetch.{key}"))
        more = next_link(given) if given.get("resourceType") == "Bundle" else None
        if more is not None:
            found += _later_pages(key, more, fhir(), record)
        return found
    server = fhir()
    assert server is not None, "without a FHIR server, a key not prefetched is refused first (_refuse_missing_keys)"
    try:
        read = server.search(call.query(key), key)
    except FetchError as error:
        record.notes.append(str(error))
        return None
    _note_cut_short(record, key, read)
    return [(resource, f"FHIR server, {key}: {where}") for resource, where in read.resources]


def _later_pages(key: str, link: str, server: FhirServer | None, record: Record) -> list[tuple[Any, str]]:
    """The pages after a prefetched first page, read from the FHIR server."""
    if server is None:
        record.cut_short.append(
            f"the {key} search was cut short after its first page, because the EHR prefetched one page and there is no "
            "fhirServer to read the rest from: what the later pages hold is not counted, so a lower level is not reassurance"
        )
        return []
    try:
        read = server.search(link, key, pages_before=1)
    except FetchError as error:
        read = Found([], 1, error.reason)
    _note_cut_short(record, key, read)
    return [(resource, f"FHIR server, {key}: {where}") for resource, where in read.resources]


def _note_cut_short(record: Record, key: str, read: Found) -> None:
    if read.cut_short is None:
        return
    pages = "its first page" if read.pages == 1 else f"{read.pages} pages"
    record.cut_short.append(
        f"the {key} search was cut short after {pages}, because {read.cut_short}: what the later pages hold is not counted, "
        "so a lower level is not reassurance"
    )


def _read_medications(record: Record, fhir: Callable[[], FhirServer | None]) -> None:
    """The Medication resources the medicines name by reference (``medicationReference``) and the
    prefetch did not hold, read from the FHIR server when there is one (without them a medicine
    named only by that reference cannot be recognised, and the result says so)."""
    held = {f"Medication/{r.resource.get('id')}" for r in record.resources if r.resource.get("resourceType") == "Medication"}
    wanted = []
    for located in record.resources:
        reference = located.resource.get("medicationReference")
        target = reference.get("reference") if isinstance(reference, dict) else None
        if isinstance(target, str) and _MEDICATION_REFERENCE.match(target) and target not in held:
            wanted.append(target)
    server = fhir() if wanted else None
    for target in dict.fromkeys(wanted):
        if server is None:
            break
        try:
            read = server.search(target, target)
            record.resources += [Located(resource, f"FHIR server, {target}: {where}") for resource, where in read.resources]
        except FetchError as error:
            record.notes.append(str(error))


def _resources_of(value: Mapping[str, Any], where: str) -> Iterable[tuple[Mapping[str, Any], str]]:
    if value.get("resourceType") != "Bundle":
        yield value, where
        return
    entries = value.get("entry")
    for index, entry in enumerate(entries if isinstance(entries, list) else ()):
        if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
            yield entry["resource"], f"{where}.entry[{index}].resource"


def _read_orders(call: HookCall, context: FhirContext, record: Record) -> None:
    """order-select: the draft medicine orders, read as medicines the person is about to take."""
    assert call.draft_orders is not None
    spec = context.mapping.cds_hooks
    draft = set(spec["draft_order_statuses"])
    current = sorted(context.mapping.current_statuses["MedicationRequest"])[0]
    test_codes = {(coding["system"], coding["code"]) for coding in context.mapping.lab_codes_read(spec["suggest_test"]["lab"])}
    for resource, where in _resources_of(call.draft_orders, "$.context.draftOrders"):
        kind = resource.get("resourceType")
        if kind == "Medication":
            record.resources.append(Located(resource, where))
        elif kind not in FHIR_RESOURCE_TYPES:
            # DSTU2's MedicationOrder, which the CDS Hooks sandbox sends when its FHIR server is
            # DSTU2 (its default): named, so that the card does not pass over the order in silence.
            record.notes.append(f"an order being placed ({where}): {no_fhir_type(kind)}: not read")
        elif kind == "ServiceRequest" and _codes(resource.get("code")) & test_codes:
            record.test_ordered = True
        elif kind == "MedicationRequest" and isinstance(resource.get("status"), str) and resource["status"] in draft:
            if patient_of(resource, {}) not in (call.patient_id, None):
                record.notes.append("an order being placed names another patient: left out")
                continue
            if named_medicine(resource, where, (), context) is None:
                # An order still being filled in (the CDS Hooks sandbox calls as soon as the order
                # form opens, before a medicine is chosen): nothing to count yet, and no reason to
                # refuse the screen of the record.
                record.notes.append(f"an order being placed names no medicine yet ({where}): not counted")
                continue
            # The order is not signed yet: what it orders is about to be taken, from today. Read as
            # a current one with no date of its own (so a screen as of an earlier day keeps it).
            order = {name: value for name, value in resource.items() if name != "authoredOn"} | {"status": current}
            located = Located(order, where)
            record.orders.append(located)
            if not call.selections or f"MedicationRequest/{resource.get('id')}" in call.selections:
                record.selected.append(located)


def _codes(concept: Any) -> set[tuple[Any, Any]]:
    codings = concept.get("coding") if isinstance(concept, dict) else None
    return {(c.get("system"), c.get("code")) for c in codings if isinstance(c, dict)} if isinstance(codings, list) else set()
