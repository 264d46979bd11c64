"""The patient's record for one hook call (``Record``): the resources read, the orders being
placed, and what could not be read, in words for the card. Gathered by ``screener.cds.gather``
(the draft orders by ``screener.cds.orders``); screened by ``screener.cds.screening``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from screener.fhir.ehr import Located


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



def resources_of(value: Mapping[str, Any], where: str) -> Iterable[tuple[Mapping[str, Any], str]]:
    """The resources a prefetch value or the draft orders give, with where each is: the resource
    itself, or a Bundle's entries."""
    if value.get("resourceType") != "Bundle":
        yield value, where
        return
    entries = value.get("entry")
    for index, entry in enumerate(entries if isinstance(entries, list) else ()):
        if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
            yield entry["resource"], f"{where}.entry[{index}].resource"

