"""`mgk-screen ask` reads plain speech that is clear and safe, and asks again, saying what it
read, when it is not (newcomer review 7, section 7):

- numbers in words at every number question: "sixty eight" or "sixty-eight" is 68, "a hundred
  and two" 102; words that could be two numbers ("sixty or seventy", "eight sixty") are asked again;
- a yes, no or not sure followed by more words ("yes, bendroflumethiazide", "no, never") is that
  answer, said back; words after it that could change it ("yes, but I stopped", "no... well yes")
  are asked again, saying what was read at the start; a medicine named after a yes is offered at
  the medicines question ("You named bendroflumethiazide ... type it here"), and one named after a
  no or not sure is asked again;
- symptoms named inside everyday words ("cramps in my legs at night") are the answer whose label
  or words they use (the questionnaire's data), said back; a negation ("no cramps") or words of
  another answer that shares the word ("my hands cramping into a fixed position": the spasms that
  lock) are asked again, saying what was understood.
"""

from __future__ import annotations

from typing import Any

import pytest

from screener.interview import Interview, Questionnaire
from screener.screening.ruleset import load_ruleset


@pytest.fixture(scope="module")
def ruleset() -> Any:
    return load_ruleset()


def interview(ruleset: Any, *replies: str) -> Interview:
    """An interview with these replies given, each of them read."""
    walk = Interview.for_ruleset(Questionnaire.load(), ruleset)
    for reply in replies:
        assert walk.answer(reply).moved_on, reply
    return walk


def test_harold_gives_his_age_as_sixty_eight_in_words(ruleset: Any) -> None:
    for said in ("sixty eight", "Sixty-eight", "about sixty eight"):
        assert interview(ruleset, "0", said).answers["age"] == 68
    assert interview(ruleset, "0", "a hundred and two").answers["age"] == 102


def test_a_age_said_as_two_numbers_is_asked_again(ruleset: Any) -> None:
    walk = interview(ruleset, "0")
    for said in ("sixty or seventy", "eight sixty", "sixty eight and a half"):
        reply = walk.answer(said)
        assert reply.status == "invalid", said
        assert "Please type a whole number from 0 to 120" in reply.message
    assert walk.next_question().key == "age"


def test_greta_says_yes_bendroflumethiazide_and_is_offered_it_at_the_medicines_question(ruleset: Any) -> None:
    walk = interview(ruleset, "0", "sixty eight", "female")
    reply = walk.answer("yes, bendroflumethiazide")
    assert reply.status == "answered" and reply.value == "yes"
    assert "'yes, bendroflumethiazide' is read as 'Yes'." in reply.notes
    question = walk.next_question()
    assert question.key == "medications"
    assert question.note == "You named bendroflumethiazide at 'Water pill (diuretic)': type it here with your other medicines, so that it counts."
    walk.answer("bendroflumethiazide 2.5 mg")
    assert walk.next_question().key != "medications"  # its check is next; nothing else is asked


def test_greta_told_how_to_add_it_when_her_medicines_were_given_first(ruleset: Any) -> None:
    walk = interview(ruleset, "0", "68", "female", "no", "amlodipine", "yes")
    walk.change("diuretic_use")
    reply = walk.answer("yep, bendroflumethiazide")
    assert reply.value == "yes"
    assert any(
        note.startswith("You named bendroflumethiazide, which is not on your medicines list: to add it, change your answer to 'Medicines'")
        for note in reply.notes
    ), reply.notes


def test_a_yes_naming_a_medicine_already_listed_says_nothing_more(ruleset: Any) -> None:
    walk = interview(ruleset, "0", "68", "male", "yes", "furosemide", "yes")
    walk.change("diuretic_use")
    reply = walk.answer("yes, furosemide")
    assert reply.value == "yes"
    assert reply.notes == ("'yes, furosemide' is read as 'Yes'.",)


