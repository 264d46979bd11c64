"""A sheet or Parquet table whose red-flag column is misspelt (``red_flag_now``: "did you mean
'red_flags_now'?") is still refused whole, before any record is screened, since every row would
be misread; but the red flags its rows give are read (``red_flags_reported``, as for any record
that cannot be screened) and said first, row by row with the ids, with the emergency advice an
invalid record's ``red_flag_advice`` gives. Also: a Parquet table whose columns are the form's
questions gets the question hint a sheet gets, and ``laxative_use`` reads "no" as ``none`` in a
sheet while "yes" (which says not how often) stays refused, naming the codes to write.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from screener.cli.main import app
from typer.testing import CliRunner
from web_support import Visitor

from screener.batch.readers import RawRecord, UnreadableSource, iter_records
from screener.batch.refused_red_flags import said_first
from screener.batch.runner import record_entry
from screener.errors import ExitCode

runner = CliRunner()

EMERGENCY = "Seek emergency care now (call your local emergency number)."

# A clinic's sheet typed by hand: the red-flag column misspelt; Rita (row 2) has chest pain now,
# Sam (row 3) nothing, row 5 (no id, after a blank line) fainted and had a seizure.
ST_MARYS_SHEET = b"id,age,red_flag_now\nrita,72,Chest pain\nsam,30,none\n\n,55,fainted; seizure\n"


def refused(data: bytes) -> UnreadableSource:
    (item,) = list(iter_records(["-"], stdin=io.BytesIO(data)))
    assert isinstance(item, UnreadableSource), item
    return item


def test_st_marys_sheet_is_refused_but_says_first_that_rita_and_row_5_give_red_flags(screener: Any) -> None:
    message = said_first(refused(ST_MARYS_SHEET), screener).message
    assert message.startswith(
        "RED FLAG: this file was not screened, but rows of it give a red flag now: row 2 (id 'rita'): chest pain; "
        f"row 5: fainting, seizure. {EMERGENCY}"
    )
    assert "sam" not in message
    # Still refused for its header, said after the red flags.
    assert message.index(EMERGENCY) < message.index(
        "The file was refused: not a sheet of answers: unknown column 'red_flag_now' (did you mean 'red_flags_now'?)"
    )


def test_batch_refuses_st_marys_sheet_with_exit_2_and_the_red_flags_first(tmp_path: Path) -> None:
    sheet = tmp_path / "st_marys.csv"
    sheet.write_bytes(ST_MARYS_SHEET)
    for workers in ("1", "2"):
        run = runner.invoke(app, ["batch", str(sheet), "-o", str(tmp_path / "out.json"), "--workers", workers])
        assert run.exit_code == ExitCode.USAGE, run.output  # nothing screened
        first = run.stderr.splitlines()[0]
        assert first.startswith(f"mgk-screen: {sheet}: RED FLAG: this file was not screened"), first
        assert "row 2 (id 'rita'): chest pain" in first and EMERGENCY in first


def test_validate_and_screen_say_the_red_flags_of_the_refused_sheet_too(tmp_path: Path) -> None:
    sheet = tmp_path / "rita.csv"
    sheet.write_bytes(b"id,age,red_flag_now\nrita,72,chest pain\n")
    for command in ("validate", "screen"):
        run = runner.invoke(app, [command, str(sheet)])
        assert run.exit_code != 0
        assert "RED FLAG: this file was not screened, but a row of it gives a red flag now: row 2 (id 'rita'): chest pain" in run.stderr


def test_a_sheet_misspelt_elsewhere_reads_no_rows_and_says_no_red_flag(screener: Any) -> None:
    item = refused(b"id,age,red_flags_now,sexx\nrita,72,chest_pain,female\n")
    assert item.red_flags == ()
    assert said_first(item, screener).message.startswith("not a sheet of answers: unknown column 'sexx'")
    # A red_flag_now column whose cells give no red flag: refused as before, nothing said first.
    quiet = refused(b"id,red_flag_now\nsam,none\ntom,headache\n")
    assert said_first(quiet, screener).message.startswith("not a sheet of answers")


def test_a_parquet_table_with_red_flag_now_says_each_records_red_flags_first(tmp_path: Path, screener: Any) -> None:
    path = tmp_path / "registry.parquet"
    table = pa.table({"id": [101, 102, 103], "age": [70, 40, 66], "red_flag_now": [["chest_pain"], [], None]})
    pq.write_table(table, path)
    (item,) = list(iter_records([str(path)]))
    assert isinstance(item, UnreadableSource)
    message = said_first(item, screener).message
    assert message.startswith(
        f"RED FLAG: this file was not screened, but a row of it gives a red flag now: record 1 (id '101'): chest pain. {EMERGENCY}"
    )
    assert "The file was refused: not a table of answers: unknown column 'red_flag_now' (did you mean 'red_flags_now'?)" in message


def test_rita_carrying_on_from_her_sheet_in_the_browser_is_told_to_get_help_now_before_the_misspelt_column() -> None:
    visitor = Visitor()
    visitor.open("/")
    sheet = b"id,age,red_flag_now\nrita,72,Chest pain\n"
    visitor.post("/resume", {"csrf": visitor.hidden("csrf")}, files={"answers": ("rita.csv", sheet, "text/csv")})
    assert visitor.page.status_code == 422
    text = visitor.text()
    said = "That answers file cannot be used, so it was not screened, but it says this is happening now: Chest pain or pressure"
    assert text.index("Important: get help now") < text.index(said) < text.index("Call your local emergency number")
    assert text.index("Call your local emergency number") < text.index("red_flag_now")


def test_a_parquet_table_of_the_forms_questions_is_told_which_field_each_looks_like(tmp_path: Path) -> None:
    path = tmp_path / "form.parquet"
    pq.write_table(pa.table({"How old are you?": [72], "Water pill?": ["yes"]}), path)
    (item,) = list(iter_records([str(path)]))
    assert isinstance(item, UnreadableSource)
    assert "'How old are you?' looks like the question for `age`: rename the column to `age`" in item.message
    assert "'Water pill?' looks like the question for `diuretic_use`" in item.message


def test_nadias_sheet_answers_laxatives_no_and_is_read_as_none(screener: Any) -> None:
    items = list(iter_records(["-"], stdin=io.BytesIO(b"id,age,laxative_use\nnadia,40,No\nomar,41,no\n")))
    assert [item.value["laxative_use"] for item in items if isinstance(item, RawRecord)] == ["none", "none"]
    assert all(record_entry(item, screener)["status"] == "screened" for item in items if isinstance(item, RawRecord))


def test_laxatives_yes_in_a_sheet_stays_refused_saying_how_often_to_write() -> None:
    (item,) = list(iter_records(["-"], stdin=io.BytesIO(b"id,laxative_use\npaul,Yes\n")))
    assert isinstance(item, RawRecord)
    (problem,) = item.problems
    assert problem.path == "$.laxative_use"
    assert problem.message == (
        '"Yes" does not say how often laxatives are taken: write occasional (now and then) or regular (most weeks); '
        "no is read as none"
    )


def test_ask_resume_from_ritas_refused_sheet_says_her_red_flag_first(tmp_path: Path) -> None:
    sheet = tmp_path / "rita.csv"
    sheet.write_bytes(b"id,age,red_flag_now\nrita,72,chest pain\n")
    run = runner.invoke(app, ["ask", "--resume", str(sheet), "--plain"], input="")
    assert run.exit_code == ExitCode.INVALID_RECORDS
    assert run.stderr.startswith(f"mgk-screen: {sheet}: RED FLAG: this file was not screened, but a row of it gives a red flag now")
