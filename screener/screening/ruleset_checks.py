"""What the files of a rule folder must satisfy together, checked at every load.

Each file passed its own JSON Schema first (``screener.screening.ruleset``); here they are held
against each other: every fact, step, scale, evidence group, source and recommendation a rule
names is declared, each comparison suits the fact it tests, no name is given to two kinds of fact
or taken by the engine, and the recommendation texts hold only the slots that are filled for each
person. Messages name the file, the rule id and the field, and suggest the nearest valid name.
"""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Any

from screener.contract.coverage import RECOMMENDATION_SLOTS
from screener.errors import RulesError, did_you_mean
from screener.screening.conditions import OPERATORS, AllOf
from screener.screening.engine_limits import RESERVED_NAMES

if TYPE_CHECKING:
    from screener.screening.ruleset_model import Rule, Ruleset

_SLOT_NAME = re.compile(r"\{([a-z_]+)\}")


def name_problems(facts_data: dict[str, Any], manifest: dict[str, Any], label: str) -> list[str]:
    """Names the engine would read wrongly. Every fact is sent as a field of the step's fact, so a
    name the engine or the adapter also uses (``step``, ``sid``, ``id``, ``m``), or one given to
    two kinds of fact (a derived fact named like an answers section), would make rules test the
    wrong thing or never fire. Also a step declared twice."""
    kinds: dict[str, set[str]] = {"medication_class": {"the medicine classes"}, "count": {"the tallies"}}
    named = [
        *((name.split(".")[0], "facts.json input facts") for name in facts_data["input"]),
        *((name, "facts.json flags") for name in facts_data["flags"]),
        *((name, "facts.json derived facts") for name in facts_data["derived"]),
        *((name, "ruleset.json scales") for name in manifest["scales"]),
    ]
    for name, kind in named:
        kinds.setdefault(name, set()).add(kind)
    problems = []
    for name, used_by in sorted(kinds.items()):
        if name in RESERVED_NAMES - {"count"} or (name == "count" and len(used_by) > 1):
            problems.append(f"{label}: the fact name '{name}' ({', '.join(sorted(used_by - {'the tallies'}))}) is reserved for the engine's own use")
        elif len(used_by) > 1:
            problems.append(f"{label}: the name '{name}' is used by {' and '.join(sorted(used_by))}: give each its own name")
    steps = [step["id"] for step in manifest["steps"]]
    problems += [
        f"{label}/ruleset.json, field 'steps': the step '{step}' is declared twice"
        for step in sorted({step for step in steps if steps.count(step) > 1})
    ]
    return problems


def _lab_range_problems(unit: dict[str, Any], label: str) -> list[str]:
    low, high = unit["plausible_mmol_per_l"]
    if low >= high:
        return [f"{label}/ruleset.json: lab_units plausible range [{low}, {high}] is empty"]
    normal_low, normal_high = unit.get("normal_mmol_per_l", (low, high))
    if not low <= normal_low < normal_high <= high:
        return [
            f"{label}/ruleset.json: lab_units normal range [{normal_low}, {normal_high}] is empty or not inside "
            f"the plausible range [{low}, {high}]"
        ]
    return []


def check_consistency(ruleset: Ruleset, label: str) -> None:
    problems: list[str] = []
    steps = ruleset.step_ids
    if ruleset.headline not in ruleset.scales:
        problems.append(f"{label}/ruleset.json: headline '{ruleset.headline}' is not a scale{did_you_mean(ruleset.headline, ruleset.scales)}")
    if "urgency" not in ruleset.scales:
        problems.append(f"{label}/ruleset.json: the scales must include 'urgency'")
    for tally, spec in ruleset.tallies.items():
        for group in spec["groups"]:
            if group not in ruleset.evidence_groups:
                problems.append(
                    f"{label}/ruleset.json: tally '{tally}' names unknown group '{group}'{did_you_mean(group, ruleset.evidence_groups)}"
                )
    for unit in ruleset.lab_units.values():
        problems += _lab_range_problems(unit, label)
    seen: dict[str, str] = {}
    for rule in ruleset.rules:
        where = f"{rule.file}: rule '{rule.id}'"
        if rule.id in seen:
            problems.append(f"{where}: the id is used twice (also in {seen[rule.id]})")
        seen[rule.id] = rule.file
        if rule.step not in steps:
            problems.append(f"{where}, field 'step': unknown step '{rule.step}'{did_you_mean(rule.step, steps)}")
        for source in rule.sources:
            if source not in ruleset.sources:
                problems.append(f"{where}, field 'sources': unknown source '{source}'{did_you_mean(source, ruleset.sources)}")
        for leaf in rule.condition.leaves():
            problems.extend(f"{where}, field 'when': {p}" for p in _leaf_problems(leaf.fact, leaf.operator, leaf.value, ruleset))
        problems.extend(f"{where}, field 'then': {p}" for p in _conclusion_problems(rule.then, ruleset))
        problems.extend(f"{where}, field 'engine_order': {p}" for p in _engine_order_problems(rule))
    if problems:
        raise RulesError("\n".join(problems), hint="fix the rule files, then run `mgk-screen rules check`")


