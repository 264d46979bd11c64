"""Clinical vignette review 6, the common cases: ordinary people not flagged (O5, O6, O7, O8, W3).

Each test is a person of the review (its cases in /work/notes/vignettes-review-6/cases), with
the answers that matter; the README's "Review 6: ordinary people" says why each changed.
"""

from __future__ import annotations

import pytest

from screener import Screener


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def _codes(result) -> list[str]:
    return [r.code for r in result.recommendations]


def _text(result, code: str) -> str:
    return next(r.text for r in result.recommendations if r.code == code)


# O5: age 65 with a usual inhaler or a low-dose steroid tablet


def test_a_66_year_old_with_copd_on_seretide_and_salbutamol_is_not_flagged(screener):
    result = screener.screen(
        {
            "age": 66,
            "sex": "male",
            "medications": ["Seretide 250 evohaler 2 puffs bd", "salbutamol inhaler prn"],
            "diuretic_use": "no",
            "alcohol": {"drinks_per_week": 8},
            "diarrhea": {"present": False},
            "vomiting": {"present": False},
            "laxative_use": "none",
            "symptoms": [],
            "red_flags_now": [],
            "supplements": [],
        }
    )
    assert (result.potassium_depletion, result.urgency) == ("unlikely", "none")
    assert "check_magnesium_with_potassium" not in _codes(result)


def test_a_70_year_old_with_polymyalgia_on_prednisolone_5_mg_is_not_flagged(screener):
    result = screener.screen(
        {"age": 70, "sex": "female", "medications": ["prednisolone 5mg", "Adcal-D3"], "symptoms": [], "red_flags_now": []}
    )
    assert (result.potassium_depletion, result.urgency) == ("unlikely", "none")


@pytest.mark.parametrize(
    ("medications", "symptoms", "diarrhea"),
    [
        (["salbutamol inhaler prn"], ["muscle_weakness"], None),  # a fitting symptom
        (["prednisolone 5mg"], [], {"present": True, "days": 2, "stools_per_day": 4}),  # a second loss
        (["salbutamol inhaler prn", "theophylline"], [], None),  # a stronger potassium-lowering medicine
        (["salbutamol inhaler prn", "topiramate"], [], None),
        (["salbutamol inhaler prn", "liquorice"], [], None),
        (["fludrocortisone"], [], None),
        (["hydrocortisone tablets"], [], None),
    ],
)
def test_at_66_an_inhaler_or_steroid_still_counts_beside_a_symptom_another_loss_or_a_stronger_medicine(
    screener, medications, symptoms, diarrhea
):
    answers = {"age": 66, "medications": medications, "symptoms": symptoms}
    if diarrhea:
        answers["diarrhea"] = diarrhea
    result = screener.screen(answers)
    assert result.potassium_depletion == "possible"
    assert result.urgency == "routine"


def test_at_60_a_salbutamol_inhaler_with_cramps_is_still_possible(screener):
    result = screener.screen({"age": 60, "medications": ["salbutamol inhaler"], "symptoms": ["muscle_cramps"]})
    assert result.potassium_depletion == "possible"


# O6: under 18, how soon follows the answers


def test_a_16_year_old_footballer_with_cramps_is_not_sent_to_a_clinician_but_is_told_the_screen_is_for_adults(screener):
    result = screener.screen(
        {
            "age": 16,
            "sex": "male",
            "medications": [],
            "diuretic_use": "no",
            "alcohol": {"drinks_per_week": 0},
            "diarrhea": {"present": False},
            "vomiting": {"present": False},
            "laxative_use": "none",
            "symptoms": ["muscle_cramps"],
            "red_flags_now": [],
            "supplements": [],
        }
    )
    assert result.urgency == "none"
    assert "discuss_at_next_visit" not in _codes(result)
    assert any("built for adults (18 and over)" in w and "normal blood-test ranges" in w for w in result.warnings)


def test_a_15_year_old_with_a_possible_depletion_is_still_routine(screener):
    result = screener.screen({"age": 15, "medications": ["furosemide 20mg"], "symptoms": []})
    assert result.urgency == "routine"
    assert any("built for adults" in w for w in result.warnings)


# O7: an ordinary stomach bug in a well adult

