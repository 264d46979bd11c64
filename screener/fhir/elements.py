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
    value = resource.get("status")
    return value.strip() if isinstance(value, str) else None


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
