"""Answers to input facts: the arithmetic and vocabulary lookup that come before the rules.

Nothing here decides anything clinical. It adds up AUDIT-C, converts lab units (factors and
rounding from the ruleset), turns lists into flags, looks medication names up in the
vocabulary and flags the sections left unanswered. What those facts mean is for the rules.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from screener.contract.answers import Answers, says_no_medicines
from screener.contract.coverage import (
    SECTION_WORDS,
    Coverage,
    alcohol_not_used,
    applies,
    core_sections_that_apply,
    coverage_from_missing,
    few_answered,
    missing_core_sections,
    mostly_unsure,
    pregnancy_not_used,
    unanswered_sections,
)
from screener.contract.validation import Problem
from screener.screening.lab_units import unit_without_one, why_read_as
from screener.screening.medication_suggestions import Correction, not_recognised, parts_worth_asking_about, suggested
from screener.screening.medications import MedicationMatch, Vocabulary
from screener.screening.ruleset import Ruleset


@dataclass
class Normalised:
    """The input facts (a nested dict the engine reads) and what the result reports about them."""

    facts: dict[str, Any]
    medications: tuple[MedicationMatch, ...] = ()
    labs_used: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unanswered_sections: list[str] = field(default_factory=list)
    coverage: Coverage = "none"


def convert_lab(value: float, unit: str, spec: dict[str, Any]) -> float:
    """A lab value in mmol/L, rounded half up as the ruleset says (1.7 mg/dL is 0.70 mmol/L)."""
    # Each value is converted twice (checking it, then as a fact): the second time is remembered.
    return _converted(str(value), str(spec["to_mmol_per_l"][unit]), int(spec["decimals"]))


@functools.lru_cache(maxsize=1024)
def _converted(value: str, factor_text: str, decimals: int) -> float:
    factor = Decimal(factor_text)
    step = Decimal(1).scaleb(-decimals)
    exact = Decimal(value) * factor
    if exact.adjusted() > 9:
        # Far beyond any plausible range (and beyond what quantize can round): no rounding needed
        # for the "implausible value" message this leads to.
        return float(exact)
    return float(exact.quantize(step, rounding=ROUND_HALF_UP))


def lab_problems(answers: Answers, ruleset: Ruleset) -> list[Problem]:
    """Lab values that are implausible once converted: a validation error, most likely a unit slip."""
    problems = []
    for name in ("potassium", "magnesium"):
        lab = getattr(answers.labs, name, None) if answers.labs else None
        if lab is None:
            continue
        spec = ruleset.lab_units[name]
        given, number = lab.given
        if lab.unit is None:
            # Read as mmol/L when plausible, else not used with a warning (``_lab_facts``): a
            # record the published schema accepts is screened, never refused.
            continue
        if lab.unit not in spec["to_mmol_per_l"]:
            units = ", ".join(spec["to_mmol_per_l"])
            problems.append(Problem(f"$.labs.{name}.unit", f"unit '{lab.unit}' is not accepted for {name}: use {units}"))
            continue
        # A bound ("below 2.5") is checked as a value is: a number outside the plausible range is
        # most likely a unit slip either way.
        mmol = convert_lab(number, lab.unit, spec)
        low, high = spec["plausible_mmol_per_l"]
        if not low <= mmol <= high:
            shown = f"{number:g} {lab.unit}" + (f" = {mmol:g} mmol/L" if lab.unit != "mmol/L" else "")
            said = "value" if given == "value" else f"bound ({given})"
            problems.append(
                Problem(
                    f"$.labs.{name}.{given}",
                    f"implausible {name} {said} {shown} (plausible: {low:g}-{high:g} mmol/L): check the unit",
                )
            )
    return problems


def normalise(answers: Answers, ruleset: Ruleset) -> Normalised:
    facts: dict[str, Any] = {}
    out = Normalised(facts)
    given = answers.model_dump(exclude_none=True)
    _set_aside_answers_not_asked(given, answers, out)

    for name in ("age", "sex", "pregnant", "diuretic_use", "ppi_over_3_months", "laxative_use", "laxative_type",
                 "low_potassium_despite_supplements"):
        if name in given:
            facts[name] = given[name]
    for section in ("diarrhea", "vomiting", "diet"):
        if given.get(section):
            facts[section] = dict(given[section])
    alcohol = _alcohol_facts(answers) if "alcohol" in given else {}
    disagreement = answers.alcohol.disagreement() if answers.alcohol is not None and "alcohol" in given else None
    if disagreement is not None:
        out.warnings.append(disagreement)
    if alcohol:
        facts["alcohol"] = alcohol
    for group in ("conditions", "symptoms", "red_flags_now", "supplements"):
        codes = given.get(group)
        if codes:
            facts[group] = {code: True for code in codes}

    named: dict[str, tuple[str, str]] = {}
    classes = _add_medications(out, answers.medications, ruleset, named) if answers.medications else frozenset()
    for question, (answer, text) in named.items():
        _answer_named_question(out, given, question, answer, text)
    out.warnings += _supplements_listed_as_medicines(out.medications, given, ruleset) + _same_medicine_twice(out.medications)

    labs = _lab_facts(out, answers, ruleset)
    if labs:
        facts["labs"] = labs
    _set_aside_labs_not_used(given, labs)

    # Which sections apply follows the medicines as recognised (a PPI listed asks how long).
    out.unanswered_sections = unanswered_sections(given, classes)
    # Most answers "not sure": counted as answered, but said to be no reassurance (review 5, m12).
    out.warnings.extend(note for note in (mostly_unsure(given, classes),) if note is not None)
    applying = len(core_sections_that_apply(given))  # alcohol is not a question for a child under 12
    missing_core = missing_core_sections(out.unanswered_sections)
    out.coverage = coverage_from_missing(missing_core, applying)
    facts["coverage"] = out.coverage
    if "few_core_answers" in ruleset.facts:  # rules of one's own may not weigh it: sent only when declared
        facts["few_core_answers"] = few_answered(missing_core, applying)
    # A list answered "none of these" and a list never answered both leave no flags above; the
    # rules need to tell them apart ("not said to be happening now" is not "said not to be").
    # Only the sections the rules declare are flagged: every fact sent costs the engine time.
    asked = [section for section in out.unanswered_sections if f"unanswered.{section}" in ruleset.facts]
    if asked:
        facts["unanswered"] = dict.fromkeys(asked, True)
    # The core sections none of whose questions was answered, as coverage counts them: the rules
    # say "none of the usual causes" only of causes that were asked about.
    missing = [core for core in missing_core if f"core_unanswered.{core}" in ruleset.facts]
    if missing:
        facts["core_unanswered"] = dict.fromkeys(missing, True)
    return out


def _set_aside_answers_not_asked(given: dict[str, Any], answers: Answers, out: Normalised) -> None:
    """Answers to questions this person is not asked, left out of ``given`` with a warning naming
    them: "are you pregnant?" from someone it is not asked of (a man, a woman of 70), as the
    questionnaire and the FHIR reader do; and alcohol answers for a child under 12, of whom the
    section is not asked (nor counted for coverage), so that no adult cut-off counts heavy drinking
    for them. A "no" (no drinking) is left out without a warning: nothing is set aside."""
    set_aside = pregnancy_not_used(given)
    if set_aside is not None:
        del given["pregnant"]
        if answers.pregnant != "no":
            out.warnings.append(set_aside)
    alcohol_set_aside = alcohol_not_used(given)
    if "alcohol" in given and not applies("alcohol", given, ()):
        del given["alcohol"]
        if alcohol_set_aside is not None:
            out.warnings.append(alcohol_set_aside)


def _set_aside_labs_not_used(given: dict[str, Any], used: dict[str, Any]) -> None:
    """Leave out of ``given`` a lab result that was not used (a number without a unit that is not
    a plausible result), so that coverage lists the blood test results as unanswered when no
    result was used."""
    labs = given.get("labs")
    if not isinstance(labs, dict) or all(name in used for name in labs):
        return
    kept = {name: lab for name, lab in labs.items() if name in used}
    if kept:
        given["labs"] = kept
    else:
        del given["labs"]


def _alcohol_facts(answers: Answers) -> dict[str, Any]:
    """The weekly total as given: US standard drinks, or UK units when only they were given (the
    rules judge each against its own country's limits, so units are not converted); AUDIT-C as its
    total and the parts the rules test."""
    alcohol: dict[str, Any] = {}
    if answers.alcohol is None:
        return alcohol
    if answers.alcohol.drinks_per_week is not None:  # given both ways: the drinks (with a warning if they differ)
        alcohol["drinks_per_week"] = answers.alcohol.drinks_per_week
    elif answers.alcohol.units_per_week is not None:
        alcohol["units_per_week"] = answers.alcohol.units_per_week
    audit = answers.alcohol.audit_c
    if audit is not None:
        alcohol["audit_c"] = {
            "total": audit.total,
            "frequency": audit.frequency,
            "quantity_plus_binge": audit.quantity + audit.binge,
        }
    return alcohol


def _add_medications(
    out: Normalised, medications: Sequence[str], ruleset: Ruleset, named: dict[str, tuple[str, str]]
) -> frozenset[str]:
    """Medicine names to vocabulary classes; a name not recognised becomes a warning, never dropped.
    Returns the classes of the medicines counted (a form that acts locally has none). An entry
    that names a kind of medicine, not one ("water tablet"), is no unread name: the question it
    answers goes in ``named`` (unless a medicine in it was read: "water tablet (furosemide)")."""
    vocabulary = ruleset.vocabulary
    # "No medicines" beside names (a form's "none" row kept with the rows filled in) names no
    # medicine: it is left out, not reported as a name not read (which may be any medicine).
    said_none = [text for text in medications if says_no_medicines(text)]
    if said_none:
        medications = [text for text in medications if not says_no_medicines(text)]
        out.warnings.append(_no_medicines_beside_names(said_none, medications))
    out.medications = _each_medicine(vocabulary.match_all(list(medications)), vocabulary)
    classes = frozenset(cls for match in out.medications for cls in match.classes)
    if classes:
        out.facts["medication_class"] = {cls: True for cls in sorted(classes)}
    unconfirmed: set[str] = set()
    no_close_name = False  # a name not read that nothing is close to: it may be any medicine
    unread = []
    for match in out.medications:
        answered = vocabulary.question_answered(match) if match.unrecognised else None
        if answered is None:
            unread.append(match)
        elif not match.drugs:
            named.setdefault(answered[0], (answered[1], match.text))
    # A medicine not read is an entry of which no medicine was: a word left over beside a name
    # that was read ('FasTab' in "Zoton FasTab 30mg", read as lansoprazole) is warned about but
    # is no missing medicine. Sent only when there is one, and only when the rules declare it.
    not_read = sum(1 for match in unread if match.unrecognised and not match.drugs)
    if not_read and "medicines_not_read" in ruleset.facts:
        out.facts["medicines_not_read"] = not_read
    for match in unread:
        if match.unrecognised:
            # A near name is suggested, never taken: what could not be read is not counted.
            corrections = ruleset.vocabulary.corrections(match.text)
            # Words about a medicine that was read ("for my knees") are not another medicine.
            parts = parts_worth_asking_about(match.text, match.unrecognised, bool(match.drugs), corrections)
            if parts:
                out.warnings.append(_unrecognised_warning(match, corrections, parts))
            # Beside a name that was read, a leftover word near a name of the same class only
            # names that medicine again; near another class it may be a second medicine.
            unconfirmed |= _suggested_classes(corrections, ruleset) - {drug.drug_class for drug in match.drugs}
            no_close_name = no_close_name or any(
                not any(correction.written in part for correction in corrections) for part in parts
            )
    # Not counted either: only told to the rules, which may be cautious about what the name might
    # be ("spirinolactone": a medicine that keeps potassium, so no "eat bananas"). Which classes
    # call for that is the rules' choice (facts.json ``near_miss_of``).
    for name, near_miss_of in ruleset.near_miss_facts if unconfirmed else ():
        if unconfirmed & near_miss_of:
            out.facts[name] = True
    # A name that nothing is close to may be any medicine: one that makes the body keep potassium
    # among them ("Spiro 25" before it was a name), so the rules that ask may be cautious too.
    for name in ruleset.unread_name_facts if no_close_name else ():
        out.facts[name] = True
    return classes


def _no_medicines_beside_names(said_none: Sequence[str], names: Sequence[str]) -> str:
    """The note on a medicine list that says "none" beside the names of medicines."""
    entries = " and ".join(f"'{text}'" for text in dict.fromkeys(said_none))
    others = f"{len(names)} other {'entry' if len(names) == 1 else 'entries'}"
    return (f"medication {entries} says no medicines, but the list has {others}: read as no medicine, and the "
            "other entries as given; check the list")


def _each_medicine(matches: Sequence[MedicationMatch], vocabulary: Vocabulary) -> tuple[MedicationMatch, ...]:
    """Entries that list several medicines in one answer ("Water Tablet, ramipril", as a form's
    free-text answer or a pasted list writes them) read as one entry each, when a part of the entry
    was not read: so that the part not read is named in a warning, counted as a medicine not read,
    or answers the question it names ("water tablet"), as it would written on its own. An entry
    read whole ("co-amilofruse 5/40", "furosemide and spironolactone") already names each of its
    medicines, and stays as written."""
    if all(not match.unrecognised or not match.drugs for match in matches):
        return tuple(matches)  # most lists: nothing read beside a part not read
    out: list[MedicationMatch] = []
    for match in matches:
        items = vocabulary.items(match.text) if match.unrecognised and match.drugs else (match.text,)
        out += [match] if len(items) == 1 else vocabulary.match_all(items)
    return tuple(out)


def _answer_named_question(out: Normalised, given: dict[str, Any], question: str, answer: str, text: str) -> None:
    """A medicines entry such as "water tablet" answers "do you take a water pill?" when that was
    not answered or answered "not sure" (the list, naming one, is the more concrete answer: review
    6, G2); an answer that says otherwise ("no") is kept, and the two are named side by side. The
    question is named in words (``SECTION_WORDS``), never by its field name."""
    said = f"medication '{text}' names no medicine, only a kind of one"
    asked = SECTION_WORDS.get(question, "that question")
    before = given.get(question)
    if before is None or (before == "unsure" and answer == "yes"):
        given[question] = out.facts[question] = answer
        was = "" if before is None else f"; that question was answered {_answer_words(before)!r}, and the list names one"
        out.warnings.append(
            f"{said}: read as {_answer_words(answer)!r} to {asked}{was} (which one was not said, so it counts as one of "
            "unknown type); ask a pharmacist which it is"
        )
    elif before != answer:
        out.warnings.append(f"{said}, which answers {_answer_words(answer)!r} to {asked}, but that question was answered "
                            f"{_answer_words(before)!r}: kept as given; check which is right")


def _answer_words(answer: str) -> str:
    """A yes/no/unsure answer as the question offers it ("not sure" for ``unsure``)."""
    return "not sure" if answer == "unsure" else answer


#: The medicine classes that are supplements the supplements question asks about (potassium,
#: a potassium salt substitute, magnesium): listed as medicines beside "None of these" there,
#: the two answers disagree.
SUPPLEMENT_CLASSES: Final = ("potassium_supplement", "salt_substitute", "magnesium_supplement")


#: The mineral each supplement class gives, for the note on a product that is no supplement.
_MINERAL_OF_CLASS: Final = {"potassium_supplement": "potassium", "salt_substitute": "potassium", "magnesium_supplement": "magnesium"}


def _supplements_listed_as_medicines(medications: Sequence[MedicationMatch], given: dict[str, Any], ruleset: Ruleset) -> list[str]:
    """"None of these" to the supplements question beside a potassium or magnesium product in the
    medicine list: the product is counted (the list holds what is taken now, as for a listed
    stimulant laxative beside "no laxatives"), and a warning names both answers. A product the
    vocabulary says is no supplement ("an antacid": Rennie, Milk of Magnesia) is counted the same,
    with a note saying what it is and not that the two answers disagree."""
    if given.get("supplements") != []:
        return []
    vocabulary = ruleset.vocabulary
    labels = vocabulary.class_labels
    listed: dict[str, str] = {}
    not_supplements: dict[str, str] = {}
    for match in medications:
        if not match.counted:
            continue
        for drug in match.drugs:
            if drug.drug_class not in SUPPLEMENT_CLASSES:
                continue
            sold_as = vocabulary.sold_as(drug)
            if sold_as is None:
                listed[match.text] = labels.get(drug.drug_class, drug.drug_class)
            else:  # an antacid is no supplement a person lists there: "None of these" is no mistake
                mineral = _MINERAL_OF_CLASS[drug.drug_class]
                not_supplements.setdefault(
                    match.text, f"{sold_as} that contains {mineral} ({drug.generic}): it is counted as {mineral} taken by mouth"
                )
    warnings = [
        f"Supplements: the answer given is 'None of these', but '{text}' in your medicine list is {label}. "
        "It was counted, since the list holds medicines taken now; check which is right."
        for text, label in sorted(listed.items(), key=lambda item: item[0].casefold())
    ]
    warnings += [
        f"Supplements: '{text}' in your medicine list is {kind}."
        for text, kind in sorted(not_supplements.items(), key=lambda item: item[0].casefold())
        if text not in listed
    ]
    return warnings


def _same_medicine_twice(medications: Sequence[MedicationMatch]) -> list[str]:
    """One medicine in two entries of the list, by two names ("Lasix" and "Furosemida 40mg"):
    counted once, but a clinician should know whether it is one medicine written twice or two
    prescriptions of it (a double dose)."""
    entries: dict[str, dict[str, None]] = {}
    for match in medications:
        if not match.counted:
            continue
        for drug in match.drugs:
            if drug.drug_class != "no_known_effect":  # two multivitamins are no double dose of a counted medicine
                entries.setdefault(drug.generic, {})[match.text.strip()] = None
    warnings = []
    for name, by_text in sorted(entries.items()):  # sorted: the order of the list changes no result
        if len(by_text) < 2:
            continue
        texts = sorted(by_text, key=str.casefold)
        listed = ", ".join(f"'{text}'" for text in texts[:-1]) + f" and '{texts[-1]}'"
        warnings.append(
            f"Medicines: {listed} {'both' if len(texts) == 2 else 'all'} contain {name}. It counts once here; "
            "if these are two prescriptions of it, or it is taken twice, tell your clinician or pharmacist."
        )
    return warnings


def _suggested_classes(corrections: Sequence[Correction], ruleset: Ruleset) -> set[str]:
    """The classes of every name offered as "did you mean" (not of the varieties a plain shared
    name may stand for: that is a label to read, not a misspelling)."""
    vocabulary = ruleset.vocabulary
    return {
        drug_class
        for correction in corrections
        if not correction.check_label
        for name in correction.names
        for drug_class in vocabulary.match(name).classes
    }


#: How every warning about a medicine not (wholly) recognised ends.
ASK_A_PHARMACIST: Final = "ask a pharmacist whether it affects magnesium or potassium"


def is_warning_about(warning: str, text: str) -> bool:
    """Whether ``warning`` is the one about the medication entry ``text`` (``_unrecognised_warning``)."""
    return warning.startswith((f"medication '{text}': ", f"medication '{text}' not"))


def _unrecognised_warning(match: MedicationMatch, corrections: Sequence[Correction], parts: Sequence[str]) -> str:
    """What was not read of one medication entry. When part of it was read, that part is said to
    be counted (or why not) and only the rest that may be a medicine (``parts``) left out; a
    whole entry not read is named once."""
    ask = ASK_A_PHARMACIST
    if match.drugs:
        read = ", ".join(dict.fromkeys(drug.name for drug in match.drugs))
        counted = "counted" if match.counted else match.note
        unread = not_recognised(parts, corrections, rest_read=True)
        return f"medication '{match.text}': read as {read} ({counted}); {unread}; {ask}"
    if match.unrecognised == (match.text.strip(),):
        return f"medication '{match.text}' not recognised{suggested(match.unrecognised, corrections)}, so not counted; {ask}"
    return f"medication '{match.text}': {not_recognised(match.unrecognised, corrections)}, so not counted; {ask}"


def _lab_facts(out: Normalised, answers: Answers, ruleset: Ruleset) -> dict[str, Any]:
    """Each lab in mmol/L with when it was taken; the rules decide whether it is usable. The value
    and unit as given go with it, for the rules that ask whether the unit looks like a slip. A
    result given only as a bound is a different fact (``below_mmol_per_l``, ``above_mmol_per_l``):
    never ``mmol_per_l``, so that no rule about values reads "<4.0" as a normal 4.0."""
    labs: dict[str, Any] = {}
    for name in ("potassium", "magnesium"):
        lab = getattr(answers.labs, name, None) if answers.labs else None
        if lab is None:
            continue
        given, number = lab.given
        spec = ruleset.lab_units[name]
        unit = lab.unit if lab.unit is not None else unit_without_one(number, spec)
        if unit is None:
            # No unit, and a number no unit makes a plausible result of (a unit slip, or another
            # test's number): not used, as the FHIR reader leaves a result it cannot read.
            units = " or ".join(spec["to_mmol_per_l"])
            low, high = spec["plausible_mmol_per_l"]
            said = "result" if given == "value" else f"result {given}"
            out.warnings.append(
                f"The {name} {said} {number:g} was given without a unit and is not a plausible {name} in {units} "
                f"(plausible: {low:g}-{high:g} mmol/L), so it was not used: check the number with the laboratory "
                f"and give its unit ({units})."
            )
            continue
        if lab.unit is None:
            out.warnings.append(
                f"The {name} result {number:g} was given without a unit; it was read as {unit}, {why_read_as(name)}."
            )
        mmol = convert_lab(number, unit, spec)
        taken = lab.taken or "not_given"
        if given == "value":
            labs[name] = {"mmol_per_l": mmol, "taken": taken, "value": number, "unit": unit}
        else:
            labs[name] = {f"{given}_mmol_per_l": mmol, "taken": taken, "unit": unit}
        out.labs_used.append({"lab": name, given: number, "unit": unit, "taken": taken, "mmol_per_l": mmol})
    return labs
