"""Every way the questionnaire disagrees with the answers model or with itself: a field that is
no answers field, a choice the field cannot take, skip logic that looks forward or at an item that
does not exist, a plain word that would mean two things.

All the problems are collected, so that one run lists all there is to fix in the file
(``questionnaire.Questionnaire.from_data`` raises them together).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from screener.errors import did_you_mean
from screener.interview.answer_paths import answer_fields, is_list_type, same_value
from screener.interview.questionnaire_items import Item, PlainWords


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


def cross_check(items: Sequence[Item], not_asked: Mapping[str, str]) -> list[str]:
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


def plain_word_problems(items: Sequence[Item], plain: PlainWords) -> list[str]:
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
    listed = is_list_type(fields[item.field])
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