GASTRO_30 = {
    "age": 30,
    "sex": "female",
    "pregnant": "no",
    "medications": [],
    "diuretic_use": "no",
    "alcohol": {"drinks_per_week": 2},
    "diarrhea": {"present": True, "days": 7, "stools_per_day": 5},
    "vomiting": {"present": True, "days": 2, "episodes_per_day": 3, "cannot_keep_fluids_down": False},
    "laxative_use": "none",
    "symptoms": ["fatigue"],
    "red_flags_now": [],
    "supplements": [],
}


def test_a_well_30_year_old_with_a_week_of_gastroenteritis_gets_fluids_and_the_nhs_safety_net_not_a_visit(screener):
    result = screener.screen(GASTRO_30)
    assert (result.potassium_depletion, result.urgency) == ("possible", "none")
    codes = _codes(result)
    assert "check_magnesium_with_potassium" not in codes
    assert "discuss_at_next_visit" not in codes
    assert "general_advice" not in codes  # "do not point to low potassium" would contradict the headline
    fluids = _text(result, "fluids_for_gi_losses")
    assert "more than 7 days" in fluids and "more than 2" in fluids and "today" in fluids


def test_the_same_woman_on_day_8_of_diarrhea_is_seen_within_days(screener):
    result = screener.screen({**GASTRO_30, "diarrhea": {"present": True, "days": 8, "stools_per_day": 5}})
    assert result.urgency == "soon"


@pytest.mark.parametrize(
    "change",
    [
        {"age": 70},  # older people keep their rules
        {"age": 0},  # so do babies under 1 (a teenager's short bug is judged as an adult's: test_review7_urgent)
        {"medications": ["ramipril 5mg"]},  # a sick-day medicine
        {"medications": ["salbutamol inhaler"]},  # a potassium-lowering medicine
        {"symptoms": ["fatigue", "muscle_cramps"]},  # a fitting muscle symptom
        {"symptoms": ["muscle_weakness"]},
        {"conditions": ["chronic_kidney_disease"]},
        {"pregnant": "yes"},
    ],
)
def test_a_stomach_bug_stays_routine_for_people_it_means_more_for(screener, change):
    result = screener.screen({**GASTRO_30, **change})
    assert result.urgency != "none"


def test_a_well_33_year_old_with_two_days_of_diarrhea_keeps_the_general_advice_beside_the_safety_net(screener):
    result = screener.screen(
        {"age": 33, "medications": [], "diarrhea": {"present": True, "days": 2, "stools_per_day": 4}, "symptoms": []}
    )
    assert result.urgency == "none"
    assert "general_advice" in _codes(result)
    assert "more than 7 days" in _text(result, "fluids_for_gi_losses")


# O8: a year of loose stools from known IBS


def test_a_38_year_old_with_a_year_of_ibs_loose_stools_is_told_when_it_can_wait_for_her_review(screener):
    result = screener.screen(
        {
            "age": 38,
            "medications": ["mebeverine 135mg", "loperamide 2mg prn"],
            "diarrhea": {"present": True, "days": 365, "stools_per_day": 3},
            "symptoms": ["fatigue"],
        }
    )
    assert result.urgency == "soon"
    reason = next(f for f in result.findings if f.rule == "soon_persistent_gi_losses")
    assert "if it has not been looked into" in reason.explanation
    assert "irritable bowel syndrome" in reason.explanation and "blood in the stool" in reason.explanation


# W3: advice beside "none"


def test_a_35_year_old_on_the_pill_with_ibuprofen_when_needed_is_not_asked_about_blood_checks(screener):
    result = screener.screen(
        {"age": 35, "sex": "female", "medications": ["Microgynon 30", "ibuprofen 400mg when needed"], "symptoms": ["fatigue"]}
    )
    assert result.urgency == "none"
    assert "keep_taking_prescribed_medicines" not in _codes(result)


def test_a_45_year_old_on_citalopram_alone_is_not_asked_about_blood_checks(screener):
    result = screener.screen({"age": 45, "medications": ["citalopram 20mg"], "symptoms": []})
    assert result.urgency == "none"
    assert "keep_taking_prescribed_medicines" not in _codes(result)


def test_ibuprofen_and_citalopram_beside_ramipril_still_bring_the_advice_to_keep_taking_them(screener):
    result = screener.screen({"age": 45, "medications": ["ibuprofen 400mg", "citalopram 20mg", "ramipril 5mg"], "symptoms": []})
    assert "keep_taking_prescribed_medicines" in _codes(result)
