"""Reading the elements every FHIR resource shares: status codes, codings, dates and references,
as real records write them (R4, with what older exports and EHRs also send).

Nothing here knows what a code means: that is ``rules/fhir.json`` (``screener.fhir.mapping``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")

# Where a resource says when its fact happened, in order of preference: the clinically relevant
# time (effective, onset, authored, recorded, asserted) before the time it was reported (issued).
_WHEN = (
    "effectiveDateTime",
    "effectiveInstant",
    "effectivePeriod",
    "onsetDateTime",
    "onsetPeriod",
    "authoredOn",
    "recordedDate",
    "dateAsserted",
    "issued",
)


def status(resource: Mapping[str, Any]) -> str | None:
    """A resource's status code (surrounding spaces dropped, as some EHRs send them); anything but
    a string (a list, an object) is no status we know."""
    return code_of(resource, "status")


def typed(resource: Mapping[str, Any], key: str) -> Any:
    """An element of a resource as the JSON type FHIR gives it (``ELEMENT_TYPES``); None when it
    is absent, null (which FHIR's JSON does not allow) or of another type (a list where a code
    belongs): whatever JSON holds there, the readers never meet a type they do not expect.
    ``mistyped`` names such an element for the warnings."""
    value = resource.get(key)
    expected = ELEMENT_TYPES.get(key)
    if value is None or expected is None:
        return value
    if isinstance(value, bool) and bool not in expected:
        return None  # JSON true is no number
    return value if isinstance(value, expected) else None


def code_of(resource: Mapping[str, Any], key: str) -> str | None:
    """A code element (``status``, ``intent``, ``gender``), surrounding spaces dropped; None when
    it is absent or not a string."""
    value = typed(resource, key)
    return value.strip() if isinstance(value, str) else None


def kind_of(resource: Mapping[str, Any]) -> str | None:
    """A resource's ``resourceType`` when it is a string (a list there is no type at all)."""
    kind = resource.get("resourceType")
    return kind if isinstance(kind, str) else None


_CODE, _TEXT, _BOOLEAN, _OBJECT, _LIST = (str,), (str,), (bool,), (dict,), (list,)

#: The elements the readers take a code, a text, a date, a yes/no or a structure from, with the
#: JSON type FHIR gives each (R4 and R5; STU3's plain-code clinicalStatus too). Only these are
#: checked: an element no reader uses is none of the screen's business. (A ``resourceType`` that
#: is no name is said where resources are sorted; ``deceasedDateTime`` counts by being there.)
ELEMENT_TYPES: dict[str, tuple[type, ...]] = {
    "id": _TEXT,
    "status": _CODE,
    "intent": _CODE,
    "gender": _CODE,
    "birthDate": _TEXT,
    "deceasedBoolean": _BOOLEAN,
    "doNotPerform": _BOOLEAN,
    "reportedBoolean": _BOOLEAN,
    "reportedReference": _OBJECT,
    "abatementBoolean": _BOOLEAN,
    "abatementString": _TEXT,
    "abatementDateTime": _TEXT,
    "abatementPeriod": _OBJECT,
    "clinicalStatus": (dict, str),
    "verificationStatus": _OBJECT,
    "adherence": _OBJECT,
    "subject": _OBJECT,
    "patient": _OBJECT,
    "code": _OBJECT,
    "medicationCodeableConcept": _OBJECT,
    "medicationReference": _OBJECT,
    "medication": _OBJECT,
    "valueQuantity": _OBJECT,
    "valueCodeableConcept": _OBJECT,
    "valueString": _TEXT,
    "component": _LIST,
    "hasMember": _LIST,
    "result": _LIST,
    "contained": _LIST,
    "ingredient": _LIST,
    "authorizingPrescription": _LIST,
    "request": _OBJECT,
    "effectiveDateTime": _TEXT,
    "effectiveInstant": _TEXT,
    "effectivePeriod": _OBJECT,
    "onsetDateTime": _TEXT,
    "onsetPeriod": _OBJECT,
    "authoredOn": _TEXT,
    "recordedDate": _TEXT,
    "dateAsserted": _TEXT,
    "issued": _TEXT,
    "whenHandedOver": _TEXT,
}

