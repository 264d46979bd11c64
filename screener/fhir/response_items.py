"""One answered item of a QuestionnaireResponse, read into the answers.

The item's question (``linkId``) says which field of the answers it fills and what kind of answer
it takes: a choice is read by its coding's code (never by its display; a yes/no question also by
a ``valueBoolean``), medicine names by their ``valueString`` (or a coded medicine's display), a
number by its ``valueInteger`` or ``valueDecimal``, an amount by its ``valueQuantity``, whose unit
is read from its UCUM code and whose ``comparator`` says a lab result is only below (``<``) or
above (``>``) the number. An answer of the wrong kind, an unknown code or unit, or "none" beside
other answers is a problem at the JSON path of the answer, and nothing is stored for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screener.errors import did_you_mean
from screener.fhir.conversion import Conversion, child, describe
from screener.fhir.expressions import answer_coding
from screener.fhir.mapping import FhirContext
from screener.fhir.questionnaire import NONE_CODE
from screener.interview.answer_paths import GIVEN_IN_ANOTHER_UNIT, same_value, set_path
from screener.interview.lab_replies import Quantity, bound_field
from screener.interview.questionnaire_items import Item
from screener.interview.reply_words import lab_bounds

#: A Quantity's comparator (FHIR quantity-comparator) -> the lab result's bound in the answers.
COMPARATOR_BOUND = {"<": "below", ">": "above"}


def read_item(item: Item, answers: list[Any], path: str, context: FhirContext, out: Conversion) -> None:
    answer_path = child(path, "answer")
    if item.type in ("yes_no", "single_choice", "multiple_choice"):
        values = [_chosen(item, answer, child(answer_path, n), context, out) for n, answer in enumerate(answers)]
        if any(value is _INVALID for value in values):
            return
        if item.type == "multiple_choice":
            _store_list(item, values, path, out)
            return
        if len(values) > 1:
            out.problem(answer_path, f"question '{item.id}' takes one answer, got {len(values)}")
            return
        store_answer(item.field, values[0], path, out)
        return
    if len(answers) > 1 and item.type != "text_list":
        out.problem(answer_path, f"question '{item.id}' takes one answer, got {len(answers)}")
        return
    if item.type == "text_list":
        _read_text_list(item, answers, path, out)
    elif item.type == "quantity":
        _read_quantity(item, answers[0], child(answer_path, 0), path, context, out)
    else:
        _read_number(item, answers[0], child(answer_path, 0), path, out)


_INVALID: Any = object()


def _chosen(item: Item, answer: Any, path: str, context: FhirContext, out: Conversion) -> Any:
    coding = answer.get("valueCoding") if isinstance(answer, dict) else None
    said = answer.get("valueBoolean") if isinstance(answer, dict) and coding is None else None
    if isinstance(said, bool) and item.type == "yes_no":
        # A form built from the exported Questionnaire by hand, or by an engine that renders a
        # yes/no choice as a tick box, answers it as FHIR's boolean: true is the choice "yes".
        chosen = _boolean_choice(item, said)
        if chosen is not _INVALID:
            return chosen
    if not isinstance(coding, dict):
        codes = [answer_coding(context, item, choice.value)["code"] for choice in item.choices]
        if item.none_choice is not None:
            codes.append(NONE_CODE)
        out.problem(path, f"question '{item.id}' expects a choice: a valueCoding with one of its codes ({_listed(codes)}); got {_given(answer)}")
        return _INVALID
    system, code = coding.get("system"), coding.get("code")
    if not isinstance(code, str) or not code.strip():
        out.problem(child(path, "valueCoding"), _no_code(item, coding, context))
        return _INVALID
    if item.none_choice is not None and code == NONE_CODE and system in (None, context.mapping.answer_system):
        return NONE_CODE
    options = {choice.value: answer_coding(context, item, choice.value) for choice in item.choices}
    for value, option in ((c.value, options[c.value]) for c in item.choices):
        if option["code"] == code and system in (None, option["system"]):
            return value
    known = [option["code"] for option in options.values()]
    out.problem(child(path, "valueCoding"), f"question '{item.id}' has no answer {system or ''}|{code}{did_you_mean(str(code), known)}")
    return _INVALID


def _boolean_choice(item: Item, said: bool) -> Any:
    """The choice of a yes/no item a ``valueBoolean`` names: the one whose value is that boolean,
    or is "yes" for true and "no" for false; ``_INVALID`` when the item has neither."""
    wanted: tuple[Any, ...] = (said, "yes" if said else "no")
    return next((c.value for c in item.choices if any(same_value(c.value, value) for value in wanted)), _INVALID)


def _no_code(item: Item, coding: Mapping[str, Any], context: FhirContext) -> str:
    """A coding with no code (a display only, or nothing): a choice is read by its code, never
    by its display (a display is for people, and may be in any words or language); the message
    names the code whose display it is, when one is."""
    offered = [answer_coding(context, item, choice.value) for choice in item.choices]
    codes = [option["code"] for option in offered]
    displays = {str(option.get("display", "")).casefold(): option["code"] for option in offered}
    displays.update({choice.label.casefold(): code for choice, code in zip(item.choices, codes, strict=True)})
    if item.none_choice is not None:
        codes.append(NONE_CODE)
        displays[item.none_choice.label.casefold()] = NONE_CODE
    display = coding.get("display")
    said = f" (only the display {display.strip()!r})" if isinstance(display, str) and display.strip() else ""
    hint = ""
    if isinstance(display, str) and display.strip().casefold() in displays:
        hint = f"; {display.strip()!r} is the display of code '{displays[display.strip().casefold()]}'"
    return (
        f"question '{item.id}': the valueCoding has no code{said}; a choice is read by its code, "
        f"one of {_listed(codes)}{hint}"
    )


def _given(answer: Any) -> str:
    """What an answer holds, said in FHIR's words (``valueBoolean true``), not Python's."""
    if not isinstance(answer, dict):
        return f"{describe(answer)} where an answer (an object) belongs"
    values = [key for key in answer if key.startswith("value")]
    if not values:
        return "an answer with no value"
    value = answer[values[0]]
    shown = describe(value) if not isinstance(value, bool) else str(value).lower()
    return values[0] if isinstance(value, (dict, list)) else f"{values[0]} {shown}"


def _listed(codes: list[str], most: int = 8) -> str:
    shown = ", ".join(codes[:most])
    return shown if len(codes) <= most else f"{shown}, ... ({len(codes)} in all)"


def _store_list(item: Item, values: list[Any], path: str, out: Conversion) -> None:
    if NONE_CODE in values and len(values) > 1:
        label = item.none_choice.label if item.none_choice else "none"
        out.problem(child(path, "answer"), f"'{label}' cannot go with other answers to question '{item.id}'")
        return
    chosen = [] if values == [NONE_CODE] else list(dict.fromkeys(values))
    store_answer(item.field, chosen, path, out)


def _read_text_list(item: Item, answers: list[Any], path: str, out: Conversion) -> None:
    names: list[str] = []
    none = False
    for number, answer in enumerate(answers):
        where = child(child(path, "answer"), number)
        text = answer.get("valueString") if isinstance(answer, dict) else None
        coding = answer.get("valueCoding") if isinstance(answer, dict) else None
        if isinstance(coding, dict) and coding.get("code") == NONE_CODE:
            none = True
        elif isinstance(coding, dict) and isinstance(coding.get("display"), str) and coding["display"].strip():
            names.append(coding["display"].strip())  # a coded medicine (RxNorm): its name
        elif isinstance(text, str) and text.strip():
            names.append(text.strip())
        else:
            out.problem(where, f"question '{item.id}' expects the names of medicines: a valueString for each; got {_given(answer)}")
            return
    if none and names:
        out.problem(child(path, "answer"), f"'none' cannot go with names of medicines in question '{item.id}'")
        return
    store_answer(item.field, list(dict.fromkeys(names)), path, out)


def _read_number(item: Item, answer: Any, path: str, item_path: str, out: Conversion) -> None:
    key = "valueInteger" if item.type == "integer" else "valueDecimal"
    value = answer.get(key, answer.get("valueInteger")) if isinstance(answer, dict) else None
    decimal = answer.get("valueDecimal") if isinstance(answer, dict) and item.type == "integer" and value is None else None
    if isinstance(decimal, float) and decimal.is_integer():
        value = int(decimal)  # 72.0: some form engines send every number as a decimal
    wrong_type = not isinstance(value, int) if item.type == "integer" else not isinstance(value, (int, float))
    if isinstance(value, bool) or wrong_type:
        out.problem(path, f"question '{item.id}' expects a {'whole ' if item.type == 'integer' else ''}number: a {key}; got {_given(answer)}")
        return
    store_answer(item.field, value, item_path, out)


def _read_quantity(item: Item, answer: Any, path: str, item_path: str, context: FhirContext, out: Conversion) -> None:
    quantity = answer.get("valueQuantity") if isinstance(answer, dict) else None
    number = quantity.get("value") if isinstance(quantity, dict) else None
    if not isinstance(quantity, dict) or isinstance(number, bool) or not isinstance(number, (int, float)):
        out.problem(path, f"question '{item.id}' expects an amount: a valueQuantity with a value and a unit; got {_given(answer)}")
        return
    unit_value = unit_of(quantity, item, context)
    if unit_value is None:
        shown = quantity.get("code") or quantity.get("unit")
        accepted = ", ".join(context.mapping.units[unit.value].code for unit in item.units)
        message = f"unknown unit {describe(shown)}" if shown else "no unit"
        out.problem(child(path, "valueQuantity"), f"{message} for question '{item.id}': expected one of {accepted}")
        return
    bound = _bound(item, quantity.get("comparator"), child(child(path, "valueQuantity"), "comparator"), out)
    if bound is None:
        return
    unit = item.unit(unit_value)
    if item.unit_field:
        store_answer(bound_field(item, bound), number, item_path, out)
        store_answer(item.unit_field, unit.value, item_path, out)
    elif (other := GIVEN_IN_ANOTHER_UNIT.get(item.field)) and unit.value == other[1]:
        store_answer(other[0], number, item_path, out)  # UK units kept as given: judged against the UK guideline
    else:
        store_answer(item.field, Quantity(number, unit).stored(), item_path, out)


def _bound(item: Item, comparator: Any, path: str, out: Conversion) -> str | None:
    """Which number of the answers a quantity gives: ``value`` without a comparator, ``below`` for
    ``<`` and ``above`` for ``>`` (a lab result the report gives only as beyond a number); None,
    with the problem said, for another comparator or for one on a question that is not a lab result."""
    if comparator is None:
        return "value"
    if not lab_bounds(item):
        out.problem(path, f"question '{item.id}' expects an amount, not one given only as beyond a number (comparator {describe(comparator)})")
        return None
    bound = COMPARATOR_BOUND.get(comparator) if isinstance(comparator, str) else None
    if bound is not None:
        return bound
    if comparator in ("<=", ">="):
        message = (
            f"the comparator '{comparator}' allows the number itself, which the answers cannot carry: give the value, or "
            "'<' or '>' when the report gives the result only as below or above the number"
        )
    else:
        message = f"unknown comparator {describe(comparator)}: expected '<' (a result below the number) or '>' (above it)"
    out.problem(path, f"question '{item.id}': {message}")
    return None


def unit_of(quantity: Mapping[str, Any], item: Item, context: FhirContext) -> str | None:
    """Which of the item's units a valueQuantity is in (its UCUM code, else its unit text);
    the item's default unit when it gives none; None when it is not one of them."""
    units = {unit.value for unit in item.units}
    for key in ("code", "unit"):
        text = quantity.get(key)
        if isinstance(text, str) and text.strip():
            found = context.mapping.unit_for_text(text)
            return found.value if found is not None and found.value in units else None
    return item.default_unit


def store_answer(field: str, value: Any, path: str, out: Conversion) -> None:
    set_path(out.answers, field, value)
    out.origins[field] = path
