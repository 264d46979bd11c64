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

import pytest
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
    (clinic / "clinic.xlsx").write_bytes(b"PK\x03\x04")
    (clinic / "runner-with-cramps-only.md").write_text("# notes", encoding="utf-8")
    (clinic / "last-week.pdf").write_bytes(b"%PDF-1.7")
    (clinic / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # hidden: a Mac's, never named
    (clinic / "2023").mkdir()
    expected = (
        f"{clinic}: skipped: clinic.xlsx, readme.txt (not .json/.jsonl/.ndjson/.csv/.parquet); "
        "2023/ (folders inside are not read)"
    )
    run = runner.invoke(app, ["batch", str(clinic), "-o", str(tmp_path / "out.jsonl")])
    assert run.exit_code == 0, run.stderr
    assert f"mgk-screen: {expected}" in run.stderr.splitlines()
    # Hidden files, and notes or reports that cannot hold answers, are passed over without a word.
    assert ".DS_Store" not in run.stderr and ".md" not in run.stderr and ".pdf" not in run.stderr
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


# ------------------------------------------------------------------------- not answers (yet)


def test_an_excel_workbook_given_as_it_is_is_told_to_be_saved_as_csv(tmp_path: Path) -> None:
    import zipfile

    workbook = tmp_path / "clinic.xlsx"
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    run = runner.invoke(app, ["batch", str(workbook), "-o", str(tmp_path / "out.jsonl")])
    assert run.exit_code == 2
    assert (
        f"mgk-screen: {workbook}: looks like an Excel workbook (.xlsx) or a zip file: "
        "save the sheet as 'CSV UTF-8' and screen that"
    ) in run.stderr.splitlines()


def test_a_gzipped_export_is_told_to_be_decompressed_first(tmp_path: Path) -> None:
    import gzip

    export = tmp_path / "cohort.jsonl.gz"
    export.write_bytes(gzip.compress(b'{"id": "a"}\n'))
    run = runner.invoke(app, ["validate", str(export)])
    assert f"{export}: gzip-compressed: decompress it first (gunzip)" in run.stderr.splitlines()


def test_a_trailing_comma_in_a_hand_written_record_is_called_that_at_the_comma(tmp_path: Path) -> None:
    """As JavaScript and Python allow, and JSON does not. The decoder's own words ("Expecting
    property name enclosed in double quotes", on the line of the brace) send the reader looking
    for a missing quote."""
    answers = tmp_path / "my answers.json"
    answers.write_text('{"age": 40,\n}\n', encoding="utf-8")
    run = runner.invoke(app, ["screen", str(answers)])
    assert run.exit_code == 2
    assert f"{answers}: invalid JSON at line 1, column 11: a trailing comma after the last item (remove it)" in run.stderr
    in_a_list = runner.invoke(app, ["validate", "-"], input='{"age": 40, "symptoms": ["fatigue", ]}\n{"age": 50}\n')
    assert in_a_list.stdout.splitlines() == ["<stdin> record 1: line 1, column 35: a trailing comma after the last item (remove it)"]


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ('{"age": 40, "sex": female}', "line 1, column 20: expected a value here: a number, true, false, null, or text in double quotes"),
        ('{age: 40}', 'line 1, column 2: expected a field name in double quotes here ("age")'),
        ('{"age": 40 "sex": "female"}', "line 1, column 12: expected a comma here, between two items"),
        ('{"age" 40}', "line 1, column 8: expected a colon here, after the field name"),
    ],
)
def test_a_hand_written_record_that_is_not_json_is_told_what_json_wanted_in_plain_words(written: str, said: str) -> None:
    """Not the decoder's own words ("Expecting value"), which only a programmer reads."""
    run = runner.invoke(app, ["validate", "-"], input=written + "\n" + '{"age": 50}\n')
    assert run.stdout.splitlines() == [f"<stdin> record 1: {said}"]


