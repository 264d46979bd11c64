"""The interview's replies as a contract answers object, and an answers file read back into
replies (``ask --resume``, a web session resumed).

What is stored per question (a choice, a ``Quantity`` with its unit, a medicine list with its
checks) is the interview's business; what is saved is the answers contract: only fields with an
answer, a lab value in mmol/L with its unit, a choice's ``also_set`` fields, and a section with
required fields (AUDIT-C, a lab result) all or nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from screener.interview.answer_paths import (
    GIVEN_IN_ANOTHER_UNIT,
    MISSING,
    delete_path,
    get_path,
    groups,
    leaf_paths,
    missing_fields,
    same_value,
    saved_as_given,
    set_path,
)
from screener.interview.lab_replies import Quantity, bound_field, given_number
from screener.interview.medicine_checks import checked_when_saved
from screener.interview.replies import chosen
from screener.interview.reply_words import SKIPPED

if TYPE_CHECKING:
    from screener.interview.questionnaire import Questionnaire
    from screener.interview.questionnaire_items import Item
    from screener.interview.questions import Step
    from screener.screening.medications import Vocabulary


def answers_object(
    steps: Sequence[Step], values: Mapping[str, Any], extra: Mapping[str, Any], medicines_of: Callable[[Item], list[str]]
) -> dict[str, Any]:
    """The answers of the steps that apply (``steps``, in order) as a contract answers object,
    over ``extra`` (fields of a resumed file that no question fills, kept as given)."""
    out: dict[str, Any] = json.loads(json.dumps(extra))
    settled: dict[str, Any] = {}
    for step in steps:
        if step.kind != "item":
            continue
        item, value = step.item, values.get(step.key)
        if value is None or value is SKIPPED:
            continue
        if item.confirm_medicines:
            set_path(out, item.field, medicines_of(item))
        elif isinstance(value, Quantity) and (other := saved_as_given(item.field, value.unit.value)):
            # UK units are saved as given: the rules judge them against the UK guideline, not as US drinks.
            set_path(out, other, int(value.number) if float(value.number).is_integer() else value.number)
        elif isinstance(value, Quantity):
            set_path(out, bound_field(item, value.bound), value.stored())
            if item.unit_field:
                set_path(out, item.unit_field, value.unit.value)
        else:
            set_path(out, item.field, value)
        for choice in chosen(item, value):
            for name, implied in choice.also_set.items():
                settled.setdefault(name, implied)
    for name, implied in settled.items():
        # A field a choice implies is set only where no question that applies asks it.
        if get_path(out, name) is MISSING and not _asked(steps, name):
            set_path(out, name, implied)
    for group, required in groups().items():
        section = get_path(out, group)
        if isinstance(section, dict) and missing_fields(section, required):
            delete_path(out, group)
    return out


def _asked(steps: Sequence[Step], path: str) -> bool:
    """Whether an item that applies fills ``path`` (answered or not)."""
    return any(step.kind == "item" and step.item.field == path for step in steps)


def replies_from_answers(
    questionnaire: Questionnaire, vocabulary: Vocabulary, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An answers file (valid, as plain JSON data) read back as the replies the interview stores,
    by question id (medicine checks included), and the fields no question claims (kept as given)."""
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    claimed = {name for item in questionnaire.items for name in item.fields}
    claimed |= {other for field, (other, _) in GIVEN_IN_ANOTHER_UNIT.items() if field in claimed}
    for item in questionnaire.items:
        value, bound = given_number(item, data)  # a lab result known only as beyond a number: "below": 3.5
        written = get_path(data, item.unit_field) if item.unit_field else None
        if (value is MISSING or value is None) and item.field in GIVEN_IN_ANOTHER_UNIT:
            other, written = GIVEN_IN_ANOTHER_UNIT[item.field]  # UK units: the question answered in them
            value = get_path(data, other)
        if value is MISSING or value is None:
            continue
        if item.type == "quantity":
            given = next((u for u in item.units if (u.value == written if written else not u.converts)), None)
            if given is not None:
                values[item.id] = Quantity(value, given, bound)
        elif item.type in ("yes_no", "single_choice"):
            if any(same_value(value, c.value) for c in item.choices):
                values[item.id] = value
        elif item.type == "multiple_choice":
            values[item.id] = list(value)
        else:
            values[item.id] = list(value) if isinstance(value, list) else value
        if item.confirm_medicines:
            values.update(checked_when_saved(vocabulary, item, value))
    for path in leaf_paths(data):
        if not any(path == name or path.startswith(name + ".") for name in claimed):
            set_path(extra, path, get_path(data, path))
    return values, extra
