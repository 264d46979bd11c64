"""One patient's EHR data (FHIR resources) as answers, on a reference date.

- Patient: ``age`` on the reference date from ``birthDate`` (a year or a month alone gives the
  age the person has certainly reached), else from the ``patient-birthTime`` extension; ``sex``
  from ``gender`` (a value that is no FHIR code is noted), else, when it is absent or ``unknown``,
  from US Core's sex extensions (``sex_extensions`` in ``rules/fhir.json``); none of them leaves it
  unanswered. A patient recorded as deceased is not screened.
- MedicationStatement and MedicationRequest whose status is current (``rules/fhir.json``; an R5
  statement ``recorded`` unless its adherence says not taking), not dated after the reference
  date, and not an order not to give it (``doNotPerform``): the medicine's name as
  ``screener.fhir.medicines`` reads it, then read by the medication vocabulary as typed names
  are. One whose status says neither yes nor no (``unknown``, a misspelling) is noted.
- MedicationDispense and MedicationAdministration: never counted, their medicines noted.
- A resource of no FHIR type (a typo, DSTU2's MedicationOrder): noted, with what it may mean.
- Observation: the most recent usable potassium and magnesium results
  (``screener.fhir.labs``), dated with the help of the DiagnosticReports that list them.
- Condition: ICD-10 and SNOMED CT codes mapped to the contract's conditions, when its clinical
  status is current (or not given, and it has not abated) and it is not refuted or entered in
  error. One coded in neither is noted in the result's warnings, never guessed from its text.
- Pregnancy (``pregnant``): the newest pregnancy status Observation or Condition of a current
  pregnancy, while recent enough, for a person the question is asked of
  (``screener.fhir.pregnancy``).

Data dated after the reference date is left out: a screen "as of" a day sees what was known
then. A list the record keeps (medicines, conditions) with nothing current in it is an answer
(``[]``); a kind of resource the record does not have at all leaves its question unanswered,
and so do symptoms, alcohol and GI history, which EHR data rarely hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from screener.errors import did_you_mean
from screener.fhir.conversion import Conversion, child, describe
from screener.fhir.elements import (
    codings,
    completed_years,
    concept_codes,
    date_problem,
    earliest_day,
    is_reference_to,
    json_type,
    latest_day,
    mistyped,
    naming,
    recorded_on,
    reference_of,
    status,
    text_of,
    typed,
)
from screener.fhir.lab_times import AsOf, future_warning, left_out, when_recorded
from screener.fhir.labs import note_unread_results, read_labs
from screener.fhir.mapping import FhirContext
from screener.fhir.medicines import named_medicine
from screener.fhir.pregnancy import read_pregnancy
from screener.fhir.resource_types import FHIR_RESOURCE_TYPES


@dataclass(frozen=True)
class Located:
    """A FHIR resource and where it was read: the JSON path prefix of its elements in messages
    (``$.entry[3].resource`` in a Bundle; ``Observation.ndjson record 12: $`` from bulk data)."""

    resource: Mapping[str, Any]
    where: str
    full_url: str | None = None
    """Its Bundle entry's ``fullUrl`` (``urn:uuid:...``), by which other entries may name it."""
    is_fhir_record = True


def patient_to_answers(resources: Sequence[Located], context: FhirContext, as_of: date | AsOf, patient: str | None) -> Conversion:
    """The answers one patient's resources give, on the reference date ``as_of`` (an ``AsOf``
    with ``now`` when no date was given: ``AsOf.given(None)``). ``patient`` is the patient's id
    as the resources name it (None when they name none: not screened)."""
    reference = as_of if isinstance(as_of, AsOf) else AsOf(as_of)
    out = _patient_to_answers(resources, context, reference, patient)
    warning = future_warning(reference, out.dated_in_future)
    if warning is not None:
        out.note(warning)
    return out


