"""The condition language of the rule files, and its two readings.

A condition is plain data a clinician can read::

    {"all": [{"fact": "diarrhea.days", "gte": 14}, {"fact": "significant_diarrhea", "is": true}]}

``to_durable`` compiles it to durable-rules' JSON: always one pattern over one fact, built only
from the shapes the adapter's tests prove safe (no joins, no comparison of one fact's field with
another's, which can crash the C engine: jruizgit/rules#381).

``evaluate`` and ``leaves`` read the same condition in Python. They never decide a result (the
engine does); they explain one: which answers made a rule fire, and what was missing for a rule
that did not. A test checks that both readings agree on every shipped rule.

For the explanations batch mode builds for every record, ``screener.screening.evidence_reading``
compiles the same reading into one generated function per rule (tests/test_speedups.py checks it
against ``Condition.satisfied``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

OPERATORS = ("is", "is_not", "in", "not_in", "lt", "lte", "gt", "gte", "present")
_COMPARISONS = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
_MISSING = object()
MISSING = _MISSING
"""What ``lookup`` and the getters give for a fact that has no value (``is_missing``)."""


def lookup(profile: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of the profile, or ``_MISSING``."""
    if "." not in path:
        return profile.get(path, _MISSING)
    node: Any = profile
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
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
    def from_data(cls, data: Mapping[str, Any]) -> Leaf:
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
        if op == "lt":
            return bool(actual < expected)
        if op == "lte":
            return bool(actual <= expected)
        if op == "gt":
            return bool(actual > expected)
        return bool(actual >= expected)

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

    # The uniform interface of a compiled condition (Leaf, AllOf, AnyOf):
    def leaves(self) -> Iterator[Leaf]:
        yield self

    def satisfied(self, profile: Mapping[str, Any]) -> list[Leaf]:
        return [self] if self.holds(profile) else []

    def unmet(self, profile: Mapping[str, Any]) -> list[list[Leaf]]:
        return [[]] if self.holds(profile) else [[self]]


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]

    def holds(self, profile: Mapping[str, Any]) -> bool:
        return all(part.holds(profile) for part in self.parts)

    def to_durable(self) -> dict[str, Any]:
        return _both([part.to_durable() for part in self.parts])

    def leaves(self) -> Iterator[Leaf]:
        for part in self.parts:
            yield from part.leaves()

    def satisfied(self, profile: Mapping[str, Any]) -> list[Leaf]:
        return [leaf for part in self.parts for leaf in part.satisfied(profile)]

    def unmet(self, profile: Mapping[str, Any]) -> list[list[Leaf]]:
        combined: list[list[Leaf]] = [[]]
        for part in self.parts:
            options = part.unmet(profile)
            combined = [done + option for done in combined for option in options][:16]
        return sorted(combined, key=len)


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def holds(self, profile: Mapping[str, Any]) -> bool:
        return any(part.holds(profile) for part in self.parts)

    def to_durable(self) -> dict[str, Any]:
        return _either([part.to_durable() for part in self.parts])

    def leaves(self) -> Iterator[Leaf]:
        for part in self.parts:
            yield from part.leaves()

    def satisfied(self, profile: Mapping[str, Any]) -> list[Leaf]:
        # Every branch that holds, so an explanation names all the reasons, not just the first.
        return [leaf for part in self.parts if part.holds(profile) for leaf in part.satisfied(profile)]

    def unmet(self, profile: Mapping[str, Any]) -> list[list[Leaf]]:
        if self.holds(profile):
            return [[]]
        return sorted((option for part in self.parts for option in part.unmet(profile)), key=len)


Condition = Leaf | AllOf | AnyOf


def compile_condition(data: Mapping[str, Any] | Condition) -> Condition:
    """A condition from rule data (done once, when the rules are loaded)."""
    if isinstance(data, (Leaf, AllOf, AnyOf)):
        return data
    if "all" in data:
        return AllOf(tuple(compile_condition(part) for part in data["all"]))
    if "any" in data:
        return AnyOf(tuple(compile_condition(part) for part in data["any"]))
    return Leaf.from_data(data)


#: Comparisons that cannot hold of a fact with no value, in the engine as in ``Leaf.holds``: the
#: engine's equality, ordering and ``$ex`` tests all fail on an absent field.
_NEED_A_VALUE = frozenset({"is", "in", "lt", "lte", "gt", "gte"})


def needed_facts(condition: Condition) -> frozenset[str] | None:
    """Facts of which at least one must have a value for the condition to hold, or None when it
    can hold with none of its facts given (a test of "is_not", "not_in" or "present": false in
    every way it can hold). For ``all`` the fewest facts one of its parts needs; for ``any``
    every part's, together."""
    if isinstance(condition, Leaf):
        op, value = condition.operator, condition.value
        if op == "present":
            return frozenset({condition.fact}) if value is True else None
        if op in _NEED_A_VALUE and value is not None and not (op == "in" and None in value):
            return frozenset({condition.fact})
        return None
    if isinstance(condition, AllOf):
        options = [needed for part in condition.parts if (needed := needed_facts(part)) is not None]
        return min(options, key=len) if options else None
    together: set[str] = set()
    for part in condition.parts:
        needed = needed_facts(part)
        if needed is None:
            return None
        together |= needed
    return frozenset(together)


Getter = Callable[[Mapping[str, Any]], Any]


def value_getter(path: str) -> Getter:
    """``lookup`` for one path, with the path split once: ``getter(profile)``."""
    if "." not in path:
        return lambda profile: profile.get(path, _MISSING)
    parts = tuple(path.split("."))
    if len(parts) == 2:  # most facts ("symptoms.fatigue"): one step, no loop
        first, second = parts

        def get_two(profile: Mapping[str, Any]) -> Any:
            node = profile.get(first)
            return node.get(second, _MISSING) if isinstance(node, dict) else _MISSING

        return get_two

    def get(profile: Mapping[str, Any]) -> Any:
        node: Any = profile
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                return _MISSING
            node = node[part]
        return node

    return get


def _same(actual: Any, expected: Any) -> bool:
    # True == 1 in Python but not in the engine: compare booleans only with booleans.
    if isinstance(actual, bool) or isinstance(expected, bool):
        return isinstance(actual, bool) and isinstance(expected, bool) and actual is expected
    return bool(actual == expected)


def _either(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {"$or": parts}


def _both(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {"$and": parts}


# Each function takes a condition as rule data or compiled.
def to_durable(condition: Mapping[str, Any] | Condition) -> dict[str, Any]:
    """Compile a condition to durable-rules' JSON pattern language."""
    return compile_condition(condition).to_durable()


def evaluate(condition: Mapping[str, Any] | Condition, profile: Mapping[str, Any]) -> bool:
    """Whether the condition holds for the profile (the Python reading, for explanations)."""
    return compile_condition(condition).holds(profile)


def leaves(condition: Mapping[str, Any] | Condition) -> Iterator[Leaf]:
    """Every comparison in the condition, in reading order."""
    return compile_condition(condition).leaves()


def satisfied_leaves(condition: Mapping[str, Any] | Condition, profile: Mapping[str, Any]) -> list[Leaf]:
    """The comparisons that made a holding condition hold (every true branch of each "any")."""
    return compile_condition(condition).satisfied(profile)


def unmet_leaves(condition: Mapping[str, Any] | Condition, profile: Mapping[str, Any]) -> list[list[Leaf]]:
    """What is missing for a condition to hold, as alternatives (each a list of unmet comparisons),
    the least missing first. For ``all`` the parts' alternatives are combined; for ``any`` each
    branch is one alternative."""
    return compile_condition(condition).unmet(profile)


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
