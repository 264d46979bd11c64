"""Rule data in plain words: fact values, comparisons and whole conditions, for people to read."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from screener.errors import ExitCode, ScreenerError
from screener.screening.conditions import Leaf

if TYPE_CHECKING:
    from screener.screening.ruleset import Ruleset


class TeachingError(ScreenerError):
    """A persona or rule id that does not exist, or no personas to show."""

    exit_code = ExitCode.USAGE


def words(value: Any) -> str:
    """A fact value as a person reads it: yes/no, no underscores."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("_", " ")


def leaf_in_words(leaf: Leaf, ruleset: Ruleset) -> str:
    """One comparison of a rule condition in words, e.g. "AUDIT-C score at least 8 points (0-12)"."""
    fact = ruleset.facts[leaf.fact]
    op, value = leaf.operator, leaf.value
    if fact.type == "boolean" and op in ("is", "is_not"):
        if op == "is":
            return fact.label if value else f"{fact.label}: answered no"
        return f"not: {fact.label}" if value else f"{fact.label}: yes, or not known"
    if op == "present":
        return f"{fact.label} {'answered' if value else 'not answered'}"
    unit = f" {fact.unit}" if fact.unit and fact.type in ("integer", "number") else ""
    if op in ("in", "not_in"):
        listed = " or ".join(words(item) for item in value)
        return f"{fact.label} is {listed}" if op == "in" else f"{fact.label} is not {listed} (or not answered)"
    if op == "is":
        return f"{fact.label} is {words(value)}"
    if op == "is_not":
        return f"{fact.label} is not {words(value)} (or not answered)"
    comparison = {"lt": "below", "lte": "at most", "gt": "above", "gte": "at least"}[op]
    return f"{fact.label} {comparison} {value}{unit}"  # the threshold as the rule file writes it (5.0, not 5)


def condition_lines(condition: Mapping[str, Any], ruleset: Ruleset, depth: int = 0) -> list[tuple[int, str]]:
    """A condition as indented lines: ``(depth, text)``, "all of:" / "any of:" opening a level."""
    for key, opening in (("all", "all of:"), ("any", "any of:")):
        if key in condition:
            lines = [(depth, opening)]
            for part in condition[key]:
                lines += condition_lines(part, ruleset, depth + 1)
            return lines
    return [(depth, leaf_in_words(Leaf.from_data(condition), ruleset))]


def condition_text(condition: Mapping[str, Any], ruleset: Ruleset) -> str:
    """A condition on one line: "A and (B or C)"."""
    for key, joiner in (("all", " and "), ("any", " or ")):
        if key in condition:
            parts = [condition_text(part, ruleset) for part in condition[key]]
            nested = [f"({text})" if len(part.get("all", part.get("any", ()))) > 1 else text
                      for text, part in zip(parts, condition[key], strict=True)]
            return joiner.join(nested)
    return leaf_in_words(Leaf.from_data(condition), ruleset)


def suggest(word: str, choices: Iterable[str], first: Iterable[str] = (), also: Iterable[str] = ()) -> str:
    """" (did you mean 'a' or 'b'?)" with up to three choices: ``first`` (e.g. the rule whose title
    was given), the nearest spellings, the choices that contain ``word``, then ``also``."""
    choices = list(choices)
    close = list(first)[:3]
    close += [c for c in difflib.get_close_matches(word, choices, n=3, cutoff=0.6) if c not in close][: 3 - len(close)]
    close += [choice for choice in choices if word and word in choice and choice not in close][: 3 - len(close)]
    close += [choice for choice in also if choice not in close][: 3 - len(close)]
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"


def red_flag_heading(title: str, red_flag: bool) -> str:
    """A rule's title, marked RED FLAG when it is one, unless the title says so already
    ("Red flag now: fainting")."""
    return ("RED FLAG: " if red_flag and not title.lower().startswith("red flag") else "") + title