def _patient_to_answers(resources: Sequence[Located], context: FhirContext, as_of: AsOf, patient: str | None) -> Conversion:
    out = Conversion()
    if patient is None:
        first = resources[0]
        subject = first.resource.get("subject")
        identifier = subject.get("identifier") if isinstance(subject, dict) else None
        if isinstance(identifier, dict) and isinstance(identifier.get("value"), str):
            said = f"{identifier.get('system')}|{identifier['value']}" if isinstance(identifier.get("system"), str) else identifier["value"]
            out.problem(
                child(child(first.where, "subject"), "identifier"),
                f"this {first.resource.get('resourceType')} names its patient only by identifier ({said}), which no Patient "
                "with it in the input has: whose it is cannot be told",
            )
        elif first.resource.get("resourceType") not in FHIR_RESOURCE_TYPES:
            out.problem(child(first.where, "resourceType"), no_fhir_type(first.resource.get("resourceType")))
        else:
            out.problem(child(first.where, "subject"), f"this {first.resource.get('resourceType')} names no patient (subject)")
        return out
    out.record_id = patient
    out.answers["id"] = patient
    out.subject = {"reference": f"Patient/{patient}"}
    by_type = _by_type(resources, as_of, out)
    patients = _distinct(by_type.get("Patient", []))
    if len(patients) > 1:
        out.problem(patients[1].where, f"a second, different Patient resource for the same patient (the first is at {patients[0].where})")
    if patients:
        _read_patient(patients[0], context, as_of.day, out)
    medicines = [*by_type.get("MedicationStatement", []), *by_type.get("MedicationRequest", [])]
    if medicines:
        _read_medicines(medicines, by_type.get("Medication", []), context, as_of, out)
    dispensed = [*by_type.get("MedicationDispense", []), *by_type.get("MedicationAdministration", [])]
    if dispensed:
        prescribed = [located.resource for located in by_type.get("MedicationRequest", [])]
        _note_unread_medicines(dispensed, prescribed, by_type.get("Medication", []), context, as_of, out)
    if "Observation" in by_type:
        read_labs(by_type["Observation"], by_type.get("DiagnosticReport", []), context, as_of, out)
    if "DiagnosticReport" in by_type or "Observation" in by_type:
        note_unread_results(by_type.get("DiagnosticReport", []), by_type.get("Observation", []), context, as_of, out)
    if "Condition" in by_type:
        _read_conditions(by_type["Condition"], context, as_of, out)
    if "Observation" in by_type or "Condition" in by_type:
        read_pregnancy(
            by_type.get("Observation", []), by_type.get("Condition", []), context, as_of, out,
            lambda resource: _is_current_condition(resource, context, as_of.day),
        )
    return out


def _by_type(resources: Sequence[Located], as_of: AsOf, out: Conversion) -> dict[str, list[Located]]:
    """The resources by their type, with what the warnings say of a resource of no FHIR type and
    of elements that are not the JSON type FHIR gives them (``elements.mistyped``)."""
    by_type: dict[str, list[Located]] = {}
    for located in resources:
        kind = located.resource.get("resourceType")
        if kind not in FHIR_RESOURCE_TYPES:
            out.note(f"{located.where}: {no_fhir_type(kind)}: not read")
        elif not as_of.is_after(when_recorded(located.resource)):  # what came later is not seen, nor said
            for said in mistyped(located.resource, located.where):
                out.note(said)
        by_type.setdefault(str(kind), []).append(located)
    return by_type


def no_fhir_type(kind: Any) -> str:
    """A resource of no FHIR type in a Bundle or among a CDS Hooks call's orders (a typo, or a
    type of a FHIR version before R4: DSTU2's MedicationOrder), said with the type it may have
    meant."""
    if kind is not None and not isinstance(kind, str):
        return f"resourceType is {json_type(kind)}, not the name of a FHIR resource type"
    if kind in _RENAMED:
        return f"resourceType {kind!r} is a name of another FHIR version (R4 and R5 call it {_RENAMED[kind]})"
    return f"resourceType {describe(kind)} is no FHIR R4 or R5 resource type{did_you_mean(str(kind), PATIENT_DATA)}"


