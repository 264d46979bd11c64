"""Findings: the rules that fired for one person, each with the answers that made it fire.

A finding has two kinds of fields. What varies from person to person: the rule's id and its
evidence (each fact that made it fire, with this person's value). What is the same for everyone
screened with the same rules: the rule's step, title, explanation, mechanism, its conclusion in
words, its sources, whether it is a red flag, and the label of each evidence fact.

A *full* finding carries both. A *lean* one (the default of ``mgk-screen batch``) carries only
the first kind: the rest is in the rules themselves (``mgk-screen rules show ID``), which the
entry names by their SHA-256, and ``FindingCatalogue.hydrate`` fills it back in, exactly as a full
entry would have it, from rules with that SHA-256.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, Literal, cast

from screener.errors import InputError
from screener.screening.conditions import MISSING, AnyOf, Condition, Leaf, value_getter, value_test
from screener.screening.ruleset import Rule, Ruleset

Detail = Literal["full", "lean", "none"]
"""How much of each finding an entry carries: ``full``; ``lean`` (what varies per person); or
``none``, no findings at all (for outputs that carry none: CSV, FHIR)."""

#: Fields of a finding that a lean entry leaves out (constants of the rules).
LEAN_FINDING_OMITS: Final = ("step", "title", "explanation", "mechanism", "conclusion", "sources", "red_flag")
#: Fields of a finding's evidence that a lean entry leaves out (constants of the facts).
LEAN_EVIDENCE_OMITS: Final = ("label",)

Shown = Callable[[Mapping[str, Any]], "list[tuple[str, Any]] | None"]
"""A condition read for the facts it shows as evidence (see ``_shown_by``)."""

Evidence = list[dict[str, Any]]
"""A finding's evidence as a lean entry has it: ``{"fact": name, "value": value shown}``, in
reading order."""

Reading = Callable[[Mapping[str, Any]], Evidence]
"""One rule's evidence read from the facts of its step."""


