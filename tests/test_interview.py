"""The interview core: the questionnaire as data, skip logic, reading replies, back and skip,
AUDIT-C scoring, UK units, medicine confirmation, and answers that are always valid."""

from __future__ import annotations

import copy
import json
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from screener.contract.answers import Answers
from screener.errors import RulesError
from screener.interview import Interview, Questionnaire

QUESTIONNAIRE = Path(__file__).parents[1] / "rules" / "questionnaire.json"

# A person with nothing to report, reply by reply (the two lab questions are left blank).
NOTHING_TO_REPORT = ["0", "35", "male", "no", "none", "never", "no", "no", "no", "0", "rarely", "5", "0", "0", "", ""]
# The answers those replies give, up to the blood tests (left unknown).
NOTHING_TO_REPORT_ANSWERS = {
    "red_flags_now": [], "age": 35, "sex": "male", "diuretic_use": "no", "medications": [],
    "alcohol": {"audit_c": {"frequency": 0, "quantity": 0, "binge": 0}, "drinks_per_week": 0},
    "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none", "conditions": [],
    "diet": {"processed_food": "rarely", "fruit_veg_servings": 5}, "symptoms": [], "supplements": [],
}  # fmt: skip


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return Questionnaire.load()


@pytest.fixture
def interview(questionnaire: Questionnaire, screener: Any) -> Interview:
    return Interview.for_ruleset(questionnaire, screener.ruleset)


@pytest.fixture
def data() -> dict[str, Any]:
    """A fresh copy of the shipped questionnaire, to break on purpose."""
    return copy.deepcopy(json.loads(QUESTIONNAIRE.read_text(encoding="utf-8")))


def reply_all(interview: Interview, replies: Iterable[str]) -> None:
    """Give each reply in turn; every one must be accepted."""
    for raw in replies:
        question = interview.next_question()
        assert question is not None, f"no question left for reply {raw!r}"
        reply = interview.answer(raw)
        assert reply.moved_on, f"{question.key}: {raw!r} was not accepted: {reply.message}"
        Answers.model_validate(interview.answers)  # valid at every step, not only at the end


def asked(interview: Interview) -> str:
    question = interview.next_question()
    assert question is not None
    return question.key