#: The kinds of resource read as a patient's data (also what "did you mean" suggests).
PATIENT_DATA = ("Patient", "MedicationStatement", "MedicationRequest", "Medication", "Observation", "Condition", "DiagnosticReport")
#: Medicine resources of other FHIR versions (DSTU2; R5's ballots) and what R4 and R5 call them.
_RENAMED = {"MedicationOrder": "MedicationRequest", "MedicationUsage": "MedicationStatement"}


def _distinct(patients: list[Located]) -> list[Located]:
    """The Patient resources, a copy of one already seen (the same export read twice) left out."""
    kept: list[Located] = []
    for located in patients:
        if all(located.resource != seen.resource for seen in kept):
            kept.append(located)
    return kept


#: The problem of a patient recorded as deceased: deliberately not screened, not bad data
#: (``screener.fhir.risk`` reports it as such).
DECEASED = "the patient is recorded as deceased: not screened"


def _read_patient(located: Located, context: FhirContext, as_of: date, out: Conversion) -> None:
    patient, where = located.resource, located.where
    if patient.get("deceasedBoolean") is True or "deceasedDateTime" in patient:
        out.problem(child(where, "deceasedBoolean" if "deceasedBoolean" in patient else "deceasedDateTime"), DECEASED)
        return
    birth, birth_path = _birth(patient, where)
    if birth is not None:
        # Only a FHIR date is read: "19460302" would be read as the year 1946, a guess at an age.
        why = date_problem(birth)
        born = earliest_day(birth) if why is None else None
        if born is None:
            out.problem(birth_path, f"not a date: {describe(birth)}" if earliest_day(birth) is None else f"{describe(birth)} is {why}")
        elif born > as_of:
            out.problem(birth_path, f"born after the reference date {as_of.isoformat()} (--as-of)")
        else:
            out.answers["age"] = max(0, completed_years(latest_day(birth), as_of))
            out.origins["age"] = birth_path
    gender = text_of(typed(patient, "gender"))
    recorded = _sex_in_extensions(patient, where, context)
    if gender is not None and gender in context.mapping.gender:
        out.answers["sex"] = context.mapping.gender[gender]
        out.origins["sex"] = child(where, "gender")
        if recorded is not None and recorded[0] != out.answers["sex"]:
            out.note(
                f"{naming(patient)}: gender {gender!r} and the {recorded[2]} extension ({recorded[0]}) differ: sex was read "
                "from gender; check the record"
            )
    elif gender is not None and gender != "unknown":
        out.note(f"{naming(patient)}: gender {gender!r} is not a FHIR code ({', '.join([*context.mapping.gender, 'unknown'])}), so sex was left unanswered")
    elif recorded is not None:
        # US Core 6 and later may give sex only in an extension (its own example Patient has no gender).
        out.answers["sex"], out.origins["sex"], _ = recorded


def _sex_in_extensions(patient: Mapping[str, Any], where: str, context: FhirContext) -> tuple[str, str, str] | None:
    """The sex the first of the mapping's Patient extensions gives (``sex_extensions`` in
    ``rules/fhir.json``: US Core individual sex, sex, birth sex), with its path and its name; None
    when none gives a listed code."""
    extensions = patient.get("extension")
    listed = list(enumerate(extensions)) if isinstance(extensions, list) else []
    for spec in context.mapping.sex_extensions:
        for index, extension in listed:
            if not isinstance(extension, dict) or extension.get("url") != spec["url"]:
                continue
            coding = extension.get("valueCoding")
            code = coding.get("code") if isinstance(coding, dict) else extension.get("valueCode")
            if isinstance(code, str) and code.strip() in spec["codes"]:
                value = "valueCoding" if isinstance(coding, dict) else "valueCode"
                return spec["codes"][code.strip()], child(child(child(where, "extension"), index), value), spec["name"]
    return None


