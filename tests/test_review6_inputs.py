"""Clinical review 6, G1, G2, W1, W2 and W4: answers read as they were meant (UK units in a sheet,
a "water tablet" beside "not sure"), no field name in any warning, a medicine name not read said in
the headline and counted in a batch, and a cohort report that puts the real abnormal result first
and keeps routine-for-scope and background factors apart."""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from screener import Screener
from screener.contract.answers import Answers, drinks_from_units
from screener.headline import Headline
from screener.interview.answer_paths import submodel

ROOT = Path(__file__).resolve().parents[1]

# Case 03 of the review: 50, omeprazole for years, 30 UK units a week (17 US drinks).
GARETH = {
    "id": "gareth", "age": 50, "sex": "male", "medications": ["omeprazole 20mg"], "ppi_over_3_months": "yes",
    "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none",
    "symptoms": [], "red_flags_now": [], "supplements": [],
}  # fmt: skip
# Case 08: "blood pressure tablet", "water tablet", "the cholesterol one"; water pill "not sure".
DEREK = {
    "id": "derek", "age": 55, "sex": "male",
    "medications": ["blood pressure tablet", "water tablet", "the cholesterol one"], "diuretic_use": "unsure",
    "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none",
    "symptoms": ["fatigue"], "red_flags_now": [], "supplements": [],
}  # fmt: skip
# Case 35: "bendroflumethazide 2.5mg", "amlodopine 5mg", water pill not answered.
MAUREEN = {
    "id": "maureen", "age": 72, "sex": "female", "medications": ["bendroflumethazide 2.5mg", "amlodopine 5mg"],
    "alcohol": {"drinks_per_week": 2}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": ["muscle_cramps", "fatigue"], "red_flags_now": [], "supplements": [],
}  # fmt: skip


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


# -- G1: UK units ---------------------------------------------------------------------------------


def test_gareth_s_30_uk_units_are_read_as_17_us_drinks_not_as_30(screener: Screener) -> None:
    in_units = screener.screen(GARETH | {"alcohol": {"units_per_week": 30}})
    in_drinks = screener.screen(GARETH | {"alcohol": {"drinks_per_week": 17.14}})
    units_as_drinks = screener.screen(GARETH | {"alcohol": {"drinks_per_week": 30}})  # the overcount of review 6
    levels = lambda r: (r.magnesium_depletion, r.potassium_depletion, r.combined_depletion, r.urgency)
    assert levels(in_units) == levels(in_drinks)
    assert "heavy_alcohol" not in in_units.risk_factors and levels(in_units) != levels(units_as_drinks)


def test_units_are_converted_as_ask_converts_them() -> None:
    questionnaire = json.loads((ROOT / "rules" / "questionnaire.json").read_text())
    item = next(i for i in questionnaire["items"] if i.get("field") == "alcohol.drinks_per_week")
    unit = next(u for u in item["units"] if u["value"] == "uk_units")
    assert drinks_from_units(30) == round(30 * unit["multiply"] / unit["divide"], 2) == 17.14


def test_units_and_drinks_given_together_that_disagree_are_screened_on_the_drinks_with_a_warning(screener: Screener) -> None:
    agreeing = screener.screen_record(GARETH | {"alcohol": {"units_per_week": 30, "drinks_per_week": 17}})
    assert agreeing.status == "screened"
    assert not any("given twice" in warning for warning in agreeing.warnings)
    # The schema accepts both numbers, so the record is screened (never lost), on the contract's
    # own field, and the disagreement is said.
    both = screener.screen_record(GARETH | {"alcohol": {"units_per_week": 30, "drinks_per_week": 30}})
    assert both.status == "screened"
    [warning] = [warning for warning in both.warnings if "given twice" in warning]
    assert "17.14 US standard drinks" in warning and "the 30 US standard drinks were used" in warning


