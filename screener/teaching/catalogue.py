"""The rule catalogue as a reviewer reads it, and the graph of which rules feed which.

``catalogue`` lists every rule with its condition in words, conclusion, rationale, mechanism and
sources; ``dependency_graph`` links the rules that produce a fact to the rules that test it, as
text or Mermaid.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from screener.screening.conditions import leaves

if TYPE_CHECKING:
    from screener.screening.pipeline import Screener
    from screener.screening.ruleset import Rule, Ruleset

from screener.teaching.words import TeachingError, condition_lines, suggest


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
        raise TeachingError(f"unknown step '{step}'{suggest(step, ruleset.step_ids)}", hint="steps: " + ", ".join(ruleset.step_ids))
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
        raise TeachingError(f"unknown rule '{rule_id}'{suggest(rule_id, ids)}", hint="`mgk-screen rules list` shows every rule id")
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
        raise TeachingError(f"unknown rule '{rule_id}'{suggest(rule_id, ids)}", hint="`mgk-screen rules list` shows every rule id")
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


def graph_text(graph: Graph, ruleset: Ruleset, width: int | None = None) -> str:
    """The graph as text: each fact, the rules that make it and the rules that use it. With
    ``width``, lines are wrapped between words (rule lists under their first rule)."""

    def line(text: str, indent: int = 0, hang: int = 0) -> str:
        if width is None:
            return " " * indent + text
        return textwrap.fill(
            text,
            max(width, indent + hang + 20),
            initial_indent=" " * indent,
            subsequent_indent=" " * (indent + hang),
            break_long_words=False,
            break_on_hyphens=False,
        )

    about = f" around rule '{graph.focus}'" if graph.focus else ""
    out = [
        line(f"Rule dependencies{about}: which rules produce the facts that other rules use"),
        line(f"({ruleset.name} {ruleset.version}; {len(graph.links)} facts link {len(graph.edges)} rule pairs)", hang=1),
    ]
    for link in graph.links:
        out += [
            "",
            line(f"{link.fact}  ({link.label})", hang=2),
            line(f"made by: {', '.join(link.producers)}", 2, 9),
            line(f"used by: {', '.join(link.consumers)}", 2, 9),
        ]
    if graph.unused:
        out += ["", line("Produced but tested by no rule (read by the result, or only explanatory):")]
        out += [line(f"{link.fact}  ({link.label}), made by: {', '.join(link.producers)}", 2, 2) for link in graph.unused]
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
