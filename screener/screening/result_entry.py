"""A screening's result entry, made from what the chain of steps concluded.

The entry is plain JSON-ready data in the shape of the contract's ``ScreeningResult`` (what batch
mode writes), built without the model: the headline and urgency in words (a parent's wording for a
child under 12), the findings (full, lean or none), what would raise the headline, the risk
factors, the medicines and lab results as read, and each recommendation's text with its slots
filled from the person's own answers (``_grounds``).

Batch mode makes one for every record, so what does not depend on the answers is worked out once
(``EntryMaker.__init__``), and each rule's evidence is read at most once per entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from screener.contract.answers import Answers
from screener.contract.coverage import MEDICINE_FACTS, SlotValues, needs_grounds, with_slots_filled
from screener.screening.evidence_reading import Evidence
from screener.screening.findings import Detail, FindingCatalogue
from screener.screening.next_level import NextLevel
from screener.screening.normalise import Normalised
from screener.screening.ruleset import Ruleset


@dataclass
class Conclusions:
    """What the rules that fired concluded, merged step by step (``Screener._merge``)."""

    evidence: dict[str, set[str]] = field(default_factory=dict)  # code -> groups
    # (the rank of the rule raising it, red flag): a result lists each code once, in rule order
    red_flags: list[tuple[int, str]] = field(default_factory=list)
    recommendations: dict[str, str] = field(default_factory=dict)  # code -> text key
    recommended_by: dict[str, str] = field(default_factory=dict)  # code -> the rule whose text key won
    fired_rules: set[str] = field(default_factory=set)  # every rule that fired (for a text's slots)
    warnings: list[str] = field(default_factory=list)
    fired: dict[str, Evidence] = field(default_factory=dict)  # rule id -> its evidence (when explained)
    caps: list[str] = field(default_factory=list)  # the rules that capped a level, as they fired


class EntryMaker:
    """Makes result entries for one ruleset; build once, use for many records."""

    def __init__(self, ruleset: Ruleset, findings: FindingCatalogue, next_level: NextLevel, step_rank: Mapping[str, int]) -> None:
        self.ruleset = ruleset
        self.findings = findings
        self.next_level = next_level
        self._ruleset_info = {"name": ruleset.name, "version": ruleset.version, "sha256": ruleset.sha256}
        if ruleset.custom_folder is not None:
            self._ruleset_info["custom_folder"] = ruleset.custom_folder
        # Findings in reading order: red flags first, then by step, then by rule id.
        order = sorted(ruleset.rules, key=lambda rule: (not rule.is_red_flag, step_rank[rule.step], rule.id))
        self._finding_rank = {rule.id: rank for rank, rule in enumerate(order)}
        self._recommendation_rank = {code: rank for rank, code in enumerate(ruleset.recommendation_order)}
        self._risk_group = {group: bool(spec["risk_factor"]) for group, spec in ruleset.evidence_groups.items()}
        self._asserted_by: dict[str, list[str]] = {}  # a derived fact -> the rules asserting it
        for rule in ruleset.rules:
            for name in rule.then.get("assert", ()):
                self._asserted_by.setdefault(name, []).append(rule.id)
        # Whether a text (the same few hundred for everyone) has slots filled from the grounds.
        self._needs_grounds: dict[str, bool] = {}

    def entry(
        self,
        answers: Answers,
        normalised: Normalised,
        facts: dict[str, Any],
        conclusions: Conclusions,
        source: str | None,
        position: int,
        detail: Detail,
    ) -> dict[str, Any]:
        ruleset = self.ruleset
        urgency = facts["urgency"]
        risk_group = self._risk_group
        # A child under 12: the parent or carer answers, so the advice and the words around it speak to them
        to_parent = ruleset.parent_wording_fact is not None and facts.get(ruleset.parent_wording_fact) is True
        urgency_text = (ruleset.parent_urgency_text if to_parent else {}).get(urgency, ruleset.urgency_text[urgency])
        disclaimer = (ruleset.parent_disclaimer if to_parent else None) or ruleset.disclaimer
        consult = (ruleset.parent_consult_advice if to_parent else {}).get(urgency) or ruleset.consult_advice.get(urgency, "")
        entry: dict[str, Any] = {"status": "screened"}
        if detail == "lean":
            entry["detail"] = "lean"
        entry["id"] = answers.id if answers.id is not None else str(position)
        if source is not None:
            entry["source"] = source
            entry["position"] = position
        # The final facts read each rule's evidence the same way whichever text asks: read once.
        readings: dict[str, Evidence] = {}
        entry.update(
            combined_depletion=facts["combined_depletion"],
            magnesium_depletion=facts["magnesium_depletion"],
            potassium_depletion=facts["potassium_depletion"],
            urgency=urgency,
            urgency_text=urgency_text,
            consult_clinician=urgency != "none",
            red_flags=list(dict.fromkeys(code for _, code in sorted(conclusions.red_flags))),
            findings=self._findings(conclusions.fired, detail),
            next_level_missing=self.next_level.missing(facts, conclusions.caps),
            risk_factors=sorted(
                code for code, in_groups in conclusions.evidence.items() if any(risk_group[g] for g in in_groups)
            ),
            medications_recognised=[_medication(match) for match in normalised.medications],
            labs_used=[self._lab(lab, facts) for lab in normalised.labs_used],
            unanswered_sections=normalised.unanswered_sections,
            coverage=normalised.coverage,
            warnings=normalised.warnings + conclusions.warnings,
            recommendations=[
                {"code": code, "text": self._text(code, normalised, facts, conclusions, to_parent, readings)}
                for code in sorted(conclusions.recommendations, key=self._recommendation_rank.__getitem__)
            ],
            ruleset=dict(self._ruleset_info),
            disclaimer=disclaimer if urgency == "none" else f"{disclaimer} {consult}",
        )
        return entry

    def _text(
        self,
        code: str,
        normalised: Normalised,
        facts: Mapping[str, Any],
        conclusions: Conclusions,
        to_parent: bool,
        readings: dict[str, Evidence],
    ) -> str:
        """One recommendation's text for this person, its slots (if any) filled in: the parent's
        wording (``to_parent``) when the rules concluded the fact that asks for it (a child under
        12, for whom a parent or carer answers) and the text has one."""
        key = conclusions.recommendations[code]
        to_parent = to_parent and key in self.ruleset.parent_texts
        text = self.ruleset.parent_texts[key] if to_parent else self.ruleset.recommendation_texts[key]
        if "{" not in text:
            return text
        with_grounds = self._needs_grounds.get(text)
        if with_grounds is None:
            with_grounds = self._needs_grounds[text] = needs_grounds(text)
        grounds: tuple[tuple[str, str], ...] = ()
        if with_grounds:
            read = _Readings(self.findings.reading, facts, readings)
            # Advice naming a person's reasons (``{reasons_given}``) names a derived fact by its
            # words as a reason, when it has them, not by the answers it was derived from.
            as_reasons = "{reasons_given}" in text
            grounds = tuple(
                self._grounds(conclusions.recommended_by[code], normalised, read, conclusions.fired_rules, set(), as_reasons=as_reasons)
            )
        return with_slots_filled(text, SlotValues(tuple(normalised.unanswered_sections), grounds, to_parent))

    def _grounds(
        self, rule_id: str, normalised: Normalised, read: _Readings, fired: set[str], seen: set[str], *, as_reasons: bool = False
    ) -> list[tuple[str, str]]:
        """The person's own answers a rule that fired rests on, as (fact, words), in reading order:
        each fact of its evidence that holds (true); a fact asserted by rules stands for the grounds
        of those of them that fired (or for its own label, when they rest on no true fact: "age 65
        or over" for an age). With ``as_reasons``, a derived fact that has words as a reason
        (``Fact.as_a_reason``) is named once: by the person's medicine names among its grounds
        ("Slow-K", not also the supplement ticked), else by those words ("being 65 or over"). Facts only accumulate
        from step to step, so the final facts read each rule's evidence as its own step did."""
        grounds: list[tuple[str, str]] = []
        for item in read(rule_id):
            fact = item["fact"]
            if item["value"] is not True or fact in seen:
                continue
            seen.add(fact)
            asserted_by = [other for other in self._asserted_by.get(fact, ()) if other in fired]
            grounded = [other for other in asserted_by if any(item["value"] is True for item in read(other))]
            derived_from = [
                pair for other in grounded for pair in self._grounds(other, normalised, read, fired, seen, as_reasons=as_reasons)
            ]
            if as_reasons and (as_a_reason := self.ruleset.facts[fact].as_a_reason):
                # Said once: by the person's own medicine names among its grounds ("Slow-K", not
                # "prescribed potassium and Slow-K"), else by its words as a reason.
                own = [pair for pair in derived_from if pair[0].startswith(MEDICINE_FACTS)]
                grounds += own or [(fact, as_a_reason)]
            elif grounded:
                # Its own grounds stand for it, those listed already not listed again: a fact that
                # sums up answers already named ("more than one reason the body may keep potassium"
                # after "eplerenone, ramipril") adds nothing, not its label.
                grounds += derived_from
            else:
                grounds += [(fact, words) for words in self._fact_words(fact, normalised)]
        return grounds

    def _fact_words(self, fact: str, normalised: Normalised) -> list[str]:
        """A fact in a person's words: a medicine class as their own medicine names (in the
        alphabet's order, so that the order of the list given does not change the advice)."""
        group, _, drug_class = fact.partition(".")
        if group == "medication_class":
            names = {
                drug.matched_text for match in normalised.medications if match.counted for drug in match.drugs
                if drug.drug_class == drug_class
            }
            if names:
                return sorted(names, key=str.casefold)
        known = self.ruleset.facts[fact]
        if known.near_miss_of:
            close = self._entries_close_to(known.near_miss_of, normalised)
            if close:
                return close
        return [known.code_label or known.label]

    def _entries_close_to(self, classes: frozenset[str], normalised: Normalised) -> list[str]:
        """The person's entries not read whose name offered ("did you mean ...?") is of one of
        ``classes``, each with that name: "'digoxine' is digoxin" (as normalise sets the fact: not
        a class already read in the same entry)."""
        vocabulary = self.ruleset.vocabulary
        said: dict[str, None] = {}
        for match in normalised.medications:
            if not match.unrecognised:
                continue
            read = {drug.drug_class for drug in match.drugs}
            for correction in vocabulary.corrections(match.text):
                for name in () if correction.check_label else correction.names:
                    if (set(vocabulary.match(name).classes) - read) & classes:
                        said[f"'{correction.written}' is {name}"] = None
        return list(said)

    def _findings(self, fired: dict[str, Evidence], detail: Detail) -> list[dict[str, Any]]:
        if detail == "none" or not fired:
            return []
        order = sorted(fired, key=self._finding_rank.__getitem__)
        if detail == "lean":
            return [{"rule": rule_id, "evidence": fired[rule_id]} for rule_id in order]
        full = self.findings.full
        return [full(rule_id, fired[rule_id]) for rule_id in order]

    def _lab(self, lab: dict[str, Any], facts: Mapping[str, Any]) -> dict[str, Any]:
        # Whether a result is usable is the rules' decision, asserted as "<lab>_result_not_used" (too
        # old) or "<lab>_bound_not_used" (given as below or above a number that does not place it).
        for not_used in (f"{lab['lab']}_result_not_used", f"{lab['lab']}_bound_not_used"):
            if facts.get(not_used) is True:
                return {**lab, "used": False, "reason": self.ruleset.facts[not_used].label}
        return {**lab, "used": True}


class _Readings:
    """Each rule's evidence read from one entry's final facts, each rule at most once."""

    __slots__ = ("_facts", "_read", "_reading")

    def __init__(self, reading: Mapping[str, Callable[[Mapping[str, Any]], Evidence]], facts: Mapping[str, Any], read: dict[str, Evidence]) -> None:
        self._reading = reading
        self._facts = facts
        self._read = read

    def __call__(self, rule_id: str) -> Evidence:
        evidence = self._read.get(rule_id)
        if evidence is None:
            evidence = self._read[rule_id] = self._reading[rule_id](self._facts)
        return evidence


def _medication(match: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"input": match.text, "matches": list(map(_drug, match.drugs)), "counted": match.counted}
    if match.note:
        entry["note"] = match.note
    entry["unrecognised"] = list(match.unrecognised)
    return entry


def _drug(drug: Any) -> dict[str, Any]:
    found = {"generic": drug.generic, "drug_class": drug.drug_class, "matched_text": drug.matched_text}
    if drug.via_product:
        found["via_product"] = drug.via_product
    if drug.other_name:
        found["other_name"] = drug.other_name
    return found
