"""One patient's EHR data (FHIR resources) as answers, on a reference date.

- Patient: ``age`` on the reference date from ``birthDate`` (a year or a month alone gives the
  age the person has certainly reached); ``sex`` from ``gender`` (``unknown`` leaves it
  unanswered). A patient recorded as deceased is not screened.
- MedicationStatement and MedicationRequest whose status is current (``rules/fhir.json``): the
  medicine's name is the RxNorm display, else the text, else the named Medication's; the names
  are then read by the medication vocabulary, as typed names are.
- Observation: the most recent potassium and magnesium result by LOINC code, its UCUM unit
  mapped to ours, and ``taken`` from how long before the reference date it was taken.
- Condition: ICD-10 and SNOMED CT codes mapped to the contract's conditions.

Data dated after the reference date is left out: a screen "as of" a day sees what was known
then. A list the record keeps (medicines, conditions) with nothing current in it is an answer
(``[]``); a kind of resource the record does not have at all leaves its question unanswered,
and so do symptoms, alcohol and GI history, which EHR data rarely hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from screener.fhir.conversion import Conversion, child, describe
from screener.fhir.mapping import FhirContext

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(frozen=True)
class Located:
    """A FHIR resource and where it was read: the JSON path prefix of its elements in messages
    (``$.entry[3].resource`` in a Bundle; ``Observation.ndjson record 12: $`` from bulk data)."""

    resource: Mapping[str, Any]
    where: str
    is_fhir_record = True


def patient_to_answers(resources: Sequence[Located], context: FhirContext, as_of: date, patient: str | None) -> Conversion:
    """The answers one patient's resources give, on the reference date ``as_of``. ``patient`` is
    the patient's id as the resources name it (None when they name none: not screened)."""
    out = Conversion()
    if patient is None:
        first = resources[0]
        out.problem(child(first.where, "subject"), f"this {first.resource.get('resourceType')} names no patient (subject)")
        return out
    out.record_id = patient
    out.answers["id"] = patient
    out.subject = {"reference": f"Patient/{patient}"}
    by_type: dict[str, list[Located]] = {}
    for located in resources:
        by_type.setdefault(str(located.resource.get("resourceType")), []).append(located)
    patients = by_type.get("Patient", [])
    if len(patients) > 1:
        out.problem(patients[1].where, f"a second Patient resource for the same patient (the first is at {patients[0].where})")
    if patients:
        _read_patient(patients[0], context, as_of, out)
    medicines = [*by_type.get("MedicationStatement", []), *by_type.get("MedicationRequest", [])]
    if medicines:
        _read_medicines(medicines, by_type.get("Medication", []), context, as_of, out)
    if "Observation" in by_type:
        _read_labs(by_type["Observation"], context, as_of, out)
    if "Condition" in by_type:
        _read_conditions(by_type["Condition"], context, as_of, out)
    return out


def _read_patient(located: Located, context: FhirContext, as_of: date, out: Conversion) -> None:
    patient, where = located.resource, located.where
    if patient.get("deceasedBoolean") is True or "deceasedDateTime" in patient:
        out.problem(child(where, "deceasedBoolean" if "deceasedBoolean" in patient else "deceasedDateTime"), "the patient is recorded as deceased: not screened")
        return
    birth = patient.get("birthDate")
    if birth is not None:
        born = _earliest_day(birth)
        if born is None:
            out.problem(child(where, "birthDate"), f"not a date: {describe(birth)}")
        elif born > as_of:
            out.problem(child(where, "birthDate"), f"born after the reference date {as_of.isoformat()} (--as-of)")
        else:
            out.answers["age"] = max(0, _completed_years(_latest_day(birth), as_of))
            out.origins["age"] = child(where, "birthDate")
    gender = patient.get("gender")
    if isinstance(gender, str) and gender in context.mapping.gender:
        out.answers["sex"] = context.mapping.gender[gender]
        out.origins["sex"] = child(where, "gender")


