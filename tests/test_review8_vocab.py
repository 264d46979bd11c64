"""Medicine vocabulary leftovers (2026-12-01, third vocabulary round).

The CredibleMeds lists below the known-risk one (possible and conditional risk of torsades) are read
as their own class, qt_possible_risk: named for what they are, counted for nothing, and never given
the known-risk QT advice or urgency (CredibleMeds recommends the known-risk list, not these, for
decision support).
"""

from __future__ import annotations

from typing import Any

import pytest
from result_support import codes, read_as


def person(medications: list[str], **answers: Any) -> dict[str, Any]:
    return {"age": 60, "sex": "female", "medications": medications, "red_flags_now": [], "symptoms": [], **answers}


LOW_POTASSIUM_THIS_WEEK = {"potassium": {"value": 3.2, "unit": "mmol/L", "taken": "last_7_days"}}


# -- possible and conditional QT risk ---------------------------------------------------------------
@pytest.mark.parametrize(
    "medicine",
    [
        "nortriptyline 25mg at night",
        "Pamelor",
        "Allegron 10mg",
        "ziprasidone 40 mg",
        "Geodon",
        "metronidazole 400mg tds",
        "Flagyl",
        "metoclopramide 10 mg",
        "Maxolon",
        "Reglan",
        "Perinorm 10",
        "solifenacin 5 mg",
        "Vesicare 5mg",
        "sertraline 50 mg",
        "quetiapine 25 mg",
        "amitriptyline 10 mg",
        "fluoxetine 20mg",
    ],
)
def test_a_possible_or_conditional_qt_risk_is_named_as_such(screener: Any, medicine: str) -> None:
    assert read_as(screener, medicine) == {"qt_possible_risk"}


def test_nortriptyline_is_no_longer_reported_as_not_recognised(screener: Any) -> None:
    result = screener.screen(person(["nortriptyline 25 mg"]))
    assert not [warning for warning in result.warnings if "not recognised" in warning], result.warnings


def test_woman_of_60_on_metoclopramide_with_a_low_potassium_gets_no_known_risk_qt_advice(screener: Any) -> None:
    result = screener.screen(person(["metoclopramide 10 mg tds"], labs=LOW_POTASSIUM_THIS_WEEK))
    assert "qt_drug_check" not in codes(result)
    assert not any(finding.rule == "qt_drug" for finding in result.findings)


def test_metronidazole_gel_for_rosacea_acts_on_the_skin(screener: Any) -> None:
    result = screener.screen(person(["Rozex gel"]))
    (entry,) = result.medications_recognised
    assert not entry.counted


def test_the_known_risk_class_is_unchanged_for_citalopram(screener: Any) -> None:
    assert read_as(screener, "citalopram 20 mg") == {"qt_prolonging_drug"}
