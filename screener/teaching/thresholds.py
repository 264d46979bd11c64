"""The numbers the rules compare answers with, where each is used and written, and the warnings
of ``mgk-screen rules check`` when an edit changed a number in one place only.

A threshold lives in several places: the rule that compares with it ("lt": 3.5), the rule for
the other side ("gte": 3.5: a normal result), the rule's title, and the words of the fact it
concludes (facts.json: "a low potassium result (below 3.5 mmol/L)"). A teacher who changes one
of them gets a result that contradicts itself ("low" and "normal" for the same 3.6). So:

- ``thresholds`` lists, for each fact compared with numbers, each number, the rules comparing
  with it (and how), and the texts of the folder that write it with the fact's unit: every
  place to change together (``mgk-screen rules thresholds [FACT]``);
- ``threshold_warnings`` finds two rules of one step that read like the two sides of one
  threshold (the same fact compared in opposite directions, the rest of their conditions the
  same) but do not meet (an overlap, or a gap), and titles or fact words that write, with the
  unit, a number their rule does not compare with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from screener.screening.conditions import AllOf, Condition, Leaf
from screener.screening.ruleset_model import Rule, Ruleset

_BELOW = ("lt", "lte")
_ABOVE = ("gt", "gte")
_WORDS = {"lt": "below", "lte": "at most", "gt": "above", "gte": "at least"}
_NUMBER = r"(\d+(?:\.\d+)?)"


@dataclass(frozen=True)
class Use:
    """One comparison of a fact with a number, by one rule."""

    rule: str
    step: str
    operator: str
    value: float


@dataclass(frozen=True)
class Threshold:
    """One number a fact is compared with: the rules comparing with it, and where it is written."""

    value: float
    text: str  # as the rule files write it ("3.0")
    uses: tuple[Use, ...]
    kin: tuple[tuple[str, tuple[str, ...]], ...]
    """Facts of the same answer (labs.potassium.below_mmol_per_l beside labs.potassium.mmol_per_l)
    compared with the same number, each with the rules comparing them."""
    written_in: tuple[str, ...]
    """Where the folder writes the number with the fact's unit: "urgency.json: rule 'ID' (title, rationale)"."""


def _comparisons(condition: Condition) -> Iterator[Leaf]:
    for leaf in condition.leaves():
        if leaf.operator in (*_BELOW, *_ABOVE) and isinstance(leaf.value, (int, float)) and not isinstance(leaf.value, bool):
            yield leaf


def number_text(value: float) -> str:
    return f"{value:g}"


def written_numbers(text: str, unit: str) -> set[float]:
    """The numbers ``text`` writes with ``unit`` ("below 3.5 mmol/L", "3.5 to 5.0 mmol/L",
    "0.70-1.05 mmol/L"): the number just before the unit, and the first of a range ending in it."""
    pattern = re.compile(rf"{_NUMBER}(?:\s*(?:to|-|\u2013|or)\s*{_NUMBER})?\s*{re.escape(unit)}(?![A-Za-z])", re.IGNORECASE)
    found: set[float] = set()
    for match in pattern.finditer(text):
        found.update(float(number) for number in match.groups() if number is not None)
    return found


def _unit_of(ruleset: Ruleset, fact: str) -> str | None:
    known = ruleset.facts.get(fact)
    return known.unit if known is not None and known.type == "number" and known.unit else None


def _texts(ruleset: Ruleset) -> Iterator[tuple[str, str, str]]:
    """(where, field, text) of every text of the folder a reader meets: rule titles, rationales
    and mechanisms, fact words, recommendation texts."""
    for rule in ruleset.rules:
        for field in ("title", "rationale", "mechanism"):
            yield f"{rule.file.rsplit('/', 1)[-1]}: rule '{rule.id}'", field, getattr(rule, field)
    for fact in ruleset.facts.values():
        if fact.origin in ("derived", "answers"):
            yield f"facts.json: fact '{fact.name}'", "label", fact.label
    for key, text in ruleset.recommendation_texts.items():
        yield f"recommendation_texts.json: '{key}'", "text", text
    for urgency, text in ruleset.urgency_text.items():
        yield f"ruleset.json: urgency_text '{urgency}'", "text", text
    for name, spec in (*ruleset.evidence_groups.items(), *ruleset.tallies.items()):
        if isinstance(spec.get("label"), str):
            yield f"ruleset.json: '{name}'", "label", spec["label"]


def _places(texts: Iterable[tuple[str, str, str]], value: float, unit: str | None) -> tuple[str, ...]:
    fields: dict[str, list[str]] = {}
    for where, field, text in texts:
        if unit is not None and value in written_numbers(text, unit):
            fields.setdefault(where, []).append(field)
    return tuple(f"{where} ({', '.join(names)})" for where, names in fields.items())


