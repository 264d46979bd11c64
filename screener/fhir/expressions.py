"""Skip logic in FHIR: our ``enable_when`` as ``enableWhen``, or as an SDC ``enableWhenExpression``.

Two differences from our skip logic decide the translation:

- FHIR's ``!=`` is true when the question has no answer at all; ours (``not_equals``) is false
  then. So ``not_equals`` becomes two conditions, ``exists`` and ``!=``, both required
  (``enableBehavior: all``).
- ``between`` (a number from one value to another) becomes ``>=`` and ``<=``, both required.
- ``not_below`` (no number below the value: an age under 12 rules the alcohol questions out, an
  age not given does not) is true when the question has no answer, as FHIR's ``exists: false``
  is; it becomes ``exists: false`` or ``>=`` (``enableBehavior: any``).
- ``enableWhen`` compares one answer with one value. It cannot say "a medicine of this class was
  named" (``has_medicine_class``), nor mix "all" and "any". Such an item gets an SDC
  ``enableWhenExpression`` instead (FHIRPath), which may not be used together with
  ``enableWhen``. For a medicine class the expression looks for any name of that class in the
  vocabulary, as a whole word, in any answer; the list is generated from
  ``rules/medications.json`` and each name is kept only if the screener's own matcher reads it
  as that class, so the two cannot disagree on the vocabulary's names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from screener.fhir.mapping import ENABLE_WHEN_EXPRESSION, FhirContext
from screener.interview.questionnaire_items import Condition, Item

_WORD = re.compile(r"[^\W_]+")
_NOT_ALNUM = "[^a-z0-9]"


def answer_coding(context: FhirContext, item: Item, value: Any) -> dict[str, str]:
    """The coding of one choice value of an item: LOINC where the mapping has it, else ours."""
    coded = context.mapping.answer_code(item.id, value)
    if coded is not None:
        return {"system": coded["system"], "code": coded["code"], "display": coded["display"]}
    label = next((choice.label for choice in item.choices if _same(choice.value, value)), str(value))
    return {"system": context.mapping.answer_system, "code": code_of(value), "display": label}


def code_of(value: Any) -> str:
    """Our code for a contract value: the string itself, or JSON text for true, false and numbers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


# -- enableWhen -------------------------------------------------------------------------------


def enable_logic(item: Item, items: Mapping[str, Item], context: FhirContext) -> dict[str, Any]:
    """The fields of a Questionnaire item that carry its skip logic (empty when always shown)."""
    if not item.enable_when:
        return {}
    behavior = item.enable_behavior
    single = len(item.enable_when) == 1
    simple = all(_fits_enable_when(c, behavior, single) for c in item.enable_when)
    if not simple:
        return {"extension": [enable_when_expression(item, items, context)]}
    conditions = [entry for c in item.enable_when for entry in _enable_when_entries(c, items[c.item], context)]
    fields: dict[str, Any] = {"enableWhen": conditions}
    if len(conditions) > 1:
        # One `in` alone is "any of these"; one `not_equals` alone is "answered and not this".
        if single:
            behavior = "any" if item.enable_when[0].operator in ("in", "not_below") else "all"
        fields["enableBehavior"] = behavior
    return fields


def _fits_enable_when(condition: Condition, behavior: str, single: bool) -> bool:
    operator = condition.operator
    if operator == "has_medicine_class":
        return False
    if operator == "in":
        return single or behavior == "any"
    if operator in ("not_equals", "between"):
        return single or behavior == "all"
    if operator == "not_below":
        return single or behavior == "any"
    return True


def _enable_when_entries(condition: Condition, target: Item, context: FhirContext) -> list[dict[str, Any]]:
    operator = condition.operator
    if operator == "answered":
        return [{"question": target.id, "operator": "exists", "answerBoolean": True}]
    if operator == "not_below":
        return [
            {"question": target.id, "operator": "exists", "answerBoolean": False},
            {"question": target.id, "operator": ">=", **_answer(target, condition.value, context)},
        ]
    if operator == "between":
        low, high = condition.value
        return [
            {"question": target.id, "operator": ">=", **_answer(target, low, context)},
            {"question": target.id, "operator": "<=", **_answer(target, high, context)},
        ]
    values = condition.value if operator == "in" else [condition.value]
    compared = [{"question": target.id, "operator": "=" if operator != "not_equals" else "!=", **_answer(target, v, context)} for v in values]
    if operator == "not_equals":
        return [{"question": target.id, "operator": "exists", "answerBoolean": True}, *compared]
    return compared


def _answer(target: Item, value: Any, context: FhirContext) -> dict[str, Any]:
    if target.choices:
        return {"answerCoding": answer_coding(context, target, value)}
    if target.type == "integer":
        return {"answerInteger": value}
    return {"answerDecimal": value}


