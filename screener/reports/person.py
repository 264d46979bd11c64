"""One person's result, put into the words and order the person report shows it in.

``person_view`` turns a result (a dict in the shape of the result contract, read with defaults so
that results from older versions still render) and, when known, the answers that produced it
into a ``PersonView``: plain words only, red flags first. The templates in ``templates/result/``
show a ``PersonView``; the local web page reuses them for its result page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from screener.contract.coverage import missing_core_sections
from screener.contract.result import drug_name, rules_in_words
from screener.headline import (
    HIGH_POTASSIUM_ADVICE,
    NEXT_LEVEL_HEADING,
    NEXT_LEVEL_HIDDEN_AT,
    OLDER_LOW_ADVICE,
    Headline,
    listed_advice,
    recent_results,
)
from screener.reports.when import moment_iso, moment_text
from screener.reports.words import Words, answer_rows, given_number, plain, sentence

if TYPE_CHECKING:
    from screener.screening.ruleset import Ruleset

@dataclass(frozen=True)
class Evidence:
    label: str
    value: str


@dataclass(frozen=True)
class FindingView:
    rule: str
    title: str
    explanation: str
    mechanism: str
    """Empty when an earlier finding of the report already gave the same mechanism."""
    evidence: tuple[Evidence, ...]
    sources: tuple[str, ...]
    source_numbers: tuple[int, ...]
    """Each source's number in ``PersonView.sources`` (a source cited by many findings is listed once)."""
    red_flag: bool


@dataclass(frozen=True)
class FindingGroup:
    """The findings of one step of the chain (red flags first, as a group of their own)."""

    label: str
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class LabView:
    name: str
    given: str
    mmol_per_l: str
    taken: str
    used: bool
    reason: str
    converted: bool = True
    """Whether the result was given in another unit than mmol/L (so the conversion is worth showing)."""


@dataclass(frozen=True)
class DrugView:
    given: str
    recognised: str
    counted: bool


