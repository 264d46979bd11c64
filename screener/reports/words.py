"""Plain words for the codes in answers and results, taken from the rule folder.

A report never shows a field name or a code to the person: every code is looked up in the
questionnaire (the words the person was asked in), the fact catalogue, the medicine classes or
the rule titles, in that order, and only as a last resort written with spaces for underscores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from screener.screening.findings import evidence_value
from screener.teaching.words import words as plain  # a value as a person reads it: yes/no, no ".0"

__all__ = ["Words", "answer_rows", "plain", "sentence"]

if TYPE_CHECKING:
    from screener.interview.questionnaire import Questionnaire
    from screener.screening.ruleset import Ruleset

#: Names of the answers sections that are groups of questions rather than one question (the
#: questionnaire labels its questions, not the groups they belong to).
_GROUP_WORDS = {
    "alcohol": "Alcohol",
    "diarrhea": "Diarrhea",
    "vomiting": "Vomiting",
    "diet": "Diet",
    "labs": "Blood test results",
}

_TAKEN_WORDS = {
    "last_7_days": "in the last 7 days",
    "last_30_days": "in the last 30 days",
    "older": "more than 30 days ago",
    "not_given": "date not given",
}


def sentence(text: str) -> str:
    """The text with its first letter in capitals (labels in the rule files are lower case)."""
    return text[:1].upper() + text[1:]


@dataclass
class Words:
    """Words for fields, codes and values, from one rule folder's data."""

    field_labels: dict[str, str] = field(default_factory=dict)
    choice_labels: dict[tuple[str, str], str] = field(default_factory=dict)
    fact_labels: dict[str, str] = field(default_factory=dict)
    fact_units: dict[str, str] = field(default_factory=dict)
    class_words: dict[str, str] = field(default_factory=dict)
    evidence_titles: dict[str, str] = field(default_factory=dict)
    emergency_advice: str = ""
    questionnaire: Questionnaire | None = None
    """For the answers no one was asked (``Questionnaire.implied_by_choices``), left out of the answers shown."""

    @classmethod
    def from_rules(cls, ruleset: Ruleset, questionnaire: Questionnaire | None) -> Words:
        words = cls()
        for name, fact in ruleset.facts.items():
            words.fact_labels[name] = fact.label
            if fact.unit:
                words.fact_units[name] = fact.unit
        for rule in ruleset.rules:
            code = rule.then.get("evidence", {}).get("code")
            if code and code not in words.evidence_titles:
                words.evidence_titles[code] = rule.title
        if questionnaire is not None:
            words.questionnaire = questionnaire
            words.emergency_advice = questionnaire.emergency_advice
            words.class_words = dict(questionnaire.medicine_classes)
            for item in questionnaire.items:
                words.field_labels.setdefault(item.field, item.label)
                for choice in item.choices:
                    words.choice_labels[(item.field, str(choice.value))] = choice.label
                if item.none_choice is not None:
                    words.choice_labels[(item.field, str(item.none_choice.value))] = item.none_choice.label
        return words

    def section(self, code: str) -> str:
        """An answers section (as in ``unanswered_sections``): "Medicines", "Alcohol"."""
        return self.field_labels.get(code) or _GROUP_WORDS.get(code) or sentence(plain(code))

    def field(self, path: str) -> str:
        """An answers field by its dotted path: "Days of diarrhea"."""
        label = self.field_labels.get(path) or self.field_labels.get(f"{path}.value")  # a lab: its value question
        return label or sentence(plain(path.rsplit(".", 1)[-1]))

    def choice(self, path: str, value: Any) -> str:
        """One coded answer in the words of its question: "Muscle cramps", "Most days"."""
        label = self.choice_labels.get((path, str(value)))
        if label is not None:
            return label
        return plain(value) if not isinstance(value, str) else sentence(plain(value))

    def red_flag(self, code: str) -> str:
        """A red flag code of a result: the words of the "happening now" question first."""
        for path in ("red_flags_now", "symptoms"):
            label = self.choice_labels.get((path, code))
            if label is not None:
                return label
        return sentence(plain(code))

    def risk_factor(self, code: str) -> str:
        """A risk factor code of a result, as the fact catalogue or the rule that counts it names it."""
        label = (
            self.fact_labels.get(code)
            or self.class_words.get(code)
            or self.fact_labels.get(f"conditions.{code}", "").split(": ")[-1]
            or self.evidence_titles.get(code)
            or plain(code)
        )
        return sentence(label)

    def drug_class(self, code: str) -> str:
        return self.class_words.get(code) or plain(code)

    def measured(self, fact: str, value: Any, labs_used: Iterable[Any] = ()) -> str:
        """A fact's value as evidence shows it: a number with the fact catalogue's unit
        ("2.4 mmol/L", "80 years"), unless the fact's label already names it ("days of diarrhea: 10");
        a lab result as every door shows it (``evidence_value``: "0.49 mmol/L (1.2 mg/dL as given)")."""
        if fact.startswith("labs."):
            return evidence_value(fact, value, labs_used)
        unit = self.fact_units.get(fact, "")
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not number or not unit or unit.split()[0].lower() in self.fact_labels.get(fact, "").lower().split():
            return plain(value)
        return f"{plain(value)} {unit}"

    def taken(self, code: str | None) -> str:
        return _TAKEN_WORDS.get(code or "not_given", plain(code))


def answer_rows(answers: Mapping[str, Any], words: Words) -> list[tuple[str, str]]:
    """The answers as given, one (question, answer) row per answered field, in the order asked.
    A field no one was asked, filled by another answer for the scoring (the other AUDIT-C parts
    of someone who never drinks), is left out, as the review of the answers leaves it out."""
    rows: list[tuple[str, str]] = []
    order = list(words.field_labels)
    implied = words.questionnaire.implied_by_choices(answers) if words.questionnaire is not None else {}

    def position(path: str) -> int:
        return order.index(path) if path in order else len(order)

    flat: list[tuple[str, Any]] = []
    for name, value in answers.items():
        if name == "id" or value is None:
            continue
        flat += _flatten(name, value)
    for path, value in sorted(flat, key=lambda pair: position(pair[0])):
        if path in implied:
            continue
        rows.append((words.field(path), _answer_text(path, value, words)))
    return rows


def _flatten(path: str, value: Any) -> list[tuple[str, Any]]:
    is_lab = path.startswith("labs.") and isinstance(value, Mapping) and "unit" in value
    if isinstance(value, Mapping) and not is_lab:
        return [pair for key, item in value.items() if item is not None for pair in _flatten(f"{path}.{key}", item)]
    return [(path, value)]


def given_number(result: Mapping[str, Any]) -> str:
    """A lab result's number as given: its value, or its bound ("below 2.5"), never a bound shown as a value."""
    for side in ("below", "above"):
        if result.get(side) is not None:
            return f"{side} {plain(result[side])}"
    return plain(result.get("value"))


def _answer_text(path: str, value: Any, words: Words) -> str:
    if isinstance(value, list):
        if not value:
            return "None of these" if path != "medications" else "None"
        if path == "medications":
            return "; ".join(str(item) for item in value)
        return "; ".join(words.choice(path, item) for item in value)
    if isinstance(value, Mapping):  # a lab result: value (or a bound: "below 2.5"), unit, when taken
        return f"{given_number(value)} {value.get('unit', '')}, taken {words.taken(value.get('taken'))}"
    if isinstance(value, (bool, str)) or (path, str(value)) in words.choice_labels:
        return words.choice(path, value)
    return plain(value)
