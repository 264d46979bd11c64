"""Files as people really make them (round 8, leftovers of round 7's closing note).

1. A sheet's "Not sure" (and "don't know", "?", "unsure") is the contract's ``unsure`` in every
   column that offers it (``laxative_use``, ``laxative_type``, as ``diuretic_use`` already was);
   a column without it still names the row, the column and the values it takes.
2. The JSON API says first the red flags of a body it refuses: a sheet with a misspelt red-flag
   column (``red_flag_now``), an array of one record (Spark's: tests/test_spark.py).
4. Bad files a person makes get what is wrong and where (file, record, JSON path), never a
   traceback: an empty array, UTF-16 without a byte order mark, a number in quotes, a comment,
   Python's True, and the ones
   already said well (a trailing comma, NaN, a huge number, an empty file, a folder) kept so.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.batch.readers import RawRecord, ReadItem, iter_records
from screener.batch.runner import record_entry
from screener.errors import ExitCode


def read(data: bytes) -> list[ReadItem]:
    return list(iter_records(["-"], stdin=io.BytesIO(data)))


def only_record(data: bytes) -> RawRecord:
    (item,) = read(data)
    assert isinstance(item, RawRecord), item
    return item


# -- 1. "Not sure" in a sheet ----------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["Not sure", "not sure", "NOT_SURE", "unsure", "Don't know", "Don\u2019t know.", "dont know", "?"])
def test_morgan_who_is_not_sure_about_laxatives_is_read_as_not_sure_in_a_clinic_sheet(cell: str, screener: Any) -> None:
    record = only_record(f"id,age,sex,laxative_use,laxative_type\nmorgan,44,female,{cell},{cell}\n".encode())
    assert not record.problems
    assert record.value["laxative_use"] == "unsure"
    assert record.value["laxative_type"] == "unsure"
    assert record_entry(record, screener)["status"] == "screened"


def test_a_not_sure_in_a_column_that_offers_no_not_sure_names_the_row_the_column_and_the_values(screener: Any) -> None:
    entry = record_entry(only_record(b"id,age,sex,diet.processed_food\nrow-7,44,female,Not sure\n"), screener)
    assert entry["status"] == "invalid"
    assert entry["id"] == "row-7"
    (error,) = entry["errors"]
    assert error["path"] == "$.diet.processed_food"
    assert "expected one of 'rarely', 'sometimes', 'most_days'" in json.dumps(error)


# -- 2. the JSON API says the red flags of a body it refuses ---------------------------------------


@pytest.fixture(scope="module")
def client() -> Any:
    from web_support import new_client

    return new_client()


@pytest.mark.parametrize("endpoint", ["screen", "validate"])
def test_noors_chest_pain_in_a_sheet_sent_to_the_api_with_a_misspelt_column_comes_first(client: Any, endpoint: str) -> None:
    body = b"id,age,red_flag_now\nnoor,50,chest pain\n"
    response = client.post(f"/api/v1/{endpoint}", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    said = response.json()
    assert list(said)[:4] == ["valid", "red_flags", "urgency", "red_flag_advice"]
    assert (said["red_flags"], said["urgency"]) == (["chest_pain"], "emergency")
    assert "Seek emergency care now" in said["red_flag_advice"]
    assert "unknown column 'red_flag_now' (did you mean 'red_flags_now'?)" in said["errors"][0]["message"]


def test_an_array_of_one_record_with_fainting_is_refused_with_its_red_flag_first(client: Any) -> None:
    body = b'[{"id": "pia", "age": 20, "red_flags_now": ["fainting"]}]'
    response = client.post("/api/v1/screen", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    said = response.json()
    assert said["red_flags"] == ["fainting"] and said["urgency"] == "emergency"
    assert said["errors"] == [{"path": "$", "message": "one answers object expected, not an array (`mgk-screen batch` screens many)"}]


def test_a_sheet_refused_for_another_column_has_no_red_flags_to_say(client: Any) -> None:
    response = client.post("/api/v1/validate", content=b"id,agee\nx,50\n", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "red_flags" not in response.json()


# -- 4. files as a person makes them: what is wrong, and where -------------------------------------

cli = CliRunner()


def run(command: str, path: Path) -> tuple[int, str]:
    done = cli.invoke(app, [command, str(path)] if command != "batch" else [command, str(path), "-o", str(path.parent / "out.jsonl")])
    return done.exit_code, done.output


@pytest.mark.parametrize("command", ["validate", "screen", "batch"])
def test_an_empty_array_is_named_as_an_empty_file_is_never_a_silent_nothing_read(command: str, tmp_path: Path) -> None:
    source = tmp_path / "monday.json"
    source.write_text("[ ]\n", encoding="utf-8")
    code, said = run(command, source)
    assert code == ExitCode.USAGE
    assert f"{source}: holds no records: the array is empty ([])" in said


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("command", ["validate", "screen", "batch"])
def test_answers_saved_as_utf_16_without_a_byte_order_mark_are_named_so_not_binary_data(
    command: str, encoding: str, tmp_path: Path
) -> None:
    source = tmp_path / "notepad.json"
    source.write_bytes('{"id": "ines", "age": 61}\r\n'.encode(encoding))
    code, said = run(command, source)
    assert code == ExitCode.USAGE
    assert f"{source}: text saved as UTF-16 without a byte order mark (a zero byte beside every letter): save it as UTF-8" in said
    assert "binary data" not in said


def test_real_binary_data_is_still_called_binary_data(tmp_path: Path) -> None:
    source = tmp_path / "photo.json"
    source.write_bytes(bytes(range(256)))
    code, said = run("validate", source)
    assert code == ExitCode.USAGE and "not JSON: binary data" in said


@pytest.mark.parametrize(
    ("record", "path", "said"),
    [
        ({"labs": {"potassium": {"value": "4.2", "unit": "mmol/L"}}}, "$.labs.potassium.value", 'expected a number, got "4.2": write it without quotes (4.2)'),
        ({"age": "50"}, "$.age", 'expected a whole number, got "50": write it without quotes (50)'),
        ({"age": "50.5"}, "$.age", 'expected a whole number, got "50.5"'),
        ({"age": "fifty"}, "$.age", 'expected a whole number, got "fifty"'),
    ],
)
def test_a_number_written_in_quotes_is_named_with_how_to_write_it(record: dict[str, Any], path: str, said: str, screener: Any) -> None:
    (problem,) = screener.check(record)[1]
    assert (problem.path, problem.message) == (path, said)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"age": 50, "sex": "female",}', "invalid JSON at line 1, column 28: a trailing comma after the last item (remove it)"),
        ('{"age": NaN}', "invalid JSON at line 1, column 9: NaN is not valid JSON (write null for a missing value)"),
        ("", "file is empty: no records"),
        ('{"age": 50 // years\n}', "invalid JSON at line 1, column 12: a comment, which JSON does not have: remove it"),
        ("{'age': 50}", 'invalid JSON at line 1, column 2: expected a field name in double quotes here ("age")'),
        (
            '{"diarrhea": {"present": True}}',
            "invalid JSON at line 1, column 26: True is Python's, not JSON: write true (json.dumps writes JSON)",
        ),
    ],
)
def test_a_broken_file_is_named_with_its_line_and_column_by_every_command(text: str, said: str, tmp_path: Path) -> None:
    source = tmp_path / "answers.json"
    source.write_text(text, encoding="utf-8")
    for command in ("validate", "screen", "batch"):
        code, output = run(command, source)
        assert "Traceback" not in output
        if command == "screen" or not text:
            assert code == ExitCode.USAGE and f"{source}: {said}" in output, (command, output)
        elif command == "validate":  # one object is one record, invalid (fifth session): as a line of JSON Lines is
            assert code == ExitCode.INVALID_RECORDS and f"{source} record 1: {said}" in output, (command, output)
        else:
            assert code == ExitCode.INVALID_RECORDS and "1 record read: 0 screened, 1 invalid" in output, (command, output)
            (entry,) = [json.loads(line) for line in (source.parent / "out.jsonl").read_text(encoding="utf-8").splitlines()]
            assert entry["errors"] == [{"path": "$", "message": said}]


def test_a_huge_number_is_named_by_its_path_and_record_not_a_traceback(tmp_path: Path) -> None:
    source = tmp_path / "answers.jsonl"
    source.write_text('{"age": 1e400}\n{"labs": {"potassium": {"value": 4.2e308, "unit": "mmol/L"}}}\n', encoding="utf-8")
    code, said = run("validate", source)
    assert code == ExitCode.INVALID_RECORDS
    assert f"{source} record 1: $.age: expected a whole number, got 1e400" in said
    assert f"{source} record 2: $.labs.potassium.value: a number too large to use (4.2e308)" in said


def test_json_lines_from_windows_with_a_blank_last_line_and_a_sheet_with_spaced_capital_headers_are_read(tmp_path: Path) -> None:
    lines = tmp_path / "clinic.jsonl"
    lines.write_bytes(b'{"id": "a", "age": 50}\r\n{"id": "b", "age": 60}\r\n\r\n')
    assert run("validate", lines) == (ExitCode.OK, "2 records read, 2 valid, 0 with errors\n")
    sheet = tmp_path / "clinic.csv"
    sheet.write_bytes(b" ID , Age ,SEX,Labs.Potassium.Value\r\nr1, 50 ,Female,3.1\r\n")
    record = only_record(sheet.read_bytes())
    assert record.value == {"id": "r1", "age": 50, "sex": "female", "labs": {"potassium": {"value": 3.1}}}


def test_a_folder_given_to_screen_is_named_with_batch_to_use(tmp_path: Path) -> None:
    code, said = run("screen", tmp_path)
    assert code == ExitCode.USAGE and "is a folder, not one answers file; to screen the files in it, use `mgk-screen batch" in said
