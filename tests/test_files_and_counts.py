"""Files and counts (fuzz review 9, interop review 9): every file a tool writes is read or named,
and the counts a run gives add up to the people in it.

- A CSV written by Spark's own writer escapes a quote inside a cell with a backslash (``\\"``):
  read as Spark meant it, so the person's red flag stays in its column (batch; Spark: test_spark).
- A one-person file that is not valid JSON is one invalid record, as the same line of JSON Lines is.
- A Parquet file with no rows, a byte order mark on every line of JSON Lines, a CSV cell too long
  to read, a 100,000-character field name: each said, in words that name it.
- Spark's ``_SUCCESS`` and ``.crc`` files beside its output are passed over without a word.
- `mgk-screen template json` writes an answers file with every field, unanswered.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from screener.cli.main import app
from typer.testing import CliRunner

from screener.batch.readers import RawRecord, ReadItem, UnreadableRecord, UnreadableSource, iter_records
from screener.errors import ExitCode

runner = CliRunner()


def read(data: bytes) -> list[ReadItem]:
    return list(iter_records(["-"], stdin=io.BytesIO(data)))


def batch(tmp_path: Path, *inputs: Path) -> tuple[Any, list[dict[str, Any]]]:
    out = tmp_path / "out.jsonl"
    run = runner.invoke(app, ["batch", *map(str, inputs), "-o", str(out)])
    entries = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    return run, entries


# -- A Parquet file with no rows -----------------------------------------------------------------


def test_a_parquet_export_of_a_day_with_no_one_in_it_is_said_to_hold_no_records(tmp_path: Path) -> None:
    path = tmp_path / "monday.parquet"
    pq.write_table(pa.table({"id": pa.array([], pa.string()), "age": pa.array([], pa.int64())}), path)
    items = list(iter_records([str(path)]))
    assert items == [UnreadableSource(str(path), "holds no records: the table has its columns but no rows", note=True)]
    run, entries = batch(tmp_path, path)
    assert f"{path}: holds no records: the table has its columns but no rows" in run.stderr
    assert entries == []


# -- A byte order mark on every line --------------------------------------------------------------


def test_json_lines_files_joined_with_their_byte_order_marks_keep_every_record() -> None:
    # Three files saved by Notepad, each with a byte order mark, joined with `cat`.
    bom = "\ufeff".encode()
    data = b"".join(bom + json.dumps({"id": name, "age": 70}).encode() + b"\n" for name in ("ada", "bo", "cy"))
    items = read(data)
    assert [(type(item), item.value) for item in items] == [  # type: ignore[union-attr]
        (RawRecord, {"id": name, "age": 70}) for name in ("ada", "bo", "cy")
    ]


def test_a_broken_line_after_a_byte_order_mark_is_named_by_its_own_fault_not_the_mark() -> None:
    (_, broken) = read(b'{"age": 70}\n\xef\xbb\xbf{"age": NaN}\n')
    assert isinstance(broken, UnreadableRecord)
    assert broken.message.startswith("line 2, column 10: NaN is not valid JSON")  # the mark is a character


# -- A field name of 100,000 characters -----------------------------------------------------------


def test_a_field_name_of_a_hundred_thousand_characters_is_cut_in_the_message_and_the_path(tmp_path: Path) -> None:
    path = tmp_path / "long_key.json"
    path.write_text(json.dumps({"id": "lk", "age": 70, "k" * 100_000: 1}), encoding="utf-8")
    run, (entry,) = batch(tmp_path, path)
    assert run.exit_code == ExitCode.INVALID_RECORDS
    (error,) = entry["errors"]
    assert error["path"] == "$." + "k" * 57 + "..."
    assert error["message"] == "unknown field '" + "k" * 57 + "...' (100,000 characters long)"


# -- A sheet Spark's CSV writer wrote --------------------------------------------------------------

#: As ``df.write.csv(...)`` writes it with Spark's defaults: a quote inside a cell is ``\"``.
SPARK_WRITTEN = (
    "id,age,sex,medications,diuretic_use,red_flags_now,labs.potassium.value,labs.potassium.unit,labs.potassium.taken\n"
    'q1,80,female,"Lasix \\"water pill\\", hydrochlorothiazide",yes,chest_pain,2.4,mmol/L,last_7_days\n'
    "q2,60,male,none,no,none,4.1,mmol/L,last_7_days\n"
)


def test_quinns_chest_pain_in_a_sheet_spark_wrote_is_raised_not_lost_in_a_shifted_row(tmp_path: Path) -> None:
    folder = tmp_path / "spark-out"
    folder.mkdir()
    (folder / "part-00000-c000.csv").write_text(SPARK_WRITTEN, encoding="utf-8")
    for marker in ("_SUCCESS", "._SUCCESS.crc", ".part-00000-c000.csv.crc", "_committed_123", "_started_123"):
        (folder / marker).write_bytes(b"")
    run, entries = batch(tmp_path, folder)
    assert run.exit_code == ExitCode.OK, run.output
    quinn, other = entries
    assert (quinn["id"], quinn["status"], quinn["urgency"], quinn["red_flags"]) == ("q1", "screened", "emergency", ["chest_pain"])
    assert other["status"] == "screened"
    assert "escaped with a backslash" in run.stderr
    assert "skipped" not in run.stderr  # Spark's markers are passed over without a word


def test_a_cell_ending_in_a_backslash_is_read_as_rfc_4180_reads_it() -> None:
    (item,) = read(b'id,medications,age\r\nada,"C:\\\\",70\r\n')
    assert isinstance(item, RawRecord)
    assert item.value == {"id": "ada", "medications": ["C:\\\\"], "age": 70}


def test_a_row_still_shifted_when_read_with_backslashes_stays_invalid() -> None:
    (item,) = read(b'id,medications,age\r\nada,"Lasix \\"water, pill\\"",70,extra\r\n')
    assert isinstance(item, RawRecord)
    assert item.problems, item


# -- A cell too long to read -------------------------------------------------------------------------


def test_a_cell_of_200_kb_is_named_by_its_column_and_the_next_row_is_read() -> None:
    data = b"id,age,medications\r\nada,70," + b"x" * 200_000 + b"\r\nbo,60,Lasix\r\n"
    broken, bo = read(data)
    assert isinstance(broken, UnreadableRecord)
    assert broken.message == (
        "row 2 (line 2): the cell in column 'medications' holds 200,000 characters, more than a cell may hold (131,072): "
        "no answer is that long"
    )
    assert isinstance(bo, RawRecord) and bo.value["id"] == "bo"  # type: ignore[index]


# -- `mgk-screen template json` ----------------------------------------------------------------------


def test_template_json_writes_every_field_unanswered_and_valid_as_it_is(tmp_path: Path) -> None:
    from screener.batch.answer_columns import answer_columns

    path = tmp_path / "answers.json"
    run = runner.invoke(app, ["template", "json", "-o", str(path)])
    assert run.exit_code == ExitCode.OK, run.output
    assert "alcohol.audit_c, labs.potassium and labs.magnesium are null as a whole" in run.stderr
    template = json.loads(path.read_text(encoding="utf-8"))

    def given(name: str) -> bool:  # the field, or the section holding it as null
        place: Any = template
        for part in name.split("."):
            if place is None:
                return True
            if part not in place:
                return False
            place = place[part]
        return place is None

    assert [column.name for column in answer_columns() if not given(column.name)] == []
    checked = runner.invoke(app, ["validate", str(path)])
    assert checked.exit_code == ExitCode.OK, checked.output
    assert "1 record read, 1 valid, 0 with errors" in checked.stderr
    assert json.loads(runner.invoke(app, ["template", "json"]).stdout) == template  # to stdout without -o


# -- One person's file that is not valid JSON ------------------------------------------------------


def test_a_folder_of_one_person_files_gives_every_person_an_entry_even_when_the_json_is_broken(tmp_path: Path) -> None:
    folder = tmp_path / "ward"
    folder.mkdir()
    (folder / "ada.json").write_text('{"id": "ada", "age": 70, "diuretic_use": "yes"}', encoding="utf-8")
    (folder / "bo.json").write_text('{\n  "id": "bo",\n  "age": NaN\n}\n', encoding="utf-8")
    (folder / "cy.json").write_text('{"id": "cy", "age": 30, "age": 90}', encoding="utf-8")
    (folder / "notes.json").write_text("ask about falls\n", encoding="utf-8")  # no record: a file not read
    run, entries = batch(tmp_path, folder)
    assert run.exit_code == ExitCode.INVALID_RECORDS
    assert "3 records read: 1 screened, 2 invalid, 1 unreadable file" in run.stderr
    assert [(entry["source"].rsplit("/", 1)[-1], entry["position"], entry["status"]) for entry in entries] == [
        ("ada.json", 1, "screened"),
        ("bo.json", 1, "invalid"),
        ("cy.json", 1, "invalid"),
    ]
    assert entries[1]["errors"] == [
        {"path": "$", "message": "invalid JSON at line 3, column 10: NaN is not valid JSON (write null for a missing value)"}
    ]
    assert entries[2]["errors"][0]["message"].startswith("invalid JSON at line 1, column 25: the field 'age' is given twice")
