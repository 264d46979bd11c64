"""The questionnaire as data: items in the order they are asked, the answers field each fills, how a
reply is read, why we ask, and skip logic in the spirit of FHIR's ``enableWhen``.

``rules/questionnaire.json`` is checked against ``schemas/questionnaire.schema.json`` and then
against the answers model, field by field, so the questions cannot drift from the contract.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from screener.contract.answers import Answers
from screener.contract.validation import check_data_file, parse_data, read_data_bytes
from screener.errors import RulesError, did_you_mean

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


FILE_NAME = "questionnaire.json"
_SCHEMA = "questionnaire.schema.json"

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
    web_text: str | None = None
    """The question on the web page, where ``text`` speaks of the keyboard."""
    web_hint: str | None = None
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
    document: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The data it was built from, as published (the web page's /api/v1/questionnaire)."""

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
        plain = PlainWords.from_data(data.get("words", {}))
        items = tuple(_item(raw, plain) for raw in data["items"])
        problems = _cross_check(items, data["not_asked"]) + _plain_word_problems(items, plain)
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
            document=data,
        )

    def implied_by_choices(self, answers: Mapping[str, Any]) -> dict[str, str]:
        """The fields of ``answers`` that no one was asked, filled by a choice's ``also_set``
        ("Never" to how often one drinks sets the other AUDIT-C parts to 0, for the score), each
        with the question and answer that filled it ("How often you drink alcohol: Never").
        A field holding another value than the one implied was given by someone, and is not here.
        Answers shown to a person or clinician leave these out: the person never chose them."""
        implied: dict[str, str] = {}
        for item in self.items:
            value = get_path(answers, item.field)
            for choice in item.choices:
                if not choice.also_set or value is MISSING or not same_value(value, choice.value):
                    continue
                for name, set_to in choice.also_set.items():
                    given = get_path(answers, name)
                    if given is not MISSING and same_value(given, set_to):
                        implied.setdefault(name, f"{item.label}: {choice.label}")
        return implied

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"no question '{item_id}'{did_you_mean(item_id, [item.id for item in self.items])}")


def _item(raw: Mapping[str, Any], plain: PlainWords = PlainWords()) -> Item:
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
        web_text=raw.get("web_text"),
        web_hint=raw.get("web_hint"),
        in_days=raw.get("in_days", False),
        plain=plain,
        notes_below=tuple((note["below"], note["text"]) for note in raw.get("notes", ())),
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
    if origin in (Union, types.UnionType, Annotated):  # Optional[X] and X | None alike
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
def groups(model: type[BaseModel] = Answers, prefix: str = "") -> dict[str, tuple[str, ...]]:
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
        out.update(groups(sub, path + "."))
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
    """Every way the questionnaire disagrees with the answers model or with itself."""
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
        problems += _field_problems(where, item, fields, owner)
        if item.type in ("multiple_choice", "text_list") and item.none_choice is None:
            problems.append(f"{where}: a {item.type} item needs a none_choice (how to say 'none')")
        problems += _enable_when_problems(where, items, index, seen)
    for path in not_asked:
        if path not in fields:
            problems.append(f"not_asked '{path}': not an answers field{did_you_mean(path, fields)}")
    return problems


def _plain_word_problems(items: Sequence[Item], plain: PlainWords) -> list[str]:
    """A plain word read as another reply is in one place: never also a choice's own word (which
    would make it mean two things), and only items counting whole days read durations."""
    problems: list[str] = []
    for said, _ in plain.same_as:
        for item in items:
            for choice in (*item.choices, *([item.none_choice] if item.none_choice else [])):
                if said.strip().lower() in {w.strip().lower() for w in (*choice.words, choice.label)}:
                    problems.append(
                        f"words.same_as '{said}': also a word of item '{item.id}', choice {choice.label!r} "
                        "(keep it in one place)"
                    )
    problems += [f"item '{item.id}': in_days needs an integer item, not {item.type}" for item in items if item.in_days and item.type != "integer"]
    if any(item.in_days for item in items) and not plain.days_in:
        problems.append("items with in_days need words.days_in (the days in a week, a month...)")
    return problems


