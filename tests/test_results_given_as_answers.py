"""The output of `batch` given back to `batch` or `validate` (a nurse's easy slip: results.csv
beside answers.csv) is called what it is in one problem, never listed as twenty unknown fields
or columns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

RITA = {"id": "rita", "age": 72, "sex": "female", "diuretic_use": "yes", "medications": ["Lasix 40 mg"], "symptoms": ["muscle_cramps"]}


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture()
def results(tmp_path: Path) -> Path:
    answers = tmp_path / "answers.jsonl"
    answers.write_text(json.dumps(RITA) + "\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    assert run("batch", str(answers), "-o", str(out)).exit_code == 0
    return out


def test_a_results_file_given_to_validate_is_one_problem_per_record_saying_it_is_a_result(results: Path) -> None:
    checked = run("validate", str(results))
    assert checked.exit_code == 3
    lines = [line for line in (checked.stdout + checked.stderr).splitlines() if "record 1" in line]
    assert lines == [
        f"{results} record 1: $: this is a screening result (as `mgk-screen batch` and `screen --json` write it), "
        "not answers: give the answers it was made from, or see it with `mgk-screen report`"
    ]


def test_a_results_file_given_to_batch_is_an_invalid_record_saying_so(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "again.jsonl"
    run("batch", str(results), "-o", str(out))
    (entry,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert entry["status"] == "invalid"
    assert [error["path"] for error in entry["errors"]] == ["$"]
    assert entry["errors"][0]["message"].startswith("this is a screening result")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_results_sheet_or_table_given_as_answers_is_one_message(results: Path, tmp_path: Path, fmt: str) -> None:
    table = tmp_path / f"results.{fmt}"
    answers = tmp_path / "answers.jsonl"
    assert run("batch", str(answers), "-o", str(table), "--format", fmt).exit_code == 0
    checked = run("validate", str(table))
    said = checked.stdout + checked.stderr
    assert "these are the columns of screening results" in said
    assert "unknown column" not in said
