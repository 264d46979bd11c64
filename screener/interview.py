"""The guided questionnaire as a pure state machine: no terminal, no files, no clock.

The questionnaire itself is data (``rules/questionnaire.json``, checked against
``schemas/questionnaire.schema.json``): items in the order they are asked, the answers field each
fills, how a reply is read, why we ask, and skip logic in the spirit of FHIR's ``enableWhen``.
This module only walks it::

    interview = Interview(Questionnaire.load(), ruleset.vocabulary)
    while (question := interview.next_question()) is not None:
        reply = interview.answer(input(question.text))   # parsed, or a message saying what is accepted
    interview.answers                                     # valid against the Answers model, always

Given the answers so far it says which question comes next; given a raw reply it returns the
parsed value or a clear message. ``back`` undoes the last answer, ``skip`` leaves a field unknown
(never "no"), ``?`` gives the help text. A recognised medicine is confirmed with the person
("Lasix — that is furosemide, a loop diuretic. Right?"); a name we cannot read is kept as written,
for the screener to report. Answers of items that no longer apply are dropped, so the answers
object never holds details the contract forbids (days of diarrhea when there is none).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from screener.answers import Answers
from screener.errors import RulesError, did_you_mean
from screener.normalise import convert_lab
from screener.validation import check_data_file, parse_data, read_data_bytes

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from screener.medications import MedicationMatch, Vocabulary
    from screener.ruleset import Ruleset

FILE_NAME = "questionnaire.json"
_SCHEMA = "questionnaire.schema.json"

HELP_WORDS = frozenset({"?", "help", "why"})
BACK_WORDS = frozenset({"back", "go back", "previous"})
SKIP_WORDS = frozenset({"skip", "don't know", "dont know", "do not know", "idk", "not known", "unknown"})
KEEP_WORDS = frozenset({"keep", "keep it", "keep as written"})
_ABOUT = re.compile(r"^(?:about|around|roughly|approximately|approx\.?|maybe|~)\s*")
# fmt: off
_NUMBER_WORDS = {word: number for number, word in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
))}
# fmt: on
_NUMBER = re.compile(r"^(?P<number>\d+(?:[.,]\d+)?|\.\d+)\s*(?P<rest>.*)$")
_LIST_SPLIT = re.compile(r"[;\n]|,(?!\d)|(?<!\d),")
_MAX_MEDICATION_LENGTH = 200


class _Skipped:
    """The value of a step answered with 'skip': the field stays unknown."""

    def __repr__(self) -> str:
        return "SKIPPED"


SKIPPED: Any = _Skipped()


# -- the questionnaire as data ------------------------------------------------------------------


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

    @property
    def converts(self) -> bool:
        return self.multiply != self.divide


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

    @property
    def fields(self) -> tuple[str, ...]:
        """Every answers field this item can fill (its own, its unit's and its choices')."""
        names = [self.field] + ([self.unit_field] if self.unit_field else [])
        names += [name for choice in self.choices for name in choice.also_set]
        return tuple(dict.fromkeys(names))

    def unit(self, value: str) -> Unit:
        return next(unit for unit in self.units if unit.value == value)


@dataclass(frozen=True)
class Questionnaire:
    """A checked questionnaire. Build it with ``load`` (a file) or ``from_data``."""

    name: str
    version: str
    description: str
    intro: str
    emergency_advice: str
    medicine_classes: Mapping[str, str]
    not_asked: Mapping[str, str]
    items: tuple[Item, ...]
    source: str = "<data>"

    @classmethod
    def load(cls, folder: str | Path | Traversable | None = None) -> Questionnaire:
        """The questionnaire of a rule folder (the shipped one when ``folder`` is None)."""
        if folder is None:
            entry: Path | Traversable = resources.files("screener.rules").joinpath(FILE_NAME)
            source = f"rules/{FILE_NAME}"
        else:
            entry = (Path(folder) if isinstance(folder, str) else folder).joinpath(FILE_NAME)
            source = f"{folder}/{FILE_NAME}"
        raw = read_data_bytes(
            entry, source, hint=f"a rule folder used with `ask` needs a {FILE_NAME} (copy the shipped one)"
        )
        data = parse_data(raw, source)
        return cls.from_data(data, source)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], source: str = "<data>") -> Questionnaire:
        """Validate (schema, then every field against the Answers model) and build."""
        check_data_file(data, _SCHEMA, source)
        items = tuple(_item(raw) for raw in data["items"])
        problems = _cross_check(items, data["not_asked"])
        if problems:
            raise RulesError(
                "\n".join(f"{source}: {problem}" for problem in problems),
                hint="fields are the answers fields of contract.md, written as dotted paths (labs.potassium.value)",
            )
        return cls(
            name=data["name"],
            version=data["version"],
            description=data["description"],
            intro=data["intro"],
            emergency_advice=data["emergency_advice"],
            medicine_classes=dict(data["medicine_classes"]),
            not_asked=dict(data["not_asked"]),
            items=items,
            source=source,
        )

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"no question '{item_id}'{did_you_mean(item_id, [item.id for item in self.items])}")


def _item(raw: Mapping[str, Any]) -> Item:
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
        units=tuple(
            Unit(u["value"], u["label"], tuple(u.get("words", ())), u.get("multiply", 1), u.get("divide", 1))
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
    )


# -- the answers model, field by field ----------------------------------------------------------


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


def _is_list(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is list:
        return True
    if origin is Union or origin is Annotated:
        return any(_is_list(arg) for arg in get_args(annotation))
    return False


def answer_fields(model: type[BaseModel] = Answers, prefix: str = "") -> dict[str, Any]:
    """Every leaf field of the answers model as a dotted path, with its type (constraints included)."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        path = prefix + name
        sub = _submodel(info.annotation)
        if sub is not None:
            out.update(answer_fields(sub, path + "."))
        else:
            # Constraints given with Field(...) live in metadata: keep them with the type.
            params = (info.annotation, *info.metadata)
            out[path] = Annotated[params] if info.metadata else info.annotation
    return out


