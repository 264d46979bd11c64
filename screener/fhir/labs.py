"""Potassium and magnesium results in Observations, as laboratories and EHRs write them.

A result is an Observation whose code (LOINC, or its OID) is one of the mapping's, or one
``component`` of an Observation (a panel) whose code is. It counts when its status is current
(final, amended, corrected: ``rules/fhir.json``), or preliminary (``preliminary_result_statuses``),
with a warning. Cancelled and entered-in-error results do not, and neither does one marked as not
measured (``dataAbsentReason``). One whose status says neither (registered, unknown, a
misspelling) is not read either; when it is the most recent, no older result stands in for it (it
could say the opposite): the lab is left unanswered and the warnings name it with its value. So is
a most recent result given as text (``valueString``) that holds a number but is not just a number
and a unit ("2,4", "2.4 mmol/L LL"); one that is ("2.4 mmol/L", as v2-to-FHIR converters write HL7
v2 text results) is read as that quantity, with a warning, and a text without a number
("hemolysed") says nothing of the level and is passed over, with a warning. A result with a number
whose code is in no LOINC but whose name says potassium or magnesium is never read from its name,
and the warnings name it.

When it was taken: ``effectiveDateTime``, ``effectiveInstant`` or ``effectivePeriod`` (its end,
else its start), else ``issued``, else the date of a DiagnosticReport of the record that lists it
among its results, or of a panel Observation (a BMP) that lists it in ``hasMember``. Results dated
after the reference date are left out (``screener.fhir.lab_times.AsOf``: instants are
compared, and what is in the future is named in the warnings); of the rest, the most recent with a quantity is used, by
the instant it was taken (``screener.fhir.lab_times``). When the most recent cannot be told (the
same time, or a day without a time beside a timed result that day) and they differ, the one
furthest from the screen's normal range is used, since it gives the more urgent reading, and the
result's warnings say so.

The unit is read from the quantity's UCUM ``code`` (the computable one) when it has one; the
displayed ``unit`` is read only when there is no UCUM code (no code, or a code of another
system, as some lab systems send a SNOMED CT code there). A UCUM code we do not know or a unit
we cannot use for that result is a problem with the element's path: never a guess. A most recent
result given as "<2.5" or ">6.0" (a comparator) is not a value: it goes into the answers as the
bound it is (``below`` or ``above``), unit-converted as a value is, and the rules decide what it
says (below the low limit it is a low result; "<4.0" places it nowhere and is not used). An older
result does not stand in for it (it says the level is past that bound, which an older number may
contradict). "<=" and ">=" allow the bound itself, which the answers cannot carry: such a result
is not used, and the result's warnings say so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from screener.fhir.conversion import Conversion, child, describe
from screener.fhir.elements import codings, is_reference_to, naming, recorded_on, status, text_of
from screener.fhir.lab_times import AsOf, Taken, latest_of, left_out, taken_at, when_recorded
from screener.fhir.mapping import LOINC, FhirContext, UnitCode
from screener.fhir.result_units import SCALED_UNITS, divided, no_unit_given, usable_unit, written_unit
from screener.interview.answer_paths import get_path
from screener.screening.lab_units import one_scale, unit_without_one, why_read_as


@dataclass(frozen=True)
class _Reading:
    """One candidate result: the lab, the element holding its value (an Observation or one of its
    components) and where it is, the Observation it belongs to, and when it was taken."""

    lab: str
    element: Mapping[str, Any]
    path: str
    observation: Mapping[str, Any]
    taken: Taken | None
    taken_path: str | None
    unusable: str | None = None
    """Why this result, present and newer perhaps than the others, cannot be used (its status
    says neither final nor void; a text that is no number and unit): when it is the newest, no
    older result is used in its place."""
    caveats: tuple[str, ...] = ()
    """What the warnings say of it when it is the result used (preliminary; read from text)."""
    from_text: Mapping[str, Any] | None = None
    """The quantity read from a ``valueString`` ("2.4 mmol/L")."""
    no_number: bool = False
    """A result with no number to read (a lab flag, a coded value, or no value at all)."""
    value_said: str = ""
    """How such a result's value is shown (``Low``), when it has one."""
    flag: str | None = None
    """The lab's flag on it, in words (``critical low (LL)``)."""

    @property
    def quantity(self) -> Mapping[str, Any] | None:
        """The result's quantity; a ``valueInteger`` (a number without a unit) is read as one
        without a unit, a ``valueString`` of a number and a unit as that quantity."""
        if self.from_text is not None:
            return self.from_text
        quantity = self.element.get("valueQuantity")
        if "valueQuantity" not in self.element and _is_integer(self.element.get("valueInteger")):
            return {"value": self.element["valueInteger"]}
        return quantity if isinstance(quantity, dict) else None

    @property
    def value_element(self) -> str:
        if self.from_text is not None:
            return "valueString"
        return "valueQuantity" if "valueQuantity" in self.element or "valueInteger" not in self.element else "valueInteger"

    def value_shown(self) -> str:
        """The value as its record gives it, for a message: ``<2.5 mmol/L``; empty for a result
        with no value at all."""
        if self.no_number:
            return self.value_said
        if self.quantity is None and isinstance(self.element.get("valueString"), str):
            return str(self.element["valueString"])
        quantity = self.quantity or {}
        number = quantity.get("value")
        comparator = quantity.get("comparator") if isinstance(quantity.get("comparator"), str) else ""
        unit = next((text for text in (quantity.get("unit"), quantity.get("code")) if isinstance(text, str) and text.strip()), "")
        return f"{comparator}{number if number is not None else 'no value'} {unit}".strip()

    def shown(self) -> str:
        """The result for a message: ``'<2.5 mmol/L' (2024-07-30, Observation/k2)``."""
        when = self.taken.written if self.taken is not None else "undated"
        value = self.value_shown()
        return f"{repr(value) + ' ' if value else ''}({when}, {naming(self.observation)})"


