"""Red flags come first, even in a record that cannot be screened.

Rita reports fainting and chest pain now, but her age was typed as 200: her record is invalid, and
invalid records are never guessed at. Before, she was one "invalid" line among many, with nothing
to tell a nurse that this one reports an emergency. Her red flags are now screened on their own
(the rules decide what they mean) and said first wherever an invalid record is reported.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from screener.cli.main import app
from typer.testing import CliRunner
from web_support import new_client

from screener import Screener
from screener.contract.result import InvalidRecord

runner = CliRunner()

RITA = {"id": "rita", "age": 200, "sex": "female", "red_flags_now": ["fainting", "chest_pain", "not_a_code"]}
TOM = {"id": "tom", "age": "forty"}  # invalid, no red flags
OLGA = {"id": "olga", "age": 70, "red_flags_now": []}


def _cohort(tmp_path: Path) -> Path:
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_text("".join(json.dumps(record) + "\n" for record in (OLGA, RITA, TOM)), encoding="utf-8")
    return cohort


def test_ritas_invalid_entry_carries_her_red_flags_and_the_urgency_they_give_before_her_errors(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    done = runner.invoke(app, ["batch", str(_cohort(tmp_path)), "-o", str(out)])
    assert done.exit_code == 3
    olga, rita, tom = (json.loads(line) for line in out.read_text("utf-8").splitlines())
    assert olga["status"] == "screened" and olga["red_flags"] == []
    assert list(rita)[:8] == ["status", "id", "source", "position", "red_flags", "urgency", "red_flag_advice", "errors"]
    assert rita["status"] == "invalid" and rita["red_flags"] == ["chest_pain", "fainting"] and rita["urgency"] == "emergency"
    assert "red_flags" not in tom and "urgency" not in tom
    InvalidRecord.model_validate(rita)  # the published contract holds it
    summary = done.stderr.splitlines()
    assert summary[1] == f"  red flags now, in 1 invalid record (not screened; see to it first): rita ({tmp_path / 'cohort.jsonl'} record 2)"


def test_a_nurse_sorting_the_csv_by_urgency_finds_rita_among_the_emergencies(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    runner.invoke(app, ["batch", str(_cohort(tmp_path)), "-o", str(out)])
    with out.open(encoding="utf-8", newline="") as file:
        rows = {row["id"]: row for row in csv.DictReader(file)}
    assert (rows["rita"]["status"], rows["rita"]["urgency"], rows["rita"]["red_flags"]) == ("invalid", "emergency", "chest_pain; fainting")
    assert rows["tom"]["urgency"] == rows["tom"]["red_flags"] == ""


def test_fail_on_urgent_is_reached_by_ritas_red_flags(tmp_path: Path) -> None:
    done = runner.invoke(app, ["batch", str(_cohort(tmp_path)), "--fail-on", "urgent", "-o", str(tmp_path / "o.jsonl")])
    assert done.exit_code == 5
    assert "1 record reached --fail-on urgent: rita" in done.stderr


def test_screen_and_validate_say_her_red_flags_before_what_is_wrong(tmp_path: Path) -> None:
    answers = tmp_path / "rita.json"
    answers.write_text(json.dumps(RITA), encoding="utf-8")
    screened = runner.invoke(app, ["screen", str(answers)])
    assert screened.exit_code == 3
    lines = screened.stderr.splitlines()
    assert lines[0] == f"mgk-screen: {answers}: RED FLAG: chest pain, fainting. On its own this means: seek emergency care now."
    assert lines[1].endswith("the answers are not valid, so they were not screened:")
    validated = runner.invoke(app, ["validate", str(answers)])
    assert validated.stdout.splitlines()[0] == f"{answers} record 1: RED FLAG: chest pain, fainting (cannot be screened: see to it first)"


def test_the_json_api_refusal_carries_her_red_flags() -> None:
    refused = new_client().post("/api/v1/screen", json=RITA)
    assert refused.status_code == 422
    body = refused.json()
    assert (body["valid"], body["red_flags"], body["urgency"]) == (False, ["chest_pain", "fainting"], "emergency")
    assert new_client().post("/api/v1/screen", json=TOM).json().keys() == {"valid", "errors"}


def test_the_cohort_report_says_first_that_an_unscreened_record_reports_red_flags(tmp_path: Path) -> None:
    report = tmp_path / "cohort.html"
    runner.invoke(app, ["batch", str(_cohort(tmp_path)), "-o", str(tmp_path / "o.jsonl"), "--report", str(report), "-q"])
    html = report.read_text("utf-8")
    assert html.index("1 record that could not be screened reports red flags now") < html.index("Screening levels")
    assert "Red flag now: chest pain, fainting" in html


def test_red_flag_codes_count_once_and_anything_else_gives_nothing() -> None:
    screener = Screener()
    assert screener.red_flags_alone({"red_flags_now": ["seizure", 3, "seizure"]}).items() >= {"red_flags": ["seizure"], "urgency": "emergency"}.items()
    assert screener.red_flags_alone({"red_flags_now": "fainting"})["red_flags"] == ["fainting"]  # one code, not in a list
    assert screener.red_flags_alone({"red_flags_now": ["dizzy", 7]}) == {}  # close to no red flag
    assert screener.red_flags_alone(["fainting"]) == {}


def test_red_flags_written_close_to_their_codes_are_raised_as_the_codes_their_errors_name() -> None:
    """Raj's record was typed by hand: "Chest pain" and "fainted" where the codes are
    chest_pain and fainting. His errors said "did you mean 'chest_pain'?", yet his invalid entry
    carried no red flag and no urgency, and the summary's "see to them first" left him out. A
    word whose error names a red flag now raises that red flag; a word close to none is not one."""
    screener = Screener()
    raj = {"id": "raj", "age": 50, "red_flags_now": ["Chest pain", "fainted"]}
    entry = screener.screen_entry(raj)
    assert entry["status"] == "invalid"
    assert "did you mean 'chest_pain'?" in json.dumps(entry["errors"])
    assert (entry["red_flags"], entry["urgency"]) == (["chest_pain", "fainting"], "emergency")
    assert screener.red_flags_alone({"red_flags_now": ["chestpain", "headache"]})["red_flags"] == ["chest_pain"]
    assert screener.red_flags_alone({"red_flags_now": ["headache", "cramps", "none"]}) == {}