_BIRTH_TIME = "http://hl7.org/fhir/StructureDefinition/patient-birthTime"


def _birth(patient: Mapping[str, Any], where: str) -> tuple[Any, str]:
    """The birth date and its path: ``birthDate``, else the birth time some systems send only as
    the standard extension on it (``_birthDate``), which FHIR allows without the date itself."""
    if patient.get("birthDate") is not None:
        return patient["birthDate"], child(where, "birthDate")
    element = patient.get("_birthDate")
    extensions = element.get("extension") if isinstance(element, dict) else None
    for index, extension in enumerate(extensions if isinstance(extensions, list) else []):
        if isinstance(extension, dict) and extension.get("url") == _BIRTH_TIME and "valueDateTime" in extension:
            return extension["valueDateTime"], child(child(child(where, "_birthDate"), "extension"), index) + ".valueDateTime"
    return None, child(where, "birthDate")


def _read_medicines(medicines: Sequence[Located], known: Sequence[Located], context: FhirContext, as_of: AsOf, out: Conversion) -> None:
    names: list[str] = []
    first_path = None
    unsure = seen = 0
    for located in medicines:
        resource, where = located.resource, located.where
        kind = resource.get("resourceType")
        if left_out(as_of, when_recorded(resource), resource, out):
            continue  # what came later is not seen, nor said (what is in the future is said)
        seen += 1
        current = context.mapping.is_current(resource)
        if current is None:
            unsure += 1
            found = named_medicine(resource, where, known, context)
            said = f" ({found[0][0]!r})" if found is not None else ""
            given = resource.get("status")
            shown = f"status {describe(given)}" if given is None or isinstance(given, str) else f"a status that is {json_type(given)}, not a code"
            out.note(
                f"{naming(resource)}{said} has {shown}, which says neither that the medicine is "
                f"taken nor that it is not ({child(where, 'status')}): not counted; ask whether it is still taken"
            )
        if not current or resource.get("doNotPerform") is True:
            continue
        intent = context.mapping.uncounted_intent(resource)
        if intent is not None:
            # A proposal, a plan, an option: no order, so nobody is taking the medicine on it.
            unsure += 1
            found = named_medicine(resource, where, known, context)
            said = f" ({found[0][0]!r})" if found is not None else ""
            out.note(
                f"{naming(resource)}{said} has {intent} ({child(where, 'intent')}): "
                "not counted as a medicine taken; ask whether it is taken"
            )
            continue
        found = named_medicine(resource, where, known, context)
        if found is None:
            out.problem(child(where, "medicationCodeableConcept"), f"this {kind} names no medicine (medicationCodeableConcept or medicationReference)")
            continue
        named, no_name_because = found
        if no_name_because is not None:
            out.nameless_medicines.setdefault(named[0], no_name_because)
        _note_period_ended(resource, where, named[0], as_of.day, out)
        names.append(named[0])
        first_path = first_path or named[1]
        out.add_basis(resource)
    if unsure and unsure == seen:
        return  # nothing the record says of its medicines can be read: the question stays open
    out.answers["medications"] = list(dict.fromkeys(names))
    out.origins["medications"] = first_path or medicines[0].where


def _note_period_ended(resource: Mapping[str, Any], where: str, name: str, as_of: date, out: Conversion) -> None:
    """A statement whose status says the medicine is taken but whose period ended before the
    reference date: the status decides (it is counted: leaving out a diuretic that is still taken
    would be the worse mistake), and the warning asks."""
    period = resource.get("effectivePeriod")
    end = period.get("end") if isinstance(period, dict) else None
    if end is None:
        return
    ended, _ = recorded_on({"effectiveDateTime": end})
    if ended is not None and ended < as_of:
        out.note(
            f"{naming(resource)} ({name!r}) has status {describe(resource.get('status'))} but its period ended on "
            f"{ended.isoformat()} ({child(child(where, 'effectivePeriod'), 'end')}): counted as taken now; ask whether it still is"
        )


