"""Our questionnaire as an SDC Questionnaire (FHIR R4 or R5), generated from ``rules/questionnaire.json``.

Nothing here is kept by hand: every item, choice, unit, limit, help text and skip condition
comes from the questionnaire data; codes come from ``rules/fhir.json``; the expressions for
"a medicine of this class was named" come from the medication vocabulary. Each item's
``linkId`` is its id in the questionnaire, so a QuestionnaireResponse reads straight back into
answers (``screener.fhir.response``).

- Choices are ``answerOption`` codings: LOINC answer codes for the AUDIT-C (with their scores as
  ``ordinalValue``), our own code system otherwise (the code is the contract's value). A multiple
  choice ``repeats``, and its "none of these" carries ``questionnaire-optionExclusive``.
- The medicines question is open: free-text names, or "none" (R4 ``open-choice``; R5 ``coding``
  with ``answerConstraint: optionsOrString``).
- Numbers carry ``minValue``/``maxValue``; quantities their units as ``questionnaire-unitOption``
  (UCUM), the default unit first.
- A lab result the report gives only as beyond a number ("<2.5") is answered as FHIR's Quantity
  allows any quantity to be: with its ``comparator`` (``<`` or ``>``), so the lab items need no
  element of their own (SDC defines none) (``screener.fhir.response``).
- Help text is a ``display`` child with ``itemControl: help``; the example reply is the
  ``entryFormat`` placeholder; the emergency advice is a display item shown when a red flag is
  ticked.
- The words are a form's, never the terminal's ("press Enter", "separated by commas"): an item's
  ``form_text`` (the web page asks it too), ``form_help`` and ``form_example`` where the
  terminal's ``text``, ``help`` and ``example`` do not fit a form someone else renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from screener.fhir.expressions import answer_coding, enable_logic
from screener.fhir.mapping import (
    ENTRY_FORMAT,
    ITEM_CONTROL,
    ITEM_CONTROL_SYSTEM,
    ITEM_WEIGHT,
    MAX_QUANTITY,
    MAX_VALUE,
    MIN_QUANTITY,
    MIN_VALUE,
    OPTION_EXCLUSIVE,
    ORDINAL_VALUE,
    SDC_QUESTIONNAIRE,
    UNIT_OPTION,
    FhirContext,
)
from screener.interview.questionnaire_items import Item

FhirVersion = Literal["R4", "R5"]
FHIR_VERSIONS: tuple[FhirVersion, ...] = ("R4", "R5")
NONE_CODE = "none"
"""Our code for "none of these" (stored as an empty list)."""
_INTRO = "mgk-intro"
_HELP_SUFFIX = "-help"
_EMERGENCY_SUFFIX = "-emergency"


def build_questionnaire(context: FhirContext, version: FhirVersion = "R4") -> dict[str, Any]:
    """The questionnaire as a FHIR Questionnaire resource (JSON-ready), for ``version``."""
    if version not in FHIR_VERSIONS:
        raise ValueError(f"unknown FHIR version {version!r}; expected one of {', '.join(FHIR_VERSIONS)}")
    questionnaire = context.questionnaire
    mapping = context.mapping
    items_by_id = {item.id: item for item in questionnaire.items}
    intro = questionnaire.intro.split("\n")[0]
    items: list[dict[str, Any]] = [{"linkId": _INTRO, "type": "display", "text": intro}]
    for item in questionnaire.items:
        items.append(_question(item, items_by_id, context, version))
        if item.red_flag:
            items.append(_emergency_advice(item, context))
    return {
        "resourceType": "Questionnaire",
        "id": "mgk-screen",
        "meta": {"profile": [SDC_QUESTIONNAIRE]},
        "url": mapping.questionnaire_url,
        "version": questionnaire.version,
        "name": "MgkScreen",
        "title": questionnaire.name,
        "status": "active",
        "subjectType": ["Patient"],
        "description": intro,
        "purpose": "Screening and education about combined magnesium and potassium depletion; not a diagnosis.",
        "copyright": mapping.copyright,
        "item": items,
    }


def _question(item: Item, items_by_id: Mapping[str, Item], context: FhirContext, version: FhirVersion) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.id}
    code = _item_code(item, context)
    if code:
        out["code"] = code
    out["text"] = item_text(item)
    out.update(_type_and_answers(item, context, version))
    out.update(enable_logic(item, items_by_id, context) if version == "R4" else _r5_enable(item, items_by_id, context))
    extensions = _extensions(item, context)
    if extensions:
        out["extension"] = [*extensions, *out.get("extension", [])]
    if not item.can_skip:
        out["required"] = True
    out["item"] = [
        {
            "linkId": item.id + _HELP_SUFFIX,
            "type": "display",
            "text": item.form_help or item.help,
            "extension": [_item_control("help")],
        }
    ]
    return out


def item_text(item: Item) -> str:
    """The question as a form asks it: its ``form_text``, where the terminal's words speak of keys."""
    return item.form_text or item.text


