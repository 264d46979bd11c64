"""Gathering the patient's record for a hook call: ``gather(call, context, server)``.

Each prefetch key given is used (null: the EHR has no data for it); one missing (or an
OperationOutcome: the EHR could not prefetch it) is read from ``fhirServer``. Without a
``fhirServer`` to read them from, a missing key is a ``HookError`` (412, as the spec says: the
screen needs every key), except ``pregnancyStatus`` (added later: ``OPTIONAL_KEYS``), whose
absence the card names instead. A search whose later pages cannot be read keeps the pages read,
and the card and the result's warnings say it was cut short; what could not be read at all is
noted for the card, and when nothing could be read the answer is 412. The Medications the
medicines name by reference are read from the server too, and for ``order-select`` the orders
being placed (``screener.cds.orders``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from screener.cds.calls import HookCall
from screener.cds.errors import HookError
from screener.cds.orders import read_orders
from screener.cds.record import Record, located_in
from screener.cds.services import OPTIONAL_KEYS
from screener.contract.validation import Problem
from screener.fhir.client import FetchError, FhirServer, Found, next_link
from screener.fhir.ehr import Located
from screener.fhir.elements import without_version
from screener.fhir.mapping import FhirContext
from screener.fhir.patient_references import NOT_A_PATIENT, medication_references, patient_of
from screener.fhir.records import EHR_TYPES

_MEDICATION_REFERENCE = re.compile(r"^Medication/[A-Za-z0-9\-.]{1,64}$")


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

    fetched = _fetch_missing_keys(call, fhir)
    others = 0
    for key in call.service.prefetch:
        found = _read_key(call, key, fhir, record, fetched)
        if found is None:
            continue
        record.read.append(key)
        for resource, where, full_url in found:
            kind = resource.get("resourceType")
            if kind not in EHR_TYPES:
                continue  # a search's OperationOutcome, an _include'd resource we do not read
            owner = patient_of(resource, {}) if kind != "Medication" else None
            if owner is NOT_A_PATIENT:
                continue  # about a device, a group, a location: not the patient's record
            if owner not in (call.patient_id, None):
                others += 1
                continue
            # With its entry's fullUrl, by which a prefetched medicine may name its Medication
            # (``urn:uuid:...``, as in a transaction Bundle).
            record.resources.append(Located(resource, where, full_url))
    if others:
        record.notes.append(f"{others} resource{'s' if others != 1 else ''} about another patient left out")
    if record.read:
        _read_medications(record, fhir)
    if not record.read:
        raise HookError(412, "precondition_failed", "the patient's record could not be read: " + "; ".join(record.notes))
    if call.draft_orders is not None:
        read_orders(call, context, record)
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


def _fetch_missing_keys(call: HookCall, fhir: Callable[[], FhirServer | None]) -> dict[str, Found | FetchError]:
    """The searches of the prefetch keys the call did not prefetch, read from the FHIR server all
    at once (one thread each), within the call's one overall deadline (``FetchLimits``): a slow
    server costs the call that deadline once, not once per key."""
    missing = [key for key in call.service.prefetch if key not in call.prefetch or _is_outcome(call.prefetch[key])]
    if not missing or call.fhir_server is None:
        return {}
    server = fhir()
    if server is None:
        return {}

    def search(key: str) -> Found | FetchError:
        try:
            return server.search(call.query(key), key)
        except FetchError as error:
            # Kept past this thread: without its traceback, which holds the failed connection.
            error.__context__ = None
            return error.with_traceback(None)

    with ThreadPoolExecutor(max_workers=len(missing), thread_name_prefix="fhir-read") as pool:
        return dict(zip(missing, pool.map(search, missing), strict=True))


def _read_key(
    call: HookCall, key: str, fhir: Callable[[], FhirServer | None], record: Record, fetched: Mapping[str, Found | FetchError]
) -> list[tuple[Any, str, str | None]] | None:
    """The resources one prefetch key gives, with where each is and its entry's ``fullUrl`` (None
    when it has none); None when the key could not be read."""
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
        found = list(located_in(given, f"$.prefetch.{key}"))
        more = next_link(given) if given.get("resourceType") == "Bundle" else None
        if more is not None:
            found += _later_pages(key, more, fhir(), record)
        return found
    assert key in fetched, "without a FHIR server, a key not prefetched is refused first (_refuse_missing_keys)"
    read = fetched[key]
    if isinstance(read, FetchError):
        record.notes.append(str(read))
        record.failed[key] = read.reason
        return None
    _note_cut_short(record, key, read)
    return [(resource, f"FHIR server, {key}: {where}", None) for resource, where in read.resources]


def _later_pages(key: str, link: str, server: FhirServer | None, record: Record) -> list[tuple[Any, str, str | None]]:
    """The pages after a prefetched first page, read from the FHIR server."""
    if server is None:
        record.cut_short_keys.append(key)
        record.cut_short.append(
            f"the {key} search was cut short after its first page, because the EHR prefetched one page and there is no "
            "fhirServer to read the rest from: what the later pages hold is not counted, so a lower screening level (possible or unlikely) does not rule out low magnesium or potassium"
        )
        return []
    try:
        read = server.search(server.resolved(link), key, pages_before=1)
    except FetchError as error:
        read = Found([], 1, error.reason)
    _note_cut_short(record, key, read)
    return [(resource, f"FHIR server, {key}: {where}", None) for resource, where in read.resources]


def _note_cut_short(record: Record, key: str, read: Found) -> None:
    if read.cut_short is None:
        return
    pages = "its first page" if read.pages == 1 else f"{read.pages} pages"
    record.cut_short_keys.append(key)
    record.cut_short.append(
        f"the {key} search was cut short after {pages}, because {read.cut_short}: what the later pages hold is not counted, "
        "so a lower screening level (possible or unlikely) does not rule out low magnesium or potassium"
    )


def _read_medications(record: Record, fhir: Callable[[], FhirServer | None]) -> None:
    """The Medication resources the medicines name by reference (``medicationReference``) and the
    prefetch did not hold, read from the FHIR server when there is one (without them a medicine
    named only by that reference cannot be recognised, and the result says so)."""
    held = {f"Medication/{r.resource.get('id')}" for r in record.resources if r.resource.get("resourceType") == "Medication"}
    wanted = []
    for located in record.resources:
        for named in medication_references(located.resource):
            # A version-specific reference (Medication/m9/_history/1) is read as the Medication it names.
            target = without_version(named)
            if _MEDICATION_REFERENCE.match(target) and target not in held:
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
            record.failed[target] = error.reason

