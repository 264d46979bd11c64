"""Exports of form tools (Google Forms, Microsoft Forms, REDCap) are screened as they come: the
columns each tool adds beside the answers (when a response came, from whom, whether the form was
completed) are left out with one note per file naming them, never silently; an id-like column is
the record's id when there is no `id` column; `--ignore-column NAME` (a name or a pattern,
repeatable) leaves out any other column; an unknown column that is no tool's own is still refused,
and the message names the option."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from screener.cli.main import app
from typer.testing import CliRunner

from screener.batch.form_columns import plan_columns
from screener.batch.readers import RawRecord, UnreadableSource, iter_records
from screener.errors import ExitCode

runner = CliRunner()

# As Google Forms writes its responses sheet (File > Download > CSV): the time of each response
# and the respondent's email first, then one column per question, titled here with the answers
# field it asks; checkbox answers joined by ", ".
GOOGLE_FORMS = (
    "Timestamp,Email Address,age,sex,medications,diuretic_use,symptoms,red_flags_now\r\n"
    '11/30/2026 9:14:03,rita@example.org,72,Female,Lasix 40 mg; amlodipine,Yes,"Muscle cramps, Fatigue",none\r\n'
    "11/30/2026 10:02:51,sam@example.org,30,Male,,,Muscle cramps,\r\n"
)

# As REDCap exports a survey instrument named "screening" (Data Exports, CSV raw data): the
# record id, the survey's own columns, the instrument's time stamp and completion status (2: complete).
REDCAP = (
    "record_id,redcap_survey_identifier,screening_timestamp,age,sex,medications,diuretic_use,symptoms,screening_complete\n"
    '1001,,2026-11-30 09:14:03,72,female,"Lasix 40 mg; amlodipine",yes,muscle_cramps; fatigue,2\n'
    "1002,,2026-11-30 10:02:51,30,male,,,muscle_cramps,2\n"
)


def batch(tmp_path: Path, name: str, text: str, *options: str) -> tuple[Any, list[dict[str, Any]]]:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    out = tmp_path / f"{name}.jsonl"
    run = runner.invoke(app, ["batch", str(source), "-o", str(out), *options])
    entries = [json.loads(line) for line in out.read_text("utf-8").splitlines()] if out.exists() else []
    return run, entries


def test_a_google_forms_export_is_screened_with_its_timestamp_and_email_named_as_not_read(tmp_path: Path) -> None:
    run, entries = batch(tmp_path, "google.csv", GOOGLE_FORMS)
    assert run.exit_code == ExitCode.OK, run.stderr
    assert [(entry["status"], entry["id"]) for entry in entries] == [("screened", "2"), ("screened", "3")]
    source = str(tmp_path / "google.csv")
    assert f"mgk-screen: {source}: columns a form tool adds are not read: Timestamp, Email Address (Google Forms)" in run.stderr
    assert run.stderr.count("not read") == 1  # one note for the file, not one per row
    assert "rita@example.org" not in run.stderr + json.dumps(entries)  # named by column, never by value
    note, rita, _ = iter_records([source])
    assert isinstance(note, UnreadableSource) and note.note
    assert isinstance(rita, RawRecord)
    assert rita.value == {
        "age": 72,
        "sex": "female",
        "medications": ["Lasix 40 mg", "amlodipine"],
        "diuretic_use": "yes",
        "symptoms": ["muscle_cramps", "fatigue"],
        "red_flags_now": [],
    }


def test_a_google_forms_export_reads_as_the_same_answers_as_the_sheet_without_its_columns(tmp_path: Path) -> None:
    lines = GOOGLE_FORMS.split("\r\n")
    without = "\r\n".join(line.split(",", 2)[2] for line in lines if line)
    _, as_exported = batch(tmp_path, "google.csv", GOOGLE_FORMS)
    _, by_hand = batch(tmp_path, "cleaned.csv", without)
    assert [dict(entry, source=None) for entry in as_exported] == [dict(entry, source=None) for entry in by_hand]


def test_a_google_forms_quiz_export_leaves_out_its_score_and_email_address_in_any_case(tmp_path: Path) -> None:
    text = "Timestamp,Email address,Score,age\n11/30/2026 9:14:03,ann@example.org,0 / 0,54\n"
    run, entries = batch(tmp_path, "quiz.csv", text)
    assert run.exit_code == ExitCode.OK, run.stderr
    assert "not read: Timestamp, Email address, Score (Google Forms)" in run.stderr
    assert entries[0]["status"] == "screened"


def test_a_redcap_export_is_screened_under_its_record_ids(tmp_path: Path) -> None:
    run, entries = batch(tmp_path, "redcap.csv", REDCAP)
    assert run.exit_code == ExitCode.OK, run.stderr
    assert [(entry["status"], entry["id"]) for entry in entries] == [("screened", "1001"), ("screened", "1002")]
    assert (
        "columns a form tool adds are not read: redcap_survey_identifier, screening_timestamp, screening_complete (REDCap); "
        "column 'record_id' is read as the id (there is no id column)"
    ) in run.stderr


def test_a_longitudinal_redcap_export_with_an_id_column_keeps_that_id_and_names_record_id_as_not_read(tmp_path: Path) -> None:
    text = (
        "record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,id,age\n"
        "1001,baseline_arm_1,,,rita,72\n"
        "1001,week_4_arm_1,,,rita,72\n"
    )
    run, entries = batch(tmp_path, "events.csv", text)
    assert run.exit_code == ExitCode.OK, run.stderr
    assert [entry["id"] for entry in entries] == ["rita", "rita"]
    assert (
        "not read: record_id, redcap_event_name, redcap_repeat_instrument, redcap_repeat_instance (REDCap)" in run.stderr
    )
    assert "read as the id" not in run.stderr


def test_a_microsoft_forms_export_is_screened_under_its_response_ids(tmp_path: Path) -> None:
    text = (
        "ID,Start time,Completion time,Email,Name,Last modified time,age,sex,diuretic_use\n"
        "1,11/30/26 9:12:40,11/30/26 9:14:03,anonymous,,,72,female,yes\n"
        "2,11/30/26 10:01:12,11/30/26 10:02:51,anonymous,,,30,male,no\n"
    )
    run, entries = batch(tmp_path, "msforms.csv", text)
    assert run.exit_code == ExitCode.OK, run.stderr
    assert [entry["id"] for entry in entries] == ["1", "2"]
    assert "not read: Start time, Completion time, Email, Name, Last modified time (Microsoft Forms)" in run.stderr


def test_an_unknown_column_that_no_form_tool_writes_still_refuses_the_file_and_names_the_option(tmp_path: Path) -> None:
    run, entries = batch(tmp_path, "notes.csv", "age,Nurse's notes\n72,seen on ward 3\n")
    assert run.exit_code == ExitCode.USAGE
    assert entries == []
    assert "unknown column \"Nurse's notes\"" in run.stderr or "unknown column 'Nurse's notes'" in run.stderr
    assert "can be left out with --ignore-column NAME" in run.stderr


def test_ignore_column_leaves_out_named_columns_and_patterns_in_any_case_and_says_so(tmp_path: Path) -> None:
    text = "age,Nurse's notes,Q1 comments,Q2 comments\n72,seen on ward 3,x,y\n"
    run, entries = batch(tmp_path, "notes.csv", text, "--ignore-column", "nurse's NOTES", "--ignore-column", "q* comments")
    assert run.exit_code == ExitCode.OK, run.stderr
    assert [entry["status"] for entry in entries] == ["screened"]
    assert "columns not read, as --ignore-column asks: Nurse's notes, Q1 comments, Q2 comments" in run.stderr


def test_ignore_column_on_an_answers_field_leaves_it_unanswered_and_names_it(tmp_path: Path) -> None:
    run, entries = batch(tmp_path, "labs.csv", "age,symptoms\n72,muscle_cramps\n", "--ignore-column", "symptoms")
    assert run.exit_code == ExitCode.OK, run.stderr
    assert "symptoms" in entries[0]["unanswered_sections"]
    assert "columns not read, as --ignore-column asks: symptoms" in run.stderr


def test_a_column_named_as_an_answers_field_is_never_taken_for_a_form_tools_own() -> None:
    plan = plan_columns(["id", "age", "Timestamp", "redcap_event_name", "labs.potassium.value"])
    assert plan.read_as == ("id", "age", None, None, "labs.potassium.value")


def test_validate_and_screen_take_the_same_option_and_give_the_same_note(tmp_path: Path) -> None:
    source = tmp_path / "one.csv"
    source.write_text("Timestamp,age,sex,Ward\n11/30/2026 9:14:03,72,female,3\n", encoding="utf-8")
    refused = runner.invoke(app, ["validate", str(source)])
    assert refused.exit_code == ExitCode.USAGE  # no record read
    assert "--ignore-column" in refused.stderr
    checked = runner.invoke(app, ["validate", str(source), "--ignore-column", "ward"])
    assert checked.exit_code == ExitCode.OK, checked.stderr
    assert "columns a form tool adds are not read: Timestamp (Google Forms); columns not read, as --ignore-column asks: Ward" in checked.stderr
    screened = runner.invoke(app, ["screen", str(source), "--json", "--ignore-column", "Ward"])
    assert screened.exit_code == ExitCode.OK, screened.stderr
    assert json.loads(screened.stdout)["status"] == "screened"
    assert "not read: Timestamp (Google Forms)" in screened.stderr


def test_an_empty_ignore_column_is_refused_with_what_to_give(tmp_path: Path) -> None:
    source = tmp_path / "one.csv"
    source.write_text("age\n72\n", encoding="utf-8")
    run = runner.invoke(app, ["validate", str(source), "--ignore-column", " "])
    assert run.exit_code == ExitCode.USAGE
    assert "give a column's name or a pattern such as 'Q*'" in run.stderr


def test_batch_with_workers_leaves_out_the_same_columns(tmp_path: Path) -> None:
    rows = "".join(f"11/30/2026 9:14:03,{20 + number % 60},female,Lasix,x\n" for number in range(2500))
    text = "Timestamp,age,sex,medications,Ward\n" + rows
    one_run, one = batch(tmp_path, "big.csv", text, "--ignore-column", "ward")
    two_run, two = batch(tmp_path, "big.csv", text, "--ignore-column", "ward", "--workers", "2")
    assert one_run.exit_code == two_run.exit_code == ExitCode.OK, two_run.stderr
    assert len(one) == 2500
    assert one == two
    assert two_run.stderr.count("big.csv: columns") == 1  # one note, from one worker


def test_a_parquet_file_from_a_form_export_is_read_as_its_sheet_is(tmp_path: Path) -> None:
    path = tmp_path / "google.parquet"
    table = pa.table({"Timestamp": ["11/30/2026 9:14:03"], "ID": [17], "age": [72], "Ward": ["3"]})
    pq.write_table(table, path)
    items = list(iter_records([str(path)], ignore=["ward"]))
    note, record = items
    assert isinstance(note, UnreadableSource) and note.note
    assert note.message == (
        "columns a form tool adds are not read: Timestamp (Google Forms); columns not read, as --ignore-column asks: Ward; "
        "column 'ID' is read as the id (there is no id column)"
    )
    assert isinstance(record, RawRecord)
    assert record.value == {"id": 17, "age": 72}
    refused = list(iter_records([str(path)]))
    assert len(refused) == 1 and isinstance(refused[0], UnreadableSource) and not refused[0].note
    assert "unknown column 'Ward'" in refused[0].message and "--ignore-column" in refused[0].message
