"""Who a FHIR resource is about: the patient its ``subject`` (or ``patient``) names, and the
Medication resources its medicines name.

A Bundle may name its patient by id, by ``fullUrl`` (a transaction creating the patient), by a
conditional reference to an identifier, or by an identifier alone (a logical reference); a
resource about a Device, a Group or a Location is about no patient at all. Bundles and bulk-data
lines are grouped into one record per patient by these answers (``screener.fhir.records``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from screener.fhir.ehr import Located
from screener.fhir.elements import is_reference_to
from screener.fhir.resource_types import FHIR_RESOURCE_TYPES

_PATIENT_REFERENCE = re.compile(r"(?:^|/)Patient/([^/]+)(?:/_history/[^/]*)?$")
_OTHER_REFERENCE = re.compile(r"(?:^|/)([A-Z][A-Za-z]+)/[^/]+(?:/_history/[^/]*)?$")
NOT_A_PATIENT = object()  # what a resource about a Device, a Group or a Location is "about"


def names_someone_else(resource: Mapping[str, Any], located: Iterable[Located]) -> bool:
    """Whether a resource with no patient reference names its patient by an identifier that none
    of the Bundle's Patient resources has (a logical reference to someone else)."""
    subject = resource.get("subject", resource.get("patient"))
    identifier = subject.get("identifier") if isinstance(subject, dict) else None
    if not isinstance(identifier, dict) or not isinstance(identifier.get("value"), str):
        return False
    named = (identifier.get("system"), identifier["value"].strip())
    for one in located:
        listed = one.resource.get("identifier") if one.resource.get("resourceType") == "Patient" else None
        for held in listed if isinstance(listed, list) else []:
            if isinstance(held, dict) and isinstance(held.get("value"), str) and (held.get("system"), held["value"].strip()) == named:
                return False
    return True


def names_in_bundle(patient: Mapping[str, Any], full_url: str | None) -> dict[str, str]:
    """The references other entries of a Bundle may name a Patient by -> how it is known: its
    ``fullUrl``, and, as a transaction that may create it names it, a conditional reference to
    one of its identifiers (``Patient?identifier=system|value``)."""
    key = patient_key(patient, full_url)
    names = {full_url: key} if full_url is not None else {}
    identifiers = patient.get("identifier")
    for identifier in identifiers if isinstance(identifiers, list) else []:
        value = identifier.get("value") if isinstance(identifier, dict) else None
        if isinstance(value, str) and value.strip():
            system = identifier.get("system")
            names[f"Patient?identifier={value.strip()}"] = key
            if isinstance(system, str):
                names[f"Patient?identifier={system}|{value.strip()}"] = key
    return names


def patient_key(patient: Mapping[str, Any], full_url: str | None) -> str:
    """How a Patient resource is known in a Bundle: its id, else (a Patient a transaction is to
    create, which has none yet) the ``fullUrl`` its Bundle's references name it by."""
    identity = patient.get("id")
    if isinstance(identity, str) and identity.strip():
        return identity
    if full_url is not None and full_url.strip():
        match = _PATIENT_REFERENCE.search(full_url.strip())
        return match[1] if match else full_url.strip().removeprefix("urn:uuid:")
    return "(a Patient without an id)"


def patient_of(resource: Mapping[str, Any], full_urls: Mapping[Any, Any]) -> Any:
    """The id of the patient a resource is about; None when it names none; ``NOT_A_PATIENT``
    when it is about something else (a Device, a Group, a Location)."""
    if resource.get("resourceType") == "Patient":
        return patient_key(resource, None)
    subject = resource.get("subject", resource.get("patient"))
    reference = subject.get("reference") if isinstance(subject, dict) else None
    if not isinstance(reference, str) or not reference.strip():
        return None
    reference = reference.strip()
    named = full_urls.get(reference, full_urls.get(reference.replace("%7C", "|").replace("%7c", "|")))
    if isinstance(named, str):
        return named
    match = _PATIENT_REFERENCE.search(reference)
    if match:
        return match[1]
    other = _OTHER_REFERENCE.search(reference)
    if other and other[1] in FHIR_RESOURCE_TYPES:
        return NOT_A_PATIENT
    return reference.removeprefix("urn:uuid:")


def medication_references(resource: Mapping[str, Any]) -> Iterator[str]:
    """The references to Medication resources a medicine resource makes: R4's
    ``medicationReference``, R5's ``medication`` (a CodeableReference)."""
    for key in ("medicationReference", "medication"):
        value = resource.get(key)
        reference = value.get("reference") if isinstance(value, dict) else None
        if isinstance(reference, dict):  # R5 CodeableReference
            reference = reference.get("reference")
        if isinstance(reference, str):
            yield reference


def referenced_medications(located: Iterable[Located], medications: Iterable[Located]) -> list[Located]:
    """The Medication resources a patient's medicines name (medicationReference)."""
    targets = {reference for one in located for reference in medication_references(one.resource)}
    return [medication for medication in medications if any(is_reference_to(t, medication.resource, medication.full_url) for t in targets)]