def _read_medicines(medicines: Sequence[Located], known: Sequence[Located], context: FhirContext, as_of: date, out: Conversion) -> None:
    names: list[str] = []
    first_path = None
    for located in medicines:
        resource, where = located.resource, located.where
        kind = resource.get("resourceType")
        if _status(resource) not in context.mapping.current_statuses[str(kind)]:
            continue
        recorded = _recorded_on(resource)
        if recorded is not None and recorded > as_of:
            continue
        name, path = _medicine_name(resource, where, known, context)
        if name is None:
            out.problem(path, f"this {kind} gives no name for the medicine (an RxNorm display, a text, or a Medication it names)")
            continue
        names.append(name)
        first_path = first_path or path
        _add_basis(resource, out)
    out.answers["medications"] = list(dict.fromkeys(names))
    out.origins["medications"] = first_path or medicines[0].where


def _medicine_name(resource: Mapping[str, Any], where: str, known: Sequence[Located], context: FhirContext) -> tuple[str | None, str]:
    concept = resource.get("medicationCodeableConcept")
    path = child(where, "medicationCodeableConcept")
    medication = resource.get("medication")
    if concept is None and isinstance(medication, dict):  # R5: a CodeableReference
        concept, path = medication.get("concept"), child(child(where, "medication"), "concept")
        reference = medication.get("reference")
    else:
        reference = resource.get("medicationReference")
    if isinstance(concept, dict):
        name = _concept_name(concept, context)
        if name:
            return name, path
    if isinstance(reference, dict) and isinstance(reference.get("reference"), str):
        target = reference["reference"]
        for located in known:
            if _is_reference_to(target, located.resource):
                code = located.resource.get("code")
                name = _concept_name(code, context) if isinstance(code, dict) else None
                return name, child(located.where, "code")
    return None, path


def _concept_name(concept: Mapping[str, Any], context: FhirContext) -> str | None:
    for coding in _codings(concept):
        if coding.get("system") in context.mapping.medication_name_systems:
            display = coding.get("display")
            if isinstance(display, str) and display.strip():
                return display.strip()
    text = concept.get("text")
    return text.strip() if isinstance(text, str) and text.strip() else None


def _read_labs(observations: Sequence[Located], context: FhirContext, as_of: date, out: Conversion) -> None:
    latest: dict[str, tuple[date | None, Located]] = {}
    for located in observations:
        resource = located.resource
        lab = _lab_of(resource, located.where, context, out)
        if lab is None or _status(resource) not in context.mapping.current_statuses["Observation"]:
            continue
        taken = _recorded_on(resource)
        if taken is not None and taken > as_of:
            continue
        if "valueQuantity" not in resource and "dataAbsentReason" in resource:
            continue  # "not measured": no result
        held = latest.get(lab)
        if held is None or (taken is not None and (held[0] is None or taken > held[0])):
            latest[lab] = (taken, located)
    for lab, (taken, located) in latest.items():
        _read_lab(lab, taken, located, context, as_of, out)


def _lab_of(resource: Mapping[str, Any], where: str, context: FhirContext, out: Conversion) -> str | None:
    code = resource.get("code")
    codings = code.get("coding") if isinstance(code, dict) else None
    if not isinstance(codings, list) or not codings:
        out.problem(child(where, "code"), "this Observation has no code: cannot tell what was measured")
        return None
    for coding in codings:
        if isinstance(coding, dict):
            lab = context.mapping.lab_for_code(coding.get("system"), coding.get("code"))
            if lab is not None:
                return lab
    return None


def _read_lab(lab: str, taken: date | None, located: Located, context: FhirContext, as_of: date, out: Conversion) -> None:
    resource, where = located.resource, located.where
    quantity = resource.get("valueQuantity")
    path = child(where, "valueQuantity")
    number = quantity.get("value") if isinstance(quantity, dict) else None
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        out.problem(path, f"this {lab} result has no value (valueQuantity.value)")
        return
    if isinstance(quantity, dict) and quantity.get("comparator"):
        out.problem(child(path, "comparator"), f"a {lab} result given as {quantity['comparator']}{number} is not a value that can be used")
        return
    item = context.questionnaire.item(context.mapping.labs[lab]["item"])
    units = {unit.value for unit in item.units}
    assert isinstance(quantity, dict)
    text = quantity.get("code") or quantity.get("unit")
    unit = context.mapping.unit_for_text(text) if isinstance(text, str) else None
    if unit is None or unit.value not in units:
        accepted = ", ".join(context.mapping.units[unit.value].code for unit in item.units)
        out.problem(child(path, "code" if quantity.get("code") else "unit"), f"unknown unit {describe(text)} for a {lab} result: expected one of {accepted}")
        return
    result: dict[str, Any] = {"value": number, "unit": unit.value}
    out.origins[f"labs.{lab}.value"] = child(path, "value")
    out.origins[f"labs.{lab}.unit"] = child(path, "code" if quantity.get("code") else "unit")
    if taken is not None:
        result["taken"] = _taken(taken, as_of, context)
        out.origins[f"labs.{lab}.taken"] = child(where, "effectiveDateTime")
    out.answers.setdefault("labs", {})[lab] = result
    _add_basis(resource, out)


