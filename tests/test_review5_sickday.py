"""Vignette review 5, S1, S2, S3 and M7: medicines that change what being ill means (a steroid the
body depends on, tacrolimus or ciclosporin, colchicine) and cetuximab with signs of low magnesium."""

from __future__ import annotations

from typing import Any

import pytest

from screener import Screener


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def _screen(screener: Screener, answers: dict[str, Any]) -> tuple[str, list[str], dict[str, str]]:
    result = screener.screen({"alcohol": {"drinks_per_week": 2}, "laxative_use": "none", **answers})
    codes = [r.code for r in result.recommendations]
    return result.urgency, codes, {r.code: r.text for r in result.recommendations}


ADDISONS = {"age": 33, "sex": "female", "medications": ["hydrocortisone 10mg/5mg/5mg", "fludrocortisone 100 micrograms"],
            "diarrhea": {"present": False}, "symptoms": ["muscle_weakness", "nausea_poor_appetite", "fatigue"]}  # fmt: skip


def test_woman_with_addisons_vomiting_today_gets_same_day_steroid_sick_day_rules_and_no_food_list(screener) -> None:
    urgency, codes, texts = _screen(
        screener, {**ADDISONS, "vomiting": {"present": True, "days": 1, "episodes_per_day": 4}}
    )
    assert urgency == "urgent"
    assert codes[:2] == ["contact_clinician_today", "steroid_sick_day"]
    text = texts["steroid_sick_day"]
    assert "hydrocortisone" in text and "double" in text and "fludrocortisone dose stays the same" in text
    assert "injection (100 mg)" in text and "999" in text and "steroid dependent" in text
    assert "food_sources" not in codes


def test_woman_with_addisons_whose_fluids_will_not_stay_down_is_an_emergency_with_the_injection_first(screener) -> None:
    vomiting = {"present": True, "days": 1, "episodes_per_day": 6, "cannot_keep_fluids_down": True}
    urgency, codes, texts = _screen(screener, {**ADDISONS, "vomiting": vomiting})
    assert urgency == "emergency"
    assert codes[:2] == ["seek_emergency_care", "steroid_sick_day"]
    assert "use it now" in texts["steroid_sick_day"] and "food_sources" not in codes


def test_man_on_long_term_prednisolone_with_diarrhea_and_fainting_is_an_emergency(screener) -> None:
    urgency, codes, _ = _screen(screener, {"age": 60, "medications": ["prednisolone 10mg"], "symptoms": ["fainting"],
                                           "diarrhea": {"present": True, "days": 2, "stools_per_day": 5}})  # fmt: skip
    assert urgency == "emergency" and "steroid_sick_day" in codes


def test_woman_on_prednisolone_and_a_salbutamol_inhaler_who_vomits_is_told_of_her_steroid_alone(screener) -> None:
    # The steroid line named "steroid tablets (prednisolone and salbutamol)": its rule also tested
    # the wider class of potassium-lowering medicines, which holds the inhaler too.
    _, codes, texts = _screen(screener, {"age": 45, "medications": ["prednisolone 10 mg", "salbutamol inhaler"],
                                         "vomiting": {"present": True, "days": 1, "episodes_per_day": 3}})  # fmt: skip
    assert "steroid_sick_day" in codes
    assert "steroid tablets (prednisolone)" in texts["steroid_sick_day"]
    assert "salbutamol" not in texts["steroid_sick_day"]


def test_young_woman_with_pots_on_fludrocortisone_alone_gets_no_steroid_sick_day_advice(screener) -> None:
    _, codes, _ = _screen(screener, {"age": 19, "medications": ["fludrocortisone"], "symptoms": [],
                                     "vomiting": {"present": True, "days": 1, "episodes_per_day": 2}})  # fmt: skip
    assert "steroid_sick_day" not in codes


def test_kidney_transplant_man_on_tacrolimus_with_diarrhea_contacts_the_transplant_team_today(screener) -> None:
    urgency, _codes, texts = _screen(screener, {"age": 54, "medications": ["tacrolimus 4mg bd", "mycophenolate"], "symptoms": [],
                                               "diarrhea": {"present": True, "days": 10, "stools_per_day": 4}})  # fmt: skip
    assert urgency == "urgent"
    assert "transplant team" in texts["transplant_team_today"] and "tacrolimus" in texts["transplant_team_today"]


def test_woman_on_ciclosporin_eye_drops_with_diarrhea_is_not_sent_to_a_transplant_team(screener) -> None:
    _, codes, _ = _screen(screener, {"age": 40, "medications": ["Restasis eye drops"], "symptoms": [],
                                     "diarrhea": {"present": True, "days": 1, "stools_per_day": 3}})  # fmt: skip
    assert "transplant_team_today" not in codes


def test_older_man_on_colchicine_with_diarrhea_is_told_to_stop_it_today(screener) -> None:
    urgency, _codes, texts = _screen(screener, {"age": 71, "medications": ["colchicine 500 micrograms qds", "naproxen 500mg bd"],
                                               "symptoms": ["muscle_cramps"], "diarrhea": {"present": True, "days": 1, "stools_per_day": 8}})  # fmt: skip
    assert urgency == "urgent"
    assert texts["stop_colchicine_while_ill"].startswith("Stop taking colchicine")


def test_man_on_colchicine_without_gut_losses_is_not_told_to_stop_it(screener) -> None:
    _, codes, _ = _screen(screener, {"age": 50, "medications": ["colchicine"], "symptoms": [],
                                     "diarrhea": {"present": False}, "vomiting": {"present": False}})  # fmt: skip
    assert "stop_colchicine_while_ill" not in codes


def test_man_on_cetuximab_with_twitches_and_tingling_tells_his_oncology_team_within_days(screener) -> None:
    urgency, _codes, texts = _screen(screener, {"age": 62, "medications": ["cetuximab"], "symptoms": ["muscle_twitches", "numbness_tingling"],
                                               "diarrhea": {"present": False}, "vomiting": {"present": False}})  # fmt: skip
    assert urgency == "soon"
    # the magnesium-test line itself names the medicine and the team (2026-12-01: one line, not two)
    assert "oncology team" in texts["check_magnesium"] and "cetuximab" in texts["check_magnesium"]


def test_man_on_cetuximab_with_no_symptom_keeps_the_routine_magnesium_advice(screener) -> None:
    urgency, codes, _ = _screen(screener, {"age": 66, "medications": ["Erbitux"], "symptoms": [],
                                           "diarrhea": {"present": False}, "vomiting": {"present": False}})  # fmt: skip
    assert urgency == "routine" and "anti_egfr_magnesium_check" not in codes
