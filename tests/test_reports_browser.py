"""Look at the reports: a real browser (Debian's chromium, driven by Playwright) renders both
pages at desktop and phone widths, and pdftoppm renders every PDF page. The pictures must exist,
not be blank, and the pages must fit a phone's width without sideways scrolling."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from report_images import WHEN, browser, pdf_pages, screenshot, spread, tools_missing

ROOT = Path(__file__).resolve().parents[1]
MISSING = tools_missing()

pytest.importorskip("playwright", reason="the test extra installs playwright")
pytestmark = pytest.mark.skipif(
    bool(MISSING) and not os.environ.get("CI"), reason=f"needs {', '.join(MISSING)} (installed by .ci/run)"
)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, screener: Any) -> dict[str, Path]:
    """The two reports as HTML and PDF files."""
    from screener.reports import cohort_report, new_tally, person_report, write_report

    folder = tmp_path_factory.mktemp("reports")
    answers = json.loads((ROOT / "examples/personas/diuretic-and-vomiting-with-fainting-now.json").read_text())
    tally = new_tally(screener.ruleset)
    for position, line in enumerate((ROOT / "examples/cohort.jsonl").read_text().splitlines(), 1):
        tally.add(screener.screen_entry(json.loads(line), source="examples/cohort.jsonl", position=position))
    pages = {
        "person": person_report(answers, screener=screener, generated=WHEN),
        "cohort": cohort_report(tally, screener.ruleset, sources=["examples/cohort.jsonl"], generated=WHEN),
    }
    files = {}
    for name, html in pages.items():
        for suffix in ("html", "pdf"):
            files[f"{name}.{suffix}"] = folder / f"{name}.{suffix}"
            write_report(html, str(files[f"{name}.{suffix}"]))
    return files


@pytest.mark.parametrize("name", ["person", "cohort"])
def test_each_report_renders_at_desktop_and_phone_width_without_sideways_scrolling(reports: dict[str, Path], name: str) -> None:
    with browser() as chromium:
        for width in (1280, 390):
            png = reports[f"{name}.html"].with_name(f"{name}-{width}.png")
            size = screenshot(chromium, reports[f"{name}.html"], png, width)
            assert png.stat().st_size > 10_000
            assert spread(png) > 20, f"{png.name} looks blank"
            assert size["width"] <= width, f"{name} at {width} px is {size['width']} px wide: it scrolls sideways"
            assert size["height"] > 1500


@pytest.mark.parametrize("name", ["person", "cohort"])
def test_every_pdf_page_renders_and_none_is_blank(reports: dict[str, Path], name: str) -> None:
    pages = pdf_pages(reports[f"{name}.pdf"], reports[f"{name}.pdf"].with_name(f"{name}-page"))
    assert len(pages) >= 2
    for page in pages:
        assert spread(page) > 8, f"{page.name} looks blank"