def read_labs(observations: Sequence[Any], reports: Sequence[Any], context: FhirContext, as_of: AsOf, out: Conversion) -> None:
    """The most recent usable potassium and magnesium results of a record's Observations
    (``Located``), dated by their own elements, or by the DiagnosticReports (``Located``) or the
    panel Observations (``hasMember``) that list them."""
    candidates: dict[str, list[_Reading]] = {}
    # A panel Observation (a BMP) lists its results in hasMember, as a report does in result.
    panels = [located for located in observations if isinstance(located.resource.get("hasMember"), list)]
    listing = [*reports, *panels]
    for located in observations:
        for reading in _readings(located, listing, context, as_of, out):
            if left_out(as_of, reading.taken, reading.observation, out):
                continue
            valued = _with_value(reading, context, out)
            if valued is not None:
                candidates.setdefault(reading.lab, []).append(valued)
    for lab, readings in candidates.items():
        latest = [readings[index] for index in latest_of([reading.taken for reading in readings])]
        _read_result(_most_urgent(lab, latest, context, out), context, as_of.day, out)


def note_unread_results(reports: Sequence[Any], observations: Sequence[Any], context: FhirContext, as_of: AsOf, out: Conversion) -> None:
    """Name the results a DiagnosticReport (``Located``) lists that the input does not hold: a
    report alone (as an EHR's report search gives it) only points to its Observations, and a
    potassium among them would be missing from the screen without a word. Results held inside
    the report (``contained``) are not read either, so they are named too. A report dated after
    the reference date is passed over, as all later data is; the reports older than the last
    ``lab_taken`` window, whose results would not be used, are named together in one warning.
    A laboratory panel Observation (a BMP, coded in LOINC) listing its results in ``hasMember`` is
    read the same way (``_laboratory_panel``)."""
    older: list[str] = []
    panels = [one for one in observations if isinstance(one.resource.get("hasMember"), list) and _laboratory_panel(one.resource, context)]
    for report in [*reports, *panels]:
        missing = _results_not_held(report.resource, observations)
        taken, _ = _when(report.resource)
        if not missing or left_out(as_of, taken, report.resource, out):
            continue
        if taken is not None and _taken(taken.last_day, as_of.day, context) == context.mapping.lab_taken["otherwise"]:
            older.append(f"{naming(report.resource)} of {taken.written}")
            continue
        element, whole = ("result", "report") if report.resource.get("resourceType") == "DiagnosticReport" else ("hasMember", "panel")
        out.note(
            f"{naming(report.resource)} lists {len(missing)} result{'s' if len(missing) > 1 else ''} that the input does not "
            f"hold ({_first_few(missing)}; {child(report.where, element)}): they were not read, so a potassium or magnesium "
            f"among them is not in this screen; give a Bundle with the {whole} and its Observations"
        )
    if older:
        days = context.mapping.lab_taken["windows"][-1]["within_days"]
        out.note(
            f"{len(older)} report{'s' if len(older) > 1 else ''} more than {days} days old list{'' if len(older) > 1 else 's'} "
            f"results that the input does not hold ({_first_few(older)}): they were not read. A result that old would not be "
            "used, but it may be worth giving the recent results, or asking for a recheck"
        )