def _note_unread_medicines(
    dispensed: Sequence[Located], prescribed: Sequence[Mapping[str, Any]], known: Sequence[Located], context: FhirContext, as_of: AsOf, out: Conversion
) -> None:
    """Medicines a pharmacy handed over or a nurse gave (MedicationDispense,
    MedicationAdministration) are not read as medicines taken now: a dispense says what was
    handed over once, not what is taken today, and how recent one must be to count would be a
    clinical rule nobody has written. Their medicines are named in the warnings, so that a
    pharmacy-only record does not look like no medicines; not one given on a prescription the
    record holds (``authorizingPrescription``, ``request``: the prescription's status decides), nor
    one the screen counts already (the same name, or the same drugs as the vocabulary reads them)."""
    counted = out.answers.get("medications", [])
    counted_names = {one.casefold() for one in counted}
    counted_drugs = {drug.generic for match in context.vocabulary.match_all(counted) for drug in match.drugs}
    names: dict[str, None] = {}
    kinds: dict[str, None] = {}
    for located in dispensed:
        resource = located.resource
        taken = when_recorded({**resource, "effectiveDateTime": resource.get("whenHandedOver", resource.get("effectiveDateTime"))})
        if status(resource) in context.mapping.not_current_statuses.get(str(resource.get("resourceType")), ()) or left_out(as_of, taken, resource, out):
            continue
        if _on_a_prescription_held(resource, prescribed):
            continue
        found = named_medicine(resource, located.where, known, context)
        name = found[0][0] if found is not None else None
        if name is None or name.casefold() in counted_names:
            continue
        drugs = {drug.generic for drug in context.vocabulary.match_all([name])[0].drugs}
        if drugs and drugs <= counted_drugs:
            continue
        names[name] = None
        kinds[str(resource.get("resourceType"))] = None
    if names:
        out.note(
            f"medicines in {' and '.join(kinds)} records were not read, since mgk-screen counts those of MedicationRequest and "
            f"MedicationStatement only: {', '.join(repr(name) for name in names)}; ask whether they are still taken"
        )


