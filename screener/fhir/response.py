"""QuestionnaireResponse to answers, and answers to QuestionnaireResponse.

A response to our Questionnaire (``screener.fhir.questionnaire``) is read item by item
(``screener.fhir.response_items``): the ``linkId`` names the question, the answer's coding or value
gives the contract's value, and a quantity's unit is read from its UCUM code. A lab result the
report gives only as beyond a number ("<2.5") is a Quantity with its ``comparator``: ``<`` is the
answers' ``below`` and ``>`` their ``above`` (``<=`` and ``>=`` allow the number itself, which the
answers cannot carry). "None of these" becomes ``[]``, which is an answer ("none"), never the same
as no answer. Nothing is guessed: an unknown question or code, a unit we do not know, two answers
to a one-answer question, or a partly answered section that must be whole (an AUDIT-C with one of
its three questions answered) make the record invalid, with the JSON path of the item in the
response.

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
from screener.fhir.response_items import COMPARATOR_BOUND, read_item, store_answer
from screener.interview.answer_paths import GIVEN_IN_ANOTHER_UNIT, MISSING, get_path, groups, missing_fields, same_value
from screener.interview.lab_replies import given_number
from screener.interview.questionnaire_items import Item

_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_PARTIAL = ("in-progress", "stopped")  # filled in part: still being answered, or abandoned


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
        read_item(item, answers, path, context, out)
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
                        store_answer(name, implied, out.origins[item.field], out)


def _check_whole_sections(context: FhirContext, answered: Mapping[str, str], out: Conversion) -> None:
    """A section that is all or nothing (the AUDIT-C, a lab result) must not be partly answered."""
    items_of = {item.field: item for item in context.questionnaire.items}
    items_of.update({item.unit_field: item for item in context.questionnaire.items if item.unit_field})
    for section, required in groups().items():
        given = get_path(out.answers, section)
        if not isinstance(given, dict):
            continue
        missing = [f"{section}.{name}" for name in missing_fields(given, required)]
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
