"""A question asked again on the web page (Back, or "Change" at the review) comes with the
earlier answer filled in, as the terminal offers it with Enter: every kind of control, and
Continue without touching it gives the same answer again. Driven through the real app in-process.
"""

from __future__ import annotations

from typing import Any

import pytest
from web_support import Visitor, answer_typical_person


@pytest.fixture
def visitor() -> Visitor:
    return Visitor()


def saved(visitor: Visitor) -> dict[str, Any]:
    answers: dict[str, Any] = visitor.client.get("/answers.json").json()
    return answers


def ticked(visitor: Visitor) -> list[str]:
    """The labels of the boxes and radio buttons the page shows ticked."""
    values = visitor.shown().get("answer", [])
    return [label for label, value in visitor.options().items() if value in values]


def test_back_to_the_age_shows_it_in_the_box_and_continue_keeps_it(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("72")
    visitor.back()
    assert visitor.question == "age"
    assert visitor.shown()["answer"] == ["72"]
    assert "Your earlier answer: 72." in visitor.text()
    visitor.continue_as_shown()
    assert visitor.question == "sex"
    assert saved(visitor)["age"] == 72


def test_back_to_a_one_choice_question_shows_the_choice(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("72")
    visitor.choose("Female")
    visitor.choose("Yes")  # a water pill
    visitor.back()
    assert visitor.question == "diuretic_use"
    assert ticked(visitor) == ["Yes"]
    visitor.back()
    assert ticked(visitor) == ["Female"]
    visitor.continue_as_shown()
    visitor.continue_as_shown()
    assert visitor.question == "medications"
    assert saved(visitor)["sex"] == "female" and saved(visitor)["diuretic_use"] == "yes"


def test_the_medicines_list_and_its_checks_come_back_as_given(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("72")
    visitor.choose("Female")
    visitor.choose("Yes")
    visitor.type("Lasix 40 mg, vitamin D 1,000 IU")
    visitor.choose("Yes")  # Lasix: furosemide, right?
    visitor.back()
    assert visitor.question == "medications:confirm:Lasix 40 mg"
    assert ticked(visitor) == ["Yes"]
    visitor.back()
    assert visitor.question == "medications"
    assert visitor.shown()["answer"] == ["Lasix 40 mg\nvitamin D 1,000 IU"]
    visitor.continue_as_shown()
    visitor.continue_as_shown()  # the check is asked again, its answer filled in
    assert saved(visitor)["medications"] == ["Lasix 40 mg", "vitamin D 1,000 IU"]


def test_a_name_typed_again_comes_back_and_keep_still_means_as_written(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("60")
    visitor.choose("Female")
    visitor.choose("No")
    visitor.type("Lasix")
    visitor.choose("No")  # not furosemide: typed again
    visitor.type("Losec")
    visitor.back()
    assert visitor.question == "medications:retype:Lasix"
    assert visitor.shown()["answer"] == ["Losec"]
    visitor.submit(action="keep")  # "Keep the name as I wrote it"
    assert saved(visitor)["medications"] == ["Lasix"]


def test_change_symptoms_shows_them_ticked_and_one_more_adds_to_them(visitor: Visitor) -> None:
    visitor.start()
    answer_typical_person(visitor, symptoms=("Muscle cramps", "Muscle twitches"))
    visitor.press("/review/change", item="symptoms")
    assert ticked(visitor) == ["Muscle cramps", "Muscle twitches"]
    fields = visitor.shown()
    fields["answer"].append(visitor.options()["A pounding or racing heartbeat (palpitations)"])
    visitor.post("/question", {**fields, "action": "next"})
    assert visitor.heading == "Check your answers"
    assert saved(visitor)["symptoms"] == ["muscle_cramps", "muscle_twitches", "palpitations"]


def test_change_a_none_of_these_answer_shows_none_ticked(visitor: Visitor) -> None:
    visitor.start()
    answer_typical_person(visitor)
    visitor.press("/review/change", item="conditions")
    assert ticked(visitor) == ["None of these"]
    visitor.continue_as_shown()
    assert saved(visitor)["conditions"] == []


def test_change_a_blood_result_shows_its_number_and_unit(visitor: Visitor) -> None:
    visitor.start()
    answer_typical_person(visitor)
    visitor.press("/review/change", item="lab_potassium")
    visitor.type("3.1", unit="mEq/L")
    visitor.choose("In the last 7 days")
    visitor.press("/review/change", item="lab_potassium")
    assert visitor.shown()["answer"] == ["3.1"]
    assert visitor.shown()["unit"] == ["mEq/L"]
    visitor.continue_as_shown()
    assert saved(visitor)["labs"]["potassium"] == {"value": 3.1, "unit": "mEq/L", "taken": "last_7_days"}


def test_back_to_a_count_of_drinks_shows_its_band_and_the_week_its_unit(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("50")
    visitor.choose("Male")
    visitor.choose("No")
    visitor.type("none")
    visitor.choose("2 to 4 times a month")
    visitor.type("4")  # drinks on a typical day: the band "3 or 4"
    visitor.back()
    assert visitor.question == "alcohol_quantity"
    assert visitor.shown()["answer"] == ["3 or 4"]
    visitor.continue_as_shown()
    assert visitor.question == "alcohol_binge"
    visitor.choose("Never")  # six or more on one occasion
    visitor.type("7")  # drinks in a usual week
    visitor.back()
    assert visitor.shown()["answer"] == ["7"] and visitor.shown()["unit"] == ["drinks"]
    visitor.continue_as_shown()
    assert saved(visitor)["alcohol"] == {"audit_c": {"frequency": 2, "quantity": 1, "binge": 0}, "drinks_per_week": 7}


def test_change_servings_of_fruit_keeps_the_half(visitor: Visitor) -> None:
    visitor.start()
    answer_typical_person(visitor)
    visitor.press("/review/change", item="diet_fruit_veg_servings")
    visitor.type("2.5")
    visitor.press("/review/change", item="diet_fruit_veg_servings")
    assert visitor.shown()["answer"] == ["2.5"]
    visitor.continue_as_shown()
    assert saved(visitor)["diet"]["fruit_veg_servings"] == 2.5


def test_a_skipped_question_asked_again_stays_unknown_when_nothing_is_given(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.skip()  # age
    visitor.back()
    assert visitor.shown()["answer"] == [""]
    assert "Your earlier answer: don't know (skipped). Continue without an answer to leave it unknown." in visitor.text()
    visitor.continue_as_shown()
    assert visitor.question == "sex"
    assert "age" not in saved(visitor)


def test_emptying_a_filled_in_box_asks_for_an_answer_rather_than_keeping_the_old_one(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("72")
    visitor.back()
    visitor.type("")
    assert visitor.page.status_code == 422
    assert "The box is empty: please type an answer, or choose “I don't know: skip this question”." in visitor.text()
    visitor.skip()
    assert "age" not in saved(visitor)


def test_emptying_a_blood_result_means_not_known_as_it_does_the_first_time(visitor: Visitor) -> None:
    visitor.start()
    answer_typical_person(visitor)
    visitor.press("/review/change", item="lab_potassium")
    visitor.type("3.1", unit="mmol/L")
    visitor.choose("In the last 7 days")
    visitor.press("/review/change", item="lab_potassium")
    visitor.type("", unit="mmol/L")
    assert visitor.heading == "Check your answers"
    assert "labs" not in saved(visitor)