def _on_a_prescription_held(resource: Mapping[str, Any], prescribed: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a dispense (``authorizingPrescription``) or an administration (``request``) names a
    MedicationRequest of the record."""
    named = resource.get("authorizingPrescription")
    references = [*(named if isinstance(named, list) else []), resource.get("request")]
    targets = [reference_of(reference) for reference in references]
    return any(target is not None and is_reference_to(target, request) for target in targets for request in prescribed)


def _read_conditions(conditions: Sequence[Located], context: FhirContext, as_of: AsOf, out: Conversion) -> None:
    mapping = context.mapping
    found: list[str] = []
    unmapped: list[tuple[Mapping[str, Any], list[Mapping[str, Any]]]] = []
    for located in conditions:
        resource = located.resource
        if not _is_current_condition(resource, context, as_of.day):
            continue
        if left_out(as_of, when_recorded(resource), resource, out):
            continue
        coded = [coding for coding in codings(resource.get("code")) if mapping.is_condition_system(coding.get("system"))]
        if not coded:
            # Words only, or an EHR's local code: read as the unmapped are (named when its name
            # may be one of ours, and then no "none of these"), never read from its name.
            unmapped.append((resource, list(codings(resource.get("code")))))
            continue
        mapped = [name for coding in coded for name in mapping.conditions_for(str(coding.get("system")), str(coding.get("code")))]
        if not mapped:
            unmapped.append((resource, coded))
        if mapped:
            found += mapped
            out.add_basis(resource)
            unconfirmed = sorted(concept_codes(resource.get("verificationStatus")) & mapping.condition_verification_named)
            if unconfirmed:
                out.note(
                    f"{naming(resource)} ({', '.join(name.replace('_', ' ') for name in dict.fromkeys(mapped))}) is counted although the "
                    f"record marks it {' and '.join(unconfirmed)} ({child(located.where, 'verificationStatus')}), not confirmed; "
                    "ask whether the diagnosis has been confirmed"
                )
    unread = sum(_note_unmapped_condition(resource, coded, set(found), context, out) for resource, coded in unmapped)
    if unread and not found:
        return  # conditions the record holds may be ours, and none could be read: "none of these" would be wrong
    out.answers["conditions"] = sorted(set(found), key=list(mapping.conditions).index)
    out.origins["conditions"] = conditions[0].where


def _note_unmapped_condition(
    resource: Mapping[str, Any], coded: Sequence[Mapping[str, Any]], found: set[str], context: FhirContext, out: Conversion
) -> int:
    """A current Condition whose codes the mapping does not hold: passed over when its name says it
    is none of the contract's conditions (a sinusitis). When its name suggests one of them (a
    ``words`` entry of ``rules/fhir.json``, "Chronic renal failure syndrome") and those are not
    read from the record's other Conditions already, or it has no name
    at all, it is named in the warnings, never read from its name; returns 1 then (0 otherwise),
    so that a record whose conditions could not be read is not answered "none of these"."""
    names = [text_of(resource["code"].get("text")) if isinstance(resource.get("code"), dict) else None]
    names += [text_of(coding.get("display")) for coding in coded]
    named = [name for name in names if name is not None]
    ours = any(context.mapping.is_condition_system(coding.get("system")) for coding in coded)
    codes = ", ".join(f"{coding.get('system')}|{str(coding['code']).strip()}" for coding in coded) or "words only"
    if not ours:
        codes += ": no ICD-10, SNOMED CT or ICD-9-CM code"
    if not named:
        coded_how = "coded but not in the mapping" if ours else "coded in no code system the screen reads"
        out.note(
            f"{naming(resource)} ({codes}) is {coded_how} and has no name (code.text or a display), so whether it "
            "is one of the conditions asked about could not be told: not read; ask about the person's conditions"
        )
        return 1
    suggested = [
        condition
        for condition, spec in context.mapping.conditions.items()
        if any(_has_words(name, word) for name in named for word in spec.get("words", ()))
    ]
    if not suggested or set(suggested) & found:
        if not ours:
            out.note(f"{naming(resource)} ({named[0]!r}, {codes}) was not read as a condition")
        return 0  # none of ours, or ones the record's other conditions give already (a neuropathy due to type 2 diabetes)
    said = " or ".join(dict.fromkeys(condition.replace("_", " ") for condition in suggested))
    why = "its code is not in mgk-screen's mapping (rules/fhir.json conditions)" if ours else "conditions are read by their code"
    out.note(
        f"{naming(resource)} ({named[0]!r}, {codes}) may be {said}, but {why}, so it was not read as a condition; ask about "
        f"it{', and add its code to the mapping if it is one' if ours else ''}"
    )
    return 1


def _has_words(name: str, words: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", name, re.IGNORECASE) is not None


def _is_current_condition(resource: Mapping[str, Any], context: FhirContext, as_of: date) -> bool:
    mapping = context.mapping
    if concept_codes(resource.get("verificationStatus")) & mapping.condition_verification_excluded:
        return False
    clinical = concept_codes(resource.get("clinicalStatus"))
    if clinical:
        return bool(clinical & mapping.current_statuses["Condition"])
    # No word on its course: it counts, unless the record says it has ended (an abatement, which
    # FHIR allows only for a condition that is over) on or before the reference date.
    return not _abated(resource, as_of)


def _abated(resource: Mapping[str, Any], as_of: date) -> bool:
    if resource.get("abatementBoolean") is True or isinstance(resource.get("abatementString"), str):
        return True
    for key in ("abatementDateTime", "abatementPeriod", "abatementAge", "abatementRange"):
        if key in resource:
            ended, _ = recorded_on({"effectiveDateTime": resource[key]} if key == "abatementDateTime" else {"effectivePeriod": resource[key]})
            return ended is None or ended <= as_of
    return False