def _field_problems(where: str, item: Item, fields: Mapping[str, Any], owner: dict[str, str]) -> list[str]:
    """The fields an item fills (its own, its unit's, its choices' also_set) exist and take its values."""
    problems: list[str] = []
    paths = [("field", item.field), ("unit_field", item.unit_field)]
    paths += [(f"choice {c.label!r} also_set", name) for c in item.choices for name in c.also_set]
    for key, path in paths:
        if path is not None and path not in fields:
            problems.append(f"{where}, {key} '{path}': not an answers field{did_you_mean(path, fields)}")
    if item.field in owner:
        problems.append(f"{where}, field '{item.field}': already filled by item '{owner[item.field]}'")
    owner.setdefault(item.field, item.id)
    if item.field not in fields:
        return problems
    listed = _is_list(fields[item.field])
    if listed != (item.type in ("multiple_choice", "text_list")):
        kind = "a list" if listed else "a single value"
        return [*problems, f"{where}, field '{item.field}': holds {kind}, which a {item.type} item cannot fill"]
    for choice in item.choices:
        reason = _valid_for(item.field, [choice.value] if listed else choice.value)
        if reason:
            problems.append(f"{where}, field '{item.field}': choice {choice.label!r} has value {choice.value!r}: {reason}")
        for name, value in choice.also_set.items():
            if name in fields and (reason := _valid_for(name, value)):
                problems.append(f"{where}, choice {choice.label!r} also_set '{name}': {value!r}: {reason}")
    if item.unit_field is not None and item.unit_field in fields:
        for unit in item.units:
            if reason := _valid_for(item.unit_field, unit.value):
                problems.append(f"{where}, unit_field '{item.unit_field}': unit '{unit.value}': {reason}")
    units = [u.value for u in item.units]
    if item.default_unit and item.default_unit not in units:
        problems.append(
            f"{where}: default_unit '{item.default_unit}' is not one of its units{did_you_mean(item.default_unit, units)}"
        )
    return problems


def _enable_when_problems(where: str, items: Sequence[Item], index: int, seen: Mapping[str, int]) -> list[str]:
    """Skip logic may only look back, at an item that exists, with values and operators it can take."""
    problems: list[str] = []
    for condition in items[index].enable_when:
        target = condition.item
        if target not in [other.id for other in items[:index]]:
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
                if not any(same_value(value, k) for k in known):
                    problems.append(
                        f"{where}, enable_when: item '{target}' has no choice {value!r}"
                        f"{did_you_mean(str(value), [str(k) for k in known])}"
                    )
        if condition.operator in ("between", "not_below") and other.type != "integer":
            problems.append(f"{where}, enable_when: '{condition.operator}' needs an integer item, '{target}' is {other.type}")
        if condition.operator == "contains" and other.type != "multiple_choice":
            problems.append(f"{where}, enable_when: 'contains' needs a multiple_choice item, '{target}' is {other.type}")
        if condition.operator == "has_medicine_class" and not other.confirm_medicines:
            problems.append(f"{where}, enable_when: 'has_medicine_class' needs a medicines item, '{target}' is not one")
    return problems


def check_medicine_classes(questionnaire: Questionnaire, known: Collection[str]) -> None:
    """Every medicine class the questionnaire names must be one of the vocabulary's."""
    problems = []
    for item in questionnaire.items:
        for condition in item.enable_when:
            if condition.operator == "has_medicine_class" and condition.value not in known:
                problems.append(
                    f"{questionnaire.source}: item '{item.id}', enable_when: unknown medicine class "
                    f"'{condition.value}'{did_you_mean(condition.value, known)}"
                )
    for name in questionnaire.medicine_classes:
        if name not in known:
            problems.append(f"{questionnaire.source}: medicine_classes: unknown class '{name}'{did_you_mean(name, known)}")
    if problems:
        raise RulesError("\n".join(problems), hint="class names are those of the medication vocabulary")


def same_value(a: Any, b: Any) -> bool:
    """Equal and of the same JSON type (True is not 1)."""
    return (type(a) is type(b) and a == b) or (
        isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


# -- dotted paths -------------------------------------------------------------------------------


def get_path(data: Mapping[str, Any], path: str) -> Any:
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return MISSING
        current = current[part]
    return current


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    current = data
    for part in parents:
        current = current.setdefault(part, {})
    current[last] = value


def delete_path(data: dict[str, Any], path: str) -> None:
    parts = path.split(".")
    chain = [data]
    for part in parts[:-1]:
        chain.append(chain[-1][part])
    del chain[-1][parts[-1]]
    for depth in range(len(parts) - 2, -1, -1):  # remove sections left empty
        if not chain[depth + 1]:
            del chain[depth][parts[depth]]


def leaf_paths(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            out += leaf_paths(value, f"{prefix}{key}.")
        else:
            out.append(prefix + key)
    return out


MISSING: Any = object()
