"""Parquet in and out, for analysts: answers read row by row so that one bad row is one invalid
record, results written with one column per result field; and the one-line message when the
optional extra is missing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.batch.parquet_io import answers_arrow_schema, result_arrow_schema, write_answers_parquet
from screener.batch.readers import RawRecord, ReadItem, UnreadableSource, iter_records
from screener.batch.runner import record_entry
from screener.contract.answers import Answers
from screener.contract.result import InvalidRecord, ScreeningResult
from screener.extras import install_command
from screener.synthetic import cohort

runner = CliRunner()
PERSONAS = sorted((Path(__file__).resolve().parents[1] / "examples" / "personas").glob("*.json"))


def read(path: Path) -> list[ReadItem]:
    return list(iter_records([str(path)]))


def canonical(value: Any) -> dict[str, Any]:
    def pruned(node: Any) -> Any:
        if isinstance(node, dict):
            kept = {key: pruned(item) for key, item in node.items()}
            return {key: item for key, item in kept.items() if item != {}}
        return node

    return pruned(Answers.model_validate(value).model_dump(exclude_none=True))  # type: ignore[no-any-return]



def without_nulls(value: Any) -> Any:
    """A struct has every field, set or null; a JSON entry leaves out what is not set."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


# ------------------------------------------------------------------------------ answers in


def test_personas_and_a_thousand_generated_records_survive_the_round_trip(tmp_path: Path, screener) -> None:  # type: ignore[no-untyped-def]
    records = [json.loads(path.read_text(encoding="utf-8")) for path in PERSONAS] + list(cohort(1000, seed=23))
    path = tmp_path / "cohort.parquet"
    assert write_answers_parquet((Answers.model_validate(record) for record in records), str(path)) == len(records)
    assert pq.read_schema(path).equals(answers_arrow_schema())
    items = read(path)
    assert all(isinstance(item, RawRecord) and not item.problems for item in items)
    assert [canonical(item.value) for item in items] == [canonical(record) for record in records]  # type: ignore[union-attr]
    assert [item.position for item in items] == list(range(1, len(records) + 1))
    for original, item in zip(records[:100], items[:100], strict=True):
        assert record_entry(item, screener) == screener.screen_entry(original, source=str(path), position=item.position)  # type: ignore[arg-type]


def test_one_bad_row_is_one_invalid_record_never_a_failed_file(tmp_path: Path, screener) -> None:  # type: ignore[no-untyped-def]
    # Columns as an analyst's tool may type them: age as floats, booleans and lists as text.
    table = pa.table(
        {
            "id": ["a", "b", "c", "d"],
            "age": [70.0, 70.5, None, 71.0],
            "diarrhea.present": ["yes", None, "maybe", "no"],
            "symptoms": ["muscle_cramps; fatigue", None, "none", "none"],
        }
    )
    path = tmp_path / "analyst.parquet"
    pq.write_table(table, path)
    entries = [record_entry(item, screener) for item in read(path)]  # type: ignore[arg-type]
    assert [(entry["id"], entry["status"]) for entry in entries] == [("a", "screened"), ("b", "invalid"), ("c", "invalid"), ("d", "screened")]
    assert entries[1]["errors"] == [{"path": "$.age", "message": "expected a whole number, got 70.5"}]
    assert entries[2]["errors"] == [{"path": "$.diarrhea.present", "message": 'expected yes or no (or true, false, y, n, 1, 0), got "maybe"'}]
    assert entries[1]["position"] == 2


def test_typed_columns_that_do_not_fit_make_their_row_invalid(tmp_path: Path, screener) -> None:  # type: ignore[no-untyped-def]
    table = pa.table(
        {
            "id": ["nan", "list", "ok"],
            "alcohol": pa.array(
                [{"drinks_per_week": float("nan")}, {"drinks_per_week": 3.0}, {"drinks_per_week": 7.0}],
                pa.struct([("drinks_per_week", pa.float64())]),
            ),
            "medications": pa.array([["Lasix"], [], ["Lasix"]]),
            "sex": pa.array([None, 1, None], pa.int64()),
        }
    )
    path = tmp_path / "typed.parquet"
    pq.write_table(table, path)
    nan, wrong_sex, ok = (record_entry(item, screener) for item in read(path))  # type: ignore[arg-type]
    assert nan["errors"][0]["path"] == "$.alcohol.drinks_per_week"
    assert "leave it empty when not answered" in nan["errors"][0]["message"]
    assert wrong_sex["errors"] == [{"path": "$.sex", "message": "expected one of 'female', 'male', 'other', got the number 1"}]
    assert ok["status"] == "screened"