# -- enableWhenExpression (FHIRPath) ------------------------------------------------------------


def enable_when_expression(item: Item, items: Mapping[str, Item], context: FhirContext) -> dict[str, Any]:
    """The SDC enableWhenExpression extension for an item's conditions, in FHIRPath."""
    joiner = " or " if item.enable_behavior == "any" else " and "
    parts = [_fhirpath(condition, items[condition.item], context) for condition in item.enable_when]
    expression = joiner.join(f"({part})" for part in parts) if len(parts) > 1 else parts[0]
    return {
        "url": ENABLE_WHEN_EXPRESSION,
        "valueExpression": {"language": "text/fhirpath", "expression": expression},
    }


def _fhirpath(condition: Condition, target: Item, context: FhirContext) -> str:
    answers = f"%resource.repeat(item).where(linkId={_literal(target.id)}).answer"
    operator = condition.operator
    if operator == "answered":
        return f"{answers}.exists()"
    if operator == "has_medicine_class":
        pattern = medicine_class_pattern(context, condition.value)
        return f"{answers}.valueString.where(lower().matches({_literal(pattern)})).exists()"
    if operator == "not_below":
        field = "valueInteger" if target.type == "integer" else "valueDecimal"
        return f"{answers}.{field}.where($this < {condition.value}).empty()"
    if operator == "between":
        low, high = condition.value
        field = "valueInteger" if target.type == "integer" else "valueDecimal"
        return f"{answers}.{field}.where($this >= {low} and $this <= {high}).exists()"
    values = condition.value if operator == "in" else [condition.value]
    if target.choices:
        codings = [answer_coding(context, target, value) for value in values]
        tests = " or ".join(f"(system={_literal(c['system'])} and code={_literal(c['code'])})" for c in codings)
        matching = f"{answers}.valueCoding.where({tests})"
    else:
        field = "valueInteger" if target.type == "integer" else "valueDecimal"
        matching = f"{answers}.{field}.where({' or '.join(f'$this = {value}' for value in values)})"
    if operator == "not_equals":
        return f"{answers}.exists() and {matching}.empty()"
    return f"{matching}.exists()"


def _literal(text: str) -> str:
    """A FHIRPath string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def medicine_class_pattern(context: FhirContext, drug_class: str) -> str:
    """A regular expression (FHIRPath ``matches``, JavaScript and Python alike) that finds any name
    of a medicine class of the vocabulary in a lower-cased medication entry.

    Each name's words may be joined by any punctuation or space, as the matcher allows
    ("co-amilofruse", "co amilofruse"). A name that is a salt word on its own ("potassium")
    counts only at the start of an entry or after punctuation: after a drug name the matcher
    reads it as part of that name ("losartan potassium").
    """
    salt_words = {_fold(word) for word in context.vocabulary_data.get("salt_words", ())}
    plain: list[str] = []
    salted: list[str] = []
    for name in names_of_class(context, drug_class):
        words = _words(name)
        (salted if len(words) == 1 and words[0] in salt_words else plain).append(f"{_NOT_ALNUM}+".join(map(re.escape, words)))
    alternatives = []
    if plain:
        alternatives.append(f"(^|{_NOT_ALNUM})(" + "|".join(plain) + f")({_NOT_ALNUM}|$)")
    if salted:
        alternatives.append(r"(^|[^a-z0-9\s])\s*(" + "|".join(salted) + f")({_NOT_ALNUM}|$)")
    return "|".join(alternatives) if alternatives else "(?!)"


def names_of_class(context: FhirContext, drug_class: str) -> list[str]:
    """Every name of the vocabulary (generic, brand, other, local brand, combination) that the
    screener's matcher reads as a medicine of ``drug_class``, in file order, without repeats."""
    data = context.vocabulary_data
    candidates: list[str] = []
    for drug in data.get("drugs", ()):
        candidates += [drug["generic"], *drug.get("brands", ()), *drug.get("other_names", ())]
        candidates += [local["name"] for local in drug.get("local_brands", ())]
    for product in data.get("combinations", ()):
        candidates += product["names"]
    return [name for name in _unique(candidates, key=lambda n: tuple(_words(n))) if drug_class in context.vocabulary.match(name).classes]


def _fold(word: str) -> str:
    return word.lower() if word.isascii() else unicodedata.normalize("NFKC", word).casefold()


def _words(name: str) -> list[str]:
    return _WORD.findall(_fold(name))


def _unique(names: Iterable[str], key: Any) -> Sequence[str]:
    seen: set[Any] = set()
    out = []
    for name in names:
        if key(name) not in seen:
            seen.add(key(name))
            out.append(name)
    return out
