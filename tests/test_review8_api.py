"""Newcomer review 8, findings 3, 4, 6 and 7: numbers in words at every number question (``ask``
and the web page), ids of files saved by ``ask``, the notebook API, and small words.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from screener.interview import Interview, Questionnaire
from screener.interview.questionnaire_items import Item
from screener.interview.questions import Question
from screener.interview.replies import parse_reply
from screener.interview.reply_words import ReplyError, accepts_text, normalise_reply
from screener.screening.ruleset import load_ruleset
from screener.web.forms import question_form, reply_text

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
_ONES += ["thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty", 90: "ninety"}


def in_words(number: int) -> str:
    """0 to 199 in words, as a person would type them ("forty-five", "a hundred and two")."""
    if number >= 100:
        rest = number - 100
        return "a hundred" + (f" and {in_words(rest)}" if rest else "")
    if number < 20:
        return _ONES[number]
    tens, ones = divmod(number, 10)
    return _TENS[tens * 10] + (f"-{_ONES[ones]}" if ones else "")


@pytest.fixture(scope="module")
def ruleset() -> Any:
    return load_ruleset()


def number_items() -> list[Item]:
    """Every question of the questionnaire that takes a number: counts, days, drinks, labs."""
    return [
        item
        for item in Questionnaire.load().items
        if item.type in ("integer", "number", "quantity") or item.select_by == "count"
    ]


def example_reply(item: Item) -> tuple[int, str]:
    """A whole number the item accepts, from its example ("3.4 mmol/L" gives 3 and "mmol/L")."""
    found = re.match(r"(\d+(?:\.\d+)?)\s*([^,]*)", item.example or "")
    assert found, item.id
    return round(float(found.group(1))), found.group(2).strip()


def read(item: Item, text: str, ruleset: Any) -> Any:
    return parse_reply("item", item, text, normalise_reply(text), ruleset.lab_units)


def question(item: Item) -> Question:
    return Question(
        key=item.id, item=item, kind="item", type=item.type, text=item.text, help=item.help, accepts=accepts_text(item)
    )


def test_the_number_questions_are_found_in_the_questionnaire() -> None:
    ids = {item.id for item in number_items()}
    assert {"age", "drinks_per_week", "alcohol_quantity", "diarrhea_days", "lab_potassium"} <= ids


@pytest.mark.parametrize("item", number_items(), ids=lambda item: item.id)
def test_every_number_question_in_ask_reads_its_number_in_words(item: Item, ruleset: Any) -> None:
    number, unit = example_reply(item)
    in_digits = read(item, f"{number} {unit}".strip(), ruleset)
    for said in (in_words(number), f"about {in_words(number)}", in_words(number).upper()):
        assert read(item, f"{said} {unit}".strip(), ruleset) == in_digits, said


@pytest.mark.parametrize(
    "item",
    [item for item in number_items() if question_form(question(item)).widget in ("text", "quantity")],
    ids=lambda item: item.id,
)
def test_every_number_box_on_the_web_page_reads_its_number_in_words(item: Item, ruleset: Any) -> None:
    number, unit = example_reply(item)
    form: dict[str, list[str]] = {"answer": [in_words(number)]}
    if item.type == "quantity":
        form["unit"] = [item.unit(unit).value if unit else item.units[0].value]
    typed = reply_text(question(item), form)
    assert isinstance(typed, str)
    digits = {"answer": [str(number)], **({"unit": form["unit"]} if "unit" in form else {})}
    assert read(item, typed, ruleset) == read(item, str(reply_text(question(item), digits)), ruleset)


def test_maria_answers_ask_in_words_up_to_the_drinks_in_a_usual_week(ruleset: Any) -> None:
    for said, drinks in (("three", 3), ("three drinks", 3), ("none", 0)):
        walk = Interview.for_ruleset(Questionnaire.load(), ruleset)
        for reply in ("0", "fifty-eight", "female", "no", "0", "3", "two", "no"):
            assert walk.answer(reply).moved_on, reply
        now = walk.next_question()
        assert now is not None and now.key == "drinks_per_week"
        assert walk.answer(said).moved_on, said
        assert walk.answers["alcohol"]["drinks_per_week"] == drinks


def test_maria_says_three_drinks_in_a_usual_week_in_words(ruleset: Any) -> None:
    item = next(item for item in number_items() if item.id == "drinks_per_week")
    for said, drinks in (
        ("three", 3),
        ("three drinks", 3),
        ("about three drinks a week", 3),
        ("none", 0),
        ("None at all", 0),
    ):
        assert read(item, said, ruleset).stored() == drinks, said
    assert read(item, "fourteen units", ruleset).unit.value == "uk_units"


def test_on_the_web_page_three_goes_with_the_unit_chosen() -> None:
    item = next(item for item in number_items() if item.id == "drinks_per_week")
    assert reply_text(question(item), {"answer": ["three"], "unit": ["uk_units"]}) == "3 uk_units"
    assert reply_text(question(item), {"answer": ["none"], "unit": ["drinks"]}) == "0 drinks"


def test_none_is_no_number_where_none_is_not_an_answer(ruleset: Any) -> None:
    age = next(item for item in number_items() if item.id == "age")
    with pytest.raises(ReplyError):
        read(age, "none", ruleset)


def test_a_lab_result_in_words_with_a_fraction_is_asked_again_in_plain_words(ruleset: Any) -> None:
    potassium = next(item for item in number_items() if item.id == "lab_potassium")
    with pytest.raises(ReplyError, match=r"^Please type a number and its unit"):
        read(potassium, "three point one mmol/L", ruleset)


# -- finding 3: files saved by ask, screened together ------------------------------------------------


def test_answers_saved_by_ask_carry_the_file_name_as_their_id(tmp_path: Path) -> None:
    from test_cli_ask import NOTHING_TO_REPORT, REVIEW_DONE, ask, saved

    target = tmp_path / "bob-ask2.json"
    run = ask("--save", str(target), replies=NOTHING_TO_REPORT + REVIEW_DONE)
    assert run.exit_code == 0, run.output
    answers = saved(target)
    assert answers["id"] == "bob-ask2"
    assert next(iter(answers)) == "id"  # read first, as a person looks for it


def test_a_resumed_file_keeps_its_id_when_saved_under_another_name(tmp_path: Path) -> None:
    from test_cli_ask import NOTHING_TO_REPORT, REVIEW_DONE, ask, saved

    first = tmp_path / "rita.json"
    assert ask("--save", str(first), replies=NOTHING_TO_REPORT + REVIEW_DONE).exit_code == 0
    again = tmp_path / "rita-again.json"
    run = ask("--resume", str(first), "--save", str(again), replies=[""] * 20)
    assert run.exit_code == 0, run.output
    assert saved(again)["id"] == "rita"


def _batch(tmp_path: Path, *files: Path) -> Any:
    from test_cli_ask import app, runner

    out = tmp_path / "out.csv"
    run = runner.invoke(app, ["batch", *map(str, files), "-o", str(out), "-f", "csv"])
    assert run.exit_code == 0, run.output
    return run


def test_a_folder_of_answers_without_ids_is_not_said_to_have_duplicate_ids(tmp_path: Path) -> None:
    folder = tmp_path / "asked"
    folder.mkdir()
    for name, age in (("bob", 50), ("lucy", 60), ("tom", 34)):
        (folder / f"{name}.json").write_text(json.dumps({"age": age}), encoding="utf-8")
    run = _batch(tmp_path, folder)
    assert "3 screened" in run.output
    assert "duplicate ids" not in run.output


def test_two_sheets_whose_ids_are_their_row_numbers_are_still_said_to_share_ids(tmp_path: Path) -> None:
    sheets = []
    for name in ("north", "south"):
        sheet = tmp_path / f"{name}.csv"
        sheet.write_text("id,age\n1,50\n2,60\n", encoding="utf-8")
        sheets.append(sheet)
    run = _batch(tmp_path, *sheets)
    assert "duplicate ids: 2" in " ".join(run.output.split())


# -- finding 6: the notebook API ------------------------------------------------------------------------


README = Path(__file__).resolve().parent.parent / "README.md"
#: Names a README example leaves to the reader (a Spark session needs a Java runtime): not run.
GIVEN_BY_THE_READER = ("spark.read",)


def readme_python_examples() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)


def test_the_readme_has_python_examples_for_the_notebook_and_teaching() -> None:
    examples = "\n".join(readme_python_examples())
    for call in ("screener.screen(", "screen_record(", "walk(", "explanation_tree(", "compare(", "person_report("):
        assert call in examples, call


@pytest.mark.parametrize("example", readme_python_examples(), ids=lambda code: code.strip().splitlines()[0][:50])
def test_every_python_example_in_the_readme_runs(
    example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    if any(name in example for name in GIVEN_BY_THE_READER):
        pytest.skip("needs a Spark session")
    monkeypatch.chdir(tmp_path)
    from screener.cli.main import app
    from test_cli_ask import runner

    from screener import Screener
    from screener.fhir import answers_to_response, fhir_context

    examples = README.parent / "examples" / "personas"
    ran = runner.invoke(app, ["batch", str(examples), "-o", "results.jsonl"])  # what the examples read
    assert ran.exit_code == 0, ran.output
    assert runner.invoke(app, ["batch", "results.jsonl", "-o", "results.parquet"]).exit_code in (0, 3)
    screener = Screener()
    given = {
        "questionnaire_response": answers_to_response(
            {"age": 72, "medications": ["Lasix"]}, fhir_context(screener.ruleset)
        )
    }
    exec(compile(example, "README.md", "exec"), given)
    capsys.readouterr()


def test_screen_given_a_list_points_to_the_loop_that_screens_many() -> None:
    from screener import Screener
    from screener.screening.pipeline import InvalidAnswers

    with pytest.raises(
        InvalidAnswers, match=r"got a list of 2: screen\(\) screens one person; for many, loop with screen_record"
    ):
        Screener().screen([{"age": 50}, {"age": 60}])  # type: ignore[arg-type]


def test_an_invalid_record_shows_in_one_line_what_is_wrong_red_flags_first() -> None:
    from screener import Screener

    screener = Screener()
    assert (
        repr(screener.screen_record({"age": "seventy"}))
        == "<InvalidRecord '1': not screened, 1 error: $.age: expected a whole number, got \"seventy\">"
    )
    shown = repr(
        screener.screen_record(
            {"red_flags_now": ["chest_pain"], "age": "seventy", "agee": 3, "sex": "x", "diuretic_use": 4}
        )
    )
    assert shown.startswith(
        "<InvalidRecord '1': red flags chest_pain, urgency emergency; not screened, 4 errors: $.age:"
    )
    assert shown.endswith("; and 1 more error>") and "\n" not in shown


def test_walk_refuses_answers_that_are_not_the_ones_screened() -> None:
    from screener import Screener
    from screener.teaching import walk

    screener = Screener()
    rita = {"age": 72, "medications": ["Lasix"]}
    screening = screener.run(rita)
    with pytest.raises(
        ValueError,
        match=r"not the ones this screening screened \(age: 20 given, 72 screened; medications: nothing given",
    ):
        walk(screener, screening, {"age": 20})
    assert walk(screener, screening, rita) == walk(screener, screening)


def test_every_persona_walks_the_same_without_its_answers_given_again() -> None:
    from screener import Screener
    from screener.teaching import list_personas, personas_folder, walk

    screener = Screener()
    for persona in list_personas(personas_folder()):
        screening = screener.run(persona.answers)
        assert walk(screener, screening) == walk(screener, screening, persona.answers), persona.name


# -- finding 7: words ------------------------------------------------------------------------------------


def _item(item_id: str) -> Item:
    return next(item for item in Questionnaire.load().items if item.id == item_id)


@pytest.mark.parametrize(
    ("item_id", "said", "label"),
    [
        ("alcohol_frequency", "a couple of times a week", "2 to 3 times a week"),
        ("alcohol_frequency", "twice a month", "2 to 4 times a month"),
        ("alcohol_frequency", "once a month", "Monthly or less"),
        ("alcohol_quantity", "one or two", "1 or 2"),
        ("alcohol_quantity", "a couple", "1 or 2"),
        ("alcohol_quantity", "seven to nine", "7 to 9"),
    ],
)
def test_ken_answers_how_often_and_how_much_he_drinks_as_people_say_it(
    item_id: str, said: str, label: str, ruleset: Any
) -> None:
    item = _item(item_id)
    assert read(item, said, ruleset) == next(choice.value for choice in item.choices if choice.label == label)


def test_a_time_that_fits_more_than_one_answer_is_asked_again_with_the_answers_to_choose_from(ruleset: Any) -> None:
    with pytest.raises(ReplyError) as refused:
        read(_item("lab_magnesium_taken"), "in the last 30 days", ruleset)
    assert str(refused.value) == (
        "Sorry, I could not tell which answer 'in the last 30 days' is. Please type 1 for 'In the last 7 days', "
        "2 for '8 to 30 days ago' or 3 for 'More than 30 days ago'."
    )
    with pytest.raises(ReplyError, match=r"which answer 'once a week' is\. Please type 1 for 'Never', 2 for"):
        read(_item("alcohol_frequency"), "once a week", ruleset)


def test_ask_resume_on_batch_output_gives_the_whole_report_command(tmp_path: Path) -> None:
    from test_cli_ask import app, runner

    results = tmp_path / "results.jsonl"
    assert runner.invoke(
        app, ["batch", str(README.parent / "examples" / "cohort.jsonl"), "-o", str(results), "-q"]
    ).exit_code in (0, 3)
    run = runner.invoke(app, ["ask", "--resume", str(results)], input="")
    assert run.exit_code == 3
    said = " ".join(run.output.split())
    assert (
        f"not a valid answers file: holds more than one result (the output of `mgk-screen batch`), not one person's answers; for a report on them all: `mgk-screen report --cohort {results} -o cohort.pdf`"
        in said
    )


# -- finding 7: the summary and the cohort report -----------------------------------------------------------

GRACE = {
    "id": "grace", "age": 81, "sex": "female", "medications": ["digoxin 125 mcg", "furosemide 40 mg"], "diuretic_use": "yes",
    "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none",
    "diet": {"processed_food": "sometimes", "fruit_veg_servings": 3}, "conditions": ["heart_failure"],
    "symptoms": ["nausea_poor_appetite"], "red_flags_now": [], "supplements": [],
    "labs": {"potassium": {"value": 3.8, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip


def test_graces_summary_says_age_65_or_over_once_in_why_in_short() -> None:
    from screener.reports import person_report

    page = person_report(GRACE, summary=True)
    reasons = page[page.index('id="reasons-heading"') :]
    assert reasons.count("<strong>Age 65 or over</strong>") == 1
    assert "<strong>Age 65 or over</strong>. Because: Age: 81 years" in reasons


def test_a_narrow_level_bar_of_the_cohort_chart_is_labelled_with_its_share() -> None:
    from screener.reports.charts import stacked_levels

    chart = stacked_levels(
        "levels",
        "Screening levels",
        {"Magnesium": {"likely": 1, "possible": 3, "unlikely": 4}},
        ["likely", "possible", "unlikely"],
        8,
    )
    drawn = re.findall(r"<text[^>]*>([^<]*)<", chart.svg)  # the words on the chart, not its description
    assert "12%" in drawn and "38%" in drawn


def test_a_record_with_too_few_answers_is_not_screened_in_the_cohorts_list_of_urgent_records() -> None:
    from screener import Screener
    from screener.reports import cohort_report_from_entries

    screener = Screener()
    lucy = screener.screen_entry({"id": "lucy", "age": 40, "red_flags_now": ["chest_pain"]})
    assert lucy["coverage"] == "none" and lucy["combined_depletion"] == "unlikely"
    page = cohort_report_from_entries([lucy], screener.ruleset)
    listed = page[page.index("lucy") :]
    # "too few answers" since review 9, as the batch summary says it ("not screened" is an unreadable record)
    assert "too few answers: no core section answered, so not enough to say" in listed[:2000]
    assert "unlikely (Mg unlikely" not in page


@pytest.mark.parametrize(
    ("typed", "unit", "alcohol"),
    [
        ("three", "drinks", {"drinks_per_week": 3}),
        ("none", "drinks", {"drinks_per_week": 0}),
        ("fourteen", "uk_units", {"units_per_week": 14}),
    ],
)
def test_maria_types_her_drinks_in_a_usual_week_in_words_on_the_web_page(
    typed: str, unit: str, alcohol: dict[str, int]
) -> None:
    from web_support import Visitor

    visitor = Visitor()
    visitor.start()
    visitor.choose("None of these")
    visitor.type("fifty-eight")
    visitor.choose("Female")
    visitor.choose("No")
    visitor.type("none")
    visitor.choose("2 to 4 times a month")
    visitor.type("two")  # drinks on a typical day
    visitor.choose("Never")  # six or more on one occasion
    assert visitor.question == "drinks_per_week"
    visitor.type(typed, unit=unit)
    assert visitor.question != "drinks_per_week", visitor.text
    answers = visitor.client.get("/answers.json").json()
    assert answers["age"] == 58
    assert {key: answers["alcohol"][key] for key in alcohol} == alcohol
