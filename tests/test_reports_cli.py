"""`mgk-screen report` and `batch --report`, driven through typer's CliRunner like a user would."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.extras import install_command

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
RITA = {"id": "rita", "age": 72, "sex": "female", "medications": ["Lasix 40 mg"], "symptoms": ["muscle_cramps"]}

pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")


def _write(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def test_report_of_an_answers_file_writes_a_page_and_a_pdf(tmp_path: Path) -> None:
    answers = _write(tmp_path / "rita.json", RITA)
    for name in ("rita.html", "rita.pdf"):
        run = runner.invoke(app, ["report", str(answers), "-o", str(tmp_path / name)])
        assert run.exit_code == 0, run.output
        assert f"wrote {tmp_path / name}" in run.output
    assert "Combined magnesium and potassium depletion" in (tmp_path / "rita.html").read_text(encoding="utf-8")
    assert (tmp_path / "rita.pdf").read_bytes().startswith(b"%PDF-")


def test_report_of_a_result_from_screen_json_is_the_same_person(tmp_path: Path) -> None:
    answers = _write(tmp_path / "rita.json", RITA)
    result = runner.invoke(app, ["screen", str(answers), "--json"])
    (tmp_path / "result.json").write_text(result.stdout, encoding="utf-8")
    run = runner.invoke(app, ["report", str(tmp_path / "result.json"), "-o", str(tmp_path / "r.html")])
    assert run.exit_code == 0, run.output
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "rita" in page and "does not hold the answers themselves" in page


def test_report_of_invalid_answers_lists_every_error_and_exits_3_writing_nothing(tmp_path: Path) -> None:
    answers = _write(tmp_path / "bad.json", {"age": "old", "medicatons": []})
    run = runner.invoke(app, ["report", str(answers), "-o", str(tmp_path / "bad.html")])
    assert run.exit_code == 3
    assert "$.age" in run.output and "did you mean 'medications'" in run.output
    assert not (tmp_path / "bad.html").exists()


def test_report_to_a_file_that_is_neither_html_nor_pdf_exits_2_before_reading(tmp_path: Path) -> None:
    run = runner.invoke(app, ["report", str(tmp_path / "missing.json"), "-o", str(tmp_path / "out.docx")])
    assert run.exit_code == 2
    assert "cannot tell the report format" in run.output and ".html or .pdf" in run.output


def test_report_without_the_reports_extra_says_how_to_install_it_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    answers = _write(tmp_path / "rita.json", RITA)
    run = runner.invoke(app, ["report", str(answers), "-o", str(tmp_path / "rita.html")])
    assert run.exit_code == 2
    assert run.output.strip().splitlines() == [
        "mgk-screen: making a report needs the optional 'reports' extra (matplotlib is not installed): "
        + install_command("reports")
    ]
    assert "Traceback" not in run.output


def test_cohort_report_of_batch_output(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    assert runner.invoke(app, ["batch", str(ROOT / "examples/cohort.jsonl"), "-o", str(results), "-q"]).exit_code == 3
    run = runner.invoke(app, ["report", "--cohort", str(results), "-o", str(tmp_path / "cohort.html"), "--title", "Ward 7"])
    assert run.exit_code == 0, run.output
    assert "cohort report of 53 records (50 screened, 3 not screened)" in run.output
    page = (tmp_path / "cohort.html").read_text(encoding="utf-8")
    assert "<h1>Ward 7</h1>" in page


def test_cohort_report_of_answers_instead_of_results_exits_2_with_a_hint(tmp_path: Path) -> None:
    run = runner.invoke(app, ["report", "--cohort", str(ROOT / "examples/cohort.jsonl"), "-o", str(tmp_path / "c.html")])
    assert run.exit_code == 2
    assert "holds no batch results" in run.output and "screen answers with batch first" in run.output


def test_batch_report_writes_the_cohort_report_in_the_same_run_with_the_same_numbers(tmp_path: Path) -> None:
    results, report = tmp_path / "results.jsonl", tmp_path / "cohort.html"
    run = runner.invoke(app, ["batch", str(ROOT / "examples/cohort.jsonl"), "-o", str(results), "--report", str(report)])
    assert run.exit_code == 3  # three invalid records: the valid ones and both files are still written
    page = report.read_text(encoding="utf-8")
    entries = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    screened = sum(entry["status"] == "screened" for entry in entries)
    assert f'<li data-count="screened"><strong>{screened}</strong> screened</li>' in page
    assert f'<li data-count="records"><strong>{len(entries)}</strong> records read</li>' in page


def test_report_of_batch_output_without_cohort_suggests_cohort(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    runner.invoke(app, ["batch", str(ROOT / "examples/cohort.jsonl"), "-o", str(results), "-q"])
    run = runner.invoke(app, ["report", str(results), "-o", str(tmp_path / "x.html")])
    assert run.exit_code == 2
    assert "holds more than one result (the output of `mgk-screen batch`)" in run.output
    assert f"for a report on them all: `mgk-screen report --cohort {results} -o cohort.pdf`" in " ".join(run.output.split())
    assert "use `mgk-screen batch`" not in run.output
    answers = runner.invoke(app, ["report", str(ROOT / "examples/cohort.jsonl"), "-o", str(tmp_path / "x.html")])
    assert "use `mgk-screen batch` for several" in answers.output  # answers, not results: batch them first


def test_batch_report_says_it_wrote_the_report_as_other_outputs_do(tmp_path: Path) -> None:
    report = tmp_path / "cohort.html"
    run = runner.invoke(app, ["batch", str(ROOT / "examples/cohort.jsonl"), "-o", str(tmp_path / "r.jsonl"), "--report", str(report)])
    assert f"mgk-screen: wrote {report}: cohort report of 53 records" in run.stderr
    quiet = runner.invoke(app, ["batch", str(ROOT / "examples/cohort.jsonl"), "-o", str(tmp_path / "r.jsonl"), "--report", str(report), "-q"])
    assert quiet.stderr == ""


def test_batch_report_with_a_bad_report_name_stops_before_screening(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    run = runner.invoke(app, ["batch", str(ROOT / "examples/cohort.jsonl"), "-o", str(results), "--report", str(tmp_path / "r.xls")])
    assert run.exit_code == 2
    assert "cannot tell the report format" in run.output
    assert not results.exists()