def _laboratory_panel(panel: Mapping[str, Any], context: FhirContext) -> bool:
    """Whether a panel Observation may list lab results: not void, coded in LOINC (as results are
    read by their LOINC code only: a local or words-only panel, the IPS example's "Blood typing",
    is not), and laboratory or of no category (a vital-signs panel lists no potassium)."""
    if context.mapping.is_current(panel) is False:
        return False
    if not any(context.mapping.system(coding.get("system")) == LOINC for coding in codings(panel.get("code"))):
        return False
    concepts = panel.get("category")
    kinds = [str(coding["code"]) for concept in (concepts if isinstance(concepts, list) else []) for coding in codings(concept)]
    return not kinds or "laboratory" in kinds


def _results_not_held(report: Mapping[str, Any], observations: Sequence[Any]) -> list[str]:
    """The references of a report's ``result`` (a panel's ``hasMember``) that name none of the
    input's Observations."""
    results = report.get("result" if report.get("resourceType") == "DiagnosticReport" else "hasMember")
    return [
        entry["reference"]
        for entry in (results if isinstance(results, list) else [])
        if isinstance(entry, dict)
        and isinstance(entry.get("reference"), str)
        and not any(is_reference_to(entry["reference"], one.resource) for one in observations)
    ]


def _first_few(names: Sequence[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _most_urgent(lab: str, latest: list[_Reading], context: FhirContext, out: Conversion) -> _Reading:
    """Of results that cannot be put in time order, the one giving the more urgent reading: the
    furthest from the normal range (below it and above it alike, in proportion to the bound), or
    when all are within it, the lowest. One that cannot be read at all comes first, so that its
    problem is reported as it would be were it alone. The warnings name them all when they differ."""
    chosen = max(latest, key=lambda reading: _urgency(reading, context))
    if len({(reading.value_shown(), reading.no_number) for reading in latest}) > 1:
        others = ", ".join(reading.shown() for reading in latest if reading is not chosen)
        used = (
            "which cannot be read (below), comes first, so none was used"
            if chosen.unusable is not None
            else "was used, as the more urgent reading (furthest from the normal range, else the lowest)"
        )
        out.note(
            f"{len(latest)} {lab} results were taken at the same time, or on the same day with and without a time, "
            f"so which is the most recent cannot be told: {chosen.shown()} {used}, rather than {others}"
        )
    return chosen


def _urgency(reading: _Reading, context: FhirContext) -> tuple[float, float]:
    """How far a result lies outside the normal range, as a share of the bound it passes (0 within
    it), then how low it is. A value given with a comparator is ranked by its bound."""
    quantity = reading.quantity
    number = quantity.get("value") if quantity is not None else None
    unit, _, divisor = usable_unit(quantity, reading.lab, context) if quantity is not None else (None, "", 1)
    if unit is None or isinstance(number, bool) or not isinstance(number, (int, float)):
        return math.inf, 0.0
    spec = context.lab_units.get(reading.lab, {})
    mmol = number / divisor * float(spec.get("to_mmol_per_l", {}).get(unit.value, 1))
    # The screen's normal range (the ruleset's lab_units; tests/test_fhir_lab_recency.py checks it
    # is the bounds the rules use): without one, the lowest result is the more urgent.
    low, high = spec.get("normal_mmol_per_l", (mmol, mmol))
    outside = (low - mmol) / low if mmol < low else (mmol - high) / high if mmol > high else 0.0
    return outside, -mmol


def _readings(located: Any, reports: Sequence[Any], context: FhirContext, as_of: AsOf, out: Conversion) -> list[_Reading]:
    resource, where = located.resource, located.where
    code = resource.get("code")
    if not any(True for _ in codings(code)) and (not isinstance(code, dict) or text_of(code.get("text")) is None):
        out.problem(child(where, "code"), "this Observation has no code: cannot tell what was measured")
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
        if not as_of.is_after(when_recorded(resource)):  # what came later is not seen, nor said
            _note_result_not_coded_in_loinc(resource, context, out)
        return []
    taken, taken_path = _taken_on(resource, where, reports)
    current = context.mapping.is_current(resource)
    if current is False:
        return []  # cancelled, entered in error: no result at all
    said = f"status {describe(resource.get('status'))} ({child(where, 'status')})"
    unusable = caveat = None
    if current is None and status(resource) in context.mapping.preliminary_result_statuses:
        caveat = (
            f"has {said}, an initial result that may be incomplete or unverified: it was used, as the newest; "
            "check it against the final result"
        )
    elif current is None:
        unusable = f"has {said}, neither final nor void ({', '.join(sorted(context.mapping.current_statuses['Observation']))} results are read)"
    return [
        _Reading(lab, element, path, resource, taken, taken_path, unusable, (caveat,) if caveat else ())
        for lab, element, path in elements
    ]


def _note_result_not_coded_in_loinc(resource: Mapping[str, Any], context: FhirContext, out: Conversion) -> None:
    """A result with a number, coded in no LOINC at all (an EHR's local code, or words only),
    whose name says it is a potassium or magnesium (``words`` in ``rules/fhir.json``): not read,
    since the name is not the code and a guess could take a urine potassium for a serum one, but
    named in the warnings rather than lost without a word. One with a LOINC code that is not
    ours (a urine potassium, a potassium goal) is what it says, and is passed over."""
    code = resource.get("code")
    if not isinstance(code, dict) or "valueQuantity" not in resource or context.mapping.is_current(resource) is False:
        return
    if any(context.mapping.system(coding.get("system")) == LOINC for coding in codings(code)):
        return
    listed = code.get("coding")
    names = [text_of(code.get("text")), *(text_of(c.get("display")) for c in (listed if isinstance(listed, list) else []) if isinstance(c, dict))]
    for lab, spec in context.mapping.labs.items():
        words = spec.get("words", [])
        said = next((name for name in names if name is not None and any(_has_word(name, word) for word in words)), None)
        if said is not None:
            local = ", ".join(f"{coding.get('system')}|{coding['code']}" for coding in codings(code)) or "words only"
            # Said without the resource's id, so that a year of the same local test is one warning.
            out.note(
                f"a result named {said!r} is not coded in LOINC ({local}), so it was not read as a {lab} result: results are read "
                "by their LOINC code only; ask for the export to add its LOINC code"
            )
            return


def _has_word(name: str, word: str) -> bool:
    return re.search(rf"(?<![\w+]){re.escape(word)}(?![\w+])", name, re.IGNORECASE) is not None


def _lab_of(code: Any, context: FhirContext) -> str | None:
    for coding in codings(code):
        lab = context.mapping.lab_for_code(coding.get("system"), coding.get("code"))
        if lab is not None:
            return lab
    return None


def _taken_on(resource: Mapping[str, Any], where: str, reports: Sequence[Any]) -> tuple[Taken | None, str | None]:
    """When a result was taken, and the element that says so (its own, or its report's)."""
    taken, element = _when(resource)
    if taken is not None and element is not None:
        return taken, child(where, element)
    for report in reports:
        results = report.resource.get("result" if report.resource.get("resourceType") == "DiagnosticReport" else "hasMember")
        listed = any(
            isinstance(entry, dict) and isinstance(entry.get("reference"), str) and is_reference_to(entry["reference"], resource)
            for entry in (results if isinstance(results, list) else [])
        )
        if listed:
            taken, element = _when(report.resource)
            if taken is not None and element is not None:
                return taken, child(report.where, element)
    return None, None


def _when(resource: Mapping[str, Any]) -> tuple[Taken | None, str | None]:
    """The element ``recorded_on`` reads a resource's date from, read with its time."""
    _, element = recorded_on(resource)
    value = get_path(resource, element) if element is not None else None
    return (taken_at(value), element) if isinstance(value, str) else (None, None)


def _with_value(reading: _Reading, context: FhirContext, out: Conversion) -> _Reading | None:
    """The reading when it has a value to read: a quantity, or a ``valueString`` that is a number
    and a unit ("2.4 mmol/L", as HL7 v2 text results come out of v2-to-FHIR converters), read as
    that quantity with a warning. A text with a number that is not only a number and a known unit
    ("2,4", "2.4 mmol/L LL") is a result that cannot be read, kept so that no older one is used in
    its place; so is one with no number that the lab flags (``interpretation`` LL, H...), one given
    as another kind of value (a ``valueCodeableConcept`` "Low"), and one with no value at all
    (only a reference range): each says, or may say, something of the level now. Only what says
    nothing of it is passed over, so that an older result may stand in: one marked as not measured
    (``dataAbsentReason``) with no flag, and a text without a number ("hemolysed") with no flag
    and no word of a level, which is noted."""
    element = reading.element
    if "valueQuantity" in element or _is_integer(element.get("valueInteger")):
        return reading
    flag = _lab_flag(element, context)
    flagged = f"is flagged {flag} by the lab, with no number" if flag is not None else ""
    absent = element.get("dataAbsentReason", reading.observation.get("dataAbsentReason"))
    if absent is not None:
        if not flagged:
            return None  # not measured, and nothing said of the level: no result
        reason = _concept_said(absent) if isinstance(absent, dict) else ""
        why = f"{flagged} (marked as not measured: dataAbsentReason {reason!r})" if reason else f"{flagged} (marked as not measured: dataAbsentReason)"
        return replace(reading, unusable=reading.unusable or why, no_number=True, flag=flag)
    text = element.get("valueString")
    if isinstance(text, str) and any(character.isdigit() for character in text):
        quantity = _quantity_in_text(text, reading.lab, context)
        if quantity is None:
            why = f"is given as text (valueString) that is not a number and a unit a {reading.lab} result is given in"
            why += f", and is flagged {flag} by the lab" if flag is not None else ""
            return replace(reading, unusable=reading.unusable or why, flag=flag)
        caveat = "is given as text (valueString) and was read from it: check it against the lab's report"
        return replace(reading, from_text=quantity, caveats=(*reading.caveats, caveat))
    if isinstance(text, str) and not flagged and _LEVEL_WORDS.search(text) is None:
        out.note(f"{naming(reading.observation)}: a {reading.lab} result given as valueString, not a number (valueQuantity) was not used")
        return None
    given = next((key for key in element if key.startswith("value")), None)
    value = element.get(given) if given is not None else None
    said = _concept_said(value) if isinstance(value, dict) else str(value) if isinstance(value, (str, int, float)) else ""
    how = f"given as {given}" if given is not None else "only a reference range given" if "referenceRange" in element else "no value given"
    why = f"{flagged or 'has no number'} ({how})"
    return replace(reading, unusable=reading.unusable or why, no_number=True, value_said=said, flag=flag)


#: Words of a level in a text result without a number ("LOW", "critical high"): it says
#: something of the level, so no older result stands in for it.
_LEVEL_WORDS = re.compile(r"\b(low|high|critical|critically|abnormal|panic|decreased|increased|elevated)\b", re.IGNORECASE)


def _lab_flag(element: Mapping[str, Any], context: FhirContext) -> str | None:
    """The lab's flag on a result (``interpretation``) in words: ``critical low (LL)``; a code of
    another system by its display or code, a flag in words only as written; None without one."""
    flags = context.mapping.result_flags
    said: list[str] = []
    concepts = element.get("interpretation")
    for concept in concepts if isinstance(concepts, list) else [concepts] if isinstance(concepts, dict) else []:
        found = list(codings(concept))
        for coding in found:
            code = str(coding["code"]).strip()
            words = flags["words"].get(code) if context.mapping.system(coding.get("system")) in (flags["system"], None) else None
            display = text_of(coding.get("display"))
            said.append(f"{words} ({code})" if words is not None else repr(display) if display is not None else repr(code))
        text = text_of(concept.get("text")) if isinstance(concept, dict) else None
        if not found and text is not None:
            said.append(repr(text))
    return " and ".join(dict.fromkeys(said)) or None


def _concept_said(concept: Mapping[str, Any]) -> str:
    """A CodeableConcept in a message: its text, else its first coding's display or code."""
    text = text_of(concept.get("text"))
    if text is not None:
        return text
    for coding in codings(concept):
        return text_of(coding.get("display")) or str(coding["code"]).strip()
    return ""


#: A result written as text: a comparator, a number (a point for decimals), and a unit.
_TEXT_QUANTITY = re.compile(r"\s*(<=|>=|<|>)?\s*(\d+(?:\.\d+)?|\.\d+)\s*(\S(?:.*\S)?)?\s*")


def _quantity_in_text(text: str, lab: str, context: FhirContext) -> dict[str, Any] | None:
    """The quantity a text result states, when it is only a number, perhaps a comparator, and a
    unit the lab's result is given in (or, for a lab of one scale, potassium, none):
    ``"<2.5 mmol/L"``."""
    match = _TEXT_QUANTITY.fullmatch(text)
    if match is None:
        return None
    comparator, number, unit = match.groups()
    quantity: dict[str, Any] = {"value": float(number) if "." in number else int(number)}
    if unit is not None:
        quantity["unit"] = unit
        if usable_unit(quantity, lab, context)[0] is None:
            return None
    elif not one_scale(context.lab_units.get(lab, {})):
        return None
    if comparator is not None:
        quantity["comparator"] = comparator
    return quantity


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read_result(reading: _Reading, context: FhirContext, as_of: date, out: Conversion) -> None:
    if reading.unusable is not None:
        out.left_unanswered(
            reading.lab,
            f"{naming(reading.observation)}: the most recent {reading.lab} result {reading.shown()} {reading.unusable}, so it "
            f"was not used, and no older {reading.lab} result was used in its place (it could say the opposite): the {reading.lab} "
            "result is left unanswered; ask the lab for it",
            f"flagged {reading.flag}, with no number" if reading.flag is not None and reading.no_number else "could not be used",
        )
        return
    quantity = reading.quantity
    path = child(reading.path, reading.value_element)
    number = quantity.get("value") if quantity is not None else None
    if quantity is None or isinstance(number, bool) or not isinstance(number, (int, float)):
        if quantity is not None and number is not None:
            out.problem(child(path, "value"), f"this {reading.lab} result's value is not a number: {describe(number)}")
        else:
            out.problem(path, f"this {reading.lab} result has no value (valueQuantity.value)")
        return
    comparator = quantity.get("comparator")
    given: str = _BOUND_OF_COMPARATOR.get(comparator, "value") if isinstance(comparator, str) else "value"
    if comparator and given == "value":
        out.left_unanswered(
            reading.lab,
            f"the most recent {reading.lab} result {reading.shown()} has the comparator {describe(comparator)}, which allows "
            f"the number itself, so it was not used: ask the lab for the value (no older {reading.lab} result was used in its place)",
            f"given as {comparator}{number}",
        )
        return
    unit, key, divisor = usable_unit(quantity, reading.lab, context)
    if unit is None and reading.value_element == "valueInteger" and not one_scale(context.lab_units.get(reading.lab, {})):
        out.left_unanswered(
            reading.lab,
            f"{naming(reading.observation)}: the most recent {reading.lab} result {reading.shown()} is given as valueInteger, "
            f"without a unit, which a {reading.lab} result needs (its units differ in scale): not used (no older {reading.lab} "
            "result was used in its place)",
            "given without a unit",
        )
        return
    if unit is None and no_unit_given(quantity):
        unit = _read_without_unit(reading, number, context, out)
        key = "value" if unit is not None else key
    if unit is None:
        item = context.questionnaire.item(context.mapping.labs[reading.lab]["item"])
        takes = [context.mapping.units[value.value].code for value in item.units]
        scales = [written for written, (of, _) in SCALED_UNITS.items() if of in {value.value for value in item.units}]
        accepted = ", ".join([*takes, *scales])
        unit_given = quantity.get(key)
        said = f"unknown unit {describe(unit_given)}" if unit_given is not None else "no unit (valueQuantity.code or .unit)"
        out.problem(child(path, key), f"{said} for a {reading.lab} result: expected one of {accepted}")
        return
    if divisor != 1:
        scaled = divided(number, divisor)
        out.note(
            f"{naming(reading.observation)}: the {reading.lab} result {reading.shown()} was read as {scaled:g} {unit.value} "
            f"(1 {unit.value} is {divisor} {written_unit(quantity, key)}), the unit the screen takes"
        )
        number = scaled
    result: dict[str, Any] = {given: number, "unit": unit.value}
    value_path = path if reading.value_element in ("valueInteger", "valueString") else child(path, "value")
    out.origins[f"labs.{reading.lab}.{given}"] = value_path
    out.origins[f"labs.{reading.lab}.unit"] = value_path if key == "value" or reading.from_text is not None else child(path, key)
    if reading.taken is not None and reading.taken_path is not None:
        result["taken"] = _taken(reading.taken.first_day, as_of, context)
        out.origins[f"labs.{reading.lab}.taken"] = reading.taken_path
    out.answers.setdefault("labs", {})[reading.lab] = result
    out.add_basis(reading.observation)
    for caveat in reading.caveats:
        out.note(f"{naming(reading.observation)}: the most recent {reading.lab} result {reading.shown()} {caveat}")


#: The comparators that say on which side of a number the true value lies, as the answers say it
#: (FHIR's QuantityComparator: "<" the actual value is less than the given one). "<=", ">=" and
#: "ad" are not here: the value could be the number itself.
_BOUND_OF_COMPARATOR = {"<": "below", ">": "above"}


def _read_without_unit(reading: _Reading, number: float, context: FhirContext, out: Conversion) -> UnitCode | None:
    """The unit of a result given without one: for a lab of one scale (potassium), mmol/L when the
    number is within the ruleset's plausible range, with a warning; None otherwise (the caller
    says what is missing)."""
    read_as = unit_without_one(number, context.lab_units.get(reading.lab, {}))
    unit = context.mapping.units.get(read_as) if read_as is not None else None
    if unit is None:
        return None
    out.note(
        f"{naming(reading.observation)}: the {reading.lab} result {number} ({reading.taken.written if reading.taken else 'undated'}) "
        f"is given without a unit ({reading.value_element}); it was read as {unit.value}, {why_read_as(reading.lab)}"
    )
    return unit


def _taken(taken: date, as_of: date, context: FhirContext) -> str:
    days = (as_of - taken).days
    for window in context.mapping.lab_taken["windows"]:
        if days <= window["within_days"]:
            return str(window["value"])
    return str(context.mapping.lab_taken["otherwise"])
