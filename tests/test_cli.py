"""The mgk-screen command, driven through typer's CliRunner like a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener import __version__

runner = CliRunner()

FUROSEMIDE_WITH_CRAMPS = {
    "id": "rita",
    "age": 72,
    "sex": "female",
    "medications": ["Lasix 40 mg"],
    "symptoms": ["muscle_cramps"],
}
RUNNER_WITH_CRAMPS = {"id": "sam", "age": 30, "symptoms": ["muscle_cramps"], "medications": [], "conditions": []}
BAD_RECORD = {"id": "bad", "age": 200, "sympoms": ["fatigue"]}


def _write(path: Path, records: list[dict], fmt: str = "jsonl") -> Path:  # type: ignore[type-arg]
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    else:
        path.write_text(json.dumps(records), encoding="utf-8")
    return path


def test_version() -> None:
    run = runner.invoke(app, ["--version"])
    assert run.exit_code == 0 and run.output.strip() == f"mgk-screen {__version__}"


def test_every_command_has_help_text() -> None:
    from typer.main import get_command

    group = get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, f"command {name} has no help text"
        run = runner.invoke(app, [name, "--help"])
        assert run.exit_code == 0, name
        assert "Usage" in run.output


def test_readme_documents_every_command() -> None:
    from typer.main import get_command

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name in get_command(app).commands:  # type: ignore[attr-defined]
        assert f"mgk-screen {name}" in readme, f"README.md does not show `mgk-screen {name}`"


def test_screen_prints_an_explained_result(tmp_path: Path) -> None:
    answers = tmp_path / "rita.json"
    answers.write_text(json.dumps(FUROSEMIDE_WITH_CRAMPS), encoding="utf-8")
    run = runner.invoke(app, ["screen", str(answers), "--plain"])
    assert run.exit_code == 0, run.output
    assert "Combined magnesium and potassium depletion: POSSIBLE" in run.output
    assert "Loop diuretic" in run.output
    assert "not a diagnosis" in run.output


@pytest.mark.parametrize(("term", "boxes"), [("xterm-256color", True), ("dumb", False)])
def test_a_dumb_terminal_gets_no_boxes_as_with_plain(tmp_path: Path, term: str, boxes: bool) -> None:
    # An editor's shell or a CI log says TERM=dumb: box drawing there is line noise.
    answers = _write(tmp_path / "a.json", [{"age": 70, "medications": ["furosemide"]}], fmt="json")
    run = runner.invoke(app, ["screen", str(answers)], env={"NO_COLOR": None, "TERM": term})
    assert run.exit_code == 0, run.output
    assert ("╭" in run.output) is boxes
    assert "Combined magnesium and potassium depletion" in run.output


def test_screen_json_is_the_result_contract(tmp_path: Path) -> None:
    answers = tmp_path / "rita.json"
    answers.write_text(json.dumps(FUROSEMIDE_WITH_CRAMPS), encoding="utf-8")
    run = runner.invoke(app, ["screen", str(answers), "--json"])
    result = json.loads(run.output)
    assert result["id"] == "rita" and result["status"] == "screened"
    assert result["combined_depletion"] == "possible"
    assert "loop_diuretic" in result["risk_factors"]


def test_screen_reads_stdin() -> None:
    run = runner.invoke(app, ["screen", "-", "--json"], input=json.dumps(RUNNER_WITH_CRAMPS))
    assert run.exit_code == 0
    assert json.loads(run.output)["urgency"] == "none"


def test_screen_of_invalid_answers_lists_every_error_and_exits_3(tmp_path: Path) -> None:
    answers = tmp_path / "bad.json"
    answers.write_text(json.dumps(BAD_RECORD), encoding="utf-8")
    run = runner.invoke(app, ["screen", str(answers)])
    assert run.exit_code == 3
    assert "$.age: must be at most 120, got 200" in run.output
    assert "did you mean 'symptoms'?" in run.output


def test_screen_of_a_file_that_is_not_json_names_line_and_column(tmp_path: Path) -> None:
    answers = tmp_path / "broken.json"
    answers.write_text('{"age": 70,\n "sex": }', encoding="utf-8")
    run = runner.invoke(app, ["screen", str(answers)])
    assert run.exit_code == 2
    assert "broken.json: invalid JSON at line 2, column 9: expected a value here" in run.output


def test_batch_screens_every_record_in_order(tmp_path: Path) -> None:
    cohort = _write(tmp_path / "cohort.jsonl", [FUROSEMIDE_WITH_CRAMPS, RUNNER_WITH_CRAMPS])
    run = runner.invoke(app, ["batch", str(cohort)])
    assert run.exit_code == 0, run.output
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert [(e["id"], e["position"], e["status"]) for e in lines] == [("rita", 1, "screened"), ("sam", 2, "screened")]
    assert all(e["source"] == str(cohort) for e in lines)


def test_one_bad_record_of_three_writes_three_entries_and_exits_3(tmp_path: Path) -> None:
    cohort = _write(tmp_path / "cohort.json", [FUROSEMIDE_WITH_CRAMPS, BAD_RECORD, RUNNER_WITH_CRAMPS], fmt="json")
    out = tmp_path / "out.jsonl"
    run = runner.invoke(app, ["batch", str(cohort), "-o", str(out)])
    assert run.exit_code == 3
    entries = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [e["status"] for e in entries] == ["screened", "invalid", "screened"]
    assert entries[1]["id"] == "bad" and entries[1]["position"] == 2
    assert {"path": "$.sympoms", "message": "unknown field 'sympoms' (did you mean 'symptoms'?)"} in entries[1]["errors"]
    assert "3 records read: 2 screened, 1 invalid" in run.stderr


def test_batch_summary_counts_levels_and_urgency(tmp_path: Path) -> None:
    cohort = _write(tmp_path / "cohort.jsonl", [FUROSEMIDE_WITH_CRAMPS, RUNNER_WITH_CRAMPS, RUNNER_WITH_CRAMPS])
    run = runner.invoke(app, ["batch", str(cohort), "-o", str(tmp_path / "o.jsonl")])
    assert "combined depletion: likely 0, possible 1, unlikely 2" in run.stderr
    assert "duplicate ids: 1" in run.stderr


def test_batch_summary_counts_people_with_no_core_answers_as_not_screened(tmp_path: Path) -> None:
    """Two people gave only their ages: the summary counted them as "unlikely" and "none", the
    words of a reassuring screen, though each is shown "not screened (too few answers)"."""
    cohort = _write(tmp_path / "cohort.jsonl", [{"id": "alf", "age": 70}, {"id": "bea", "age": 64}, RUNNER_WITH_CRAMPS])
    run = runner.invoke(app, ["batch", str(cohort), "-o", str(tmp_path / "o.jsonl")])
    assert "3 records read: 3 screened, 0 invalid" in run.stderr
    assert "combined depletion: likely 0, possible 0, unlikely 1, too few answers 2" in run.stderr
    assert "urgency: emergency 0, urgent 0, soon 0, routine 0, none 1, too few answers 2" in run.stderr  # Sam answered two sections
    # Their entries say "screened", as the first line counts them: no count calls them "not screened".
    assert "not screened" not in run.stderr


def test_the_summary_of_a_run_under_a_second_gives_its_time_not_a_rate() -> None:
    """Twelve people in 0.2 s, most of it loading the rules, read as "70 records/s": a newcomer
    took the tool for slow. A longer run gives its rate after its time, in the same form; a run
    that read nothing (an unreadable file) its time alone, not "0 records/s" (newcomer review E1)."""
    from screener.cli.batch_summary import pace as _pace

    assert _pace(12, 0.17) == "in 0.2 s"
    assert _pace(100_000, 27.0) == "in 27.0 s, 3,704 records/s"
    assert _pace(0, 1.3) == "in 1.3 s"


@pytest.mark.parametrize(("level", "code"), [("possible", 5), ("likely", 0), ("routine", 5), ("soon", 0)])
def test_fail_on_exits_5_only_when_a_result_reaches_the_level(tmp_path: Path, level: str, code: int) -> None:
    cohort = _write(tmp_path / "cohort.jsonl", [FUROSEMIDE_WITH_CRAMPS, RUNNER_WITH_CRAMPS])
    run = runner.invoke(app, ["batch", str(cohort), "--fail-on", level, "-o", str(tmp_path / "o.jsonl")])
    assert run.exit_code == code


def test_fail_on_wins_over_invalid_records_and_names_the_records_that_reached_it(tmp_path: Path) -> None:
    cohort = _write(tmp_path / "cohort.jsonl", [FUROSEMIDE_WITH_CRAMPS, BAD_RECORD, RUNNER_WITH_CRAMPS])
    run = runner.invoke(app, ["batch", str(cohort), "--fail-on", "possible", "-o", str(tmp_path / "o.jsonl")])
    assert run.exit_code == 5, "the level asked about is not hidden by an invalid neighbour"
    assert "3 records read: 2 screened, 1 invalid" in run.stderr
    assert f"1 record reached --fail-on possible: rita ({cohort} record 1)" in " ".join(run.stderr.split())
    quiet = runner.invoke(app, ["batch", str(cohort), "--fail-on", "possible", "-q", "-o", str(tmp_path / "o.jsonl")])
    assert quiet.exit_code == 5 and "reached --fail-on possible: rita" in quiet.stderr
    not_reached = runner.invoke(app, ["batch", str(cohort), "--fail-on", "likely", "-o", str(tmp_path / "o.jsonl")])
    assert not_reached.exit_code == 3 and "reached --fail-on" not in not_reached.stderr


def test_usage_lines_read_as_the_readme_writes_them() -> None:
    for command, usage in [
        (["batch"], "Usage: mgk-screen batch [OPTIONS] INPUT..."),
        (["validate"], "Usage: mgk-screen validate [OPTIONS] INPUT..."),
        (["screen"], "Usage: mgk-screen screen [OPTIONS] FILE"),
        (["demo"], "Usage: mgk-screen demo [OPTIONS] [NAME]"),
        (["schema"], "Usage: mgk-screen schema [OPTIONS] answers|result"),
        (["template"], "Usage: mgk-screen template [OPTIONS] KIND"),
    ]:
        run = runner.invoke(app, [*command, "--help"])
        assert usage in run.output, run.output
        assert "<list[str]>" not in run.output and "{" not in run.output.splitlines()[0]


def test_batch_csv_output(tmp_path: Path) -> None:
    import csv

    cohort = _write(tmp_path / "cohort.jsonl", [FUROSEMIDE_WITH_CRAMPS, BAD_RECORD])
    out = tmp_path / "out.csv"
    runner.invoke(app, ["batch", str(cohort), "--format", "csv", "-o", str(out)])
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [(r["id"], r["status"], r["combined_depletion"]) for r in rows] == [("rita", "screened", "possible"), ("bad", "invalid", "")]


def test_batch_of_a_missing_file_says_so_and_exits_2(tmp_path: Path) -> None:
    run = runner.invoke(app, ["batch", str(tmp_path / "nope.jsonl")])
    assert run.exit_code == 2
    assert "nope.jsonl" in run.stderr


def test_validate_reports_every_error_without_screening(tmp_path: Path) -> None:
    cohort = _write(tmp_path / "cohort.jsonl", [FUROSEMIDE_WITH_CRAMPS, BAD_RECORD])
    run = runner.invoke(app, ["validate", str(cohort)])
    assert run.exit_code == 3
    assert f"{cohort} record 2: $.age: must be at most 120, got 200" in run.stdout
    assert f"{cohort} record 2: $.sympoms: unknown field 'sympoms' (did you mean 'symptoms'?)" in run.stdout
    assert "2 records read, 1 valid, 1 with errors" in run.stderr


def test_validate_of_valid_records_exits_0(tmp_path: Path) -> None:
    cohort = _write(tmp_path / "cohort.jsonl", [FUROSEMIDE_WITH_CRAMPS, RUNNER_WITH_CRAMPS])
    assert runner.invoke(app, ["validate", str(cohort)]).exit_code == 0


def test_rules_option_loads_another_rule_folder(tmp_path: Path) -> None:
    import shutil

    from screener.screening.ruleset import default_rules_folder

    folder = tmp_path / "rules"
    shutil.copytree(str(default_rules_folder()), folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    manifest = json.loads((folder / "ruleset.json").read_text(encoding="utf-8"))
    manifest["version"] = "9.9.9"
    (folder / "ruleset.json").write_text(json.dumps(manifest), encoding="utf-8")
    run = runner.invoke(app, ["screen", "-", "--json", "--rules", str(folder)], input=json.dumps(RUNNER_WITH_CRAMPS))
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["ruleset"]["version"] == "9.9.9"


def test_an_invalid_rule_folder_exits_4_naming_file_rule_and_field(tmp_path: Path) -> None:
    import shutil

    from screener.screening.ruleset import default_rules_folder

    folder = tmp_path / "rules"
    shutil.copytree(str(default_rules_folder()), folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    levels = json.loads((folder / "levels.json").read_text(encoding="utf-8"))
    levels["rules"][0]["when"] = {"fact": "low_mg_lb", "is": True}
    (folder / "levels.json").write_text(json.dumps(levels), encoding="utf-8")
    run = runner.invoke(app, ["screen", "-", "--rules", str(folder)], input="{}")
    assert run.exit_code == 4
    rule_id = levels["rules"][0]["id"]
    assert f"levels.json: rule '{rule_id}', field 'when': unknown fact 'low_mg_lb' (did you mean 'low_mg_lab'?)" in run.output