@functools.cache
def _groups(model: type[BaseModel] = Answers, prefix: str = "") -> dict[str, tuple[str, ...]]:
    """Nested sections with required fields (AUDIT-C, a lab result): all or nothing."""
    out: dict[str, tuple[str, ...]] = {}
    for name, info in model.model_fields.items():
        sub = _submodel(info.annotation)
        if sub is None:
            continue
        path = prefix + name
        required = tuple(n for n, f in sub.model_fields.items() if f.is_required())
        if required:
            out[path] = required
        out.update(_groups(sub, path + "."))
    return out


@functools.cache
def _fields() -> dict[str, Any]:
    return answer_fields()


@functools.cache
def _adapter(path: str) -> TypeAdapter[Any]:
    return TypeAdapter(_fields()[path])


def _valid_for(path: str, value: Any) -> str | None:
    """None when ``value`` may be stored in the field, else pydantic's reason."""
    try:
        _adapter(path).validate_python(value)
    except ValidationError as error:
        return "; ".join(e["msg"] for e in error.errors())
    return None


def _cross_check(items: Sequence[Item], not_asked: Mapping[str, str]) -> list[str]:
    fields = _fields()
    problems: list[str] = []
    seen: dict[str, int] = {}
    owner: dict[str, str] = {}
    for index, item in enumerate(items):
        where = f"item '{item.id}'"
        if item.id in seen:
            problems.append(f"{where}: the id is used twice (items {seen[item.id]} and {index})")
            continue
        seen[item.id] = index
        for key, path in [("field", item.field), ("unit_field", item.unit_field)] + [
            (f"choice {c.label!r} also_set", name) for c in item.choices for name in c.also_set
        ]:
            if path is None:
                continue
            if path not in fields:
                problems.append(f"{where}, {key} '{path}': not an answers field{did_you_mean(path, fields)}")
        if item.field in owner:
            problems.append(f"{where}, field '{item.field}': already filled by item '{owner[item.field]}'")
        owner.setdefault(item.field, item.id)
        if item.field not in fields:
            continue
        listed = _is_list(fields[item.field])
        if listed != (item.type in ("multiple_choice", "text_list")):
            kind = "a list" if listed else "a single value"
            problems.append(f"{where}, field '{item.field}': holds {kind}, which a {item.type} item cannot fill")
            continue
        for choice in item.choices:
            reason = _valid_for(item.field, [choice.value] if listed else choice.value)
            if reason:
                problems.append(
                    f"{where}, field '{item.field}': choice {choice.label!r} has value {choice.value!r}: {reason}"
                )
            for name, value in choice.also_set.items():
                if name in fields and (reason := _valid_for(name, value)):
                    problems.append(f"{where}, choice {choice.label!r} also_set '{name}': {value!r}: {reason}")
        if item.unit_field in fields:
            for unit in item.units:
                if reason := _valid_for(item.unit_field, unit.value):
                    problems.append(f"{where}, unit_field '{item.unit_field}': unit '{unit.value}': {reason}")
        if item.default_unit and item.default_unit not in [u.value for u in item.units]:
            units = [u.value for u in item.units]
            problems.append(
                f"{where}: default_unit '{item.default_unit}' is not one of its units{did_you_mean(item.default_unit, units)}"
            )
        if item.type in ("multiple_choice", "text_list") and item.none_choice is None:
            problems.append(f"{where}: a {item.type} item needs a none_choice (how to say 'none')")
        for condition in item.enable_when:
            target = condition.item
            earlier = [other.id for other in items[:index]]
            if target not in earlier:
                if any(other.id == target for other in items):
                    problems.append(f"{where}, enable_when: item '{target}' must come before the item it enables")
                else:
                    everything = [other.id for other in items]
                    problems.append(f"{where}, enable_when: unknown item '{target}'{did_you_mean(target, everything)}")
                continue
            other = items[seen[target]]
            values = condition.value if condition.operator == "in" else [condition.value]
            if condition.operator in ("equals", "not_equals", "in", "contains") and other.choices:
                known = [c.value for c in other.choices]
                for value in values:
                    if not any(_same(value, k) for k in known):
                        problems.append(
                            f"{where}, enable_when: item '{target}' has no choice {value!r}"
                            f"{did_you_mean(str(value), [str(k) for k in known])}"
                        )
            if condition.operator == "contains" and other.type != "multiple_choice":
                problems.append(
                    f"{where}, enable_when: 'contains' needs a multiple_choice item, '{target}' is {other.type}"
                )
            if condition.operator == "has_medicine_class" and not other.confirm_medicines:
                problems.append(
                    f"{where}, enable_when: 'has_medicine_class' needs a medicines item, '{target}' is not one"
                )
    for path in not_asked:
        if path not in fields:
            problems.append(f"not_asked '{path}': not an answers field{did_you_mean(path, fields)}")
    return problems


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same JSON type (True is not 1)."""
    return (type(a) is type(b) and a == b) or (
        isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


# -- questions and replies ----------------------------------------------------------------------


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
class Quantity:
    """A number as given, with its unit."""

    number: float
    unit: Unit

    def stored(self) -> float | int:
        value = self.number * self.unit.multiply / self.unit.divide
        value = round(value, 2) if self.unit.converts else value
        return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class _Step:
    key: str
    item: Item
    kind: Literal["item", "confirm", "retype"]
    entry: str = ""
    match: MedicationMatch | None = None


class _Invalid(Exception):
    pass


# -- the interview ------------------------------------------------------------------------------


class Interview:
    """One person's way through the questionnaire. Pure: replies in, questions and answers out."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        vocabulary: Vocabulary,
        answers: Mapping[str, Any] | None = None,
        *,
        lab_units: Mapping[str, Any] | None = None,
    ) -> None:
        self.questionnaire = questionnaire
        self.vocabulary = vocabulary
        self.lab_units = lab_units
        self._values: dict[str, Any] = {}
        self._history: list[str] = []
        self._extra: dict[str, Any] = {}
        self.not_kept: list[str] = []
        """Fields of a resumed answers file that no question here could keep (shown to the person)."""
        self._check_classes()
        if answers:
            self._resume(answers)

    @classmethod
    def for_ruleset(
        cls, questionnaire: Questionnaire, ruleset: Ruleset, answers: Mapping[str, Any] | None = None
    ) -> Interview:
        """An interview that checks lab values against the ruleset's plausible ranges."""
        return cls(questionnaire, ruleset.vocabulary, answers, lab_units=ruleset.lab_units)

    def _check_classes(self) -> None:
        known = self.vocabulary.class_names
        problems = []
        for item in self.questionnaire.items:
            for condition in item.enable_when:
                if condition.operator == "has_medicine_class" and condition.value not in known:
                    problems.append(
                        f"{self.questionnaire.source}: item '{item.id}', enable_when: unknown medicine class "
                        f"'{condition.value}'{did_you_mean(condition.value, known)}"
                    )
        for name in self.questionnaire.medicine_classes:
            if name not in known:
                problems.append(
                    f"{self.questionnaire.source}: medicine_classes: unknown class '{name}'{did_you_mean(name, known)}"
                )
        if problems:
            raise RulesError("\n".join(problems), hint="class names are those of the medication vocabulary")

    # -- where we are -----------------------------------------------------------------------
    def _steps(self, *, expected: bool = False) -> Iterator[_Step]:
        """Every step that applies given the answers so far, in order. Item steps come whether
        answered or not; medicine checks only once the list they check is known. With
        ``expected``, a condition on a question not answered yet counts as met when it is a
        'not_equals' (AUDIT-C questions 2 and 3 apply to most people), for the progress total."""
        enabled: dict[str, bool] = {}
        for item in self.questionnaire.items:
            on = self._enabled(item, enabled, expected)
            enabled[item.id] = on
            if not on:
                continue
            yield _Step(item.id, item, "item")
            if item.confirm_medicines:
                yield from self._medicine_steps(item)

    def _medicine_steps(self, item: Item) -> Iterator[_Step]:
        entries = self._values.get(item.id)
        if not isinstance(entries, list):
            return
        for entry in dict.fromkeys(entries):
            current, seen = entry, {entry}
            while True:
                match = self.vocabulary.match(current)
                if not match.drugs:
                    break
                confirm = f"{item.id}:confirm:{current}"
                yield _Step(confirm, item, "confirm", current, match)
                if self._values.get(confirm) is not False:
                    break
                retype = f"{item.id}:retype:{current}"
                yield _Step(retype, item, "retype", current, match)
                new = self._values.get(retype)
                if new is None or new in seen:
                    break
                seen.add(new)
                current = new

    def _enabled(self, item: Item, enabled: Mapping[str, bool], expected: bool = False) -> bool:
        if not item.enable_when:
            return True
        results = [self._holds(condition, enabled, expected) for condition in item.enable_when]
        return any(results) if item.enable_behavior == "any" else all(results)

    def _holds(self, condition: Condition, enabled: Mapping[str, bool], expected: bool = False) -> bool:
        if not enabled.get(condition.item):
            return False
        if expected and condition.item not in self._values:
            return condition.operator == "not_equals"
        value = self._values.get(condition.item)
        if value is None or value is SKIPPED:
            return False
        operator = condition.operator
        if operator == "answered":
            return True
        if operator == "equals":
            return _same(value, condition.value)
        if operator == "not_equals":
            return not _same(value, condition.value)
        if operator == "in":
            return any(_same(value, option) for option in condition.value)
        if operator == "contains":
            return any(_same(element, condition.value) for element in value)
        if operator == "has_medicine_class":
            item = self.questionnaire.item(condition.item)
            return any(condition.value in match.classes for match in self._matches(item))
        raise ValueError(f"unknown operator {operator!r}")  # the schema allows no other

    def _current(self) -> tuple[_Step | None, list[_Step]]:
        steps = list(self._steps())
        for step in steps:
            if step.key not in self._values:
                return step, steps
        return None, steps

    def next_question(self) -> Question | None:
        """The next question to ask, or None when every question that applies is answered."""
        step, _ = self._current()
        return None if step is None else self._question(step)

    def progress(self) -> tuple[int, int]:
        """(number of the current question, questions that apply so far): "7 of 18". Medicine
        checks count as part of the medicines question. The total grows when an answer opens
        follow-up questions."""
        step, _ = self._current()
        items = [s.item.id for s in self._steps(expected=True) if s.kind == "item"]
        if step is None:
            return len(items), len(items)
        return items.index(step.item.id) + 1, len(items)

    @property
    def finished(self) -> bool:
        return self.next_question() is None

    @property
    def started(self) -> bool:
        return bool(self._values) or bool(self._extra)

    @property
    def red_flags(self) -> list[str]:
        """The red flags answered "happening now", if any."""
        flags: list[str] = []
        for step in self._steps():
            if step.kind == "item" and step.item.red_flag and isinstance(self._values.get(step.key), list):
                flags += self._values[step.key]
        return flags

    # -- questions --------------------------------------------------------------------------
    def _question(self, step: _Step) -> Question:
        item = step.item
        if step.kind == "confirm":
            assert step.match is not None
            return Question(
                key=step.key,
                item=item,
                kind="confirm",
                type="yes_no",
                text=self.describe_match(step.match) + " Right?",
                help="We check that we read each name correctly, because the result depends on which medicine it is. "
                "If it is not right, say no and type the name again.",
                accepts="yes or no",
                choices=_CONFIRM,
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
            accepts=_accepts(item),
            choices=item.choices,
            none_choice=item.none_choice,
            numbered=item.select_by == "position",
            can_skip=item.can_skip,
            blank_skips=item.blank_skips,
            red_flag=item.red_flag,
        )

    def describe_match(self, match: MedicationMatch) -> str:
        """What a medicine entry was read as: "Lasix — that is furosemide, a loop diuretic." """
        groups: dict[str, list[Any]] = {}
        for drug in match.drugs:
            groups.setdefault(drug.matched_text, []).append(drug)
        parts = []
        for written, drugs in groups.items():
            if len(drugs) == 1:
                drug = drugs[0]
                label = self.class_label(drug.drug_class)
                same = drug.generic.casefold() == written.casefold()
                parts.append(f"{written} — that is {label}" if same else f"{written} — that is {drug.generic}, {label}")
            else:
                named = " and ".join(f"{d.generic}, {self.class_label(d.drug_class)}" for d in drugs)
                parts.append(f"{written} — that is {named}")
        text = "; ".join(parts)
        if not match.counted and match.note:
            text += f" ({match.note})"
        return text + "."

    def class_label(self, drug_class: str) -> str:
        return self.questionnaire.medicine_classes.get(drug_class, "a " + drug_class.replace("_", " "))

    # -- replies ----------------------------------------------------------------------------
    def answer(self, raw: str) -> Reply:
        """Take one reply to the current question: parsed and stored, or a message saying what
        is accepted. Also "?" (why we ask), "back" (undo the last answer) and "skip"."""
        step, _ = self._current()
        if step is None:
            return Reply("invalid", "Every question is answered.")
        question = self._question(step)
        text = raw.strip()
        word = _norm(text)
        if word in HELP_WORDS:
            return Reply("help", question.help)
        if word in BACK_WORDS:
            if self.back():
                return Reply("back")
            return Reply("invalid", "This is the first question, so there is nothing to go back to.")
        if step.kind == "retype":
            if not text or word in KEEP_WORDS or word in SKIP_WORDS:
                return self._store(step, step.entry)
            if len(text) > _MAX_MEDICATION_LENGTH:
                return Reply(
                    "invalid", f"That name is too long: please keep it under {_MAX_MEDICATION_LENGTH} characters."
                )
            return self._store(step, text, notes=self._unrecognised_notes([text]))
        if not text:
            if question.blank_skips and question.can_skip:
                return self._store(step, SKIPPED, status="skipped")
            return Reply("invalid", f"Please type an answer: {question.accepts}.")
        try:
            value = self._parse(step, text, word)
        except _Invalid as invalid:
            if word in SKIP_WORDS:
                return self._skip(step, question)
            return Reply("invalid", str(invalid))
        if value is SKIPPED:
            return self._skip(step, question)
        notes: tuple[str, ...] = ()
        if step.kind == "item" and step.item.confirm_medicines:
            notes = self._unrecognised_notes(value)
        problem = self._check_whole(step, value)
        if problem:
            return Reply("invalid", problem)
        emergency = step.kind == "item" and step.item.red_flag and bool(value)
        return self._store(step, value, notes=notes, emergency=emergency)

    def _skip(self, step: _Step, question: Question) -> Reply:
        if not question.can_skip:
            return Reply("invalid", f"This question cannot be skipped. Please type {question.accepts}.")
        return self._store(step, SKIPPED, status="skipped")

    def _store(
        self,
        step: _Step,
        value: Any,
        *,
        status: Literal["answered", "skipped"] = "answered",
        notes: tuple[str, ...] = (),
        emergency: bool = False,
    ) -> Reply:
        self._values[step.key] = value
        self._history.append(step.key)
        self._tidy()
        shown = None if value is SKIPPED else value
        return Reply(status, value=shown, notes=notes, emergency=emergency)

    def back(self) -> bool:
        """Undo the last answer, so that its question is asked again. False at the start."""
        while self._history:
            key = self._history.pop()
            if key in self._values:
                del self._values[key]
                self._tidy()
                return True
        return False

    def change(self, item_id: str) -> None:
        """Clear one answered question (from the review) so that it is asked again next."""
        item = self.questionnaire.item(item_id)
        if not any(step.key == item.id for step in self._steps()):
            raise KeyError(f"question '{item_id}' does not apply to these answers")
        self._values.pop(item.id, None)
        self._history = [key for key in self._history if key != item.id]
        self._tidy()

    def _tidy(self) -> None:
        """Drop the answers of steps that no longer apply (and their history), until stable."""
        while True:
            live = {step.key for step in self._steps()}
            stale = [key for key in self._values if key not in live]
            if not stale:
                break
            for key in stale:
                del self._values[key]
        self._history = [key for key in self._history if key in self._values]

    # -- parsing ----------------------------------------------------------------------------
    def _parse(self, step: _Step, text: str, word: str) -> Any:
        if step.kind == "confirm":
            return _pick(_CONFIRM, word, numbered=False, accepts="yes or no")
        item = step.item
        accepts = _accepts(item)
        if item.type in ("yes_no", "single_choice"):
            if item.select_by == "count":
                return _pick_by_count(item, word, accepts)
            return _pick(item.choices, word, numbered=item.type == "single_choice", accepts=accepts)
        if item.type == "multiple_choice":
            return _pick_many(item, word, accepts)
        if item.type in ("integer", "number"):
            if word in SKIP_WORDS:
                return SKIPPED
            return _number(item, word, accepts, whole=item.type == "integer")
        if item.type == "quantity":
            if word in SKIP_WORDS:
                return SKIPPED
            return self._quantity(item, text, accepts)
        if item.type == "text_list":
            if word in SKIP_WORDS:
                return SKIPPED
            return _text_list(item, text, word, accepts)
        raise ValueError(f"unknown item type {item.type!r}")  # the schema allows no other

    def _quantity(self, item: Item, text: str, accepts: str) -> Quantity:
        found = _NUMBER.match(_ABOUT.sub("", text.strip().lower()))
        if not found:
            raise _Invalid(f"Please type {accepts}.")
        number = _to_float(found.group("number"), accepts)
        rest = _squash(found.group("rest"))
        units = _or([u.label for u in item.units])
        unit: Unit | None
        if not rest:
            if item.default_unit is None:
                raise _Invalid(f"Please add the unit, as printed on the report: {units}. For example: {item.example}.")
            unit = item.unit(item.default_unit)
        else:
            unit = next(
                (u for u in item.units if rest in {_squash(u.value), _squash(u.label), *map(_squash, u.words)}), None
            )
        if unit is None:
            raise _Invalid(
                f"I did not recognise the unit '{found.group('rest').strip()}'. "
                f"Please use {units}, for example {item.example}."
            )
        _check_range(item, number, accepts)
        quantity = Quantity(number, unit)
        if item.plausible_lab and self.lab_units and item.plausible_lab in self.lab_units:
            spec = self.lab_units[item.plausible_lab]
            if unit.value not in spec["to_mmol_per_l"]:
                allowed = ", ".join(spec["to_mmol_per_l"])
                raise _Invalid(f"{unit.label} is not used for {item.plausible_lab}: please use {allowed}.")
            mmol = convert_lab(number, unit.value, spec)
            low, high = spec["plausible_mmol_per_l"]
            if not low <= mmol <= high:
                converted = f" (that would be {mmol:g} mmol/L)" if unit.value != "mmol/L" else ""
                raise _Invalid(
                    f"{number:g} {unit.label}{converted} is not a possible {item.plausible_lab} level "
                    f"(possible: {low:g} to {high:g} mmol/L). Please check the number and the unit on the report."
                )
        return quantity

    def _check_whole(self, step: _Step, value: Any) -> str | None:
        """The answers with this value must still be valid (a backstop: parsing checks first)."""
        saved = self._values.get(step.key, _MISSING)
        self._values[step.key] = value
        try:
            Answers.model_validate(self.answers)
        except ValidationError as error:
            first = error.errors()[0]
            return f"That answer cannot be used ({first['msg'].removeprefix('Value error, ')}). Please type {_accepts(step.item)}."
        finally:
            if saved is _MISSING:
                del self._values[step.key]
            else:
                self._values[step.key] = saved
        return None

    # -- medicines --------------------------------------------------------------------------
    def _matches(self, item: Item) -> list[MedicationMatch]:
        return [self.vocabulary.match(entry) for entry in self.medicines(item)]

    def medicines(self, item: Item | None = None) -> list[str]:
        """The medicine list as it will be saved: each entry as written, or as retyped after a
        "no, that is not right"."""
        item = item or next((i for i in self.questionnaire.items if i.confirm_medicines), None)
        if item is None:
            return []
        entries = self._values.get(item.id)
        if not isinstance(entries, list):
            return []
        out = []
        for entry in dict.fromkeys(entries):
            current, seen = entry, {entry}
            while self._values.get(f"{item.id}:confirm:{current}") is False:
                new = self._values.get(f"{item.id}:retype:{current}")
                if new is None or new in seen:
                    break
                seen.add(new)
                current = new
            out.append(current)
        return out

    def _unrecognised_notes(self, entries: Sequence[str]) -> tuple[str, ...]:
        notes = []
        for entry in entries:
            match = self.vocabulary.match(entry)
            if match.unrecognised:
                parts = " and ".join(f"'{part}'" for part in match.unrecognised)
                notes.append(
                    f"We did not recognise {parts}. It stays on your list as you wrote it, "
                    "and the result will suggest asking a pharmacist about it."
                )
            elif not match.counted and match.note and not match.drugs:
                notes.append(f"'{entry}': {match.note}.")
        return tuple(notes)

    # -- the answers ------------------------------------------------------------------------
    @property
    def answers(self) -> dict[str, Any]:
        """The answers so far as a contract answers object: only fields with an answer, nested
        sections built properly; valid against the Answers model at every point."""
        out: dict[str, Any] = json.loads(json.dumps(self._extra))
        settled: dict[str, Any] = {}
        for step in self._steps():
            if step.kind != "item":
                continue
            item, value = step.item, self._values.get(step.key)
            if value is None or value is SKIPPED:
                continue
            if item.confirm_medicines:
                _set(out, item.field, self.medicines(item))
            elif isinstance(value, Quantity):
                _set(out, item.field, value.stored())
                if item.unit_field:
                    _set(out, item.unit_field, value.unit.value)
            else:
                _set(out, item.field, value)
            for choice in _chosen(item, value):
                for name, implied in choice.also_set.items():
                    settled.setdefault(name, implied)
        for name, implied in settled.items():
            if _get(out, name) is _MISSING and not self._asked(name):
                _set(out, name, implied)
        for group, required in _groups().items():
            section = _get(out, group)
            if isinstance(section, dict) and not all(name in section for name in required):
                _delete(out, group)
        return out

    def _asked(self, path: str) -> bool:
        """Whether an item that applies fills ``path`` (answered or not)."""
        return any(step.kind == "item" and step.item.field == path for step in self._steps())

    def _resume(self, answers: Mapping[str, Any]) -> None:
        Answers.model_validate(answers)  # raises ValidationError: the caller checks first
        data = json.loads(json.dumps(dict(answers)))
        claimed = {name for item in self.questionnaire.items for name in item.fields}
        for item in self.questionnaire.items:
            value = _get(data, item.field)
            if value is _MISSING or value is None:
                continue
            if item.type == "quantity":
                written = _get(data, item.unit_field) if item.unit_field else None
                given = next((u for u in item.units if (u.value == written if written else not u.converts)), None)
                if given is not None:
                    self._values[item.id] = Quantity(value, given)
            elif item.type in ("yes_no", "single_choice"):
                if any(_same(value, c.value) for c in item.choices):
                    self._values[item.id] = value
            elif item.type == "multiple_choice":
                self._values[item.id] = list(value)
            else:
                self._values[item.id] = list(value) if isinstance(value, list) else value
            if item.confirm_medicines:
                for entry in value:  # names from a saved file were confirmed when they were saved
                    if self.vocabulary.match(entry).drugs:
                        self._values[f"{item.id}:confirm:{entry}"] = True
        for path in _leaves(data):
            if not any(path == name or path.startswith(name + ".") for name in claimed):
                _set(self._extra, path, _get(data, path))
        self._tidy()
        self._history = list(self._values)
        kept = set(_leaves(self.answers))
        self.not_kept = [
            path for path in _leaves(data) if path not in kept or _get(self.answers, path) != _get(data, path)
        ]

    # -- review -----------------------------------------------------------------------------
    def review(self) -> list[ReviewLine]:
        """Every question that applies, with the answer as the person would say it."""
        lines = []
        for step in self._steps():
            if step.kind != "item" or step.key not in self._values:
                continue
            lines.append(ReviewLine(step.item.id, step.item.label, self.show(step.item)))
        return lines

    def show(self, item: Item) -> str:
        value = self._values.get(item.id)
        if value is SKIPPED:
            return "don't know (skipped)"
        if value is None:
            return "not answered"
        if item.confirm_medicines:
            names = []
            for entry in self.medicines(item):
                generics = [drug.generic for drug in self.vocabulary.match(entry).drugs]
                new = [g for g in generics if g.casefold() not in entry.casefold()]
                names.append(f"{entry} ({', '.join(new)})" if new else entry)
            return ", ".join(names) if names else (item.none_choice.label if item.none_choice else "none")
        if isinstance(value, Quantity):
            shown = f"{value.number:g} {value.unit.label}"
            if value.unit.converts:
                base = next((u for u in item.units if not u.converts), None)
                shown += f" (= {value.stored():g} {base.label if base else ''})".replace(" )", ")")
            return shown
        if item.type == "multiple_choice":
            if not value:
                return item.none_choice.label if item.none_choice else "none"
            return "; ".join(c.label for v in value for c in item.choices if _same(c.value, v))
        if item.choices:
            return next((c.label for c in item.choices if _same(c.value, value)), str(value))
        return f"{value:g}" if isinstance(value, float) else str(value)


