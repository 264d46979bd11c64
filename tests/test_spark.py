"""Spark, in local mode on two cores: the same results as `mgk-screen batch`, invalid records
included, whatever form the cohort comes in. One SparkSession serves the whole module (starting
one takes seconds)."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.batch.csv_answers import write_answers_csv
from screener.batch.parquet_io import write_answers_parquet
from screener.contract.answers import Answers
from screener.errors import ExitCode, InputError
from screener.synthetic import cohort

# Spark needs Java (installed by .ci/run) and pyspark (Python 3.11 or later, from the test extra).
# On a machine without them the README's test command still passes; in CI (CI set) they must be there.
_MISSING = [what for what, found in (("java", shutil.which("java")), ("pyspark", importlib.util.find_spec("pyspark"))) if not found]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(_MISSING) and not os.environ.get("CI"), reason=f"needs {', '.join(_MISSING)} (installed by .ci/run)"),
]
runner = CliRunner()

BROKEN_LINES = [
    '{"id": "wrong-type", "age": "seventy", "medications": ["Lasix"]}',
    '{"id": "unknown-code", "symptoms": ["muscle_cramp"]}',
    '{"id": "broken json", ',
    "",  # a blank line is no record, as in batch mode
    '{"id": "out-of-range", "age": 130, "labs": {"potassium": {"value": 42, "unit": "mmol/L"}}}',
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from screener.spark.__main__ import session

    spark = session("local[2]")
    yield spark
    spark.stop()


@pytest.fixture(scope="module")
def cohort_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 generated records with invalid ones among them."""
    lines = [json.dumps(record) for record in cohort(1000, seed=31)]
    for offset, line in enumerate(BROKEN_LINES):
        lines.insert(100 + 150 * offset, line)
    path = tmp_path_factory.mktemp("spark") / "cohort.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def batch_rows(source: Path, tmp_path: Path) -> list[dict[str, Any]]:
    out = tmp_path / f"{source.name}.batch.parquet"
    run = runner.invoke(app, ["batch", str(source), "-f", "parquet", "-o", str(out)])
    assert run.exit_code in (ExitCode.OK, ExitCode.INVALID_RECORDS), run.output
    return pq.read_table(out).to_pylist()  # type: ignore[no-any-return]


def spark_cli(spark: Any, source: Path, tmp_path: Path) -> tuple[int, list[dict[str, Any]]]:
    from screener.spark.__main__ import main

    out = tmp_path / f"{source.name}.spark"
    code = main([str(source), str(out), "--master", "local[2]", "--partitions", "4"])
    rows = ds.dataset(out, format="parquet").to_table().to_pylist()
    return code, rows


def test_spark_screens_a_thousand_records_exactly_as_batch_does(spark: Any, cohort_jsonl: Path, tmp_path: Path) -> None:
    expected = batch_rows(cohort_jsonl, tmp_path)
    code, rows = spark_cli(spark, cohort_jsonl, tmp_path)
    assert code == ExitCode.INVALID_RECORDS
    assert len(rows) == len(expected) == 1004
    assert [row["position"] for row in rows] == list(range(1, 1005))  # part files in input order
    assert rows == expected
    invalid = {row["id"]: row["errors"] for row in rows if row["status"] == "invalid"}
    assert set(invalid) == {"wrong-type", "unknown-code", "401", "out-of-range"}
    assert invalid["401"] == [{"path": "$", "message": 'line 401, column 1: expected a field name in double quotes here ("age")'}]


def test_spark_reads_a_sheet_exactly_as_batch_does(spark: Any, tmp_path: Path) -> None:
    sheet = io.StringIO(newline="")
    write_answers_csv([*cohort(200, seed=37)], sheet, delimiter=";")
    lines = sheet.getvalue().split("\r\n")
    # Headers as a clinic types them: every other one capitalised (Age, Medications...).
    lines[0] = ";".join(name.title() if number % 2 else name for number, name in enumerate(lines[0].split(";")))
    lines.insert(50, ";".join(["bad-cell", "seventy"] + [""] * 30))
    lines.insert(60, ";" * 31)  # an empty row: skipped, and its number stays used
    path = tmp_path / "clinic.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
    expected = batch_rows(path, tmp_path)
    code, rows = spark_cli(spark, path, tmp_path)
    assert code == ExitCode.INVALID_RECORDS
    assert rows == expected
    assert [row["errors"] for row in rows if row["status"] == "invalid"] == [
        [{"path": "$.age", "message": 'expected a whole number, got "seventy"'}]
    ]


