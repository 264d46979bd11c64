"""`mgk-screen compare`: a teacher shows a class what one answer does to the whole chain, or how two
people differ, from the answers to the advice.

The class this was built for: why a low potassium will not correct until magnesium does. Rosa
(low-potassium-despite-supplements) and the woman with only a low potassium result
(low-potassium-result-only) are the personas; the changes are the ones a teacher makes live.
"""

from __future__ import annotations

import json
import re

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100", "TERMINAL_WIDTH": "100", "_TYPER_FORCE_DISABLE_TERMINAL": "1"})

ONLY_A_LOW_POTASSIUM = "low-potassium-result-only"
ROSA = "low-potassium-despite-supplements"
AND_IT_WILL_NOT_CORRECT = ["--set", "low_potassium_despite_supplements=true", "--set", 'supplements=["potassium_prescribed"]']
A_LOW_MAGNESIUM_RESULT = ["--set", "labs.magnesium.value=0.55", "--set", "labs.magnesium.unit=mmol/L"]


def compare(*args: str) -> str:
    run = runner.invoke(app, ["compare", *args])
    assert run.exit_code == 0, run.output
    return run.stdout


def section(text: str, heading: str) -> str:
    """The lines under one heading, up to the next blank line, as one line of words (as wrapped
    for any width)."""
    return " ".join(text.split(f"\n{heading}\n", 1)[1].split("\n\n", 1)[0].split())


def test_a_low_potassium_that_will_not_correct_makes_magnesium_depletion_likely() -> None:
    text = compare(ONLY_A_LOW_POTASSIUM, *AND_IT_WILL_NOT_CORRECT)
    assert text.startswith(f"Compare: the persona {ONLY_A_LOW_POTASSIUM}\n   with: the persona {ONLY_A_LOW_POTASSIUM}, with")
    answers = section(text, "The answers that differ (first -> second)")
    assert "low_potassium_despite_supplements: not answered -> yes" in answers
    said = section(text, "What the screen says (first -> second)")
    assert "magnesium depletion: possible -> likely (changed)" in said
    assert "combined magnesium and potassium depletion: possible -> likely (changed)" in said
    assert "potassium depletion: likely (the same)" in said
    only_second = section(text, "Rules that fire only for the second (6)")
    assert "Potassium that will not correct: magnesium depletion likely [magnesium_likely_refractory_low_potassium]" in only_second
    assert "because potassium stays low despite replacement: yes" in only_second
    assert "step 5: Magnesium and potassium levels" in only_second
    assert section(text, "Rules that fire only for the first (0)") == "none"


def test_rosa_with_a_low_magnesium_result_shows_the_rules_that_result_adds() -> None:
    text = compare(ROSA, *A_LOW_MAGNESIUM_RESULT)
    assert "labs.magnesium: not answered -> 0.55 mmol/L, taken: not given; used as given" in text
    only_second = section(text, "Rules that fire only for the second (5)")
    assert "[low_mg_lab]" in only_second and "[magnesium_likely_low_result]" in only_second
    assert "combined magnesium and potassium depletion: likely (the same)" in text


def test_an_answer_made_unanswered_takes_its_rules_away() -> None:
    text = compare(ROSA, "--unset", "low_potassium_despite_supplements")
    assert "low_potassium_despite_supplements: yes -> not answered" in text
    assert "[refractory_low_k]" in section(text, "Rules that fire only for the first (3)")


def test_two_personas_compared_show_every_answer_that_differs_and_the_advice_of_each() -> None:
    text = compare("runner-with-cramps-only", "older-adult-on-furosemide-with-cramps")
    answers = section(text, "The answers that differ (first -> second)")
    assert "age: 34 -> 78" in answers
    assert "medications: none -> Lasix 40 mg tablets (furosemide: a loop diuretic" in answers
    assert "symptoms:" in answers  # both have cramps; the older adult has more
    assert "[rf_loop_diuretic]" in text.split("Rules that fire only for the second")[1].split("Recommendations only")[0]
    assert "(changed)" in section(text, "What the screen says (first -> second)")
    assert "Recommendations only for the second" in text


def test_answers_given_for_the_second_only_are_listed_where_the_questionnaire_asks_them() -> None:
    text = compare("runner-with-cramps-only", "years-on-a-ppi-with-twitches")
    fields = [line.split(":")[0].strip() for line in text.split("The answers that differ (first -> second)\n")[1].split("\n\n")[0].splitlines()]
    fields = [field for field in fields if not field.startswith(("inhibitor", "("))]  # a wrapped line
    assert fields.index("ppi_over_3_months") == fields.index("medications") + 1  # the omeprazole's follow-up question
    assert fields.index("ppi_over_3_months") < fields.index("alcohol.drinks_per_week")


def test_the_same_answers_compared_differ_in_nothing() -> None:
    text = compare(ROSA, ROSA)
    assert section(text, "The answers that differ (first -> second)") == "none: the same answers"
    assert "(changed)" not in text


