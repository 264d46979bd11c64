"""Leftovers round (2026-12-01): a child's advice written to the parent, an older low result in
the headline, the potassium-keeping medicines named beside a high potassium, caffeine beside
palpitations, and the oncology line beside a high potassium on anticancer treatment (README,
"Leftovers (2026-12-01)")."""

from __future__ import annotations

from typing import Any

from result_support import codes, flat, rules_fired, text_of

from screener.headline import Headline

NO_GUT_LOSSES = {"diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none"}
EMERGENCY_NUMBER = "call your local emergency number"

# Maya, 8, with kidney disease on lisinopril, given children's ibuprofen, vomiting and with
# diarrhea for two days, palpitations and cramps: her parent answers for her.
MAYA_8_ILL_ON_IBUPROFEN = {
    "age": 8,
    "sex": "female",
    "medications": ["ibuprofen", "lisinopril"],
    "conditions": ["chronic_kidney_disease"],
    "vomiting": {"present": True, "days": 2, "episodes_per_day": 3, "cannot_keep_fluids_down": False},
    "diarrhea": {"present": True, "days": 2, "stools_per_day": 4},
    "laxative_use": "none",
    "symptoms": ["palpitations", "muscle_cramps", "fatigue"],
    "red_flags_now": [],
}

# Leo, 9, on omeprazole for over a year for reflux, with cramps, twitches and palpitations.
LEO_9_WITH_TWITCHES = {
    "age": 9,
    "sex": "male",
    "medications": ["omeprazole"],
    "ppi_over_3_months": "yes",
    **NO_GUT_LOSSES,
    "symptoms": ["muscle_cramps", "muscle_twitches", "palpitations", "fatigue"],
    "red_flags_now": [],
}


def test_maya_8_her_parent_is_told_about_the_childs_heart_painkiller_and_food(screener: Any) -> None:
    result = screener.screen(MAYA_8_ILL_ON_IBUPROFEN)
    net = flat(text_of(result, "palpitations_safety_net"))
    assert net.startswith("If the child's heart races") and EMERGENCY_NUMBER in net and "your heart" not in net
    nsaid = flat(text_of(result, "avoid_nsaids_while_ill"))
    assert nsaid.startswith("Do not give the child anti-inflammatory painkillers, such as the ibuprofen you listed")
    assert "children's paracetamol" in nsaid and "while you are" not in nsaid
    food = flat(text_of(result, "food_sources"))
    assert "the child's body may hold on to potassium" in food and "with the child's clinician" in food
    assert "before you eat more" not in food


def test_leo_9_his_parent_is_asked_to_ask_about_a_magnesium_test_for_him(screener: Any) -> None:
    result = screener.screen(LEO_9_WITH_TWITCHES)
    assert result.magnesium_depletion in ("possible", "likely"), result.magnesium_depletion
    assert flat(text_of(result, "check_magnesium")).startswith(
        "Consider asking the child's clinician whether the child needs a magnesium blood test"
    )
    assert flat(text_of(result, "palpitations_safety_net")).startswith("If the child's heart races")


def test_an_adult_keeps_the_adult_words(screener: Any) -> None:
    adult = screener.screen({**LEO_9_WITH_TWITCHES, "age": 30})
    assert flat(text_of(adult, "check_magnesium")).startswith("Consider asking your clinician")
    assert flat(text_of(adult, "palpitations_safety_net")).startswith("If your heart races")


# Ruth, 45, no medicines, no symptoms: a potassium of 2.6 and a magnesium of 0.45 from last year.
RUTH_WITH_OLDER_LOW_RESULTS = {
    "age": 45,
    "sex": "female",
    "medications": [],
    "alcohol": {"drinks_per_week": 0},
    **NO_GUT_LOSSES,
    "symptoms": [],
    "red_flags_now": [],
    "labs": {
        "potassium": {"value": 2.6, "unit": "mmol/L", "taken": "older"},
        "magnesium": {"value": 0.45, "unit": "mmol/L", "taken": "older"},
    },
}


def test_ruth_her_older_low_results_are_why_the_headline_is_not_a_flat_unlikely(screener: Any) -> None:
    result = screener.screen(RUTH_WITH_OLDER_LOW_RESULTS)
    assert (result.combined_depletion, result.urgency) == ("unlikely", "soon")
    assert "recheck_older_result" in codes(result)
    headline = Headline.of(result)
    assert headline.words() == "unlikely, but an older result below the normal range was not used: recheck"
    assert "not used to judge the levels and needs a recheck" in headline.sentence()
    assert headline.note() == "but older low result not used"
    assert headline.qualified and headline.card_level == "flagged"
    # A current low result is used for the levels: no such words.
    current = screener.screen({**RUTH_WITH_OLDER_LOW_RESULTS, "labs": {"potassium": {"value": 2.6, "unit": "mmol/L", "taken": "last_7_days"}}})
    assert "older" not in Headline.of(current).words()


