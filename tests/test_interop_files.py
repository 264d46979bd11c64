"""Files nobody here wrote, from an interoperability review (2026-12-01): habits of exporters and
spreadsheet users that used to lose records or lead a user to drop an answer.

- a list cell split with a comma, a line break (Alt+Enter) or ``|`` instead of ``;``;
- JSON Lines with a comma after every record (``join(",\\n")``);
- a Synthea output folder, with its hospital, practitioner and group files beside the patients;
- REDCap and SPSS yes/no as ``1``/``0`` and ``Checked``/``Unchecked``, a Google Forms export's
  extra columns, Excel's "Unicode Text" (UTF-16, tab-separated).
"""

from __future__ import annotations

import codecs
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.batch.readers import RawRecord, ReadItem, UnreadableSource, iter_records
from screener.batch.runner import record_entry

runner = CliRunner()
FHIR = Path(__file__).parent / "fhir"


def read_bytes(data: bytes) -> list[ReadItem]:
    return list(iter_records(["-"], stdin=io.BytesIO(data)))


def entry_of(data: bytes, screener: Any) -> dict[str, Any]:
    (item,) = [item for item in read_bytes(data) if not isinstance(item, UnreadableSource)]
    return record_entry(item, screener)  # type: ignore[arg-type]


# ------------------------------------------------------------------ list cells, wrong separator


@pytest.mark.parametrize(
    "cell",
    ['"fatigue, muscle_cramps"', '"Fatigue\nMuscle cramps"', '"fatigue\r\nmuscle_cramps"', "fatigue|muscle_cramps"],
)
def test_rita_typed_her_two_symptoms_in_one_cell_with_a_comma_a_line_break_or_a_bar_and_both_are_read(
    cell: str, screener: Any
) -> None:
    (item,) = read_bytes(f"id,symptoms\nrita,{cell}\n".encode())
    assert isinstance(item, RawRecord) and not item.problems
    assert item.value == {"id": "rita", "symptoms": ["fatigue", "muscle_cramps"]}
    assert record_entry(item, screener)["status"] == "screened"


def test_a_cell_with_a_comma_and_a_part_that_is_no_code_says_separate_items_with_a_semicolon(screener: Any) -> None:
    entry = entry_of(b'id,symptoms\nsam,"fatigue, cramps"\n', screener)
    assert entry["status"] == "invalid"
    (error,) = entry["errors"]
    assert error["path"] == "$.symptoms"
    assert "separated by a comma: separate items with ';'" in error["message"]
    assert '("fatigue; cramps")' in error["message"]
    assert "\"cramps\" is not one of its codes (did you mean 'muscle_cramps'?)" in error["message"]


# ------------------------------------------------------------------ JSON Lines with a comma after each record


def test_json_lines_with_a_comma_after_each_record_keep_every_record_and_say_so_once(tmp_path: Path) -> None:
    export = tmp_path / "export.jsonl"
    export.write_text('{"id": "a", "age": 70},\n{"id": "b", "age": 71},\n{"id": "c", "age": 72,}\n')
    items = list(iter_records([str(export)]))
    notes = [item for item in items if isinstance(item, UnreadableSource)]
    assert [note.note for note in notes] == [True]
    assert "a comma after the record on line 1" in notes[0].message
    records = [item for item in items if not isinstance(item, UnreadableSource)]
    assert [type(item).__name__ for item in records] == ["RawRecord", "RawRecord", "UnreadableRecord"]
    assert [item.value["id"] for item in records[:2] if isinstance(item, RawRecord)] == ["a", "b"]  # type: ignore[index]

    out = tmp_path / "out.jsonl"
    run = runner.invoke(app, ["batch", str(export), "-o", str(out), "--workers", "2"])
    assert run.exit_code == 3, run.output  # record c is invalid (a comma inside it), a and b screened
    assert "a comma after the record on line 1" in run.output
    assert "unreadable" not in run.output
    assert [json.loads(line)["status"] for line in out.read_text().splitlines()] == ["screened", "screened", "invalid"]


def test_one_record_with_a_comma_after_it_is_screened() -> None:
    run = runner.invoke(app, ["screen", "-", "--brief", "--plain"], input='{"id": "x", "age": 50, "medications": []},\n')
    assert run.exit_code == 0, run.output


# ------------------------------------------------------------------ a Synthea output folder


