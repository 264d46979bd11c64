"""Skip logic: whether a question applies, given the answers so far (the questionnaire's
``enable_when``, in the spirit of FHIR's ``enableWhen``).

A condition is True (it holds), False (a reply rules it out) or None (it cannot be decided yet:
the question it looks at is unanswered or skipped). The interview asks only what applies, and
keeps an answer whose question cannot be decided yet; it drops only an answer that a later reply
contradicts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from screener.interview.answer_paths import same_value
from screener.interview.reply_words import SKIPPED

if TYPE_CHECKING:
    from screener.interview.questionnaire_items import Condition, Item
    from screener.screening.medications import MedicationMatch

MedicinesOf = Callable[[str], Iterable["MedicationMatch"]]
"""The medicines a medicines question's answer names, matched, by the question's id."""


def item_enabled(
    item: Item,
    enabled: Mapping[str, bool | None],
    values: Mapping[str, Any],
    medicines_of: MedicinesOf,
    expected: bool = False,
) -> bool | None:
    """True (applies), False (a reply rules it out) or None (cannot be decided yet)."""
    if not item.enable_when:
        return True
    results = [condition_holds(condition, enabled, values, medicines_of, expected) for condition in item.enable_when]
    if item.enable_behavior == "any":
        return True if True in results else (False if all(r is False for r in results) else None)
    return False if False in results else (True if all(results) else None)


def condition_holds(
    condition: Condition,
    enabled: Mapping[str, bool | None],
    values: Mapping[str, Any],
    medicines_of: MedicinesOf,
    expected: bool = False,
) -> bool | None:
    """One condition of ``enable_when``; with ``expected``, one on a question not answered yet
    counts as met when it is a 'not_equals' (the progress count's guess)."""
    if condition.operator == "not_below":
        # True unless a number below the value was given: an unanswered, skipped or hidden
        # item holds none (an age not given asks about alcohol as before; FHIR: not exists, or >=).
        given = values.get(condition.item) if enabled.get(condition.item) is not False else None
        return not (isinstance(given, (int, float)) and not isinstance(given, bool) and given < condition.value)
    if enabled.get(condition.item) is False:
        return False
    if expected and condition.item not in values:
        return condition.operator == "not_equals"
    value = values.get(condition.item)
    if value is None or value is SKIPPED:
        return None  # not known: neither asked nor ruled out
    operator = condition.operator
    if operator == "answered":
        return True
    if operator == "equals":
        return same_value(value, condition.value)
    if operator == "not_equals":
        return not same_value(value, condition.value)
    if operator == "in":
        return any(same_value(value, option) for option in condition.value)
    if operator == "contains":
        return any(same_value(element, condition.value) for element in value)
    if operator == "between":
        low, high = condition.value
        return bool(low <= value <= high)
    if operator == "has_medicine_class":
        return any(condition.value in match.classes for match in medicines_of(condition.item))
    raise ValueError(f"unknown operator {operator!r}")  # the schema allows no other