def test_flat_and_nested_columns_are_both_read(tmp_path: Path) -> None:
    table = pa.table(
        {
            "alcohol.drinks_per_week": [14.0],
            "labs": pa.array([{"potassium": {"value": 3.1, "unit": "mmol/L"}}]),
        }
    )
    path = tmp_path / "mixed.parquet"
    pq.write_table(table, path)
    (item,) = read(path)
    assert isinstance(item, RawRecord)
    assert item.value == {"alcohol": {"drinks_per_week": 14.0}, "labs": {"potassium": {"value": 3.1, "unit": "mmol/L"}}}


def test_an_unknown_column_refuses_the_file_before_any_row(tmp_path: Path) -> None:
    path = tmp_path / "typo.parquet"
    pq.write_table(pa.table({"id": ["a"], "agee": [70], "diet": pa.array([{"fruit_veg": 2}])}), path)
    (problem,) = read(path)
    assert isinstance(problem, UnreadableSource)
    assert "unknown column 'agee' (did you mean 'age'?)" in problem.message
    assert "unknown column 'diet.fruit_veg' (did you mean 'diet.fruit_veg_servings'?)" in problem.message


def test_a_file_that_only_starts_like_parquet_is_reported_by_name(tmp_path: Path) -> None:
    path = tmp_path / "cut.parquet"
    whole = io.BytesIO()
    pq.write_table(pa.table({"id": ["a"]}), whole)
    path.write_bytes(whole.getvalue()[:-20])
    (problem,) = read(path)
    assert isinstance(problem, UnreadableSource) and problem.message.startswith("not a readable Parquet file")