class FindingCatalogue:
    """Everything about the findings of one ruleset that does not depend on the answers."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self._static: dict[str, dict[str, Any]] = {rule.id: _static_fields(ruleset, rule) for rule in ruleset.rules}
        self._labels = {name: fact.label for name, fact in ruleset.facts.items()}
        # The value shown for a fact that has none: a derived fact never asserted is false; a
        # missing answer is unknown.
        self._if_missing = {
            name: "not answered" if fact.origin == "answers" and fact.type != "boolean" else False
            for name, fact in ruleset.facts.items()
        }
        # A rule without "any" shows every fact it tests (all held, since it fired), in reading
        # order: known before any answer is read, and so is the value of a fact it tests with
        # "is" true, false or a text (nothing else is the same as it) or with "present": false.
        # A rule with "any" shows the facts of the branches that held (``_shown_by``).
        self._fixed: dict[str, tuple[tuple[str, Any, Any], ...]] = {}
        self._constant: dict[str, tuple[dict[str, Any], ...]] = {}  # evidence known in full (copied)
        self._varying: dict[str, tuple[Shown, bool]] = {}  # (reading, whether each fact is tested once)
        for rule in ruleset.rules:
            if _has_any(rule.condition):
                facts = [leaf.fact for leaf in rule.condition.leaves()]
                self._varying[rule.id] = (_shown_by(rule.condition), len(set(facts)) == len(facts))
                continue
            tested = tuple(dict.fromkeys(leaf.fact for leaf in rule.condition.leaves()))
            known = _known_values(rule.condition, self._if_missing)
            if all(name in known for name in tested):
                self._constant[rule.id] = tuple({"fact": name, "value": known[name]} for name in tested)
                continue
            self._fixed[rule.id] = tuple(
                (name, None, known[name]) if name in known else (name, value_getter(name), self._if_missing[name])
                for name in tested
            )
        self.reading: dict[str, Reading] = {rule.id: self._reading(rule.id) for rule in ruleset.rules}
        """Per rule: its evidence against the facts of its step (what ``evidence`` calls)."""

    # -- evidence, while the rules run --------------------------------------------------------
    def evidence(self, rule_id: str, facts: Mapping[str, Any]) -> Evidence:
        """The evidence of a rule that fired against ``facts`` (the facts of its step)."""
        return self.reading[rule_id](facts)

    def _reading(self, rule_id: str) -> Reading:
        """How ``evidence`` reads one rule's evidence: one closure per rule, chosen once (the
        pipeline calls it for every rule that fires)."""
        constant = self._constant.get(rule_id)
        if constant is not None:
            pairs = tuple((item["fact"], item["value"]) for item in constant)
            # Fresh objects every time: the entry is the caller's.
            return lambda facts: [{"fact": name, "value": value} for name, value in pairs]
        fixed = self._fixed.get(rule_id)
        if fixed is not None:
            return lambda facts: [
                {"fact": name, "value": shown if get is None or (value := get(facts)) is MISSING else value}
                for name, get, shown in fixed
            ]
        shown_by, once = self._varying[rule_id]
        if_missing = self._if_missing
        if once:  # each fact tested once: nothing to leave out
            return lambda facts: [
                {"fact": name, "value": if_missing[name] if value is MISSING else value}
                for name, value in shown_by(facts) or ()
            ]

        def each_fact_once(facts: Mapping[str, Any]) -> Evidence:
            evidence: Evidence = []
            seen: set[str] = set()
            for name, value in shown_by(facts) or ():
                if name not in seen:  # a range tests one fact twice but shows one value
                    seen.add(name)
                    evidence.append({"fact": name, "value": if_missing[name] if value is MISSING else value})
            return evidence

        return each_fact_once

    # -- findings -----------------------------------------------------------------------------
    def full(self, rule_id: str, evidence: Evidence) -> dict[str, Any]:
        """A finding with every field (a fresh object each time: callers may change it)."""
        finding = dict(self._static[rule_id])
        finding["sources"] = list(finding["sources"])
        labels = self._labels
        finding["evidence"] = [{"fact": item["fact"], "label": labels[item["fact"]], "value": item["value"]} for item in evidence]
        return finding

    @staticmethod
    def lean(rule_id: str, evidence: Evidence) -> dict[str, Any]:
        """A finding with only what varies from person to person (``evidence`` is its own)."""
        return {"rule": rule_id, "evidence": evidence}

    def static(self, rule_id: str) -> Mapping[str, Any]:
        """The fields of a rule's findings that are the same for everyone (read only)."""
        return self._static[rule_id]

    # -- lean entries back to full ------------------------------------------------------------
    def hydrate(self, entry: Mapping[str, Any], source: str = "the input") -> dict[str, Any]:
        """A lean entry as the full entry it stands for (any other entry as it is).

        Raises ``InputError`` when the entry was screened with other rules (another SHA-256):
        their titles and explanations are not these rules'.
        """
        if entry.get("detail") != "lean":
            return dict(entry)
        ruleset = self.ruleset
        named = entry.get("ruleset")
        sha256 = named.get("sha256") if isinstance(named, Mapping) else None
        if sha256 != ruleset.sha256:
            raise InputError(
                f"{source}: a lean result (findings without their explanations) screened with other rules "
                f"({_describe_rules(named)}) than the ones loaded here ({ruleset.name} {ruleset.version}, "
                f"SHA-256 {ruleset.sha256[:12]}…): its findings cannot be explained with these",
                hint="give the rules it was screened with (--rules FOLDER), or screen the answers again "
                "(batch --detail full keeps the explanations in every entry)",
            )
        full = {key: value for key, value in entry.items() if key != "detail"}
        findings = entry.get("findings")
        if isinstance(findings, list):
            full["findings"] = [self._hydrated(finding, source) for finding in findings]
        return full

    def _hydrated(self, finding: Any, source: str) -> Any:
        rule_id = finding.get("rule") if isinstance(finding, Mapping) else None
        if not isinstance(rule_id, str) or rule_id not in self._static:
            raise InputError(f"{source}: a finding names rule {str(rule_id)[:80]!r}, which these rules do not have")
        evidence = finding.get("evidence")
        items = [item for item in evidence if isinstance(item, Mapping)] if isinstance(evidence, list) else []
        for item in items:
            name = item.get("fact")
            if not isinstance(name, str) or name not in self._labels:
                raise InputError(
                    f"{source}: the evidence of rule {rule_id!r} names fact {str(name)[:80]!r}, which these rules do not have"
                )
        return self.full(rule_id, [{"fact": item["fact"], "value": item.get("value")} for item in items])


def _shown_by(condition: Condition) -> Shown:
    """A condition read for its evidence: each leaf that held, with its fact's value, in reading
    order (the leaves of every branch of an "any" that held, all those of an "all"), or None
    when it does not hold. The same leaves as ``Condition.satisfied`` (tests/test_speedups.py),
    each fact looked up once."""
    if isinstance(condition, Leaf):
        fact, get, test = condition.fact, value_getter(condition.fact), value_test(condition)

        def leaf(facts: Mapping[str, Any]) -> list[tuple[str, Any]] | None:
            value = get(facts)
            return [(fact, value)] if test(value) else None

        return leaf
    if isinstance(condition, AnyOf) and all(isinstance(part, Leaf) for part in condition.parts):
        return _any_leaf(cast(tuple[Leaf, ...], condition.parts))
    parts = tuple(_shown_by(part) for part in condition.parts)
    if isinstance(condition, AnyOf):

        def any_part(facts: Mapping[str, Any]) -> list[tuple[str, Any]] | None:
            found = [pair for part in parts if (shown := part(facts)) is not None for pair in shown]
            return found if found else None

        return any_part

    def every_part(facts: Mapping[str, Any]) -> list[tuple[str, Any]] | None:
        found: list[tuple[str, Any]] = []
        for part in parts:
            shown = part(facts)
            if shown is None:
                return None
            found += shown
        return found

    return every_part


