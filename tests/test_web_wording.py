"""The web page words its questions for boxes and buttons, not for a keyboard: the questionnaire's
`text` is the terminal's ("press Enter if you do not know it"), and an item that speaks of the
keyboard carries a `form_text` (the words of any form, the exported FHIR Questionnaire's too) or a
`web_text` naming the page's own buttons, and a `web_hint`. The terminal's words stay as they are.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from terminal_words import terminal_words_in
from web_support import Visitor

from screener.errors import RulesError
from screener.interview import Questionnaire

RULES = Path(__file__).resolve().parent.parent / "rules"


def test_no_question_page_speaks_of_the_keyboard() -> None:
    visitor = Visitor()
    visitor.start()
    pages = []

    def on(step: str) -> None:
        assert visitor.question == step
        pages.append((step, visitor.text()))

    on("red_flags_now")
    visitor.choose("None of these")
    on("age")
    visitor.type("50")
    visitor.choose("Male")
    visitor.choose("No")
    on("medications")
    visitor.type("Lasix")
    visitor.choose("No")  # not furosemide
    on("medications:retype:Lasix")
    visitor.type("Losec")
    visitor.choose("Yes")
    visitor.choose("No")  # a stomach-acid medicine for more than three months
    visitor.choose("2 to 4 times a month")
    on("alcohol_quantity")
    visitor.type("2")
    visitor.choose("Never")
    on("drinks_per_week")
    visitor.type("4")
    for reply in ("No", "No", "No", "None of these", "Sometimes"):
        visitor.choose(reply)
    visitor.type("3")
    visitor.choose("None of these")
    visitor.choose("None of these")
    on("lab_potassium")
    visitor.type("")
    on("lab_magnesium")
    for step, text in pages:
        assert terminal_words_in(text) == [], f"{step}: {text[:300]}"


def test_the_page_asks_for_a_blood_result_with_its_button_in_mind() -> None:
    visitor = Visitor()
    visitor.start()
    visitor.choose("None of these")
    visitor.type("50")
    visitor.choose("Male")
    visitor.choose("No")
    visitor.type("none")
    visitor.choose("Never")
    for reply in ("No", "No", "No", "None of these", "Sometimes"):
        visitor.choose(reply)
    visitor.type("3")
    visitor.choose("None of these")
    visitor.choose("None of these")
    item = Questionnaire.load().item("lab_potassium")
    assert visitor.heading == item.web_text
    assert "choose “I don't know”" in visitor.heading
    assert "I don't know: skip this question" in visitor.text()  # the button it names


def test_the_terminal_keeps_its_own_words() -> None:
    questionnaire = Questionnaire.load()
    assert "press Enter if you do not know it" in questionnaire.item("lab_potassium").text
    assert "separated by commas" in questionnaire.item("medications").text
    for item in questionnaire.items:
        for words in (item.web_text, item.form_text):
            if words is not None:
                assert words != item.text
                assert terminal_words_in(words) == []
        if item.web_hint is not None:
            assert terminal_words_in(item.web_hint) == []


@pytest.mark.parametrize(("bad", "message"), [(5, "expected a string, got 5"), ("", "must be at least 1 characters long")])
def test_a_web_text_that_is_not_words_is_refused_at_load(bad: object, message: str) -> None:
    data = json.loads((RULES / "questionnaire.json").read_text(encoding="utf-8"))
    changed = copy.deepcopy(data)
    changed["items"][1]["web_text"] = bad
    with pytest.raises(RulesError, match=rf"\$\.items\[1\]\.web_text: {message}"):
        Questionnaire.from_data(changed)
