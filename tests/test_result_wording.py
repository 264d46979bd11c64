"""What a result says never contradicts itself. With urgency `none` the screen may still give
advice (sick-day rules, fluids, alcohol, medicines to keep taking, supplements to avoid): the
words for `none` and the general advice must sit beside every one of them. QA found "How soon:
none - nothing flagged in these answers" and "Nothing in these answers points to a magnesium or
potassium problem" next to the advice to ask a pharmacist which medicines to pause, for a person on
ibuprofen after four days of vomiting. Vomiting for more than 2 days is now "soon" (README departures),
so the same advice is checked here with four days of diarrhea, still urgency `none`."""

from __future__ import annotations

from typing import Any

import pytest

# Every recommendation the rules can give beside general_advice (urgency none, some answers),
# each with a person who gets it: found by screening sparse synthetic records, and by the rules.
# Each answers three of the four core sections: with one or two answered the advice on few
# answers (answer_the_core_questions) takes the general advice's place (BESIDE_FEW_ANSWERS).
BESIDE_GENERAL_ADVICE = {
    # metformin brings the sick-day advice without the urgency; an NSAID has its own line since
    # catalogue review 9 (F5)
    "sick_day_medicines": {"medications": ["metformin"], "diarrhea": {"present": True, "days": 4}, "symptoms": []},
    # an NSAID with diarrhea of any length (vignette review 4, M4)
    "avoid_nsaids_while_ill": {"medications": ["ibuprofen"], "diarrhea": {"present": True, "days": 1}, "symptoms": []},
    "fluids_for_gi_losses": {"diarrhea": {"present": True, "days": 1}, "symptoms": [], "medications": []},
    "stop_laxatives_during_diarrhea": {
        "age": 40, "diarrhea": {"present": True, "days": 1}, "laxative_use": "occasional", "symptoms": [], "medications": [],
    },
    "alcohol_support": {"alcohol": {"audit_c": {"frequency": 4, "quantity": 1, "binge": 2}}, "medications": [], "symptoms": []},
    "keep_taking_prescribed_medicines": {"medications": ["omeprazole 20mg"], "symptoms": [], "alcohol": {"drinks_per_week": 0}},
    "no_potassium_self_supplement": {"medications": ["lisinopril"], "symptoms": [], "alcohol": {"drinks_per_week": 0}},
    "no_magnesium_self_supplement": {
        "conditions": ["chronic_kidney_disease"], "symptoms": [], "medications": [], "alcohol": {"drinks_per_week": 0},
    },
    # a reliever with a steroid tablet or theophylline (vignette review 5, M8)
    "reliever_with_other_potassium_lowering_medicines": {
        "medications": ["salbutamol inhaler", "prednisolone 5mg"], "symptoms": [], "alcohol": {"drinks_per_week": 0},
    },    # a normal potassium from the last 30 days, said at the top (clinical review 6, O3)
    "recent_results_normal": {
        "medications": [], "symptoms": [], "alcohol": {"drinks_per_week": 0},
        "labs": {"potassium": {"value": 4.2, "unit": "mmol/L", "taken": "last_7_days"}},
    },
}
# The same people with one or two core sections answered.
BESIDE_FEW_ANSWERS = {
    "sick_day_medicines": {"medications": ["metformin"], "diarrhea": {"present": True, "days": 4}},
    "fluids_for_gi_losses": {"diarrhea": {"present": True, "days": 1}, "symptoms": []},
    "stop_laxatives_during_diarrhea": {"age": 40, "diarrhea": {"present": True, "days": 1}, "laxative_use": "occasional"},
    "alcohol_support": {"alcohol": {"audit_c": {"frequency": 4, "quantity": 1, "binge": 2}}},
    "keep_taking_prescribed_medicines": {"medications": ["omeprazole 20mg"], "symptoms": []},
    "no_potassium_self_supplement": {"medications": ["lisinopril"], "symptoms": []},
    "no_magnesium_self_supplement": {"conditions": ["chronic_kidney_disease"], "symptoms": []},
    "reliever_with_other_potassium_lowering_medicines": {"medications": ["salbutamol inhaler", "prednisolone 5mg"], "symptoms": []},
}
WORDS_THAT_DENY_ADVICE = ("nothing flagged", "nothing in these answers", "no problem", "nothing to do")


def test_ibuprofen_after_four_days_of_diarrhea_is_told_no_visit_is_needed_for_mg_or_k_not_that_nothing_was_found(
    screener: Any,
) -> None:
    result = screener.screen({"medications": ["ibuprofen"], "diarrhea": {"present": True, "days": 4}, "symptoms": []})
    assert result.urgency == "none" and result.consult_clinician is False  # the levels follow the spec
    assert result.urgency_text == "no clinician visit needed for magnesium or potassium on these answers alone"
    codes = [recommendation.code for recommendation in result.recommendations]
    assert codes == [
        "avoid_nsaids_while_ill",  # vignette review 4, M4; the sick-day list no longer names it too (catalogue review 9, F5)
        "fluids_for_gi_losses",  # the advice while ill together (surfaces review A2)
        "no_potassium_self_supplement", "general_advice",
    ]  # fmt: skip
    assert result.recommendations[-1].text.startswith("These answers do not point to low magnesium or potassium.")


@pytest.mark.parametrize("code", sorted(BESIDE_GENERAL_ADVICE))
def test_the_general_advice_and_the_words_for_none_sit_beside_every_other_advice(screener: Any, code: str) -> None:
    result = screener.screen(BESIDE_GENERAL_ADVICE[code])
    codes = [recommendation.code for recommendation in result.recommendations]
    assert result.urgency == "none" and code in codes and "general_advice" in codes, codes
    for text in (result.urgency_text, *(r.text for r in result.recommendations if r.code == "general_advice")):
        assert not any(words in text.lower() for words in WORDS_THAT_DENY_ADVICE), text


@pytest.mark.parametrize("code", sorted(BESIDE_FEW_ANSWERS))
def test_the_advice_on_few_answers_sits_beside_every_other_advice_in_place_of_the_general_advice(
    screener: Any, code: str
) -> None:
    result = screener.screen(BESIDE_FEW_ANSWERS[code])
    codes = [recommendation.code for recommendation in result.recommendations]
    # First, as the how-soon lines are when any: what follows rests on few answers (coherence review H7)
    assert result.urgency == "none" and code in codes and codes[0] == "answer_the_core_questions", codes
    assert "general_advice" not in codes
    assert not any(words in result.recommendations[0].text.lower() for words in WORDS_THAT_DENY_ADVICE)


def test_no_other_recommendation_comes_with_urgency_none(screener: Any) -> None:
    """The list above is complete: the other recommendations come only with a clinician to see."""
    import random

    from screener.synthetic import cohort

    chooser = random.Random(5)
    seen: set[str] = set()
    for record in cohort(3000, seed=3):
        sparse = {key: value for key, value in record.items() if chooser.random() < 0.35}
        entry = screener.screen_entry(sparse)
        if entry.get("urgency") == "none":
            seen |= {recommendation["code"] for recommendation in entry["recommendations"]}
    assert seen - {"general_advice", "answer_more_questions", "answer_the_core_questions"} <= set(BESIDE_GENERAL_ADVICE), seen