def test_the_sheet_has_a_units_column_and_names_the_us_drink_by_the_drinks_column(tmp_path: Path) -> None:
    from screener.cli.main import app
    from typer.testing import CliRunner

    out = tmp_path / "clinic.csv"
    run = CliRunner().invoke(app, ["template", "csv", "-o", str(out)])
    assert run.exit_code == 0
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header.index("alcohol.units_per_week") == header.index("alcohol.drinks_per_week") + 1
    assert "US standard drinks (14 g of alcohol each)" in run.output and "alcohol.units_per_week" in run.output
    schema = json.loads((ROOT / "screener" / "schemas" / "answers.schema.json").read_text())
    alcohol = schema["$defs"]["Alcohol"]["properties"]
    assert "14 g" in alcohol["drinks_per_week"]["description"] and "8 g" in alcohol["units_per_week"]["description"]
    assert "version 3" in schema["$comment"]


def test_a_questionnaire_response_carries_units_as_uk_units_and_reads_back_as_uk_units(screener: Screener) -> None:
    from screener.fhir import answers_to_response, fhir_context, response_to_answers

    context = fhir_context(screener.ruleset)
    response = answers_to_response(GARETH | {"alcohol": {"units_per_week": 30}}, context)
    (item,) = [i for i in response["item"] if i["linkId"] == "drinks_per_week"]
    quantity = item["answer"][0]["valueQuantity"]
    assert (quantity["code"], quantity["value"]) == ("{UK_units}/wk", 30)
    back = response_to_answers(response, context)
    assert back.problems == [] and back.answers["alcohol"] == {"units_per_week": 30}  # review 7: judged as UK units


def test_a_resumed_file_in_units_has_the_drinks_question_answered_in_units(screener: Screener) -> None:
    from screener.interview.questionnaire import Questionnaire
    from screener.interview.saved_answers import replies_from_answers

    values, extra = replies_from_answers(Questionnaire.load(), screener.ruleset.vocabulary, {"alcohol": {"units_per_week": 30}})
    assert values["drinks_per_week"].unit.value == "uk_units" and values["drinks_per_week"].stored() == 17.14
    assert extra == {}


# -- G2 and W1: a water tablet beside "not sure"; no field names in warnings ------------------------


def test_derek_listing_a_water_tablet_and_not_sure_of_a_water_pill_is_counted_as_on_one(screener: Screener) -> None:
    result = screener.screen(DEREK)
    assert (result.magnesium_depletion, result.potassium_depletion, result.combined_depletion) == ("possible",) * 3
    assert result.urgency == "routine"
    (said,) = [w for w in result.warnings if "'water tablet'" in w]
    assert "whether a water pill (diuretic) is taken" in said and "answered 'not sure'" in said
    assert "diuretic_use" not in " ".join(result.warnings)


def test_a_water_tablet_beside_no_keeps_the_no_and_says_so_in_plain_words(screener: Screener) -> None:
    result = screener.screen(DEREK | {"diuretic_use": "no"})
    (said,) = [w for w in result.warnings if "'water tablet'" in w]
    assert "answers 'yes' to whether a water pill (diuretic) is taken, but that question was answered 'no'" in said
    assert result.magnesium_depletion == "unlikely"


def _field_names() -> set[str]:
    names: set[str] = set()

    def walk(model: Any) -> None:
        for name, info in model.model_fields.items():
            names.add(name)
            inner = submodel(info.annotation)
            if inner is not None:
                walk(inner)

    walk(Answers)
    return {name for name in names if "_" in name}


FIELD_NAME = re.compile(r"\b(" + "|".join(sorted(_field_names())) + r")\b")
NORMALISE = ROOT / "screener" / "screening" / "normalise.py"


