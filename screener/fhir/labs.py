"""Potassium and magnesium results in Observations, as laboratories and EHRs write them.

A result is an Observation whose code (LOINC, or its OID) is one of the mapping's, or one
``component`` of an Observation (a panel) whose code is. It counts when its status is current
(final, amended, corrected: ``rules/fhir.json``); preliminary, cancelled and entered-in-error
results do not, and neither does one marked as not measured (``dataAbsentReason``).

When it was taken: ``effectiveDateTime``, ``effectiveInstant`` or ``effectivePeriod``, else
``issued``, else the date of a DiagnosticReport of the record that lists it among its results.
Results dated after the reference date are left out; of the rest, the most recent with a number
is used.

The unit is read from the quantity's UCUM ``code`` (the computable one) when it has one; the
displayed ``unit`` is read only when there is no UCUM code (no code, or a code of another
system, as some lab systems send a SNOMED CT code there). A UCUM code we do not know, a unit
we cannot use for that result, or a result given as "<2.0" (a comparator) is a problem with the
element's path: never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from screener.fhir.conversion import Conversion, child, describe
from screener.fhir.elements import codings, is_reference_to, naming, recorded_on, status
from screener.fhir.mapping import UCUM, FhirContext, UnitCode


@dataclass(frozen=True)
class _Reading:
    """One candidate result: the lab, the element holding its value (an Observation or one of its
    components) and where it is, the Observation it belongs to, and when it was taken."""

    lab: str
    element: Mapping[str, Any]
    path: str
    observation: Mapping[str, Any]
    taken: date | None
    taken_path: str | None


def read_labs(observations: Sequence[Any], reports: Sequence[Any], context: FhirContext, as_of: date, out: Conversion) -> None:
    """The most recent usable potassium and magnesium results of a record's Observations
    (``Located``), dated by their own elements or by the DiagnosticReports (``Located``) that list
    them."""
    latest: dict[str, _Reading] = {}
    for located in observations:
        for reading in _readings(located, reports, context, out):
            if reading.taken is not None and reading.taken > as_of:
                continue
            if not _has_number(reading, out):
                continue
            held = latest.get(reading.lab)
            if held is None or (reading.taken is not None and (held.taken is None or reading.taken > held.taken)):
                latest[reading.lab] = reading
    for reading in latest.values():
        _read_result(reading, context, as_of, out)


def _readings(located: Any, reports: Sequence[Any], context: FhirContext, out: Conversion) -> list[_Reading]:
    resource, where = located.resource, located.where
    code = resource.get("code")
    if not any(True for _ in codings(code)):
        out.problem(child(where, "code"), "this Observation has no code: cannot tell what was measured")
        return []
    if status(resource) not in context.mapping.current_statuses["Observation"]:
        return []
    elements: list[tuple[str, Mapping[str, Any], str]] = []
    lab = _lab_of(code, context)
    if lab is not None:
        elements.append((lab, resource, where))
    components = resource.get("component")
    for index, component in enumerate(components if isinstance(components, list) else []):
        lab = _lab_of(component.get("code"), context) if isinstance(component, dict) else None
        if lab is not None:
            elements.append((lab, component, child(child(where, "component"), index)))
    if not elements:
        return []
    taken, taken_path = _taken_on(resource, where, reports)
    return [_Reading(lab, element, path, resource, taken, taken_path) for lab, element, path in elements]


def _lab_of(code: Any, context: FhirContext) -> str | None:
    for coding in codings(code):
        lab = context.mapping.lab_for_code(coding.get("system"), coding.get("code"))
        if lab is not None:
            return lab
    return None


def _taken_on(resource: Mapping[str, Any], where: str, reports: Sequence[Any]) -> tuple[date | None, str | None]:
    """When a result was taken, and the element that says so (its own, or its report's)."""
    taken, element = recorded_on(resource)
    if taken is not None and element is not None:
        return taken, child(where, element)
    for report in reports:
        results = report.resource.get("result")
        listed = any(
            isinstance(entry, dict) and isinstance(entry.get("reference"), str) and is_reference_to(entry["reference"], resource)
            for entry in (results if isinstance(results, list) else [])
        )
        if listed:
            taken, element = recorded_on(report.resource)
            if taken is not None and element is not None:
                return taken, child(report.where, element)
    return None, None


def _has_number(reading: _Reading, out: Conversion) -> bool:
    """Whether the reading has a quantity to read. One marked as not measured (dataAbsentReason) is
    no result; one with no quantity at all is noted and passed over (a text result such as
    "hemolysed" is not a number)."""
    if "valueQuantity" in reading.element:
        return True
    if "dataAbsentReason" not in reading.element and "dataAbsentReason" not in reading.observation:
        out.note(f"{naming(reading.observation)}: a {reading.lab} result with no number (valueQuantity) was not used")
    return False


def _read_result(reading: _Reading, context: FhirContext, as_of: date, out: Conversion) -> None:
    quantity = reading.element.get("valueQuantity")
    path = child(reading.path, "valueQuantity")
    number = quantity.get("value") if isinstance(quantity, dict) else None
    if not isinstance(quantity, dict) or isinstance(number, bool) or not isinstance(number, (int, float)):
        out.problem(path, f"this {reading.lab} result has no value (valueQuantity.value)")
        return
    if quantity.get("comparator"):
        out.problem(child(path, "comparator"), f"a {reading.lab} result given as {quantity['comparator']}{number} is not a value that can be used")
        return
    item = context.questionnaire.item(context.mapping.labs[reading.lab]["item"])
    allowed = {unit.value for unit in item.units}
    unit, key = _unit_of(quantity, context)
    if unit is None or unit.value not in allowed:
        accepted = ", ".join(context.mapping.units[value.value].code for value in item.units)
        out.problem(child(path, key), f"unknown unit {describe(quantity.get(key))} for a {reading.lab} result: expected one of {accepted}")
        return
    result: dict[str, Any] = {"value": number, "unit": unit.value}
    out.origins[f"labs.{reading.lab}.value"] = child(path, "value")
    out.origins[f"labs.{reading.lab}.unit"] = child(path, key)
    if reading.taken is not None and reading.taken_path is not None:
        result["taken"] = _taken(reading.taken, as_of, context)
        out.origins[f"labs.{reading.lab}.taken"] = reading.taken_path
    out.answers.setdefault("labs", {})[reading.lab] = result
    out.add_basis(reading.observation)


def _unit_of(quantity: Mapping[str, Any], context: FhirContext) -> tuple[UnitCode | None, str]:
    """The unit of a quantity and the element it was read from. A UCUM code decides; the
    displayed unit is read only when there is no UCUM code (none, or another system's)."""
    mapping = context.mapping
    code, unit = quantity.get("code"), quantity.get("unit")
    system = mapping.system(quantity.get("system"))
    if isinstance(code, str) and code.strip() and system in (UCUM, None):
        found = mapping.unit_for_text(code)
        if found is not None or system == UCUM or not isinstance(unit, str):
            return found, "code"
    if isinstance(unit, str) and unit.strip():
        return mapping.unit_for_text(unit), "unit"
    return None, "code" if "code" in quantity else "unit"


def _taken(taken: date, as_of: date, context: FhirContext) -> str:
    days = (as_of - taken).days
    for window in context.mapping.lab_taken["windows"]:
        if days <= window["within_days"]:
            return str(window["value"])
    return str(context.mapping.lab_taken["otherwise"])