def test_an_answers_file_compares_with_a_persona(tmp_path) -> None:  # type: ignore[no-untyped-def]
    mine = tmp_path / "my-patient.json"
    mine.write_text(json.dumps({"age": 50, "medications": ["furosemide"], "symptoms": ["muscle_cramps"]}), encoding="utf-8")
    text = compare(str(mine), "runner-with-cramps-only")
    assert text.startswith(f"Compare: {mine}\n   with: the persona runner-with-cramps-only\n")


def test_compare_json_holds_every_part_of_the_comparison() -> None:
    data = json.loads(compare(ONLY_A_LOW_POTASSIUM, *AND_IT_WILL_NOT_CORRECT, "--json"))
    assert set(data) == {"first", "second", "answers", "outcome", "only_first", "only_second", "advice_only_first", "advice_only_second"}
    said = {item["what"]: item for item in data["outcome"]}
    assert [item["what"] for item in data["outcome"]][:3] == ["red flags", "the headline", "combined magnesium and potassium depletion"]
    assert said["combined magnesium and potassium depletion"] == {
        "what": "combined magnesium and potassium depletion", "before": "possible", "after": "likely",
    }
    assert said["the headline"]["after"] == "not enough answers to screen: likely"
    assert {rule["id"] for rule in data["only_second"]} >= {"refractory_low_k", "magnesium_likely_refractory_low_potassium"}


def test_a_handout_at_fifty_columns_has_no_colour_and_no_line_wider_than_the_page() -> None:
    narrow = CliRunner(env={"NO_COLOR": "", "COLUMNS": "50", "TERMINAL_WIDTH": "50", "_TYPER_FORCE_DISABLE_TERMINAL": "1"})
    run = narrow.invoke(app, ["compare", ONLY_A_LOW_POTASSIUM, *AND_IT_WILL_NOT_CORRECT, "--plain"])
    assert run.exit_code == 0, run.output
    assert "\x1b" not in run.stdout
    too_wide = [line for line in run.stdout.splitlines() if len(line) > 50 and not re.fullmatch(r"\s*\[\w+\]", line)]
    assert not too_wide  # only a rule id longer than the page may stick out: it cannot be broken


def test_a_red_flag_taken_away_is_said_first_and_lowers_how_soon() -> None:
    text = compare("diuretic-and-vomiting-with-fainting-now", "--set", "red_flags_now=[]")
    said = text.split("What the screen says (first -> second)\n")[1].split("\n")
    assert said[0] == "  red flags: fainting -> none (changed)"  # red flags first, as in every result
    assert "how soon: emergency - seek emergency care now -> urgent" in section(text, "What the screen says (first -> second)")
    assert "[red_flag_now_fainting]" in section(text, "Rules that fire only for the first (2)")


def test_answers_on_stdin_are_called_that_and_read_once() -> None:
    run = runner.invoke(app, ["compare", "-", "runner-with-cramps-only"], input='{"age": 40}')
    assert run.exit_code == 0, run.output
    assert run.stdout.startswith("Compare: the answers on stdin\n")
    twice = runner.invoke(app, ["compare", "-", "-"], input='{"age": 40}')
    assert twice.exit_code == 2
    assert "stdin can be read once: give FIRST or SECOND as a file or a persona's name" in twice.stderr


# -- what goes wrong, said plainly -----------------------------------------------------------
def test_compare_with_nothing_to_compare_says_what_to_give() -> None:
    run = runner.invoke(app, ["compare", ROSA])
    assert run.exit_code == 2
    assert "compare needs a second screening: SECOND, or an answer of FIRST changed" in run.stderr
    assert "--set labs.magnesium.value=0.55" in run.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("age", "--set 'age': expected PATH=VALUE"),
        ("=3", "--set '=3': expected PATH=VALUE"),
        ("age.years=3", "age.years: age is 61, not a group of answers"),
        ("labs..value=3", "'labs..value': not a path to an answer"),
    ],
)
def test_a_set_that_is_not_path_equals_value_is_refused_with_an_example(setting: str, message: str) -> None:
    run = runner.invoke(app, ["compare", ROSA, "--set", setting])
    assert run.exit_code == 2
    assert message in run.stderr and "hint: " in run.stderr


def test_removing_an_answer_that_is_not_given_says_so() -> None:
    run = runner.invoke(app, ["compare", ROSA, "--unset", "alcohol"])
    assert run.exit_code == 2
    assert "--unset alcohol: that answer is not given, so there is nothing to remove" in run.stderr


def test_a_change_that_makes_the_answers_invalid_names_the_json_path() -> None:
    run = runner.invoke(app, ["compare", ROSA, "--set", "labs.magnesium.value=0.55"])
    assert run.exit_code == 3
    assert f"the persona {ROSA}, with labs.magnesium.value = 0.55: the answers are not valid, so they cannot be compared" in run.stderr
    assert "$.labs.magnesium: 'unit' is required but missing" in run.stderr


