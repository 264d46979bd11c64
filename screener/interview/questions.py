"""What the person is asked and told: the question for each step (an item, or a medicine check),
the outcome of a reply, and a recognised medicine in words ("Lasix — that is furosemide, a loop diuretic.").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:

    from screener.screening.medications import MedicationMatch

from screener.interview.questionnaire import Choice, Item
from screener.interview.replies import CONFIRM_CHOICES, accepts_text


@dataclass(frozen=True)
class Question:
    """What to ask now. ``key`` identifies the step (an item id, or a medicine check)."""

    key: str
    item: Item
    kind: Literal["item", "confirm", "retype"]
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
    kind: Literal["item", "confirm", "retype"]
    entry: str = ""
    match: MedicationMatch | None = None


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
    return Question(
        key=step.key,
        item=item,
        kind="item",
        type=item.type,
        text=item.text,
        help=item.help,
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

def class_label(medicine_classes: Mapping[str, str], drug_class: str) -> str:
    return medicine_classes.get(drug_class, "a " + drug_class.replace("_", " "))