@dataclass(frozen=True)
class PersonView:
    """Everything the person report shows, in plain words."""

    id: str
    combined: str
    magnesium: str
    potassium: str
    urgency: str
    urgency_text: str
    consult_clinician: bool
    red_flags: tuple[str, ...]
    emergency_advice: str
    coverage: str | None
    """full, partial, none, or None for a result older than contract version 2."""
    unanswered: tuple[str, ...]
    recommendations: tuple[tuple[str, str], ...]
    finding_groups: tuple[FindingGroup, ...]
    sources: tuple[str, ...]
    next_level_missing: tuple[str, ...]
    warnings: tuple[str, ...]
    risk_factors: tuple[str, ...]
    labs: tuple[LabView, ...]
    drugs: tuple[DrugView, ...]
    answers: tuple[tuple[str, str], ...] | None
    """(question, answer) rows, or None when only the result was given."""
    ruleset_name: str
    ruleset_version: str
    ruleset_sha256: str
    disclaimer: str
    generated: datetime
    custom_rules: str = ""
    """For a result of custom rules (an edited copy of ``rules/``), which rules, in plain words
    ("custom rules from DIR, not the rules shipped with mgk-screen ..."); empty for the shipped rules."""
    red_flag_codes: tuple[str, ...] = field(default=())
    named: bool = True
    """Whether ``id`` names the person: answers without an id get their position, not a name."""
    above_both: tuple[FindingView, ...] = ()
    """The findings that set the headline, when it is higher than both magnesium and potassium
    (a cause of both losses with fitting symptoms): what the terminal's full result says too."""
    unanswered_codes: tuple[str, ...] = ()
    """The result's ``unanswered_sections`` as codes: "no medicines" and "medicines not answered"
    are told apart by them (``unanswered`` holds the same sections in words)."""
    urgency_reasons: tuple[FindingView, ...] = ()
    """The findings that set how soon to see a clinician (an urgent "how soon" under an unlikely
    headline comes from one of them: digoxin with a low potassium, say)."""
    conditions: tuple[str, ...] | None = None
    """The health conditions the screen counted, in the questionnaire's words ("Long-term kidney
    disease (chronic kidney disease)"); None when the conditions question was not answered."""
    keeps_potassium: tuple[str, ...] = ()
    """Why the body may keep potassium (kidney disease, a potassium-sparing diuretic, an ACE
    inhibitor ...) and potassium taken: the cautions a clinician weighs beside a potassium result."""
    record_as_of: date | None = None
    """The reference date an EHR record (FHIR) was read on: its dates count back from it. None
    for answers (screened when the report was made) and for a result file (screened earlier)."""

    @property
    def findings(self) -> tuple[FindingView, ...]:
        return tuple(finding for group in self.finding_groups for finding in group.findings)

    @property
    def headline(self) -> Headline:
        """The combined level's words, as every door says them (``screener.headline``)."""
        return Headline(
            self.combined,
            self.magnesium,
            self.potassium,
            self.coverage,
            tuple(missing_core_sections(self.unanswered_codes)),
            urgency=self.urgency,
            potassium_high=HIGH_POTASSIUM_ADVICE in (codes := {code for code, _ in self.recommendations}),
            older_low=OLDER_LOW_ADVICE in codes,
        )

    @property
    def recent_results(self) -> str:
        """The rules' words on normal results from the last 30 days, said at the top (after how
        soon); "" when not given."""
        return recent_results([{"code": code, "text": text} for code, text in self.recommendations])

    @property
    def advice(self) -> list[tuple[str, str]]:
        """The recommendations listed under "What to do": all but the recent results the top says."""
        return listed_advice(self.recommendations)

    @property
    def next_level_shown(self) -> bool:
        """Whether the report shows what would change the headline (the rules' precise lines, for a
        clinician or teacher, with the reasoning): not beside urgent or emergency advice, as in
        the terminal (``screener.render.next_level_shown``)."""
        return bool(self.next_level_missing) and self.urgency not in NEXT_LEVEL_HIDDEN_AT

    @property
    def next_level_heading(self) -> str:
        return NEXT_LEVEL_HEADING

    @property
    def not_enough_answers(self) -> bool:
        return self.coverage == "none"

    @property
    def generated_text(self) -> str:
        """When the report was made, with its time zone: "29 November 2025, 10:30 UTC"."""
        return moment_text(self.generated)

    @property
    def generated_iso(self) -> str:
        return moment_iso(self.generated)


def person_view(
    result: Mapping[str, Any],
    words: Words,
    *,
    answers: Mapping[str, Any] | None = None,
    generated: datetime | None = None,
    urgency_text: Mapping[str, str] | None = None,
    step_labels: Mapping[str, str] | None = None,
    raises: Mapping[str, Mapping[str, str]] | None = None,
    record_as_of: date | None = None,
) -> PersonView:
    """The report's view of one result (see the module notes). ``urgency_text`` fills in the
    words for a result that lacks ``urgency_text``; ``step_labels`` names the steps of the chain
    the findings are grouped by (the ruleset's ``steps``); ``raises`` says which level each rule
    raises (``rule_raises``), to name the findings behind the headline and the urgency."""
    ruleset = _mapping(result.get("ruleset"))
    urgency = str(result.get("urgency", ""))
    red_flag_codes = tuple(_strings(result.get("red_flags")))
    coverage = result.get("coverage")
    findings = _findings(_mappings(result.get("findings")), step_labels or {}, words, _mappings(result.get("labs_used")))
    above_both, urgency_reasons = _setting(result, findings["finding_groups"], raises or {})
    return PersonView(
        id=str(result.get("id", "")),
        combined=str(result.get("combined_depletion", "")),
        magnesium=str(result.get("magnesium_depletion", "")),
        potassium=str(result.get("potassium_depletion", "")),
        urgency=urgency,
        urgency_text=str(result.get("urgency_text") or (urgency_text or {}).get(urgency, "")),
        consult_clinician=result.get("consult_clinician") is True,
        red_flags=tuple(words.red_flag(code) for code in red_flag_codes),
        red_flag_codes=red_flag_codes,
        emergency_advice=words.emergency_advice if urgency == "emergency" else "",
        coverage=coverage if isinstance(coverage, str) else None,
        unanswered=tuple(words.section(code) for code in _strings(result.get("unanswered_sections"))),
        unanswered_codes=tuple(_strings(result.get("unanswered_sections"))),
        recommendations=tuple(
            (str(item.get("code", "")), str(item.get("text", ""))) for item in _mappings(result.get("recommendations"))
        ),
        **findings,
        next_level_missing=tuple(sentence(line) for line in _strings(result.get("next_level_missing"))),
        warnings=tuple(_strings(result.get("warnings"))),
        risk_factors=tuple(words.risk_factor(code) for code in _strings(result.get("risk_factors"))),
        labs=tuple(_lab(item, words) for item in _mappings(result.get("labs_used"))),
        drugs=tuple(_drug(item, words) for item in _mappings(result.get("medications_recognised"))),
        answers=tuple(answer_rows(answers, words)) if answers is not None else None,
        ruleset_name=str(ruleset.get("name", "")),
        ruleset_version=str(ruleset.get("version", "")),
        ruleset_sha256=str(ruleset.get("sha256", "")),
        custom_rules=_custom_rules(ruleset),
        disclaimer=str(result.get("disclaimer", "")),
        generated=generated or datetime.now().astimezone(),
        named=_named(result, answers),
        above_both=above_both,
        urgency_reasons=urgency_reasons,
        conditions=_conditions(result, words),
        keeps_potassium=_keeps_potassium(result),
        record_as_of=record_as_of,
    )