# Arthur, 74, on spironolactone for heart failure, given trimethoprim for a urine infection: a
# potassium of 5.7 this week.
ARTHUR_ON_SPIRONOLACTONE_AND_TRIMETHOPRIM = {
    "age": 74,
    "sex": "male",
    "medications": ["spironolactone 25mg", "trimethoprim 200mg", "furosemide 40mg"],
    "alcohol": {"drinks_per_week": 0},
    **NO_GUT_LOSSES,
    "symptoms": [],
    "red_flags_now": [],
    "labs": {"potassium": {"value": 5.7, "unit": "mmol/L", "taken": "last_7_days"}},
}


def test_arthur_the_high_potassium_advice_names_spironolactone_and_trimethoprim(screener: Any) -> None:
    result = screener.screen(ARTHUR_ON_SPIRONOLACTONE_AND_TRIMETHOPRIM)
    assert result.urgency == "soon"
    advice = flat(text_of(result, "high_potassium_result"))
    assert "including spironolactone and trimethoprim." in advice
    assert "furosemide" not in advice  # a water pill that loses potassium is not why it is high
    at_6_1 = screener.screen({**ARTHUR_ON_SPIRONOLACTONE_AND_TRIMETHOPRIM, "labs": {"potassium": {"value": 6.1, "unit": "mmol/L", "taken": "last_7_days"}}})
    assert "what raised it, including spironolactone and trimethoprim." in flat(text_of(at_6_1, "high_potassium_result"))
    nothing_keeps_it = screener.screen({**ARTHUR_ON_SPIRONOLACTONE_AND_TRIMETHOPRIM, "medications": ["furosemide 40mg"]})
    assert "including your medicines." in flat(text_of(nothing_keeps_it, "high_potassium_result"))


# Sam, 15, drinks four cans of Monster a day, with palpitations, tremor and anxiety.
SAM_15_ON_ENERGY_DRINKS = {
    "age": 15,
    "sex": "male",
    "medications": ["Monster energy drink x4 a day"],
    "alcohol": {"drinks_per_week": 0},
    **NO_GUT_LOSSES,
    "symptoms": ["palpitations", "tremor", "anxiety"],
    "red_flags_now": [],
    "supplements": [],
}


def test_sam_15_is_told_to_cut_caffeine_and_stop_energy_drinks_beside_his_palpitations(screener: Any) -> None:
    result = screener.screen(SAM_15_ON_ENERGY_DRINKS)
    advice = flat(text_of(result, "palpitations_safety_net"))
    assert advice.startswith("Caffeine, in the energy drinks or caffeine tablets you listed")
    assert "stop energy drinks and caffeine tablets" in advice and EMERGENCY_NUMBER in advice
    assert (result.magnesium_depletion, result.potassium_depletion) == ("unlikely", "unlikely")  # caffeine counts for nothing
    assert [match.drug_class for medicine in result.medications_recognised for match in medicine.matches] == ["caffeine"]
    child = screener.screen({**SAM_15_ON_ENERGY_DRINKS, "age": 10})
    words = flat(text_of(child, "palpitations_safety_net"))
    assert "are not for children" in words and "If the child's heart races" in words
    without = screener.screen({**SAM_15_ON_ENERGY_DRINKS, "medications": []})
    assert "Caffeine" not in text_of(without, "palpitations_safety_net")


# Brenda, 68, with chronic lymphocytic leukaemia, in the second week of venetoclax: a potassium
# of 6.1 today, no vomiting or diarrhea.
BRENDA_ON_VENETOCLAX_WITH_K_6_1 = {
    "age": 68,
    "sex": "female",
    "medications": ["venetoclax 50mg"],
    "alcohol": {"drinks_per_week": 0},
    **NO_GUT_LOSSES,
    "symptoms": [],
    "red_flags_now": [],
    "labs": {"potassium": {"value": 6.1, "unit": "mmol/L", "taken": "last_7_days"}},
}


def test_brenda_on_venetoclax_with_a_potassium_of_6_1_is_told_to_call_her_oncology_line(screener: Any) -> None:
    result = screener.screen(BRENDA_ON_VENETOCLAX_WITH_K_6_1)
    assert result.urgency == "urgent"
    advice = flat(text_of(result, "oncology_line_today"))
    assert "call your chemotherapy or acute oncology 24-hour advice line today" in advice
    assert "tumour lysis" in advice and "6.0 mmol/L or more" in advice
    assert "recommend_oncology_line_today_high_potassium" in rules_fired(result)
    below_6 = screener.screen({**BRENDA_ON_VENETOCLAX_WITH_K_6_1, "labs": {"potassium": {"value": 5.6, "unit": "mmol/L", "taken": "last_7_days"}}})
    assert "oncology_line_today" not in codes(below_6)
    with_diarrhea = screener.screen({**BRENDA_ON_VENETOCLAX_WITH_K_6_1, "diarrhea": {"present": True, "days": 1, "stools_per_day": 4}})
    assert codes(with_diarrhea).count("oncology_line_today") == 1
    assert "tumour lysis" in text_of(with_diarrhea, "oncology_line_today")
