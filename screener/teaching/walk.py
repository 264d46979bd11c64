"""Teaching: personas, the rule trace as a walk and as a tree, the rule catalogue and its graph.

Everything here is read from the rule data and the engine's trace; nothing clinical is written
twice. A persona is an answers file in ``examples/personas`` with its story in a sidecar
``NAME.md`` (first line a title, then paragraphs). ``walk`` turns one screening into the steps a
teacher walks through; ``explanation_tree`` turns the same walk into a tree (answers → derived
facts → risk factors → levels → urgency), ending with "why not" for the headline.
``dependency_graph`` links the rules that produce a fact to the rules that test it, as text or
Mermaid. ``rules_markdown`` writes ``docs/rules.md`` so a clinician can review the whole logic
without running anything::

    python -m screener.teaching --write-docs    # regenerate docs/rules.md
    python -m screener.teaching --check-docs    # exit 1 when docs/rules.md is stale

Rendering for a terminal lives in ``screener.teaching_render``; this module returns plain data
and strings, so a notebook can use it directly.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screener.conditions import Leaf, leaves
from screener.errors import ExitCode, ScreenerError

if TYPE_CHECKING:
    from screener.result import LabUsed, MedicationRecognised, ScreeningResult
    from screener.ruleset import Rule, Ruleset
    from screener.screening import Screener, Screening

#: Where personas are looked for when no ``--examples DIR`` is given (source checkout or
#: editable install: ``examples/`` is not inside the package).
DEFAULT_PERSONAS = Path(__file__).resolve().parents[1] / "examples" / "personas"
#: The generated rule catalogue, checked in next to the code.
DOCS_PATH = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
DOCS_COMMAND = "python -m screener.teaching --write-docs"


class TeachingError(ScreenerError):
    """A persona or rule id that does not exist, or no personas to show."""

    exit_code = ExitCode.USAGE


# -- personas ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Persona:
    """One teaching case: an answers file and its story."""

    name: str
    title: str
    story: tuple[str, ...]  # paragraphs
    answers: dict[str, Any]
    path: Path


def personas_folder(examples: str | Path | None = None) -> Path:
    """The folder holding the personas: ``examples`` (or its ``personas/``), else the checkout's."""
    if examples is not None:
        folder = Path(examples)
        if (folder / "personas").is_dir():
            folder = folder / "personas"
        if not folder.is_dir():
            raise TeachingError(f"{examples}: not a folder", hint="--examples takes a folder of persona answers files")
        if not any(folder.glob("*.json")):
            raise TeachingError(f"{folder}: no persona answers files (*.json) in this folder")
        return folder
    if not DEFAULT_PERSONAS.is_dir() or not any(DEFAULT_PERSONAS.glob("*.json")):
        raise TeachingError(
            f"no personas found (looked in {DEFAULT_PERSONAS})",
            hint="the personas ship with the source, in examples/personas: point to them with --examples DIR",
        )
    return DEFAULT_PERSONAS


def list_personas(folder: Path) -> list[Persona]:
    """Every persona in the folder, by name."""
    return [_read_persona(path) for path in sorted(folder.glob("*.json"))]


def load_persona(name: str, folder: Path) -> Persona:
    """One persona by name (the file name without ``.json``), with "did you mean" when unknown."""
    name = name.removesuffix(".json")
    path = folder / f"{name}.json"
    if not path.is_file():
        names = [p.stem for p in sorted(folder.glob("*.json"))]
        raise TeachingError(
            f"no persona '{name}' in {folder}{_suggest(name, names)}",
            hint="`mgk-screen demo --list` lists the personas",
        )
    return _read_persona(path)


def _read_persona(path: Path) -> Persona:
    from screener.errors import InputError

    try:
        answers = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: cannot read the persona ({error})") from None
    if not isinstance(answers, dict):
        raise InputError(f"{path}: a persona is one answers object")
    title = path.stem.replace("-", " ").capitalize()
    story: tuple[str, ...] = ()
    sidecar = path.with_suffix(".md")
    if sidecar.is_file():
        title, story = _parse_story(sidecar.read_text(encoding="utf-8"), title)
    return Persona(path.stem, title, story, answers, path)


