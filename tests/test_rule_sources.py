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
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_COUNT = r"(\d+|" + "|".join(NUMBER_WORDS) + r")"
ONE_IN_N = re.compile(rf"\b{_COUNT} (?:in|out of) {_COUNT}\b", re.IGNORECASE)
"""A share as a count: "1 in 5", "four in ten", "3 out of 10"."""
FRACTIONS = {"half": 50.0, "a third": 100 / 3, "two thirds": 200 / 3, "a quarter": 25.0, "three quarters": 75.0}
FRACTION = re.compile(r"\babout (" + "|".join(FRACTIONS) + r")\b", re.IGNORECASE)
"""A share in words: "about a quarter", "about three quarters" ("most" and "many" are not figures)."""
PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
CITED_FRACTION = re.compile(r"\b(half|(?:a|one)[- ]third|two[- ]thirds|(?:a|one)[- ]quarter|three[- ]quarters)\b(?!-)", re.IGNORECASE)
"""A share a source's summary gives in words ("approximately one-quarter of the cases")."""


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


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def shares_quoted(text: str) -> list[tuple[str, float]]:
    """The shares a rule's words quote, as (the words, the percentage they say)."""
    counts = [(match.group(0), 100 * _number(match.group(1)) / _number(match.group(2))) for match in ONE_IN_N.finditer(text)]
    fractions = [(match.group(0), FRACTIONS[match.group(1).lower()]) for match in FRACTION.finditer(text)]
    return counts + fractions


def test_a_share_in_words_is_read_as_the_figure_it_says() -> None:
    assert shares_quoted("about 4 in 10 people") == [("4 in 10", 40.0)]
    assert shares_quoted("Four in ten of them, one out of two") == [("Four in ten", 40.0), ("one out of two", 50.0)]
    assert shares_quoted("in about a quarter of the cases; about three quarters") == [("about a quarter", 25.0), ("about three quarters", 75.0)]
    assert shares_quoted("most stomach bugs, 2 in the morning, in 24 hours") == []


def test_a_figure_quoted_in_a_rule_is_the_figure_of_a_source_it_cites(ruleset: Ruleset) -> None:
    """A share ("about 1 in 5", "four in ten", "about a quarter") must match a percentage in a source
    the rule cites within 5 points; a percentage ("1%") must appear in one as such. Whether the
    source's figure is about the same people (hospital patients, children) is for a reader: the
    rule's words say whom the figure is about where it matters (low_k_lab, rf_type_1_diabetes)."""
    checked = 0
    for rule in ruleset.rules:
        text = f"{rule.rationale} {rule.mechanism}"
        cited = " ".join(ruleset.sources[source] for source in rule.sources)
        cited_percentages = [float(value) for value in PERCENT.findall(cited)] + [
            FRACTIONS[re.sub(r"^one |^a ", "a ", words.lower().replace("-", " "))] for words in CITED_FRACTION.findall(cited)
        ]
        for words, share in shares_quoted(text):
            assert any(abs(share - value) <= 5 for value in cited_percentages), (
                f"{rule.id}: '{words}' matches no figure in its sources {rule.sources}"
            )
            checked += 1
        for value in PERCENT.findall(text):
            assert f"{value}%" in cited, f"{rule.id}: '{value}%' is in no source it cites {rule.sources}"
            checked += 1
    assert checked >= 12


def test_a_figure_said_to_be_from_hospital_patients_or_children_is_said_so_in_the_rule(ruleset: Ruleset) -> None:
    """Catalogue review 9, F6: Whang's 42% was in hospital patients, and was quoted as if of everyone."""
    assert "in hospital patients, about 4 in 10" in ruleset.rule("low_k_lab").rationale
    assert "hospital" in ruleset.sources["whang_1984"]
    assert "children" in ruleset.rule("rf_type_1_diabetes").rationale


def test_the_who_definition_of_diarrhoea_claims_no_chronic_cut_off(ruleset: Ruleset) -> None:
    """WHO defines diarrhoea, and acute and persistent episodes (14 days); the 28-day 'chronic' is not WHO's."""
    assert "28" not in ruleset.sources["who_diarrhea"]
    assert "persistent when it lasts 14 days or more" in ruleset.sources["who_diarrhea"]


def test_heavy_diarrhea_quotes_no_figure_its_sources_lack(ruleset: Ruleset) -> None:
    """Catalogue review 9, F6: 'as much potassium as a day's food brings' was in no source it cites."""
    assert "day's food" not in ruleset.rule("heavy_diarrhea").rationale
    assert "does not ask how many are usual" in ruleset.rule("heavy_diarrhea").rationale