_MISSING: Any = object()
_CONFIRM = (
    Choice(True, "Yes", ("y", "yes", "yeah", "yep", "right", "correct", "that's right", "ok")),
    Choice(False, "No", ("n", "no", "nope", "wrong", "not right")),
)


# -- reading replies ----------------------------------------------------------------------------


def _norm(text: str) -> str:
    text = text.strip().lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"\s+", " ", text)
    return text.rstrip(".!")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.strip().lower()).rstrip(".")


def _accepts(item: Item) -> str:
    example = f", for example {item.example}" if item.example else ""
    if item.type == "yes_no":
        return _or([c.label.lower() for c in item.choices])
    if item.type == "single_choice":
        if item.select_by == "count":
            return f"a whole number of drinks{example}"
        return f"a number from 1 to {len(item.choices)}"
    if item.type == "multiple_choice":
        none = f", or 0 for {item.none_choice.label.lower()}" if item.none_choice else ""
        return f"the numbers of all that apply, for example 1, 3{none}"
    if item.type in ("integer", "number"):
        kind = "a whole number" if item.type == "integer" else "a number"
        bounds = ""
        if item.minimum is not None and item.maximum is not None:
            bounds = f" from {item.minimum:g} to {item.maximum:g}"
        return f"{kind}{bounds}{example}"
    if item.type == "quantity":
        return f"a number and its unit ({_or([u.label for u in item.units])}){example}"
    none = f", or '{item.none_choice.label.lower()}'" if item.none_choice else ""
    return f"the names separated by commas{example}{none}"


