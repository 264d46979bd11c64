"""How a rule's evidence is read from the facts of its step, compiled once per rule to one small
Python function.

Batch mode reads the evidence of every rule that fires for every person (about 25 a person), so
this is on the hot path: a function per rule with every lookup and comparison written inline
takes a third of the time of the equivalent chain of closures (one call per leaf, per getter and
per test). The source is generated from the rule's condition, the same data the engine's patterns
are compiled from, so a rule edit needs no code change; tests/test_speedups.py checks it against
the plain reading (``Condition.satisfied``) on thousands of profiles, odd values included.

What a rule shows as evidence:

- a rule without "any" shows every fact it tests, once each, in reading order (all held, since it
  fired); a fact tested with "is" true, false or a text, or with "present": false, shows that
  value without looking it up;
- a rule with "any" shows the facts of the leaves that held, in reading order, each fact once:
  a leaf shows when it holds and every "all" around it holds (``Condition.satisfied``).

A fact with no value shows the value a missing fact stands for (``if_missing``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from screener.screening.conditions import MISSING, AllOf, AnyOf, Condition, Leaf

Evidence = list[dict[str, Any]]
"""A finding's evidence as a lean entry has it: ``{"fact": name, "value": value shown}``, in
reading order."""

Reading = Callable[[Mapping[str, Any]], Evidence]
"""One rule's evidence read from the facts of its step."""

_EMPTY: Mapping[str, Any] = MappingProxyType({})  # what a group that is not a dict reads as


def compile_reading(condition: Condition, if_missing: Mapping[str, Any]) -> Reading:
    """The evidence reading of one rule's condition, as a compiled function."""
    source = _Source(if_missing)
    if has_any(condition):
        source.any_reading(condition)
    else:
        source.plain_reading(condition)
    return source.function()


def has_any(condition: Condition) -> bool:
    if isinstance(condition, AnyOf):
        return True
    return isinstance(condition, AllOf) and any(has_any(part) for part in condition.parts)


