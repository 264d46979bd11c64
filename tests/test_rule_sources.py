"""Every rule's sources support what the rule says: the audit of the citations, pinned.

A clinician reading `mgk-screen rules show ID`, docs/rules.md or a report sees each rule's sources
as its evidence. These tests hold the rules to what a reviewer checked: how soon to act never rests
on a dietary-supplement fact sheet, the emergency red flags cite emergency guidance, what a rule
says about digoxin cites a source about digoxin, and a figure quoted in a rule is the figure of a
source it cites. Where a threshold or a time to act is the team's own choice, the rule says so by
citing `team_judgement` (and test_rule_files checks it is flagged).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from screener.screening.conditions import leaves
from screener.screening.ruleset import Rule, Ruleset

DIETARY_SUPPLEMENT_FACT_SHEETS = {"nih_ods"}
EMERGENCY_GUIDANCE = "swast_when_to_call_999"
HOW_SOON_ADVICE = {"seek_emergency_care", "contact_clinician_today", "see_clinician_soon", "discuss_at_next_visit"}
ONE_IN_N = re.compile(r"\b(\d+) in (\d+)\b")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")


@pytest.fixture(scope="module")
def ruleset(screener: Any) -> Ruleset:
    rules: Ruleset = screener.ruleset
    return rules


def _says_how_soon_to_act(rule: Rule) -> bool:
    return "urgency" in rule.then.get("raise", {}) or rule.then.get("recommend") in HOW_SOON_ADVICE


def _tests_digoxin(rule: Rule) -> bool:
    return any(leaf.fact in {"medication_class.digoxin", "low_k_on_digoxin"} for leaf in leaves(rule.condition))


def test_every_source_in_the_catalogue_is_cited_by_a_rule(ruleset: Ruleset) -> None:
    cited = {source for rule in ruleset.rules for source in rule.sources}
    assert set(ruleset.sources) - cited == set(), "a catalogue source no rule cites: cite it where it supports a rule, or remove it"


def test_how_soon_to_act_never_rests_on_the_dietary_supplement_fact_sheets_alone(ruleset: Ruleset) -> None:
    # The NIH fact sheets describe nutrients and deficiency; they say nothing about triage.
    resting_on_them = [
        rule.id for rule in ruleset.rules if _says_how_soon_to_act(rule) and set(rule.sources) <= DIETARY_SUPPLEMENT_FACT_SHEETS
    ]
    assert resting_on_them == []
    assert len([rule for rule in ruleset.rules if _says_how_soon_to_act(rule)]) > 40


def test_every_emergency_red_flag_cites_emergency_guidance(ruleset: Ruleset) -> None:
    emergencies = [rule for rule in ruleset.rules if rule.is_red_flag and rule.then["raise"]["urgency"] == "emergency"]
    assert {rule.then["red_flag"] for rule in emergencies} == {
        "chest_pain", "fainting", "severe_weakness_or_paralysis", "seizure", "trouble_breathing", "new_confusion",
    }
    assert [rule.id for rule in emergencies if EMERGENCY_GUIDANCE not in rule.sources] == []
    assert EMERGENCY_GUIDANCE in ruleset.rule("recommend_seek_emergency_care").sources


def test_a_red_flag_from_the_past_two_weeks_says_that_today_is_the_teams_choice(ruleset: Ruleset) -> None:
    recent = [rule for rule in ruleset.rules if rule.is_red_flag and rule.then["raise"]["urgency"] == "urgent"]
    assert len(recent) == 5
    assert [rule.id for rule in recent if not rule.team_judgement] == []


def test_what_a_rule_explains_about_digoxin_cites_a_source_about_digoxin(ruleset: Ruleset) -> None:
    # A source on medicines that lower potassium does not say what low potassium does on digoxin.
    about_digoxin = [rule for rule in ruleset.rules if _tests_digoxin(rule) and "digoxin" in rule.mechanism]
    assert len(about_digoxin) >= 7
    unsupported = [
        rule.id for rule in about_digoxin
        if not any("digoxin" in ruleset.sources[source].lower() for source in rule.sources)
    ]
    assert unsupported == []


def test_a_figure_quoted_in_a_rule_is_the_figure_of_a_source_it_cites(ruleset: Ruleset) -> None:
    """'About 1 in 5' must match a cited percentage within 5 points; '1%' must appear as such."""
    checked = 0
    for rule in ruleset.rules:
        text = f"{rule.rationale} {rule.mechanism}"
        cited = " ".join(ruleset.sources[source] for source in rule.sources)
        cited_percentages = [float(value) for value in PERCENT.findall(cited)]
        for count, out_of in ONE_IN_N.findall(text):
            share = 100 * int(count) / int(out_of)
            assert any(abs(share - value) <= 5 for value in cited_percentages), (
                f"{rule.id}: '{count} in {out_of}' matches no figure in its sources {rule.sources}"
            )
            checked += 1
        for value in PERCENT.findall(text):
            assert f"{value}%" in cited, f"{rule.id}: '{value}%' is in no source it cites {rule.sources}"
            checked += 1
    assert checked >= 10