#: The findings whose answers say why the body may keep potassium, and which potassium is taken
#: (rules/derived_facts.json): what the clinician's summary lists beside the risk factors.
KEEPS_POTASSIUM_FINDINGS = ("k_retention_caution",)
POTASSIUM_TAKEN_FINDINGS = ("takes_prescribed_potassium", "takes_own_choice_potassium")


def _conditions(result: Mapping[str, Any], words: Words) -> tuple[str, ...] | None:
    """The health conditions the screen counted (those its findings name: the same from answers
    and from a result file); None when the conditions question was not answered."""
    if "conditions" in _strings(result.get("unanswered_sections")):
        return None
    named = {
        str(e.get("fact", "")).split(".", 1)[1]: None
        for finding in _mappings(result.get("findings"))
        for e in _mappings(finding.get("evidence"))
        if str(e.get("fact", "")).startswith("conditions.") and e.get("value") is True
    }
    return tuple(words.choice("conditions", code) for code in named)


def _keeps_potassium(result: Mapping[str, Any]) -> tuple[str, ...]:
    """The reasons the body may keep potassium, as the rule that found them names its answers,
    then potassium taken; each said once."""
    reasons: dict[str, None] = {}
    findings = {str(f.get("rule", "")): f for f in _mappings(result.get("findings"))}
    for rule in KEEPS_POTASSIUM_FINDINGS:
        for e in _mappings(findings.get(rule, {}).get("evidence")):
            label = str(e.get("label", ""))
            reasons.setdefault(label.split(": ", 1)[1] if label.startswith("condition: ") else label)
    for rule in POTASSIUM_TAKEN_FINDINGS:
        if rule in findings:
            reasons.setdefault(str(findings[rule].get("title", "")).lower())
    return tuple(reason for reason in reasons if reason)


def rule_raises(ruleset: Ruleset) -> dict[str, dict[str, str]]:
    """Which level each rule raises, by rule id: ``{"urgent_digoxin_with_warning_sign": {"urgency": "urgent"}}``."""
    return {rule.id: dict(rule.then.get("raise", {})) for rule in ruleset.rules}


def _setting(
    result: Mapping[str, Any], groups: Sequence[FindingGroup], raises: Mapping[str, Mapping[str, str]]
) -> tuple[tuple[FindingView, ...], tuple[FindingView, ...]]:
    """The findings whose rule raised the headline (when it is above both parts) and the urgency
    to the level the result has, as ``Screener.rules_setting_headline`` finds them."""
    findings = [finding for group in groups for finding in group.findings]

    def raising(scale: str) -> tuple[FindingView, ...]:
        level = result.get(scale)
        return tuple(finding for finding in findings if raises.get(finding.rule, {}).get(scale) == level)

    above_both = raising("combined_depletion") if Headline.of(result).above_both else ()
    return above_both, raising("urgency")