def test_parquet_on_stdin_is_read(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    pq.write_table(pa.table({"id": ["piped"], "age": [40]}), buffer)
    (item,) = list(iter_records(["-"], stdin=io.BytesIO(buffer.getvalue())))
    assert isinstance(item, RawRecord) and item.value == {"id": "piped", "age": 40}


# ------------------------------------------------------------------------------ results out


def test_the_result_columns_are_the_fields_of_the_result_contract() -> None:
    names = result_arrow_schema().names
    assert names == [*ScreeningResult.model_fields, "red_flag_advice", "errors"]  # an invalid record's own, last
    assert set(InvalidRecord.model_fields) <= set(names)
    schema = result_arrow_schema()
    assert schema.field("risk_factors").type == pa.list_(pa.string())
    assert pa.types.is_struct(schema.field("ruleset").type)
    evidence = schema.field("findings").type.value_type.field("evidence").type.value_type
    assert evidence.field("value").type == pa.string()  # true/false, a number or a text: its JSON


def test_batch_writes_parquet_in_row_groups_with_invalid_rows_and_their_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from screener.batch import parquet_io

    monkeypatch.setattr(parquet_io, "ROWS_PER_GROUP", 20)  # small groups, so that a few records make several
    source = tmp_path / "cohort.jsonl"
    records = list(cohort(20 * 2 + 5, seed=29))
    records[3] = {"id": "bad", "age": "seventy"}
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    out = tmp_path / "results.parquet"
    run = runner.invoke(app, ["batch", str(source), "-f", "parquet", "-o", str(out)])
    assert run.exit_code == 3, run.output
    parquet = pq.ParquetFile(out)
    assert parquet.metadata.num_rows == len(records)
    assert parquet.num_row_groups == 3
    rows = parquet.read().to_pylist()

    jsonl = tmp_path / "results.jsonl"
    runner.invoke(app, ["batch", str(source), "-o", str(jsonl)])
    expected = [json.loads(line) for line in jsonl.read_text().splitlines()]
    for row, entry in zip(rows, expected, strict=True):
        for finding in row["findings"] or []:
            for evidence in finding["evidence"]:
                evidence["value"] = json.loads(evidence["value"])
        assert without_nulls(row) == without_nulls(entry)
    assert rows[3]["status"] == "invalid" and rows[3]["errors"] == [{"path": "$.age", "message": 'expected a whole number, got "seventy"'}]
    assert rows[3]["combined_depletion"] is None


def test_a_run_that_reads_nothing_leaves_no_parquet_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("[]", encoding="utf-8")
    out = tmp_path / "results.parquet"
    run = runner.invoke(app, ["batch", str(empty), "-f", "parquet", "-o", str(out)])
    assert run.exit_code == 2
    assert not out.exists() and list(tmp_path.iterdir()) == [empty]


def test_an_output_file_named_parquet_or_csv_gets_that_format_without_being_told(tmp_path: Path) -> None:
    # `-o results.parquet` without -f once wrote JSON Lines into it, which no Parquet reader opens.
    source = tmp_path / "one.json"
    source.write_text('{"id": "rita", "age": 72, "medications": ["Lasix"]}', encoding="utf-8")
    assert runner.invoke(app, ["batch", str(source), "-o", str(tmp_path / "results.parquet")]).exit_code == 0
    assert pq.read_table(tmp_path / "results.parquet").column("id").to_pylist() == ["rita"]
    assert runner.invoke(app, ["batch", str(source), "-o", str(tmp_path / "results.CSV")]).exit_code == 0
    assert (tmp_path / "results.CSV").read_text("utf-8").startswith("status,id,source,position,")
    assert runner.invoke(app, ["batch", str(source), "-o", str(tmp_path / "told.csv"), "-f", "jsonl"]).exit_code == 0
    assert json.loads((tmp_path / "told.csv").read_text("utf-8"))["id"] == "rita"  # -f still decides


def test_a_parquet_file_in_a_folder_is_read_like_the_same_file_given_by_name(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    pq.write_table(pa.table({"id": ["rita"], "age": [72]}), clinic / "export.PARQUET")
    (clinic / "walk-ins.jsonl").write_text('{"id": "sam", "age": 30}\n', encoding="utf-8")
    run = runner.invoke(app, ["batch", str(clinic), "-o", str(tmp_path / "out.jsonl")])
    assert run.exit_code == 0, run.stderr
    entries = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [(entry["id"], entry["source"]) for entry in entries] == [
        ("rita", str(clinic / "export.PARQUET")),
        ("sam", str(clinic / "walk-ins.jsonl")),
    ]


# ------------------------------------------------------------------------------ without the extra

WITHOUT_PYARROW = "import sys; sys.modules['pyarrow'] = None; sys.modules['pyarrow.parquet'] = None; sys.argv[0] = 'mgk-screen'; "


def run_without_pyarrow(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    code = WITHOUT_PYARROW + f"sys.argv[1:] = {list(args)!r}; from screener.cli.main import main; main()"
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


def install_command_in(folder: Path, extra: str) -> str:
    """The install command as a program started in ``folder`` names it (paths relative to it)."""
    here = os.getcwd()
    os.chdir(folder)
    try:
        return install_command(extra)
    finally:
        os.chdir(here)


def test_without_the_extra_a_parquet_input_is_named_with_the_install_command(tmp_path: Path) -> None:
    pq.write_table(pa.table({"id": ["a"]}), tmp_path / "in.parquet")
    (tmp_path / "ok.jsonl").write_text('{"id": "b"}\n', encoding="utf-8")
    done = run_without_pyarrow("batch", "in.parquet", "ok.jsonl", "-o", "out.jsonl", cwd=tmp_path)
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    assert f"in.parquet: Reading a Parquet file needs the optional 'parquet' extra (pyarrow is not installed): {install_command_in(tmp_path, 'parquet')}" in done.stderr
    assert json.loads((tmp_path / "out.jsonl").read_text())["id"] == "b"


def test_without_the_extra_a_parquet_file_in_a_folder_is_named_with_the_install_command(tmp_path: Path) -> None:
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    pq.write_table(pa.table({"id": ["a"]}), clinic / "monday.parquet")
    (clinic / "tuesday.jsonl").write_text('{"id": "b"}\n', encoding="utf-8")
    done = run_without_pyarrow("batch", "clinic", "-o", "out.jsonl", cwd=tmp_path)
    assert done.returncode == 3 and "Traceback" not in done.stderr
    assert "clinic/monday.parquet: Reading a Parquet file needs the optional 'parquet' extra" in done.stderr
    assert json.loads((tmp_path / "out.jsonl").read_text())["id"] == "b"


def test_without_the_extra_parquet_output_is_one_line_with_the_install_command(tmp_path: Path) -> None:
    (tmp_path / "ok.jsonl").write_text('{"id": "b"}\n', encoding="utf-8")
    done = run_without_pyarrow("batch", "ok.jsonl", "-f", "parquet", "-o", "out.parquet", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == f"mgk-screen: Parquet output needs the optional 'parquet' extra (pyarrow is not installed): {install_command_in(tmp_path, 'parquet')}"
    assert list(tmp_path.iterdir()) == [tmp_path / "ok.jsonl"]


def test_without_the_extra_spark_is_one_line_with_the_install_command(tmp_path: Path) -> None:
    code = "import sys; sys.modules['pyspark'] = None; from screener.spark.__main__ import main; sys.exit(main(['in.jsonl', 'out']))"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == f"mgk-screen spark: Screening with Spark needs the optional 'spark' extra (pyspark is not installed): {install_command_in(tmp_path, 'spark')}"


@pytest.mark.parametrize("fmt", ["parquet"])
def test_a_lone_surrogate_from_a_python_caller_is_written_escaped(tmp_path: Path, fmt: str) -> None:
    from screener.batch.writers import open_writer

    out = tmp_path / f"out.{fmt}"
    with open_writer(str(out), fmt) as writer:  # type: ignore[arg-type]
        writer.write({"status": "invalid", "id": "x\ud800", "position": 1, "errors": [{"path": "$", "message": "m"}]})
    assert pq.read_table(out).to_pylist()[0]["id"] == "x\\ud800"
