"""Coverage (contract v2): a thin record can never be read as reassurance, in any output.

Every result carries `coverage` (full, partial or none: how many of the four core sections were
answered) and lists as unanswered only the sections that apply to this person. With none, readable
output says "not enough answers to screen" above the levels and `answer_more_questions` replaces
`general_advice`; with some missing, the missing core sections are named beside the headline.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.contract.coverage import CORE_SECTIONS, SECTION_WORDS, applies, coverage_of, missing_core_sections

runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100", "TERMINAL_WIDTH": "100", "_TYPER_FORCE_DISABLE_TERMINAL": "1"})

NOTHING = {"id": "empty"}
STOPPED_AFTER_A_RED_FLAG = {"id": "stopped", "red_flags_now": ["chest_pain"]}
RUNNER_WITH_CRAMPS_ONLY = {"id": "runner", "age": 30, "symptoms": ["muscle_cramps"]}
EVERYTHING_ANSWERED = {
    "id": "full",
    "age": 45,
    "medications": [],
    "alcohol": {"drinks_per_week": 2},
    "diarrhea": {"present": False},
    "symptoms": [],
}


def screen(screener: Any, answers: dict[str, Any]) -> Any:
    return screener.screen(answers)


# -- the result ---------------------------------------------------------------------------------


def test_an_empty_record_is_not_enough_to_screen_and_gets_no_reassuring_advice(screener: Any) -> None:
    result = screen(screener, NOTHING)
    assert result.coverage == "none"
    assert [r.code for r in result.recommendations] == ["answer_more_questions"]
    assert "does not rule out low magnesium or potassium" in result.recommendations[0].text


def test_a_person_who_stops_after_a_red_flag_gets_emergency_care_first_and_more_questions_last(
    screener: Any,
) -> None:
    result = screen(screener, STOPPED_AFTER_A_RED_FLAG)
    assert result.coverage == "none" and result.urgency == "emergency"
    assert [r.code for r in result.recommendations] == ["seek_emergency_care", "answer_more_questions"]


def test_a_runner_who_answered_only_symptoms_is_partial_and_told_what_was_not_asked(screener: Any) -> None:
    result = screen(screener, RUNNER_WITH_CRAMPS_ONLY)
    assert result.coverage == "partial"
    assert missing_core_sections(result.unanswered_sections) == ["medicines", "alcohol", "gi_losses"]
    assert [r.code for r in result.recommendations] == ["answer_the_core_questions"]  # not the general advice


def test_no_symptoms_is_an_answer_but_an_empty_section_object_is_not(screener: Any) -> None:
    result = screen(screener, {**EVERYTHING_ANSWERED, "diarrhea": {}, "vomiting": {}})
    assert result.coverage == "partial"
    assert missing_core_sections(result.unanswered_sections) == ["gi_losses"]
    assert screen(screener, EVERYTHING_ANSWERED).coverage == "full"


@pytest.mark.parametrize(
    ("answers", "core"),
    [
        ({"diuretic_use": "no"}, "medicines"),
        ({"medications": []}, "medicines"),
        ({"alcohol": {"audit_c": {"frequency": 0, "quantity": 0, "binge": 0}}}, "alcohol"),
        ({"vomiting": {"present": True}}, "gi_losses"),
        ({"laxative_use": "none"}, "gi_losses"),
        ({"symptoms": []}, "symptoms"),
    ],
)
def test_each_core_section_is_answered_by_any_of_its_fields(screener: Any, answers: dict[str, Any], core: str) -> None:
    result = screen(screener, answers)
    assert result.coverage == "partial"
    assert core not in missing_core_sections(result.unanswered_sections)


def test_coverage_counts_the_four_core_sections() -> None:
    every = [name for fields in CORE_SECTIONS.values() for name in fields]
    assert coverage_of([]) == "full"
    assert coverage_of(every) == "none"
    assert coverage_of(["alcohol"]) == "partial"
    assert coverage_of(["medications"]) == "full", "diuretic_use answers the medicines section"


# -- unanswered sections only where they apply ---------------------------------------------------


def test_no_laxative_type_after_no_laxatives_but_asked_after_regular_ones(screener: Any) -> None:
    assert "laxative_type" not in screen(screener, {"laxative_use": "none"}).unanswered_sections
    assert "laxative_type" in screen(screener, {"laxative_use": "regular"}).unanswered_sections
    assert "laxative_type" in screen(screener, {"laxative_use": "occasional"}).unanswered_sections
    assert "laxative_type" not in screen(screener, {"laxative_use": "unsure"}).unanswered_sections


def test_how_long_a_ppi_was_taken_applies_only_when_one_is_listed(screener: Any) -> None:
    assert "ppi_over_3_months" not in screen(screener, {"medications": ["amlodipine"]}).unanswered_sections
    assert "ppi_over_3_months" not in screen(screener, {}).unanswered_sections
    assert "ppi_over_3_months" in screen(screener, {"medications": ["Nexium 20 mg"]}).unanswered_sections


def test_potassium_despite_supplements_applies_only_when_potassium_is_taken(screener: Any) -> None:
    assert "low_potassium_despite_supplements" not in screen(screener, {"supplements": ["magnesium"]}).unanswered_sections
    for given in ({"supplements": ["potassium"]}, {"supplements": ["potassium_prescribed"]}, {"medications": ["Slow-K"]}):
        assert "low_potassium_despite_supplements" in screen(screener, given).unanswered_sections, given


def test_the_sections_that_apply_follow_the_questionnaires_skip_logic() -> None:
    """The result's rules for what applies and the questions asked must not drift apart."""
    from screener.interview import Questionnaire

    conditions = {item.field: item.enable_when for item in Questionnaire.load().items}
    ppi = conditions["ppi_over_3_months"]
    assert [(c.operator, c.value) for c in ppi] == [("has_medicine_class", "proton_pump_inhibitor")]
    assert applies("ppi_over_3_months", {}, {"proton_pump_inhibitor"}) and not applies("ppi_over_3_months", {}, set())
    (laxatives,) = conditions["laxative_type"]
    for value in ("none", "occasional", "regular", "unsure"):
        assert applies("laxative_type", {"laxative_use": value}, set()) is (value in laxatives.value)
    potassium = conditions["low_potassium_despite_supplements"]
    for condition in potassium:
        if condition.operator == "contains":
            assert applies("low_potassium_despite_supplements", {"supplements": [condition.value]}, set())
        else:
            assert applies("low_potassium_despite_supplements", {}, {condition.value})
    assert not applies("low_potassium_despite_supplements", {"supplements": ["magnesium"]}, set())


