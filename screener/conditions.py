"""The condition language of the rule files, and its two readings.

A condition is plain data a clinician can read::

    {"all": [{"fact": "diarrhea.days", "gte": 14}, {"fact": "significant_diarrhea", "is": true}]}

``to_durable`` compiles it to durable-rules' JSON: always one pattern over one fact, built only
from the shapes the adapter's tests prove safe (no joins, no comparison of one fact's field with
another's, which can crash the C engine: jruizgit/rules#381).

``evaluate`` and ``leaves`` read the same condition in Python. They never decide a result (the
engine does); they explain one: which answers made a rule fire, and what was missing for a rule
that did not. A test checks that both readings agree on every shipped rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

OPERATORS = ("is", "is_not", "in", "not_in", "lt", "lte", "gt", "gte", "present")
_COMPARISONS = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
_MISSING = object()


def lookup(profile: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of the profile, or ``_MISSING``."""
    node: Any = profile
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def is_missing(value: Any) -> bool:
    return value is _MISSING


@dataclass(frozen=True)
class Leaf:
    """One comparison: ``fact`` ``operator`` ``value``."""

    fact: str
    operator: str
    value: Any

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "Leaf":
        (operator,) = (key for key in data if key != "fact")
        return cls(data["fact"], operator, data[operator])

    def holds(self, profile: Mapping[str, Any]) -> bool:
        actual = lookup(profile, self.fact)
        missing = actual is _MISSING
        op, expected = self.operator, self.value
        if op == "present":
            return missing is not bool(expected)
        if op == "is_not":
            return missing or not _same(actual, expected)
        if op == "not_in":
            return missing or not any(_same(actual, item) for item in expected)
        if missing:
            return False
        if op == "is":
            return _same(actual, expected)
        if op == "in":
            return any(_same(actual, item) for item in expected)
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            return False
        return {
            "lt": actual < expected,
            "lte": actual <= expected,
            "gt": actual > expected,
            "gte": actual >= expected,
        }[op]

    def to_durable(self) -> dict[str, Any]:
        op, field, expected = self.operator, self.fact, self.value
        if op == "is":
            return {field: expected}
        if op == "present":
            return {"$ex" if expected else "$nex": {field: 1}}
        if op == "in":
            return _either([{field: item} for item in expected])
        if op == "is_not":
            # durable's $neq never matches an absent field; "is not" here includes "not answered".
            return {"$or": [{"$nex": {field: 1}}, {"$neq": {field: expected}}]}
        if op == "not_in":
            return {"$or": [{"$nex": {field: 1}}, _both([{"$neq": {field: item}} for item in expected])]}
        return {_COMPARISONS[op]: {field: expected}}


def _same(actual: Any, expected: Any) -> bool:
    # True == 1 in Python but not in the engine: compare booleans only with booleans.
    if isinstance(actual, bool) or isinstance(expected, bool):
        return isinstance(actual, bool) and isinstance(expected, bool) and actual is expected
    return bool(actual == expected)


def _either(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {"$or": parts}


def _both(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {"$and": parts}


def to_durable(condition: Mapping[str, Any]) -> dict[str, Any]:
    """Compile a condition to durable-rules' JSON pattern language."""
    if "all" in condition:
        return _both([to_durable(part) for part in condition["all"]])
    if "any" in condition:
        return _either([to_durable(part) for part in condition["any"]])
    return Leaf.from_data(condition).to_durable()


def evaluate(condition: Mapping[str, Any], profile: Mapping[str, Any]) -> bool:
    """Whether the condition holds for the profile (the Python reading, for explanations)."""
    if "all" in condition:
        return all(evaluate(part, profile) for part in condition["all"])
    if "any" in condition:
        return any(evaluate(part, profile) for part in condition["any"])
    return Leaf.from_data(condition).holds(profile)


def leaves(condition: Mapping[str, Any]) -> Iterator[Leaf]:
    """Every comparison in the condition, in reading order."""
    if "all" in condition or "any" in condition:
        for part in condition.get("all", condition.get("any", [])):
            yield from leaves(part)
    else:
        yield Leaf.from_data(condition)


def satisfied_leaves(condition: Mapping[str, Any], profile: Mapping[str, Any]) -> list[Leaf]:
    """The comparisons that made a holding condition hold (the true branches of each "any")."""
    if "all" in condition:
        return [leaf for part in condition["all"] for leaf in satisfied_leaves(part, profile)]
    if "any" in condition:
        for part in condition["any"]:
            if evaluate(part, profile):
                return satisfied_leaves(part, profile)
        return []
    leaf = Leaf.from_data(condition)
    return [leaf] if leaf.holds(profile) else []


def unmet_leaves(condition: Mapping[str, Any], profile: Mapping[str, Any]) -> list[list[Leaf]]:
    """What is missing for a condition to hold, as alternatives (each a list of unmet comparisons).

    For ``all`` the alternatives of every part are combined; for ``any`` each branch is one
    alternative. The result is sorted by how little is missing.
    """
    if evaluate(condition, profile):
        return [[]]
    if "all" in condition:
        combined: list[list[Leaf]] = [[]]
        for part in condition["all"]:
            options = unmet_leaves(part, profile)
            combined = [done + option for done in combined for option in options][:16]
        return sorted(combined, key=len)
    if "any" in condition:
        options = [option for part in condition["any"] for option in unmet_leaves(part, profile)]
        return sorted(options, key=len)
    return [[Leaf.from_data(condition)]]


def describe_leaf(ruleset: Any, leaf: Leaf, facts: Mapping[str, Any]) -> str:
    """A comparison in words, with the value it has now: "serum potassium below 3.5 (now: 3.8)"."""
    fact = ruleset.facts[leaf.fact]
    value = leaf.value
    if fact.type == "boolean" and leaf.operator == "is":
        return fact.label if value else f"no {fact.label}"
    if fact.type == "boolean" and leaf.operator == "is_not":
        return f"no {fact.label}" if value else fact.label
    unit = f" {fact.unit}" if fact.unit and fact.type in ("integer", "number") else ""
    if leaf.operator == "present":
        return f"{fact.label} {'answered' if value else 'not answered'}"
    if leaf.operator in ("in", "not_in"):
        words = " or ".join(str(item).replace("_", " ") for item in value)
        wanted = words if leaf.operator == "in" else f"not {words}"
    else:
        wanted = {
            "is": "{}", "is_not": "not {}", "lt": "below {}", "lte": "at most {}", "gt": "above {}", "gte": "at least {}",
        }[leaf.operator].format(str(value).replace("_", " ")) + unit
    now = lookup(facts, leaf.fact)
    shown = "not known" if now is _MISSING else str(now).replace("_", " ")
    return f"{fact.label} {wanted} (now: {shown})"
