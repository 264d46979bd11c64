"""The cohort report on paper, as a practice nurse gets it: a synthetic cohort of 200 records
(seed 7: some 150 need care within days, 100 of them listed) made into a PDF by WeasyPrint on A4
and Letter, and read back page by page with pdftotext. The list of records that need care
soonest fits well over a dozen records on a page (each a line or two, not five), and each chart
shares its page with the table of its numbers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from report_images import WHEN, pdf_page_texts, tools_missing

pytest.importorskip("weasyprint", reason="the reports extra is part of the test extra")
pytestmark = pytest.mark.skipif(bool(tools_missing()), reason=f"needs {', '.join(tools_missing())} (installed by .ci/run)")

SOURCE = "exports/2025/november/practice-cohort.jsonl"
RECORD_ID = re.compile(r"^ {0,12}(synthetic-\d+)\b", flags=re.MULTILINE)


@pytest.fixture(scope="module")
def cohort_html(screener: Any) -> str:
    from screener.reports import cohort_report, new_tally
    from screener.synthetic import cohort

    tally = new_tally(screener.ruleset)
    for position, answers in enumerate(cohort(200, seed=7), 1):
        tally.add(screener.screen_entry(answers, source=SOURCE, position=position, detail="lean"))
    assert len(tally.urgent_records()) == 100 and tally.urgent_not_listed > 0
    return cohort_report(tally, screener.ruleset, sources=[SOURCE], generated=WHEN)


@pytest.fixture(scope="module")
def printed(cohort_html: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The text of each page, on A4 and on Letter."""
    from screener.reports import write_report

    folder = tmp_path_factory.mktemp("cohort-print")
    pages = {}
    for paper in ("a4", "letter"):
        pdf = folder / f"cohort-{paper}.pdf"
        write_report(cohort_html, str(pdf), paper=paper)  # type: ignore[arg-type]
        pages[paper] = pdf_page_texts(pdf)
    return pages


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_printed_page_of_the_records_that_need_care_soonest_lists_over_a_dozen_of_them(
    printed: dict[str, list[str]], paper: str
) -> None:
    """With narrow columns for everything, each record once ran to three to five lines (some
    to nine) and a page held five to eight records: the hundred listed took seventeen pages."""
    listed = [(number, RECORD_ID.findall(text)) for number, text in enumerate(printed[paper], 1)]
    listed = [(number, ids) for number, ids in listed if ids]
    assert sum(len(ids) for _, ids in listed) == 100
    full_pages = listed[1:-1]  # the first shares its page with the heading and intro, the last ends the list
    assert full_pages and all(len(ids) >= 14 for _, ids in full_pages), [(number, len(ids)) for number, ids in listed]
    assert len(listed) <= 8


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_chart_shares_its_page_with_the_table_of_its_numbers(printed: dict[str, list[str]], paper: str) -> None:
    """The risk factors' chart once took a page to itself, and its table the next."""
    pages = printed[paper]

    def page_of(words: str) -> int:
        found = [number for number, text in enumerate(pages, 1) if words in " ".join(text.split())]
        assert found, words
        return found[0]

    headings = ["Screening levels", "How soon to see a clinician", "How much of the screen was answered", "Risk factors recognised",
                "Red flags, now or in the past two weeks", "Serum potassium results against the rules' thresholds",
                "Serum magnesium results against the rules' thresholds"]
    apart = {heading: (page_of(heading), page_of(f"{heading}: the numbers")) for heading in headings}
    assert {heading: pages for heading, pages in apart.items() if pages[0] != pages[1]} == {}


def test_the_risk_factor_chart_prints_every_label_whole_never_cut_short(cohort_html: str, tmp_path: Any) -> None:
    """The chart beside the risk factors' table once cut its labels to 30 characters ("Long-term
    proton pump inhibit…", "A medicine … lose magnesium"): on paper it now says each one whole
    (its explanation in brackets is the table's), wrapped onto lines. The chart is printed alone
    by the same renderer as the report, so that its text is not the table's."""
    import html as html_text
    import subprocess

    from screener.reports.render import html_to_pdf

    section = cohort_html[cohort_html.index('id="risk-factors"') :]
    section = section[: section.index("</section>")]
    svg = section[section.index("<svg") : section.index("</svg>") + len("</svg>")]
    table = section[section.index('<table id="risk-factors-table"') :]
    labels = [html_text.unescape(label) for label in re.findall(r'<th scope="row">([^<]+)</th>', table)]
    assert len(labels) >= 15
    pdf = tmp_path / "chart.pdf"
    pdf.write_bytes(html_to_pdf(f"<!doctype html><html><body style='width: 90mm'>{svg}</body></html>"))
    chart_text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split())
    assert "…" not in chart_text
    missing = [label for label in labels if re.sub(r"\s*\([^)]*\)", "", label).strip() not in chart_text]
    assert missing == [], chart_text


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_no_label_of_the_printed_cohort_report_is_cut_short(printed: dict[str, list[str]], paper: str) -> None:
    assert not [number for number, text in enumerate(printed[paper], 1) if "…" in text]


def test_the_file_the_listed_records_come_from_is_named_once_and_each_record_by_its_number(cohort_html: str) -> None:
    """The same path on every row took two or three of each row's lines."""
    from test_reports import parsed, text_of

    section = next(s for s in parsed(cohort_html).iter("section") if s.get("id") == "urgent")
    assert f"All are from {SOURCE}." in text_of(section.find("p"))
    assert SOURCE not in text_of(section.find(".//table"))
    first = section.find(".//tbody/tr/th")
    assert re.fullmatch(r"synthetic-\d+ record \d+", text_of(first))


def test_no_printed_page_of_a_cohort_holds_only_a_few_lines_carried_over(tmp_path: Any, screener: Any) -> None:
    """The bundled cohort with four of the personas added: the potassium thresholds list once split
    over a page break, and its last two bullets made a page of their own (newcomer review E4)."""
    import json
    from pathlib import Path

    from screener.reports import cohort_report, new_tally, write_report

    root = Path(__file__).resolve().parents[1]
    records = [json.loads(line) for line in (root / "examples/cohort.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    records += [json.loads(path.read_text(encoding="utf-8")) for path in sorted((root / "examples/personas").glob("*.json"))[:4]]
    tally = new_tally(screener.ruleset)
    for position, answers in enumerate(records, 1):
        tally.add(screener.screen_entry(answers, source="cohort.jsonl", position=position, detail="lean"))
    pdf = tmp_path / "cohort.pdf"
    write_report(cohort_report(tally, screener.ruleset, sources=["cohort.jsonl"], generated=WHEN), str(pdf), paper="a4")
    # Every page has about four lines of footer (the disclaimer and "Page n of m").
    lines = [len([line for line in page.splitlines() if line.strip()]) for page in pdf_page_texts(pdf)]
    assert min(lines) >= 12, lines