@pytest.mark.parametrize("medicine", ["Furosemide 40 MG Oral Tablet", "bendroflumethiazide", "spironolactone", "Diamox", "Dyazide"])
def test_the_water_pill_question_does_not_apply_when_a_diuretic_is_listed(screener: Any, medicine: str) -> None:
    result = screen(screener, {"age": 70, "medications": [medicine]})
    assert "diuretic_use" not in result.unanswered_sections, "the listed diuretic answers it"


@pytest.mark.parametrize("medications", [[], ["omeprazole"], ["finerenone"], ["Zzzyxal"]])
def test_the_water_pill_question_applies_without_a_recognised_diuretic(screener: Any, medications: list[str]) -> None:
    assert "diuretic_use" in screen(screener, {"age": 70, "medications": medications}).unanswered_sections


def test_the_diuretics_that_answer_the_water_pill_question_are_the_rules_recognised_diuretics() -> None:
    """coverage.py and the rule `recognised_diuretic` (rules/derived_facts.json) must not drift apart."""
    from screener.contract.coverage import RECOGNISED_DIURETIC_CLASSES

    rules = json.loads((Path(__file__).resolve().parents[1] / "rules" / "derived_facts.json").read_text("utf-8"))
    (rule,) = [rule for rule in rules["rules"] if rule["id"] == "recognised_diuretic"]
    assert {test["fact"].removeprefix("medication_class.") for test in rule["when"]["any"]} == set(RECOGNISED_DIURETIC_CLASSES)
    for drug_class in RECOGNISED_DIURETIC_CLASSES:
        assert not applies("diuretic_use", {}, {drug_class})
    assert applies("diuretic_use", {"medications": ["x"]}, {"proton_pump_inhibitor"})


def test_whom_the_pregnancy_question_applies_to_is_whom_the_questionnaire_asks() -> None:
    """coverage.py (the unanswered sections) and the questionnaire's enable_when of `pregnant`
    must not drift apart: a woman it never asked must not be told she left it unanswered."""
    from screener.contract.coverage import PREGNANCY_AGES, PREGNANCY_SEXES

    questionnaire = json.loads((Path(__file__).resolve().parents[1] / "rules" / "questionnaire.json").read_text("utf-8"))
    (item,) = [item for item in questionnaire["items"] if item["id"] == "pregnant"]
    conditions = {condition["item"]: condition for condition in item["enable_when"]}
    assert conditions["age"] == {"item": "age", "operator": "between", "value": list(PREGNANCY_AGES)}
    assert conditions["sex"] == {"item": "sex", "operator": "not_equals", "value": "male"}
    assert set(PREGNANCY_SEXES) == {"female", "other"}  # every sex but male


def test_every_section_has_plain_words() -> None:
    from screener.contract.answers import SECTIONS

    assert set(SECTION_WORDS) == set(SECTIONS)
    assert all("_" not in words for words in SECTION_WORDS.values())


# -- every output -------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, answers: dict[str, Any]) -> str:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    return str(path)