@pytest.mark.parametrize(
    ("said", "value"),
    [("no, never", "no"), ("No, I do not", "no"), ("not sure, I think so", "unsure"), ("dunno really", "unsure"), ("yes please", "yes")],
)
def test_walter_answers_the_water_pill_question_in_a_sentence(ruleset: Any, said: str, value: str) -> None:
    walk = interview(ruleset, "0", "70", "male")
    reply = walk.answer(said)
    assert (reply.status, reply.value) == ("answered", value)


@pytest.mark.parametrize("said", ["yes, but I stopped", "yes, not any more", "no... well yes", "yep, maybe", "yes, I don't know the name"])
def test_walter_is_asked_again_when_the_words_after_his_answer_could_change_it(ruleset: Any, said: str) -> None:
    walk = interview(ruleset, "0", "70", "male")
    reply = walk.answer(said)
    assert reply.status == "invalid", said
    assert reply.message.startswith("I read '"), reply.message
    assert "at the start, but the words after it" in reply.message
    assert walk.next_question().key == "diuretic_use"


def test_a_no_that_names_a_water_pill_is_asked_again(ruleset: Any) -> None:
    walk = interview(ruleset, "0", "70", "male")
    reply = walk.answer("no, furosemide")
    assert reply.status == "invalid"
    assert reply.message.startswith("I read 'no' (No) at the start, but you also named furosemide, so I cannot be sure.")
    assert "diuretic_use" not in walk.answers


def test_diarrhea_yes_with_more_words_is_yes(ruleset: Any) -> None:
    walk = interview(ruleset, "0", "40", "male", "no", "none", "never")
    assert walk.next_question().key == "diarrhea_present"
    assert walk.answer("yes, for about a week").value is True


def _at_symptoms(ruleset: Any) -> Interview:
    walk = interview(ruleset, "0", "40", "male", "no", "none", "never", "no", "no", "no", "none", "sometimes", "3")
    assert walk.next_question().key == "symptoms"
    return walk


def test_nora_says_cramps_in_my_legs_at_night_and_tired(ruleset: Any) -> None:
    walk = _at_symptoms(ruleset)
    reply = walk.answer("cramps in my legs at night and tired")
    assert reply.value == ["fatigue", "muscle_cramps"]
    assert reply.notes == (
        "'cramps in my legs at night' is read as 'Muscle cramps'. If that is not right, go back and choose again.",
    )


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("pins and needles in my feet", ["numbness_tingling"]),
        ("shaky hands", ["tremor"]),
        ("yes, cramps and tired", ["fatigue", "muscle_cramps"]),
        ("my heart racing at night", ["palpitations"]),
    ],
)
def test_nora_names_her_symptoms_in_everyday_words(ruleset: Any, said: str, value: list[str]) -> None:
    assert _at_symptoms(ruleset).answer(said).value == value


@pytest.mark.parametrize(
    ("said", "understood"),
    [
        ("no cramps", ""),
        ("cramps but not tired", ""),
        ("my hands cramping into a fixed position", ""),  # the spasms that lock, or cramps? asked
        ("weak in my arm", ""),  # muscle weakness, or being unable to move an arm? asked
        ("tired, and not sleeping well", " I understood: Feeling very tired (fatigue)."),
        ("I feel fit", ""),  # "fit" (a seizure) is too short to be read inside other words
    ],
)
def test_nora_is_asked_again_when_her_words_could_mean_another_answer(ruleset: Any, said: str, understood: str) -> None:
    walk = _at_symptoms(ruleset)
    reply = walk.answer(said)
    assert reply.status == "invalid", said
    assert reply.message.startswith("Sorry, I did not understand '")
    assert (understood in reply.message) if understood else ("I understood" not in reply.message)


def test_someone_who_passed_out_this_morning_gets_the_emergency_advice(ruleset: Any) -> None:
    walk = Interview.for_ruleset(Questionnaire.load(), ruleset)
    reply = walk.answer("I passed out this morning")
    assert reply.emergency and reply.value == ["fainting"]
    assert reply.notes == (
        "'i passed out this morning' is read as 'Fainting, or feeling about to faint'. If that is not right, go back and choose again.",
    )
