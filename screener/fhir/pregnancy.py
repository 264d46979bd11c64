"""Whether the person is pregnant, as EHR data says it (the questionnaire's ``pregnant``).

Which resources say it, and for how long each counts, is ``rules/fhir.json`` (``pregnancy``):

- an Observation of a pregnancy status (LOINC 82810-3, as US Core's Pregnancy Status profile
  codes it; the older 11449-6) with a current status, whose ``valueCodeableConcept`` is one of
  the mapping's values (LOINC answers, SNOMED CT, HL7 NullFlavor UNK): yes, no or unsure. One
  whose status says neither current nor void, or whose value is none of those, is named in the
  warnings; one marked as not known (``dataAbsentReason``) is passed over;
- a Condition that means a current pregnancy (ICD-10 by prefix, SNOMED CT exactly) and counts
  as any condition does (clinical status, verification status, abatement): yes.

Each is dated (an Observation's effective date, a Condition's onset, else its recordedDate;
``screener.fhir.lab_times``). What is dated after the reference date is not seen. The newest
statement decides, since a pregnancy status is a statement about one time: a newer "not
pregnant" ends an older "pregnant", and the warnings say when older ones disagree. When the
newest cannot be told (the same day) and they disagree, the more careful (yes, then unsure) is
used and the warnings say so. The newest counts only while it is no older than the days the
mapping gives its value (``counts_for_days``: a "pregnant" for 42 weeks, when a pregnancy is
post-term); an older one, or an undated one, leaves the question open, and the warnings name it.

It is read only for a person the questionnaire asks ("female" or "other", aged 10-55, both
known: ``screener.contract.coverage.applies``); for anyone else a record of pregnancy is named
in the warnings and not set, since it is more likely a record kept under the wrong person or sex
than an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from screener.contract.coverage import PREGNANCY_AGES, PREGNANCY_SEXES, applies
from screener.fhir.conversion import Conversion, child, describe
from screener.fhir.elements import codings, naming, recorded_on, text_of
from screener.fhir.lab_times import AsOf, Taken, latest_of, left_out, taken_at
from screener.fhir.mapping import FhirContext
from screener.interview.answer_paths import get_path

#: Of statements that cannot be put in time order, the more careful answer is used.
_CAREFUL_FIRST = ("yes", "unsure", "no")


@dataclass(frozen=True)
class _Statement:
    """One dated (or undated) statement of whether the person is pregnant."""

    value: str
    resource: Mapping[str, Any]
    path: str
    said: str
    taken: Taken | None
    limit: int | None = None
    """Days it counts for, when its code says fewer than its value's ``counts_for_days`` (an
    ICD-10-CM weeks-of-gestation code: only the weeks left to 42)."""

    def shown(self) -> str:
        """The statement for a message: ``'Pregnant' (2025-01-10, Observation/p1)``."""
        when = self.taken.written if self.taken is not None else "undated"
        return f"{self.said!r} ({when}, {naming(self.resource)})"


def read_pregnancy(
    observations: Sequence[Any],
    conditions: Sequence[Any],
    context: FhirContext,
    as_of: AsOf,
    out: Conversion,
    is_current_condition: Callable[[Mapping[str, Any]], bool],
) -> None:
    """Answer ``pregnant`` from a record's Observations and Conditions (``Located``), when they
    say it and the question applies to the person; name in the warnings what was not read."""
    statements = [found for located in observations if (found := _observed(located, context, as_of, out)) is not None]
    statements += [found for located in conditions if (found := _diagnosed(located, context, as_of, out, is_current_condition)) is not None]
    if not statements:
        return
    for statement in statements:
        if statement.taken is None:
            out.note(
                f"{naming(statement.resource)} says {statement.said!r} about pregnancy but has no date, so whether it still holds "
                "cannot be told: not read; ask whether she is pregnant"
            )
    dated = [statement for statement in statements if statement.taken is not None]
    if not dated:
        return
    newest = [dated[index] for index in latest_of([statement.taken for statement in dated])]
    chosen = min(newest, key=lambda statement: _CAREFUL_FIRST.index(statement.value))
    if len({statement.value for statement in newest}) > 1:
        others = ", ".join(statement.shown() for statement in newest if statement is not chosen)
        out.note(
            f"records of pregnancy on the same day disagree, so which is the newest cannot be told: {chosen.shown()} was used, "
            f"as the more careful reading, rather than {others}"
        )
    item = context.mapping.pregnancy["item"]
    if not applies(item, out.answers, ()):
        if chosen.value != "no":
            out.note(
                f"{chosen.shown()} records a pregnancy, but the question is asked only of women and 'other' aged "
                f"{PREGNANCY_AGES[0]}-{PREGNANCY_AGES[1]}, and this record gives {_whom(out.answers)}: not read; check "
                "the record (whose it is, and the sex and birth date in it)"
            )
        return
    older = [statement for statement in dated if statement not in newest and statement.value != chosen.value]
    if older:
        out.note(
            f"the newest record of pregnancy, {chosen.shown()}, was used; older ones said otherwise: "
            f"{', '.join(statement.shown() for statement in older[:5])}{' and more' if len(older) > 5 else ''}"
        )
    assert chosen.taken is not None
    days = as_of.day.toordinal() - chosen.taken.first_day.toordinal()
    limit = int(context.mapping.pregnancy["counts_for_days"][chosen.value])
    if chosen.limit is not None:
        limit = min(limit, chosen.limit)
    if days > limit:
        out.note(
            f"the newest record of pregnancy, {chosen.shown()}, is {days} days old, older than the {limit} days such a record "
            "is read for: not read; ask whether she is pregnant now"
        )
        return
    out.answers[item] = chosen.value
    out.origins[item] = chosen.path
    out.add_basis(chosen.resource)


def _whom(answers: Mapping[str, Any]) -> str:
    sex, age = answers.get("sex"), answers.get("age")
    parts = [f"sex {sex}" if sex is not None else "no sex", f"age {age}" if age is not None else "no age"]
    if sex in PREGNANCY_SEXES and age is not None:
        parts = [f"age {age}"]
    return " and ".join(parts)


def _dated(located: Any) -> Taken | None:
    _, element = recorded_on(located.resource)
    value = get_path(located.resource, element) if element is not None else None
    return taken_at(value) if isinstance(value, str) else None


def _observed(located: Any, context: FhirContext, as_of: AsOf, out: Conversion) -> _Statement | None:
    """The statement a pregnancy status Observation makes; None when it is none (or makes none
    that may be read: the warnings say why, when the record should know)."""
    resource, where = located.resource, located.where
    mapping = context.mapping
    if not any(mapping.is_pregnancy_status(coding.get("system"), coding.get("code")) for coding in codings(resource.get("code"))):
        return None
    taken = _dated(located)
    if left_out(as_of, taken, resource, out):
        return None  # what came later is not seen, nor said (what is in the future is said)
    current = mapping.is_current(resource)
    if current is False or "dataAbsentReason" in resource:
        return None
    concept = resource.get("valueCodeableConcept")
    found = next(
        ((value, coding) for coding in codings(concept) if (value := mapping.pregnancy_value(coding.get("system"), coding.get("code"))) is not None),
        None,
    )
    if found is None:
        given = ", ".join(f"{coding.get('system')}|{coding['code']}" for coding in codings(concept))
        text = text_of(concept.get("text")) if isinstance(concept, dict) else None
        said = given or (repr(text) if text else "no coded value (valueCodeableConcept)")
        out.note(f"{naming(resource)}: a pregnancy status whose value ({said}) is not one mgk-screen reads was not read")
        return None
    value, coding = found
    said = text_of(coding.get("display")) or str(coding["code"])
    if current is None:
        out.note(
            f"{naming(resource)}: a pregnancy status ({said!r}) with status {describe(resource.get('status'))} "
            f"({child(where, 'status')}) was not read: only {', '.join(sorted(mapping.current_statuses['Observation']))} ones are"
        )
        return None
    return _Statement(value, resource, child(where, "valueCodeableConcept"), said, taken)


def _diagnosed(located: Any, context: FhirContext, as_of: AsOf, out: Conversion, is_current_condition: Callable[[Mapping[str, Any]], bool]) -> _Statement | None:
    """The statement a Condition of a current pregnancy makes (yes), when it counts now."""
    resource, where = located.resource, located.where
    coded = [
        (coding, entry)
        for coding in codings(resource.get("code"))
        if (entry := context.mapping.pregnancy_condition(coding.get("system"), coding.get("code"))) is not None
    ]
    if not coded or not is_current_condition(resource):
        return None
    taken = _dated(located)
    if left_out(as_of, taken, resource, out):
        return None
    coding, entry = coded[0]
    said = text_of(coding.get("display")) or str(coding["code"])
    limit = None
    if entry.get("weeks_of_gestation"):
        limit = _days_left(str(coding["code"]), entry["prefix"], int(context.mapping.pregnancy["counts_for_days"]["yes"]))
    return _Statement("yes", resource, child(where, "code"), said, taken, limit)


def _days_left(code: str, prefix: str, term_days: int) -> int:
    """The days of pregnancy a weeks-of-gestation code leaves at most (ICD-10-CM Z3A: Z3A.39 is
    39 weeks, so 3 weeks to 42; Z3A.00 unspecified and Z3A.01 under 8 weeks leave the whole
    term; Z3A.49, over 42 weeks, none). A weeks code is also written on the delivery record,
    so it is never read for longer than the pregnancy could still last."""
    digits = code.replace(".", "").strip().upper()[len(prefix.replace(".", "")) :]
    if not digits.isdigit() or int(digits) < 8:
        return term_days
    return max(0, term_days - 7 * int(digits))