def faulty_rule_problems(raw_rule: Any, source: str, ruleset: Ruleset) -> list[str]:
    """For a rule the schema refused (and left out): what else is wrong with what can be read of
    it (its step, the facts its comparisons name, what it concludes), so that a folder's problems
    are told in one go rather than one round after another."""
    if not isinstance(raw_rule, dict):
        return []
    rule_id = raw_rule.get("id")
    where = f"{source}: rule {rule_id!r}" if isinstance(rule_id, str) else f"{source}: a rule"
    problems = []
    step = raw_rule.get("step")
    if isinstance(step, str) and step not in ruleset.step_ids:
        problems.append(f"{where}, field 'step': unknown step '{step}'{did_you_mean(step, ruleset.step_ids)}")
    for name in _named_facts(raw_rule.get("when")):
        if name not in ruleset.facts:
            problems.extend(f"{where}, field 'when': {p}" for p in _leaf_problems(name, "present", None, ruleset))
    then = raw_rule.get("then")
    if isinstance(then, dict):
        with contextlib.suppress(TypeError, AttributeError, KeyError):
            problems.extend(f"{where}, field 'then': {p}" for p in _conclusion_problems(then, ruleset))
    return problems


def _named_facts(condition: Any) -> list[str]:
    if not isinstance(condition, dict):
        return []
    names = [condition["fact"]] if isinstance(condition.get("fact"), str) else []
    for key in ("all", "any"):
        if isinstance(condition.get(key), list):
            names += [name for part in condition[key] for name in _named_facts(part)]
    return names


def _engine_order_problems(rule: Rule) -> list[str]:
    """An engine order must name each part of the rule's top-level "all" once, by position."""
    order = rule.engine_order
    if not order:
        return []
    if not isinstance(rule.condition, AllOf):
        return ["only a rule whose 'when' is an 'all' can give the order of its parts"]
    count = len(rule.condition.parts)
    if sorted(order) != list(range(count)):
        return [f"{list(order)} must give each position of the {count} parts of 'all' once (0 to {count - 1})"]
    return []


def _leaf_problems(name: str, operator: str, value: Any, ruleset: Ruleset) -> list[str]:
    fact = ruleset.facts.get(name)
    if fact is None:
        return [
            f"unknown fact '{name}'{did_you_mean(name, ruleset.facts)}; the facts a rule may test are the answers and "
            'the facts declared in facts.json ("input", "flags", "derived"), the medicine classes (medication_class.NAME), '
            "the tallies (count.NAME) and the scales"
        ]
    if operator not in OPERATORS:
        return [f"unknown operator '{operator}'{did_you_mean(operator, OPERATORS)}"]
    if operator == "present":
        return []
    values = value if isinstance(value, list) else [value]
    problems = []
    for item in values:
        if operator in ("lt", "lte", "gt", "gte") and fact.type not in ("integer", "number"):
            problems.append(f"'{name}' is {fact.type}, so '{operator}' cannot compare it")
        elif fact.type == "boolean" and not isinstance(item, bool):
            problems.append(f"'{name}' is true or false, not {item!r}")
        elif fact.type == "text" and not isinstance(item, str):
            # The engine compares across types ("1" equals 1 there): the explanation would disagree.
            problems.append(f"'{name}' is text, not {item!r}")
        elif fact.type == "text" and fact.values and item not in fact.values:
            problems.append(f"'{name}' is never {item!r}{did_you_mean(str(item), fact.values)}")
        elif fact.type in ("integer", "number") and (isinstance(item, bool) or not isinstance(item, (int, float))):
            problems.append(f"'{name}' is a number, not {item!r}")
    return problems


