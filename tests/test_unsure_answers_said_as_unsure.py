"""An answer of "not sure" that the rules count as a yes, to be safe, is said to be one: a
clinician reading "long-term proton pump inhibitor" must not take it for the person's own yes."""

from __future__ import annotations

from typing import Any

# Wen takes omeprazole and is not sure whether it has been more than 3 months.
WEN = {"id": "wen", "age": 60, "medications": ["omeprazole 20 mg"], "ppi_over_3_months": "unsure"}


def test_wens_unsure_ppi_counts_as_long_term_and_the_result_says_it_was_not_sure(screener: Any) -> None:
    entry = screener.screen_entry(WEN, detail="lean")
    assert "long_term_ppi" in entry["risk_factors"]
    assert any("answered 'not sure', so it is counted as long-term" in warning for warning in entry["warnings"])


def test_a_yes_to_the_ppi_question_gets_no_such_warning(screener: Any) -> None:
    entry = screener.screen_entry(WEN | {"ppi_over_3_months": "yes"}, detail="lean")
    assert "long_term_ppi" in entry["risk_factors"]
    assert not any("not sure" in warning for warning in entry["warnings"])
