"""One question of the questionnaire as data: its field, its type, its choices or units, its skip
logic (``enable_when``, in the spirit of FHIR's), and the plain words every question reads.

Built from ``rules/questionnaire.json`` once the file has passed its schema
(``questionnaire.Questionnaire.from_data``); nothing here checks the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str
    words: tuple[str, ...] = ()
    at_least: int | None = None
    also_set: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Unit:
    value: str
    label: str
    words: tuple[str, ...] = ()
    multiply: float = 1
    divide: float = 1
    label_one: str | None = None
    """The label after the number 1 ("1 standard drink"), where it differs."""

    @property
    def converts(self) -> bool:
        return self.multiply != self.divide

    def after(self, number: float) -> str:
        """The label after ``number``: "1 standard drink", "2 standard drinks"."""
        return self.label_one if number == 1 and self.label_one else self.label


@dataclass(frozen=True)
class PlainWords:
    """The questionnaire's ``words``: plain words read the same at every question, kept once."""

    same_as: tuple[tuple[str, str], ...] = ()
    """(said, read as) pairs: ("nope", "no") reads "nope" as "no" wherever "no" is understood."""
    days_in: tuple[tuple[str, int], ...] = ()
    """The days in a unit of time ("week", 7), for items counting days."""
    days_since: tuple[tuple[str, int], ...] = ()
    """When it began ("yesterday", 2: yesterday and today), for items counting days."""

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> PlainWords:
        same_as = tuple((said, meant) for meant, words in raw.get("same_as", {}).items() for said in words)
        return cls(same_as, tuple(raw.get("days_in", {}).items()), tuple(raw.get("days_since", {}).items()))


@dataclass(frozen=True)
class Condition:
    item: str
    operator: str
    value: Any = None


@dataclass(frozen=True)
class Item:
    """One question of the questionnaire, as the data file describes it."""

    id: str
    field: str
    type: str
    label: str
    text: str
    help: str
    example: str | None = None
    choices: tuple[Choice, ...] = ()
    none_choice: Choice | None = None
    select_by: str = "position"
    minimum: float | None = None
    maximum: float | None = None
    unit_words: tuple[str, ...] = ()
    zero_words: tuple[str, ...] = ()
    """Replies that mean 0 ("none" drinks in a usual week), where none is a natural answer."""
    units: tuple[Unit, ...] = ()
    default_unit: str | None = None
    unit_field: str | None = None
    plausible_lab: str | None = None
    enable_when: tuple[Condition, ...] = ()
    enable_behavior: str = "all"
    can_skip: bool = True
    blank_skips: bool = False
    red_flag: bool = False
    confirm_medicines: bool = False
    form_text: str | None = None
    """The question on a form (the web page, the exported FHIR Questionnaire), where ``text``
    speaks of the keyboard."""
    web_text: str | None = None
    """The question on the web page alone, where it names the page's own buttons."""
    web_hint: str | None = None
    form_example: str | None = None
    """The example in a box of a form another program renders (the number alone beside a unit list)."""
    form_help: str | None = None
    """Why we ask, on a form another program renders, where ``help`` speaks of what mgk-screen does."""
    text_below_age: tuple[float, str] | None = None
    """(age, text): the question when the age given is below ``age``, in words that fit a parent
    or carer answering for a child too."""
    in_days: bool = False
    """An integer counting days: "a week", "2 months" and "since yesterday" are read as days."""
    plain: PlainWords = PlainWords()
    """The questionnaire's plain words, which every item reads."""
    notes_below: tuple[tuple[float, str], ...] = ()
    """(number, note): said right after a reply below the number (an age under 18: the screen is
    built for adults), before the next question, rather than only with the result."""

    @property
    def fields(self) -> tuple[str, ...]:
        """Every answers field this item can fill (its own, its unit's and its choices'; a lab
        result's ``below`` and ``above``, for a result known only as beyond a number)."""
        names = [self.field] + ([self.unit_field] if self.unit_field else [])
        if self.plausible_lab is not None and self.field.endswith(".value"):
            names += [self.field.removesuffix("value") + bound for bound in ("below", "above")]
        names += [name for choice in self.choices for name in choice.also_set]
        return tuple(dict.fromkeys(names))

    def unit(self, value: str) -> Unit:
        return next(unit for unit in self.units if unit.value == value)


def item_from_data(raw: Mapping[str, Any], plain: PlainWords = PlainWords()) -> Item:
    def choice(spec: Mapping[str, Any]) -> Choice:
        return Choice(
            value=spec["value"],
            label=spec["label"],
            words=tuple(spec.get("words", ())),
            at_least=spec.get("at_least"),
            also_set=dict(spec.get("also_set", {})),
        )

    none = raw.get("none_choice")
    return Item(
        id=raw["id"],
        field=raw["field"],
        type=raw["type"],
        label=raw["label"],
        text=raw["text"],
        help=raw["help"],
        example=raw.get("example"),
        choices=tuple(choice(spec) for spec in raw.get("choices", ())),
        none_choice=Choice(value=None, label=none["label"], words=tuple(none.get("words", ()))) if none else None,
        select_by=raw.get("select_by", "position"),
        minimum=raw.get("minimum"),
        maximum=raw.get("maximum"),
        unit_words=tuple(raw.get("unit_words", ())),
        zero_words=tuple(raw.get("zero_words", ())),
        units=tuple(
            Unit(
                u["value"],
                u["label"],
                tuple(u.get("words", ())),
                u.get("multiply", 1),
                u.get("divide", 1),
                u.get("label_one"),
            )
            for u in raw.get("units", ())
        ),
        default_unit=raw.get("default_unit"),
        unit_field=raw.get("unit_field"),
        plausible_lab=raw.get("plausible_lab"),
        enable_when=tuple(Condition(c["item"], c["operator"], c.get("value")) for c in raw.get("enable_when", ())),
        enable_behavior=raw.get("enable_behavior", "all"),
        can_skip=raw.get("can_skip", True),
        blank_skips=raw.get("blank_skips", False),
        red_flag=raw.get("red_flag", False),
        confirm_medicines=raw.get("confirm_medicines", False),
        form_text=raw.get("form_text"),
        web_text=raw.get("web_text"),
        web_hint=raw.get("web_hint"),
        form_example=raw.get("form_example"),
        form_help=raw.get("form_help"),
        text_below_age=(raw["text_below_age"]["age"], raw["text_below_age"]["text"]) if "text_below_age" in raw else None,
        in_days=raw.get("in_days", False),
        plain=plain,
        notes_below=tuple((note["below"], note["text"]) for note in raw.get("notes", ())),
    )