def test_a_misspelt_answer_name_gets_did_you_mean() -> None:
    run = runner.invoke(app, ["compare", ROSA, "--set", "symptom=[]"])
    assert run.exit_code == 3
    assert "$.symptom: unknown field 'symptom' (did you mean 'symptoms'?)" in run.stderr


def test_a_persona_name_close_to_one_gets_did_you_mean() -> None:
    run = runner.invoke(app, ["compare", "low-potassium-despite-suplements", ROSA])
    assert run.exit_code == 2
    assert "no such file, nor a persona (did you mean the persona 'low-potassium-despite-supplements'" in run.stderr


# -- the library ------------------------------------------------------------------------------
def test_with_changes_builds_a_new_lab_from_two_settings_and_leaves_the_original_alone() -> None:
    from screener.teaching import with_changes

    original = {"age": 61, "labs": {"potassium": {"value": 3.2, "unit": "mmol/L"}}}
    changed = with_changes(original, ["labs.magnesium.value=0.55", "labs.magnesium.unit=mmol/L", "symptoms=[\"fatigue\"]"], ["age"])
    assert changed == {
        "labs": {"potassium": {"value": 3.2, "unit": "mmol/L"}, "magnesium": {"value": 0.55, "unit": "mmol/L"}},
        "symptoms": ["fatigue"],
    }
    assert original == {"age": 61, "labs": {"potassium": {"value": 3.2, "unit": "mmol/L"}}}


def test_the_demo_and_the_persona_list_say_how_to_see_what_one_answer_changes() -> None:
    demo = runner.invoke(app, ["demo", ROSA]).stdout
    said = " ".join(demo.split("\nStep 1 of")[0].split())
    assert f"What one answer changes: `mgk-screen compare {ROSA} --set FIELD=VALUE`, FIELD as in the answers above." in said
    listed = runner.invoke(app, ["demo", "--list"]).stdout
    assert "compare two with `mgk-screen compare NAME OTHER` (--set: one answer changed)." in listed
    assert "`mgk-screen explain NAME`" in listed


# -- the headline each side reads ------------------------------------------------------------
# Sam, 40, gave his age and "no symptoms" and stopped; then the same with furosemide listed.
SAM = {"age": 40, "symptoms": []}
SAM_ON_FUROSEMIDE = ["--set", 'medications=["furosemide"]']


def sam_file(tmp_path) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "sam.json"
    path.write_text(json.dumps(SAM), encoding="utf-8")
    return str(path)


def test_sam_compared_shows_his_headline_rests_on_few_answers_before_furosemide_is_listed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    said = section(compare(sam_file(tmp_path), *SAM_ON_FUROSEMIDE, "--plain"), "What the screen says (first -> second)")
    assert said.startswith("red flags: none (the same) the headline: unlikely, but based on few answers: not reassurance -> possible (changed)")
    assert "combined magnesium and potassium depletion: unlikely -> possible (changed)" in said


def test_a_headline_that_stays_the_same_says_so_with_its_reason() -> None:
    text = compare("older-adult-on-furosemide-with-cramps", "--set", 'symptoms=["muscle_cramps","muscle_twitches"]')
    said = section(text, "What the screen says (first -> second)")
    assert "the headline: likely, higher than either part alone, because a cause of both losses comes with symptoms that fit (the same)" in said


def test_the_compared_headline_is_the_one_every_door_shows(tmp_path, screener) -> None:  # type: ignore[no-untyped-def]
    from screener.headline import Headline

    data = json.loads(compare(sam_file(tmp_path), *SAM_ON_FUROSEMIDE, "--json"))
    headline = next(item for item in data["outcome"] if item["what"] == "the headline")
    assert headline["before"] == Headline.of(screener.screen(SAM)).words()
    assert headline["after"] == Headline.of(screener.screen({**SAM, "medications": ["furosemide"]})).words()


def test_in_colour_a_changed_headline_is_bold_yellow_as_the_other_changed_lines_are(screener) -> None:  # type: ignore[no-untyped-def]
    import io

    from rich.console import Console

    from screener import teaching
    from screener.teaching.render import render_comparison

    def walked(answers: dict) -> teaching.Walk:  # type: ignore[type-arg]
        return teaching.walk(screener, screener.run(answers), answers)

    comparison = teaching.compare(screener.ruleset, walked(SAM), walked({**SAM, "medications": ["furosemide"]}))
    out = io.StringIO()
    render_comparison(comparison, Console(file=out, force_terminal=True, color_system="standard", no_color=False, width=100))
    text = out.getvalue()

    def style_of(words: str) -> set[str]:
        """The SGR codes that start the line holding these words."""
        line = next(line for line in text.splitlines() if words in line)
        return {code for sequence in re.findall(r"^(?:\x1b\[([0-9;]*)m)", line) for code in sequence.split(";")}

    changed = style_of("the headline: unlikely, but based on few answers: not reassurance -> possible (changed)")
    assert changed == style_of("combined magnesium and potassium depletion: unlikely -> possible (changed)")
    assert {"1", "33"} <= changed  # bold yellow
    assert "2" in style_of("red flags: none (the same)")  # the same: dim