def _conclusion_problems(then: dict[str, Any], ruleset: Ruleset) -> list[str]:
    problems = []
    for name in then.get("assert", []):
        fact = ruleset.facts.get(name)
        if fact is None or fact.origin != "derived":
            derived = [f.name for f in ruleset.facts.values() if f.origin == "derived"]
            problems.append(
                f"asserts '{name}', which facts.json does not declare as derived{did_you_mean(name, derived)}; "
                f'a new fact is declared in facts.json under "derived", with the words a result uses for it: '
                f'"{name}": {{"label": "..."}}'
            )
    if "evidence" in then:
        for group in then["evidence"]["groups"]:
            if group not in ruleset.evidence_groups:
                problems.append(f"unknown evidence group '{group}'{did_you_mean(group, ruleset.evidence_groups)}")
    for key in ("raise", "cap"):
        for scale_name, value in then.get(key, {}).items():
            scale = ruleset.scales.get(scale_name)
            if scale is None:
                problems.append(f"{key}: unknown scale '{scale_name}'{did_you_mean(scale_name, ruleset.scales)}")
            elif value not in scale.values:
                problems.append(f"{key}: '{scale_name}' has no value '{value}'{did_you_mean(value, scale.values)}")
    if "recommend" in then and then["recommend"] not in ruleset.recommendation_texts:
        problems.append(
            f"unknown recommendation '{then['recommend']}'{did_you_mean(then['recommend'], ruleset.recommendation_texts)}"
        )
    return problems


def check_text_slots(entries: list[dict[str, Any]], source: str) -> None:
    """Every recommendation text, and its wording to a parent, holds only slots that are filled
    for each person, and a parent's wording the same slots as its text."""
    problems: list[str] = []
    for entry in entries:
        key = entry["code"] + (f":{entry['variant']}" if "variant" in entry else "")
        problems += [f"{source}: recommendation '{key}', field 'text': {problem}" for problem in text_slot_problems(entry["text"])]
        if "to_parent" in entry:
            problems += [
                f"{source}: recommendation '{key}', field 'to_parent': {problem}"
                for problem in text_slot_problems(entry["to_parent"]) + same_slots(entry["text"], entry["to_parent"])
            ]
    if problems:
        raise RulesError(
            "\n".join(problems),
            hint=f"a text may hold these slots, filled for each person: {', '.join(f'{{{slot}}}' for slot in RECOMMENDATION_SLOTS)}; "
            "write no other brace",
        )


def same_slots(text: str, to_parent: str) -> list[str]:
    """A parent's wording is the same advice: it fills the same slots as the text it stands beside."""
    wanted, given = set(_SLOT_NAME.findall(text)), set(_SLOT_NAME.findall(to_parent))
    problems = [f"lacks the slot '{{{slot}}}' of its 'text'" for slot in sorted(wanted - given)]
    problems += [f"has the slot '{{{slot}}}', which its 'text' has not" for slot in sorted(given - wanted)]
    return problems


def check_parent_wording(ruleset: Ruleset, source: str) -> None:
    """``to_parent_when`` names a fact the rules conclude; parents' wordings need it."""
    fact_name = ruleset.parent_wording_fact
    if fact_name is None:
        if ruleset.parent_texts:
            raise RulesError(
                f"{source}: recommendations have a 'to_parent' wording but no 'to_parent_when' says when it is shown",
                hint='add "to_parent_when": "child_under_12" (a fact the rules conclude) beside "description"',
            )
        return
    fact = ruleset.facts.get(fact_name)
    if fact is None or fact.origin != "derived":
        derived = [f.name for f in ruleset.facts.values() if f.origin == "derived"]
        raise RulesError(
            f"{source}, field 'to_parent_when': '{fact_name}' is not a fact the rules conclude{did_you_mean(fact_name, derived)}",
            hint="name a fact declared as derived in facts.json and asserted by a rule",
        )


def text_slot_problems(text: str) -> list[str]:
    """What is wrong with the slots of a recommendation text: a ``{slot}`` that is not one of
    ``RECOMMENDATION_SLOTS`` (where slots are filled), or a brace that opens or closes none. Left
    unchecked, a misspelt slot would reach the person as written."""
    problems = []
    opened: int | None = None
    for index, char in enumerate(text):
        if char == "{":
            if opened is not None:
                problems.append(f"unbalanced brace: the '{{' at character {opened + 1} is not closed {_near(text, opened)}")
            opened = index
        elif char == "}":
            if opened is None:
                problems.append(f"unbalanced brace: the '}}' at character {index + 1} closes no '{{' {_near(text, index)}")
                continue
            slot = text[opened + 1 : index]
            if slot not in RECOMMENDATION_SLOTS:
                known = [f"{{{name}}}" for name in RECOMMENDATION_SLOTS]
                problems.append(f"unknown slot '{{{slot}}}'{did_you_mean(f'{{{slot}}}', known)}")
            opened = None
    if opened is not None:
        problems.append(f"unbalanced brace: the '{{' at character {opened + 1} is never closed {_near(text, opened)}")
    return problems


def _near(text: str, index: int) -> str:
    return f"(near {text[max(0, index - 20) : index + 20]!r})"
