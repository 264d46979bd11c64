"""The one-page summary for a clinic (`report --summary`, ``person_report(..., summary=True)``): the
full report's headline, red flags, how soon and why, what to do and clinician's summary, then one
short line per finding (its title and the answers that made it fire) instead of explanations,
mechanisms and sources; the disclaimer on the page and a pointer to the full report. How many
printed pages it takes is checked with real PDFs in test_reports_browser.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from report_images import WHEN
from screener.cli.main import app
from test_reports import PERSONAS, external_references, page_text, parsed, result_of, text_of
from typer.testing import CliRunner

from screener.fhir import answers_to_response, fhir_context

pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")

ROOT = Path(__file__).resolve().parents[1]
FAINTING = ROOT / "examples/personas/diuretic-and-vomiting-with-fainting-now.json"
OLDER_ADULT = ROOT / "examples/personas/older-adult-on-furosemide-with-cramps.json"


def summary_page(screener: Any, value: Any) -> str:
    from screener.reports import person_report

    return person_report(value, screener=screener, generated=WHEN, summary=True)


def reason_lines(html: str) -> list[Any]:
    return [li for li in parsed(html).iter("li") if "reason" in (li.get("class") or "").split()]


def _restates(finding: dict[str, Any], titles: list[str]) -> bool:
    because = [evidence for evidence in finding["evidence"] if evidence["value"] not in ("no", False)]
    same = finding["title"].casefold()
    return titles.count(finding["title"]) > 1 and bool(because) and all(evidence["label"].casefold() == same for evidence in because)


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda path: path.stem)
def test_each_personas_summary_names_every_fired_rule_with_its_answers_and_no_explanation_or_source(
    persona: Path, screener: Any
) -> None:
    answers = json.loads(persona.read_text(encoding="utf-8"))
    html = summary_page(screener, answers)
    assert external_references(html) == []
    result = result_of(screener, answers)
    lines = reason_lines(html)
    # A finding that only restates another of the same title ("Age 65 or over. Because: Age 65 or
    # over: yes" beside "Age 65 or over. Because: Age: 81 years") is left out: one line says it.
    titles = [finding["title"] for finding in result["findings"]]
    listed = [finding for finding in result["findings"] if not _restates(finding, titles)]
    assert [line.get("data-rule") for line in lines] == sorted(
        (finding["rule"] for finding in listed), key=lambda rule: rule not in _red_flag_rules(result)
    )
    for line, finding in zip(lines, sorted(listed, key=lambda f: not f.get("red_flag")), strict=True):
        assert text_of(line).removeprefix("red flag ").startswith(finding["title"]), finding["rule"]
        assert finding.get("explanation", "") not in text_of(line) or not finding.get("explanation")
    text = page_text(html)
    for recommendation in result["recommendations"]:
        assert " ".join(recommendation["text"].split()) in text, recommendation["code"]
    for finding in result["findings"]:
        if finding.get("mechanism"):
            assert finding["mechanism"] not in text, f"{finding['rule']}: the mechanism is for the full report"
        for source in finding.get("sources", []):
            assert source not in text, f"{finding['rule']}: the sources are for the full report"
    assert result["disclaimer"] in text
    assert "For your clinician: summary" in text
    assert "Your answers, as given" not in text
    assert "The full report (mgk-screen report without --summary) explains every finding" in text


def _red_flag_rules(result: dict[str, Any]) -> set[str]:
    return {finding["rule"] for finding in result["findings"] if finding.get("red_flag")}


def test_fainting_now_is_the_first_thing_the_summary_says_and_its_red_flag_line_comes_first(screener: Any) -> None:
    html = summary_page(screener, json.loads(FAINTING.read_text()))
    main = parsed(html).find(".//main")
    first = next(iter(next(iter(main))))  # the first part inside the summary's page
    assert first.get("role") == "alert" and "Red flag: Fainting" in text_of(first)
    assert "Call your local emergency number" in text_of(first)
    lines = reason_lines(html)
    assert "red-flag" in lines[0].get("class") and text_of(lines[0]).startswith("red flag Red flag now: fainting")
    assert not any("red-flag" in line.get("class") for line in lines[1:])
    text = page_text(html)
    assert text.index("Red flag: Fainting") < text.index("Combined magnesium and potassium depletion") < text.index("What to do")
    assert text.index("What to do") < text.index("For your clinician: summary") < text.index("Why, in short")


def test_a_red_flag_finding_listed_late_in_a_result_still_comes_first_in_the_summary(screener: Any) -> None:
    result = result_of(screener, json.loads(FAINTING.read_text()))
    flags = [finding for finding in result["findings"] if finding.get("red_flag")]
    result["findings"] = [finding for finding in result["findings"] if not finding.get("red_flag")] + flags
    lines = reason_lines(summary_page(screener, result))
    assert [line.get("data-rule") for line in lines[: len(flags)]] == [finding["rule"] for finding in flags]


def test_a_summary_line_gives_the_answers_that_made_the_finding_fire_and_leaves_the_unmet_conditions_to_the_full_report(
    screener: Any,
) -> None:
    html = summary_page(screener, json.loads(FAINTING.read_text()))
    line = next(text_of(li) for li in reason_lines(html) if li.get("data-rule") == "repeated_vomiting_two_days_or_more")
    assert line == "Repeated vomiting: 2 to 6 days. Because: Vomiting: yes; Days of vomiting: 3"
    from screener.reports import person_report

    full = page_text(person_report(json.loads(FAINTING.read_text()), screener=screener, generated=WHEN))
    assert "Prolonged vomiting (7 days or more): no" in full


def test_the_disclaimer_carries_the_advice_to_consult_a_clinician_when_something_is_flagged(screener: Any) -> None:
    answers = json.loads(OLDER_ADULT.read_text())
    assert screener.screen(answers).consult_clinician
    text = page_text(summary_page(screener, answers))
    assert screener.ruleset.consult_advice[screener.screen(answers).urgency] in text
    assert "Screening only, not a diagnosis" in text and "you have low" not in text.lower()


def test_a_summary_from_a_result_file_is_the_same_page_without_screening_again(screener: Any) -> None:
    answers = json.loads(OLDER_ADULT.read_text())
    from_answers = summary_page(screener, answers)
    from_result = summary_page(screener, result_of(screener, answers))
    assert from_result == from_answers  # the summary never shows the answers, so nothing differs


def test_the_summary_reads_a_questionnaire_response_as_the_full_report_does(screener: Any) -> None:
    answers = json.loads(OLDER_ADULT.read_text())
    response = answers_to_response(answers, fhir_context(screener.ruleset))
    html = summary_page(screener, response)
    assert "For: <strong>older-adult-on-furosemide-with-cramps</strong>" in html
    assert [line.get("data-rule") for line in reason_lines(html)] == [line.get("data-rule") for line in reason_lines(summary_page(screener, answers))]


def test_the_full_report_and_the_web_pages_partials_are_unchanged_by_the_summary(screener: Any) -> None:
    from screener.reports import person_report

    html = person_report(json.loads(OLDER_ADULT.read_text()), screener=screener, generated=WHEN)
    assert reason_lines(html) == []
    assert "Your screening result</h1>" in html and "Your answers, as given" in html and "How it works:" in html


def test_report_summary_on_the_command_line_writes_html_and_pdf(tmp_path: Path) -> None:
    for name in ("clinic.html", "clinic.pdf"):
        run = CliRunner().invoke(app, ["report", "--summary", str(OLDER_ADULT), "-o", str(tmp_path / name)])
        assert run.exit_code == 0, run.output
        assert f"wrote {tmp_path / name}" in run.output
    assert "Your screening result: summary" in (tmp_path / "clinic.html").read_text(encoding="utf-8")
    assert (tmp_path / "clinic.pdf").read_bytes().startswith(b"%PDF-")


def test_report_summary_with_cohort_is_refused_as_a_usage_error(tmp_path: Path) -> None:
    run = CliRunner().invoke(app, ["report", "--summary", "--cohort", str(OLDER_ADULT), "-o", str(tmp_path / "c.html")])
    assert run.exit_code == 2
    assert "--summary is for one person's report" in run.output
    assert not (tmp_path / "c.html").exists()