def test_screen_says_not_enough_answers_above_the_levels(tmp_path: Path) -> None:
    run = runner.invoke(app, ["screen", write(tmp_path, "empty", {}), "--plain"])
    assert run.exit_code == 0, run.output
    text = " ".join(run.stdout.split())
    assert text.index("Not enough answers to screen") < text.index("Combined magnesium and potassium depletion")
    assert "nothing was said about medicines, alcohol, gut losses (diarrhea, vomiting, laxatives) or symptoms" in text
    assert "Nothing in these answers points to" not in text
    assert "mgk-screen result for" not in text, "no id was given, so none is shown"


def test_screen_names_the_missing_core_sections_beside_the_headline(tmp_path: Path) -> None:
    run = runner.invoke(app, ["screen", write(tmp_path, "runner", RUNNER_WITH_CRAMPS_ONLY), "--plain"])
    text = " ".join(run.stdout.split())
    assert (
        "Combined magnesium and potassium depletion: unlikely, but based on FEW ANSWERS: not reassurance (not answered: "
        "medicines, alcohol and gut losses (diarrhea, vomiting, laxatives))" in text
    )
    assert "Not answered (unknown, not 'no'): sex, the medicines taken," in text
    assert "laxative_type" not in text and "the kind of laxative" not in text


def test_screen_of_a_full_record_names_no_missing_core_section(tmp_path: Path) -> None:
    run = runner.invoke(app, ["screen", write(tmp_path, "full", EVERYTHING_ANSWERED), "--plain"])
    text = " ".join(run.stdout.split())
    assert "Combined magnesium and potassium depletion: UNLIKELY magnesium depletion: unlikely" in text
    assert "Not enough answers" not in text


@pytest.mark.parametrize(("answers", "coverage"), [(NOTHING, "none"), (RUNNER_WITH_CRAMPS_ONLY, "partial"), (EVERYTHING_ANSWERED, "full")])
def test_screen_json_carries_the_coverage(tmp_path: Path, answers: dict[str, Any], coverage: str) -> None:
    run = runner.invoke(app, ["screen", write(tmp_path, "a", answers), "--json"])
    assert json.loads(run.stdout)["coverage"] == coverage


def test_explain_and_demo_say_the_coverage(tmp_path: Path) -> None:
    explained = runner.invoke(app, ["explain", write(tmp_path, "empty", NOTHING), "--plain"])
    text = " ".join(explained.stdout.split())
    assert "coverage of the core sections: none: not enough answers to screen" in text
    as_json = json.loads(runner.invoke(app, ["explain", write(tmp_path, "empty", NOTHING), "--json"]).stdout)
    assert "coverage of the core sections: none" in json.dumps(as_json)
    (tmp_path / "personas").mkdir()
    write(tmp_path / "personas", "thin", {"id": "thin", "age": 40})
    demo = runner.invoke(app, ["demo", "thin", "--examples", str(tmp_path), "--plain"])
    text = " ".join(demo.stdout.split())
    assert "coverage of the core sections: none" in text and "Not enough answers to screen" in text


def test_batch_json_lines_csv_and_summary_carry_the_coverage(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text(
        "".join(json.dumps(r) + "\n" for r in (NOTHING, RUNNER_WITH_CRAMPS_ONLY, EVERYTHING_ANSWERED)), encoding="utf-8"
    )
    jsonl = runner.invoke(app, ["batch", str(records)])
    assert [json.loads(line)["coverage"] for line in jsonl.stdout.splitlines()] == ["none", "partial", "full"]
    assert "coverage of the core sections: full 1, partial 1, none 1" in jsonl.stderr
    assert "3 records read" in jsonl.stderr

    out = tmp_path / "out.csv"
    run = runner.invoke(app, ["batch", str(records), "-f", "csv", "-o", str(out), "-q"])
    assert run.exit_code == 0, run.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row["coverage"] for row in rows] == ["none", "partial", "full"]
    assert rows[1]["unanswered_sections"].split("; ")[:3] == ["sex", "medications", "diuretic_use"]
    assert rows[2]["unanswered_sections"] == "sex; diuretic_use; vomiting; laxative_use; diet; conditions; red_flags_now; supplements; labs"


def test_one_record_is_one_record_in_the_summary(tmp_path: Path) -> None:
    run = runner.invoke(app, ["batch", write(tmp_path, "one", RUNNER_WITH_CRAMPS_ONLY)])
    assert "mgk-screen: 1 record read: 1 screened, 0 invalid" in run.stderr
    checked = runner.invoke(app, ["validate", write(tmp_path, "one", RUNNER_WITH_CRAMPS_ONLY)])
    assert "1 record read, 1 valid, 0 with errors" in checked.stderr


def test_ask_stopped_after_a_red_flag_says_there_are_not_enough_answers(tmp_path: Path) -> None:
    run = runner.invoke(app, ["ask", "--plain"], input="1\nno\n")
    assert run.exit_code == 0, run.output
    text = " ".join(run.stdout.split())
    assert text.index("RED FLAG: chest pain") < text.index("Not enough answers to screen")
    assert text.index("Not enough answers to screen") < text.index("Combined magnesium and potassium depletion")
    assert "1. Seek emergency care now" in text and "2. Not enough answers to screen" in text
