"""The answers shown back ("Your answers, as given" on the web result, the printout and the PDFs;
the CDS card's answers) hold only what the person answered: a question not asked because of an
earlier answer is not shown with the value the scoring gives it (surfaces review, A1)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from report_images import WHEN
from test_reports import parsed, text_of
from web_support import Visitor, answer_typical_person

pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")

# Nora, 50, never drinks: the web page and `ask` write the other AUDIT-C parts as 0 for her
# (the questionnaire's also_set), so that the AUDIT-C total is 0, but she was never asked them.
NORA_WHO_NEVER_DRINKS = {
    "id": "nora",
    "age": 50,
    "sex": "female",
    "medications": [],
    "alcohol": {"audit_c": {"frequency": 0, "quantity": 0, "binge": 0}, "drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "symptoms": [],
    "red_flags_now": [],
}

NOT_ASKED_OF_A_NEVER_DRINKER = ("Drinks on a typical drinking day", "Six or more drinks on one occasion", "Drinks in a usual week")


def answers_table(html: str) -> dict[str, str]:
    section = next(s for s in parsed(html).iter("section") if s.get("aria-labelledby") == "answers-heading")
    return {text_of(row.find("th")): text_of(row.find("td")) for row in section.iter("tr") if row.find("td") is not None}


def test_nora_who_never_drinks_is_not_shown_drinking_one_or_two_drinks_in_her_report(screener: Any) -> None:
    from screener.reports import person_report

    rows = answers_table(person_report(NORA_WHO_NEVER_DRINKS, screener=screener, generated=WHEN))
    assert rows["How often you drink alcohol"] == "Never"
    for question in NOT_ASKED_OF_A_NEVER_DRINKER:
        assert question not in rows, question
    assert "1 or 2" not in rows.values()


def test_nora_on_the_web_page_sees_never_and_nothing_made_up_under_her_answers() -> None:
    visitor = Visitor()
    visitor.start()
    answer_typical_person(visitor)  # "Never" to how often she drinks
    visitor.open("/result")
    answers = visitor.text().split("Your answers, as given", 1)[1]
    assert re.search(r"How often you drink alcohol\s*Never", answers)
    for question in NOT_ASKED_OF_A_NEVER_DRINKER:
        assert question not in answers, question


def test_a_drinker_who_gave_every_alcohol_answer_sees_each_of_them(screener: Any) -> None:
    from screener.reports import person_report

    drinker = {**NORA_WHO_NEVER_DRINKS, "alcohol": {"audit_c": {"frequency": 2, "quantity": 0, "binge": 0}, "drinks_per_week": 2}}
    rows = answers_table(person_report(drinker, screener=screener, generated=WHEN))
    assert rows["Drinks on a typical drinking day"] == "1 or 2"
    assert rows["Six or more drinks on one occasion"] == "Never"
    assert rows["Drinks in a usual week"] == "2"


def test_an_answer_another_tool_wrote_against_never_is_still_shown(screener: Any) -> None:
    """A value other than the one "Never" implies was given by someone: it is shown, not hidden."""
    from screener.reports import person_report

    odd = {**NORA_WHO_NEVER_DRINKS, "alcohol": {"audit_c": {"frequency": 0, "quantity": 0, "binge": 0}, "drinks_per_week": 3}}
    rows = answers_table(person_report(odd, screener=screener, generated=WHEN))
    assert rows["Drinks in a usual week"] == "3"
    assert "Drinks on a typical drinking day" not in rows


def test_nora_explained_sees_the_alcohol_parts_she_was_not_asked_marked_as_not_asked(screener: Any) -> None:
    from screener.teaching import answer_lines, walk

    walked = walk(screener, screener.run(NORA_WHO_NEVER_DRINKS), NORA_WHO_NEVER_DRINKS)
    lines = {line.field: line.text for line in walked.answers}
    assert lines["alcohol.audit_c.frequency"] == "0"
    assert lines["alcohol.audit_c.quantity"] == "0; not asked: follows from the answer 'How often you drink alcohol: Never'"
    assert "not asked" in lines["alcohol.drinks_per_week"]
    # Without a questionnaire (a rule folder for batch use only) the file's values are shown as they are.
    plain = {line.field: line.text for line in answer_lines(NORA_WHO_NEVER_DRINKS, screener.screen(NORA_WHO_NEVER_DRINKS))}
    assert plain["alcohol.audit_c.quantity"] == "0"
