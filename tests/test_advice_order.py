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


# Rita, 72, on Lasix, with 6 loose stools a day for 5 days, cramps and tiredness, and a potassium
# of 3.1 this week: urgent because she is ill for over 48 hours on a sick-day medicine (surfaces
# review A2). What makes it urgent (pause the water pill, replace fluids) comes before the tests.
RITA_ILL_FOR_FIVE_DAYS_ON_LASIX = {
    "id": "rita",
    "age": 72,
    "sex": "female",
    "red_flags_now": [],
    "diuretic_use": "yes",
    "medications": ["Lasix 40 mg"],
    "alcohol": {"audit_c": {"frequency": 0, "quantity": 0, "binge": 0}, "drinks_per_week": 0},
    "diarrhea": {"present": True, "days": 5, "stools_per_day": 6},
    "vomiting": {"present": False},
    "conditions": ["high_blood_pressure"],
    "symptoms": ["muscle_cramps", "fatigue"],
    "supplements": [],
    "labs": {"potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"}},
}


def test_rita_ill_on_lasix_reads_the_sick_day_and_fluids_advice_right_after_contact_a_clinician_today(screener: Any) -> None:
    result = screener.screen(RITA_ILL_FOR_FIVE_DAYS_ON_LASIX)
    assert result.urgency == "urgent"
    given = codes(result)
    assert given[:3] == ["contact_clinician_today", "sick_day_medicines", "fluids_for_gi_losses"]
    assert given.index("fluids_for_gi_losses") < given.index("check_magnesium_with_potassium")


def test_rita_at_an_80_by_24_terminal_sees_the_advice_to_ask_about_pausing_lasix(screener: Any) -> None:
    import io

    from rich.console import Console

    from screener.render import render_short_result

    out = io.StringIO()
    console = Console(file=out, width=80, height=24, no_color=True, highlight=False, force_terminal=False)
    # What `ask` leaves for the short result at 80x24: the rows less the prompt and the scrolled line.
    render_short_result(screener.screen(RITA_ILL_FOR_FIVE_DAYS_ON_LASIX), console, max_lines=21, more="type d below")
    text = " ".join(out.getvalue().replace("│", " ").split())
    assert "2. With diarrhea or vomiting for more than 48 hours, ask a pharmacist or clinician whether to pause Lasix" in text
    assert len(out.getvalue().rstrip("\n").split("\n")) <= 21