def _synthea_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "fhir"
    folder.mkdir()
    shutil.copy(FHIR / "synthea-style-five-patients.json", folder / "Rita_Jones_1.json")
    organizations = [{"resource": {"resourceType": "Organization", "id": f"o{n}"}, "request": {"method": "POST", "url": "Organization"}} for n in range(3)]
    practitioners = [{"resource": {"resourceType": "Practitioner", "id": f"p{n}"}, "request": {"method": "POST", "url": "Practitioner"}} for n in range(2)]
    for name, entries in (("hospitalInformation1588766256867.json", organizations), ("practitionerInformation1588766256867.json", practitioners)):
        (folder / name).write_text(json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": entries}))
    group = {"resourceType": "Group", "id": "g", "type": "person", "actual": True, "member": [{"entity": {"reference": "urn:uuid:1"}}]}
    (folder / "groupInformation1588766256867.json").write_text(json.dumps(group))
    return folder


def test_a_synthea_folder_screens_its_patients_and_names_the_hospital_practitioner_and_group_files(tmp_path: Path) -> None:
    folder = _synthea_folder(tmp_path)
    out = tmp_path / "out.jsonl"
    run = runner.invoke(app, ["batch", str(folder), "-o", str(out)])
    entries = [json.loads(line) for line in out.read_text().splitlines()]
    assert entries and all("Information" not in entry["source"] for entry in entries)
    assert "duplicate ids" not in run.output
    assert "a Bundle of 3 Organization: who and where care is given, not patient data" in run.output
    assert "a Bundle of 2 Practitioner" in run.output
    assert "a Group (a list of patients, not their data): not read" in run.output
    assert "unreadable" not in run.output
    assert run.exit_code == (3 if any(entry["status"] == "invalid" for entry in entries) else 0), run.output


def test_a_group_file_alone_says_why_no_record_was_read(tmp_path: Path) -> None:
    group = _synthea_folder(tmp_path) / "groupInformation1588766256867.json"
    run = runner.invoke(app, ["batch", str(group), "-o", str(tmp_path / "out.jsonl")])
    assert run.exit_code == 2
    assert "a Group (a list of patients, not their data)" in run.output
    assert "no records were read" in run.output


def test_a_bulk_file_of_kinds_not_read_alone_says_why_no_record_was_read(tmp_path: Path) -> None:
    encounters = tmp_path / "Encounter.ndjson"
    encounters.write_text('{"resourceType": "Encounter", "id": "e1"}\n{"resourceType": "Encounter", "id": "e2"}\n')
    run = runner.invoke(app, ["batch", str(encounters), "-o", str(tmp_path / "out.jsonl")])
    assert run.exit_code == 2
    assert "only FHIR resources of kinds the screen does not read (2 Encounter)" in run.output


# ------------------------------------------------------------------ export habits


def test_a_redcap_export_with_1_0_and_checked_unchecked_is_read_as_yes_and_no() -> None:
    items = read_bytes(b"id,diarrhea.present,vomiting.present\na,1,0\nb,Checked,Unchecked\nc,2,0\n")
    a, b, c = items
    assert isinstance(a, RawRecord) and not a.problems and a.value["diarrhea"] == {"present": True}  # type: ignore[index]
    assert a.value["vomiting"] == {"present": False}  # type: ignore[index]
    assert isinstance(b, RawRecord) and not b.problems and b.value["diarrhea"] == {"present": True}  # type: ignore[index]
    assert isinstance(c, RawRecord) and [problem.path for problem in c.problems] == ["$.diarrhea.present"]  # 2: SPSS's "no"?


def test_parquet_yes_no_as_an_int_and_diuretic_use_as_a_boolean_are_read(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "answers.parquet"
    pq.write_table(pa.table({"id": ["a"], "diarrhea.present": pa.array([1], pa.int64()), "diuretic_use": [True]}), path)
    (item,) = iter_records([str(path)])
    assert isinstance(item, RawRecord) and not item.problems
    assert item.value == {"id": "a", "diarrhea": {"present": True}, "diuretic_use": "yes"}


def test_excel_unicode_text_utf16_with_tabs_is_read(screener: Any) -> None:
    sheet = "id\tage\tsex\tsymptoms\tlabs.potassium.value\r\nrita\t72\tfemale\tmuscle_cramps\t3,2\r\n"
    for data in (codecs.BOM_UTF16_LE + sheet.encode("utf-16-le"), codecs.BOM_UTF16_BE + sheet.encode("utf-16-be")):
        (item,) = read_bytes(data)
        assert isinstance(item, RawRecord) and not item.problems, item
        assert item.value == {"id": "rita", "age": 72, "sex": "female", "symptoms": ["muscle_cramps"], "labs": {"potassium": {"value": 3.2}}}


# ------------------------------------------------------------------ cosmetic


def test_a_parquet_row_whose_id_is_binary_is_named_by_its_position_not_binary_data(tmp_path: Path, screener: Any) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "answers.parquet"
    pq.write_table(pa.table({"id": pa.array([b"\x00\x01"], pa.binary()), "age": [40]}), path)
    (item,) = iter_records([str(path)])
    entry = record_entry(item, screener)  # type: ignore[arg-type]
    assert entry["id"] == "1"
    assert entry["errors"] == [{"path": "$.id", "message": "expected text, got binary data"}]


def test_a_parquet_date_in_taken_does_not_speak_of_a_sheet(tmp_path: Path, screener: Any) -> None:
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "answers.parquet"
    pq.write_table(pa.table({"labs.potassium.value": [3.1], "labs.potassium.unit": ["mmol/L"], "labs.potassium.taken": [datetime.date(2025, 6, 28)]}), path)
    (item,) = iter_records([str(path)])
    (error,) = record_entry(item, screener)["errors"]  # type: ignore[arg-type]
    assert "sheet" not in error["message"]
    assert "since the answers do not say the day of the screening" in error["message"]
