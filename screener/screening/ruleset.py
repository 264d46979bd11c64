"""Loading a rule folder: the manifest, the fact catalogue, the rules, texts and vocabulary.

Everything clinical is data in the folder (``rules/`` ships inside the package as
``screener.rules``; ``--rules DIR`` loads another). Each file is checked against its JSON Schema
in ``screener/schemas`` and then against the others (``ruleset_checks``: every fact a rule tests
exists, every step, group, level and recommendation it names is declared), with messages that
name the file, the rule id and the field, and suggest the nearest valid name. What a loaded
folder holds (``Ruleset``, ``Rule``, ``Fact``, ``Scale``) is in ``ruleset_model`` and is
importable from here too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeAlias

from screener.contract.checked import RememberedCheck
from screener.contract.coverage import NAME_NOT_READ_FACTS
from screener.contract.data_files import parse_data, read_data_bytes
from screener.contract.validation import check_data_file, schema_bytes, schema_problems, validator_for
from screener.errors import RulesError, did_you_mean
from screener.screening.conditions import OPERATORS
from screener.screening.engine_limits import MAX_NESTING, nesting_problems, ruleset_problems
from screener.screening.medications import Vocabulary
from screener.screening.ruleset_checks import (
    check_consistency,
    check_parent_wording,
    check_text_slots,
    faulty_rule_problems,
    name_problems,
)
from screener.screening.ruleset_model import Fact, Rule, Ruleset, Scale

__all__ = ["Fact", "Rule", "Ruleset", "Scale", "default_rules_folder", "load_ruleset", "shipped_sha256"]

Folder: TypeAlias = Path | Traversable


#: The modules whose code checks a rule file's content, besides the schema validator: the nesting
#: check, and the wording of rule positions (``screener.contract.checked``).
_RULE_FILE_CHECKS = ("screener.screening.engine_limits", "screener.screening.ruleset")


def default_rules_folder() -> Traversable:
    return resources.files("screener.rules")


def _hashed_files(manifest: Mapping[str, Any]) -> list[str]:
    """The files whose bytes make a folder's SHA-256, in the order they are hashed."""
    return ["ruleset.json", manifest["facts"], manifest["recommendation_texts"], *manifest["rule_files"], manifest["medications"]]


