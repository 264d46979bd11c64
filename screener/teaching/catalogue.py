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
    step_number: int  # 1-based, as `demo` and `explain` number the steps
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
    red_flag: bool = False  # names a red flag, which every result shows first
    fact_labels: tuple[tuple[str, str], ...] = ()  # fact -> its label, for the facts in uses and feeds
    notes: str = ""  # for maintainers: how it is written for the engine, departures from the spec

    def label(self, fact: str) -> str:
        """A fact of ``uses`` or ``feeds`` in words ("number of both-loss risk factors")."""
        return dict(self.fact_labels).get(fact, fact)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["fact_labels"]
        data["condition"] = [{"depth": depth, "text": text} for depth, text in self.condition]
        data["sources"] = [{"id": key, "reference": text} for key, text in self.sources]
        data["uses"] = [{"fact": fact, "label": self.label(fact), "from_rules": list(rules)} for fact, rules in self.uses]
        data["feeds"] = [{"fact": fact, "label": self.label(fact), "to_rules": list(rules)} for fact, rules in self.feeds]
        return data

    def searchable(self) -> str:
        """Everything a reader sees of the rule, lower case, underscores as spaces."""
        texts = [self.id, self.title, self.step_label, self.rationale, self.mechanism, self.conclusion, self.notes]
        texts += [text for _, text in self.condition]
        return _as_words(" ".join(texts))


def catalogue(
    screener: Screener, step: str | None = None, *, search: str | None = None, red_flags: bool = False
) -> list[RuleEntry]:
    """Every rule in step order; only one step's (by name or number), only those whose text holds
    every word of ``search``, or only the red flags, when asked."""
    ruleset = screener.ruleset
    wanted = None if step is None else step_id(ruleset, step)
    words = _as_words(search or "").split()
    producers, consumers = produced_by(ruleset), consumed_by(ruleset)
    entries = [
        _entry(screener, rule, producers, consumers)
        for rule in rules_in_step_order(ruleset)
        if wanted is None or rule.step == wanted
    ]
    return [
        entry
        for entry in entries
        if (not red_flags or entry.red_flag) and all(word in entry.searchable() for word in words)
    ]


def step_id(ruleset: Ruleset, step: str) -> str:
    """A step by its name (``urgency``) or its number as `demo` and `explain` show it (``7``)."""
    names = list(ruleset.step_ids)
    given = step.strip()
    if given.isdigit() and 1 <= int(given) <= len(names):
        return names[int(given) - 1]
    if given.lower() in names:
        return given.lower()
    raise TeachingError(
        f"unknown step '{step}'{suggest(given.lower(), names)}",
        hint=f"a step is a number from 1 to {len(names)}, or a name: " + ", ".join(names),
    )


def rule_entry(screener: Screener, rule_id: str) -> RuleEntry:
    """One rule by id (any case; spaces or hyphens for underscores), with "did you mean" for an
    unknown id, also from the words of rule titles ("Loop diuretic" -> rf_loop_diuretic)."""
    ruleset = screener.ruleset
    ids = [rule.id for rule in ruleset.rules]
    normalised = "_".join(_as_words(rule_id).replace("-", " ").split())
    if normalised not in ids:
        wanted = _as_words(rule_id).split()
        titled = [rule.id for rule in ruleset.rules if _as_words(rule.title).split() == wanted]
        by_title = [rule.id for rule in ruleset.rules if wanted and all(word in _as_words(rule.title) for word in wanted)]
        hint = "`mgk-screen rules list` shows every rule id; `mgk-screen rules list --search WORD` finds rules by a word"
        # Words of a title say more than a near spelling of an id: those rules come first.
        first = list(dict.fromkeys([*titled, *by_title]))
        raise TeachingError(f"unknown rule '{rule_id}'{suggest(normalised, ids, first=first)}", hint=hint)
    return _entry(screener, ruleset.rule(normalised), produced_by(ruleset), consumed_by(ruleset))


def _as_words(text: str) -> str:
    return text.lower().replace("_", " ")


def rules_in_step_order(ruleset: Ruleset) -> list[Rule]:
    rank = {step: index for index, step in enumerate(ruleset.step_ids)}
    return sorted(ruleset.rules, key=lambda rule: rank[rule.step])  # stable: file order within a step


def _entry(screener: Screener, rule: Rule, producers: Mapping[str, list[str]], consumers: Mapping[str, list[str]]) -> RuleEntry:
    ruleset = screener.ruleset
    used = list(dict.fromkeys(leaf.fact for leaf in leaves(rule.when)))
    feeds = tuple((fact, tuple(consumers[fact])) for fact in facts_produced(rule, ruleset) if consumers.get(fact))
    uses = tuple((fact, tuple(producers[fact])) for fact in used if producers.get(fact))
    return RuleEntry(
        id=rule.id,
        step=rule.step,
        step_label=dict(ruleset.steps)[rule.step],
        step_number=ruleset.step_ids.index(rule.step) + 1,
        title=rule.title,
        rationale=rule.rationale,
        mechanism=rule.mechanism,
        condition=tuple(condition_lines(rule.when, ruleset)),
        conclusion=screener.describe_conclusion(rule),
        sources=tuple((source, ruleset.sources[source]) for source in rule.sources),
        team_judgement=rule.team_judgement,
        file=rule.file,
        uses=uses,
        feeds=feeds,
        red_flag="red_flag" in rule.then,
        fact_labels=tuple((fact, ruleset.facts[fact].label) for fact, _ in (*uses, *feeds)),
        notes=rule.notes,
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
