"""A thin record is never told "these answers do not point to low magnesium or potassium".

With one or two of the four core sections answered (medicines, alcohol, gut losses, symptoms),
every level "unlikely" rests on few answers: the headline says so ("based on few answers: not
reassurance"), and the advice says the same in its own words, naming what was not asked about,
instead of the general advice. Both read one definition of "few" (``coverage.few_answered``).
"""

from __future__ import annotations

from typing import Any

from result_support import codes

from screener.contract.coverage import FEWEST_CORE_SECTIONS_MISSING_FOR_FEW, few_answered
from screener.headline import Headline
from screener.render import result_text

DO_NOT_POINT = "do not point to low magnesium or potassium"

# Sam, 40, filled in his age and said he has no symptoms, and stopped there.
SAM_WHO_ONLY_GAVE_AGE_AND_SYMPTOMS = {"id": "sam", "age": 40, "symptoms": []}



def advice(result: Any, code: str) -> str:
    return next(recommendation.text for recommendation in result.recommendations if recommendation.code == code)


def test_sam_who_only_gave_age_and_symptoms_is_not_told_his_answers_do_not_point_anywhere(screener: Any) -> None:
    result = screener.screen(SAM_WHO_ONLY_GAVE_AGE_AND_SYMPTOMS)
    assert (result.combined_depletion, result.urgency, result.coverage) == ("unlikely", "none", "partial")
    assert "general_advice" not in codes(result)
    assert DO_NOT_POINT not in " ".join(r.text for r in result.recommendations)
    text = advice(result, "answer_the_core_questions")
    assert "nothing was said about medicines, alcohol and gut losses (diarrhea, vomiting, laxatives)" in text
    assert "does not rule out low magnesium or potassium" in text
    assert "{" not in text  # the slot for the sections not answered is filled in


def test_sam_is_told_few_answers_by_his_headline_and_his_advice_alike(screener: Any) -> None:
    result = screener.screen(SAM_WHO_ONLY_GAVE_AGE_AND_SYMPTOMS)
    assert Headline.of(result).few_answers
    printed = result_text(result, screener)
    assert "few answers" in printed and "Few answers to screen on" in printed
    assert DO_NOT_POINT not in printed


def test_nora_who_answered_her_medicines_and_alcohol_is_told_gut_losses_and_symptoms_were_not_asked(screener: Any) -> None:
    result = screener.screen({"id": "nora", "age": 55, "medications": [], "alcohol": {"drinks_per_week": 2}})
    text = advice(result, "answer_the_core_questions")
    assert "nothing was said about gut losses (diarrhea, vomiting, laxatives) and symptoms" in text


def test_three_core_sections_answered_still_get_the_general_advice(screener: Any) -> None:
    answers = SAM_WHO_ONLY_GAVE_AGE_AND_SYMPTOMS | {"medications": [], "alcohol": {"drinks_per_week": 0}}
    result = screener.screen(answers)
    assert result.coverage == "partial"
    assert not Headline.of(result).few_answers
    assert "general_advice" in codes(result) and "answer_the_core_questions" not in codes(result)


def test_none_answered_keeps_its_own_stronger_advice_and_is_not_few(screener: Any) -> None:
    result = screener.screen({"id": "una", "age": 30})
    assert result.coverage == "none"
    assert "answer_more_questions" in codes(result)
    assert "answer_the_core_questions" not in codes(result) and "general_advice" not in codes(result)


def test_ivan_on_furosemide_with_cramps_who_answered_two_sections_is_sent_to_a_clinician_instead(screener: Any) -> None:
    # With a clinician to see, the how-soon advice takes the general advice's place: neither the
    # general advice nor the advice on few answers comes with it (as the spec has it).
    result = screener.screen({"id": "ivan", "age": 70, "medications": ["furosemide"], "symptoms": ["muscle_cramps"]})
    assert result.urgency != "none" and result.combined_depletion != "unlikely"
    assert codes(result)[0] == "discuss_at_next_visit"
    assert "answer_the_core_questions" not in codes(result) and "general_advice" not in codes(result)
    assert not Headline.of(result).few_answers  # the headline qualifies only an all-unlikely result


def test_few_means_one_or_two_of_the_four_core_sections() -> None:
    assert FEWEST_CORE_SECTIONS_MISSING_FOR_FEW == 2
    everything = ("medicines", "alcohol", "gi_losses", "symptoms")
    assert [few_answered(everything[:missing]) for missing in range(5)] == [False, False, True, True, False]


def test_for_a_child_under_12_asked_three_core_sections_few_means_one_of_them() -> None:
    asked = ("medicines", "gi_losses", "symptoms")  # no alcohol question under 12
    assert [few_answered(asked[:missing], 3) for missing in range(4)] == [False, False, True, False]


# Lena opened the screen on a shared computer, gave her age and sex, and saved an answers file
# with nothing about medicines, alcohol, gut losses or symptoms.
LENA_WHO_ANSWERED_NO_CORE_SECTION = {"id": "lena", "age": 31, "sex": "female"}


def test_lena_who_answered_no_core_question_reads_not_screened_in_the_terminal_as_on_the_web(screener: Any) -> None:
    # The report and web page said "not screened"; the terminal said "UNLIKELY ... no clinician
    # visit needed" under its own "Not enough answers" banner, contradicting it.
    text = result_text(screener.screen(LENA_WHO_ANSWERED_NO_CORE_SECTION), width=200)
    assert "Combined magnesium and potassium depletion: NOT SCREENED (too few answers)" in text
    assert "magnesium depletion: not screened (the rules' level: unlikely)" in text
    assert "How soon: not screened on these answers - see a clinician if you feel unwell or are worried." in text
    assert "no clinician visit needed" not in text
    assert "UNLIKELY" not in text


def test_a_low_result_with_no_core_answers_keeps_its_level_and_urgency_in_the_terminal(screener: Any) -> None:
    text = result_text(
        screener.screen({"labs": {"potassium": {"value": 2.9, "unit": "mmol/L", "taken": "last_7_days"}}}), width=200
    )
    assert "potassium depletion: likely" in text
    assert "How soon: urgent - contact a clinician today" in text
