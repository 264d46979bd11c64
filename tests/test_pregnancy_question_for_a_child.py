"""The pregnancy question is asked of women and "other" aged 10 to 55 (an addition to contract v2,
see README). Below 18 a parent or carer is often the one answering (the age question says they
may): "Are you pregnant?" then reads as asked of the parent, so the question fits both (surfaces
review E6)."""

from __future__ import annotations

from web_support import Visitor

from screener.interview import Interview, Questionnaire
from screener.screening.ruleset import load_ruleset

CHILD_WORDS = "Are you pregnant (or, if you are answering for a young person, are they)?"


def interview() -> Interview:
    return Interview.for_ruleset(Questionnaire.load(None), load_ruleset(None))


def pregnancy_question(age: str) -> str:
    person = interview()
    for reply in ("0", age, "female"):
        person.answer(reply)
    question = person.next_question()
    assert question is not None and question.key == "pregnant"
    return question.text


def test_a_mother_answering_for_her_12_year_old_daughter_is_asked_whether_the_young_person_is_pregnant() -> None:
    assert pregnancy_question("12") == CHILD_WORDS
    assert pregnancy_question("17") == CHILD_WORDS


def test_a_woman_of_18_or_more_is_asked_are_you_pregnant() -> None:
    assert pregnancy_question("18") == "Are you pregnant?"
    assert pregnancy_question("40") == "Are you pregnant?"


def test_the_web_page_words_it_for_a_parent_too() -> None:
    visitor = Visitor()
    visitor.start()
    visitor.choose("None of these")
    visitor.type("12")
    visitor.choose("Female")
    assert visitor.question == "pregnant"
    assert visitor.heading == CHILD_WORDS
