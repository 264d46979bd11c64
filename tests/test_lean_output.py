"""Lean batch entries: what varies per person, the rest left to the rules (and filled back in).

`mgk-screen batch` writes lean entries by default: each finding is its rule id and its evidence
(fact and value), marked ``"detail": "lean"``; `--detail full` writes every finding explained, as
`screen --json` does. Both say the same about the person; every consumer of results reads both.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.batch.encoding import json_bytes
from screener.contract.result import ScreeningResult
from screener.contract.validation import load_schema
from screener.errors import InputError
from screener.screening.findings import LEAN_EVIDENCE_OMITS, LEAN_FINDING_OMITS
from screener.synthetic import cohort, diverse_cohort

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
PERSONAS = sorted((ROOT / "examples" / "personas").glob("*.json"))
CLI = [sys.executable, "-c", "from screener.cli.main import main; main()"]


def _people() -> list[tuple[str, dict[str, Any]]]:
    people = [(path.stem, json.loads(path.read_text(encoding="utf-8"))) for path in PERSONAS]
    people += [(f"cohort {n}", json.loads(line)) for n, line in enumerate((ROOT / "examples/cohort.jsonl").read_text().splitlines(), 1)]
    people += [(f"synthetic {n}", answers) for n, answers in enumerate(cohort(300, seed=71), 1)]
    people += [(f"diverse {n}", answers) for n, answers in enumerate(diverse_cohort(300, seed=72), 1)]
    return people


def _batch_lines(tmp_path: Path, *args: str) -> list[dict[str, Any]]:
    out = tmp_path / "out.jsonl"
    run = runner.invoke(app, ["batch", *args, "-o", str(out), "-q"])
    assert run.exit_code in (0, 3), run.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


# -- the same person, told both ways -------------------------------------------------------------


def test_lean_and_full_entries_give_the_same_levels_urgency_and_recommendations(screener: Any) -> None:
    for name, answers in _people():
        lean = screener.screen_entry(answers, detail="lean")
        full = screener.screen_entry(answers, detail="full")
        if full["status"] == "invalid":
            assert lean == full, name
            continue
        said = ("combined_depletion", "magnesium_depletion", "potassium_depletion", "urgency", "red_flags", "risk_factors")
        assert {key: lean[key] for key in said} == {key: full[key] for key in said}, name
        assert lean["recommendations"] == full["recommendations"], name
        assert [f["rule"] for f in lean["findings"]] == [f["rule"] for f in full["findings"]], name
        assert lean["detail"] == "lean" and "detail" not in full


def test_a_lean_entry_made_full_again_is_exactly_the_full_entry(screener: Any) -> None:
    for name, answers in _people():
        assert screener.findings.hydrate(screener.screen_entry(answers, detail="lean")) == screener.screen_entry(answers), name


def test_a_lean_finding_leaves_out_only_what_the_rules_say_the_same_for_everyone(screener: Any) -> None:
    full = screener.screen_entry(json.loads(PERSONAS[0].read_text(encoding="utf-8")))
    lean = screener.screen_entry(json.loads(PERSONAS[0].read_text(encoding="utf-8")), detail="lean")
    for short, long in zip(lean["findings"], full["findings"], strict=True):
        assert set(long) - set(short) == set(LEAN_FINDING_OMITS)
        for fact, fact_in_full in zip(short["evidence"], long["evidence"], strict=True):
            assert set(fact_in_full) - set(fact) == set(LEAN_EVIDENCE_OMITS)
        static = screener.findings.static(short["rule"])
        assert all(long[key] == static[key] or list(static[key]) == long[key] for key in LEAN_FINDING_OMITS)


def test_the_lean_entry_of_a_persona_is_under_a_third_of_the_full_one(screener: Any) -> None:
    # A lean entry keeps what varies per person: levels, recommendations with their texts, the
    # disclaimer, "what would raise it", medicines recognised, and each finding's rule and evidence.
    # Those alone are about 6.1 KB for the personas (advice in the person's own words and the lab
    # units as given since the coherence review, the medicines named beside a high potassium and
    # the steroid and sick-day lines since review 5), under a third of a full entry (about 19 KB).
    lean_sizes, full_sizes = [], []
    for path in PERSONAS:
        answers = json.loads(path.read_text(encoding="utf-8"))
        lean_sizes.append(len(json_bytes(screener.screen_entry(answers, source=str(path), position=1, detail="lean"))))
        full_sizes.append(len(json_bytes(screener.screen_entry(answers, source=str(path), position=1))))
    # 6.56 KB measured after review 8 (lead, 2026-12-01: the water-pill blood-test line, the
    # possible-QT medicines named, the potassium caution for unread names): the bound moves with a
    # measurement, never to make room in advance.
    assert sum(lean_sizes) / len(lean_sizes) < 6_700, lean_sizes
    assert max(lean_sizes) < 9_000, lean_sizes
    assert sum(lean_sizes) < 0.33 * sum(full_sizes)


# -- the published contract --------------------------------------------------------------------


def test_lean_and_full_entries_both_follow_the_published_schema(screener: Any) -> None:
    schema = load_schema("result.schema.json")
    for _, answers in _people()[:40]:
        for detail in ("lean", "full"):
            entry = screener.screen_entry(answers, detail=detail)
            if entry["status"] == "screened":
                jsonschema.validate(entry, schema)
                ScreeningResult.model_validate(entry)


def test_a_full_entry_missing_a_findings_explanation_is_not_a_valid_result(screener: Any) -> None:
    entry = screener.screen_entry(json.loads(PERSONAS[0].read_text(encoding="utf-8")))
    del entry["findings"][0]["explanation"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(entry, load_schema("result.schema.json"))
    with pytest.raises(ValueError, match="only a lean entry"):
        ScreeningResult.model_validate(entry)


# -- batch ---------------------------------------------------------------------------------------


def test_batch_writes_lean_entries_by_default_and_full_ones_with_detail_full(tmp_path: Path, screener: Any) -> None:
    lean = _batch_lines(tmp_path, str(ROOT / "examples/cohort.jsonl"))
    full = _batch_lines(tmp_path, str(ROOT / "examples/cohort.jsonl"), "--detail", "full")
    screened = [entry for entry in lean if entry["status"] == "screened"]
    assert screened and all(entry["detail"] == "lean" for entry in screened)
    assert all(set(f) == {"rule", "evidence"} for entry in screened for f in entry["findings"])
    assert [screener.findings.hydrate(entry) for entry in lean] == full
    assert all("detail" not in entry for entry in full)


@pytest.mark.parametrize("fmt", ["csv", "fhir"])
def test_outputs_without_findings_are_the_same_whatever_the_detail(tmp_path: Path, fmt: str) -> None:
    outputs = []
    for detail in ("lean", "full"):
        out = tmp_path / f"{detail}.{fmt}"
        run = runner.invoke(app, ["batch", str(ROOT / "examples/cohort.jsonl"), "-f", fmt, "--detail", detail, "-o", str(out), "-q"])
        assert run.exit_code == 3, run.output  # the example cohort holds invalid records on purpose
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_two_workers_write_the_lean_entries_of_one_process(tmp_path: Path) -> None:
    source = tmp_path / "people.jsonl"
    source.write_text("".join(json.dumps(answers) + "\n" for answers in diverse_cohort(500, seed=73)), encoding="utf-8")
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out-{workers}.jsonl"
        done = subprocess.run([*CLI, "batch", str(source), "-o", str(out), "--workers", workers, "-q"], capture_output=True, timeout=600)
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b'"detail":"lean"') == 500


# -- every consumer reads lean entries -----------------------------------------------------------


def test_a_persons_report_from_a_lean_result_is_the_report_from_the_full_one(screener: Any) -> None:
    pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")
    from datetime import datetime, timezone

    from screener.reports import person_report

    when = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
    for path in PERSONAS[:4]:
        answers = json.loads(path.read_text(encoding="utf-8"))
        lean = screener.screen_entry(answers, source="people.jsonl", position=1, detail="lean")
        full = screener.screen_entry(answers, source="people.jsonl", position=1)
        assert person_report(lean, screener=screener, generated=when) == person_report(full, screener=screener, generated=when)


def test_a_lean_result_from_other_rules_is_refused_with_what_to_do(tmp_path: Path, screener: Any) -> None:
    pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")
    lean = screener.screen_entry(json.loads(PERSONAS[0].read_text(encoding="utf-8")), detail="lean")
    lean["ruleset"] = {**lean["ruleset"], "version": "1.9.0", "sha256": "0" * 64}
    with pytest.raises(InputError, match="other rules"):
        screener.findings.hydrate(lean)
    result = tmp_path / "result.json"
    result.write_text(json.dumps(lean), encoding="utf-8")
    run = runner.invoke(app, ["report", str(result), "-o", str(tmp_path / "r.html")])
    assert run.exit_code == 2, run.output
    assert "screened with other rules (mgk-screen clinical rules 1.9.0, SHA-256 000000000000" in run.output
    assert "--rules FOLDER" in run.output and "--detail full" in run.output
    assert not (tmp_path / "r.html").exists()


def test_a_cohort_report_counts_lean_results_as_it_counts_full_ones(screener: Any) -> None:
    from screener.reports import new_tally

    tallies = []
    for detail in ("lean", "full"):
        tally = new_tally(screener.ruleset)
        for n, (_, answers) in enumerate(_people(), 1):
            tally.add(screener.screen_entry(answers, source="people.jsonl", position=n, detail=detail))
        tallies.append({key: value for key, value in vars(tally).items() if not key.startswith("_")} | {"urgent": tally._urgent_heap})
    assert tallies[0]["records"] > 600
    assert repr(tallies[0]) == repr(tallies[1])


def test_fhir_risk_assessments_are_the_same_from_lean_and_full_entries(screener: Any) -> None:
    from screener.fhir.mapping import fhir_context
    from screener.fhir.risk import fhir_output

    context = fhir_context(screener.ruleset)
    for _, answers in _people()[:60]:
        lean = screener.screen_entry(answers, detail="lean")
        assert fhir_output(lean, context) == fhir_output(screener.screen_entry(answers), context)
