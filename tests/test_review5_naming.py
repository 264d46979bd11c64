"""Vignette review 5, M5, M6, M8, m11 and m12: the result names what it rests on (a heparin and a
symptom beside a high potassium, the stomach-acid medicine beside a magnesium test, a reliever
inhaler with a steroid and a water pill), says when two answers disagree, and says when most
answers were "not sure"."""

from __future__ import annotations

from typing import Any

import pytest

from screener import Screener


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def _screen(screener: Screener, answers: dict[str, Any]) -> tuple[str, list[str], dict[str, str], list[str]]:
    result = screener.screen(answers)
    codes = [r.code for r in result.recommendations]
    return result.urgency, codes, {r.code: r.text for r in result.recommendations}, list(result.warnings)


# -- M5: enoxaparin for 5 weeks, ramipril and kidney disease; potassium 5.9 with muscle weakness --------
ARTHUR = {
    "age": 80, "sex": "male", "conditions": ["chronic_kidney_disease"],
    "medications": ["enoxaparin 40mg daily", "ramipril 10mg", "paracetamol 1g qds"],
    "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": ["muscle_weakness"], "red_flags_now": [], "supplements": [],
    "labs": {"potassium": {"value": 5.9, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip


def test_arthur_weak_on_enoxaparin_and_ramipril_with_kidney_disease_and_potassium_5_9_is_seen_today(screener) -> None:
    urgency, codes, texts, _ = _screen(screener, ARTHUR)
    assert urgency == "urgent"
    assert codes[:2] == ["contact_clinician_today", "high_potassium_result"]
    text = texts["high_potassium_result"]
    assert "You reported muscle weakness, which a high potassium can cause" in text
    assert "ramipril and enoxaparin" in text and "today rather than waiting days" in text
    assert "repeated within days" not in text


@pytest.mark.parametrize("heparin", ["dalteparin 5000 units", "tinzaparin", "heparin 5000 units sc"])
def test_arthur_on_another_heparin_is_seen_today_too(screener, heparin: str) -> None:
    urgency, _, texts, _ = _screen(screener, {**ARTHUR, "medications": [heparin, "ramipril 10mg"]})
    assert urgency == "urgent"
    assert heparin.split()[0] in texts["high_potassium_result"]


def test_arthur_on_enoxaparin_alone_with_no_kidney_disease_stays_within_days(screener) -> None:
    # One reason to keep potassium (the heparin): the band's own "within days" stands, heparin named.
    answers = {**ARTHUR, "age": 60, "conditions": [], "medications": ["enoxaparin 40mg daily"]}
    urgency, _, texts, _ = _screen(screener, answers)
    assert urgency == "soon"
    assert "repeated within days" in texts["high_potassium_result"] and "enoxaparin" in texts["high_potassium_result"]


def test_arthur_without_the_weakness_stays_within_days(screener) -> None:
    urgency, _, texts, _ = _screen(screener, {**ARTHUR, "symptoms": []})
    assert urgency == "soon" and "repeated within days" in texts["high_potassium_result"]


def test_arthur_on_enoxaparin_and_ramipril_with_no_result_is_asked_about_a_potassium_check(screener) -> None:
    answers = {key: value for key, value in ARTHUR.items() if key != "labs"}
    urgency, codes, texts, _ = _screen(screener, {**answers, "symptoms": []})
    assert urgency == "routine"
    assert "whether to check your potassium" in texts["no_potassium_self_supplement"]
