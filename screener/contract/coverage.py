"""How much of the screen a record answers (contract.md v2): the sections left unanswered among
those that apply to this person, and the coverage of the four core sections.

Counting only: which sections a record leaves empty, and how many of the four core sections it
answers ("none", or "few": one or two). What the screen then does with a thin record
(``answer_more_questions`` or ``answer_the_core_questions`` instead of ``general_advice``) is rule
data, in ``rules/recommendations.json``; the headline (``screener.headline``) reads "few" from here
too, so that the advice and the headline never disagree about it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from screener.contract.answers import SECTIONS

Coverage = Literal["full", "partial", "none"]

#: The four core sections of the screen, each answered when any of its fields is: nearly every
#: cause of magnesium and potassium loss the rules weigh is found in one of them.
CORE_SECTIONS: Mapping[str, tuple[str, ...]] = {
    "medicines": ("medications", "diuretic_use"),
    "alcohol": ("alcohol",),
    "gi_losses": ("diarrhea", "vomiting", "laxative_use"),
    "symptoms": ("symptoms",),
}

#: The core sections in plain words, for readable output.
CORE_SECTION_WORDS: Mapping[str, str] = {
    "medicines": "medicines",
    "alcohol": "alcohol",
    "gi_losses": "gut losses (diarrhea, vomiting, laxatives)",
    "symptoms": "symptoms",
}

#: Every section of the answers in plain words: readable output never shows field names. Worded
#: for no one in particular ("whether a water pill is taken", not "whether you take"): the same words
#: name what a parent left unanswered about a child under 12 (verify 6, F9).
SECTION_WORDS: Mapping[str, str] = {
    "age": "age",
    "sex": "sex",
    "pregnant": "pregnancy",
    "medications": "the medicines taken",
    "diuretic_use": "whether a water pill (diuretic) is taken",
    "ppi_over_3_months": "how long the stomach-acid medicine has been taken",
    "alcohol": "alcohol",
    "diarrhea": "diarrhea",
    "vomiting": "vomiting",
    "laxative_use": "laxatives",
    "laxative_type": "the kind of laxative",
    "diet": "diet",
    "conditions": "health conditions",
    "symptoms": "symptoms in the past two weeks",
    "red_flags_now": "anything happening right now (the safety check)",
    "supplements": "supplements",
    "low_potassium_despite_supplements": "whether potassium stays low despite taking potassium",
    "labs": "blood test results",
}

# Follow-up sections that apply only to some people (contract.md, `unanswered_sections`): the
# same conditions as the questionnaire's skip logic for them (a test compares the two).
PPI_CLASS = "proton_pump_inhibitor"
POTASSIUM_CLASS = "potassium_supplement"
#: A diuretic listed among the medicines answers "do you take a water pill?": the rules use
#: `diuretic_use` only when none is (the rule `recognised_diuretic`; a test compares the two).
RECOGNISED_DIURETIC_CLASSES = ("loop_diuretic", "thiazide_diuretic", "potassium_sparing_diuretic", "acetazolamide")
LAXATIVE_USE_WITH_TYPE = ("occasional", "regular")
#: Whom "are you pregnant?" is asked: a woman or 'other' of an age at which pregnancy can be, both
#: answered (as the questionnaire asks it: a condition on a skipped question is not met).
PREGNANCY_SEXES = ("female", "other")
PREGNANCY_AGES = (10, 55)
POTASSIUM_SUPPLEMENTS = ("potassium", "potassium_prescribed")
#: Alcohol is not asked of a child under this age (the questionnaire's ``not_below`` condition on
#: its first alcohol question; the age under which the rules give a child the child's advice and
#: no adult lines, ``child_with_gi_losses``): for them the alcohol section does not apply, and is
#: neither listed as unanswered nor counted among the core sections. An age not given asks it.
ALCOHOL_FROM_AGE = 12


def alcohol_not_used(given: Mapping[str, Any]) -> str | None:
    """The warning when alcohol answers are given for a child under ``ALCOHOL_FROM_AGE`` (they are
    then not used: the section is not asked of them, and its adult cut-offs do not fit a child);
    None when they are used, or say no drinking at all (nothing to set aside)."""
    alcohol = given.get("alcohol")
    if not alcohol or applies("alcohol", given, ()):
        return None
    audit = alcohol.get("audit_c") or {}
    if not alcohol.get("drinks_per_week") and not alcohol.get("units_per_week") and not any(audit.get(part) for part in ("frequency", "quantity", "binge")):
        return None
    return (
        f"the alcohol answers were not used: alcohol is not asked of a child under {ALCOHOL_FROM_AGE}, and these "
        f"answers give age {given['age']:g}; check the answers (whose they are, and the age in them), and if a child "
        "of this age is drinking alcohol, talk to the child's doctor"
    )


def applies(section: str, given: Mapping[str, Any], medicine_classes: Collection[str]) -> bool:
    """Whether a section is a question for this person, given the answers (as a plain dict
    without unanswered fields) and the classes of the medicines they listed."""
    if section == "diuretic_use":
        return not any(drug_class in medicine_classes for drug_class in RECOGNISED_DIURETIC_CLASSES)
    if section == "ppi_over_3_months":
        return PPI_CLASS in medicine_classes
    if section == "pregnant":
        age = given.get("age")
        low, high = PREGNANCY_AGES
        return given.get("sex") in PREGNANCY_SEXES and age is not None and low <= age <= high
    if section == "alcohol":
        age = given.get("age")
        return age is None or age >= ALCOHOL_FROM_AGE
    if section == "laxative_type":
        return given.get("laxative_use") in LAXATIVE_USE_WITH_TYPE
    if section == "low_potassium_despite_supplements":
        taken = given.get("supplements") or ()
        return POTASSIUM_CLASS in medicine_classes or any(code in taken for code in POTASSIUM_SUPPLEMENTS)
    return True


def pregnancy_ruled_out(given: Mapping[str, Any]) -> str | None:
    """Why "are you pregnant?" is not a question for this person, from the sex or age the answers
    give (the questionnaire's condition, as ``applies``): "sex male", "age 70"; None when the
    answers give neither against it. A sex or age not given rules nothing out: a file without an
    age may still say "pregnant: yes", and that is kept."""
    sex, age = given.get("sex"), given.get("age")
    low, high = PREGNANCY_AGES
    against = []
    if sex is not None and sex not in PREGNANCY_SEXES:
        against.append(f"sex {sex}")
    if age is not None and not low <= age <= high:
        against.append(f"age {age:g}")
    return " and ".join(against) or None


def pregnancy_not_used(given: Mapping[str, Any]) -> str | None:
    """The warning when an answer to ``pregnant`` is given for someone it cannot apply to (the
    answer is then not used); None when it is used, or is "no" (nothing to set aside)."""
    said = given.get("pregnant")
    why = pregnancy_ruled_out(given) if said is not None else None
    if why is None:
        return None
    low, high = PREGNANCY_AGES
    return (
        f"the answer 'pregnant: {said}' was not used: the question is asked only of women and 'other' aged "
        f"{low}-{high}, and these answers give {why}; check the answers (whose they are, and the sex and age in them)"
    )


#: The questions that offer "not sure", and a medicine list whose every entry says "not sure" in
#: words (vignette review 5, m12): a "not sure" counts as answered for the coverage (the question
#: was seen and answered), but it tells the screen nothing either way.
UNSURE_QUESTIONS = ("pregnant", "diuretic_use", "ppi_over_3_months", "laxative_use", "laxative_type")
UNSURE_WORDS = frozenset({"not sure", "unsure", "don't know", "dont know", "do not know", "unknown", "?"})
"""What people write for "not sure": a medicine list entry, or a sheet's cell for a question that offers it."""


def says_unsure(text: str) -> bool:
    """Whether a written answer says "not sure" (``UNSURE_WORDS``), in any case, spacing or
    apostrophe, with underscores for spaces (``Don\u2019t know.``, ``NOT_SURE``)."""
    return " ".join(text.casefold().replace("\u2019", "'").replace("_", " ").split()).rstrip(".") in UNSURE_WORDS


#: "Most answers not sure": at least this many "not sure" answers among the questions above that
#: apply and are answered (and the medicine list), and more of them "not sure" than not. The one
#: place this threshold is set (team judgement: three is more than half of the five questions a
#: typical adult is asked that offer "not sure", the pregnancy question and the medicine list aside).
FEWEST_UNSURE_FOR_A_NOTE = 3


def unsure_answers(given: Mapping[str, Any], medicine_classes: Collection[str]) -> tuple[list[str], int]:
    """The sections answered "not sure" (in questionnaire order), and how many of the sections
    that offer it were answered at all (those that apply)."""
    unsure, answered = [], 0
    for section in SECTIONS:
        value = given.get(section)
        if value is None or not applies(section, given, medicine_classes):
            continue
        if section in UNSURE_QUESTIONS:
            answered += 1
            if value == "unsure":
                unsure.append(section)
        elif section == "medications" and isinstance(value, list) and value:
            answered += 1
            if all(
                isinstance(entry, str) and says_unsure(entry) for entry in value
            ):
                unsure.append(section)
    return unsure, answered


def mostly_unsure(given: Mapping[str, Any], medicine_classes: Collection[str]) -> str | None:
    """The note when most answers are "not sure" (``FEWEST_UNSURE_FOR_A_NOTE``), naming them; None
    otherwise. Words only: the levels and the coverage stay as the rules and ``coverage_of`` give them."""
    unsure, answered = unsure_answers(given, medicine_classes)
    if len(unsure) < FEWEST_UNSURE_FOR_A_NOTE or 2 * len(unsure) <= answered:
        return None
    return (
        f"most answers were 'not sure' ({in_words(unsure)}): they count as answered, but a 'not sure' says "
        "nothing either way, so this result rests on few firm answers and is not reassurance; check your medicine "
        "labels or ask a pharmacist, then screen again"
    )


def unanswered_sections(given: Mapping[str, Any], medicine_classes: Collection[str]) -> list[str]:
    """The sections with no answer at all, among those that apply, in questionnaire order."""
    unanswered = []
    for section in SECTIONS:  # is_answered, written out: this runs for every record of a batch
        value = given.get(section)
        if (value is None or (isinstance(value, dict) and not is_answered(value))) and applies(
            section, given, medicine_classes
        ):
            unanswered.append(section)
    return unanswered


def missing_core_sections(unanswered: Iterable[str]) -> list[str]:
    """The core sections none of whose fields is answered (among those that apply: a section that
    does not apply is never in ``unanswered``)."""
    missing = set(unanswered)
    return [core for core, fields in CORE_SECTIONS.items() if missing.issuperset(fields)]


def core_sections_that_apply(given: Mapping[str, Any]) -> tuple[str, ...]:
    """The core sections that are questions for this person: all four, but alcohol not for a
    child under 12 (``ALCOHOL_FROM_AGE``)."""
    return tuple(core for core in CORE_SECTIONS if core != "alcohol" or applies("alcohol", given, ()))


#: At least this many of the core sections that apply left unanswered (and at least one answered:
#: none is coverage "none") is "few answers": one or two of the four answered, or one of the three
#: a child under 12 is asked. The one place this threshold is set.
FEWEST_CORE_SECTIONS_MISSING_FOR_FEW = 2


def few_answered(missing_core: Collection[str], applying: int = len(CORE_SECTIONS)) -> bool:
    """The input fact ``few_core_answers`` (the rules' advice on few answers tests it), from the
    core sections left unanswered (``missing_core_sections``) and how many apply: what the
    headline's "few answers" reads too (with coverage "partial", so that it need not know how many
    apply), so that it and the advice never disagree."""
    return FEWEST_CORE_SECTIONS_MISSING_FOR_FEW <= len(missing_core) < applying


def coverage_of(unanswered: Iterable[str], applying: int = len(CORE_SECTIONS)) -> Coverage:
    """``full`` when every core section that applies is answered (``applying`` of them: four, or
    three for a child under 12), ``none`` when none is, else ``partial``."""
    return coverage_from_missing(missing_core_sections(unanswered), applying)


def coverage_from_missing(missing_core: Collection[str], applying: int = len(CORE_SECTIONS)) -> Coverage:
    """``coverage_of`` from the core sections left unanswered (``missing_core_sections``), for a
    caller that has them already."""
    if not missing_core:
        return "full"
    return "none" if len(missing_core) >= applying else "partial"


def in_words(sections: Iterable[str], words: Mapping[str, str] = SECTION_WORDS) -> str:
    """Sections as a person reads them: "alcohol, symptoms in the past two weeks and diet"."""
    return listed(words.get(section, section.replace("_", " ")) for section in sections)


@dataclass(frozen=True)
class SlotValues:
    """What the slots of one person's recommendation text are filled from."""

    unanswered: tuple[str, ...] = ()
    """The sections left unanswered (``unanswered_sections``)."""
    grounds: tuple[tuple[str, str], ...] = ()
    """The person's own answers the recommending rule rests on, as (fact, words) in reading
    order: each fact of its evidence that holds (a fact the rules derived stands for the answers
    it was derived from), in words: a medicine class as the person's own medicine names, any
    other fact as its label in the fact catalogue."""
    to_parent: bool = False
    """The text is the parent's wording (``to_parent``): a slot with nothing to name speaks of
    the child ("the child's medicines"), not of "you"."""


def listed(items: Iterable[str], joiner: str = "and") -> str:
    """Words as a list a person reads: "a", "a and b", "a, b and c" (or with "or")."""
    names = list(dict.fromkeys(items))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {joiner} " + names[-1]


#: The fact group of the symptoms of the past two weeks (``symptoms.<code>``).
SYMPTOM_FACTS = "symptoms."


def _red_flags_given(values: SlotValues) -> str:
    given = [words for fact, words in values.grounds if fact.startswith(SYMPTOM_FACTS)]
    return listed(given, "or") or "warning sign"


#: The fact group of what is happening now (``red_flags_now.<code>``).
HAPPENING_NOW_FACTS = "red_flags_now."


def _symptoms_given(values: SlotValues) -> str:
    given = [words for fact, words in values.grounds if fact.startswith((SYMPTOM_FACTS, HAPPENING_NOW_FACTS))]
    return listed(given) or "a symptom"


def _reasons_given(values: SlotValues) -> str:
    return listed(words for _, words in values.grounds) or "these answers"


#: The fact groups of the person's own conditions and medicines (``conditions.<code>``,
#: ``medication_class.<class>``).
CONDITION_FACTS = "conditions."
MEDICINE_FACTS = "medication_class."


def _medicines_given(values: SlotValues) -> str:
    given = [words for fact, words in values.grounds if fact.startswith(MEDICINE_FACTS)]
    return listed(given) or ("the child's medicines" if values.to_parent else "your medicines")


def _conditions_and_medicines_given(values: SlotValues) -> str:
    given = [words for fact, words in values.grounds if fact.startswith((CONDITION_FACTS, MEDICINE_FACTS))]
    return listed(given) or "kidney disease or a medicine"


#: How the facts about a medicine name not read are named (facts.json ``near_miss_of``): such a
#: fact, among a rule's grounds, is the person's entry and the name offered for it.
NAME_NOT_READ_FACTS = "unconfirmed_"


def _unread_names_given(values: SlotValues) -> str:
    given = [words for fact, words in values.grounds if fact.startswith(NAME_NOT_READ_FACTS)]
    return listed(given, "or") or "a name not read is the medicine it is close to"


#: The slots a recommendation text may hold, each filled per person, so that advice names what
#: this person said and nothing they did not:
#:
#: - ``{core_sections_not_answered}``: the core sections not answered (in words), so that the
#:   advice on few answers says what was not asked about;
#: - ``{red_flags_given}``: the symptoms of the past two weeks the recommending rule fired on
#:   ("fainting or confusion (muddled thinking)"), for a safety net that names only the person's own;
#: - ``{symptoms_given}``: the same symptoms, and any happening now among the grounds, joined with
#:   "and" ("muscle weakness and palpitations"; "fainting"), for a line that says what the person
#:   reported;
#: - ``{reasons_given}``: every answer the recommending rule rests on ("lisinopril and Sando-K"; a
#:   derived fact with words as a reason is named once: "Sando-K", not also "prescribed potassium");
#: - ``{medicines_given}``: only the person's own medicine names among them, as written ("furosemide
#:   and ramipril"; "methadone and ondansetron"), for advice about the medicines they take;
#: - ``{conditions_and_medicines_given}``: only the conditions and medicines among them ("chronic
#:   kidney disease and lisinopril"), for a line that names why, and no medicine when none was given;
#: - ``{unread_names_given}``: each medicine entry not read, with the name offered for it that the
#:   rule's fact is about ("'digoxine' is digoxin"; several joined with "or"), for a line that says
#:   what the cautious view assumes.
#:
#: Which answers count is the rule's (its condition, in the rule files), not code here. The one
#: list of slots: the rule folder loader refuses a text with any other (``screener.screening.ruleset``).
RECOMMENDATION_SLOTS: Mapping[str, Callable[[SlotValues], str]] = {
    "core_sections_not_answered": lambda values: in_words(missing_core_sections(values.unanswered), CORE_SECTION_WORDS),
    "red_flags_given": _red_flags_given,
    "symptoms_given": _symptoms_given,
    "reasons_given": _reasons_given,
    "medicines_given": _medicines_given,
    "conditions_and_medicines_given": _conditions_and_medicines_given,
    "unread_names_given": _unread_names_given,
}

#: The slots filled from the recommending rule's grounds (worked out only for a text holding one).
SLOTS_FROM_GROUNDS: frozenset[str] = frozenset(
    {"red_flags_given", "symptoms_given", "reasons_given", "medicines_given", "conditions_and_medicines_given", "unread_names_given"}
)


def needs_grounds(text: str) -> bool:
    """Whether a recommendation text holds a slot filled from the recommending rule's grounds."""
    return "{" in text and any(f"{{{slot}}}" in text for slot in SLOTS_FROM_GROUNDS)


def with_slots_filled(text: str, values: SlotValues) -> str:
    """A recommendation text with its slots (``RECOMMENDATION_SLOTS``), if any, filled in."""
    if "{" not in text:
        return text
    for slot, fill in RECOMMENDATION_SLOTS.items():
        if f"{{{slot}}}" in text:
            text = text.replace(f"{{{slot}}}", fill(values))
    return text


def with_sections_not_answered(text: str, unanswered: Iterable[str]) -> str:
    """A recommendation text with its slots filled from the sections left unanswered alone."""
    return with_slots_filled(text, SlotValues(tuple(unanswered)))


def is_answered(value: Any) -> bool:
    """An empty list is an answer ("none of these"); an empty section object is not."""
    if isinstance(value, dict):
        # A loop, not any() over a generator: this runs for every section of every record.
        for item in value.values():  # noqa: SIM110
            if item is not None and (not isinstance(item, dict) or is_answered(item)):
                return True
        return False
    return value is not None
