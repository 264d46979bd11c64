"""Teaching examples on the web page: a class opens one of the made-up people of `mgk-screen
demo`, sees its story above the result the screen gives for its answers, and changes one answer
to see what moves, as `mgk-screen compare --set` does in a terminal.

Driven through the real app in-process, page by page, with no JavaScript (as a person uses it).
"""

from __future__ import annotations

import pytest
from web_support import Visitor

from screener.headline import Headline
from screener.screening.pipeline import Screener
from screener.teaching.personas import list_personas, load_persona, personas_folder

MARGARET = "older-adult-on-furosemide-with-cramps"


@pytest.fixture
def visitor() -> Visitor:
    return Visitor()


def open_example(visitor: Visitor, name: str) -> None:
    visitor.open("/examples")
    visitor.post("/examples/open", {"csrf": visitor.hidden("csrf"), "example": name})


def screened_headline(answers: dict[str, object]) -> str:
    return Headline.of(Screener().screen(answers).model_dump(mode="json", exclude_none=True)).sentence()


def test_the_start_page_and_every_footer_lead_to_the_teaching_examples(visitor: Visitor) -> None:
    """Once on the start page: its "For teaching" section ends just above the footer, and two links
    to the same place were reached by Tab twice in a row (newcomer review E5). Every other page's
    footer has the link."""
    visitor.open("/")
    assert visitor.html.count('href="/examples"') == 1
    assert "For teaching" in visitor.text()
    visitor.open("/api")
    assert visitor.html.count('href="/examples"') == 1


def test_the_examples_page_lists_every_shipped_persona_with_the_start_of_its_story(visitor: Visitor) -> None:
    visitor.open("/examples")
    assert visitor.page.status_code == 200
    personas = list_personas(personas_folder())
    assert len(personas) >= 10
    for persona in personas:
        assert persona.title in visitor.text()
        assert persona.story[0] in visitor.text()
        assert f'name="example" value="{persona.name}"' in visitor.html


def test_margarets_example_opens_on_her_story_above_the_result_her_answers_give(visitor: Visitor) -> None:
    margaret = load_persona(MARGARET, personas_folder())
    open_example(visitor, MARGARET)
    assert visitor.page.url.path == "/result"
    assert visitor.heading == "Screening result for a teaching example"
    text = visitor.text()
    assert "This is a teaching example: a made-up person's answers, not yours." in text
    assert f"{margaret.title} (a made-up person)" in text
    assert all(paragraph in text for paragraph in margaret.story)  # the questions for discussion too
    assert screened_headline(margaret.answers) in text
    # Her file answers nothing about alcohol: skipped, so unknown, never "no", and the result
    # is not told she stopped before the end.
    assert "You stopped before the end" not in text
    assert "Not answered, so this result may miss something" in text


def test_changing_margarets_symptoms_to_none_goes_back_to_the_review_and_the_result_moves(visitor: Visitor) -> None:
    margaret = load_persona(MARGARET, personas_folder())
    open_example(visitor, MARGARET)
    before = screened_headline(margaret.answers)
    visitor.open("/review")
    assert visitor.heading == "Check the example's answers"
    visitor.press("/review/change", item="symptoms")
    assert visitor.question == "symptoms"
    visitor.choose("None of these")
    assert visitor.page.url.path == "/review"  # not on through the questions her file leaves open
    visitor.open("/result")
    after = screened_headline({**margaret.answers, "symptoms": []})
    assert after != before
    assert after in visitor.text()
    assert before not in visitor.text()


def test_an_example_that_cannot_skip_the_question_about_now_is_shown_as_answers_so_far(visitor: Visitor) -> None:
    # The potassium-result-only example leaves "happening now" unanswered, and that question
    # cannot be skipped: its result is for the answers it gives, and says some are missing.
    open_example(visitor, "low-potassium-result-only")
    assert visitor.page.url.path == "/result"
    assert "This example leaves some questions unanswered. They are unknown, never taken as “no”." in visitor.text()


def test_an_unknown_example_is_a_page_saying_where_the_examples_are(visitor: Visitor) -> None:
    visitor.open("/examples")
    visitor.post("/examples/open", {"csrf": visitor.hidden("csrf"), "example": "nobody"})
    assert visitor.page.status_code == 404
    assert "There is no teaching example called 'nobody'. The examples are listed at /examples." in visitor.text()


def test_opening_an_example_without_the_pages_token_is_refused(visitor: Visitor) -> None:
    visitor.post("/examples/open", {"csrf": "forged", "example": MARGARET})
    assert visitor.page.status_code == 403


def test_opening_an_example_replaces_the_answers_held_for_this_browser(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("33")
    open_example(visitor, MARGARET)
    visitor.open("/review")
    assert "78" in visitor.text()
    assert "33" not in visitor.text()