def thresholds(ruleset: Ruleset, fact: str | None = None) -> dict[str, list[Threshold]]:
    """For each fact compared with numbers (or only ``fact``), its numbers in order, each with the
    rules comparing with it and the texts writing it with the fact's unit."""
    uses: dict[str, dict[float, list[Use]]] = {}
    written: dict[float, str] = {}
    for rule in ruleset.rules:
        for leaf in _comparisons(rule.condition):
            if fact is None or leaf.fact == fact:
                written.setdefault(float(leaf.value), str(leaf.value))
                uses.setdefault(leaf.fact, {}).setdefault(float(leaf.value), []).append(
                    Use(rule.id, rule.step, leaf.operator, float(leaf.value))
                )
    texts = list(_texts(ruleset))
    every: dict[str, dict[float, list[str]]] = {}
    for rule in ruleset.rules:
        for leaf in _comparisons(rule.condition):
            every.setdefault(leaf.fact, {}).setdefault(float(leaf.value), []).append(rule.id)

    def kin(name: str, value: float) -> tuple[tuple[str, tuple[str, ...]], ...]:
        family = name.rsplit(".", 1)[0] if name.count(".") >= 2 else None
        return tuple(
            (other, tuple(dict.fromkeys(numbers[value])))
            for other, numbers in sorted(every.items())
            if family is not None and other != name and other.rsplit(".", 1)[0] == family and value in numbers
        )

    listed: dict[str, list[Threshold]] = {}
    for name in sorted(uses):
        unit = _unit_of(ruleset, name)
        listed[name] = [
            Threshold(value, written[value], tuple(dict.fromkeys(by_value)), kin(name, value), _places(texts, value, unit))
            for value, by_value in sorted(uses[name].items())
        ]
    return listed


# -- the warnings of `rules check` --------------------------------------------------------------


def _parts(rule: Rule) -> tuple[Condition, ...]:
    condition = rule.condition
    return condition.parts if isinstance(condition, AllOf) else (condition,)


@dataclass(frozen=True)
class _Span:
    """The numbers of one fact a rule's top-level comparisons let through (None: no bound)."""

    rule: Rule
    fact: str
    low: tuple[str, float] | None  # ("gt" | "gte", number)
    high: tuple[str, float] | None  # ("lt" | "lte", number)
    rest: frozenset[str]  # the rule's other top-level parts, as written

    def holds(self, value: float) -> bool:
        low_ok = self.low is None or (value > self.low[1] if self.low[0] == "gt" else value >= self.low[1])
        high_ok = self.high is None or (value < self.high[1] if self.high[0] == "lt" else value <= self.high[1])
        return low_ok and high_ok


def _spans(rule: Rule) -> Iterator[_Span]:
    parts = rule.condition.parts if isinstance(rule.condition, AllOf) else (rule.condition,)
    by_fact: dict[str, list[Leaf]] = {}
    for part in parts:
        if isinstance(part, Leaf) and list(_comparisons(part)):
            by_fact.setdefault(part.fact, []).append(part)
    for fact, leaves in by_fact.items():
        lows = [(leaf.operator, float(leaf.value)) for leaf in leaves if leaf.operator in _ABOVE]
        highs = [(leaf.operator, float(leaf.value)) for leaf in leaves if leaf.operator in _BELOW]
        if len(lows) > 1 or len(highs) > 1:
            continue
        rest = frozenset(repr(other) for other in parts if not (isinstance(other, Leaf) and other.fact == fact))
        yield _Span(rule, fact, lows[0] if lows else None, highs[0] if highs else None, rest)


def _nearest(spans: list[_Span], span: _Span, value: float, upper: bool) -> _Span | None:
    """The other span of the same fact and the same rest whose upper (or lower) bound is nearest ``value``."""
    bounded = [
        (other, other.high if upper else other.low)
        for other in spans
        if other.rule is not span.rule and other.fact == span.fact and other.rest == span.rest
    ]
    found = [(other, bound[1]) for other, bound in bounded if bound is not None]
    return min(found, key=lambda pair: abs(pair[1] - value), default=(None, 0.0))[0]


#: How far apart the two sides of one threshold may be and still read as one edited in one place
#: only: a quarter of the number (3.5 and 3.7 do; a child under 12 and an adult of 65 or more do not).
NEAR = 0.25