def _folder_digest(root: Folder, label: str) -> str:
    digest = hashlib.sha256()
    manifest_bytes = read_data_bytes(root.joinpath("ruleset.json"), f"{label}/ruleset.json")
    manifest = parse_data(manifest_bytes, f"{label}/ruleset.json")
    for name in _hashed_files(manifest):
        raw = manifest_bytes if name == "ruleset.json" else read_data_bytes(root.joinpath(name), f"{label}/{name}")
        digest.update(name.encode() + b"\0" + raw + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def shipped_sha256() -> str:
    """The SHA-256 of the rules shipped with mgk-screen: a folder with another is custom rules,
    and every result, page, report and card made with it says so."""
    return _folder_digest(default_rules_folder(), "rules")


class _FolderReader:
    """Reads the files of one rule folder, hashing their bytes, and keeps the problems of its rule
    files to tell them together with those of the checks that follow (``check``)."""

    def __init__(self, root: Folder, label: str) -> None:
        self.root, self.label = root, label
        self.digest = hashlib.sha256()
        self.problems: list[str] = []  # in the rule files: told with the checks of the rules that are sound
        self.hints: list[str] = []
        self.refused: list[tuple[str, Any]] = []  # (file, rule) of the rules the schema refused

    def read(self, name: str, schema: str) -> Any:
        source = f"{self.label}/{name}"
        needed = "a rule folder needs ruleset.json" if name == "ruleset.json" else (
            f"ruleset.json lists {name}: copy it back from the shipped rules/ (or remove it from ruleset.json)"
        )
        raw = read_data_bytes(self.root.joinpath(name), source, hint=needed)
        self.digest.update(name.encode() + b"\0" + raw + b"\0")
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
                lines, faulty, hint = _rule_file_problems(data, source)
                if lines:
                    return self._without_faulty(data, source, lines, faulty, hint)
            else:
                check_data_file(data, schema, source)
            checked.remember()
        return data

    def _without_faulty(self, data: Any, source: str, lines: list[str], faulty: set[int], hint: str) -> Any:
        self.problems.extend(lines)
        self.hints.append(hint)
        listed = data.get("rules", []) if isinstance(data, dict) else []
        listed = listed if isinstance(listed, list) else []
        self.refused.extend((source, rule) for index, rule in enumerate(listed) if index in faulty)
        kept = [rule for index, rule in enumerate(listed) if index not in faulty]
        return {**data, "rules": kept} if isinstance(data, dict) else {"rules": []}

    def read_rules(self, name: str) -> Any:
        """A rule file; one that cannot be read or parsed is told with the others' problems."""
        try:
            return self.read(name, "rules.schema.json")
        except RulesError as error:
            self.problems.append(error.message)
            self.hints.append(error.hint or "fix the file, then run `mgk-screen rules check`")
            return {"rules": []}

    def check(self, ruleset: Ruleset) -> None:
        """The checks of the rules that are sound, told with the rule files' own problems."""
        problems, hints = list(self.problems), list(self.hints)
        for source, raw_rule in self.refused:
            problems.extend(faulty_rule_problems(raw_rule, source, ruleset))
        try:
            check_consistency(ruleset, self.label)
        except RulesError as error:
            if not problems:
                raise
            problems.extend(error.message.splitlines())
            hints.append(error.hint or "")
        if problems:
            raise RulesError("\n".join(problems), hint="; ".join(dict.fromkeys(hint for hint in hints if hint)))


def load_ruleset(folder: str | Path | None = None, *, engine_limits: bool = True) -> Ruleset:
    """Load and check a rule folder (the shipped one when ``folder`` is None).

    ``engine_limits=False`` leaves out the check against the engine's limits (``engine_limits``),
    for ``rules check`` to try the engine itself, in a child process.
    """
    root: Folder = default_rules_folder() if folder is None else Path(folder)
    if isinstance(root, Path) and not root.is_dir():
        raise RulesError(f"{root}: not a folder of rule files", hint="--rules takes a folder holding ruleset.json")
    label = "rules" if folder is None else str(folder)
    reader = _FolderReader(root, label)
    read, read_rules, digest = reader.read, reader.read_rules, reader.digest

    manifest = read("ruleset.json", "ruleset.schema.json")
    facts_data = read(manifest["facts"], "facts.schema.json")
    texts_data = read(manifest["recommendation_texts"], "recommendations.schema.json")
    rule_files = [(name, read_rules(name)) for name in manifest["rule_files"]]
    vocabulary_source = f"{label}/{manifest['medications']}"
    vocabulary_bytes = read_data_bytes(root.joinpath(manifest["medications"]), vocabulary_source)
    digest.update(manifest["medications"].encode() + b"\0" + vocabulary_bytes + b"\0")
    sha256 = digest.hexdigest()
    vocabulary = Vocabulary.from_bytes(vocabulary_bytes, vocabulary_source)

    named_wrongly = name_problems(facts_data, manifest, label)
    if named_wrongly:
        raise RulesError("\n".join(named_wrongly), hint="rename the facts in facts.json or ruleset.json")
    scales = {
        name: Scale(name, spec["label"], tuple(spec["values"])) for name, spec in manifest["scales"].items()
    }
    facts = _fact_catalogue(facts_data, manifest, scales, vocabulary, label)
    check_text_slots(texts_data["recommendations"], f"{label}/{manifest['recommendation_texts']}")
    texts: dict[str, str] = {}
    parent_texts: dict[str, str] = {}
    order: list[str] = []
    for entry in texts_data["recommendations"]:
        key = entry["code"] + (f":{entry['variant']}" if "variant" in entry else "")
        texts[key] = entry["text"]
        if entry["code"] not in order:
            order.append(entry["code"])
        if "to_parent" in entry:
            parent_texts[key] = entry["to_parent"]

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
                    engine_order=tuple(raw_rule.get("engine_order", ())),
                )
            )
    ruleset = Ruleset(
        name=manifest["name"],
        version=manifest["version"],
        sha256=sha256,
        shipped=folder is None or sha256 == shipped_sha256(),
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
    reader.check(ruleset)
    check_parent_wording(ruleset, f"{label}/{manifest['recommendation_texts']}")
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




def _rule_file_problems(data: Any, source: str) -> tuple[list[str], set[int], str]:
    """What the schema finds wrong in a rule file, each faulty rule named by its id rather than its
    position; the positions of the rules at fault (left out, so that the checks of the others
    still run and every problem of a folder is told at once); a hint for these problems.

    A comparison with an unknown operator (``{"fact": ..., "le": 3.0}``) is told as that, with the
    nearest operator, rather than as the schema sees it (an object that fits no kind of condition)."""
    rules = data.get("rules") if isinstance(data, dict) else None
    lines: list[str] = []
    operators = [(f"$.rules[{index}].when{path}", key) for index, rule in enumerate(rules or []) if isinstance(rule, dict)
                 for path, key in _unknown_operators(rule.get("when"), "")]
    for path, key in operators:
        where, field = _rule_position(path, rules)
        lines.append(
            f"{source}: {where}, field {field!r}: unknown operator {key!r}{did_you_mean(key, OPERATORS) or ''}"
            f" (a comparison is \"fact\" and one of {', '.join(OPERATORS)})"
        )
    told = [path for path, _ in operators]
    paths = list(told)
    missing_fields = False
    for problem in schema_problems(validator_for("rules.schema.json"), data):
        if any(problem.path == path or problem.path.startswith((f"{path}.", f"{path}[")) for path in told):
            continue
        missing_fields = missing_fields or "required" in problem.message
        paths.append(problem.path)
        where, field = _rule_position(problem.path, rules)
        lines.append(f"{source}: {where}{f', field {field!r}' if field else ''}: {problem.message}")
    positions = [re.match(r"^\$\.rules\[(\d+)\]", path) for path in paths]
    if all(positions):
        faulty = {int(match.group(1)) for match in positions if match}
    else:  # the file itself is at fault (no "rules" list, an unknown top-level field): none of it is read
        faulty = set(range(len(rules))) if isinstance(rules, list) else set()
    hint = (
        "each rule needs id, step, title, rationale, mechanism, sources, when, then"
        if missing_fields
        else "README, \"Changing the rules (for teachers)\", shows the form of a rule; then run `mgk-screen rules check --rules DIR`"
    )
    return lines, faulty, hint


def _unknown_operators(condition: Any, path: str) -> list[tuple[str, str]]:
    """(JSON path, key) of each comparison that names a fact and a key that is no operator."""
    if not isinstance(condition, dict):
        return []
    found: list[tuple[str, str]] = []
    for name in ("all", "any"):
        parts = condition.get(name)
        if isinstance(parts, list):
            for index, part in enumerate(parts):
                found += _unknown_operators(part, f"{path}.{name}[{index}]")
    if "fact" in condition:
        found += [(path, key) for key in condition if key != "fact" and key not in OPERATORS]
    return found


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
        if near_miss_of and not name.startswith(NAME_NOT_READ_FACTS):
            raise RulesError(
                f"{label}/facts.json: input fact '{name}', field 'near_miss_of': a fact about a name not read is named "
                f"'{NAME_NOT_READ_FACTS}...'",
                hint=f"rename it '{NAME_NOT_READ_FACTS}{name}': advice names the person's entry for such facts by that prefix",
            )
        if spec.get("also_with_no_close_name") and not near_miss_of:
            raise RulesError(
                f"{label}/facts.json: input fact '{name}', field 'also_with_no_close_name': given without 'near_miss_of'",
                hint="name the medicine classes the fact is about in 'near_miss_of', or leave the field out",
            )
        facts[name] = Fact(
            name, spec["label"], spec["type"], spec.get("unit"), values, near_miss_of=near_miss_of,
            also_with_no_close_name=spec.get("also_with_no_close_name", False),
        )
    for group, spec in data["flags"].items():
        for code, code_label in spec["codes"].items():
            facts[f"{group}.{code}"] = Fact(f"{group}.{code}", f"{spec['label']}: {code_label}", "boolean", code_label=code_label)
    for drug_class in sorted(vocabulary.class_names):
        name = f"medication_class.{drug_class}"
        words = vocabulary.class_labels.get(drug_class, f"medicine of class {drug_class.replace('_', ' ')}")
        facts[name] = Fact(name, words, "boolean")
    for name, spec in data["derived"].items():
        facts[name] = Fact(name, spec["label"], "boolean", origin="derived", as_a_reason=spec.get("as_a_reason", ""))
    for tally, spec in manifest["tallies"].items():
        facts[f"count.{tally}"] = Fact(f"count.{tally}", f"number of {spec['label']}", "integer", origin="count")
    for scale in scales.values():
        facts[scale.name] = Fact(scale.name, scale.label, "text", values=scale.values, origin="level")
    return facts
