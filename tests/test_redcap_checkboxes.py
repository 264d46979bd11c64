"""A clinic that built the questionnaire in REDCap exports each "select all that apply" question as
one column per choice: ``symptoms___fatigue``, ``symptoms___muscle_cramps``, 1 or 0 in a raw export,
Checked or Unchecked in an export as labels, or the choice's label and nothing with REDCap's
"export checkbox labels". Those columns are read as the list they stand for.

REDCap writes 0 for a box whether the person ticked nothing or never saw the question, so a row
with none of a question's boxes ticked leaves the question not answered, never "none of these";
the question's own "none" box (``symptoms___none``) answers none of these, when the export has a
column for every choice. A choice whose code is not one of the answers' codes makes only the row
that ticks it invalid, naming the column; a list given both as one column and as checkbox
columns refuses the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from screener.cli.main import app
from typer.testing import CliRunner
from web_support import Visitor

from screener.batch.answer_columns import columns_by_name
from screener.batch.readers import RawRecord, UnreadableSource, iter_records
from screener.errors import ExitCode

runner = CliRunner()

RED_FLAGS = columns_by_name()["red_flags_now"].codes
SYMPTOMS = columns_by_name()["symptoms"].codes
BOXES = [f"red_flags_now___{code}" for code in (*RED_FLAGS, "none")] + [f"symptoms___{code}" for code in (*SYMPTOMS, "none")]
HEADER = ["record_id", "redcap_survey_identifier", "screening_timestamp", "age", "sex", "medications", "diuretic_use", *BOXES]
TAIL = ["screening_complete"]


def row(record_id: str, age: int, sex: str, medications: str, diuretic: str, ticked: set[str], complete: str = "2") -> list[str]:
    """One row of a raw export: 1 in the columns ``ticked`` names, 0 in the other boxes."""
    boxes = ["1" if box in ticked else "0" for box in BOXES]
    return [record_id, "", "2026-11-30 09:14:03", str(age), sex, medications, diuretic, *boxes, complete]


# As REDCap writes "CSV (raw data)": a byte order mark, CRLF line ends, text between double quotes.
RITA = row("1001", 72, "female", "Lasix 40 mg; amlodipine", "yes", {"red_flags_now___none", "symptoms___fatigue", "symptoms___muscle_cramps"})
SAM = row("1002", 30, "male", "", "no", {"symptoms___none"})  # red flags: nothing ticked
OLGA = row("1003", 68, "female", "omeprazole", "unsure", set())  # nothing ticked in either question


def export(rows: list[list[str]], header: list[str] = HEADER + TAIL) -> bytes:
    def cell(text: str) -> str:
        return f'"{text}"' if any(mark in text for mark in ',;" ') else text

    lines = [",".join(cell(text) for text in line) for line in [header, *rows]]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def records(tmp_path: Path, data: bytes, name: str = "screening_export.csv") -> tuple[list[UnreadableSource], list[RawRecord]]:
    path = tmp_path / name
    path.write_bytes(data)
    items = list(iter_records([str(path)]))
    notes = [item for item in items if isinstance(item, UnreadableSource)]
    return notes, [item for item in items if isinstance(item, RawRecord)]


def batch(tmp_path: Path, data: bytes, *options: str) -> tuple[Any, list[dict[str, Any]]]:
    source = tmp_path / "screening_export.csv"
    source.write_bytes(data)
    out = tmp_path / "results.jsonl"
    run = runner.invoke(app, ["batch", str(source), "-o", str(out), *options])
    entries = [json.loads(line) for line in out.read_text("utf-8").splitlines()] if out.exists() else []
    return run, entries


# -- raw exports ----------------------------------------------------------------------------------


def test_rita_s_ticked_symptoms_are_her_symptoms_and_her_none_box_means_no_red_flags(tmp_path: Path) -> None:
    notes, [rita] = records(tmp_path, export([RITA]))
    assert rita.problems == ()
    assert rita.value == {
        "id": "1001",
        "age": 72,
        "sex": "female",
        "medications": ["Lasix 40 mg", "amlodipine"],
        "diuretic_use": "yes",
        "red_flags_now": [],
        "symptoms": ["fatigue", "muscle_cramps"],
    }
    [note] = notes
    assert note.note
    assert note.message.startswith(
        "REDCap checkbox columns are read as lists: red_flags_now___* as red_flags_now, symptoms___* as symptoms "
        "(a row with no box of a field checked leaves it not answered; its 'none' box answers none of these); "
        "columns a form tool adds are not read: redcap_survey_identifier, screening_timestamp, screening_complete (REDCap)"
    )


def test_sam_who_ticked_no_red_flag_box_has_not_answered_the_red_flag_question(tmp_path: Path) -> None:
    _, [sam] = records(tmp_path, export([SAM]))
    assert sam.problems == ()
    assert "red_flags_now" not in sam.value  # REDCap writes 0 for a box never seen: never read as "none"
    assert sam.value["symptoms"] == []  # his "none of these" box is ticked


def test_olga_who_ticked_nothing_has_answered_neither_question_and_is_screened_saying_so(tmp_path: Path) -> None:
    run, [olga] = batch(tmp_path, export([OLGA]), "--detail", "full")
    assert run.exit_code == ExitCode.OK, run.stderr
    assert olga["status"] == "screened"
    assert {"symptoms", "red_flags_now"} <= set(olga["unanswered_sections"])


def test_a_raw_export_is_screened_by_batch_validate_and_screen(tmp_path: Path) -> None:
    data = export([RITA, SAM, OLGA])
    run, entries = batch(tmp_path, data)
    assert run.exit_code == ExitCode.OK, run.stderr
    assert [(entry["id"], entry["status"]) for entry in entries] == [("1001", "screened"), ("1002", "screened"), ("1003", "screened")]
    assert [entry["position"] for entry in entries] == [2, 3, 4]  # the rows a spreadsheet shows
    checked = runner.invoke(app, ["validate", str(tmp_path / "screening_export.csv")])
    assert checked.exit_code == ExitCode.OK, checked.stderr
    assert "REDCap checkbox columns are read as lists" in checked.stderr
    one = tmp_path / "rita.csv"
    one.write_bytes(export([RITA]))
    screened = runner.invoke(app, ["screen", str(one), "--json"])
    assert screened.exit_code == ExitCode.OK, screened.stderr
    result = json.loads(screened.stdout)
    assert result["status"] == "screened"
    assert "symptoms" not in result.get("not_answered", [])


# -- exports as labels ----------------------------------------------------------------------------


def test_an_export_as_labels_reads_checked_and_unchecked_as_the_raw_export_reads_1_and_0(tmp_path: Path) -> None:
    words = {"1": "Checked", "0": "Unchecked"}
    labelled = [
        [words[cell] if name in BOXES else cell for name, cell in zip(HEADER + TAIL, line, strict=True)] for line in (RITA, SAM)
    ]
    _, raw = records(tmp_path, export([RITA, SAM]), "raw.csv")
    _, labels = records(tmp_path, export(labelled), "labels.csv")
    assert [record.value for record in labels] == [record.value for record in raw]


def test_an_export_with_checkbox_labels_reads_the_choice_s_label_as_checked_and_an_empty_cell_as_not(tmp_path: Path) -> None:
    # REDCap's "export checkbox labels": the choice's label when checked, nothing when not.
    header = ["record_id", "age", "symptoms___fatigue", "symptoms___muscle_cramps", "symptoms___tremor", "symptoms___none"]
    lines = [
        ["1", "70", "Feeling very tired (fatigue)", "Muscle cramps", "", ""],
        ["2", "71", "", "", "", ""],
    ]
    _, [first, second] = records(tmp_path, export(lines, header))
    assert first.problems == ()
    assert first.value["symptoms"] == ["fatigue", "muscle_cramps"]
    assert "symptoms" not in second.value  # nothing checked, or a missing-data code: not answered


# -- what is refused, and how much -----------------------------------------------------------------


def test_a_choice_code_that_is_no_answers_code_makes_only_the_rows_that_tick_it_invalid(tmp_path: Path) -> None:
    header = ["record_id", "age", "red_flags_now___chest_pain", "symptoms___fatigue", "symptoms___headache"]
    lines = [["1", "70", "1", "0", "1"], ["2", "71", "0", "1", "0"]]
    run, entries = batch(tmp_path, export(lines, header))
    assert run.exit_code == ExitCode.INVALID_RECORDS, run.stderr
    tom, ann = entries
    assert tom["status"] == "invalid"
    assert tom["position"] == 2
    assert tom["errors"] == [
        {
            "path": "$.symptoms",
            "message": "column 'symptoms___headache' is checked, but \"headache\" is not one of the codes of symptoms: the "
            "REDCap field's choices must have the answers' codes (fatigue, muscle_weakness, muscle_cramps, ...; "
            "`mgk-screen schema answers` lists them)",
        }
    ]
    assert tom["red_flags"] == ["chest_pain"]  # red flags first, even in a row that cannot be screened
    assert ann["status"] == "screened"  # headache not ticked: nothing to misread


def test_a_cell_that_is_neither_checked_nor_unchecked_names_its_column(tmp_path: Path) -> None:
    _, [record] = records(tmp_path, export([["1", "70", "2"]], ["record_id", "age", "symptoms___fatigue"]))
    assert [(problem.path, problem.message) for problem in record.problems] == [
        (
            "$.symptoms",
            "column 'symptoms___fatigue': expected 1 or 0 (or Checked, Unchecked, or the choice's label), got \"2\"",
        )
    ]


def test_none_of_these_beside_a_ticked_choice_is_refused_for_that_row(tmp_path: Path) -> None:
    _, [record] = records(tmp_path, export([row("7", 50, "male", "", "no", {"symptoms___none", "symptoms___tremor"})]))
    assert [problem.message for problem in record.problems] == [
        "column 'symptoms___none' (none of these) is checked beside 'tremor': check one or the other"
    ]


def test_none_of_these_on_a_form_that_leaves_out_red_flags_cannot_say_there_are_none(tmp_path: Path) -> None:
    # The clinic's form offered two of the six red flags: "none of these" says nothing of the other four.
    header = ["record_id", "age", "red_flags_now___chest_pain", "red_flags_now___fainting", "red_flags_now___none"]
    _, [record] = records(tmp_path, export([["1", "70", "0", "0", "1"]], header))
    [problem] = record.problems
    assert problem.path == "$.red_flags_now"
    assert problem.message == (
        "column 'red_flags_now___none' (none of these) is checked, but the export has no column for "
        "'severe_weakness_or_paralysis', 'seizure', 'trouble_breathing', 'new_confusion', so it cannot say that none of "
        "those applies: give the REDCap field every choice of red_flags_now, or leave 'none' unchecked (the question is "
        "then not answered)"
    )


def test_a_list_given_both_as_one_column_and_as_checkbox_columns_refuses_the_file(tmp_path: Path) -> None:
    header = ["record_id", "age", "symptoms", "symptoms___fatigue", "symptoms___tremor"]
    run, entries = batch(tmp_path, export([["1", "70", "fatigue", "1", "0"]], header))
    assert run.exit_code == ExitCode.USAGE
    assert entries == []
    assert (
        "column 'symptoms' and its REDCap checkbox columns (symptoms___fatigue, symptoms___tremor) are both given: keep "
        "one or the other (the checkbox columns, one per choice, are read as the list 'symptoms')"
    ) in run.stderr


def test_a_checkbox_column_named_twice_in_any_case_refuses_the_file(tmp_path: Path) -> None:
    notes, records_read = records(tmp_path, export([["1", "1", "0"]], ["record_id", "symptoms___fatigue", "Symptoms___Fatigue"]))
    assert records_read == []
    assert "column 'Symptoms___Fatigue' appears twice" in notes[0].message


def test_the_checkbox_columns_of_a_field_that_is_no_list_are_unknown_columns(tmp_path: Path) -> None:
    notes, records_read = records(tmp_path, export([["1", "70", "1"]], ["record_id", "age", "sex___female"]))
    assert records_read == []
    assert "unknown column 'sex___female'" in notes[0].message


def test_ignore_column_on_a_list_leaves_out_its_checkbox_columns(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(export([RITA]))
    [note, rita] = list(iter_records([str(path)], ignore=["symptoms"]))
    assert isinstance(rita, RawRecord)
    assert "symptoms" not in rita.value
    assert rita.value["red_flags_now"] == []
    assert isinstance(note, UnreadableSource)
    assert "columns not read, as --ignore-column asks: symptoms___fatigue" in note.message


# -- REDCap's own columns, a longitudinal export ------------------------------------------------------


def test_a_longitudinal_export_s_own_columns_are_left_out_beside_the_checkbox_columns(tmp_path: Path) -> None:
    header = ["record_id", "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance", "age", "symptoms___fatigue"]
    notes, [record] = records(tmp_path, export([["1001", "baseline_arm_1", "", "", "64", "1"]], header))
    assert record.value == {"id": "1001", "age": 64, "symptoms": ["fatigue"]}
    assert "not read: redcap_event_name, redcap_repeat_instrument, redcap_repeat_instance (REDCap)" in notes[0].message


def test_an_export_holding_only_checkbox_columns_is_still_read_as_a_sheet(tmp_path: Path) -> None:
    _, [record] = records(tmp_path, export([["1001", "1", "0"]], ["record_id", "symptoms___fatigue", "symptoms___tremor"]))
    assert record.value == {"id": "1001", "symptoms": ["fatigue"]}


# -- Parquet, and the web page -------------------------------------------------------------------------


def test_a_parquet_file_of_the_export_reads_its_checkbox_columns_as_the_sheet_does(tmp_path: Path) -> None:
    path = tmp_path / "export.parquet"
    pq.write_table(
        pa.table({"record_id": [1001], "age": [72], "symptoms___fatigue": [1], "symptoms___tremor": [0], "symptoms___headache": [0]}),
        path,
    )
    [_, record] = list(iter_records([str(path)]))
    assert isinstance(record, RawRecord)
    assert record.problems == ()
    assert record.value == {"id": 1001, "age": 72, "symptoms": ["fatigue"]}


def test_a_clinic_carrying_on_from_one_row_of_a_redcap_export_on_the_web_page_has_its_ticked_boxes_read() -> None:
    visitor = Visitor()
    visitor.open("/")
    visitor.post("/resume", {"csrf": visitor.hidden("csrf")}, files={"answers": ("export.csv", export([RITA]), "text/csv")})
    assert visitor.page.status_code == 200
    assert "REDCap's tick boxes for one question: the boxes ticked were read as the answer to symptoms" in visitor.text()
    assert visitor.question != "red_flags_now"  # answered "none of these" in the export: not asked again
    saved = json.loads(visitor.client.get("/answers.json").text)
    assert saved["symptoms"] == ["fatigue", "muscle_cramps"]
    assert saved["red_flags_now"] == []


def test_a_table_read_by_spark_names_checkbox_columns_as_redcap_s_not_as_unknown() -> None:
    from screener.batch.answer_columns import unknown_columns

    assert unknown_columns(["age", "symptoms___fatigue"]) == [
        "column 'symptoms___fatigue' is one of REDCap's checkbox columns (one per choice of symptoms), which are read "
        "from a sheet (CSV) only: in this table give symptoms as one list column"
    ]