def complement_warnings(ruleset: Ruleset) -> list[str]:
    """Two rules of one step that read as the two sides of one threshold but do not meet: the
    same fact compared below in one ("lt": 3.7) and above in the other ("gte": 3.5), the rest of
    their conditions the same, each the other's nearest such side, and their numbers close
    (``NEAR``) but leaving numbers that both let through, or neither."""
    warnings = []
    for step in ruleset.step_ids:
        spans = [span for rule in ruleset.rules_for_step(step) for span in _spans(rule)]
        for below in spans:
            if below.high is None:
                continue
            (operator, value) = below.high
            above = _nearest(spans, below, value, upper=False)
            if above is None or above.low is None or _nearest(spans, above, above.low[1], upper=True) is not below:
                continue
            other_operator, other_value = above.low
            if value == other_value and {operator, other_operator} in ({"lt", "gte"}, {"lte", "gt"}):
                continue
            if abs(value - other_value) > NEAR * max(abs(value), abs(other_value)):
                continue
            middle = (value + other_value) / 2
            both = (below.holds(middle) and above.holds(middle)) or (value == other_value and below.holds(value) and above.holds(value))
            neither = not below.holds(middle) and not above.holds(middle) and value != other_value
            if not (both or neither) and value != other_value:
                continue
            between = f"{number_text(min(value, other_value))} to {number_text(max(value, other_value))}"
            if value == other_value:
                what = f"{'both hold' if both else 'neither holds'} at {number_text(value)}"
            else:
                what = f"both hold from {between}" if both else f"neither holds from {between}"
            warnings.append(
                f"{below.fact}: rule '{below.rule.id}' ({_WORDS[operator]} {number_text(value)}) and rule '{above.rule.id}' "
                f"({_WORDS[other_operator]} {number_text(other_value)}) read as the two sides of one threshold, "
                f"but {what}: give both the same number (`mgk-screen rules thresholds {below.fact}` lists every place)"
            )
    return warnings


def _numbers_by_unit(rules: Iterable[Rule], ruleset: Ruleset) -> dict[str, set[float]]:
    numbers: dict[str, set[float]] = {}
    for rule in rules:
        for leaf in _comparisons(rule.condition):
            unit = _unit_of(ruleset, leaf.fact)
            if unit is not None:
                numbers.setdefault(unit, set()).add(float(leaf.value))
    return numbers


def _stale(written: set[float], numbers: set[float]) -> list[float]:
    """The numbers written that are none of the numbers compared with, nor the last one written
    below one of them ("6.0 to 6.4 mmol/L" for "below 6.5", "2.99" for "below 3.0")."""
    return sorted(w for w in written if not any(abs(w - n) < 1e-9 or 0 < n - w <= 0.1 + 1e-9 for n in numbers))


def words_warnings(ruleset: Ruleset) -> list[str]:
    """A rule's title, or the words of a fact it concludes, that write with a unit a number the
    rule does not compare with (in that unit): words left behind when a threshold changed."""
    warnings = []
    asserted_by: dict[str, list[Rule]] = {}
    for rule in ruleset.rules:
        for name in rule.then.get("assert", ()):
            asserted_by.setdefault(name, []).append(rule)
        for unit, numbers in _numbers_by_unit([rule], ruleset).items():
            stale = _stale(written_numbers(rule.title, unit), numbers)
            if stale:
                warnings.append(
                    f"{rule.file}: rule '{rule.id}', title: writes {_listed(stale, unit)}, but the rule compares with "
                    f"{_listed(sorted(numbers), unit)}"
                )
    for name, rules in sorted(asserted_by.items()):
        fact = ruleset.facts.get(name)
        if fact is None:
            continue
        for rule in rules:
            for unit, numbers in _numbers_by_unit([rule], ruleset).items():
                written = written_numbers(fact.label, unit)
                stale = _stale(written, numbers)
                # Words shared by the rules concluding one fact ("3.5 to 5.0 mmol/L") are left
                # behind only when none of their numbers is this rule's and one is close to one
                # of the rule's: a number moved in the rule, not a range of several rules.
                if len(stale) < len(written) or not any(_near(value, numbers) for value in stale):
                    continue
                if stale:
                    warnings.append(
                        f"facts.json: fact '{name}', label: writes {_listed(stale, unit)}, but rule '{rule.id}', which "
                        f"concludes it, compares with {_listed(sorted(numbers), unit)}"
                    )
    return warnings


def _near(value: float, numbers: Iterable[float]) -> bool:
    return any(abs(value - number) <= NEAR * max(abs(value), abs(number)) for number in numbers)


def _listed(values: Iterable[float], unit: str) -> str:
    return ", ".join(number_text(value) for value in values) + f" {unit}"


def threshold_warnings(ruleset: Ruleset) -> list[str]:
    """What ``mgk-screen rules check`` warns about: thresholds changed in one place only."""
    return complement_warnings(ruleset) + words_warnings(ruleset)
