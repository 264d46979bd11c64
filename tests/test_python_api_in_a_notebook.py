"""The Python API as a data scientist meets it in a notebook: the README's examples run as
written, a result shows as its headline (red flags first), it gives the JSON of `screen --json`
and a flat row with the columns of `batch -f csv`, and what is wrong with an input is said in
one clear exception, never a traceback from deep inside."""

from __future__ import annotations

import contextlib
import io
import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from screener.cli.main import app as cli
from typer.testing import CliRunner

from screener import InvalidAnswers, Screener
from screener.contract.result import ROW_COLUMNS
from screener.render import result_text

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = ROOT / "examples" / "personas"


def persona(name: str) -> dict[str, Any]:
    answers: dict[str, Any] = json.loads((PERSONAS / f"{name}.json").read_text("utf-8"))
    return answers


def python_examples() -> list[str]:
    section = (ROOT / "README.md").read_text("utf-8").split("## Using it from Python", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_readmes_python_examples_run_as_written() -> None:
    # The section holds more examples (teaching ones, run by test_review8_api): these two are the
    # first screening and the dataframe of many records.
    examples = python_examples()
    first = examples[0]
    dataframe = next(example for example in examples if "pd.DataFrame(" in example)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(first, {})
    assert printed.getvalue().startswith("possible routine\n")
    names: dict[str, Any] = {}
    exec(dataframe, names)
    assert list(names["table"].columns) == list(ROW_COLUMNS)
    assert list(names["table"].status) == ["screened", "invalid"]


def test_tab_completion_on_the_package_offers_its_public_names() -> None:
    import screener

    assert dir(screener) == sorted(screener.__all__)
    assert "Screener" in dir(screener)


def test_a_result_shows_in_a_notebook_as_one_line_with_the_red_flag_first(screener: Screener) -> None:
    result = screener.screen(persona("diuretic-and-vomiting-with-fainting-now"))
    shown = repr(result)
    assert shown.startswith("<ScreeningResult 'diuretic-and-vomiting-with-fainting-now': red flags fainting; combined depletion likely")
    assert "recommendations seek_emergency_care, " in shown
    assert "\n" not in shown and len(shown) < 500
    assert str(result) == shown
    readme = (ROOT / "README.md").read_text("utf-8")
    assert shown.split("recommendations")[0] in readme


def test_the_runner_with_cramps_only_prints_the_same_report_as_screen_plain(screener: Screener, tmp_path: Path) -> None:
    answers = {"id": "runner", **persona("runner-with-cramps-only")}
    source = tmp_path / "runner.json"
    source.write_text(json.dumps(answers), "utf-8")
    printed = CliRunner().invoke(cli, ["screen", str(source), "--plain"], env={"COLUMNS": "100"})
    assert printed.exit_code == 0, printed.output
    assert result_text(screener.screen(answers), screener, width=100) == printed.output


def test_the_json_of_a_result_is_what_screen_json_prints(screener: Screener, tmp_path: Path) -> None:
    answers = persona("older-adult-on-furosemide-with-cramps")
    source = tmp_path / "older.json"
    source.write_text(json.dumps(answers), "utf-8")
    printed = CliRunner().invoke(cli, ["screen", str(source), "--json"])
    assert screener.screen(answers).model_dump_json(indent=2, exclude_none=True) + "\n" == printed.output


def test_a_row_has_the_columns_of_batch_csv_output_for_a_result_and_an_invalid_record(screener: Screener, tmp_path: Path) -> None:
    written = tmp_path / "out.csv"
    assert CliRunner().invoke(cli, ["batch", str(ROOT / "examples" / "cohort.jsonl"), "-o", str(written), "-q"]).exit_code == 3
    header = written.read_text("utf-8").splitlines()[0].split(",")
    row = screener.screen_record(persona("diuretic-and-vomiting-with-fainting-now")).as_row()
    assert list(row) == header
    assert row["red_flags"] == ["fainting"]
    assert row["recommendations"][0] == "seek_emergency_care"
    assert row["errors"] is None
    invalid = screener.screen_record({"id": "sam", "age": "seventy"}).as_row()
    assert list(invalid) == list(ROW_COLUMNS)
    assert invalid["errors"] == ['$.age: expected a whole number, got "seventy"']
    assert invalid["combined_depletion"] is None


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"age": np.int64(70)}, "$.age: expected a whole number, got numpy.int64 70, which is not a JSON value"),
        ({"medications": np.array(["Lasix"])}, "$.medications: expected an array, got numpy.ndarray ['Lasix'], which is not a JSON value"),
        ({"diarrhea": {"present": np.bool_(True)}}, "$.diarrhea.present: expected true or false, got numpy.bool True, which is not"),
        ({"age": float("nan")}, "$.age: expected a whole number, got NaN (for 'not answered', leave the field out or give null"),
        ({"alcohol": {"drinks_per_week": float("nan")}}, "$.alcohol.drinks_per_week: expected a number, got NaN (for 'not answered'"),
    ],
    ids=["numpy-int", "numpy-array", "numpy-bool", "nan-age", "nan-drinks"],
)
def test_values_from_a_dataframe_are_named_in_a_clear_error(screener: Screener, answers: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidAnswers) as raised:
        screener.screen(answers)
    assert message in str(raised.value)


def test_the_readmes_way_from_a_dataframe_with_missing_cells_screens_each_row(screener: Screener) -> None:
    frame = pd.DataFrame([{"id": "a", "age": 72, "medications": ["Lasix"]}, {"id": "b", "age": None, "medications": None}])
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    results = [screener.screen(record) for record in records]
    assert [result.coverage for result in results] == ["partial", "none"]


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2025-06-30", "expected a datetime.date, got str: date.fromisoformat(text)"),
        (datetime(2025, 6, 30, 10), "expected a datetime.date, got datetime: as_of.date() gives date(2025, 6, 30)"),
    ],
)
def test_a_reference_date_that_is_no_date_is_refused_when_the_screener_is_made(as_of: Any, message: str) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        Screener(as_of=as_of)


def test_a_screener_is_made_from_a_rule_folders_path(screener: Screener) -> None:
    assert Screener(str(ROOT / "rules")).ruleset.sha256 == screener.ruleset.sha256
    assert Screener(ROOT / "rules", as_of=date(2025, 6, 30)).as_of == date(2025, 6, 30)
    with pytest.raises(TypeError, match="expected a Ruleset"):
        Screener(5)  # type: ignore[arg-type]


def test_the_runner_without_an_id_gets_a_report_headed_like_screen_plain_not_by_her_position(screener: Screener, tmp_path: Path) -> None:
    answers = {key: value for key, value in persona("runner-with-cramps-only").items() if key != "id"}
    source = tmp_path / "runner.json"
    source.write_text(json.dumps(answers), "utf-8")
    printed = CliRunner().invoke(cli, ["screen", str(source), "--plain"], env={"COLUMNS": "100"})
    assert printed.exit_code == 0, printed.output
    text = result_text(screener.screen(answers), screener, width=100)
    assert text.splitlines()[0].strip() == "mgk-screen result"
    assert text == printed.output