#: Elements whose readers say themselves what is wrong with them, and what it means (a medicine
#: whose status or intent is no code is not counted, and the warning says so).
_SAID_BY_THEIR_READERS = {
    ("MedicationRequest", "status"),
    ("MedicationStatement", "status"),
    ("MedicationRequest", "intent"),
}
_TYPE_WORDS = {_CODE: "a code (a string)", _BOOLEAN: "true or false", _OBJECT: "an object", _LIST: "a list", (dict, str): "an object or a code"}
_DATES = {*(key for key in _WHEN if not key.endswith("Period")), "birthDate", "abatementDateTime", "whenHandedOver"}


def json_type(value: Any) -> str:
    """A JSON value's type in words: "a list", "a number"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def mistyped(resource: Mapping[str, Any], where: str) -> list[str]:
    """What the warnings say of a resource's elements that are not the JSON type FHIR gives them
    (``"intent": ["order"]``), and of its dates that cannot be read as FHIR dates, each with its
    path: such an element is read as if it were not there (a date, as far as it can be read)."""
    said = []
    kind = resource.get("resourceType")
    for key in ELEMENT_TYPES:
        if key not in resource or (kind, key) in _SAID_BY_THEIR_READERS:
            continue
        value = resource[key]
        if key in _DATES:
            said += _date_said(resource, key, value, f"{where}.{key}")
        elif typed(resource, key) is None:
            said.append(
                f"{naming(resource)}: {key} is {json_type(value)}, not {_TYPE_WORDS[ELEMENT_TYPES[key]]} ({where}.{key}): "
                "read as if it were not given"
            )
    for key in ("effectivePeriod", "onsetPeriod", "abatementPeriod"):
        period = typed(resource, key)
        for end in ("start", "end") if isinstance(period, dict) else ():
            if end in period:
                said += _date_said(resource, f"{key}.{end}", period[end], f"{where}.{key}.{end}")
    return said


def _date_said(resource: Mapping[str, Any], key: str, value: Any, path: str) -> list[str]:
    """The warning of a date element that is not a FHIR date, dateTime or instant, saying what
    was read of it: the day it begins with ("2025-06-27T25:00:00", its time no time of day), or
    nothing ("yesterday", "27/06/2025")."""
    why = date_problem(value)
    if why is None:
        return []
    day = earliest_day(value)
    if day is None:
        read = "not read as a date"
        if resource.get("resourceType") == "Observation" and key.split(".")[0] in _WHEN:
            read += (
                "; unless another element (issued) or a report listing it gives its date, the result is undated: used only "
                "when no result of the same test is dated, and how old it is is not given"
            )
    else:
        read = f"read as {describe_day(value)} only"
    return [f"{naming(resource)}: {key}{_shown(value)} is {why} ({path}): {read}"]


def describe_day(text: str) -> str:
    """The day, month or year a date string begins with, as read: "2025-06-27", "1946"."""
    match = _DATE.match(text)
    assert match is not None
    return "-".join(part for part in (match[1], match[2], match[3]) if part)


def _shown(value: Any) -> str:
    text = f" {value!r}" if isinstance(value, str) else ""
    return text if len(text) <= 41 else text[:38] + "..."


#: What FHIR's date, dateTime and instant allow (and what some systems send besides, read all the
#: same: a time without its offset from UTC, or without seconds; spaces around it).
_FHIR_DATE = re.compile(
    r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-](\d{2}):(\d{2}))?)?)?)?\s*"
)


def date_problem(value: Any) -> str | None:
    """Why a date element is not a FHIR date, dateTime or instant ("not a date", "its time is not
    a time of day"); None when it is one."""
    if not isinstance(value, str):
        return f"{json_type(value)}, not a date"
    match = _FHIR_DATE.fullmatch(value)
    if match is None or earliest_day(value) is None:
        return "not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD, or a date and time such as 2025-06-27T10:30:00Z)"
    hours, minutes, seconds, offset_hours, offset_minutes = match[4], match[5], match[6], match[8], match[9]
    if hours is not None and (int(hours) > 23 or int(minutes) > 59 or int(seconds or 0) > 60):
        return "a date whose time is no time of day"
    if offset_hours is not None and (int(offset_hours) > 14 or int(offset_minutes) > 59):
        return "a date whose offset from UTC is none (they run from -12:00 to +14:00)"
    return None


def codings(concept: Any) -> Iterator[Mapping[str, Any]]:
    """The codings of a CodeableConcept that carry a code."""
    found = concept.get("coding") if isinstance(concept, dict) else None
    for coding in found if isinstance(found, list) else []:
        if isinstance(coding, dict) and isinstance(coding.get("code"), str) and coding["code"].strip():
            yield coding


def concept_codes(value: Any) -> set[str]:
    """The codes of a status element: a CodeableConcept (R4) or a plain code (STU3 wrote
    ``"clinicalStatus": "active"``)."""
    if isinstance(value, str):
        return {value.strip()} if value.strip() else set()
    return {str(coding["code"]).strip() for coding in codings(value)}


def text_of(value: Any) -> str | None:
    """A non-empty string, stripped; None for anything else."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def recorded_on(resource: Mapping[str, Any]) -> tuple[date | None, str | None]:
    """When the resource's fact happened or was recorded (a period's end, else its start), and the
    element it was read from; (None, None) when it says nothing readable."""
    for key in _WHEN:
        value = resource.get(key)
        if isinstance(value, str):
            day = earliest_day(value)
            if day is not None:
                return day, key
        elif isinstance(value, dict):
            for end in ("end", "start"):
                day = earliest_day(value.get(end))
                if day is not None:
                    return day, f"{key}.{end}"
    return None, None


def earliest_day(text: Any) -> date | None:
    """The first day a FHIR date or dateTime can mean ("1950" -> 1950-01-01); None when it is none."""
    match = _DATE.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return None


def latest_day(text: str) -> date:
    """The last day a partial date can mean (1950 -> 1950-12-31), so that an age is never overstated.
    ``text`` is one ``earliest_day`` reads."""
    match = _DATE.match(text)
    assert match is not None
    year, month = int(match[1]), int(match[2] or 12)
    if match[3]:
        return date(year, month, int(match[3]))
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def completed_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def reference_of(value: Any) -> str | None:
    """The ``reference`` of a Reference (or of an R5 CodeableReference's reference)."""
    if not isinstance(value, dict):
        return None
    reference = value.get("reference")
    if isinstance(reference, dict):  # R5 CodeableReference
        reference = reference.get("reference")
    return reference.strip() if isinstance(reference, str) and reference.strip() else None


def without_version(reference: str) -> str:
    """A reference without the version a version-specific reference names (``Medication/m9/_history/1``
    is ``Medication/m9``: FHIR R4 3.2.0.3): the one place references are compared without it."""
    return re.sub(r"/_history/[^/]*$", "", reference.strip())


def is_reference_to(target: str, resource: Mapping[str, Any], full_url: str | None = None) -> bool:
    """Whether a reference names this resource: ``Kind/id``, an absolute URL ending so, or
    ``urn:uuid:id``, or the ``fullUrl`` of its Bundle entry when that is given; any of them with
    or without ``/_history/n``."""
    target = without_version(target)
    if isinstance(full_url, str) and full_url.strip() and target == without_version(full_url):
        return True
    identity = resource.get("id")
    kind = resource.get("resourceType")
    if not isinstance(identity, str):
        return False
    return target == f"{kind}/{identity}" or target.endswith(f"/{kind}/{identity}") or target == f"urn:uuid:{identity}"


def naming(resource: Mapping[str, Any]) -> str:
    """How a message names a resource: ``Condition/abc`` when it has an id, else its type."""
    identity = resource.get("id")
    kind = str(resource.get("resourceType"))
    return f"{kind}/{identity}" if isinstance(identity, str) else f"a {kind}"
