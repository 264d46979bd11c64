"""The order of the advice: heart-rhythm safety before the tests to ask for (README, "Where we
departed from the written spec": order of the advice, from a clinician's second review)."""

from __future__ import annotations

from typing import Any

from result_support import codes

# Eileen, 67, fainted last week; she takes citalopram, ondansetron and azithromycin (each can
# lengthen the QT interval) and furosemide.
EILEEN_WHO_FAINTED_ON_THREE_QT_MEDICINES = {
    "id": "eileen",
    "age": 67,
    "sex": "female",
    "medications": ["citalopram 40mg", "ondansetron 4mg", "azithromycin 500mg", "furosemide 20mg"],
    "symptoms": ["fainting"],
    "red_flags_now": [],
}

# Frank, 80, on digoxin and furosemide, with cramps and a potassium of 3.6 this week.
FRANK_ON_DIGOXIN_AND_FUROSEMIDE = {
    "id": "frank",
    "age": 80,
    "sex": "male",
    "medications": ["digoxin 125 micrograms", "furosemide 40mg"],
    "symptoms": ["muscle_cramps"],
    "red_flags_now": [],
    "labs": {"potassium": {"value": 3.6, "unit": "mmol/L", "taken": "last_7_days"}},
}


def test_eileen_who_fainted_on_three_qt_medicines_reads_the_ecg_advice_right_after_how_soon(screener: Any) -> None:
    given = codes(screener.screen(EILEEN_WHO_FAINTED_ON_THREE_QT_MEDICINES))
    assert given[:3] == ["contact_clinician_today", "emergency_if_happening_now", "qt_drug_check"]
    assert given.index("qt_drug_check") < given.index("check_magnesium_with_potassium")


def test_frank_on_digoxin_reads_about_dangerous_rhythms_before_the_food_list(screener: Any) -> None:
    given = codes(screener.screen(FRANK_ON_DIGOXIN_AND_FUROSEMIDE))
    assert "digoxin_check" in given
    assert given.index("digoxin_check") < min(given.index(code) for code in given if code.startswith(("check_magnesium", "food_sources")))
