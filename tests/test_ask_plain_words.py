"""`mgk-screen ask` reads the words people type, and says plainly what it could not read (a
newcomer's review):

- symptoms typed in everyday words ("cramps and tired", "pins and needles") are the answers
  they name, as the help promises ("or the words of an answer");
- "yes" at a list (the safety check first of all) is asked "which of them?", never "did not
  understand";
- "water pill" in the medicines list is no medicine's name but the water-pill question's own
  words: the note points to that question instead of saying "'water' not recognised";
- a name only partly recognised is shown with what was typed ("'the blue' in 'the blue one'");
- a reply asked again at a question that may be skipped ("2 or 3", "a week") says skip is
  there too, and "dunno" is a skip;
- plain no and yes words ("nope", "nah", "yep", "aye") are read as no and yes at every question,
  from one list in the questionnaire's ``words.same_as`` ("nope" at the safety check is none of
  these); a hedge ("not really") is still asked again;
- days given as a time ("a week", "2 months", "since yesterday") are read as days, and what they
  were read as is said back ("'a week' is read as 7 days (a week counts as 7 days)").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_cli_ask import NOTHING_TO_REPORT, REVIEW_DONE, ask, saved

from screener.errors import RulesError
from screener.interview import Interview, Questionnaire
from screener.interview.replies import parse_reply
from screener.interview.reply_words import ReplyError, normalise_reply


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return Questionnaire.load()


def reply_to(questionnaire: Questionnaire, item_id: str, text: str) -> Any:
    item = next(item for item in questionnaire.items if item.id == item_id)
    return parse_reply("item", item, text, normalise_reply(text), None)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("cramps and tired", ["fatigue", "muscle_cramps"]),
        ("cramp", ["muscle_cramps"]),
        ("twitching, tingling", ["muscle_twitches", "numbness_tingling"]),
        ("pins and needles and weak", ["muscle_weakness", "numbness_tingling"]),
        ("palpitations", ["palpitations"]),
        ("shaky; constipated", ["tremor", "constipation"]),
    ],
)
def test_symptoms_in_everyday_words_are_the_answers_they_name(questionnaire: Questionnaire, typed: str, read: list[str]) -> None:
    assert reply_to(questionnaire, "symptoms", typed) == read


def test_a_man_who_passed_out_this_morning_says_so_in_his_words_at_the_safety_check(questionnaire: Questionnaire) -> None:
    assert reply_to(questionnaire, "red_flags_now", "passed out and short of breath") == ["fainting", "trouble_breathing"]


def test_every_word_of_a_list_answer_is_read_as_that_answer_alone(questionnaire: Questionnaire) -> None:
    """The words are data others extend: none may be read as another answer, or split in two."""
    for item in questionnaire.items:
        if item.type != "multiple_choice":
            continue
        for choice in item.choices:
            for word in choice.words:
                assert reply_to(questionnaire, item.id, word) == [choice.value], (item.id, word)


@pytest.mark.parametrize("said", ["yes", "Yes.", "yeah"])
def test_yes_at_the_safety_check_asks_which_of_them_with_the_numbers_and_0_for_none(questionnaire: Questionnaire, said: str) -> None:
    with pytest.raises(ReplyError) as asked:
        reply_to(questionnaire, "red_flags_now", said)
    assert str(asked.value) == "Which of them? Please type the numbers of all that apply, for example 1, 3, or 0 for none of these."


@pytest.fixture
def interview(screener: Any) -> Interview:
    return Interview.for_ruleset(Questionnaire.load(), screener.ruleset)


def at_medicines(interview: Interview, water_pill: str) -> None:
    for reply in ("0", "72", "female", water_pill):
        assert interview.answer(reply).moved_on
    question = interview.next_question()
    assert question is not None and question.key == "medications"


def test_a_widow_who_said_no_to_a_water_pill_then_writes_water_pill_is_pointed_to_that_question(interview: Interview) -> None:
    at_medicines(interview, "no")
    reply = interview.answer("water pill")
    assert reply.moved_on
    assert reply.notes == (
        "'water pill' is not the name of a medicine, so it is kept as you wrote it and not counted as one. If you take one, "
        "answer yes to 'Water pill (diuretic)' (go back to it, or change it when you review your answers), and add its name "
        "from the box if you know it.",
    )


def test_a_widow_who_said_yes_to_a_water_pill_is_told_her_yes_counts_it(interview: Interview) -> None:
    at_medicines(interview, "yes")
    (note,) = interview.answer("Water tablets").notes
    assert note.startswith("'Water tablets' is not the name of a medicine")
    assert "Your yes to 'Water pill (diuretic)' already counts it." in note


def test_a_name_partly_recognised_is_shown_with_what_was_typed(interview: Interview) -> None:
    at_medicines(interview, "no")
    assert interview.answer("the blue one").notes == (
        "We did not recognise 'the blue' in 'the blue one'. It stays on your list as you wrote it, "
        "and the result will suggest asking a pharmacist about it.",
    )


def test_a_reply_asked_again_says_skip_is_there_and_dunno_skips(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    fruit_and_veg = NOTHING_TO_REPORT.index("5")
    replies = [*NOTHING_TO_REPORT[:fruit_and_veg], "2 or 3", "a week", "dunno", *NOTHING_TO_REPORT[fruit_and_veg + 1 :], *REVIEW_DONE]
    run = ask("--save", str(path), "--plain", replies=replies)
    assert run.exit_code == 0, run.output
    assert run.output.count("Or type skip if you don't know.") == 2
    assert "fruit_veg_servings" not in saved(path).get("diet", {})


def test_the_safety_check_which_cannot_be_skipped_offers_no_skip(tmp_path: Path) -> None:
    run = ask("--plain", replies=["yes", *NOTHING_TO_REPORT, *REVIEW_DONE])
    assert run.exit_code == 0, run.output
    assert "Which of them? Please type the numbers of all that apply, for example 1, 3, or 0 for none of these." in run.output
    assert "Or type skip" not in run.output


# -- plain no and yes, from one list -------------------------------------------------------------


@pytest.mark.parametrize("said", ["nope", "Nope.", "nah", "naw", "no thanks"])
def test_a_newcomer_who_says_nope_at_the_safety_check_has_none_of_these(questionnaire: Questionnaire, said: str) -> None:
    assert reply_to(questionnaire, "red_flags_now", said) == []


@pytest.mark.parametrize(("item_id", "said", "read"), [
    ("pregnant", "nah", "no"),
    ("pregnant", "yup", "yes"),
    ("diuretic_use", "nope", "no"),
    ("diuretic_use", "yep", "yes"),
    ("diarrhea_present", "aye", True),
    ("laxative_use", "nope", "none"),
    ("alcohol_frequency", "nah", 0),
    ("medications", "nope", []),
    ("symptoms", "nah", []),
])
def test_plain_no_and_yes_mean_what_no_and_yes_mean_at_each_question(
    questionnaire: Questionnaire, item_id: str, said: str, read: Any
) -> None:
    assert reply_to(questionnaire, item_id, said) == read


@pytest.mark.parametrize("said", ["yeah", "yep", "aye"])
def test_a_plain_yes_at_the_safety_check_asks_which_of_them(questionnaire: Questionnaire, said: str) -> None:
    with pytest.raises(ReplyError, match=r"^Which of them\?"):
        reply_to(questionnaire, "red_flags_now", said)


def test_a_hedge_at_the_safety_check_is_asked_again_not_read_as_none(questionnaire: Questionnaire) -> None:
    with pytest.raises(ReplyError, match="did not understand 'not really'"):
        reply_to(questionnaire, "red_flags_now", "not really")


@pytest.mark.parametrize(("said", "right"), [("yep", True), ("nah", False), ("nope", False)])
def test_a_medicine_confirmed_in_plain_words(questionnaire: Questionnaire, said: str, right: bool) -> None:
    item = questionnaire.item("medications")
    assert parse_reply("confirm", item, said, normalise_reply(said), None) is right


def test_a_plain_word_kept_in_one_place_may_not_also_be_a_choice_word() -> None:
    data = json.loads((Path(__file__).parents[1] / "rules" / "questionnaire.json").read_text(encoding="utf-8"))
    data["items"][3]["choices"][1]["words"].append("nah")  # pregnant: No
    with pytest.raises(RulesError, match=r"words\.same_as 'nah': also a word of item 'pregnant', choice 'No'"):
        Questionnaire.from_data(data)


# -- days as a time ------------------------------------------------------------------------------


@pytest.mark.parametrize(("said", "days"), [
    ("a week", 7),
    ("two weeks", 14),
    ("3 weeks", 21),
    ("about a fortnight", 14),
    ("a month", 30),
    ("2 months", 60),
    ("a year", 365),
    ("a week ago", 7),
    ("since yesterday", 2),
    ("since this morning", 1),
    ("3 days", 3),
])
def test_days_of_diarrhoea_given_as_a_time_are_read_as_days(questionnaire: Questionnaire, said: str, days: int) -> None:
    assert reply_to(questionnaire, "diarrhea_days", said) == days
    assert reply_to(questionnaire, "vomiting_days", said) == days


@pytest.mark.parametrize("said", ["weeks", "2-3 weeks", "a while", "nope", "3 sheep"])
def test_a_time_not_understood_is_refused_saying_weeks_and_months_are_read(questionnaire: Questionnaire, said: str) -> None:
    with pytest.raises(ReplyError) as refused:
        reply_to(questionnaire, "diarrhea_days", said)
    assert str(refused.value) == (
        "Please type a whole number of days from 0 to 3650, for example 3, or weeks or months (2 weeks)."
    )


def test_a_time_longer_than_the_question_accepts_says_how_many_days_that_is(questionnaire: Questionnaire) -> None:
    with pytest.raises(ReplyError, match=r"^'11 years' is 4015 days \(a year counts as 365 days\), more than"):
        reply_to(questionnaire, "diarrhea_days", "11 years")


def test_weeks_are_read_only_where_the_question_counts_days(questionnaire: Questionnaire) -> None:
    with pytest.raises(ReplyError, match=r"^Please type a whole number from 0 to 120"):
        reply_to(questionnaire, "age", "a week")


def test_a_man_with_diarrhoea_for_a_week_is_told_it_is_read_as_7_days_and_may_correct_it(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    diarrhoea = NOTHING_TO_REPORT.index("never") + 1  # red flags, age, sex, water pill, medicines, alcohol, diarrhoea
    assert NOTHING_TO_REPORT[diarrhoea] == "no"
    replies = ["nope", *NOTHING_TO_REPORT[1:3], "nah", *NOTHING_TO_REPORT[4:diarrhoea], "yeah", "a week", "4",
               *NOTHING_TO_REPORT[diarrhoea + 1 :], *REVIEW_DONE]
    run = ask("--save", str(path), "--plain", replies=replies)
    assert run.exit_code == 0, run.output
    assert (
        "Note: 'a week' is read as 7 days (a week counts as 7 days). If that is not right, go back and give the number "
        "of days." in " ".join(run.output.split())
    )
    answers = saved(path)
    assert answers["red_flags_now"] == [] and answers["diuretic_use"] == "no"
    assert answers["diarrhea"] == {"present": True, "days": 7, "stools_per_day": 4}
