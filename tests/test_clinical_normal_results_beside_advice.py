"""Beside normal potassium and magnesium results from the last 30 days (verify 6, F7 and F8; README,
"Where we departed from the written spec, and why"): the advice does not ask for the blood tests just
done, a medicine that needs its own regular checks (digoxin) still says so, the reason for no visit
is said at the top of the result, and a child's parent is told about the child's results there too."""

from __future__ import annotations

from typing import Any

from result_support import codes, flat, text_of

from screener.headline import listed_advice, recent_results

NO_GUT_LOSSES = {"diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none"}
NORMAL_THIS_WEEK = {
    "potassium": {"value": 4.4, "unit": "mmol/L", "taken": "last_7_days"},
    "magnesium": {"value": 0.85, "unit": "mmol/L", "taken": "last_7_days"},
}
ASKS_FOR_TESTS = ("whether you need potassium and magnesium blood checks", "whether your potassium and magnesium blood tests are due")

# Edith, 80, on digoxin, furosemide and apixaban for atrial fibrillation, with potassium and
# magnesium both normal this week and nothing else found.
EDITH_80_ON_DIGOXIN_NORMAL_THIS_WEEK = {
    "age": 80, "sex": "female", "medications": ["Digoxin 125 micrograms", "Furosemide 40mg", "Apixaban 5mg"],
    "diuretic_use": "yes", "alcohol": {"drinks_per_week": 0}, **NO_GUT_LOSSES, "symptoms": [], "red_flags_now": [],
    "supplements": [], "labs": NORMAL_THIS_WEEK,
}

# June, 68, on indapamide, with cramps, and potassium and magnesium both normal this week.
JUNE_68_ON_INDAPAMIDE_NORMAL_THIS_WEEK = {
    "age": 68, "sex": "female", "medications": ["Indapamide 2.5mg"], "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 5}, **NO_GUT_LOSSES, "symptoms": ["muscle_cramps"], "red_flags_now": [],
    "supplements": [], "labs": NORMAL_THIS_WEEK,
}

# Sam, 9, on furosemide, with potassium and magnesium both normal this week: a parent answers.
SAM_9_ON_FUROSEMIDE_NORMAL_THIS_WEEK = {
    "age": 9, "sex": "male", "medications": ["furosemide"], "diuretic_use": "yes", **NO_GUT_LOSSES,
    "symptoms": [], "red_flags_now": [], "labs": NORMAL_THIS_WEEK,
}


def test_edith_80_on_digoxin_is_asked_for_blood_checks_once_by_the_digoxin_line(screener: Any) -> None:
    result = screener.screen(EDITH_80_ON_DIGOXIN_NORMAL_THIS_WEEK)
    assert result.urgency == "routine"
    assert recent_results(result.recommendations).startswith("Your potassium and magnesium results from the last 30 days were normal")
    review = flat(text_of(result, "discuss_at_next_visit"))
    assert review.startswith("This can wait for your usual medicines review: your recent normal potassium and magnesium results")
    assert flat(text_of(result, "keep_taking_prescribed_medicines")) == "Do not stop a prescribed medicine on your own."
    assert flat(text_of(result, "digoxin_check")).startswith("You take digoxin: ask for regular potassium and magnesium blood checks")
    listed = " ".join(flat(item.text) for item in listed_advice(result.recommendations))
    assert not any(ask in listed for ask in ASKS_FOR_TESTS), listed


def test_june_68_on_indapamide_is_told_first_why_no_visit_is_needed(screener: Any) -> None:
    result = screener.screen(JUNE_68_ON_INDAPAMIDE_NORMAL_THIS_WEEK)
    assert (result.urgency, result.magnesium_depletion) == ("none", "possible")
    top = flat(recent_results(result.recommendations))
    assert top.startswith("Your potassium and magnesium results from the last 30 days were normal, so these answers need no visit of their own")
    assert "see a clinician if symptoms persist" in top
    assert recent_results(result.recommendations, brief=True) == (
        "Your potassium and magnesium results from the last 30 days were normal, so these answers need no visit of their own."
    )
    assert "general_advice" not in codes(result)
    assert flat(text_of(result, "keep_taking_prescribed_medicines")) == "Do not stop a prescribed medicine on your own."


def test_sams_parent_hears_first_that_the_childs_results_were_normal(screener: Any) -> None:
    result = screener.screen(SAM_9_ON_FUROSEMIDE_NORMAL_THIS_WEEK)
    assert result.urgency == "none"
    top = flat(recent_results(result.recommendations))
    assert top.startswith("The child's potassium and magnesium results from the last 30 days were normal, so these answers need no visit of their own")
    assert "your usual" not in top
    assert flat(text_of(result, "keep_taking_prescribed_medicines")) == (
        "Do not stop a medicine prescribed for the child without asking the prescriber."
    )
