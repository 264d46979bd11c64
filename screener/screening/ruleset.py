"""Loading a rule folder: the manifest, the fact catalogue, the rules, texts and vocabulary.

Everything clinical is data in the folder (``rules/`` ships inside the package as
``screener.rules``; ``--rules DIR`` loads another). Each file is checked against its JSON Schema
in ``screener/schemas`` and then against the others (every fact a rule tests exists, every step,
group, level and recommendation it names is declared), with messages that name the file, the
rule id and the field, and suggest the nearest valid name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeAlias

from screener.contract.checked import RememberedCheck
from screener.contract.coverage import RECOMMENDATION_SLOTS
from screener.contract.validation import (
    check_data_file,
    parse_data,
    read_data_bytes,
    schema_bytes,
    schema_problems,
    validator_for,
)
from screener.errors import RulesError, did_you_mean
from screener.screening.conditions import OPERATORS, Condition, compile_condition
from screener.screening.engine_limits import MAX_NESTING, RESERVED_NAMES, nesting_problems, ruleset_problems
from screener.screening.medications import Vocabulary

Folder: TypeAlias = Path | Traversable
_SLOT_NAME = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Fact:
    """Something a rule may test, with the words used to explain it."""

    name: str
    label: str
    type: str  # integer | number | boolean | text | level
    unit: str | None = None
    values: tuple[str, ...] | None = None
    origin: str = "answers"  # answers | derived | count | level
    near_miss_of: frozenset[str] = frozenset()
    """For an answers fact set when a medicine name matched nothing but a name offered for it
    ("did you mean ...?") is of one of these classes; empty for any other fact."""
    code_label: str = ""
    """For one code of a group ("symptoms.fainting"), the code's own words ("fainting"), without
    the group's label that ``label`` begins with; empty for any other fact."""


@dataclass(frozen=True)
class Rule:
    id: str
    step: str
    title: str
    rationale: str
    mechanism: str
    sources: tuple[str, ...]
    when: dict[str, Any]
    then: dict[str, Any]
    file: str
    team_judgement: bool = False
    notes: str = ""
    """For maintainers (how it is written for the engine, departures from the spec): never in a result."""
    condition: Condition = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "condition", compile_condition(self.when))

    @property
    def is_red_flag(self) -> bool:
        return "red_flag" in self.then


@dataclass(frozen=True)
class Scale:
    """An ordered set of values, lowest first (levels, urgency)."""

    name: str
    label: str
    values: tuple[str, ...]

    def rank(self, value: str) -> int:
        return self.values.index(value)