def _parse_story(text: str, default_title: str) -> tuple[str, tuple[str, ...]]:
    lines = text.strip().splitlines()
    if not lines:
        return default_title, ()
    title = lines[0].lstrip("#").strip() or default_title
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines[1:] + [""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return title, tuple(paragraphs)


# -- words ------------------------------------------------------------------------------------
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


# -- the walk through one screening ----------------------------------------------------------
@dataclass(frozen=True)
class AnswerLine:
    field: str
    text: str


@dataclass(frozen=True)
class Because:
    label: str
    value: str


@dataclass(frozen=True)
class FiredRule:
    id: str
    title: str
    conclusion: str
    because: tuple[Because, ...]
    red_flag: bool = False


@dataclass(frozen=True)
class StepView:
    number: int
    step: str
    label: str
    fired: tuple[FiredRule, ...]
    outcomes: tuple[str, ...]  # what is settled after this step, e.g. "magnesium depletion: possible"


@dataclass(frozen=True)
class Mechanism:
    titles: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Walk:
    """One screening as a teacher walks through it: answers, each step, mechanisms, result."""

    id: str
    answers: tuple[AnswerLine, ...]
    unanswered: tuple[str, ...]
    steps: tuple[StepView, ...]
    mechanisms: tuple[Mechanism, ...]
    headline: str  # e.g. "combined magnesium and potassium depletion: likely"
    next_level: str | None  # the headline level above this one, None at the top
    why_not: tuple[str, ...]
    result: ScreeningResult = field(repr=False)


def walk(screener: Screener, screening: Screening, answers: Mapping[str, Any]) -> Walk:
    """The walk through one screening, from the engine's trace and the result's findings."""
    ruleset, result = screener.ruleset, screening.result
    findings = {finding.rule: finding for finding in result.findings}
    settled = _settled_after(ruleset, screening.facts)
    steps = []
    for number, trace in enumerate(screening.trace, 1):
        fired = []
        for rule_id in dict.fromkeys(trace.fired):  # the engine may report a rule twice
            finding = findings[rule_id]
            fired.append(
                FiredRule(
                    id=rule_id,
                    title=finding.title,
                    conclusion=finding.conclusion,
                    because=tuple(dict.fromkeys(Because(e.label, words(e.value)) for e in finding.evidence)),
                    red_flag=finding.red_flag,
                )
            )
        steps.append(StepView(number, trace.step, trace.label, tuple(fired), tuple(settled.get(trace.step, ()))))
    scale = ruleset.scales[ruleset.headline]
    rank = scale.rank(getattr(result, ruleset.headline))
    return Walk(
        id=result.id,
        answers=tuple(answer_lines(answers, result)),
        unanswered=tuple(result.unanswered_sections),
        steps=tuple(steps),
        mechanisms=tuple(_mechanisms(ruleset, sorted((r for s in steps for r in s.fired), key=lambda r: not r.red_flag))),
        headline=f"{scale.label}: {getattr(result, ruleset.headline)}",
        next_level=scale.values[rank + 1] if rank + 1 < len(scale.values) else None,
        why_not=tuple(why_not(ruleset, result)),
        result=result,
    )


def why_not(ruleset: Ruleset, result: ScreeningResult) -> list[str]:
    """For the headline: what was missing to reach the next level, in words."""
    scale = ruleset.scales[ruleset.headline]
    level = getattr(result, ruleset.headline)
    if scale.rank(level) == len(scale.values) - 1:
        return [f"{scale.label} is already {level}, the highest level: nothing is missing."]
    if not result.next_level_missing:
        return [f"no further finding alone would raise {scale.label} above {level}."]
    return list(result.next_level_missing)


def _settled_after(ruleset: Ruleset, facts: Mapping[str, Any]) -> dict[str, list[str]]:
    """After which step each scale and the evidence counts take their final value."""
    rank = {step: index for index, step in enumerate(ruleset.step_ids)}
    last_step: dict[str, str] = {}
    for rule in ruleset.rules:
        changed = [*rule.then.get("raise", {}), *rule.then.get("cap", {}), *(["count"] if "evidence" in rule.then else [])]
        for name in changed:
            if name not in last_step or rank[rule.step] > rank[last_step[name]]:
                last_step[name] = rule.step
    settled: dict[str, list[str]] = {}
    for name, step in last_step.items():
        if name == "count":
            counted = [f"{ruleset.tallies[t]['label']} {n}" for t, n in facts.get("count", {}).items() if n]
            line = "evidence counted: " + ("; ".join(counted) if counted else "none")
        else:
            line = f"{ruleset.scales[name].label}: {facts[name]}"
        settled.setdefault(step, []).append(line)
    return settled


def _mechanisms(ruleset: Ruleset, fired: Sequence[FiredRule]) -> list[Mechanism]:
    """The physiology behind the key findings: evidence, levels and red flags, each text once."""
    by_text: dict[str, list[str]] = {}
    for item in fired:
        rule = ruleset.rule(item.id)
        then = rule.then
        key_finding = "evidence" in then or "red_flag" in then or any(
            name != "urgency" for name in (*then.get("raise", {}), *then.get("cap", {}))
        )
        if key_finding and item.title not in by_text.setdefault(rule.mechanism, []):
            by_text[rule.mechanism].append(item.title)
    return [Mechanism(tuple(titles), text) for text, titles in by_text.items() if titles]


def answer_lines(answers: Mapping[str, Any], result: ScreeningResult) -> list[AnswerLine]:
    """The answers as given, one line per field, medicines with what they were recognised as."""
    from screener.validation import load_schema

    order = list(load_schema("answers.schema.json")["properties"])
    recognised = {m.input: m for m in result.medications_recognised}
    lines: list[AnswerLine] = []
    for name in sorted(answers, key=lambda key: order.index(key) if key in order else len(order)):
        value = answers[name]
        if name == "id":
            continue
        if name == "medications" and isinstance(value, list):
            lines.append(AnswerLine(name, "; ".join(_medication_words(item, recognised.get(item)) for item in value) or "none"))
        else:
            lines += _flat_answers(name, value)
    used = {f"labs.{lab.lab}": _lab_use(lab) for lab in result.labs_used}  # after unit conversion
    return [AnswerLine(line.field, f"{line.text}; {used[line.field]}") if line.field in used else line for line in lines]


def _lab_use(lab: LabUsed) -> str:
    converted = f"{lab.mmol_per_l} mmol/L"
    if not lab.used:
        return f"{converted}, not used: {lab.reason}"
    return "used as given" if lab.unit == "mmol/L" else f"used as {converted}"


def _flat_answers(path: str, value: Any) -> list[AnswerLine]:
    """Nested answers as dotted paths, the names the rules test (``diarrhea.days: 15``)."""
    if isinstance(value, dict) and not ("value" in value and "unit" in value):
        return [line for key, item in value.items() for line in _flat_answers(f"{path}.{key}", item)]
    return [AnswerLine(path, _answer_words(value))]


def _medication_words(text: str, match: MedicationRecognised | None) -> str:
    if match is None:
        return text
    notes = [", ".join(f"{drug.generic}: {words(drug.drug_class)}" for drug in match.matches)] if match.matches else []
    if match.unrecognised:
        notes.append("not recognised: " + ", ".join(match.unrecognised))
    if not match.counted and match.note:
        notes.append(match.note)
    return f"{text} ({'; '.join(notes)})" if notes else text


def _answer_words(value: Any) -> str:
    """An answer as written in the file (codes keep their underscores), true/false as yes/no."""
    if isinstance(value, list):
        return ", ".join(_answer_words(item) for item in value) if value else "none"
    if isinstance(value, dict):  # a lab result
        taken = f", taken: {value['taken']}" if "taken" in value else ", taken: not given"
        return f"{_answer_words(value['value'])} {value['unit']}{taken}"
    if isinstance(value, bool):
        return words(value)
    return str(value)


# -- the tree ---------------------------------------------------------------------------------
@dataclass
class Node:
    """One line of the explanation tree."""

    label: str
    kind: str = "text"  # root | section | answer | rule | because | concludes | outcome | why_not | text
    children: list[Node] = field(default_factory=list)

    def add(self, label: str, kind: str = "text") -> Node:
        child = Node(label, kind)
        self.children.append(child)
        return child

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        """The tree as plain text with ASCII guides (for notebooks and logs)."""
        return [self.label, *self._child_lines("")]

    def _child_lines(self, prefix: str) -> list[str]:
        out = []
        for index, child in enumerate(self.children):
            last = index == len(self.children) - 1
            out.append(f"{prefix}{'`-- ' if last else '|-- '}{child.label}")
            out += child._child_lines(prefix + ("    " if last else "|   "))
        return out


def explanation_tree(walked: Walk) -> Node:
    """The walk as a tree: answers → each step's rules (because / concludes) → why not."""
    result = walked.result
    root = Node(f"{walked.headline} (how soon: {result.urgency} - {result.urgency_text})", "root")
    answers = root.add("Answers", "section")
    for line in walked.answers:
        answers.add(f"{line.field}: {line.text}", "answer")
    if walked.unanswered:
        answers.add("not answered (unknown, not 'no'): " + ", ".join(walked.unanswered), "answer")
    for step in walked.steps:
        section = root.add(f"{step.number}. {step.label}", "section")
        if not step.fired:
            section.add("no rule fired", "text")
        for rule in step.fired:
            node = section.add(f"{'RED FLAG: ' if rule.red_flag else ''}{rule.title} [{rule.id}]", "rule")
            for because in rule.because:
                node.add(f"because {because.label}: {because.value}", "because")
            node.add(f"concludes: {rule.conclusion}", "concludes")
        for outcome in step.outcomes:
            section.add(f"=> {outcome}", "outcome")
    why = root.add(f"Why not {walked.next_level}?" if walked.next_level else "Why not higher?", "section")
    for reason in walked.why_not:
        why.add(reason, "why_not")
    return root


# -- the rule catalogue -----------------------------------------------------------------------
@dataclass(frozen=True)
class RuleEntry:
    """One rule as a reviewer reads it."""

    id: str
    step: str
    step_label: str
    title: str
    rationale: str
    mechanism: str
    condition: tuple[tuple[int, str], ...]
    conclusion: str
    sources: tuple[tuple[str, str], ...]  # (id, full reference)
    team_judgement: bool
    file: str
    uses: tuple[tuple[str, tuple[str, ...]], ...]  # fact -> rules that produce it
    feeds: tuple[tuple[str, tuple[str, ...]], ...]  # fact -> rules that test it

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["condition"] = [{"depth": depth, "text": text} for depth, text in self.condition]
        data["sources"] = [{"id": key, "reference": text} for key, text in self.sources]
        data["uses"] = [{"fact": fact, "from_rules": list(rules)} for fact, rules in self.uses]
        data["feeds"] = [{"fact": fact, "to_rules": list(rules)} for fact, rules in self.feeds]
        return data


def catalogue(screener: Screener, step: str | None = None) -> list[RuleEntry]:
    """Every rule (of one step, when given), in step order."""
    ruleset = screener.ruleset
    if step is not None and step not in ruleset.step_ids:
        raise TeachingError(f"unknown step '{step}'{_suggest(step, ruleset.step_ids)}", hint="steps: " + ", ".join(ruleset.step_ids))
    producers, consumers = produced_by(ruleset), consumed_by(ruleset)
    return [
        _entry(screener, rule, producers, consumers)
        for rule in rules_in_step_order(ruleset)
        if step is None or rule.step == step
    ]


def rule_entry(screener: Screener, rule_id: str) -> RuleEntry:
    """One rule by id, with "did you mean" for an unknown id."""
    ruleset = screener.ruleset
    ids = [rule.id for rule in ruleset.rules]
    if rule_id not in ids:
        raise TeachingError(f"unknown rule '{rule_id}'{_suggest(rule_id, ids)}", hint="`mgk-screen rules list` shows every rule id")
    return _entry(screener, ruleset.rule(rule_id), produced_by(ruleset), consumed_by(ruleset))


def rules_in_step_order(ruleset: Ruleset) -> list[Rule]:
    rank = {step: index for index, step in enumerate(ruleset.step_ids)}
    return sorted(ruleset.rules, key=lambda rule: rank[rule.step])  # stable: file order within a step


def _entry(screener: Screener, rule: Rule, producers: Mapping[str, list[str]], consumers: Mapping[str, list[str]]) -> RuleEntry:
    ruleset = screener.ruleset
    used = list(dict.fromkeys(leaf.fact for leaf in leaves(rule.when)))
    return RuleEntry(
        id=rule.id,
        step=rule.step,
        step_label=dict(ruleset.steps)[rule.step],
        title=rule.title,
        rationale=rule.rationale,
        mechanism=rule.mechanism,
        condition=tuple(condition_lines(rule.when, ruleset)),
        conclusion=screener.describe_conclusion(rule),
        sources=tuple((source, ruleset.sources[source]) for source in rule.sources),
        team_judgement=rule.team_judgement,
        file=rule.file,
        uses=tuple((fact, tuple(producers[fact])) for fact in used if producers.get(fact)),
        feeds=tuple((fact, tuple(consumers[fact])) for fact in facts_produced(rule, ruleset) if consumers.get(fact)),
    )


def _suggest(word: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    close += [choice for choice in choices if word and word in choice and choice not in close][: 3 - len(close)]
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"


# -- the dependency graph ---------------------------------------------------------------------
def facts_produced(rule: Rule, ruleset: Ruleset) -> list[str]:
    """The facts a rule's conclusion sets: asserted facts, evidence counts, levels."""
    then = rule.then
    produced = list(then.get("assert", ()))
    if "evidence" in then:
        groups = set(then["evidence"]["groups"])
        produced += [f"count.{tally}" for tally, spec in ruleset.tallies.items() if groups.intersection(spec["groups"])]
    produced += [*then.get("raise", {}), *then.get("cap", {})]
    return list(dict.fromkeys(produced))


def produced_by(ruleset: Ruleset) -> dict[str, list[str]]:
    """Fact -> the rules that produce it, in step order."""
    producers: dict[str, list[str]] = {}
    for rule in rules_in_step_order(ruleset):
        for fact in facts_produced(rule, ruleset):
            producers.setdefault(fact, []).append(rule.id)
    return producers


def consumed_by(ruleset: Ruleset) -> dict[str, list[str]]:
    """Fact -> the rules whose condition tests it, in step order."""
    consumers: dict[str, list[str]] = {}
    for rule in rules_in_step_order(ruleset):
        for fact in dict.fromkeys(leaf.fact for leaf in leaves(rule.when)):
            consumers.setdefault(fact, []).append(rule.id)
    return consumers


@dataclass(frozen=True)
class FactLink:
    """A fact that rules produce, with the rules that make it and the rules that test it."""

    fact: str
    label: str
    producers: tuple[str, ...]
    consumers: tuple[str, ...]


@dataclass(frozen=True)
class Graph:
    links: tuple[FactLink, ...]  # produced by some rule and tested by another
    unused: tuple[FactLink, ...]  # produced, but no rule tests it (read by the result, or explanatory)
    rules: tuple[str, ...]  # the rules shown
    focus: str | None = None

    @property
    def edges(self) -> list[tuple[str, str, str]]:
        """(producer, fact, consumer) triples."""
        return [(p, link.fact, c) for link in self.links for p in link.producers for c in link.consumers]


def dependency_graph(ruleset: Ruleset, rule_id: str | None = None) -> Graph:
    """Which rules produce the facts that other rules consume (around one rule, when given)."""
    ids = [rule.id for rule in ruleset.rules]
    if rule_id is not None and rule_id not in ids:
        raise TeachingError(f"unknown rule '{rule_id}'{_suggest(rule_id, ids)}", hint="`mgk-screen rules list` shows every rule id")
    producers, consumers = produced_by(ruleset), consumed_by(ruleset)
    first_step = {rule.id: ruleset.step_ids.index(rule.step) for rule in ruleset.rules}
    ordered = sorted(producers, key=lambda fact: (min(first_step[r] for r in producers[fact]), fact))
    links: list[FactLink] = []
    unused: list[FactLink] = []
    for fact in ordered:
        link = FactLink(fact, ruleset.facts[fact].label, tuple(producers[fact]), tuple(consumers.get(fact, ())))
        if rule_id is not None:
            if rule_id in link.consumers:
                link = FactLink(link.fact, link.label, link.producers, (rule_id,))
            elif rule_id in link.producers:
                link = FactLink(link.fact, link.label, (rule_id,), link.consumers)
            else:
                continue
        (links if link.consumers else unused).append(link)
    if rule_id is None:
        shown = tuple(rule.id for rule in rules_in_step_order(ruleset))
    else:
        involved = {rule_id} | {r for link in links for r in (*link.producers, *link.consumers)}
        shown = tuple(rule.id for rule in rules_in_step_order(ruleset) if rule.id in involved)
    return Graph(tuple(links), tuple(unused), shown, rule_id)


def graph_text(graph: Graph, ruleset: Ruleset) -> str:
    """The graph as text: each fact, the rules that make it and the rules that use it."""
    about = f" around rule '{graph.focus}'" if graph.focus else ""
    out = [
        f"Rule dependencies{about}: which rules produce the facts that other rules use",
        f"({ruleset.name} {ruleset.version}; {len(graph.links)} facts link {len(graph.edges)} rule pairs)",
    ]
    for link in graph.links:
        out += ["", f"{link.fact}  ({link.label})", f"  made by: {', '.join(link.producers)}", f"  used by: {', '.join(link.consumers)}"]
    if graph.unused:
        out += ["", "Produced but tested by no rule (read by the result, or only explanatory):"]
        out += [f"  {link.fact}  ({link.label}), made by: {', '.join(link.producers)}" for link in graph.unused]
    return "\n".join(out) + "\n"


def graph_mermaid(graph: Graph, ruleset: Ruleset) -> str:
    """The graph as a Mermaid flowchart: rules (boxes) grouped by step, facts (rounded) between."""
    shown = set(graph.rules)
    out = ["flowchart LR"]
    for step, label in ruleset.steps:
        members = [rule_id for rule_id in graph.rules if ruleset.rule(rule_id).step == step]
        if not members:
            continue
        out.append(f'  subgraph step_{step}["{_mermaid_label(label)}"]')
        out += [f'    {_rule_node(rule_id)}["{rule_id}"]' for rule_id in members]
        out.append("  end")
    for link in graph.links:
        out.append(f'  {_fact_node(link.fact)}(["{_mermaid_label(link.label)}"])')
    for link in graph.links:
        out += [f"  {_rule_node(p)} --> {_fact_node(link.fact)}" for p in link.producers if p in shown]
        out += [f"  {_fact_node(link.fact)} --> {_rule_node(c)}" for c in link.consumers if c in shown]
    return "\n".join(out) + "\n"


def _rule_node(rule_id: str) -> str:
    return "r_" + rule_id


def _fact_node(fact: str) -> str:
    return "f_" + fact.replace(".", "__")


def _mermaid_label(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


# -- docs/rules.md ----------------------------------------------------------------------------
def rules_markdown(screener: Screener) -> str:
    """The whole rule catalogue as Markdown, for review without running anything."""
    ruleset = screener.ruleset
    entries = catalogue(screener)
    by_step: dict[str, list[RuleEntry]] = {}
    for entry in entries:
        by_step.setdefault(entry.step, []).append(entry)
    files = list(dict.fromkeys(rule.file for rule in ruleset.rules))
    md = [
        "# The screening rules",
        "",
        f"<!-- Generated from the rule files by `{DOCS_COMMAND}`. Do not edit by hand: edit rules/*.json,",
        "     then regenerate. A test fails when this file is stale. -->",
        "",
        f"- **Ruleset:** {ruleset.name}, version {ruleset.version}",
        f"- **SHA-256:** `{ruleset.sha256}`",
        f"- **Rules:** {len(ruleset.rules)}, in {', '.join(f'`{name}`' for name in files)}",
        "",
        ruleset.description,
        "",
        f"> {ruleset.disclaimer}",
        "",
        "## How to read this page",
        "",
        "The rules run in steps, in the order below; each step sees every conclusion of the steps before it.",
        "A rule fires when its condition holds. A missing answer means unknown, never \"no\": a condition on",
        "an answer holds only when it was answered, except \"not: X\", which holds when X is false or not",
        "known, and \"is not\", which includes \"not answered\". A derived fact that no rule asserted is false.",
        "Levels only go up (the highest conclusion wins), except where a rule caps them. Rules marked",
        "*team judgement* use a threshold chosen by the team rather than a published standard: they are",
        "listed first, as the first things a reviewer may want to change. `mgk-screen rules show ID` prints",
        "one rule; `mgk-screen rules graph --mermaid` draws which rules feed which.",
        "",
        "## Contents",
        "",
    ]
    for number, (step, label) in enumerate(ruleset.steps, 1):
        md.append(f"{number}. [{label}](#step-{step}) ({len(by_step.get(step, []))} rules)")
    md += ["", "## Team-judgement thresholds", "", "| rule | step | threshold |", "|---|---|---|"]
    for entry in entries:
        if entry.team_judgement:
            rule = ruleset.rule(entry.id)
            md.append(f"| [`{entry.id}`](#rule-{entry.id}) | {entry.step} | {_cell(condition_text(rule.when, ruleset))} |")
    md += ["", "## Evidence groups and counts", "", "Risk factors and symptoms are counted as distinct codes per group.", ""]
    md += ["| group | meaning | risk factor |", "|---|---|---|"]
    for group, spec in ruleset.evidence_groups.items():
        md.append(f"| `{group}` | {_cell(spec['label'])} | {'yes' if spec['risk_factor'] else 'no'} |")
    md += ["", "| count | counts distinct codes in |", "|---|---|"]
    for tally, spec in ruleset.tallies.items():
        md.append(f"| `count.{tally}` ({_cell(spec['label'])}) | {', '.join(f'`{g}`' for g in spec['groups'])} |")
    md += ["", "## Levels and urgency", "", "| scale | values, lowest first |", "|---|---|"]
    for scale in ruleset.scales.values():
        md.append(f"| `{scale.name}` ({scale.label}) | {', '.join(scale.values)} |")
    md += ["", "| urgency | meaning |", "|---|---|"]
    md += [f"| {level} | {_cell(text)} |" for level, text in ruleset.urgency_text.items()]
    for number, (step, label) in enumerate(ruleset.steps, 1):
        md += ["", f'<a id="step-{step}"></a>', "", f"## {number}. {label}", "", f"Step `{step}`."]
        for entry in by_step.get(step, []):
            md += ["", *_entry_markdown(entry)]
    md += ["", "## Sources", ""]
    md += [f"- `{key}`: {text}" for key, text in ruleset.sources.items()]
    return "\n".join(md) + "\n"


def _entry_markdown(entry: RuleEntry) -> list[str]:
    marker = " *(team judgement)*" if entry.team_judgement else ""
    md = [f'<a id="rule-{entry.id}"></a>', "", f"### `{entry.id}`: {entry.title}{marker}", ""]
    if len(entry.condition) == 1:
        md.append(f"- **When:** {entry.condition[0][1]}")
    else:
        md.append(f"- **When:** {entry.condition[0][1]}")
        md += [f"{'  ' * (depth + 1)}- {text}" for depth, text in entry.condition[1:]]
    md += [
        f"- **Then:** {entry.conclusion}",
        f"- **Why:** {entry.rationale}",
        f"- **Mechanism:** {entry.mechanism}",
    ]
    if entry.uses:
        md.append("- **Uses facts from:** " + "; ".join(f"`{fact}` ({', '.join(rules)})" for fact, rules in entry.uses))
    if entry.feeds:
        md.append("- **Feeds:** " + "; ".join(f"`{fact}` → {', '.join(rules)}" for fact, rules in entry.feeds))
    md.append("- **Sources:** " + ", ".join(f"`{key}`" for key, _ in entry.sources) + f" · file `{entry.file}`")
    return md


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def write_docs(path: Path = DOCS_PATH, screener: Screener | None = None) -> Path:
    """Regenerate ``docs/rules.md`` from the shipped rules."""
    from screener.screening import Screener

    text = rules_markdown(screener or Screener())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m screener.teaching --write-docs | --check-docs``."""
    import argparse

    from screener.screening import Screener

    parser = argparse.ArgumentParser(prog="python -m screener.teaching", description="Generate docs/rules.md from the rule files.")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write-docs", action="store_true", help=f"rewrite {DOCS_PATH}")
    action.add_argument("--check-docs", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args(argv)
    if args.write_docs:
        print(f"wrote {write_docs()}")
        return 0
    fresh = rules_markdown(Screener())
    current = DOCS_PATH.read_text(encoding="utf-8") if DOCS_PATH.is_file() else ""
    if current != fresh:
        print(f"{DOCS_PATH} is stale: run `{DOCS_COMMAND}`")
        return 1
    print(f"{DOCS_PATH} is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