def _taken(taken: date, as_of: date, context: FhirContext) -> str:
    days = (as_of - taken).days
    for window in context.mapping.lab_taken["windows"]:
        if days <= window["within_days"]:
            return str(window["value"])
    return str(context.mapping.lab_taken["otherwise"])


def _read_conditions(conditions: Sequence[Located], context: FhirContext, as_of: date, out: Conversion) -> None:
    found: list[str] = []
    for located in conditions:
        resource, where = located.resource, located.where
        if not _is_current_condition(resource, context):
            continue
        recorded = _recorded_on(resource)
        if recorded is not None and recorded > as_of:
            continue
        codings = list(_codings(resource.get("code")))
        if not codings:
            out.problem(child(where, "code"), "this Condition has no coded condition (ICD-10 or SNOMED CT): cannot tell what it is")
            continue
        mapped = [name for coding in codings for name in context.mapping.conditions_for(str(coding.get("system")), str(coding.get("code")))]
        if mapped:
            found += mapped
            _add_basis(resource, out)
    out.answers["conditions"] = sorted(set(found), key=list(context.mapping.conditions).index)
    out.origins["conditions"] = conditions[0].where


def _is_current_condition(resource: Mapping[str, Any], context: FhirContext) -> bool:
    verification = {str(c.get("code")) for c in _codings(resource.get("verificationStatus"))}
    if verification & {"refuted", "entered-in-error"}:
        return False
    clinical = {str(c.get("code")) for c in _codings(resource.get("clinicalStatus"))}
    # A condition with no clinical status is on the record without a word on its course: it counts.
    return not clinical or bool(clinical & context.mapping.current_statuses["Condition"])


def _status(resource: Mapping[str, Any]) -> str | None:
    """A resource's status code; anything but a string (a list, an object) is no status we know."""
    status = resource.get("status")
    return status if isinstance(status, str) else None


def _codings(concept: Any) -> Iterator[Mapping[str, Any]]:
    codings = concept.get("coding") if isinstance(concept, dict) else None
    for coding in codings if isinstance(codings, list) else []:
        if isinstance(coding, dict) and coding.get("code"):
            yield coding


# -- dates and references -----------------------------------------------------------------------


def _recorded_on(resource: Mapping[str, Any]) -> date | None:
    """When the resource's fact happened or was recorded (its earliest possible day)."""
    for key in ("effectiveDateTime", "effectiveInstant", "onsetDateTime", "authoredOn", "recordedDate", "dateAsserted", "issued"):
        value = resource.get(key)
        if isinstance(value, str):
            return _earliest_day(value)
    for key in ("effectivePeriod", "onsetPeriod"):
        period = resource.get(key)
        if isinstance(period, dict):
            for end in ("end", "start"):
                if isinstance(period.get(end), str):
                    return _earliest_day(period[end])
    return None


def _earliest_day(text: Any) -> date | None:
    match = _DATE.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return None


def _latest_day(text: str) -> date:
    """The last day a partial date can mean (1950 -> 1950-12-31), so that an age is never overstated."""
    match = _DATE.match(text)
    assert match is not None
    year, month = int(match[1]), int(match[2] or 12)
    if match[3]:
        return date(year, month, int(match[3]))
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _completed_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _add_basis(resource: Mapping[str, Any], out: Conversion) -> None:
    """Name a resource an answer came from, when it can be named (it has an id)."""
    if isinstance(resource.get("id"), str):
        out.basis.append({"reference": f"{resource.get('resourceType')}/{resource['id']}"})


def _is_reference_to(target: str, resource: Mapping[str, Any]) -> bool:
    identity = resource.get("id")
    kind = resource.get("resourceType")
    return isinstance(identity, str) and (target == f"{kind}/{identity}" or target.endswith(f"/{kind}/{identity}") or target == f"urn:uuid:{identity}")

