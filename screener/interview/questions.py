"""What the person is asked and told: the question for each step (an item, or a medicine check),
the outcome of a reply, and a recognised medicine in words ("Lasix — that is furosemide, a loop diuretic.").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from screener.screening.medication_suggestions import Correction
    from screener.screening.medications import MedicationMatch, Vocabulary

from screener.interview.answer_paths import SAVED_TOTAL_OVER, same_value, saved_as_given
from screener.interview.lab_replies import Quantity
from screener.interview.questionnaire import Questionnaire
from screener.interview.questionnaire_items import Choice, Item
from screener.interview.replies import CONFIRM_CHOICES
from screener.interview.reply_words import SKIPPED, accepts_text, normalise_reply
from screener.screening.medication_suggestions import parts_worth_asking_about


@dataclass(frozen=True)
class Question:
    """What to ask now. ``key`` identifies the step (an item id, or a medicine check)."""

    key: str
    item: Item
    kind: Literal["item", "confirm", "retype", "suggest"]
    """A question of the questionnaire; or, for a medicine: "confirm" (is this what you take?),
    "retype" (type it again), "suggest" (did you mean this vocabulary name?)."""
    type: str
    text: str
    help: str
    accepts: str
    """What a reply may be, in words ("yes or no", "the numbers of all that apply...")."""
    choices: tuple[Choice, ...] = ()
    none_choice: Choice | None = None
    numbered: bool = True
    """Whether the choices are shown with numbers to type (not for counts like AUDIT-C drinks)."""
    can_skip: bool = True
    blank_skips: bool = False
    red_flag: bool = False
    default: str | None = None
    """The earlier answer, in words, when the question is asked again (back, or a change at the
    review): Enter keeps it."""
    note: str | None = None
    """Something to say before the question (a resumed file's empty section)."""


@dataclass(frozen=True)
class Reply:
    """The outcome of one reply."""

    status: Literal["answered", "skipped", "invalid", "help", "back"]
    message: str = ""
    value: Any = None
    emergency: bool = False
    """A red-flag question was answered with something: show the emergency advice now."""
    notes: tuple[str, ...] = ()
    """Things to tell the person (a medicine name we did not recognise)."""

    @property
    def moved_on(self) -> bool:
        return self.status in ("answered", "skipped")


class ReviewLine(NamedTuple):
    item_id: str
    question: str
    answer: str


@dataclass(frozen=True)
class Step:
    """One step of the way through: an item, or a check of one medicine entry."""

    key: str
    item: Item
    kind: Literal["item", "confirm", "retype", "suggest"]
    entry: str = ""
    match: MedicationMatch | None = None
    """The entry as read; for "suggest", the name offered as read."""
    correction: Correction | None = None
    """For "suggest": the part that matched nothing, and the names nearest to it."""


def question_for(step: Step, medicine_classes: Mapping[str, str]) -> Question:
    """What to ask for one step: the item's question, or a medicine check."""
    item = step.item
    if step.kind == "confirm":
        assert step.match is not None
        return Question(
            key=step.key,
            item=item,
            kind="confirm",
            type="yes_no",
            text=describe_match(step.match, medicine_classes) + " Right?",
            help="We check that we read each name correctly, because the result depends on which medicine it is. "
            "If it is not right, say no and type the name again.",
            accepts="yes or no",
            choices=CONFIRM_CHOICES,
            can_skip=False,
        )
    if step.kind == "suggest":
        assert step.correction is not None and step.match is not None
        name = step.correction.names[0]
        return Question(
            key=step.key,
            item=item,
            kind="suggest",
            type="yes_no",
            text=f"We did not recognise '{step.correction.written}'. Did you mean {name}? "
            + what_it_is(name, step.match, medicine_classes),
            help="We never guess a medicine: a name we do not know is not counted. Say yes if this is the "
            "medicine you meant, so that it counts; say no to keep the name as you wrote it (the result then "
            "suggests asking a pharmacist about it).",
            accepts="yes or no",
            choices=CONFIRM_CHOICES,
            can_skip=False,
        )
    if step.kind == "retype":
        return Question(
            key=step.key,
            item=item,
            kind="retype",
            type="text",
            text=f"Please type the name again as it is written on the box, or press Enter to keep '{step.entry}' as you wrote it.",
            help="A name we are not sure about is kept as you wrote it, and the result suggests asking a pharmacist about it.",
            accepts=f"a medicine name, or Enter to keep '{step.entry}'",
            can_skip=False,
            blank_skips=True,
        )
    help_text = item.help
    if item.select_by == "count":  # asked as a number; the bands it is scored in are for "?"
        help_text += " Your number is scored in the standard bands: " + ", ".join(c.label for c in item.choices) + "."
    return Question(
        key=step.key,
        item=item,
        kind="item",
        type=item.type,
        text=item.text,
        help=help_text,
        accepts=accepts_text(item),
        choices=item.choices,
        none_choice=item.none_choice,
        numbered=item.select_by == "position",
        can_skip=item.can_skip,
        blank_skips=item.blank_skips,
        red_flag=item.red_flag,
    )


def describe_match(match: MedicationMatch, medicine_classes: Mapping[str, str]) -> str:
    """What a medicine entry was read as: "Lasix — that is furosemide, a loop diuretic." """
    groups: dict[str, list[Any]] = {}
    for drug in match.drugs:
        groups.setdefault(drug.matched_text, []).append(drug)
    parts = []
    for written, drugs in groups.items():
        if len(drugs) == 1:
            drug = drugs[0]
            label = class_label(medicine_classes, drug.drug_class)
            same = drug.generic.casefold() == written.casefold()
            parts.append(f"{written} — that is {label}" if same else f"{written} — that is {drug.generic}, {label}")
        else:
            named = " and ".join(f"{d.generic}, {class_label(medicine_classes, d.drug_class)}" for d in drugs)
            parts.append(f"{written} — that is {named}")
    text = "; ".join(parts)
    if not match.counted and match.note:
        text += f" ({match.note})"
    return text + "."

def what_it_is(name: str, match: MedicationMatch, medicine_classes: Mapping[str, str]) -> str:
    """A vocabulary name in words: "That is furosemide, a loop diuretic (a strong water pill)." """
    parts = [
        class_label(medicine_classes, drug.drug_class)
        if drug.generic.casefold() == name.casefold()
        else f"{drug.generic}, {class_label(medicine_classes, drug.drug_class)}"
        for drug in match.drugs
    ]
    note = f" ({match.note})" if not match.counted and match.note else ""
    return f"That is {' and '.join(parts)}{note}." if parts else ""


def class_label(medicine_classes: Mapping[str, str], drug_class: str) -> str:
    return medicine_classes.get(drug_class, "a " + drug_class.replace("_", " "))


def answer_words(item: Item, value: Any, medicines: Sequence[str], vocabulary: Vocabulary) -> str:
    """An answer as the person would say it (for the review): labels, units, medicines as read."""
    if value is SKIPPED:
        return "don't know (skipped)"
    if value is None:
        return "not answered"
    if item.confirm_medicines:
        names = []
        for entry in medicines:
            generics = [drug.generic for drug in vocabulary.match(entry).drugs]
            new = [g for g in generics if g.casefold() not in entry.casefold()]
            names.append(f"{entry} ({', '.join(new)})" if new else entry)
        return ", ".join(names) if names else (item.none_choice.label if item.none_choice else "none")
    if isinstance(value, Quantity):
        shown = f"{value.words()} {value.unit.after(value.number)}"
        if saved := saved_as_given(item.field, value.unit.value):
            # kept as given, not converted (UK units are judged against the UK guideline): "14 UK units a week"
            return f"{shown} {SAVED_TOTAL_OVER[saved]}" if saved in SAVED_TOTAL_OVER else shown
        if value.unit.converts:
            base = next((u for u in item.units if not u.converts), None)
            shown += f" (= {value.stored():g} {base.after(value.stored()) if base else ''})".replace(" )", ")")
        return shown
    if item.type == "multiple_choice":
        if not value:
            return item.none_choice.label if item.none_choice else "none"
        return "; ".join(c.label for v in value for c in item.choices if same_value(c.value, v))
    if item.choices:
        return next((c.label for c in item.choices if same_value(c.value, value)), str(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def default_words(step: Step, value: Any, medicines: Sequence[str], vocabulary: Vocabulary) -> str:
    """An earlier answer as the person would read it, offered again with Enter."""
    if value is SKIPPED:
        return "don't know (skipped)"
    if step.kind in ("confirm", "suggest"):
        return "yes" if value else "no"
    if step.kind == "retype":
        return str(value)
    if step.item.confirm_medicines:
        none = step.item.none_choice.label if step.item.none_choice else "none"
        return ", ".join(value) if value else none
    return answer_words(step.item, value, medicines, vocabulary)


def unrecognised_notes(
    vocabulary: Vocabulary, entries: Sequence[str], items: Sequence[Item] = (), values: Mapping[str, Any] | None = None
) -> tuple[str, ...]:
    """What to tell the person about medicine names the vocabulary does not know (or does not
    count). An entry in the words of a yes/no question (``items``, answered in ``values``) is
    said in terms of that question: "water pill" is no medicine's name, but the water-pill
    question asks about it."""
    notes = []
    for entry in entries:
        subject = _question_named(items, entry)
        if subject is not None:
            notes.append(_named_by_question(entry, subject, (values or {}).get(subject.id)))
            continue
        match = vocabulary.match(entry)
        # A name with a close vocabulary name is asked about next ("Did you mean ...?").
        corrections = vocabulary.corrections(entry)
        offered = [correction.written for correction in corrections]
        # Words about a medicine that was read ("for my knees") are not another medicine.
        worth_asking = parts_worth_asking_about(entry, match.unrecognised, bool(match.drugs), corrections)
        unread = [part for part in worth_asking if not any(written in part for written in offered)]
        if unread:
            parts = " and ".join(f"'{part}'" for part in unread)
            # The whole entry too, when only part of it was not read ("'water' in 'water pill'").
            typed = "" if unread == [entry.strip()] else f" in '{entry.strip()}'"
            notes.append(
                f"We did not recognise {parts}{typed}. It stays on your list as you wrote it, "
                "and the result will suggest asking a pharmacist about it."
            )
        elif not match.counted and match.note and not match.drugs and not offered:
            notes.append(f"'{entry}': {match.note}.")
    return tuple(notes)


def _question_named(items: Sequence[Item], entry: str) -> Item | None:
    """The yes/no question whose yes is said in the words of a medicine entry: a yes-word that
    names the question's subject (shares a word with its label: "water pill", "water tablet"
    for "Water pill (diuretic)"), not a plain "yes" or "i do"."""
    said = normalise_reply(entry)
    for item in items:
        yes = next((choice for choice in item.choices if choice.value == "yes"), None) if item.type == "yes_no" else None
        subject = set(re.findall(r"\w+", item.label.lower()))
        if yes is not None and said in {normalise_reply(word) for word in yes.words} and subject & set(re.findall(r"\w+", said)):
            return item
    return None


def _named_by_question(entry: str, item: Item, answered: Any) -> str:
    said = f"'{entry.strip()}' is not the name of a medicine, so it is kept as you wrote it and not counted as one."
    if same_value(answered, "yes"):
        return (
            f"{said} Your yes to '{item.label}' already counts it. If you know its name (on the box or the "
            "pharmacy label), add it too: they do not all change magnesium and potassium the same way."
        )
    return (
        f"{said} If you take one, answer yes to '{item.label}' (go back to it, or change it when you review "
        "your answers), and add its name from the box if you know it."
    )


def empty_section_note(step: Step, empty_sections: Sequence[str], questionnaire: Questionnaire) -> str | None:
    """At the first question of a section a resumed file gave as ``{}``: say why it is asked."""
    if step.kind != "item":
        return None
    for section in empty_sections:
        first = next(item for item in questionnaire.items if item.field.split(".")[0] == section)
        if first.id == step.key:
            return (
                f'your answers file has "{section}": {{}}, an empty section that answers none of these '
                "questions, so they are asked here (skip the ones you do not know)."
            )
    return None