def _r5_enable(item: Item, items_by_id: Mapping[str, Item], context: FhirContext) -> dict[str, Any]:
    logic = enable_logic(item, items_by_id, context)
    if logic:
        logic["disabledDisplay"] = "hidden"
    return logic


def _item_code(item: Item, context: FhirContext) -> list[dict[str, str]]:
    mapping = context.mapping
    if item.id in mapping.item_codes:
        coding = mapping.item_codes[item.id]["code"]
        return [{"system": coding["system"], "code": coding["code"], "display": coding["display"]}]
    for spec in mapping.labs.values():
        if spec["item"] == item.id:
            return [{"system": c["system"], "code": c["code"], "display": c["display"]} for c in spec["codes"]]
    return []


def _type_and_answers(item: Item, context: FhirContext, version: FhirVersion) -> dict[str, Any]:
    if item.type in ("yes_no", "single_choice", "multiple_choice"):
        options = [_option(item, choice.value, context, version) for choice in item.choices]
        out: dict[str, Any] = {"type": "choice"} if version == "R4" else {"type": "coding", "answerConstraint": "optionsOnly"}
        if item.type == "multiple_choice":
            out["repeats"] = True
            options.append(_none_option(item, context))
        out["answerOption"] = options
        return out
    if item.type == "text_list":
        out = {"type": "open-choice"} if version == "R4" else {"type": "coding", "answerConstraint": "optionsOrString"}
        out["repeats"] = True
        out["answerOption"] = [_none_option(item, context)]
        return out
    return {"type": {"integer": "integer", "number": "decimal", "quantity": "quantity"}[item.type]}


def _option(item: Item, value: Any, context: FhirContext, version: FhirVersion) -> dict[str, Any]:
    option: dict[str, Any] = {"valueCoding": answer_coding(context, item, value)}
    if context.mapping.answer_code(item.id, value) is not None and isinstance(value, int):
        # The instrument's score (AUDIT-C: 0-4), for renderers that total it.
        option["extension"] = [{"url": ORDINAL_VALUE if version == "R4" else ITEM_WEIGHT, "valueDecimal": value}]
    return option


def _none_option(item: Item, context: FhirContext) -> dict[str, Any]:
    label = item.none_choice.label if item.none_choice else "None"
    return {
        "valueCoding": {"system": context.mapping.answer_system, "code": NONE_CODE, "display": label},
        "extension": [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}],
    }


def _extensions(item: Item, context: FhirContext) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if item.type in ("yes_no", "single_choice"):
        out.append(_item_control("radio-button"))
    elif item.type == "multiple_choice":
        out.append(_item_control("check-box"))
    if item.type in ("integer", "number"):
        kind = "valueInteger" if item.type == "integer" else "valueDecimal"
        if item.minimum is not None:
            out.append({"url": MIN_VALUE, kind: _number(item.minimum, item.type)})
        if item.maximum is not None:
            out.append({"url": MAX_VALUE, kind: _number(item.maximum, item.type)})
    if item.type == "quantity":
        out += _unit_options(item, context)
    example = item.form_example or item.example
    if example:
        out.append({"url": ENTRY_FORMAT, "valueString": f"e.g. {example}"})
    return out


def _unit_options(item: Item, context: FhirContext) -> list[dict[str, Any]]:
    units = sorted(item.units, key=lambda unit: unit.value != item.default_unit)  # the default first
    out = [{"url": UNIT_OPTION, "valueCoding": context.mapping.units[unit.value].coding()} for unit in units]
    if not item.unit_field and item.default_unit:
        # A converted total (drinks a week): its limits hold in the default unit.
        coding = context.mapping.units[item.default_unit].coding()
        for url, bound in ((MIN_QUANTITY, item.minimum), (MAX_QUANTITY, item.maximum)):
            if bound is not None:
                quantity = {"value": bound, "unit": coding["display"], "system": coding["system"], "code": coding["code"]}
                out.append({"url": url, "valueQuantity": quantity})
    return out


def _number(value: float, kind: str) -> float | int:
    return int(value) if kind == "integer" else value


def _item_control(code: str) -> dict[str, Any]:
    return {
        "url": ITEM_CONTROL,
        "valueCodeableConcept": {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code}]},
    }


def _emergency_advice(item: Item, context: FhirContext) -> dict[str, Any]:
    """A display item with the emergency advice, shown as soon as any red flag is ticked."""
    return {
        "linkId": item.id + _EMERGENCY_SUFFIX,
        "type": "display",
        "text": context.questionnaire.emergency_advice,
        "enableWhen": [
            {"question": item.id, "operator": "=", "answerCoding": answer_coding(context, item, choice.value)}
            for choice in item.choices
        ],
        "enableBehavior": "any",
    }


def is_display_link(link_id: str) -> bool:
    """Whether a linkId is one of the display items we add (intro, help, emergency advice)."""
    return link_id == _INTRO or link_id.endswith((_HELP_SUFFIX, _EMERGENCY_SUFFIX))
