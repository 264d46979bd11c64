"""What a newcomer gives mgk-screen, and what it says back (a newcomer's audit, issue 14 follow-up).

- A folder is read file by file like the same files given by name: its sheets (.csv) and Parquet
  files too; anything else in it is named on stderr in one line, never left out without a word.
- `validate` reports every problem of a record, in our wording (a number too large to use).
- Files that are not answers at all (an Excel workbook, a gzip file) are called what they are;
  a trailing comma is called a trailing comma.
- A sheet saved by Excel for Mac (CR line ends) is a sheet; a sheet with a header and no rows
  says so; `screen FOLDER` says it is a folder; duplicate ids are named.
"""

from __future__ import annotations

import json
from pathlib import Path

from screener.cli.main import app
from typer.testing import CliRunner

runner = CliRunner()

NURSES_SHEET = (
    "\ufeffid;age;sex;medications;diuretic_use;symptoms;labs.potassium.value;labs.potassium.unit\n"
    "rita;72;Female;Lasix 40 mg, amlodipine;Yes;Muscle_Cramps;3,3;mmol/l\n"
    "sam;seventy;M;;;muscle_cramps;;\n"
)


def entries(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# ------------------------------------------------------------------------------------ folders


def test_a_nurses_sheet_in_a_folder_of_json_exports_is_screened_not_skipped(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    (clinic / "excel.csv").write_text(NURSES_SHEET, encoding="utf-8")
    (clinic / "walk-ins.jsonl").write_text('{"id": "lee", "age": 50}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run = runner.invoke(app, ["batch", str(clinic), "-o", str(out)])
    assert run.exit_code == 3, run.stderr  # sam's age is not a number
    assert [(entry["id"], entry["status"], entry["source"], entry["position"]) for entry in entries(out)] == [
        ("rita", "screened", str(clinic / "excel.csv"), 2),
        ("sam", "invalid", str(clinic / "excel.csv"), 3),
        ("lee", "screened", str(clinic / "walk-ins.jsonl"), 1),
    ]
    assert "3 records read: 2 screened, 1 invalid" in run.stderr
    assert "skipped" not in run.stderr  # nothing was


def test_notes_and_subfolders_beside_the_answers_are_named_in_one_line(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    (clinic / "answers.json").write_text('{"id": "rita", "age": 72}', encoding="utf-8")
    (clinic / "readme.txt").write_text("exported on Monday", encoding="utf-8")
    (clinic / "runner-with-cramps-only.md").write_text("# notes", encoding="utf-8")
    (clinic / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # hidden: a Mac's, never named
    (clinic / "2023").mkdir()
    expected = (
        f"{clinic}: skipped: readme.txt, runner-with-cramps-only.md (not .json/.jsonl/.ndjson/.csv/.parquet); "
        "2023/ (folders inside are not read)"
    )
    run = runner.invoke(app, ["batch", str(clinic), "-o", str(tmp_path / "out.jsonl")])
    assert run.exit_code == 0, run.stderr
    assert f"mgk-screen: {expected}" in run.stderr.splitlines()
    assert ".DS_Store" not in run.stderr
    checked = runner.invoke(app, ["validate", str(clinic)])
    assert checked.exit_code == 0
    assert expected in checked.stderr.splitlines()


# ------------------------------------------------------------------------------------ validate


def test_validate_names_every_problem_of_a_record_not_only_the_first_kind(tmp_path: Path) -> None:
    """An unknown sex (the JSON Schema finds it) and a drinks count too large to be a number (only
    the model finds it) are both reported: a fix-and-retry loop of one error at a time is what
    `validate` is there to spare."""
    run = runner.invoke(app, ["validate", "-"], input='{"sex": "q", "alcohol": {"drinks_per_week": 1e400}}\n')
    assert run.exit_code == 3
    assert run.stdout.splitlines() == [
        "<stdin> record 1: $.alcohol.drinks_per_week: a number too large to use (1e400)",
        "<stdin> record 1: $.sex: unknown value \"q\": expected one of 'female', 'male', 'other'",
    ]


def test_a_potassium_too_large_to_be_a_number_is_said_in_our_words_as_it_was_written(tmp_path: Path) -> None:
    record = '{"id": "k", "labs": {"potassium": {"value": -1E400, "unit": "mmol/L"}}}\n'
    run = runner.invoke(app, ["validate", "-"], input=record)
    assert run.stdout.splitlines() == ["<stdin> record 1: $.labs.potassium.value: a number too large to use (-1E400)"]
    assert "finite" not in run.output
    out = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["batch", "-", "-o", str(out)], input=record).exit_code == 3
    assert entries(out)[0]["errors"] == [{"path": "$.labs.potassium.value", "message": "a number too large to use (-1E400)"}]


def test_a_sheet_cell_too_large_to_be_a_number_is_said_the_same_way(tmp_path: Path) -> None:
    sheet = tmp_path / "clinic.csv"
    sheet.write_text("id,labs.potassium.value,labs.potassium.unit\nann,1e400,mmol/L\n", encoding="utf-8")
    run = runner.invoke(app, ["validate", str(sheet)])
    assert f"{sheet} record 2: $.labs.potassium.value: a number too large to use (1e400)" in run.stdout.splitlines()