def test_a_sheet_whose_quote_is_never_closed_says_so_as_batch_does_never_one_long_medicine_name(spark: Any, tmp_path: Path) -> None:
    # Bola's row opens a quote in her medicines and never closes it: Spark's reader takes every
    # line after it as that one cell. The rows before are screened; hers is invalid and says why.
    path = tmp_path / "clinic.csv"
    path.write_text(
        'id,age,medications\r\nada,40,Lasix 40 mg\r\nbola,50,"omeprazole\r\ncyrus,60,ramipril\r\ndee,70,digoxin\r\n', encoding="utf-8"
    )
    expected = batch_rows(path, tmp_path)
    code, rows = spark_cli(spark, path, tmp_path)
    assert code == ExitCode.INVALID_RECORDS
    assert rows == expected
    assert [row["id"] for row in rows] == ["ada", "3"]
    assert rows[1]["errors"][0]["message"].startswith("row 3 (line 3): a double quote opens a cell that is never closed")


#: A sheet as Spark's own CSV writer writes it (``df.write.csv`` with its defaults: a quote inside a
#: cell escaped with a backslash), in a folder with Spark's markers beside it.
SPARK_WRITTEN = (
    "id,age,sex,medications,diuretic_use,red_flags_now,labs.potassium.value,labs.potassium.unit,labs.potassium.taken\n"
    'q1,80,female,"Lasix \\"water pill\\", hydrochlorothiazide",yes,chest_pain,2.4,mmol/L,last_7_days\n'
    "q2,60,male,none,no,none,4.1,mmol/L,last_7_days\n"
)