def leaf_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every leaf field of the answers model, walked independently of the code under test."""
    paths: set[str] = set()
    for name, info in model.model_fields.items():
        nested = [arg for arg in _flatten(info.annotation) if isinstance(arg, type) and issubclass(arg, BaseModel)]
        if nested:
            paths |= leaf_paths(nested[0], f"{prefix}{name}.")
        else:
            paths.add(prefix + name)
    return paths


def literal_values(annotation: Any) -> set[Any]:
    values: set[Any] = set()
    for arg in _flatten(annotation):
        if typing.get_origin(arg) is typing.Literal:
            values |= set(typing.get_args(arg))
    return values


def _flatten(annotation: Any) -> list[Any]:
    out = [annotation]
    for arg in typing.get_args(annotation):
        out += _flatten(arg)
    return out


def field_annotation(path: str) -> Any:
    model: Any = Answers
    *parents, last = path.split(".")
    for part in parents:
        model = next(
            a for a in _flatten(model.model_fields[part].annotation) if isinstance(a, type) and issubclass(a, BaseModel)
        )
    return model.model_fields[last].annotation


# -- the questionnaire as data ------------------------------------------------------------------


def test_every_answers_field_is_filled_by_some_question(questionnaire: Questionnaire) -> None:
    filled = {name for item in questionnaire.items for name in item.fields}
    missing = leaf_paths(Answers) - filled - set(questionnaire.not_asked)
    assert not missing, f"answers fields no question fills: {sorted(missing)}"


def test_every_question_fills_a_real_answers_field(questionnaire: Questionnaire) -> None:
    real = leaf_paths(Answers)
    for item in questionnaire.items:
        for name in item.fields:
            assert name in real, f"item {item.id} fills {name}, which is not an answers field"
    assert set(questionnaire.not_asked) <= real


def test_every_code_of_the_contract_can_be_chosen(questionnaire: Questionnaire) -> None:
    for item in questionnaire.items:
        codes = literal_values(field_annotation(item.field))
        if codes:
            assert codes == {choice.value for choice in item.choices}, item.id
        if item.unit_field:
            assert literal_values(field_annotation(item.unit_field)) == {unit.value for unit in item.units}, item.id


def test_every_question_says_why_we_ask(questionnaire: Questionnaire) -> None:
    for item in questionnaire.items:
        assert item.help.strip() and item.text.strip() and item.label.strip(), item.id


def test_every_medicine_class_of_the_vocabulary_has_words(questionnaire: Questionnaire, screener: Any) -> None:
    assert set(questionnaire.medicine_classes) == set(screener.ruleset.vocabulary.class_names)


def test_red_flags_are_asked_first_and_cannot_be_skipped(interview: Interview) -> None:
    question = interview.next_question()
    assert question is not None and question.key == "red_flags_now" and question.red_flag
    reply = interview.answer("skip")
    assert reply.status == "invalid" and "cannot be skipped" in reply.message


def test_a_misspelt_field_is_named_with_a_suggestion(data: dict[str, Any]) -> None:
    data["items"][1]["field"] = "agee"
    with pytest.raises(RulesError) as error:
        Questionnaire.from_data(data, "rules/questionnaire.json")
    assert "rules/questionnaire.json: item 'age', field 'agee': not an answers field (did you mean 'age'?)" in str(
        error.value
    )


def test_a_condition_on_an_unknown_or_later_item_is_an_error(data: dict[str, Any]) -> None:
    next(item for item in data["items"] if item["id"] == "alcohol_quantity")["enable_when"][0]["item"] = "alcohol_frequncy"
    data["items"][1]["enable_when"] = [{"item": "sex", "operator": "answered"}]
    with pytest.raises(RulesError) as error:
        Questionnaire.from_data(data, "q.json")
    message = str(error.value)
    assert (
        "item 'alcohol_quantity', enable_when: unknown item 'alcohol_frequncy' (did you mean 'alcohol_frequency'?)"
        in message
    )
    assert "item 'age', enable_when: item 'sex' must come before the item it enables" in message


def test_a_choice_the_field_cannot_hold_is_an_error(data: dict[str, Any]) -> None:
    data["items"][2]["choices"][0]["value"] = "woman"
    with pytest.raises(RulesError, match=r"item 'sex', field 'sex': choice 'Female' has value 'woman'"):
        Questionnaire.from_data(data, "q.json")


def test_an_unknown_property_fails_the_schema(data: dict[str, Any]) -> None:
    data["items"][0]["colour"] = "red"
    with pytest.raises(RulesError, match=r"unknown field 'colour'"):
        Questionnaire.from_data(data, "q.json")


def test_a_rule_folder_without_a_questionnaire_says_so(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r"questionnaire.json: file not found"):
        Questionnaire.load(tmp_path)


# -- journeys -----------------------------------------------------------------------------------


def test_a_person_with_nothing_to_report(interview: Interview) -> None:
    reply_all(interview, NOTHING_TO_REPORT)
    assert interview.next_question() is None
    assert interview.answers == {
        "red_flags_now": [],
        "age": 35,
        "sex": "male",
        "diuretic_use": "no",
        "medications": [],
        "alcohol": {"audit_c": {"frequency": 0, "quantity": 0, "binge": 0}, "drinks_per_week": 0},
        "diarrhea": {"present": False},
        "vomiting": {"present": False},
        "laxative_use": "none",
        "conditions": [],
        "diet": {"processed_food": "rarely", "fruit_veg_servings": 5},
        "symptoms": [],
        "supplements": [],
    }
    assert interview.progress() == (16, 0)


def test_a_typical_person_answers_under_twenty_five_questions(interview: Interview) -> None:
    replies = [
        "0",
        "58",
        "female",
        "no",
        "amlodipine 5 mg",
        "yes",
        "2",
        "2",
        "never",
        "4",
        "no",
        "no",
        "no",
        "4",
        "sometimes",
        "3",
        "1",
        "0",
        "",
        "",
    ]
    numbers = []
    for raw in replies:
        numbers.append(interview.progress())
        assert interview.answer(raw).moved_on
    assert interview.next_question() is None
    assert 18 <= interview.progress()[0] <= 25
    assert numbers[0] == (1, 18), "question 1, about 18 to go"


def test_the_question_number_goes_up_one_at_a_time_and_what_is_left_never_jumps_to_done(
    interview: Interview,
) -> None:
    # Every follow-up opens: medicine checks, PPI, AUDIT-C, diarrhea, vomiting, laxative type,
    # potassium despite supplements, both blood tests and when they were taken.
    replies = ["0", "40", "male", "yes", "Lasix, omeprazole", "yes", "yes", "yes", "2", "3", "never", "8", "yes",
               "3", "5", "yes", "2", "3", "1", "regularly", "1", "2", "sometimes", "2", "1", "1", "no", "3.1", "1",
               "0.6 mmol/L", "1"]  # fmt: skip
    seen = []
    for raw in replies:
        question = interview.next_question()
        assert question is not None
        if question.kind == "item":
            seen.append(interview.progress())
        assert interview.answer(raw).moved_on, raw
    assert interview.next_question() is None
    numbers = [number for number, _ in seen]
    assert numbers == list(range(1, len(numbers) + 1)), "no question number is skipped"
    assert all(number + left <= len(numbers) for number, left in seen), "never more announced than asked"
    assert seen[-1][1] == 0


def test_progress_counts_follow_up_questions_when_they_open(interview: Interview) -> None:
    reply_all(interview, ["0", "40", "male", "no", "none", "never"])
    before = interview.progress()
    reply_all(interview, ["yes"])  # diarrhea: two follow-up questions open
    after = interview.progress()
    assert after == (before[0] + 1, before[1] + 1), "one answered, two more to go"


def test_a_red_flag_yes_is_an_emergency_at_once(interview: Interview) -> None:
    reply = interview.answer("1, 5")
    assert reply.emergency and reply.value == ["chest_pain", "trouble_breathing"]
    assert interview.red_flags == ["chest_pain", "trouble_breathing"]
    assert interview.answers == {"red_flags_now": ["chest_pain", "trouble_breathing"]}
    assert not interview.answer("40").emergency


def test_red_flags_may_be_given_in_words(interview: Interview) -> None:
    reply = interview.answer("Trouble breathing")
    assert reply.emergency and reply.value == ["trouble_breathing"]


# -- skip logic ---------------------------------------------------------------------------------


def test_diarrhea_details_are_asked_only_when_there_is_diarrhea(interview: Interview) -> None:
    reply_all(interview, ["0", "40", "male", "no", "none", "never", "yes"])
    assert asked(interview) == "diarrhea_days"
    reply_all(interview, ["5 days", "6"])
    assert asked(interview) == "vomiting_present"
    reply_all(interview, ["yes", "2", "3", "no"])
    assert interview.answers["diarrhea"] == {"present": True, "days": 5, "stools_per_day": 6}
    assert interview.answers["vomiting"] == {
        "present": True,
        "days": 2,
        "episodes_per_day": 3,
        "cannot_keep_fluids_down": True,
    }


def test_laxative_type_only_for_someone_who_takes_laxatives(interview: Interview) -> None:
    reply_all(interview, ["0", "40", "male", "no", "none", "never", "no", "no", "regularly"])
    assert asked(interview) == "laxative_type"
    reply_all(interview, ["senna"])
    assert interview.answers["laxative_type"] == "stimulant"


def test_the_stomach_acid_question_only_for_someone_on_one(interview: Interview) -> None:
    reply_all(interview, ["0", "40", "male", "no", "omeprazole 20 mg"])
    question = interview.next_question()
    assert (
        question is not None
        and question.text == "omeprazole — that is a stomach-acid medicine (proton pump inhibitor). Right?"
    )
    reply_all(interview, ["yes"])
    assert asked(interview) == "ppi_over_3_months"


def test_no_stomach_acid_question_without_one(interview: Interview) -> None:
    reply_all(interview, ["0", "40", "male", "no", "amlodipine", "yes"])
    assert asked(interview) == "alcohol_frequency"


def test_potassium_stays_low_question_only_for_someone_taking_potassium(interview: Interview) -> None:
    reply_all(interview, ["0", "40", "male", "no", "none", "never", "no", "no", "no", "0", "rarely", "5", "0"])
    assert asked(interview) == "supplements"
    reply_all(interview, ["4"])  # magnesium only
    assert asked(interview) == "lab_potassium"
    interview.back()
    reply_all(interview, ["1, 4"])  # prescribed potassium and magnesium
    assert asked(interview) == "low_potassium_despite_supplements"
    reply_all(interview, ["yes"])
    assert interview.answers["low_potassium_despite_supplements"] is True


# -- alcohol ------------------------------------------------------------------------------------


def test_never_drinking_skips_the_other_alcohol_questions_and_scores_zero(interview: Interview) -> None:
    reply_all(interview, ["0", "40", "male", "no", "none", "1"])
    assert asked(interview) == "diarrhea_present"
    assert interview.answers["alcohol"] == {
        "audit_c": {"frequency": 0, "quantity": 0, "binge": 0},
        "drinks_per_week": 0,
    }


@pytest.mark.parametrize(
    ("frequency", "drinks", "binge", "expected"),
    [
        ("monthly or less", "1", "never", {"frequency": 1, "quantity": 0, "binge": 0}),
        ("3", "4", "2", {"frequency": 2, "quantity": 1, "binge": 1}),
        ("2 to 3 times a week", "six", "monthly", {"frequency": 3, "quantity": 2, "binge": 2}),
        ("5", "9", "weekly", {"frequency": 4, "quantity": 3, "binge": 3}),
        ("4 or more times a week", "12", "daily or almost daily", {"frequency": 4, "quantity": 4, "binge": 4}),
    ],
)
def test_audit_c_is_scored_as_the_instrument_scores_it(
    interview: Interview, frequency: str, drinks: str, binge: str, expected: dict[str, int]
) -> None:
    reply_all(interview, ["0", "40", "male", "no", "none", frequency, drinks, binge, "skip"])
    assert interview.answers["alcohol"] == {"audit_c": expected}


def test_drinks_on_a_typical_day_is_a_count_not_a_list_position(interview: Interview) -> None:
    reply_all(interview, ["0", "40", "male", "no", "none", "3"])
    question = interview.next_question()
    assert question is not None and not question.numbered
    reply = interview.answer("0")
    assert reply.status == "invalid" and "1 or more" in reply.message
    reply_all(interview, ["2"])
    assert interview.review()[-1].answer == "1 or 2"


@pytest.mark.parametrize(
    ("reply", "saved"),
    [
        ("10", {"drinks_per_week": 10}),
        ("10 drinks", {"drinks_per_week": 10}),
        ("14 units", {"units_per_week": 14}),
        ("14 UK units a week", {"units_per_week": 14}),
        ("10 units", {"units_per_week": 10}),
        ("about 3", {"drinks_per_week": 3}),
        ("2.5", {"drinks_per_week": 2.5}),
    ],
)
def test_drinks_a_week_keeps_uk_units_as_units_and_standard_drinks_as_drinks(
    interview: Interview, reply: str, saved: dict[str, float]
) -> None:
    """A total in UK units is saved as units (review 7): the rules judge it against the UK guideline."""
    reply_all(interview, ["0", "40", "male", "no", "none", "3", "2", "never", reply])
    alcohol = interview.answers["alcohol"]
    assert {key: alcohol[key] for key in ("drinks_per_week", "units_per_week") if key in alcohol} == saved


@pytest.mark.parametrize(
    ("reply", "shown"),
    [
        ("1", "1 standard drink"),
        ("2", "2 standard drinks"),
        ("1 unit", "1 UK unit a week"),
        ("14 units", "14 UK units a week"),
        ("7 units", "7 UK units a week"),
        ("0.5", "0.5 standard drinks"),
    ],
)
def test_drinks_a_week_are_reviewed_in_the_singular_for_one(interview: Interview, reply: str, shown: str) -> None:
    reply_all(interview, ["0", "40", "male", "no", "none", "3", "2", "never", reply])
    assert [line.answer for line in interview.review() if line.item_id == "drinks_per_week"] == [shown]


def test_a_drinker_counting_in_uk_units_sees_the_units_that_are_judged_not_a_conversion(interview: Interview) -> None:
    """14 UK units are saved and judged as UK units (review 7), so the review and the answer
    offered again say so, with no US standard drinks the screen does not use."""
    reply_all(interview, ["0", "40", "male", "no", "none", "3", "2", "never", "14 units"])
    (shown,) = [line.answer for line in interview.review() if line.item_id == "drinks_per_week"]
    assert shown == "14 UK units a week" and "standard" not in shown
    assert interview.answers["alcohol"]["units_per_week"] == 14
    interview.change("drinks_per_week")
    question = interview.next_question()
    assert question is not None and question.default == "14 UK units a week"
    reply_all(interview, ["14 UK units a week"])
    assert interview.answers["alcohol"]["units_per_week"] == 14


def test_an_unanswered_audit_c_item_leaves_audit_c_out(interview: Interview) -> None:
    reply_all(interview, ["0", "40", "male", "no", "none", "3", "skip", "never", "7"])
    assert interview.answers["alcohol"] == {"drinks_per_week": 7}


# -- medicines ----------------------------------------------------------------------------------


def test_a_brand_name_is_confirmed_as_its_generic_and_class(interview: Interview) -> None:
    reply_all(interview, ["0", "72", "female", "yes", "Lasix 40 mg, fish oil"])
    question = interview.next_question()
    assert question is not None and question.kind == "confirm"
    assert question.text == "Lasix — that is furosemide, a loop diuretic (a strong water pill). Right?"
    reply_all(interview, ["yes"])
    assert interview.answers["medications"] == ["Lasix 40 mg", "fish oil"]
    assert interview.review()[4].answer == "Lasix 40 mg (furosemide), fish oil (omega-3 fatty acids)"


def test_an_unrecognised_name_is_kept_with_a_note(interview: Interview) -> None:
    reply_all(interview, ["0", "72", "female", "no"])
    reply = interview.answer("Zzzyxal")
    assert reply.moved_on and "We did not recognise 'Zzzyxal'" in reply.notes[0]
    assert interview.answers["medications"] == ["Zzzyxal"]
    assert asked(interview) == "alcohol_frequency"


def test_a_combination_pill_names_each_part(interview: Interview) -> None:
    reply_all(interview, ["0", "72", "female", "yes", "Dyazide"])
    question = interview.next_question()
    assert question is not None
    assert question.text.startswith("Dyazide — that is triamterene, a potassium-sparing diuretic")
    assert "and hydrochlorothiazide, a thiazide diuretic" in question.text


def test_a_drug_of_two_classes_is_confirmed_with_both(interview: Interview) -> None:
    reply_all(interview, ["0", "40", "male", "no", "pentamidine"])
    question = interview.next_question()
    assert question is not None and question.kind == "confirm"
    assert question.text.startswith("pentamidine — that is ")
    assert "an anti-infective that can change magnesium and potassium" in question.text
    assert "a medicine that can affect the heart's rhythm (it lengthens the QT interval)" in question.text


def test_saying_no_to_a_medicine_lets_the_person_type_it_again(interview: Interview) -> None:
    reply_all(interview, ["0", "72", "female", "yes", "Lasix", "no"])
    question = interview.next_question()
    assert question is not None and question.kind == "retype" and "keep 'Lasix'" in question.text
    reply_all(interview, ["bumetanide 1 mg"])
    question = interview.next_question()
    assert (
        question is not None and question.text == "bumetanide — that is a loop diuretic (a strong water pill). Right?"
    )
    reply_all(interview, ["yes"])
    assert interview.answers["medications"] == ["bumetanide 1 mg"]


def test_saying_no_then_keeping_the_name_keeps_it_as_written(interview: Interview) -> None:
    reply_all(interview, ["0", "72", "female", "yes", "Lasix", "no", ""])
    assert interview.answers["medications"] == ["Lasix"]
    assert asked(interview) == "alcohol_frequency"


def test_a_medicine_check_cannot_be_skipped(interview: Interview) -> None:
    reply_all(interview, ["0", "72", "female", "yes", "Lasix"])
    assert interview.answer("skip").status == "invalid"


# -- reading replies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("replies", "bad", "says"),
    [
        ([], "7", "There is no answer 7"),
        ([], "0, 2", "0 means none of these, so it cannot go with other answers"),
        (["0"], "old", "Please type a whole number from 0 to 120"),
        (["0"], "130", "130 is outside what this question accepts"),
        (["0"], "4.5", "Please type a whole number"),
        (["0", "40"], "4", "There is no answer 4 here. Please type a number from 1 to 3"),
        (["0", "40"], "banana", "Sorry, I did not understand 'banana'"),
        (["0", "40", "male"], "perhaps", "Please type yes, no or not sure"),
        (["0", "40", "male", "no"], "", "Please type an answer"),
    ],
)
def test_an_invalid_reply_says_what_is_accepted(interview: Interview, replies: list[str], bad: str, says: str) -> None:
    reply_all(interview, replies)
    before = interview.next_question()
    reply = interview.answer(bad)
    assert reply.status == "invalid" and says in reply.message
    assert interview.next_question() == before


LABS_REACHED = ["0", "40", "male", "no", "none", "never", "no", "no", "no", "0", "rarely", "5", "0", "0"]


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("3.4 mg/dL", "I did not recognise the unit 'mg/dl'"),
        ("34 mmol/L", "34 mmol/L is not a possible potassium level"),
        ("lots", "Please type a number and its unit"),
    ],
)
def test_an_impossible_potassium_result_is_refused(interview: Interview, bad: str, says: str) -> None:
    reply_all(interview, LABS_REACHED)
    reply = interview.answer(bad)
    assert reply.status == "invalid" and says in reply.message


def test_lab_results_with_units_and_dates(interview: Interview) -> None:
    reply_all(interview, LABS_REACHED)
    reply_all(interview, ["3.1", "in the last 7 days"])
    assert asked(interview) == "lab_magnesium"
    reply = interview.answer("1.7")
    assert reply.status == "invalid" and "Please add the unit" in reply.message
    assert interview.answer("4 mg/dL").status == "answered"  # 1.64 mmol/L: high but possible
    reply_all(interview, ["older"])
    assert interview.answers["labs"] == {
        "potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"},
        "magnesium": {"value": 4, "unit": "mg/dL", "taken": "older"},
    }


def test_an_implausible_magnesium_result_is_checked_after_conversion(interview: Interview) -> None:
    reply_all(interview, [*LABS_REACHED, ""])
    reply = interview.answer("17 mg/dL")
    assert reply.status == "invalid"
    assert "17 mg/dL (that would be 6.99 mmol/L) is not a possible magnesium level" in reply.message


def test_question_mark_gives_the_reason_we_ask(interview: Interview, questionnaire: Questionnaire) -> None:
    reply = interview.answer("?")
    assert reply.status == "help" and reply.message == questionnaire.item("red_flags_now").help
    assert asked(interview) == "red_flags_now"


# -- back, skip, review, change -----------------------------------------------------------------


def test_back_undoes_the_last_answer(interview: Interview) -> None:
    reply = interview.answer("back")
    assert reply.status == "invalid" and "first question" in reply.message
    reply_all(interview, ["0", "40"])
    assert interview.answer("back").status == "back"
    assert asked(interview) == "age"
    reply_all(interview, ["41", "female"])
    assert interview.answers == {"red_flags_now": [], "age": 41, "sex": "female"}


def test_back_from_a_follow_up_drops_the_answers_it_opened(interview: Interview) -> None:
    reply_all(interview, ["0", "40", "male", "no", "none", "never", "yes", "3"])
    assert interview.answer("back").status == "back"
    assert interview.answer("back").status == "back"
    assert asked(interview) == "diarrhea_present"
    reply_all(interview, ["no"])
    assert interview.answers["diarrhea"] == {"present": False}
    assert asked(interview) == "vomiting_present"


def test_skip_leaves_the_field_unknown(interview: Interview) -> None:
    reply_all(interview, ["0", "skip", "don't know", "not sure"])
    assert interview.answers == {"red_flags_now": [], "diuretic_use": "unsure"}
    assert [line.answer for line in interview.review()][1:3] == ["don't know (skipped)"] * 2


def test_review_lists_every_answer_and_change_asks_again(interview: Interview) -> None:
    reply_all(interview, [*NOTHING_TO_REPORT[:6], "yes", "3", "4", *NOTHING_TO_REPORT[7:]])
    assert interview.next_question() is None
    lines = interview.review()
    assert [line.item_id for line in lines][:3] == ["red_flags_now", "age", "sex"]
    assert ("diarrhea_days", "Days of diarrhea", "3") in lines
    interview.change("diarrhea_present")
    assert asked(interview) == "diarrhea_present"
    reply_all(interview, ["no"])
    assert interview.next_question() is None
    assert interview.answers["diarrhea"] == {"present": False}
    with pytest.raises(KeyError, match="does not apply"):
        interview.change("diarrhea_days")


# -- resume -------------------------------------------------------------------------------------


def test_resuming_carries_on_where_the_file_stopped(questionnaire: Questionnaire, screener: Any) -> None:
    partial = {
        "id": "p-7",
        "red_flags_now": [],
        "age": 72,
        "sex": "female",
        "diuretic_use": "yes",
        "medications": ["Lasix"],
    }
    interview = Interview.for_ruleset(questionnaire, screener.ruleset, partial)
    assert asked(interview) == "alcohol_frequency"  # Lasix is not confirmed again
    assert interview.progress()[0] == 6
    assert interview.answers == partial
    reply_all(interview, ["never", "no", "no", "no", "0", "rarely", "2", "3", "0", "", ""])
    assert interview.answers["id"] == "p-7" and interview.answers["symptoms"] == ["muscle_cramps"]


def test_resuming_asks_again_only_what_was_left_unknown(
    interview: Interview, questionnaire: Questionnaire, screener: Any
) -> None:
    reply_all(interview, NOTHING_TO_REPORT)  # the two lab results were left out
    again = Interview.for_ruleset(questionnaire, screener.ruleset, interview.answers)
    assert again.answers == interview.answers and not again.not_kept
    assert asked(again) == "lab_potassium"
    reply_all(again, ["", ""])
    assert again.next_question() is None and again.answers == interview.answers


def test_resuming_keeps_an_answer_whose_question_waits_on_one_not_yet_answered(
    questionnaire: Questionnaire, screener: Any
) -> None:
    interview = Interview.for_ruleset(questionnaire, screener.ruleset, {"age": 50, "ppi_over_3_months": "yes"})
    assert interview.answers == {"age": 50, "ppi_over_3_months": "yes"} and not interview.not_kept
    reply_all(interview, ["0", "male", "no"])
    assert asked(interview) == "medications"
    reply = interview.answer("omeprazole")  # a PPI: the kept answer still applies and is not asked again
    assert reply.moved_on and not reply.notes
    reply_all(interview, ["yes"])
    assert asked(interview) == "alcohol_frequency" and interview.answers["ppi_over_3_months"] == "yes"


def test_a_kept_answer_that_a_later_reply_rules_out_is_removed_with_a_note(
    questionnaire: Questionnaire, screener: Any
) -> None:
    interview = Interview.for_ruleset(questionnaire, screener.ruleset, {"age": 50, "ppi_over_3_months": "yes"})
    reply_all(interview, ["0", "male", "no"])
    reply = interview.answer("amlodipine")  # no PPI: how long one was taken no longer applies
    assert reply.notes == (
        "Your earlier answer to 'Stomach-acid medicine for more than 3 months' no longer fits this answer, "
        "so it was removed.",
    )
    assert "ppi_over_3_months" not in interview.answers


def test_a_change_that_rules_out_two_answers_names_both_in_one_sentence(
    questionnaire: Questionnaire, screener: Any
) -> None:
    given = {"age": 50, "diarrhea": {"present": True, "days": 3, "stools_per_day": 4}}
    interview = Interview.for_ruleset(questionnaire, screener.ruleset, given)
    reply_all(interview, ["0", "male", "no", "none", "never"])
    interview.change("diarrhea_present")
    assert asked(interview) == "diarrhea_present"
    reply = interview.answer("no")
    assert reply.notes == (
        "Your earlier answers to 'Days of diarrhea' and 'Loose stools on a bad day' no longer fit this answer, "
        "so they were removed.",
    )


def test_a_file_from_another_tool_with_drinks_a_week_and_no_audit_c_keeps_the_drinks(
    questionnaire: Questionnaire, screener: Any
) -> None:
    given = {"age": 61, "alcohol": {"drinks_per_week": 20}}
    interview = Interview.for_ruleset(questionnaire, screener.ruleset, given)
    assert interview.answers == given and not interview.not_kept
    reply_all(interview, ["0", "female", "no", "none"])
    assert asked(interview) == "alcohol_frequency"
    reply_all(interview, ["4", "3", "2"])  # the AUDIT-C; drinks a week is already known, not asked again
    assert asked(interview) == "diarrhea_present"
    assert interview.answers["alcohol"] == {"drinks_per_week": 20, "audit_c": {"frequency": 3, "quantity": 1, "binge": 1}}


def test_every_valid_answers_file_is_kept_whole_on_resume(questionnaire: Questionnaire, screener: Any) -> None:
    from screener.synthetic import cohort

    for record in cohort(300, seed=13):
        _, problems = screener.check(record)
        if problems:
            continue
        interview = Interview.for_ruleset(questionnaire, screener.ruleset, record)
        assert not interview.not_kept, record
        given, kept = _answers_only(record), interview.answers
        # Every answer is kept as given; the only additions are what an answer implies
        # ("never" drinks: 0 drinks a week), as when the person answers the questions.
        assert _without(kept, "alcohol", "drinks_per_week") == _without(given, "alcohol", "drinks_per_week"), record
        assert kept.get("alcohol", {}).get("drinks_per_week") == given.get("alcohol", {}).get(
            "drinks_per_week", 0 if kept.get("alcohol", {}).get("audit_c", {}).get("frequency") == 0 else None
        ), record


def _answers_only(value: Any) -> Any:
    """A record without what answers nothing: nulls and empty section objects ([] is an answer)."""
    if isinstance(value, dict):
        kept = {key: _answers_only(item) for key, item in value.items() if item is not None}
        return {key: item for key, item in kept.items() if item != {}}
    return value


def _without(answers: dict[str, Any], section: str, name: str) -> dict[str, Any]:
    copied = copy.deepcopy(answers)
    copied.get(section, {}).pop(name, None)
    return {key: value for key, value in copied.items() if value != {}}


def test_an_empty_labs_section_answers_nothing_and_is_said_at_the_question(
    questionnaire: Questionnaire, screener: Any
) -> None:
    interview = Interview.for_ruleset(questionnaire, screener.ruleset, {**NOTHING_TO_REPORT_ANSWERS, "labs": {}})
    assert not interview.not_kept
    question = interview.next_question()
    assert question is not None and question.key == "lab_potassium"
    assert question.note is not None and '"labs": {}' in question.note
    reply_all(interview, [""])
    next_one = interview.next_question()
    assert next_one is not None and next_one.key == "lab_magnesium" and next_one.note is None


def test_back_offers_the_earlier_answer_and_enter_keeps_it(interview: Interview) -> None:
    reply_all(interview, ["0", "68", "male"])
    assert interview.answer("back").status == "back"
    question = interview.next_question()
    assert question is not None and question.key == "sex" and question.default == "Male"
    assert interview.answer("").moved_on
    assert interview.answers["sex"] == "male"
    assert interview.answer("back").status == "back"
    assert interview.answer("back").status == "back"
    question = interview.next_question()
    assert question is not None and question.key == "age" and question.default == "68"
    reply_all(interview, ["69"])  # a new reply replaces it
    assert interview.answers["age"] == 69


def test_changing_an_answer_at_the_review_keeps_the_follow_ups_that_still_apply(interview: Interview) -> None:
    reply_all(interview, [*NOTHING_TO_REPORT[:6], "yes", "3", "4", *NOTHING_TO_REPORT[7:]])
    interview.change("diarrhea_present")
    question = interview.next_question()
    assert question is not None and question.default == "Yes"
    reply_all(interview, ["yes"])  # the same answer: days and stools are kept, not asked again
    assert interview.next_question() is None
    assert interview.answers["diarrhea"] == {"present": True, "days": 3, "stools_per_day": 4}


def test_resuming_labs_and_uk_units_round_trips(questionnaire: Questionnaire, screener: Any) -> None:
    given = {
        "alcohol": {"audit_c": {"frequency": 3, "quantity": 1, "binge": 0}, "drinks_per_week": 5.71},
        "labs": {"magnesium": {"value": 1.5, "unit": "mg/dL", "taken": "last_30_days"}},
    }
    interview = Interview.for_ruleset(questionnaire, screener.ruleset, given)
    assert interview.answers == given and not interview.not_kept
