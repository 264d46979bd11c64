"""What a loaded rule folder holds: its facts, rules and scales, and the ``Ruleset`` around them.

``load_ruleset`` (``screener.screening.ruleset``) reads and checks the folder and builds these;
everything after it reads them: the steps in chain order, each step's rules, and each rule as the
engine gets it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from screener.contract.result import rules_in_words
from screener.screening.conditions import AllOf, Condition, compile_condition
from screener.screening.medications import Vocabulary


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
    also_with_no_close_name: bool = False
    """With ``near_miss_of``: also set when a medicine name matched nothing and no name is close to
    it (it may be any medicine, one of those classes among them)."""
    code_label: str = ""
    """For one code of a group ("symptoms.fainting"), the code's own words ("fainting"), without
    the group's label that ``label`` begins with; empty for any other fact."""
    as_a_reason: str = ""
    """For a derived fact, how advice naming a person's reasons (``{reasons_given}``) names it once:
    by the person's medicine names among the answers it was derived from, else by these words;
    empty: by all those answers."""


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
    engine_order: tuple[int, ...] = ()
    """The order in which the engine tests the parts of the top-level "all" (positions from 0);
    empty: as written. Only the engine's network changes (its room), never what the rule decides."""
    condition: Condition = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "condition", compile_condition(self.when))

    @property
    def engine_condition(self) -> Condition:
        """The condition as the engine tests it: the parts of its "all" in ``engine_order``
        (a conjunction holds whatever the order of its parts). An order that is not one of the
        parts' positions, each once, is reported by the ruleset checks; it is not applied."""
        condition = self.condition
        order = self.engine_order
        if not order or not isinstance(condition, AllOf) or sorted(order) != list(range(len(condition.parts))):
            return condition
        return AllOf(tuple(condition.parts[position] for position in order))

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
    shipped: bool = True
    """Whether these are the rules shipped with mgk-screen (the folder's SHA-256 is theirs): when
    not, every result, page, report and card says "custom rules from FOLDER"."""
    _rules_by_id: dict[str, Rule] = field(default_factory=dict, repr=False)

    @property
    def custom_folder(self) -> str | None:
        """The folder of custom rules (an edited copy of ``rules/``); None for the shipped rules."""
        return None if self.shipped else self.folder

    @property
    def in_words(self) -> str:
        """Which rules these are, as every door names them (``rules_in_words``)."""
        return rules_in_words(self.name, self.version, self.custom_folder)

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
    def unread_name_facts(self) -> tuple[str, ...]:
        """The facts also set by a medicine name that matched nothing with no name close to it
        (facts.json ``also_with_no_close_name``)."""
        return tuple(fact.name for fact in self.facts.values() if fact.near_miss_of and fact.also_with_no_close_name)

    @cached_property
    def engine_patterns(self) -> dict[str, dict[str, Any]]:
        """Each rule as the engine gets it: one pattern over one fact, testing its step first."""
        return {rule.id: {"$and": [{"step": rule.step}, rule.engine_condition.to_durable()]} for rule in self.rules}

    @cached_property
    def engine(self) -> Any:
        """The compiled rules inside the engine (built on first use, not at import or load).

        Shared: every ruleset with the same compiled rules in this process uses one engine (see
        ``engine.shared_engine``), so that making a ``Screener`` again costs no engine memory.
        """
        from screener.screening.engine import shared_engine

        return shared_engine(self.engine_patterns, self.step_ids)
