"""The web page's "Download my answers" says what the file cannot hold, as `ask --save` says it:
the AUDIT-C is saved only whole, so a first answer without the other two is not in the file
(README "The web page"). Driven through the real app in-process."""

from __future__ import annotations

from web_support import Visitor


def maeve_answers_how_often_she_drinks_and_skips_how_much(visitor: Visitor) -> None:
    """Maeve, 72, drinks "monthly or less" and skips how many drinks on a drinking day and how
    often six or more, then answers the rest to the end."""
    visitor.start()
    visitor.choose("None of these")
    visitor.type("72")
    visitor.choose("Female")
    visitor.choose("No")
    visitor.type("none")
    visitor.choose("Monthly or less")
    visitor.skip()  # drinks on a typical drinking day
    visitor.skip()  # six or more on one occasion
    visitor.type("1")  # drinks in a usual week
    for _ in range(3):
        visitor.choose("No")  # diarrhea, vomiting, laxatives
    visitor.choose("None of these")  # conditions
    visitor.choose("Sometimes")
    visitor.type("3")
    visitor.choose("None of these")  # symptoms
    visitor.choose("None of these")  # supplements
    visitor.type("")
    visitor.type("")


def test_maeves_result_page_says_her_answer_on_how_often_she_drinks_is_not_in_the_download() -> None:
    visitor = Visitor()
    maeve_answers_how_often_she_drinks_and_skips_how_much(visitor)
    visitor.open("/result")
    assert visitor.page.status_code == 200
    downloaded = visitor.client.get("/answers.json").json()
    assert "audit_c" not in downloaded["alcohol"]  # the contract takes the three answers together
    assert (
        "Not in the file: your answer to 'How often you drink alcohol'. It is saved only together with "
        "'Drinks on a typical drinking day' and 'Six or more drinks on one occasion', so it is asked again "
        "when you carry on." in visitor.text()
    )


def test_a_result_page_whose_download_holds_every_answer_has_no_such_note() -> None:
    visitor = Visitor()
    maeve_answers_how_often_she_drinks_and_skips_how_much(visitor)
    visitor.open("/review")
    visitor.press("/review/change", item="alcohol_quantity")
    visitor.type("2")
    visitor.press("/review/change", item="alcohol_binge")
    visitor.choose("Never")
    visitor.open("/result")
    assert visitor.client.get("/answers.json").json()["alcohol"]["audit_c"] == {"frequency": 1, "quantity": 0, "binge": 0}
    assert "Not in the file" not in visitor.text()
