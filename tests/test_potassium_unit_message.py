"""A potassium given in mg/dL is refused without inviting the number to be relabelled.

mg/dL is a mass unit; potassium is reported in mmol/L or mEq/L (the same number for potassium).
"Did you mean 'mEq/L'?" would invite someone to keep the number and change the label: a
dangerously low potassium of 1.5-2.3 mmol/L is 5.9-9 mg/dL, which relabelled as mEq/L passes as high.
"""

from __future__ import annotations

import pytest


def unit_problems(screener, unit: str) -> list[str]:  # type: ignore[no-untyped-def]
    answers, problems = screener.check({"labs": {"potassium": {"value": 7.0, "unit": unit, "taken": "last_7_days"}}})
    assert answers is None
    return [problem.message for problem in problems if problem.path == "$.labs.potassium.unit"]


@pytest.mark.parametrize("unit", ["mg/dL", "mg/dl", "MG/DL", "mg/L", "g/L"])
def test_nurse_copying_a_potassium_in_mg_per_dl_is_told_to_give_the_value_as_printed_not_to_relabel(screener, unit: str) -> None:  # type: ignore[no-untyped-def]
    [message] = unit_problems(screener, unit)
    assert "did you mean" not in message
    assert f'unit "{unit}" is not used for potassium' in message
    assert "mmol/L or mEq/L as printed on the lab report" in message


def test_a_misspelt_potassium_unit_of_the_right_kind_is_still_offered_its_spelling(screener) -> None:  # type: ignore[no-untyped-def]
    [message] = unit_problems(screener, "meq/l")
    assert "did you mean 'mEq/L'?" in message
