"""Spreadsheets as clinics really make them (newcomer review 7, findings 3 and 5, and the first
command's rate and the report's date of finding 7).

A Google Forms export whose headers are the form's questions is a sheet, and is refused as one
(with the columns to rename), never as "invalid JSON at line 1", by `validate`, `screen`, `batch`
and the web page's file. A yes, no or not sure column takes Y, N, true, false and "Not sure" as
the README promises, and refuses a number, whose meaning a form tool decides. A potassium written
"<3.5" is the contract's ``below`` 3.5 (as FHIR's comparator and `ask` read it), so it counts as a
low result. Short runs give no rate; a report is dated in the computer's own time zone, named.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.batch.readers import RawRecord, ReadItem, UnreadableSource, iter_records
from screener.batch.runner import record_entry

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]

# Google Forms' "Download responses (.csv)": every cell quoted, each column titled with its question.
GREENFIELD_SURGERY_FORM = (
    b'"Timestamp","Email Address","How old are you?","Do you take a water pill (a diuretic)?",'
    b'"In the past two weeks, have you had any of these?","Is any of these happening to you right now?"\r\n'
    b'"2026/12/01 9:14:02 AM GMT","a@b.org","72","Yes","Muscle cramps, Fatigue","Chest pain or pressure"\r\n'
)
# The same kind of export, saved again by a spreadsheet that quotes only where it must.
HILLSIDE_CLINIC_FORM = b"Timestamp,How old are you?,Water pill?\n2026/12/01 9:14,72,Yes\n"


def read(data: bytes) -> list[ReadItem]:
    return list(iter_records(["-"], stdin=io.BytesIO(data)))


def refusal(data: bytes) -> str:
    (item,) = read(data)
    assert isinstance(item, UnreadableSource), item
    return item.message


def only_record(data: bytes) -> RawRecord:
    (item,) = read(data)
    assert isinstance(item, RawRecord), item
    return item


# -- 1. a sheet is told by its shape ----------------------------------------------------------------


def test_greenfield_surgerys_google_form_export_is_named_a_sheet_whose_columns_are_the_questions() -> None:
    message = refusal(GREENFIELD_SURGERY_FORM)
    assert "invalid JSON" not in message
    assert message.startswith(
        "a sheet (CSV) whose columns are not answers fields: unknown columns 'How old are you?', "
        "'Do you take a water pill (a diuretic)?', 'In the past two weeks, have you had any of these?' and 1 more"
    )
    assert "'How old are you?' looks like the question for `age`: rename the column to `age`" in message
    assert "looks like the question for `diuretic_use`" in message
    assert "'In the past two weeks, have you had any of these?' looks like the question for `symptoms`" in message
    assert "'Is any of these happening to you right now?' looks like the question for `red_flags_now`" in message
    assert "`mgk-screen template csv` writes them all" in message
    assert "the README's section \"Answers as a spreadsheet (CSV)\"" in message
    assert "Timestamp" not in message and "Email Address" not in message  # a form tool's own: not to rename


def test_hillside_clinics_unquoted_export_is_a_sheet_too_as_validate_and_screen_say(tmp_path: Path) -> None:
    form = tmp_path / "form.csv"
    form.write_bytes(HILLSIDE_CLINIC_FORM)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in (["validate", str(form)], ["screen", str(form)], ["batch", str(form), "-o", str(tmp_path / "out.jsonl")]):
        run = runner.invoke(app, command)
        assert run.exit_code == 2, (command, run.output)
        assert "invalid JSON" not in run.stderr
        assert f"{form}: a sheet (CSV) whose columns are not answers fields: unknown columns 'How old are you?' and " in run.stderr
        assert "'Water pill?' looks like the question for `diuretic_use`: rename the column to `diuretic_use`" in run.stderr
    # The README shows this very message, up to its last sentence.
    shown = next(line for line in readme.splitlines() if line.startswith("form.csv: a sheet (CSV)"))
    assert run.stderr.replace(str(form), "form.csv").split("\n")[0].removeprefix("mgk-screen: ").startswith(shown.removesuffix(" ..."))


def test_a_sheet_with_one_answers_column_and_a_question_names_the_question_beside_the_unknown_column() -> None:
    message = refusal(b'"Timestamp","age","Water pill?"\n"2026/12/01","72","Yes"\n')
    assert message.startswith("not a sheet of answers: unknown column 'Water pill?'. 'Water pill?' looks like the question")


def test_a_header_that_is_no_question_gets_no_guess_and_a_long_form_is_named_in_part() -> None:
    header = ",".join(f"Question {number}" for number in range(1, 9))
    message = refusal(f"What is your name?,{header}\nAnn,{','.join('x' * 8)}\n".encode())
    assert message.startswith(
        "a sheet (CSV) whose columns are not answers fields: unknown columns 'What is your name?', 'Question 1', "
        "'Question 2' and 6 more. A sheet's header row"
    )
    assert "looks like the question" not in message


def test_the_web_pages_file_from_greenfield_surgery_is_refused_as_a_sheet_in_plain_words() -> None:
    from web_support import Visitor

    visitor = Visitor()
    visitor.open("/")
    visitor.post("/resume", {"csrf": visitor.hidden("csrf")}, files={"answers": ("form.csv", GREENFIELD_SURGERY_FORM, "text/csv")})
    assert visitor.page.status_code == 422
    text = visitor.text()
    assert "This file cannot be used: it is a sheet, but none of its columns is named after an answer" in text
    assert "The column “How old are you?” looks like the question for age: rename it age." in text
    assert "invalid JSON" not in text and "`" not in text and "a@b.org" not in visitor.html


@pytest.mark.parametrize(
    ("data", "kept"),
    [
        (b'age: 70, sex: female\n{"age": 70}\n', 1),  # JSON Lines with a broken first line keep their record
        (b'"hello"\n', 1),  # one JSON value: read, and refused later as no answers object
        (b"hello world\n", 0),  # neither JSON nor a sheet: invalid JSON
    ],
    ids=["json-lines-broken-first-line", "a-json-string", "a-line-of-text"],
)
def test_what_is_json_or_plain_text_is_not_taken_for_a_sheet(data: bytes, kept: int) -> None:
    items = read(data)
    assert sum(isinstance(item, RawRecord) for item in items) == kept
    said = " ".join(getattr(item, "message", "") for item in items)
    assert "sheet" not in said


# -- 2. Y/N in a yes, no or not sure column; "<3.5" as a bound ---------------------------------------


def test_the_riverside_registry_export_answers_the_water_pill_question_with_y_n_true_and_not_sure() -> None:
    items = read(b"id;diuretic_use;pregnant;ppi_over_3_months\nrow-Y;Y;n;Not sure\nrow-y;y;FALSE;TRUE\nrow-ns;NOT_SURE;No;yes\n")
    answers = {item.value["id"]: item.value for item in items if isinstance(item, RawRecord) and not item.problems}
    assert answers == {
        "row-Y": {"id": "row-Y", "diuretic_use": "yes", "pregnant": "no", "ppi_over_3_months": "unsure"},
        "row-y": {"id": "row-y", "diuretic_use": "yes", "pregnant": "no", "ppi_over_3_months": "yes"},
        "row-ns": {"id": "row-ns", "diuretic_use": "unsure", "pregnant": "no", "ppi_over_3_months": "yes"},
    }


@pytest.mark.parametrize("cell", ["1", "0", "2"])
def test_a_number_in_the_water_pill_column_is_refused_since_a_form_tool_numbers_its_choices_its_own_way(cell: str) -> None:
    record = only_record(f"id,diuretic_use\nrow,{cell}\n".encode())
    (problem,) = record.problems
    assert problem.path == "$.diuretic_use"
    assert problem.message.startswith(f"a number ({cell}) is not read as an answer to a yes, no or not sure question")
    assert "write yes, no or unsure" in problem.message


def test_maybe_stays_refused_with_the_codes_named(screener: Any) -> None:
    entry = record_entry(only_record(b"id,diuretic_use\nrow,maybe\n"), screener)
    assert entry["status"] == "invalid"
    assert "expected one of 'yes', 'no', 'unsure'" in json.dumps(entry["errors"])


def test_mrs_okafors_potassium_written_below_3_5_is_read_as_a_low_result_not_refused(screener: Any) -> None:
    record = only_record(b"id,age,labs.potassium.value,labs.potassium.unit\nokafor,70,<3.5,mmol/L\n")
    assert not record.problems
    assert record.value["labs"] == {"potassium": {"below": 3.5, "unit": "mmol/L"}}
    entry = record_entry(record, screener)
    assert entry["potassium_depletion"] == "likely"  # below 3.5 is a low result, as the rules read a bound
    assert "low_k_lab_from_bound" in {finding["rule"] for finding in entry["findings"]}


def test_a_bound_typed_with_its_unit_and_a_high_magnesium_bound_are_read_too() -> None:
    record = only_record(
        b"id;labs.potassium.value;labs.magnesium.value\nrow;< 3,2 mmol/L;>1.2 mmol/L\n"
    )
    assert not record.problems
    assert record.value["labs"] == {
        "potassium": {"below": 3.2, "unit": "mmol/L"},
        "magnesium": {"above": 1.2, "unit": "mmol/L"},
    }


@pytest.mark.parametrize("cell", ["≤3.5", "<=3.5"])
def test_at_most_a_number_is_refused_since_the_result_may_be_the_number_itself(cell: str) -> None:
    record = only_record(f"id,labs.potassium.value,labs.potassium.unit\nrow,{cell},mmol/L\n".encode())
    (problem,) = record.problems
    assert problem.path == "$.labs.potassium.value"
    assert "allows the number itself" in problem.message and "'<3.5'" in problem.message


def test_a_bound_beside_another_in_the_below_column_is_refused_as_given_twice() -> None:
    record = only_record(b"id,labs.magnesium.value,labs.magnesium.below,labs.magnesium.unit\nrow,<0.7,0.6,mmol/L\n")
    (problem,) = record.problems
    assert problem.path == "$.labs.magnesium"
    assert "give the result once" in problem.message


# -- 3. the first command's summary has no rate ---------------------------------------------------


def test_the_first_commands_twelve_people_get_a_time_but_no_rate_even_on_a_busy_machine() -> None:
    from screener.cli.batch_summary import pace

    assert pace(12, 2.0) == "in 2.0 s"  # the newcomer's "(in 2.0 s, 6 records/s)"
    assert pace(53, 2.1) == "in 2.1 s"  # the README's cohort
    assert pace(999, 30.0) == "in 30.0 s"
    assert pace(5_000, 9.9) == "in 9.9 s"
    assert pace(100_000, 27.0) == "in 27.0 s, 3,704 records/s"


# -- 4. a report is dated in the computer's own time zone, named ----------------------------------


def _report_in(zone: str, out: Path) -> str:
    persona = ROOT / "examples/personas/older-adult-on-furosemide-with-cramps.json"
    done = subprocess.run(
        [sys.executable, "-m", "screener", "report", str(persona), "-o", str(out)],
        env={**os.environ, "TZ": zone},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8") if out.suffix == ".html" else ""


@pytest.mark.parametrize(
    ("zone", "said"),
    [("EST5EDT", r"\d{2}:\d{2} UTC-0[45]:00 \(E[SD]T\)"), ("UTC0", r"\d{2}:\d{2} UTC(?![+-])")],
    ids=["a-clinic-in-new-york", "a-server-set-to-utc"],
)
def test_a_report_made_on_the_command_line_is_dated_in_the_computers_time_zone_and_names_it(
    tmp_path: Path, zone: str, said: str
) -> None:
    import re

    page = _report_in(zone, tmp_path / "report.html")
    made = re.findall(r"Report made (?:<[^>]+>)?([^<]+)", page)
    assert made and all(re.search(said, text) for text in made), made
    stamps = set(re.findall(r'<time datetime="([^"]+)"', page))
    assert len(stamps) == 1 and (stamps.pop().endswith(("-05:00", "-04:00")) if zone == "EST5EDT" else True)



def test_the_pdf_of_a_report_made_in_new_york_dates_every_page_as_its_html_does(tmp_path: Path) -> None:
    import re

    from report_images import pdf_page_texts, tools_missing

    if tools_missing():
        pytest.skip(f"needs {', '.join(tools_missing())} (installed by .ci/run)")
    _report_in("EST5EDT", tmp_path / "report.pdf")
    pages = [" ".join(text.split()) for text in pdf_page_texts(tmp_path / "report.pdf")]
    assert pages
    for number, text in enumerate(pages, 1):
        assert re.search(r"made \d+ \w+ \d{4}, \d{2}:\d{2} UTC-0[45]:00 \(E[SD]T\)", text), f"page {number}"