def test_two_records_side_by_side_in_a_json_file_are_told_apart_in_plain_words(tmp_path: Path) -> None:
    """``{"age": 40}{"age": 41}`` on one line: not the decoder's "Extra data after the end of the
    value", but what is there and what a file may hold (newcomer review D7)."""
    answers = tmp_path / "two.json"
    answers.write_text('{"age": 40}{"age": 41}\n', encoding="utf-8")
    run = runner.invoke(app, ["validate", str(answers)])
    said = run.stdout + run.stderr
    assert "Extra data" not in said
    assert (
        "line 1, column 12: a second JSON value after the first one ends here: one record per file, "
        "or one per line (JSON Lines)"
    ) in said


# ------------------------------------------------------------------------------------ sheets


def test_a_nurses_sheet_saved_on_a_mac_with_cr_line_ends_is_read_as_a_sheet(tmp_path: Path) -> None:
    """Excel for Mac's "CSV (Macintosh)" ends each line with a carriage return alone."""
    sheet = tmp_path / "ward 3.csv"
    sheet.write_bytes(NURSES_SHEET.replace("\n", "\r").encode("utf-8") + b"\rlee;50;female;;;;;\r")
    out = tmp_path / "out.jsonl"
    run = runner.invoke(app, ["batch", str(sheet), "-o", str(out)])
    assert run.exit_code == 3, run.stderr
    assert [(entry["id"], entry["status"], entry["position"]) for entry in entries(out)] == [
        ("rita", "screened", 2),
        ("sam", "invalid", 3),
        ("lee", "screened", 5),  # row 4 is blank, as the spreadsheet shows it
    ]
    assert entries(out)[1]["errors"] == [{"path": "$.age", "message": 'expected a whole number, got "seventy"'}]


def test_the_empty_template_screened_as_it_is_says_it_has_no_rows(tmp_path: Path) -> None:
    template = tmp_path / "template.csv"
    assert runner.invoke(app, ["template", "csv", "-o", str(template)]).exit_code == 0
    run = runner.invoke(app, ["batch", str(template), "-o", str(tmp_path / "out.jsonl")])
    assert run.exit_code == 2
    assert f"mgk-screen: {template}: a header row but no rows of answers" in run.stderr.splitlines()
    assert not (tmp_path / "out.jsonl").exists()
    one = runner.invoke(app, ["screen", str(template)])
    assert f"mgk-screen: {template}: a header row but no rows of answers" in one.stderr.splitlines()


# ------------------------------------------------------------------------------ other slips


def test_screen_of_a_folder_says_it_is_a_folder_and_points_to_batch(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    (clinic / "rita.json").write_text('{"id": "rita", "age": 72}', encoding="utf-8")
    (clinic / "sam.json").write_text('{"id": "sam", "age": 30}', encoding="utf-8")
    run = runner.invoke(app, ["screen", str(clinic)])
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        f"mgk-screen: {clinic}: is a folder, not one answers file; to screen the files in it, use `mgk-screen batch {clinic}`"
    )


def test_duplicate_ids_are_named_with_where_they_were_used_again(tmp_path: Path) -> None:
    monday = tmp_path / "monday.jsonl"
    monday.write_text("".join(f'{{"id": "{name}", "age": 40}}\n' for name in ["ann", "bob", "ann"]), encoding="utf-8")
    tuesday = tmp_path / "tuesday.jsonl"
    tuesday.write_text("".join(f'{{"id": "p{n % 4}", "age": 40}}\n' for n in range(10)) + '{"id": "bob"}\n', encoding="utf-8")
    run = runner.invoke(app, ["batch", str(monday), str(tuesday), "-o", str(tmp_path / "out.jsonl")])
    assert run.exit_code == 0
    assert (
        f"  duplicate ids: 8 (an id used by an earlier record: ann ({monday} record 3), p0 ({tuesday} record 5), "
        f"p1 ({tuesday} record 6), p2 ({tuesday} record 7), p3 ({tuesday} record 8), and 3 more)"
    ) in run.stderr.splitlines()