def known_values(condition: Condition, if_missing: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of a condition without "any" whose value is known once it holds: tested with
    "is" true, false or a text (a number is not: 1.0 is 1), or absent ("present": false)."""
    known: dict[str, Any] = {}
    for leaf in condition.leaves():
        if leaf.operator == "is" and isinstance(leaf.value, (bool, str)):
            known.setdefault(leaf.fact, leaf.value)
        elif leaf.operator == "present" and leaf.value is False:
            known.setdefault(leaf.fact, if_missing[leaf.fact])
    return known


def _never_missing(leaf: Leaf) -> bool:
    """Whether a leaf holds only of a value that is there: a comparison (numbers only), "in" a
    list or "present" (not "is_not", "not_in" or "present": false, which hold of a missing fact)."""
    return leaf.operator in ("lt", "lte", "gt", "gte", "in") or (leaf.operator == "present" and leaf.value is True)


class _Source:
    """The source of one reading function, and the constants it refers to by name."""

    def __init__(self, if_missing: Mapping[str, Any]) -> None:
        self._if_missing = if_missing
        self._lines: list[str] = []
        self._names: dict[str, Any] = {"MISSING": MISSING, "EMPTY": _EMPTY}
        self._groups: dict[str, str] = {}  # "symptoms" -> the local holding that dict (or EMPTY)
        self._values: dict[str, str] = {}  # fact -> the local holding its value
        self._tests = 0  # locals holding whether a condition holds, so far

    def function(self) -> Reading:
        text = "def reading(facts):\n" + "".join(f"    {line}\n" for line in self._lines)
        namespace = dict(self._names)
        exec(compile(text, "<evidence reading>", "exec"), namespace)  # our own generated source, from rule data
        reading: Reading = namespace["reading"]
        return reading

    def _constant(self, value: Any) -> str:
        if value is None or isinstance(value, (bool, str)):
            return repr(value)  # a literal: cheaper to load than a name
        name = f"c{len(self._names)}"
        self._names[name] = value
        return name

    def _value(self, fact: str) -> str:
        """The local holding a fact's value (looked up once), MISSING when it has none."""
        if fact in self._values:
            return self._values[fact]
        local = f"v{len(self._values)}"
        group, _, name = fact.rpartition(".")
        # A fact in a group reads its group's dict, itself looked up once per reading (a group
        # that is not a dict reads as an empty one: every fact in it is missing).
        within = self._group(group) if group else "facts"
        self._lines.append(f"{local} = {within}.get({self._constant(name)}, MISSING)")
        self._values[fact] = local
        return local

    def _group(self, path: str) -> str:
        """The local holding the dict at a dotted path ("labs.potassium"), or an empty one."""
        if path not in self._groups:
            parent, _, name = path.rpartition(".")
            within = self._group(parent) if parent else "facts"
            local = self._groups[path] = f"g{len(self._groups)}"
            self._lines.append(f"{local} = {within}.get({self._constant(name)})")
            self._lines.append(f"{local} = {local} if isinstance({local}, dict) else EMPTY")
        return self._groups[path]

    def _shown(self, leaf: Leaf) -> str:
        """The value a fact shows where ``leaf`` holds: known from the test itself when it is
        "is" true, false or a text; else its own, or what a missing one stands for (only a test
        that holds of a missing fact needs that: "is_not", "not_in", "present": false)."""
        if leaf.operator == "is" and isinstance(leaf.value, (bool, str)):
            return self._constant(leaf.value)
        return self._value(leaf.fact) if _never_missing(leaf) else self._missing_or_value(leaf.fact)

    def _missing_or_value(self, fact: str) -> str:
        """A fact's own value, or what a missing one stands for."""
        local = self._value(fact)
        return f"({self._constant(self._if_missing[fact])} if {local} is MISSING else {local})"

    def _item(self, fact: str, shown: str) -> str:
        return f'{{"fact": {self._constant(fact)}, "value": {shown}}}'

    # -- a rule without "any": every fact it tests --------------------------------------------
    def plain_reading(self, condition: Condition) -> None:
        known = known_values(condition, self._if_missing)
        items = []
        # Every leaf holds (the rule fired): a fact one of whose tests holds only of a value has one.
        has_value = {leaf.fact for leaf in condition.leaves() if _never_missing(leaf)}
        for fact in dict.fromkeys(leaf.fact for leaf in condition.leaves()):
            if fact in known:
                shown = self._constant(known[fact])
            else:
                shown = self._value(fact) if fact in has_value else self._missing_or_value(fact)
            items.append(self._item(fact, shown))
        self._lines.append(f"return [{', '.join(items)}]")

    # -- a rule with "any": the leaves that held ----------------------------------------------
    def any_reading(self, condition: Condition) -> None:
        shows: list[tuple[Leaf, str]] = []  # each leaf, with whether it shows
        self._holds(condition, (), shows)
        self._lines.append("evidence = []")
        shown_before: dict[str, list[str]] = {}
        for index, (leaf, shows_leaf) in enumerate(shows):
            local = f"s{index}"
            self._lines.append(f"{local} = {shows_leaf}")
            # A fact tested twice (a range) shows once, where it first shows.
            earlier = shown_before.setdefault(leaf.fact, [])
            guard = " and ".join([local, *(f"not {other}" for other in earlier)])
            self._lines.append(f"if {guard}: evidence.append({self._item(leaf.fact, self._shown(leaf))})")
            earlier.append(local)
        self._lines.append("return evidence")

    def _holds(self, condition: Condition, all_around: tuple[str, ...], shows: list[tuple[Leaf, str]]) -> str:
        """The local telling whether ``condition`` holds; each leaf's "shows" appended in order.
        ``all_around``: the locals of the "all" conditions this one is inside."""
        local = f"h{self._tests}"
        self._tests += 1
        if isinstance(condition, Leaf):
            self._lines.append(f"{local} = {self._test(condition)}")
            shows.append((condition, " and ".join([local, *all_around]) if all_around else local))
            return local
        # Every part's test is worked out before its parent's: none of them can raise, and each
        # is a few operations, so there is nothing to gain from stopping early.
        inner: list[tuple[Leaf, str]] = []
        parts = [self._holds(part, (), inner) for part in condition.parts]
        joined = " and " if isinstance(condition, AllOf) else " or "
        self._lines.append(f"{local} = {joined.join(parts)}")
        around = (*all_around, local) if isinstance(condition, AllOf) else all_around
        for leaf, shows_leaf in inner:
            shows.append((leaf, " and ".join([shows_leaf, *around]) if around else shows_leaf))
        return local

    def _test(self, leaf: Leaf) -> str:
        """Whether a leaf holds, as an expression (``Leaf.holds``: true is not 1, a missing value
        is nothing, a comparison holds only for numbers)."""
        value, operator, expected = self._value(leaf.fact), leaf.operator, leaf.value
        if operator == "present":
            return f"{value} is not MISSING" if expected else f"{value} is MISSING"
        if operator in ("is", "is_not"):
            same = self._same(value, expected)
            return same if operator == "is" else f"not ({same})"
        if operator in ("in", "not_in"):
            if all(isinstance(item, str) for item in expected):
                either = f"(isinstance({value}, str) and {value} in {self._constant(frozenset(expected))})"
            else:
                either = "(" + " or ".join(self._same(value, item) for item in expected) + ")"
            return either if operator == "in" else f"not {either}"
        symbol = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[operator]
        return (
            f"(isinstance({value}, (int, float)) and not isinstance({value}, bool) "
            f"and {value} {symbol} {self._constant(expected)})"
        )

    def _same(self, value: str, expected: Any) -> str:
        if isinstance(expected, bool):
            return f"({value} is {expected})"
        return f"({value} is not MISSING and not isinstance({value}, bool) and {value} == {self._constant(expected)})"
