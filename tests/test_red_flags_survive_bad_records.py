"""Red flags are never lost to a bad record (newcomer review 7, finding 1).

Maria's record says chest pain now, under the key "red_flag_now"; Kenji's says fainting, under
"redFlagsNow". Each error already said "did you mean 'red_flags_now'?", yet their invalid entries
carried no red flag and no urgency: they were missing from the batch summary's "red flags now"
line, the CSV's urgency column, the cohort report's red banner, ``--fail-on urgent``, the JSON
API's 422 and the web page's answers file. Now the red flags that can be read from a record that
cannot be screened (read in one place, ``red_flags_reported``) are screened on their own and said
first everywhere, with the advice to get emergency care now. The record stays invalid.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from screener.cli.main import app
from typer.testing import CliRunner
from web_support import Visitor, new_client

from screener import Screener
from screener.contract.answers import red_flags_reported
from screener.contract.result import InvalidRecord
from screener.errors import ExitCode

runner = CliRunner()

MARIA = {"id": "maria", "age": 70, "red_flag_now": ["chest_pain"]}
KENJI = {"id": "kenji", "age": 70, "redFlagsNow": ["fainting"]}
OLGA = {"id": "olga", "age": 70, "red_flags_now": []}  # screened, no red flag
TOM = {"id": "tom", "age": 70, "symptom": ["chest_pain"]}  # a misspelt key, but not the red flags' one


def _cohort(tmp_path: Path) -> Path:
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_text("".join(json.dumps(record) + "\n" for record in (OLGA, MARIA, KENJI, TOM)), encoding="utf-8")
    return cohort


def test_marias_chest_pain_under_a_misspelt_key_is_raised_and_her_record_still_not_screened() -> None:
    entry = Screener().screen_entry(MARIA)
    assert entry["status"] == "invalid"
    assert "unknown field 'red_flag_now' (did you mean 'red_flags_now'?)" in json.dumps(entry["errors"])
    assert (entry["red_flags"], entry["urgency"]) == (["chest_pain"], "emergency")
    advice = entry["red_flag_advice"]
    assert advice.startswith("This record could not be screened (see its errors), but a red flag was given: chest pain.")
    assert "call your local emergency number" in advice
    invalid = Screener().screen_record(MARIA)
    assert isinstance(invalid, InvalidRecord)  # the published contract holds it
    assert invalid.red_flags == ["chest_pain"] and invalid.red_flag_advice == advice


def test_kenjis_fainting_under_a_camel_case_key_is_raised() -> None:
    entry = Screener().screen_entry(KENJI)
    assert (entry["status"], entry["red_flags"], entry["urgency"]) == ("invalid", ["fainting"], "emergency")


def test_only_keys_whose_did_you_mean_is_red_flags_now_and_only_red_flag_words_are_read() -> None:
    assert red_flags_reported({"red_flag_now": "Chest pain", "redFlagsNow": ["fainted", "chest_pain"]}) == ["chest_pain", "fainting"]
    assert red_flags_reported({"red_flags_now": ["seizure"], "red_flag_now": ["seizure"]}) == ["seizure"]  # each once
    assert red_flags_reported(TOM) == []  # "symptom" means symptoms: past two weeks, not now
    assert red_flags_reported({"red_flag_now": ["headache", 3, {"code": "chest_pain"}]}) == []
    assert red_flags_reported({"age": 70}) == red_flags_reported(["chest_pain"]) == []
    assert "red_flags" not in Screener().screen_entry(TOM)


def test_maria_and_kenji_are_first_in_the_batch_summary_and_reach_fail_on_urgent(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    done = runner.invoke(app, ["batch", str(_cohort(tmp_path)), "--fail-on", "urgent", "-o", str(out)])
    assert done.exit_code == ExitCode.FAIL_ON_LEVEL
    summary = done.stderr.splitlines()
    cohort = tmp_path / "cohort.jsonl"
    assert summary[1] == (
        f"  red flags now, in 2 invalid records (not screened; see to them first): maria ({cohort} record 2), kenji ({cohort} record 3)"
    )
    assert "2 records reached --fail-on urgent: maria" in done.stderr
    entries = {entry["id"]: entry for entry in map(json.loads, out.read_text("utf-8").splitlines())}
    assert entries["maria"]["red_flag_advice"].startswith("This record could not be screened")
    assert "red_flags" not in entries["tom"] and entries["olga"]["status"] == "screened"


def test_a_nurse_sorting_the_csv_by_urgency_finds_maria_and_kenji_among_the_emergencies(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    runner.invoke(app, ["batch", str(_cohort(tmp_path)), "-o", str(out)])
    with out.open(encoding="utf-8", newline="") as file:
        rows = {row["id"]: row for row in csv.DictReader(file)}
    assert (rows["maria"]["status"], rows["maria"]["urgency"], rows["maria"]["red_flags"]) == ("invalid", "emergency", "chest_pain")
    assert (rows["kenji"]["urgency"], rows["kenji"]["red_flags"]) == ("emergency", "fainting")
    assert rows["tom"]["urgency"] == ""


def test_the_cohort_reports_red_banner_counts_maria_and_kenji(tmp_path: Path) -> None:
    report = tmp_path / "cohort.html"
    runner.invoke(app, ["batch", str(_cohort(tmp_path)), "-o", str(tmp_path / "o.jsonl"), "--report", str(report), "-q"])
    html = report.read_text("utf-8")
    assert html.index("2 records that could not be screened report red flags now") < html.index("Screening levels")
    assert "Red flag now: chest pain" in html and "Red flag now: fainting" in html


def test_the_json_api_refusal_of_kenjis_answers_carries_his_red_flag_and_the_advice() -> None:
    refused = new_client().post("/api/v1/screen", json=KENJI)
    assert refused.status_code == 422
    body = refused.json()
    assert (body["valid"], body["red_flags"], body["urgency"]) == (False, ["fainting"], "emergency")
    assert "call your local emergency number" in body["red_flag_advice"]
    assert "did you mean 'red_flags_now'?" in body["errors"][0]["message"]


def test_maria_carrying_on_from_her_file_in_the_browser_is_told_to_get_help_now_before_what_is_wrong() -> None:
    visitor = Visitor()
    visitor.open("/")
    visitor.post("/resume", {"csrf": visitor.hidden("csrf")}, files={"answers": ("answers.json", json.dumps(MARIA).encode(), "application/json")})
    assert visitor.page.status_code == 422
    text = visitor.text()
    said = "That answers file cannot be used, so it was not screened, but it says this is happening now: Chest pain or pressure"
    wrong = "That answers file cannot be used In this file, “red_flag_now”: unknown field 'red_flag_now' (did you mean 'red_flags_now'?)"
    assert text.index("Important: get help now") < text.index(said) < text.index("Call your local emergency number") < text.index(wrong)


def test_a_file_with_no_red_flag_gets_no_emergency_box_in_the_browser() -> None:
    visitor = Visitor()
    visitor.open("/")
    visitor.post("/resume", {"csrf": visitor.hidden("csrf")}, files={"answers": ("answers.json", json.dumps(TOM).encode(), "application/json")})
    assert visitor.page.status_code == 422
    assert "get help now" not in visitor.text()


def test_ask_resume_from_marias_file_says_her_red_flag_before_refusing_it(tmp_path: Path) -> None:
    saved = tmp_path / "maria.json"
    saved.write_text(json.dumps(MARIA), encoding="utf-8")
    run = runner.invoke(app, ["ask", "--resume", str(saved), "--plain"], input="")
    assert run.exit_code == ExitCode.INVALID_RECORDS
    lines = run.stderr.splitlines()
    assert lines[0] == f"mgk-screen: {saved}: RED FLAG: chest pain. On its own this means: seek emergency care now."
    assert "the questionnaire cannot carry on from them" in lines[1]