def _or(words: Sequence[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _matches_choice(choice: Choice, word: str) -> bool:
    names = {_norm(choice.label), *(_norm(w) for w in choice.words)}
    if isinstance(choice.value, str):
        names |= {choice.value.lower(), choice.value.lower().replace("_", " ")}
    return word in names


def _pick(choices: Sequence[Choice], word: str, *, numbered: bool, accepts: str) -> Any:
    if word.isdigit():
        if numbered and 1 <= int(word) <= len(choices):
            return choices[int(word) - 1].value
        if numbered:
            raise _Invalid(f"There is no answer {word} here. Please type {accepts}.")
    exact = [c for c in choices if _matches_choice(c, word)]
    if len(exact) == 1:
        return exact[0].value
    if len(word) >= 3:
        starts = [c for c in choices if _norm(c.label).startswith(word)]
        if len(starts) == 1:
            return starts[0].value
    if numbered:
        raise _Invalid(f"Sorry, I did not understand '{word}'. Please type {accepts} (or the words of an answer).")
    raise _Invalid(f"Sorry, I did not understand '{word}'. Please type {accepts}.")


def _pick_by_count(item: Item, word: str, accepts: str) -> Any:
    exact = [c for c in item.choices if _matches_choice(c, word)]
    if len(exact) == 1:
        return exact[0].value
    word = _ABOUT.sub("", word)
    word = str(_NUMBER_WORDS.get(word, word))
    found = re.fullmatch(r"(\d+)(?:\s*(?:drinks?|standard drinks?))?", word)
    if not found:
        raise _Invalid(f"Please type {accepts}.")
    count = int(found.group(1))
    fitting = [c for c in item.choices if c.at_least is not None and c.at_least <= count]
    if not fitting:
        lowest = min(c.at_least for c in item.choices if c.at_least is not None)
        raise _Invalid(f"Please type {accepts} ({lowest} or more: count part of a drink as {lowest}).")
    return max(fitting, key=lambda c: c.at_least or 0).value


def _pick_many(item: Item, word: str, accepts: str) -> list[Any]:
    none = item.none_choice
    if word == "0" or (none is not None and _matches_choice(none, word)):
        return []
    picked: list[Any] = []
    for part in (p.strip() for p in re.split(r"[,;]|\band\b", word)):
        if not part:
            continue
        if re.fullmatch(r"[\d\s]+", part):
            for number in part.split():
                if number == "0":
                    raise _Invalid(
                        f"0 means {none.label.lower() if none else 'none'}, so it cannot go with other answers. Please type {accepts}."
                    )
                if not 1 <= int(number) <= len(item.choices):
                    raise _Invalid(f"There is no answer {number} here. Please type {accepts}.")
                picked.append(item.choices[int(number) - 1].value)
            continue
        try:
            picked.append(_pick(item.choices, part, numbered=True, accepts=accepts))
        except _Invalid:
            raise _Invalid(f"Sorry, I did not understand '{part}'. Please type {accepts}.") from None
    if not picked:
        raise _Invalid(f"Please type {accepts}.")
    order = [choice.value for choice in item.choices]
    return sorted(dict.fromkeys(picked), key=order.index)


def _to_float(text: str, accepts: str) -> float:
    if "," in text:
        whole, _, fraction = text.partition(",")
        if len(fraction) > 2:
            raise _Invalid(f"Please type the number without a thousands separator: {accepts}.")
        text = f"{whole}.{fraction}"
    try:
        return float(text)
    except ValueError:
        raise _Invalid(f"Please type {accepts}.") from None


def _check_range(item: Item, number: float, accepts: str) -> None:
    if (item.minimum is not None and number < item.minimum) or (item.maximum is not None and number > item.maximum):
        raise _Invalid(f"{number:g} is outside what this question accepts. Please type {accepts}.")


def _number(item: Item, word: str, accepts: str, *, whole: bool) -> float | int:
    word = _ABOUT.sub("", word)
    first, _, rest = word.partition(" ")
    if first in _NUMBER_WORDS:
        word = f"{_NUMBER_WORDS[first]} {rest}".strip()
    found = _NUMBER.match(word)
    if not found or (found.group("rest") and _squash(found.group("rest")) not in {_squash(w) for w in item.unit_words}):
        raise _Invalid(f"Please type {accepts}.")
    number = _to_float(found.group("number"), accepts)
    if whole and not number.is_integer():
        raise _Invalid(f"Please type a whole number: {accepts}.")
    _check_range(item, number, accepts)
    if whole or number.is_integer():
        return int(number)
    return number


def _text_list(item: Item, text: str, word: str, accepts: str) -> list[str]:
    if item.none_choice is not None and _matches_choice(item.none_choice, word):
        return []
    entries = [part.strip() for part in _LIST_SPLIT.split(text)]
    entries = [entry for entry in entries if entry]
    if not entries:
        raise _Invalid(f"Please type {accepts}.")
    long = [entry for entry in entries if len(entry) > _MAX_MEDICATION_LENGTH]
    if long:
        raise _Invalid(f"'{long[0][:30]}...' is too long for one name: please separate names with commas.")
    return list(dict.fromkeys(entries))


def _chosen(item: Item, value: Any) -> list[Choice]:
    values = value if isinstance(value, list) else [value]
    return [c for c in item.choices for v in values if _same(c.value, v)]


# -- dotted paths -------------------------------------------------------------------------------


def _get(data: Mapping[str, Any], path: str) -> Any:
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return _MISSING
        current = current[part]
    return current


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    current = data
    for part in parents:
        current = current.setdefault(part, {})
    current[last] = value


def _delete(data: dict[str, Any], path: str) -> None:
    parts = path.split(".")
    chain = [data]
    for part in parts[:-1]:
        chain.append(chain[-1][part])
    del chain[-1][parts[-1]]
    for depth in range(len(parts) - 2, -1, -1):  # remove sections left empty
        if not chain[depth + 1]:
            del chain[depth][parts[depth]]


def _leaves(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            out += _leaves(value, f"{prefix}{key}.")
        else:
            out.append(prefix + key)
    return out
