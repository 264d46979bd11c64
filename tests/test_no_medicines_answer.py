"""A medication list that says "none" means no medicines, as an empty list does (and as a
spreadsheet's `none` cell already did): it is an answer, not an unknown medicine named "none".
An entry of only spaces is refused like an empty one, with its JSON path."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize(
    "entries",
    [["none"], ["None"], ["nil"], ["No medications"], ["no meds"], ["N/A"], ["nothing"], ["  none. "], ["none", "Nil"]],
)
def test_retired_farmer_who_writes_none_for_his_medicines_has_answered_no_medicines(screener: Any, entries: list[str]) -> None:
    record = {"age": 70, "medications": entries, "symptoms": []}
    answers, problems = screener.check(record)
    assert problems == []
    assert answers.medications == []
    result = screener.screen(record)
    assert result.warnings == []
    assert result.medications_recognised == []
    assert "medications" not in result.unanswered_sections


def test_none_beside_a_real_medicine_is_read_as_no_medicine_and_said_back(screener: Any) -> None:
    # The list contradicts itself: the medicine counts, and "none" is said back, not read as a
    # medicine name not recognised (which may be any medicine: review 9, finding 6).
    result = screener.screen({"medications": ["Lasix 40 mg", "none"]})
    assert [entry.input for entry in result.medications_recognised] == ["Lasix 40 mg"]
    assert "loop_diuretic" in result.risk_factors
    assert [warning for warning in result.warnings if "'none'" in warning] == [
        "medication 'none' says no medicines, but the list has 1 other entry: read as no medicine, and the other "
        "entries as given; check the list"
    ]


@pytest.mark.parametrize("blank", ["", "  ", "\t"])
def test_a_blank_medicine_entry_is_refused_with_its_path(screener: Any, blank: str) -> None:
    answers, problems = screener.check({"medications": ["Lasix 40 mg", blank]})
    assert answers is None
    assert [(problem.path, problem.message) for problem in problems] == [("$.medications[1]", "must not be empty or only spaces")]


def test_a_medicine_whose_name_only_contains_none_is_still_a_medicine(screener: Any) -> None:
    answers, problems = screener.check({"medications": ["Nonexistol 5 mg"]})
    assert problems == []
    assert answers.medications == ["Nonexistol 5 mg"]