@dataclass(frozen=True)
class Ruleset:
    name: str
    version: str
    sha256: str
    description: str
    disclaimer: str
    consult_advice: dict[str, str]
    """The words that close the disclaimer of a result that calls for a clinician, by urgency
    (ruleset.json gives one text for all, or one for each urgency but "none")."""
    headline: str
    steps: tuple[tuple[str, str], ...]
    scales: dict[str, Scale]
    urgency_text: dict[str, str]
    evidence_groups: dict[str, dict[str, Any]]
    tallies: dict[str, dict[str, Any]]
    lab_units: dict[str, dict[str, Any]]
    sources: dict[str, str]
    facts: dict[str, Fact]
    rules: tuple[Rule, ...]
    recommendation_texts: dict[str, str]  # "code" or "code:variant" -> text
    recommendation_order: tuple[str, ...]
    vocabulary: Vocabulary
    folder: str
    parent_texts: dict[str, str] = field(default_factory=dict)
    """"code" or "code:variant" -> the same advice worded to the parent or carer of a child (its
    ``to_parent``), shown instead of the text when the rules conclude ``parent_wording_fact``."""
    parent_wording_fact: str | None = None
    """The derived fact (``to_parent_when``: child_under_12) under which the parent's wordings are shown."""
    parent_disclaimer: str | None = None
    """ruleset.json ``to_parent``: the disclaimer worded to the parent, under ``parent_wording_fact``."""
    parent_consult_advice: dict[str, str] = field(default_factory=dict)
    """ruleset.json ``to_parent``: closing words by urgency worded to the parent (those given)."""
    parent_urgency_text: dict[str, str] = field(default_factory=dict)
    """ruleset.json ``to_parent``: how-soon words by urgency worded to the parent (those given)."""
    _rules_by_id: dict[str, Rule] = field(default_factory=dict, repr=False)

    @property
    def step_ids(self) -> tuple[str, ...]:
        return tuple(step for step, _ in self.steps)

    def rule(self, rule_id: str) -> Rule:
        return self._rules_by_id[rule_id]

    def rules_for_step(self, step: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.step == step)

    @cached_property
    def keys_tested_by_step(self) -> dict[str, frozenset[str]]:
        """The top-level fact names each step's rules test: all the engine needs to be sent."""
        return {
            step: frozenset(leaf.fact.split(".")[0] for rule in self.rules_for_step(step) for leaf in rule.condition.leaves())
            for step in self.step_ids
        }

    @cached_property
    def near_miss_facts(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """The facts set by the classes of names offered for a name not recognised (facts.json
        ``near_miss_of``), with those classes."""
        return tuple((fact.name, fact.near_miss_of) for fact in self.facts.values() if fact.near_miss_of)

    @cached_property
    def engine_patterns(self) -> dict[str, dict[str, Any]]:
        """Each rule as the engine gets it: one pattern over one fact, testing its step first."""
        return {rule.id: {"$and": [{"step": rule.step}, rule.condition.to_durable()]} for rule in self.rules}

    @cached_property
    def engine(self) -> Any:
        """The compiled rules inside the engine (built on first use, not at import or load).

        Shared: every ruleset with the same compiled rules in this process uses one engine (see
        ``engine.shared_engine``), so that making a ``Screener`` again costs no engine memory.
        """
        from screener.screening.engine import shared_engine

        return shared_engine(self.engine_patterns, self.step_ids)


#: The modules whose code checks a rule file's content, besides the schema validator: the nesting
#: check, and the wording of rule positions (``screener.contract.checked``).
_RULE_FILE_CHECKS = ("screener.screening.engine_limits", "screener.screening.ruleset")


def default_rules_folder() -> Traversable:
    return resources.files("screener.rules")


def load_ruleset(folder: str | Path | None = None, *, engine_limits: bool = True) -> Ruleset:
    """Load and check a rule folder (the shipped one when ``folder`` is None).

    ``engine_limits=False`` leaves out the check against the engine's limits (``engine_limits``),
    for ``rules check`` to try the engine itself, in a child process.
    """
    root: Folder = default_rules_folder() if folder is None else Path(folder)
    if isinstance(root, Path) and not root.is_dir():
        raise RulesError(f"{root}: not a folder of rule files", hint="--rules takes a folder holding ruleset.json")
    label = "rules" if folder is None else str(folder)
    digest = hashlib.sha256()

    def read(name: str, schema: str) -> Any:
        source = f"{label}/{name}"
        raw = read_data_bytes(root.joinpath(name), source)
        digest.update(name.encode() + b"\0" + raw + b"\0")
        is_rules = schema == "rules.schema.json"
        # The checks of a file's own content are skipped for bytes that passed them before.
        checked = RememberedCheck(schema_bytes(schema), raw, _RULE_FILE_CHECKS if is_rules else ())
        if is_rules and not checked.passed:  # first: the JSON parser and the schema validator recurse
            too_deep = nesting_problems(raw.decode("utf-8", "replace"), source)
            if too_deep:
                raise RulesError("\n".join(too_deep), hint=f"nest 'all' and 'any' at most {MAX_NESTING} deep")
        data = parse_data(raw, source, where=_rule_where if is_rules else None, text_checked=checked.passed)
        if not checked.passed:
            if is_rules:
                _check_rule_file(data, source)
            else:
                check_data_file(data, schema, source)
            checked.remember()
        return data

    manifest = read("ruleset.json", "ruleset.schema.json")
    facts_data = read(manifest["facts"], "facts.schema.json")
    texts_data = read(manifest["recommendation_texts"], "recommendations.schema.json")
    rule_files = [(name, read(name, "rules.schema.json")) for name in manifest["rule_files"]]
    vocabulary_source = f"{label}/{manifest['medications']}"
    vocabulary_bytes = read_data_bytes(root.joinpath(manifest["medications"]), vocabulary_source)
    digest.update(manifest["medications"].encode() + b"\0" + vocabulary_bytes + b"\0")
    vocabulary = Vocabulary.from_bytes(vocabulary_bytes, vocabulary_source)

    named_wrongly = _name_problems(facts_data, manifest, label)
    if named_wrongly:
        raise RulesError("\n".join(named_wrongly), hint="rename the facts in facts.json or ruleset.json")
    scales = {
        name: Scale(name, spec["label"], tuple(spec["values"])) for name, spec in manifest["scales"].items()
    }
    facts = _fact_catalogue(facts_data, manifest, scales, vocabulary, label)
    texts: dict[str, str] = {}
    parent_texts: dict[str, str] = {}
    order: list[str] = []
    slot_problems: list[str] = []
    for entry in texts_data["recommendations"]:
        key = entry["code"] + (f":{entry['variant']}" if "variant" in entry else "")
        texts[key] = entry["text"]
        if entry["code"] not in order:
            order.append(entry["code"])
        slot_problems += [
            f"{label}/{manifest['recommendation_texts']}: recommendation '{key}', field 'text': {problem}"
            for problem in text_slot_problems(entry["text"])
        ]
        if "to_parent" in entry:
            parent_texts[key] = entry["to_parent"]
            slot_problems += [
                f"{label}/{manifest['recommendation_texts']}: recommendation '{key}', field 'to_parent': {problem}"
                for problem in text_slot_problems(entry["to_parent"]) + _same_slots(entry["text"], entry["to_parent"])
            ]
    if slot_problems:
        raise RulesError(
            "\n".join(slot_problems),
            hint=f"a text may hold these slots, filled for each person: {', '.join(f'{{{slot}}}' for slot in RECOMMENDATION_SLOTS)}; "
            "write no other brace",
        )

    rules: list[Rule] = []
    for name, data in rule_files:
        for raw_rule in data["rules"]:
            rules.append(
                Rule(
                    id=raw_rule["id"],
                    step=raw_rule["step"],
                    title=raw_rule["title"],
                    rationale=raw_rule["rationale"],
                    mechanism=raw_rule["mechanism"],
                    sources=tuple(raw_rule["sources"]),
                    when=raw_rule["when"],
                    then=raw_rule["then"],
                    file=f"{label}/{name}",
                    team_judgement=raw_rule.get("team_judgement", False),
                    notes=raw_rule.get("notes", ""),
                )
            )
    ruleset = Ruleset(
        name=manifest["name"],
        version=manifest["version"],
        sha256=digest.hexdigest(),
        description=manifest["description"],
        disclaimer=manifest["disclaimer"],
        consult_advice=_consult_advice(manifest, label),
        headline=manifest["headline"],
        steps=tuple((step["id"], step["label"]) for step in manifest["steps"]),
        scales=scales,
        urgency_text=manifest["urgency_text"],
        evidence_groups=manifest["evidence_groups"],
        tallies=manifest["tallies"],
        lab_units=manifest["lab_units"],
        sources=manifest["sources"],
        facts=facts,
        rules=tuple(rules),
        recommendation_texts=texts,
        recommendation_order=tuple(order),
        vocabulary=vocabulary,
        folder=label,
        parent_texts=parent_texts,
        parent_wording_fact=texts_data.get("to_parent_when"),
        parent_disclaimer=manifest.get("to_parent", {}).get("disclaimer"),
        parent_consult_advice=_parent_words(manifest, "consult_advice", label),
        parent_urgency_text=_parent_words(manifest, "urgency_text", label),
        _rules_by_id={rule.id: rule for rule in rules},
    )
    _check_consistency(ruleset, label)
    _check_parent_wording(ruleset, f"{label}/{manifest['recommendation_texts']}")
    limits = ruleset_problems(ruleset, ruleset.engine_patterns) if engine_limits else []
    if limits:
        raise RulesError("\n".join(limits), hint="the rules engine cannot take such rules: split or simplify them")
    return ruleset


def _parent_words(manifest: Mapping[str, Any], name: str, label: str) -> dict[str, str]:
    """ruleset.json ``to_parent``'s words by urgency for ``name`` (``consult_advice`` or
    ``urgency_text``): each must be an urgency that has such words for the person."""
    given: dict[str, str] = dict(manifest.get("to_parent", {}).get(name, {}))
    known = _consult_advice(manifest, label) if name == "consult_advice" else manifest["urgency_text"]
    unknown = [urgency for urgency in given if urgency not in known]
    if unknown:
        raise RulesError(
            f"{label}/ruleset.json: to_parent, {name}: {', '.join(repr(u) for u in unknown)} has no {name} to reword",
            hint=f"use one of {', '.join(known)}",
        )
    return given


def _consult_advice(manifest: Mapping[str, Any], label: str) -> dict[str, str]:
    """``consult_advice`` by urgency: one text for every urgency that calls for a clinician, or
    one each, so that "seek emergency care now" does not close with words for a routine visit."""
    urgencies = [name for name in manifest["urgency_text"] if name != "none"]
    given = manifest["consult_advice"]
    if isinstance(given, str):
        return dict.fromkeys(urgencies, given)
    missing = [name for name in urgencies if name not in given]
    unknown = [name for name in given if name not in urgencies]
    if missing or unknown:
        raise RulesError(
            f"{label}/ruleset.json: consult_advice: "
            + "; ".join(
                ([f"no text for urgency {', '.join(repr(m) for m in missing)}"] if missing else [])
                + ([f"{', '.join(repr(u) for u in unknown)} is not an urgency that calls for a clinician"] if unknown else [])
            ),
            hint=f"give one text, or one for each of {', '.join(urgencies)}",
        )
    return dict(given)


def _same_slots(text: str, to_parent: str) -> list[str]:
    """A parent's wording is the same advice: it fills the same slots as the text it stands beside."""
    wanted, given = set(_SLOT_NAME.findall(text)), set(_SLOT_NAME.findall(to_parent))
    problems = [f"lacks the slot '{{{slot}}}' of its 'text'" for slot in sorted(wanted - given)]
    problems += [f"has the slot '{{{slot}}}', which its 'text' has not" for slot in sorted(given - wanted)]
    return problems


def _check_parent_wording(ruleset: Ruleset, source: str) -> None:
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


def _check_rule_file(data: Any, source: str) -> None:
    """Schema-check a rule file, naming each faulty rule by its id rather than its position."""
    problems = schema_problems(validator_for("rules.schema.json"), data)
    if not problems:
        return
    rules = data.get("rules") if isinstance(data, dict) else None
    lines = []
    for problem in problems:
        where, field = _rule_position(problem.path, rules)
        lines.append(f"{source}: {where}{f', field {field!r}' if field else ''}: {problem.message}")
    raise RulesError("\n".join(lines), hint="each rule needs id, step, title, rationale, mechanism, sources, when, then")


def _rule_where(path: str, data: Any) -> str:
    """A JSON path of a rule file in words: "rule 'some_id', field 'title'"."""
    where, field = _rule_position(path, data.get("rules") if isinstance(data, dict) else None)
    return f"{where}, field {field!r}" if field else where


def _rule_position(path: str, rules: Any) -> tuple[str, str]:
    """'$.rules[3].when.all[0]' -> ("rule 'some_id'", "when.all[0]")."""
    match = re.match(r"^\$\.rules\[(\d+)\]\.?(.*)$", path)
    if not match or not isinstance(rules, list):
        return path, ""
    index, field = int(match.group(1)), match.group(2)
    rule = rules[index] if index < len(rules) else None
    rule_id = rule.get("id") if isinstance(rule, dict) else None
    name = f"rule {rule_id!r}" if isinstance(rule_id, str) else f"rule number {index + 1}"
    return name, field


def _fact_catalogue(
    data: dict[str, Any], manifest: dict[str, Any], scales: dict[str, Scale], vocabulary: Vocabulary, label: str
) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for name, spec in data["input"].items():
        values = tuple(spec["values"]) if "values" in spec else None
        near_miss_of = frozenset(spec.get("near_miss_of", ()))
        unknown = sorted(near_miss_of - vocabulary.class_names)
        if unknown:
            raise RulesError(
                f"{label}/facts.json: input fact '{name}', field 'near_miss_of': unknown medicine class "
                f"'{unknown[0]}'{did_you_mean(unknown[0], vocabulary.class_names)}",
                hint="name classes of the medication vocabulary (its 'classes' list)",
            )
        facts[name] = Fact(name, spec["label"], spec["type"], spec.get("unit"), values, near_miss_of=near_miss_of)
    for group, spec in data["flags"].items():
        for code, code_label in spec["codes"].items():
            facts[f"{group}.{code}"] = Fact(f"{group}.{code}", f"{spec['label']}: {code_label}", "boolean", code_label=code_label)
    for drug_class in sorted(vocabulary.class_names):
        name = f"medication_class.{drug_class}"
        words = vocabulary.class_labels.get(drug_class, f"medicine of class {drug_class.replace('_', ' ')}")
        facts[name] = Fact(name, words, "boolean")
    for name, spec in data["derived"].items():
        facts[name] = Fact(name, spec["label"], "boolean", origin="derived")
    for tally, spec in manifest["tallies"].items():
        facts[f"count.{tally}"] = Fact(f"count.{tally}", f"number of {spec['label']}", "integer", origin="count")
    for scale in scales.values():
        facts[scale.name] = Fact(scale.name, scale.label, "text", values=scale.values, origin="level")
    return facts


def _name_problems(facts_data: dict[str, Any], manifest: dict[str, Any], label: str) -> list[str]:
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


def _check_consistency(ruleset: Ruleset, label: str) -> None:
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
    if problems:
        raise RulesError("\n".join(problems), hint="fix the rule files, then run `mgk-screen rules check`")


def _leaf_problems(name: str, operator: str, value: Any, ruleset: Ruleset) -> list[str]:
    fact = ruleset.facts.get(name)
    if fact is None:
        return [f"unknown fact '{name}'{did_you_mean(name, ruleset.facts)}"]
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
            problems.append(f"asserts '{name}', which facts.json does not declare as derived{did_you_mean(name, derived)}")
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