def _any_leaf(leaves: tuple[Leaf, ...]) -> Shown:
    """"Any" of leaves (most of them: any of several medicine classes, conditions or symptoms).
    Flags of one group tested true in a row ("medication_class.loop_diuretic" is true, ...) take
    one look at the group."""
    runs = [_flag_run(run) if _are_flags(run) else _leaf_run(run) for run in _runs(leaves)]
    if len(runs) == 1:
        only = runs[0]
        return lambda facts: only(facts) or None

    def any_leaf(facts: Mapping[str, Any]) -> list[tuple[str, Any]] | None:
        found = [pair for run in runs for pair in run(facts)]
        return found if found else None

    return any_leaf


Run = Callable[[Mapping[str, Any]], list[tuple[str, Any]]]


def _runs(leaves: tuple[Leaf, ...]) -> list[tuple[Leaf, ...]]:
    """The leaves in runs: consecutive flags of one group, or consecutive other leaves."""
    runs: list[list[Leaf]] = []
    for leaf in leaves:
        group = leaf.fact.rpartition(".")[0] if _are_flags((leaf,)) else None
        last = runs[-1] if runs else None
        if last is not None and (last[0].fact.rpartition(".")[0] if _are_flags((last[0],)) else None) == group:
            last.append(leaf)
        else:
            runs.append([leaf])
    return [tuple(run) for run in runs]


def _are_flags(leaves: tuple[Leaf, ...]) -> bool:
    """Leaves testing "group.flag" is true, all of one group."""
    return len({leaf.fact.rpartition(".")[0] for leaf in leaves}) == 1 and all(
        leaf.operator == "is" and leaf.value is True and leaf.fact.count(".") == 1 for leaf in leaves
    )


def _flag_run(leaves: tuple[Leaf, ...]) -> Run:
    group_name = leaves[0].fact.rpartition(".")[0]
    flags = tuple((leaf.fact.rpartition(".")[2], leaf.fact) for leaf in leaves)

    def flag_run(facts: Mapping[str, Any]) -> list[tuple[str, Any]]:
        group = facts.get(group_name)
        if not isinstance(group, dict) or not group:
            return []
        return [(fact, True) for flag, fact in flags if group.get(flag) is True]

    return flag_run


def _leaf_run(leaves: tuple[Leaf, ...]) -> Run:
    tests = tuple((leaf.fact, value_getter(leaf.fact), value_test(leaf)) for leaf in leaves)
    return lambda facts: [(fact, value) for fact, get, test in tests if test(value := get(facts))]


def _known_values(condition: Condition, if_missing: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of a condition without "any" whose value is known once it holds: tested with
    "is" true, false or a text (a number is not: 1.0 is 1), or absent ("present": false)."""
    known: dict[str, Any] = {}
    for leaf in condition.leaves():
        if leaf.operator == "is" and isinstance(leaf.value, (bool, str)):
            known.setdefault(leaf.fact, leaf.value)
        elif leaf.operator == "present" and leaf.value is False:
            known.setdefault(leaf.fact, if_missing[leaf.fact])
    return known


def _has_any(condition: Condition) -> bool:
    if isinstance(condition, AnyOf):
        return True
    return any(_has_any(part) for part in getattr(condition, "parts", ()))


def _describe_rules(named: Any) -> str:
    if not isinstance(named, Mapping):
        return "rules it does not name"
    sha256 = str(named.get("sha256", "?"))
    return f"{str(named.get('name', '?'))[:80]} {str(named.get('version', '?'))[:20]}, SHA-256 {sha256[:12]}…"


def _static_fields(ruleset: Ruleset, rule: Rule) -> dict[str, Any]:
    """The fields of a rule's findings that are the same for everyone, in the order full entries
    have always had them (evidence last)."""
    return {
        "rule": rule.id,
        "step": rule.step,
        "title": rule.title,
        "explanation": rule.rationale,
        "mechanism": rule.mechanism,
        "conclusion": describe_conclusion(ruleset, rule),
        "sources": tuple(ruleset.sources[source] for source in rule.sources),
        "red_flag": rule.is_red_flag,
    }


def describe_conclusion(ruleset: Ruleset, rule: Rule) -> str:
    """A rule's conclusion in words, e.g. "magnesium depletion: at least possible"."""
    then: dict[str, Any] = rule.then
    parts: list[str] = [ruleset.facts[name].label for name in then.get("assert", ())]
    if "evidence" in then:
        groups = ", ".join(ruleset.evidence_groups[g]["label"] for g in then["evidence"]["groups"])
        parts.append(f"counts {then['evidence']['code'].replace('_', ' ')} as {groups}")
    parts += [f"{ruleset.scales[n].label}: at least {v}" for n, v in then.get("raise", {}).items()]
    parts += [f"{ruleset.scales[n].label}: at most {v}" for n, v in then.get("cap", {}).items()]
    if "red_flag" in then:
        parts.append(f"red flag: {then['red_flag'].replace('_', ' ')}")
    if "recommend" in then:
        parts.append(f"recommend: {then['recommend'].split(':')[0].replace('_', ' ')}")
    if "warn" in then:
        parts.append(f"warning: {then['warn']}")
    return "; ".join(parts)