def _named(result: Mapping[str, Any], answers: Mapping[str, Any] | None) -> bool:
    """Whether the result's id is a name: the answers gave one. A result alone is unnamed when its
    id is its position (what the screener gives answers without an id)."""
    if answers is not None:
        return answers.get("id") is not None
    given = str(result.get("id", ""))
    return given not in ("", str(result.get("position", 1)))


def _findings(
    items: list[Mapping[str, Any]], step_labels: Mapping[str, str], words: Words, labs_used: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """Findings grouped by step in the result's order (red flags first), each source numbered
    once, each mechanism told once."""
    sources: dict[str, int] = {}
    mechanisms: set[str] = set()
    groups: dict[str, list[FindingView]] = {}
    for item in items:
        cited = _strings(item.get("sources"))
        for source in cited:
            sources.setdefault(source, len(sources) + 1)
        mechanism = str(item.get("mechanism", ""))
        red_flag = item.get("red_flag") is True
        step = str(item.get("step", ""))
        label = "Red flags" if red_flag else sentence(step_labels.get(step, plain(step)))
        groups.setdefault(label, []).append(
            FindingView(
                rule=str(item.get("rule", "")),
                title=str(item.get("title", "")),
                explanation=str(item.get("explanation", "")),
                mechanism="" if mechanism in mechanisms else mechanism,
                evidence=tuple(
                    Evidence(sentence(str(e.get("label", ""))), words.measured(str(e.get("fact", "")), e.get("value"), labs_used))
                    for e in _mappings(item.get("evidence"))
                ),
                sources=tuple(cited),
                # In ascending order, as a reader expects ("[2][5]", never "[5][2]"): the numbers
                # follow the first citation in the whole report, not this finding's own order.
                source_numbers=tuple(sorted(sources[source] for source in cited)),
                red_flag=red_flag,
            )
        )
        mechanisms.add(mechanism)
    return {
        "finding_groups": tuple(FindingGroup(label, tuple(findings)) for label, findings in groups.items()),
        "sources": tuple(sources),
    }


def _lab(item: Mapping[str, Any], words: Words) -> LabView:
    return LabView(
        name=sentence(str(item.get("lab", ""))),
        given=f"{given_number(item)} {item.get('unit', '')}".strip(),
        mmol_per_l=f"{plain(item.get('mmol_per_l'))} mmol/L",
        converted=str(item.get("unit", "")).strip().lower() != "mmol/l",
        taken=words.taken(item.get("taken")),
        used=item.get("used") is not False,
        reason=str(item.get("reason") or ""),
    )


def _drug(item: Mapping[str, Any], words: Words) -> DrugView:
    matches = [
        f"{drug_name(match)}: {words.drug_class(str(match.get('drug_class', '')))}"
        for match in _mappings(item.get("matches"))
    ]
    unrecognised = _strings(item.get("unrecognised"))
    parts = list(matches)
    if unrecognised:
        parts.append("not recognised: " + ", ".join(unrecognised))
    counted = item.get("counted") is not False
    if not counted:
        parts.append(str(item.get("note") or "not counted"))
    return DrugView(given=str(item.get("input", "")), recognised="; ".join(parts) or "not recognised", counted=counted)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _mappings(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, Sequence) and not isinstance(value, str) else []


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, Sequence) and not isinstance(value, str) else []


def _custom_rules(ruleset: Mapping[str, Any]) -> str:
    """The words naming custom rules, for a result whose rules were not the shipped ones."""
    folder = ruleset.get("custom_folder")
    if not isinstance(folder, str) or not folder:
        return ""
    words = rules_in_words(str(ruleset.get("name", "")), str(ruleset.get("version", "")), folder)
    return words[:1].upper() + words[1:]