def _warning_writes() -> set[int]:
    """The lines of the code that writes a result's warnings (``warnings.append``, ``extend``, ``+=``)."""
    lines = set()
    for node in ast.walk(ast.parse(NORMALISE.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("append", "extend"):
            target = node.func.value
            if (isinstance(target, ast.Attribute) and target.attr == "warnings") or (isinstance(target, ast.Name) and target.id == "warnings"):
                lines.add(node.lineno)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Attribute) and node.target.attr == "warnings":
            lines.add(node.lineno)
    return lines


def _records() -> list[dict[str, Any]]:
    """Records that reach every line writing a warning: the personas, and one record for each
    answer a listed kind of medicine can meet and each other warning (all in the repository, so
    that the test reads the same on any machine)."""
    records = [json.loads(p.read_text()) for p in sorted((ROOT / "examples" / "personas").glob("*.json"))]
    records += [DEREK | {"diuretic_use": answer} for answer in ("yes", "no", "unsure")] + [{k: v for k, v in DEREK.items() if k != "diuretic_use"}]
    records += [
        {"age": 9, "alcohol": {"drinks_per_week": 4}},  # alcohol set aside for a child
        {"age": 30, "sex": "male", "pregnant": "yes"},  # a pregnancy answer not asked of him
        {"medications": ["Lasix 40mg", "furosemide 20 mg"]},  # one medicine twice
        {"medications": ["Slow-K"], "supplements": []},  # a supplement listed beside "none of these"
        {"medications": ["Furosemda"], "diuretic_use": "unsure", "ppi_over_3_months": "unsure", "laxative_use": "unsure"},
        {"alcohol": {"units_per_week": 30, "drinks_per_week": 30}},  # the weekly total given twice, disagreeing
        {"labs": {"potassium": {"value": 2.3}}},  # a potassium without its unit, read as mmol/L
        {"labs": {"potassium": {"value": 23}}},  # a potassium without its unit that no unit makes plausible: not used
        {"medications": ["No medicines", "furosemide 20 mg"]},  # "no medicines" written beside a name
    ]
    return records


def test_no_warning_names_an_answers_field_and_every_line_writing_one_is_reached(screener: Screener) -> None:
    lines = _warning_writes()
    assert lines, "no line writing a warning was found: the test no longer reads normalise.py"
    reached: set[int] = set()
    path = str(NORMALISE)

    def trace(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != path:
            return None

        def line(frame: Any, event: str, arg: Any) -> Any:
            if event == "line" and frame.f_lineno in lines:
                reached.add(frame.f_lineno)
            return line

        return line

    warnings: list[str] = []
    sys.settrace(trace)
    try:
        for record in _records():
            entry = screener.screen_record(record)
            warnings += list(getattr(entry, "warnings", ()) or ())
    finally:
        sys.settrace(None)
    assert sorted(lines - reached) == [], "a line writing a warning that no record reached: add a record that reaches it"
    rule_warnings = [str(rule.then["warn"]) for rule in screener.ruleset.rules if "warn" in rule.then]
    named = sorted({w for w in warnings + rule_warnings if FIELD_NAME.search(w)})
    assert named == []


# -- W2: a medicine name not read, in the headline and in a batch -----------------------------------


def test_maureen_s_misspelled_bendroflumethiazide_qualifies_the_headline(screener: Screener) -> None:
    result = screener.screen(MAUREEN)
    assert result.combined_depletion == "unlikely" and result.urgency == "routine"
    headline = Headline.of(result)
    assert headline.text() == "Combined magnesium and potassium depletion: unlikely, but a medicine name could not be read"
    assert "a medicine name could not be read, so the result may be incomplete" in headline.sentence()
    assert headline.note() == "but medicine name not read"
    assert Headline.of(screener.screen({k: v for k, v in MAUREEN.items() if k != "medications"} | {"medications": []})).text() == (
        "Combined magnesium and potassium depletion: UNLIKELY"
    )


def test_a_batch_counts_the_records_with_a_medicine_name_not_read(tmp_path: Path) -> None:
    from screener.cli.main import app
    from typer.testing import CliRunner

    answers = tmp_path / "clinic.jsonl"
    answers.write_text("\n".join(json.dumps(r) for r in (MAUREEN, GARETH | {"alcohol": {"units_per_week": 30}}, DEREK)) + "\n")
    run = CliRunner().invoke(app, ["batch", str(answers), "-o", str(tmp_path / "out.jsonl")])
    assert run.exit_code == 0, run.output
    (line,) = [text for text in run.output.splitlines() if "medicine name could not be read" in text]
    assert "in 2 records" in line and "maureen" in line and "derek" in line and "gareth" not in line


# -- W4: the cohort report -------------------------------------------------------------------------

# Review 6's "soon" list: two stable heart-failure patients, then Dennis with a potassium of 3.3.
HF = {
    "age": 76, "sex": "male", "conditions": ["heart_failure"], "medications": ["furosemide 40mg", "ramipril 5mg"],
    "alcohol": {"drinks_per_week": 0}, "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": [], "red_flags_now": [], "supplements": [],
    "labs": {"potassium": {"value": 4.3, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip
DENNIS = HF | {"id": "dennis", "conditions": [], "medications": ["indapamide 2.5mg"],
               "labs": {"potassium": {"value": 3.3, "unit": "mmol/L", "taken": "last_7_days"}}}  # fmt: skip
TEEN = {"id": "teen", "age": 16, "sex": "male", "medications": [], "alcohol": {"drinks_per_week": 0},
        "diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none",
        "symptoms": ["muscle_cramps"], "red_flags_now": [], "supplements": []}  # fmt: skip


def _tally(screener: Screener, people: list[dict[str, Any]]) -> Any:
    from screener.reports import new_tally

    tally = new_tally(screener.ruleset)
    for n, person in enumerate(people, 1):
        tally.add(screener.screen_entry(person, source="clinic.jsonl", position=n, detail="lean"))
    return tally


def test_dennis_with_a_potassium_of_3_3_is_listed_first_among_the_soon(screener: Screener) -> None:
    # Heart failure on a diuretic with no recent potassium result is still "soon" (review 6, O1:
    # with a normal one this week it is routine); Dennis's low result goes before them.
    no_result = {name: value for name, value in HF.items() if name != "labs"}
    people = [no_result | {"id": "a-hf"}, no_result | {"id": "b-hf"}, DENNIS]
    tally = _tally(screener, people)
    assert {r.id: r.urgency for r in tally.urgent_records()} == {"a-hf": "soon", "b-hf": "soon", "dennis": "soon"}
    assert [r.id for r in tally.urgent_records()] == ["dennis", "a-hf", "b-hf"]
    assert [r.id for r in _tally(screener, [DENNIS, *people[:2]]).urgent_records()] == ["dennis", "a-hf", "b-hf"]


def test_routine_for_scope_or_unread_names_is_counted_apart_from_routine_for_the_answers(screener: Screener) -> None:
    from screener.reports import cohort_report

    tally = _tally(screener, [MAUREEN, DEREK])
    # Maureen: routine only because a medicine name could not be read; Derek: a water pill of unknown type.
    assert (tally.urgency["routine"], tally.routine_for_answers, tally.routine_for_scope) == (2, 1, 1)
    html = cohort_report(tally, screener.ruleset)
    assert "of which routine because of the answers" in html and "of which routine for scope or unreadable answers" in html


def test_every_rule_counted_as_routine_for_scope_is_a_routine_rule_of_the_ruleset(screener: Screener) -> None:
    # A rule renamed or made to warn only (routine_under_18 became under_18_outside_scope) must not
    # linger in the list unnoticed.
    from screener.reports.cohort import ROUTINE_FOR_SCOPE

    urgency_rules = {rule["id"]: rule for rule in json.loads((Path(__file__).parents[1] / "rules" / "urgency.json").read_text(encoding="utf-8"))["rules"]}
    for rule_id in ROUTINE_FOR_SCOPE:
        assert rule_id in urgency_rules, rule_id
        assert "routine" in json.dumps(urgency_rules[rule_id]["then"]), rule_id


def test_age_is_listed_as_a_background_factor_apart_from_the_causes(screener: Screener) -> None:
    from screener.reports import cohort_report
    from screener.reports.cohort_view import background_factors

    assert {"older_adult", "poor_diet"} <= background_factors(screener.ruleset)
    assert "thiazide_diuretic" not in background_factors(screener.ruleset)
    html = cohort_report(_tally(screener, [DENNIS, MAUREEN]), screener.ruleset)
    causes = html[html.index('id="risk-factors-table"') : html.index('id="background-factors"')]
    background = html[html.index('id="background-factors-table"') :]
    assert 'data-code="older_adult"' not in causes and 'data-code="thiazide_diuretic"' in causes
    assert 'data-code="older_adult"' in background.split("</table>")[0]
