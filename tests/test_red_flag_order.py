"""Red flags in a result come in the spec's order (screening-logic.md, section 5): the codes of
``red_flags_now`` first, then those of the past two weeks, each group in the order the spec lists
it (the order of the rules that raise them), whatever order the person gave them in and
whatever order the rules fired in."""

from __future__ import annotations

from typing import Any


def test_woman_seizing_and_paralysed_now_has_the_paralysis_flag_before_the_seizure(screener: Any) -> None:
    # The spec lists severe weakness or paralysis before seizure (alphabetically it is after).
    result = screener.screen({"sex": "female", "red_flags_now": ["seizure", "severe_weakness_or_paralysis"]})
    assert result.urgency == "emergency"
    assert result.red_flags == ["severe_weakness_or_paralysis", "seizure"]


def test_man_breathless_and_newly_confused_now_has_trouble_breathing_before_confusion(screener: Any) -> None:
    result = screener.screen({"sex": "male", "red_flags_now": ["new_confusion", "trouble_breathing"]})
    assert result.red_flags == ["trouble_breathing", "new_confusion"]


def test_man_who_had_chest_pain_and_fainted_last_week_has_fainting_first(screener: Any) -> None:
    # Of the past two weeks the spec lists fainting, chest pain, severe weakness, seizure, breathing.
    result = screener.screen({"sex": "male", "symptoms": ["chest_pain", "fainting"]})
    assert result.urgency == "urgent"
    assert result.red_flags == ["fainting", "chest_pain"]


def test_chest_pain_last_week_comes_after_trouble_breathing_now(screener: Any) -> None:
    result = screener.screen({"symptoms": ["chest_pain"], "red_flags_now": ["trouble_breathing"]})
    assert result.red_flags == ["trouble_breathing", "chest_pain"]


def test_red_flags_follow_the_order_of_the_rules_that_raise_them(screener: Any) -> None:
    ruleset = screener.ruleset
    in_rule_order = list(dict.fromkeys(rule.then["red_flag"] for rule in ruleset.rules if rule.is_red_flag))
    everything = {"red_flags_now": list(reversed(in_rule_order)), "symptoms": ["fainting", "chest_pain", "seizure"]}
    assert screener.screen(everything).red_flags == in_rule_order
