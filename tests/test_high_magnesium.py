"""A high magnesium result is not read beside "magnesium depletion likely".

The spec's "a normal serum magnesium never lowers the level" is about normal values: stores can
run low while serum stays normal. A value above the normal range is a different situation
(hypermagnesaemia: magnesium is in excess now, usually from magnesium antacids, laxatives or
supplements with weak kidneys; StatPearls "Hypermagnesemia"), so a current high result caps
magnesium depletion as a current normal potassium caps potassium. The high value keeps its own
urgency, and the magnesium advice is follow-up of that result, not "ask for a magnesium test".
"""

from __future__ import annotations

from typing import Any

import pytest

WOMAN_WITH_KIDNEY_DISEASE_ON_MILK_OF_MAGNESIA = {
    "age": 78,
    "medications": ["furosemide 40 mg", "omeprazole 20 mg", "Milk of Magnesia"],
    "ppi_over_3_months": "yes",
    "conditions": ["chronic_kidney_disease"],
    "symptoms": ["muscle_weakness", "fatigue", "muscle_cramps", "muscle_twitches"],
}


def with_magnesium(value: float, taken: str, unit: str = "mmol/L") -> dict[str, Any]:
    return {**WOMAN_WITH_KIDNEY_DISEASE_ON_MILK_OF_MAGNESIA, "labs": {"magnesium": {"value": value, "unit": unit, "taken": taken}}}


def fired(result: Any) -> set[str]:
    return {finding.rule for finding in result.findings}


def advice(result: Any) -> dict[str, str]:
    return {recommendation.code: recommendation.text for recommendation in result.recommendations}


def test_woman_on_milk_of_magnesia_with_magnesium_3_this_week_is_not_told_magnesium_depletion_is_likely(screener: Any) -> None:
    result = screener.screen(with_magnesium(3.0, "last_7_days"))
    assert result.magnesium_depletion == "unlikely"
    assert result.combined_depletion == "unlikely"
    assert result.potassium_depletion == "possible"  # the loop diuretic still drains potassium
    assert result.urgency == "emergency"  # the high value keeps its own urgency
    assert "magnesium_capped_by_high_result" in fired(result)
    assert "combined_likely_both_loss_with_specific_symptoms" not in fired(result)


def test_the_same_woman_is_not_told_to_ask_for_a_magnesium_test_she_just_had(screener: Any) -> None:
    texts = advice(screener.screen(with_magnesium(3.0, "last_7_days")))
    assert "check_magnesium_with_potassium" not in texts
    assert "high magnesium result needs follow-up" in texts["high_magnesium_result"]
    assert "Consider asking your clinician for a magnesium blood test" not in " ".join(texts.values())
    assert "no_magnesium_self_supplement" in texts


def test_a_mildly_high_magnesium_this_week_also_caps_and_stays_routine_at_least(screener: Any) -> None:
    result = screener.screen(with_magnesium(2.9, "last_7_days", unit="mg/dL"))  # 1.19 mmol/L
    assert result.magnesium_depletion == "unlikely"
    assert "routine_high_magnesium" in fired(result)
    assert result.urgency != "none"


@pytest.mark.parametrize("taken", ["last_30_days", "not_given"])
def test_a_high_magnesium_that_is_not_current_does_not_cap_but_is_followed_up_not_retested(screener: Any, taken: str) -> None:
    labs = with_magnesium(3.0, taken)
    if taken == "not_given":
        del labs["labs"]["magnesium"]["taken"]
    result = screener.screen(labs)
    assert "magnesium_capped_by_high_result" not in fired(result)
    assert result.magnesium_depletion == "possible"
    assert result.urgency in ("urgent", "emergency")
    assert "high magnesium result needs follow-up" in advice(result)["high_magnesium_result"]


def test_a_normal_magnesium_this_week_still_never_lowers_the_level(screener: Any) -> None:
    result = screener.screen(with_magnesium(0.85, "last_7_days"))
    assert result.magnesium_depletion == "possible"
    assert "magnesium_capped_by_high_result" not in fired(result)
    assert "normal_magnesium_does_not_rule_out" in fired(result)


def test_the_same_woman_is_not_told_to_eat_magnesium_rich_foods(screener: Any) -> None:
    high = advice(screener.screen(with_magnesium(3.0, "last_7_days")))
    assert "food_sources" not in high
    low = advice(screener.screen(with_magnesium(0.6, "last_7_days")))
    assert "food_sources" in low  # the advice still stands beside a low result
