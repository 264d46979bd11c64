"""Screening a CDS Hooks call's record: the answers (by ``screener.fhir``'s EHR conversion) and
the result. For ``order-select``, the medicines being ordered count as medicines the person takes,
and the result without the newly selected ones is kept to show what the order changes.

A question whose search failed or was cut short is never answered "none" from the part read
(``_no_none_from_part``). The result's warnings also say which searches were cut short
(``Record.cut_short``), and say in
words which medicines the record gives no name for (only a code, or a reference to a Medication
it does not hold). Nothing clinical is decided here: the rules do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from screener.cds.record import Record
from screener.contract.validation import Problem
from screener.fhir.conversion import Conversion
from screener.fhir.ehr import patient_to_answers
from screener.fhir.lab_times import AsOf
from screener.fhir.mapping import FhirContext
from screener.fhir.records import screened_conversion


@dataclass
class Screened:
    """What screening a record gave: the result entry, or the problems that stop it."""

    answers: dict[str, Any]
    entry: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    before: dict[str, Any] | None = None
    """order-select: the result without the newly selected orders (None when there are none)."""
    ordered: list[str] = field(default_factory=list)
    """order-select: the names of the medicines newly selected."""
    labs_left_unanswered: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Lab -> (warning, a few words of it): its most recent result could not be used, and no
    older one stood in (``Conversion.labs_left_unanswered``): the card leads with it."""


def screen_record(record: Record, context: FhirContext, as_of: date | AsOf, screen: Callable[[dict[str, Any]], dict[str, Any]]) -> Screened:
    """Screen a record on the reference date ``as_of``; ``screen`` turns answers into a result
    entry (``Screener.screen_entry``)."""
    conversion = _no_none_from_part(record, patient_to_answers([*record.resources, *record.orders], context, as_of, record.patient_id))
    entry, problems = screened_conversion(conversion, screen)
    out = Screened(conversion.answers, entry, problems, labs_left_unanswered=dict(conversion.labs_left_unanswered))
    if entry is not None:
        entry["warnings"] = [*entry["warnings"], *record.cut_short]
    if entry is None or not record.selected:
        return out
    kept = [order for order in record.orders if order not in record.selected]
    before, _ = screened_conversion(_no_none_from_part(record, patient_to_answers([*record.resources, *kept], context, as_of, record.patient_id)), screen)
    out.before = before
    # The Medications the orders name (in draftOrders or the record) name the orders here too.
    ordered = patient_to_answers([*record.selected, *record.medications()], context, as_of, record.patient_id)
    out.ordered = list(ordered.answers.get("medications", []))
    return out


def _no_none_from_part(record: Record, conversion: Conversion) -> Conversion:
    """An empty list ("None of these", no medicine) from a search that failed or was cut short
    leaves its question unanswered: nothing was found in what was read, which is not the record
    saying none (the later pages, or the other search of the same question, may hold one). A list
    that names something keeps it (the card says it was not all read)."""
    for section in sorted(record.partly_read_sections()):
        if conversion.answers.get(section) == []:
            del conversion.answers[section]
            conversion.origins.pop(section, None)
    return conversion
