"""The questionnaire as data: items in the order they are asked, the answers field each fills, how a
reply is read, why we ask, and skip logic in the spirit of FHIR's ``enableWhen``.

``rules/questionnaire.json`` is checked against ``schemas/questionnaire.schema.json`` and then
against the answers model, field by field, so the questions cannot drift from the contract. One
question is ``questionnaire_items.Item``; the checks against the answers model are
``questionnaire_checks``; the answers fields as dotted paths, ``answer_paths``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screener.contract.data_files import parse_data, read_data_bytes
from screener.contract.validation import check_data_file
from screener.errors import RulesError, did_you_mean
from screener.interview.answer_paths import MISSING, get_path, same_value
from screener.interview.questionnaire_checks import cross_check, plain_word_problems
from screener.interview.questionnaire_items import Item, PlainWords, item_from_data

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


FILE_NAME = "questionnaire.json"
_SCHEMA = "questionnaire.schema.json"


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
    emergency_numbers: tuple[tuple[str, str], ...] = ()
    """The emergency numbers the advice names, each with where it is called ("911", "in the US"):
    the web page's emergency page shows them as its call to action."""
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
        items = tuple(item_from_data(raw, plain) for raw in data["items"])
        numbers = tuple((entry["number"], entry["where"]) for entry in data.get("emergency_numbers", ()))
        problems = cross_check(items, data["not_asked"]) + plain_word_problems(items, plain)
        problems += [
            f"emergency_numbers: {number} is not in emergency_advice (the page would show a number the advice does not give)"
            for number, _ in numbers
            if not re.search(rf"(?<!\d){number}(?!\d)", data["emergency_advice"])
        ]
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
            emergency_numbers=numbers,
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

