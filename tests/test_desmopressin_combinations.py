"""Desmopressin with a loop diuretic or a steroid tablet: its US labels' boxed warning contraindicates
it with loop diuretics and systemic or inhaled glucocorticoids (a severe low sodium). The advice names
the person's medicines and asks whether the combination is meant, without stopping anything alone
(README, "Where we departed from the written spec, and why"). Each test is a person."""

from __future__ import annotations

from typing import Any

from result_support import codes, flat, text_of

WELL = {"pregnant": "no", "alcohol": {"drinks_per_week": 0}, "laxative_use": "none", "red_flags_now": [], "supplements": [],
        "diarrhea": {"present": False}, "vomiting": {"present": False}, "symptoms": []}  # fmt: skip

# Joan, 74, takes desmopressin for getting up at night to pass urine, and furosemide for her heart.
JOAN_74 = {**WELL, "id": "joan", "age": 74, "sex": "female", "medications": ["desmopressin 25 micrograms", "furosemide 40 mg"]}


def test_joan_on_desmopressin_and_furosemide_is_asked_whether_the_combination_is_meant(screener: Any) -> None:
    result = screener.screen(JOAN_74)
    assert "desmopressin_with_a_loop_diuretic_or_steroid" in codes(result)
    text = flat(text_of(result, "desmopressin_with_a_loop_diuretic_or_steroid"))
    assert text.startswith("You take desmopressin") and "furosemide" in text
    assert "Do not stop any of them on your own" in text
    assert "have a fit" in text


def test_ravi_on_desmopressin_and_prednisolone_is_asked_too(screener: Any) -> None:
    ravi = {**WELL, "id": "ravi", "age": 45, "sex": "male", "medications": ["DDAVP 0.2 mg", "prednisolone 5 mg"]}
    assert "desmopressin_with_a_loop_diuretic_or_steroid" in codes(screener.screen(ravi))


def test_a_boy_of_9_on_desmopressin_for_bedwetting_alone_is_not(screener: Any) -> None:
    boy = {**WELL, "id": "leo", "age": 9, "sex": "male", "medications": ["desmopressin 120 micrograms melt"]}
    assert "desmopressin_with_a_loop_diuretic_or_steroid" not in codes(screener.screen(boy))


def test_joan_with_a_red_flag_now_is_sent_to_emergency_care_without_it(screener: Any) -> None:
    result = screener.screen({**JOAN_74, "red_flags_now": ["seizure"]})
    assert result.urgency == "emergency"
    assert "desmopressin_with_a_loop_diuretic_or_steroid" not in codes(result)
