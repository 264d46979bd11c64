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

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

from screener.errors import InputError
from screener.screening.evidence_reading import Evidence, Reading, compile_reading
from screener.screening.ruleset import Rule, Ruleset

Detail = Literal["full", "lean", "none"]
"""How much of each finding an entry carries: ``full``; ``lean`` (what varies per person); or
``none``, no findings at all (for outputs that carry none: CSV, FHIR)."""

#: Fields of a finding that a lean entry leaves out (constants of the rules).
LEAN_FINDING_OMITS: Final = ("step", "title", "explanation", "mechanism", "conclusion", "sources", "red_flag")
#: Fields of a finding's evidence that a lean entry leaves out (constants of the facts).
LEAN_EVIDENCE_OMITS: Final = ("label",)


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
        self.reading: dict[str, Reading] = {
            rule.id: compile_reading(rule.condition, self._if_missing) for rule in ruleset.rules
        }
        """Per rule: its evidence against the facts of its step (what ``evidence`` calls)."""

    # -- evidence, while the rules run --------------------------------------------------------
    def evidence(self, rule_id: str, facts: Mapping[str, Any]) -> Evidence:
        """The evidence of a rule that fired against ``facts`` (the facts of its step)."""
        return self.reading[rule_id](facts)

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
        parts.append(f"counts {_evidence_words(ruleset, then['evidence']['code'])} as {groups}")
    parts += [f"{ruleset.scales[n].label}: at least {v}" for n, v in then.get("raise", {}).items()]
    parts += [f"{ruleset.scales[n].label}: at most {v}" for n, v in then.get("cap", {}).items()]
    if "red_flag" in then:
        parts.append(f"red flag: {then['red_flag'].replace('_', ' ')}")
    if "recommend" in then:
        parts.append(f"recommend: {then['recommend'].split(':')[0].replace('_', ' ')}")
    if "warn" in then:
        parts.append(f"warning: {then['warn']}")
    return "; ".join(parts)


def _evidence_words(ruleset: Ruleset, code: str) -> str:
    """An evidence code in words: the label of the fact it stands for (a derived fact, a symptom,
    a condition or a medicine class of that name), else the code with spaces."""
    for name in (code, f"symptoms.{code}", f"conditions.{code}", f"medication_class.{code}"):
        fact = ruleset.facts.get(name)
        if fact is not None:
            return fact.label.split(": ", 1)[-1] if "." in name else fact.label
    return code.replace("_", " ")


#: A lab fact of the evidence: the value in mmol/L, or a bound given instead of it.
_LAB_FACT = re.compile(r"labs\.(?P<lab>\w+)\.(?:(?P<side>below|above)_)?mmol_per_l")


def evidence_value(fact: str, value: Any, labs_used: Iterable[Any] = ()) -> str:
    """A fact's value as a finding's evidence shows it, the same at every door (terminal, report,
    web page): yes/no, words without underscores, a number with its unit. A lab result shows its
    unit, and the number as given when it was given in another unit ("0.49 mmol/L (1.2 mg/dL as
    given)"); a bound shows its side ("below 0.5 mmol/L"). ``labs_used``: the result's
    ``labs_used`` (models or plain dicts)."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    lab = _LAB_FACT.fullmatch(fact) if number else None
    if lab is None:
        return str(value).replace("_", " ")
    side = lab["side"]
    shown = f"{side + ' ' if side else ''}{value:g} mmol/L"
    for used in labs_used:
        item = used if isinstance(used, Mapping) else vars(used)
        given = item.get(side or "value")
        given_unit = str(item.get("unit") or "")
        if item.get("lab") == lab["lab"] and isinstance(given, (int, float)) and given_unit.lower() != "mmol/l":
            return f"{shown} ({given:g} {given_unit} as given)"
    return shown
