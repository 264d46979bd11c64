"""QuestionnaireResponse to answers, and answers to QuestionnaireResponse.

A response to our Questionnaire (``screener.fhir.questionnaire``) is read item by item: the
``linkId`` names the question, the answer's coding or value gives the contract's value, and a
quantity's unit is read from its UCUM code. A lab result the report gives only as beyond a
number ("<2.5") is a Quantity with its ``comparator``: ``<`` is the answers' ``below`` and ``>``
their ``above`` (``<=`` and ``>=`` allow the number itself, which the answers cannot carry). "None of these" becomes ``[]``, which is an answer
("none"), never the same as no answer. Nothing is guessed: an unknown question or code, a unit
we do not know, two answers to a one-answer question, or a partly answered section that must be
whole (an AUDIT-C with one of its three questions answered) make the record invalid, with the
JSON path of the item in the response.

Where a choice answered in the response settles other questions that a form hides (AUDIT-C
"never" scores the other two 0), those are filled exactly as the guided questionnaire does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from screener.errors import did_you_mean
from screener.fhir.conversion import Conversion, child, describe
from screener.fhir.expressions import answer_coding
from screener.fhir.mapping import FhirContext
from screener.fhir.questionnaire import NONE_CODE, FhirVersion, is_display_link, item_text
from screener.interview.answer_paths import GIVEN_IN_ANOTHER_UNIT, MISSING, get_path, groups, same_value, set_path
from screener.interview.lab_replies import Quantity, bound_field, given_number
from screener.interview.questionnaire_items import Item
from screener.interview.reply_words import lab_bounds

_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_PARTIAL = ("in-progress", "stopped")  # filled in part: still being answered, or abandoned
#: A Quantity's comparator (FHIR quantity-comparator) -> the lab result's bound in the answers.
COMPARATOR_BOUND = {"<": "below", ">": "above"}


# -- reading ------------------------------------------------------------------------------------


def response_to_answers(response: Mapping[str, Any], context: FhirContext, where: str = "$") -> Conversion:
    """The answers in one QuestionnaireResponse (``where`` is its JSON path in the input)."""
    out = Conversion()
    out.record_id = _record_id(response, context)
    if out.record_id is not None:
        out.answers["id"] = out.record_id
    if isinstance(response.get("subject"), dict):
        out.subject = response["subject"]
    if isinstance(response.get("id"), str):
        out.basis.append({"reference": f"QuestionnaireResponse/{response['id']}"})
    if response.get("status") == "entered-in-error":
        out.problem(child(where, "status"), "the response is marked entered-in-error: not screened")
    if response.get("status") in _PARTIAL:
        # A partial answer set still screens (what is answered counts), but the reader must know
        # that a question left blank may only be not reached yet.
        out.note(
            f"the QuestionnaireResponse is marked {response['status']} ({child(where, 'status')}): it may hold only some of "
            "the answers, and a question not answered yet counts as unknown in this screen"
        )
    if not _check_questionnaire(response, context, child(where, "questionnaire"), out):
        return out  # another questionnaire's items are not ours: one problem says it all
    items = {item.id: item for item in context.questionnaire.items}
    answered: dict[str, str] = {}
    for found, path in _walk(response, where, out):
        link_id = found.get("linkId")
        if not isinstance(link_id, str) or is_display_link(link_id):
            if not isinstance(link_id, str):
                out.problem(path, "an item without a linkId: cannot tell which question it answers")
            continue
        item = items.get(link_id)
        if item is None and _is_group(found):
            continue  # a group a form engine wrapped our questions in (LHC-Forms, SDC): its questions are read
        if item is None:
            out.problem(child(path, "linkId"), f"unknown question '{link_id}'{did_you_mean(link_id, items)}")
            continue
        if link_id in answered:
            out.problem(path, f"question '{link_id}' is answered twice (also at {answered[link_id]})")
            continue
        answers = found.get("answer")
        if answers is None or answers == []:
            continue
        answered[link_id] = path
        if not isinstance(answers, list):
            out.problem(child(path, "answer"), "expected a list of answers")
            continue
        _read_item(item, answers, path, context, out)
    _settle_hidden(context, out)
    _check_whole_sections(context, answered, out)
    return out


def _is_group(found: Mapping[str, Any]) -> bool:
    """Whether an item not of our questionnaire is a group around items (a page or section a
    form builder added when the form was re-authored): no answer of its own, items inside."""
    nested = found.get("item")
    return found.get("answer") in (None, []) and isinstance(nested, list) and bool(nested)


def _record_id(response: Mapping[str, Any], context: FhirContext) -> str | None:
    identifiers = response.get("identifier")
    for identifier in identifiers if isinstance(identifiers, list) else [identifiers]:
        if isinstance(identifier, dict) and identifier.get("system") == context.mapping.record_id_system:
            value = identifier.get("value")
            if isinstance(value, str) and value:
                return value
    resource_id = response.get("id")
    return resource_id if isinstance(resource_id, str) and resource_id else None


def _check_questionnaire(response: Mapping[str, Any], context: FhirContext, path: str, out: Conversion) -> bool:
    """Whether the response may be to our questionnaire: it names ours, or none; or names it as a
    FHIR server stored it. A form server keeps our exported Questionnaire under its own id, and
    its responses then name it ``Questionnaire/123``, by the server's URL, or as a contained copy
    (``#q``). A contained copy whose ``url`` is ours is ours. Our URL spelled with ``http`` or a
    trailing ``/`` is read as ours with a warning; so is a reference that cannot be followed when
    every question the response answers is one of ours (by linkId), since that is a guess."""
    canonical = response.get("questionnaire")
    ours = context.mapping.questionnaire_url
    if canonical is None:
        return True
    if not isinstance(canonical, str):
        out.problem(path, f"answers another questionnaire ({describe(canonical)}), not {ours}")
        return False
    named = canonical.split("|")[0].strip()
    if named == ours:
        return True
    if named.startswith("#"):
        contained = _contained(response, named[1:])
        url = contained.get("url") if contained is not None else None
        if isinstance(url, str) and url.split("|")[0].strip() == ours:
            return True
        if isinstance(url, str) and _loose_url(url.split("|")[0]) == _loose_url(ours):
            out.note(f"the contained Questionnaire {named!r} ({path}) has the url {url!r}: read as mgk-screen's ({ours})")
            return True
        if contained is None:
            out.problem(path, f"names the contained Questionnaire {named!r}, which the response does not contain")
            return False
        if isinstance(url, str):
            out.problem(path, f"answers another questionnaire (the contained {named!r} has the url {url!r}), not {ours}")
            return False
    elif _loose_url(named) == _loose_url(ours):
        out.note(f"the response names its questionnaire {canonical!r} ({path}): read as mgk-screen's ({ours}), which it spells so")
        return True
    if _all_questions_ours(response, context):
        out.note(
            f"the response names its questionnaire {canonical!r} ({path}), not mgk-screen's canonical URL ({ours}); every question "
            "it answers is one of mgk-screen's (by linkId), so it was read as mgk-screen's questionnaire as stored on a FHIR "
            f"server. If it is not, this screen is wrong; a form server can keep the canonical URL in the response ({ours})"
        )
        return True
    out.problem(
        path,
        f"answers another questionnaire ({describe(canonical)}), not {ours}: if that is mgk-screen's questionnaire as stored on "
        f"your FHIR server, name it by its canonical URL ({ours}|{context.questionnaire.version}) in the response",
    )
    return False


def _contained(response: Mapping[str, Any], local_id: str) -> Mapping[str, Any] | None:
    contained = response.get("contained")
    for resource in contained if isinstance(contained, list) else []:
        if isinstance(resource, dict) and resource.get("resourceType") == "Questionnaire" and resource.get("id") == local_id:
            return resource
    return None


def _loose_url(url: str) -> str:
    """A URL without its scheme (http or https) and trailing slash, for a mistyped canonical URL."""
    return re.sub(r"^https?://", "", url.strip()).rstrip("/")


def _all_questions_ours(response: Mapping[str, Any], context: FhirContext) -> bool:
    """Whether the response answers at least one question, and every question it answers is one of
    our questionnaire's (by linkId)."""
    ours = {item.id for item in context.questionnaire.items}
    answered = [
        found.get("linkId")
        for found, _ in _walk(response, "$", Conversion())
        if found.get("answer") not in (None, []) and not is_display_link(str(found.get("linkId")))
    ]
    return bool(answered) and all(link in ours for link in answered)


def _walk(node: Mapping[str, Any], path: str, out: Conversion) -> list[tuple[Mapping[str, Any], str]]:
    """Every item of a response, nested ones included (under items and under answers)."""
    found: list[tuple[Mapping[str, Any], str]] = []
    items = node.get("item")
    if items is None:
        return found
    if not isinstance(items, list):
        out.problem(child(path, "item"), "expected a list of items")
        return found
    for index, item in enumerate(items):
        item_path = child(child(path, "item"), index)
        if not isinstance(item, dict):
            out.problem(item_path, f"expected an item (an object), got {describe(item)}")
            continue
        found.append((item, item_path))
        found += _walk(item, item_path, out)
        answers = item.get("answer")
        for number, answer in enumerate(answers if isinstance(answers, list) else []):
            if isinstance(answer, dict):
                found += _walk(answer, child(child(item_path, "answer"), number), out)
    return found


def _read_item(item: Item, answers: list[Any], path: str, context: FhirContext, out: Conversion) -> None:
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
        _store(item.field, values[0], path, out)
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
    _store(item.field, chosen, path, out)


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
    _store(item.field, list(dict.fromkeys(names)), path, out)


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
    _store(item.field, value, item_path, out)


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
        _store(bound_field(item, bound), number, item_path, out)
        _store(item.unit_field, unit.value, item_path, out)
    elif (other := GIVEN_IN_ANOTHER_UNIT.get(item.field)) and unit.value == other[1]:
        _store(other[0], number, item_path, out)  # UK units kept as given: judged against the UK guideline
    else:
        _store(item.field, Quantity(number, unit).stored(), item_path, out)


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


def _store(field: str, value: Any, path: str, out: Conversion) -> None:
    set_path(out.answers, field, value)
    out.origins[field] = path


def _settle_hidden(context: FhirContext, out: Conversion) -> None:
    """Fields a chosen answer settles (AUDIT-C "never" scores the others 0), when not answered."""
    for item in context.questionnaire.items:
        value = get_path(out.answers, item.field)
        if value is MISSING:
            continue
        chosen = value if isinstance(value, list) else [value]
        for choice in item.choices:
            if any(same_value(choice.value, v) for v in chosen):
                for name, implied in choice.also_set.items():
                    if get_path(out.answers, name) is MISSING:
                        _store(name, implied, out.origins[item.field], out)


def _check_whole_sections(context: FhirContext, answered: Mapping[str, str], out: Conversion) -> None:
    """A section that is all or nothing (the AUDIT-C, a lab result) must not be partly answered."""
    items_of = {item.field: item for item in context.questionnaire.items}
    items_of.update({item.unit_field: item for item in context.questionnaire.items if item.unit_field})
    for section, required in groups().items():
        given = get_path(out.answers, section)
        if not isinstance(given, dict):
            continue
        missing = [f"{section}.{name}" for name in required if name not in given]
        if not missing:
            continue
        present = [f"{section}.{name}" for name in given]
        where = next((answered[items_of[p].id] for p in present if p in items_of and items_of[p].id in answered), "$")
        names = " and ".join(f"'{items_of[p].label}'" if p in items_of else p for p in missing)
        out.problem(
            where,
            f"{names} not answered: this part of the questionnaire counts only when all of it is answered "
            "(answer the rest, or leave all of it out); nothing is guessed",
        )


# -- writing ------------------------------------------------------------------------------------


def answers_to_response(answers: Mapping[str, Any], context: FhirContext, version: FhirVersion = "R4") -> dict[str, Any]:
    """A QuestionnaireResponse to our Questionnaire holding these answers (a contract answers
    object). Every answer is kept, even one to a question that a form would hide, so that reading
    the response back gives the same answers."""
    items = []
    for item in context.questionnaire.items:
        value, bound = given_number(item, answers)
        unit_given = None
        if (value is MISSING or value is None) and item.field in GIVEN_IN_ANOTHER_UNIT:
            # A weekly total given in UK units (``alcohol.units_per_week``) is that question's
            # answer in UK units, which reads back as UK units.
            other_field, unit_given = GIVEN_IN_ANOTHER_UNIT[item.field]
            value = get_path(answers, other_field)
        if value is MISSING or value is None:
            continue
        entries = _answer_entries(item, value, answers, context, unit_given)
        if bound != "value":
            # A lab result known only as beyond a number: FHIR's Quantity says so with its comparator.
            comparator = next(sign for sign, side in COMPARATOR_BOUND.items() if side == bound)
            entries = [{"valueQuantity": {"value": value, "comparator": comparator, **entry["valueQuantity"]}} for entry in entries]
        items.append({"linkId": item.id, "text": item_text(item), "answer": entries})
    response: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    record_id = answers.get("id")
    if isinstance(record_id, int) and not isinstance(record_id, bool):
        record_id = str(record_id)
    if isinstance(record_id, str) and _FHIR_ID.match(record_id):
        response["id"] = record_id
    if isinstance(record_id, str):
        identifier = {"system": context.mapping.record_id_system, "value": record_id}
        response["identifier"] = identifier if version == "R4" else [identifier]
    response["questionnaire"] = f"{context.mapping.questionnaire_url}|{context.questionnaire.version}"
    response["status"] = "completed"
    response["item"] = items
    return response


def _answer_entries(
    item: Item, value: Any, answers: Mapping[str, Any], context: FhirContext, unit_given: str | None = None
) -> list[dict[str, Any]]:
    none = {"valueCoding": {"system": context.mapping.answer_system, "code": NONE_CODE, "display": item.none_choice.label if item.none_choice else "None"}}
    if item.type == "multiple_choice":
        return [{"valueCoding": answer_coding(context, item, v)} for v in value] or [none]
    if item.type in ("yes_no", "single_choice"):
        return [{"valueCoding": answer_coding(context, item, value)}]
    if item.type == "text_list":
        return [{"valueString": name} for name in value] or [none]
    if item.type == "integer":
        return [{"valueInteger": value}]
    if item.type == "number":
        return [{"valueDecimal": value}]
    unit_value = unit_given or (get_path(answers, item.unit_field) if item.unit_field else item.default_unit)
    coding = context.mapping.units[str(unit_value)].coding()
    quantity = {"value": value, "unit": coding["display"], "system": coding["system"], "code": coding["code"]}
    return [{"valueQuantity": quantity}]