def test_quinns_chest_pain_in_a_sheet_spark_wrote_is_raised_as_batch_raises_it(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Spark wrote Quinn's medicines as "Lasix \"water pill\", hydrochlorothiazide": read as a
    # sheet of RFC 4180, her cells shifted and her chest pain fell in the potassium column.
    folder = tmp_path / "spark-out"
    folder.mkdir()
    (folder / "part-00000-c000.csv").write_text(SPARK_WRITTEN, encoding="utf-8")
    (folder / "_SUCCESS").write_bytes(b"")
    (folder / "._SUCCESS.crc").write_bytes(b"crc")
    expected = batch_rows(folder, tmp_path)
    code, rows = spark_cli(spark, folder, tmp_path)
    assert code == ExitCode.OK
    assert rows == expected
    assert [(row["id"], row["status"], row["urgency"], row["red_flags"]) for row in rows] == [
        ("q1", "screened", "emergency", ["chest_pain"]),
        ("q2", "screened", "none", []),
    ]
    said = capsys.readouterr().err
    assert "escaped with a backslash" in said
    assert "_SUCCESS" not in said  # Spark's marker passed over without a word


def test_a_row_with_cells_past_the_header_is_invalid_in_spark_as_in_batch(spark: Any, tmp_path: Path) -> None:
    # Spark's reader dropped the cells past the header in silence; batch makes the row invalid.
    path = tmp_path / "clinic.csv"
    path.write_text("id,age,medications\r\nada,40,Lasix\r\nbola,50,omeprazole,extra,more\r\ncy,60\r\n", encoding="utf-8")
    expected = batch_rows(path, tmp_path)
    code, rows = spark_cli(spark, path, tmp_path)
    assert code == ExitCode.INVALID_RECORDS
    assert rows == expected
    assert [(row["id"], row["status"]) for row in rows] == [("ada", "screened"), ("bola", "invalid"), ("cy", "screened")]
    assert rows[1]["errors"] == [
        {"path": "$", "message": 'a value in cell 4, beyond the 3 columns of the header row: "extra"'},
        {"path": "$", "message": 'a value in cell 5, beyond the 3 columns of the header row: "more"'},
    ]


def test_form_exports_are_screened_as_batch_screens_them_with_the_same_note(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A REDCap export (its record ids the ids) and a Google Forms export with a column the clinic
    # added, left out with --ignore-column: as a sheet and as Parquet.
    from screener.spark.__main__ import main

    redcap = tmp_path / "redcap.csv"
    redcap.write_text(
        "record_id,redcap_event_name,screening_timestamp,age,sex,medications,screening_complete\r\n"
        "1001,baseline_arm_1,2026-11-30 09:14:03,72,female,Lasix 40 mg,2\r\n1002,baseline_arm_1,,30,male,,0\r\n",
        encoding="utf-8",
    )
    google = tmp_path / "google.parquet"
    pq.write_table(pa.table({"Timestamp": ["11/30/2026 9:14:03"], "Email Address": ["ann@example.org"], "age": [54], "Ward": ["3"]}), google)
    for path, options in ((redcap, []), (google, ["--ignore-column", "ward"])):
        batch_out = tmp_path / f"{path.name}.batch.parquet"
        run = runner.invoke(app, ["batch", str(path), "-f", "parquet", "-o", str(batch_out), *options])
        assert run.exit_code == ExitCode.OK, run.stderr
        note = next(line for line in run.stderr.splitlines() if "not read" in line).removeprefix("mgk-screen: ")
        out = tmp_path / f"{path.name}.spark"
        capsys.readouterr()
        assert main([str(path), str(out), "--master", "local[2]", *options]) == ExitCode.OK
        assert f"mgk-screen spark: {note}" in capsys.readouterr().err
        assert ds.dataset(out, format="parquet").to_table().to_pylist() == pq.read_table(batch_out).to_pylist()
    assert [row["id"] for row in ds.dataset(tmp_path / "redcap.csv.spark", format="parquet").to_table().to_pylist()] == ["1001", "1002"]


def test_screen_dataframe_names_the_columns_it_leaves_out(spark: Any) -> None:
    from screener.spark import ColumnsLeftOut, screen_dataframe

    frame = spark.createDataFrame([("11/30/2026 9:14:03", "1001", 70, "x")], "Timestamp string, record_id string, age long, Ward string")
    with pytest.raises(InputError, match=r"unknown column 'Ward'.*--ignore-column"):
        screen_dataframe(frame)
    notes: list[str] = []
    rows = screen_dataframe(frame, ignore_columns=["W*"], on_note=notes.append).collect()
    assert [(row["status"], row["id"]) for row in rows] == [("screened", "1001")]
    assert notes == [
        "columns a form tool adds are not read: Timestamp (Google Forms); columns not read, as --ignore-column asks: Ward; "
        "column 'record_id' is read as the id (there is no id column)"
    ]
    with pytest.warns(ColumnsLeftOut, match="Timestamp"):
        screen_dataframe(frame, ignore_columns=["ward"])


def test_a_note_typed_in_a_column_with_no_name_makes_its_row_invalid_as_batch_does(spark: Any, tmp_path: Path) -> None:
    # The nurse typed "ask about falls" for Bola in the sheet's third column, which has no header:
    # it answers nothing the contract knows, so her row is invalid, saying where; Ada's is screened.
    path = tmp_path / "clinic.csv"
    path.write_text("id,age,,medications\r\nada,40,,Lasix 40 mg\r\nbola,50,ask about falls,omeprazole\r\n,,,\r\n,,x,\r\n", encoding="utf-8")
    expected = batch_rows(path, tmp_path)
    code, rows = spark_cli(spark, path, tmp_path)
    assert code == ExitCode.INVALID_RECORDS
    assert rows == expected
    assert [(row["id"], row["status"]) for row in rows] == [("ada", "screened"), ("bola", "invalid"), ("5", "invalid")]
    assert rows[1]["errors"] == [{"path": "$", "message": 'a value in column 3, which has no name in the header row: "ask about falls"'}]


def test_a_folder_of_files_other_tools_wrote_is_screened_as_batch_screens_it(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import uuid

    import pandas as pd
    import pyarrow as pa

    folder = tmp_path / "from_other_tools"
    folder.mkdir()
    # Excel where the comma is the decimal mark: byte order mark, CRLF, ';', decimal commas.
    (folder / "excel.csv").write_bytes(
        b"\xef\xbb\xbfid;age;alcohol.drinks_per_week;labs.potassium.value;labs.potassium.unit\r\n"
        b"rita;72;3,5;3,2;mmol/L\r\nann;54;14;4,1;mmol/L\r\n"
    )
    # R's write.csv: row names in an unnamed first column, NA for what is missing.
    (folder / "r.csv").write_bytes(b'"","id","age","diuretic_use"\n"1","sam",30,NA\n"2","lee",61,"yes"\n')
    # pandas: the index beside the data, lists as Python lists in a sheet.
    frame = pd.DataFrame({"id": ["kim", "out", "joe"], "age": [40, 9, 66], "symptoms": [["tremor"], [], ["fatigue"]]})
    frame.to_csv(folder / "pandas.csv")
    frame[frame.age > 10].to_parquet(folder / "pandas.parquet")  # the index as __index_level_0__
    # DuckDB's UUID ids, which batch reads as text and Spark cannot read at all: named, the rest screened.
    pq.write_table(pa.table({"id": pa.array([uuid.uuid4().bytes], pa.uuid())}), folder / "duckdb.parquet")
    (folder / "typo.csv").write_bytes(b"id,agee\nx,70\n")  # refused whole, as batch refuses it, the rest still screened
    expected = [row for row in batch_rows(folder, tmp_path) if not row["source"].endswith("duckdb.parquet")]
    code, rows = spark_cli(spark, folder, tmp_path)
    assert code == ExitCode.INVALID_RECORDS
    assert rows == expected
    assert [row["id"] for row in rows] == ["rita", "ann", "kim", "out", "joe", "kim", "joe", "sam", "lee"]
    said = capsys.readouterr().err
    assert "duckdb.parquet: Spark cannot read it (" in said
    assert "typo.csv: not a sheet of answers: unknown column 'agee' (did you mean 'age'?)" in said


def test_a_ward_list_exported_with_no_one_on_it_is_said_as_batch_says_it(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A day's Parquet export with its columns and no rows, beside a ward list with two people:
    the two are screened and the empty file is named with batch mode's note, not passed over."""
    import pyarrow as pa

    ward = tmp_path / "ward"
    ward.mkdir()
    pq.write_table(pa.table({"id": pa.array([], pa.string()), "age": pa.array([], pa.int64())}), ward / "a-sunday.parquet")
    pq.write_table(pa.table({"id": ["noor", "omar"], "age": [50, 40]}), ward / "b-monday.parquet")
    capsys.readouterr()
    code, rows = spark_cli(spark, ward, tmp_path)
    said = capsys.readouterr().err
    assert [row["id"] for row in rows] == ["noor", "omar"] and code == ExitCode.OK
    assert f"mgk-screen spark: {ward / 'a-sunday.parquet'}: holds no records: the table has its columns but no rows" in said
    batch = runner.invoke(app, ["batch", str(ward), "-f", "parquet", "-o", str(tmp_path / "batch.parquet")])
    assert "holds no records: the table has its columns but no rows" in batch.output and batch.exit_code == ExitCode.OK
    assert "b-monday.parquet: holds no records" not in said


def test_screen_dataframe_takes_answers_as_nested_columns(spark: Any, tmp_path: Path) -> None:
    from screener.spark import screen_dataframe

    records = list(cohort(200, seed=41))
    path = tmp_path / "answers.parquet"
    write_answers_parquet((Answers.model_validate(record) for record in records), str(path))
    expected = {row["id"]: row for row in batch_rows(path, tmp_path)}
    results = screen_dataframe(spark.read.parquet(str(path)), source=str(path)).toArrow().to_pylist()
    assert len(results) == len(records)
    for row in results:
        assert {**row, "position": None} == {**expected[row["id"]], "position": None}


def test_screen_dataframe_takes_one_json_column(spark: Any, screener) -> None:  # type: ignore[no-untyped-def]
    from screener.spark import screen_dataframe

    texts = [json.dumps(record) for record in cohort(50, seed=43)] + ['{"id": "bad", "age": -1}', None]
    frame = spark.createDataFrame([(text, number) for number, text in enumerate(texts, 1)], "answers string, n long")
    rows = screen_dataframe(frame, json_column="answers", position_column="n").toArrow().to_pylist()
    by_position = {row["position"]: row for row in rows}
    assert by_position[51]["errors"] == [{"path": "$.age", "message": "must be at least 0, got -1"}]
    assert by_position[52]["errors"][0]["message"] == "record 52: no record (the JSON column is empty)"
    first = screener.screen_entry(json.loads(texts[0]), position=1)
    assert (by_position[1]["combined_depletion"], by_position[1]["risk_factors"]) == (first["combined_depletion"], first["risk_factors"])


def test_an_unknown_column_is_refused_before_anything_runs(spark: Any) -> None:
    from screener.spark import screen_dataframe

    frame = spark.createDataFrame([("a", 70)], "id string, agee long")
    with pytest.raises(InputError, match=r"unknown column 'agee' \(did you mean 'age'\?\)"):
        screen_dataframe(frame)


def test_a_clinic_folder_of_a_sheet_json_lines_and_parquet_is_screened_as_batch_screens_it(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clinic = tmp_path / "clinic"
    (clinic / "2023").mkdir(parents=True)
    sheet = io.StringIO(newline="")
    write_answers_csv([*cohort(20, seed=53)], sheet)
    rows = sheet.getvalue().split("\r\n")
    rows.insert(5, ",".join(["nurse-typo", "seventy"] + [""] * 30))
    (clinic / "a-excel.csv").write_text("\r\n".join(rows), encoding="utf-8")
    (clinic / "b-walk-ins.jsonl").write_text('{"id": "lee", "age": 50}\n{"id": "broken json", \n', encoding="utf-8")
    write_answers_parquet((Answers.model_validate(record) for record in cohort(10, seed=59)), str(clinic / "c-ward.parquet"))
    (clinic / "readme.txt").write_text("exported on Monday", encoding="utf-8")
    (clinic / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    expected = batch_rows(clinic, tmp_path)
    capsys.readouterr()
    code, rows_out = spark_cli(spark, clinic, tmp_path)
    assert code == ExitCode.INVALID_RECORDS
    assert len(rows_out) == 20 + 1 + 2 + 10
    assert rows_out == expected  # every file, in name order, each with its own name and positions
    assert {row["source"] for row in rows_out} == {str(clinic / name) for name in ("a-excel.csv", "b-walk-ins.jsonl", "c-ward.parquet")}
    assert f"mgk-screen spark: {clinic}: skipped: readme.txt (not .json/.jsonl/.ndjson/.csv/.parquet); 2023/ (folders inside are not read)" in (
        capsys.readouterr().err.splitlines()
    )


def test_a_folder_with_no_answers_file_is_refused_by_name(tmp_path: Path) -> None:
    from screener.spark.inputs import cohort_files

    (tmp_path / "readme.txt").write_text("exported on Monday", encoding="utf-8")
    with pytest.raises(InputError, match=r"no \.json/\.jsonl/\.ndjson/\.csv/\.parquet files in this folder"):
        cohort_files(str(tmp_path))


def pretty_array(records: list[Any]) -> str:
    """A JSON array as exporters write one: pretty-printed, an item over many lines."""
    return json.dumps(records, indent=2)


def test_a_json_array_with_a_bad_record_among_good_ones_is_screened_as_batch_screens_it(spark: Any, tmp_path: Path) -> None:
    records: list[Any] = [*cohort(30, seed=61)]
    records.insert(10, {"id": "wrong-type", "age": "seventy"})
    records.insert(20, 42)  # not a record at all
    path = tmp_path / "export.json"
    path.write_text(pretty_array(records), encoding="utf-8")
    expected = batch_rows(path, tmp_path)
    code, rows = spark_cli(spark, path, tmp_path)
    assert code == ExitCode.INVALID_RECORDS
    assert len(rows) == 32
    assert [row["position"] for row in rows] == list(range(1, 33))
    assert rows == expected
    assert [row["position"] for row in rows if row["status"] == "invalid"] == [11, 21]


def test_a_clinic_folder_of_json_arrays_records_and_lines_is_screened_as_batch_screens_it(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    (clinic / "a-array.json").write_text(pretty_array([*cohort(5, seed=67)]), encoding="utf-8")
    (clinic / "b-one-person.json").write_text(json.dumps({"id": "ann", "age": 81, "medications": ["furosemide"]}, indent=2), encoding="utf-8")
    # JSON Lines named .json, its first line broken: still JSON Lines, that line one invalid record.
    (clinic / "c-lines.json").write_text('{"id": "broken\n{"id": "bo", "age": 40}\n{"id": "cy", "age": 50}\n', encoding="utf-8")
    (clinic / "d-cut-short.json").write_text('[\n  {"id": "dee", "age": 60},\n  {"id": "eve", "ag', encoding="utf-8")
    (clinic / "e-empty.json").write_text("", encoding="utf-8")
    expected = batch_rows(clinic, tmp_path)
    capsys.readouterr()
    code, rows = spark_cli(spark, clinic, tmp_path)
    assert code == ExitCode.INVALID_RECORDS
    assert rows == expected
    assert [(Path(row["source"]).name, row["position"], row["id"]) for row in rows][5:] == [
        ("b-one-person.json", 1, "ann"),
        ("c-lines.json", 1, "1"),
        ("c-lines.json", 2, "bo"),
        ("c-lines.json", 3, "cy"),
        ("d-cut-short.json", 1, "dee"),
        ("d-cut-short.json", 2, "2"),  # the records before the break are kept, the cut one is invalid
    ]
    assert [row["errors"][0]["message"] for row in (rows[5 + 1], rows[5 + 5])] == [
        "line 1, column 15: a control character (a tab or a line break) inside a text value: write it as \\t or \\n",
        "line 3, column 17: truncated JSON: a text value is not closed (no closing double quote after the one here)",
    ]
    err = capsys.readouterr().err
    assert f"mgk-screen spark: {clinic / 'e-empty.json'}: file is empty: no records" in err.splitlines()


def test_a_json_array_elsewhere_is_refused_by_name_with_what_to_do(spark: Any, tmp_path: Path) -> None:
    from screener.spark.json_documents import check_remote_json

    (tmp_path / "export.json").write_text(pretty_array([*cohort(3, seed=71)]), encoding="utf-8")
    (tmp_path / "lines.json").write_text("\n".join(json.dumps(record) for record in cohort(3, seed=71)), encoding="utf-8")
    check_remote_json(spark, f"file://{tmp_path / 'lines.json'}")  # JSON Lines: read by Spark as before
    with pytest.raises(InputError, match=r"export\.json: not JSON Lines") as refused:
        check_remote_json(spark, f"file://{tmp_path / 'export.json'}")
    assert "jq -c" in str(refused.value.hint)


SYNTHEA_BUNDLE = Path(__file__).resolve().parent / "fhir" / "synthea-style-five-patients.json"


def test_a_fhir_bulk_export_is_screened_one_record_per_patient_as_batch_screens_it(spark: Any, tmp_path: Path) -> None:
    """Eleanor's Patient line is in Patient.ndjson and her potassium of 2.9 in Observation.ndjson:
    screened line by line, her Patient alone came out "unlikely", and her potassium a second record."""
    from fhir_bulk_export import write_bulk_export

    by_type = write_bulk_export(json.loads(SYNTHEA_BUNDLE.read_text("utf-8")), tmp_path / "export")
    assert {"Encounter", "Medication", "Observation", "Patient"} <= by_type.keys()  # passed over, shared, gathered
    out = tmp_path / "batch.parquet"
    done = runner.invoke(app, ["batch", str(tmp_path / "export"), "-f", "parquet", "-o", str(out), "--as-of", "2025-06-30"])
    assert done.exit_code == ExitCode.OK, done.output
    expected = pq.read_table(out).to_pylist()

    from screener.spark.__main__ import main

    spark_out = tmp_path / "export.spark"
    code = main([str(tmp_path / "export"), str(spark_out), "--master", "local[2]", "--partitions", "3", "--as-of", "2025-06-30"])
    rows = ds.dataset(spark_out, format="parquet").to_table().to_pylist()
    assert code == ExitCode.OK
    assert len(rows) == len(by_type["Patient"]) == 5
    assert rows == expected  # in order, part file after part file
    assert [(Path(row["source"]).name, row["position"]) for row in expected] == [("Patient.ndjson", n) for n in range(1, 6)]


def test_a_pretty_printed_bundle_is_read_as_batch_reads_it_one_patient_or_several(spark: Any, tmp_path: Path) -> None:
    """A Synthea patient file is one Bundle over many lines. Read on the driver, its patient's
    record could not be sent to the executors, and the job stopped with a traceback. A Bundle of
    five patients (a search result saved from a FHIR server) was then one invalid row, "read it
    with batch": it now gives batch's five results, numbered 1 to 5."""
    jess = tmp_path / "jess-braun.json"
    jess.write_text((SYNTHEA_BUNDLE.parent / "real" / "synthea" / "jess-braun.json").read_text("utf-8"), encoding="utf-8")
    expected = batch_rows(jess, tmp_path)
    code, rows = spark_cli(spark, jess, tmp_path)
    assert code == ExitCode.OK
    assert rows == expected and rows[0]["status"] == "screened"

    five = tmp_path / "five-patients.json"
    five.write_text(SYNTHEA_BUNDLE.read_text("utf-8"), encoding="utf-8")
    expected = batch_rows(five, tmp_path)
    code, rows = spark_cli(spark, five, tmp_path)
    assert code == ExitCode.OK
    assert len(rows) == 5 and rows == expected
    assert [row["position"] for row in rows] == [1, 2, 3, 4, 5]


def test_an_array_of_fhir_resources_is_gathered_per_patient_as_batch_gathers_it(spark: Any, tmp_path: Path) -> None:
    """The five patients' resources in one pretty-printed array: gathered on the driver, they
    could not be sent to the executors either. Now they take the bulk-data path."""
    resources = tmp_path / "resources.json"
    bundle = json.loads(SYNTHEA_BUNDLE.read_text("utf-8"))
    resources.write_text(json.dumps([entry["resource"] for entry in bundle["entry"]], indent=1), encoding="utf-8")
    out = tmp_path / "batch.parquet"
    done = runner.invoke(app, ["batch", str(resources), "-f", "parquet", "-o", str(out), "--as-of", "2025-06-30"])
    assert done.exit_code == ExitCode.OK, done.output
    expected = pq.read_table(out).to_pylist()

    from screener.spark.__main__ import main

    spark_out = tmp_path / "resources.spark"
    code = main([str(resources), str(spark_out), "--master", "local[2]", "--partitions", "3", "--as-of", "2025-06-30"])
    assert code == ExitCode.OK
    rows = ds.dataset(spark_out, format="parquet").to_table().to_pylist()
    assert len(rows) == 5 and rows == expected


def clinic_lines_with_a_bundle() -> list[str]:
    """Two people's answers, and between them a FHIR search result: Eleanor, her neighbour and a
    potassium result naming no patient, as one Bundle."""
    bundle = json.loads(SYNTHEA_BUNDLE.read_text("utf-8"))
    first_two = ("000000000001", "000000000002")
    entries = [entry for entry in bundle["entry"] if any(patient in json.dumps(entry) for patient in first_two) or entry["resource"]["resourceType"] == "Medication"]
    potassium_of_no_one = {"resource": {"resourceType": "Observation", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": "2823-3"}]}, "valueQuantity": {"value": 3.1, "unit": "mmol/L"}}}
    return [
        json.dumps({"age": 70, "medications": ["furosemide"], "symptoms": ["muscle_cramps"]}),
        json.dumps({"resourceType": "Bundle", "type": "searchset", "entry": [*entries, potassium_of_no_one]}),
        json.dumps({"id": "after-the-bundle", "age": 40, "alcohol": {"drinks_per_week": 30}}),
    ]


def test_a_bundle_of_two_patients_on_one_line_of_json_lines_is_two_records_as_batch_makes_it(spark: Any, tmp_path: Path) -> None:
    """Eleanor and her neighbour come from a FHIR server's search as one Bundle, written on one
    line between two people's answers. Spark screened the line as one row, an invalid one ("this
    Bundle holds 3 records ...: read it with `mgk-screen batch`"). Now each patient is a row with
    their own id and level, a potassium naming no patient is an invalid row of its own, and the
    lines after it are numbered as batch numbers them."""
    lines = clinic_lines_with_a_bundle()
    path = tmp_path / "clinic.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "batch.parquet"
    done = runner.invoke(app, ["batch", str(path), "-f", "parquet", "-o", str(out), "--as-of", "2025-06-30"])
    assert done.exit_code == ExitCode.INVALID_RECORDS, done.output
    expected = pq.read_table(out).to_pylist()

    from screener.spark.__main__ import main

    spark_out = tmp_path / "clinic.spark"
    code = main([str(path), str(spark_out), "--master", "local[2]", "--partitions", "3", "--as-of", "2025-06-30"])
    rows = ds.dataset(spark_out, format="parquet").to_table().to_pylist()
    assert code == ExitCode.INVALID_RECORDS
    assert [(row["id"], row["position"], row["status"], row["combined_depletion"]) for row in rows] == [
        ("1", 1, "screened", "possible"),
        ("00000001-5e1a-4c2b-9f00-000000000001", 2, "screened", "likely"),
        ("00000002-5e1a-4c2b-9f00-000000000002", 3, "screened", "likely"),
        ("4", 4, "invalid", None),
        ("after-the-bundle", 5, "screened", "possible"),
    ]
    assert rows[3]["errors"] == [{"path": "$.entry[14].resource.subject", "message": "this Observation names no patient (subject)"}]
    assert rows == expected


def test_screen_dataframe_gives_a_bundle_row_one_row_per_patient_as_batch_does(spark: Any, tmp_path: Path) -> None:
    """A data team's own table of JSON texts holds the same search result in one row. The
    function screened that row as one invalid record ("this Bundle holds 3 records"), while
    the command split it. Now the function gives what batch gives for the same lines: a row
    per patient, the potassium naming no one an invalid row of its own, numbered in order;
    and a table with its own position column keeps each row's position for its records."""
    from screener.spark import screen_dataframe

    lines = clinic_lines_with_a_bundle()
    path = tmp_path / "clinic.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "batch.parquet"
    runner.invoke(app, ["batch", str(path), "-f", "parquet", "-o", str(out), "--as-of", "2025-06-30"])
    expected = [(row["id"], row["position"], row["status"], row["combined_depletion"], row["urgency"]) for row in pq.read_table(out).to_pylist()]

    from datetime import date

    frame = spark.createDataFrame([(line,) for line in lines], "value string").coalesce(1)
    rows = screen_dataframe(frame, json_column="value", as_of=date(2025, 6, 30)).toArrow().to_pylist()
    assert [(row["id"], row["position"], row["status"], row["combined_depletion"], row["urgency"]) for row in rows] == expected
    assert [row["id"] for row in rows][1:3] == ["00000001-5e1a-4c2b-9f00-000000000001", "00000002-5e1a-4c2b-9f00-000000000002"]

    numbered = spark.createDataFrame([(10 * (index + 1), line) for index, line in enumerate(lines)], "n long, value string")
    kept = screen_dataframe(numbered, json_column="value", position_column="n", as_of=date(2025, 6, 30)).toArrow().to_pylist()
    assert [row["position"] for row in kept] == [10, 20, 20, 20, 30]
    assert [row["status"] for row in kept] == ["screened", "screened", "screened", "invalid", "screened"]


def test_json_lines_with_a_comma_after_each_record_are_screened_as_batch_screens_them(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text('{"id": "a", "age": 70, "medications": []},\n{"id": "b", "age": 71},\n{"id": "c", "age": 72,}\n')
    code, rows = spark_cli(spark, path, tmp_path)
    assert code == ExitCode.INVALID_RECORDS  # c holds a comma inside it
    assert "a comma after the record on line 1" in capsys.readouterr().err
    key = ("id", "position", "status", "combined_depletion", "errors")
    assert [{k: row[k] for k in key} for row in rows] == [{k: row[k] for k in key} for row in batch_rows(path, tmp_path)]
    assert [row["status"] for row in rows] == ["screened", "screened", "invalid"]


# A sheet and a Parquet file whose red-flag column is misspelt (round 8): refused whole, as batch
# refuses them, but the rows giving red flags are said first, in batch's words.
RED_FLAG_NOW_MISSPELT = b"id,age,red_flag_now\nnoor,50,chest pain\nomar,40,\nodile,30,none\npia,20,fainting; seizure\n"


def test_noors_chest_pain_in_a_misspelt_red_flag_column_is_said_first_by_spark_as_batch_says_it(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from screener.spark.__main__ import main

    sheet = tmp_path / "ward.csv"
    sheet.write_bytes(RED_FLAG_NOW_MISSPELT)
    assert runner.invoke(app, ["validate", str(sheet)]).exit_code == ExitCode.USAGE
    said_by_batch = runner.invoke(app, ["validate", str(sheet)]).output
    capsys.readouterr()
    assert main([str(sheet), str(tmp_path / "out"), "--master", "local[2]"]) == ExitCode.USAGE
    said = capsys.readouterr().err
    assert (
        f"mgk-screen spark: {sheet}: RED FLAG: this file was not screened, but rows of it give a red flag now: "
        "row 2 (id 'noor'): chest pain; row 5 (id 'pia'): fainting, seizure. Seek emergency care now" in said
    )
    assert said_by_batch.split(" The file was refused: ")[0] in said  # batch's words, the same rows
    assert "The file was refused: not a sheet of answers: unknown column 'red_flag_now' (did you mean 'red_flags_now'?)" in said


def test_a_parquet_ward_list_with_a_misspelt_red_flag_column_is_named_with_its_red_flags_and_the_others_screened(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:

    ward = tmp_path / "ward"
    ward.mkdir()
    pq.write_table(pa.table({"id": ["noor", "omar"], "age": [50, 40], "red_flag_now": [["chest_pain"], None]}), ward / "a.parquet")
    (ward / "b.jsonl").write_text('{"id": "lee", "age": 50}\n', encoding="utf-8")
    code, rows = spark_cli(spark, ward, tmp_path)
    assert code == ExitCode.INVALID_RECORDS  # one file unreadable, the other screened
    assert [row["id"] for row in rows] == ["lee"]
    said = capsys.readouterr().err
    assert (
        f"mgk-screen spark: {ward / 'a.parquet'}: RED FLAG: this file was not screened, but a row of it gives a red flag now: "
        "record 1 (id 'noor'): chest pain. Seek emergency care now" in said
    )


def test_screen_dataframe_says_the_red_flags_of_a_misspelt_red_flag_column_before_refusing(spark: Any) -> None:
    from screener.spark import screen_dataframe

    frame = spark.createDataFrame([("a", 70, None), ("b", 60, "fainting")], "id string, age long, redFlagsNow string")
    with pytest.raises(InputError) as refused:
        screen_dataframe(frame)
    message = str(refused.value)
    assert message.startswith(
        "RED FLAG: this file was not screened, but a row of it gives a red flag now: record 2 (id 'b'): fainting. Seek emergency care now"
    )
    assert "The file was refused: not a table of answers: unknown column 'redFlagsNow' (did you mean 'red_flags_now'?)" in message
