"""The reports on a phone and to a screen reader, in a real browser (Debian's chromium, driven by
Playwright; its own accessibility tree read through the DevTools protocol), and lists on paper
(WeasyPrint, and Chromium's print as the web page is printed): no table scrolls sideways at
390 px and every table stays a table with its header cells; each list is one list of all its
items, numbered on from 1 across a page break, its heading never left at the foot of a page."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from report_images import WHEN, browser, pdf_page_texts, tools_missing

ROOT = Path(__file__).resolve().parents[1]
MISSING = tools_missing()

pytest.importorskip("playwright", reason="the test extra installs playwright")
pytestmark = pytest.mark.skipif(
    bool(MISSING) and not os.environ.get("CI"), reason=f"needs {', '.join(MISSING)} (installed by .ci/run)"
)

FAINTING = ROOT / "examples/personas/diuretic-and-vomiting-with-fainting-now.json"
# Five pieces of advice (an emergency's list is short by design: coherence review H8)
HEART_FAILURE = ROOT / "examples/personas/heart-failure-on-furosemide-and-metolazone.json"


def chromium_roles(page: Any, selector: str) -> list[str]:
    """Chromium's accessibility role of each element that ``selector`` matches."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    roles = []
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
        backend = cdp.send("DOM.describeNode", {"nodeId": node})["node"]["backendNodeId"]
        ax = cdp.send("Accessibility.getPartialAXTree", {"backendNodeId": backend, "fetchRelatives": False})["nodes"]
        roles.append(ax[0]["role"]["value"])
    cdp.detach()
    return roles


def chromium_lists(page: Any, region: str) -> list[int]:
    """The lists a screen reader finds in the region named ``region``: the number of items of each."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    cdp.detach()
    by_id = {node["nodeId"]: node for node in nodes}

    def role(node: dict[str, Any]) -> str:
        return str(node.get("role", {}).get("value", ""))

    def below(node: dict[str, Any]) -> list[dict[str, Any]]:
        # A region inside this one (the clinician's "what would change the headline") is read as
        # its own part, with its own heading: its lists are not this region's.
        found = []
        for child in node.get("childIds", []):
            if child in by_id and role(by_id[child]) != "region":
                found += [by_id[child], *below(by_id[child])]
        return found

    (section,) = [node for node in nodes if role(node) == "region" and node.get("name", {}).get("value") == region]
    return [
        sum(role(by_id[child]) == "listitem" for child in node.get("childIds", []) if child in by_id)
        for node in below(section)
        if role(node) == "list"
    ]


def test_what_to_do_and_the_sources_are_each_one_list_of_all_their_items_to_a_screen_reader(
    tmp_path: Path, screener: Any
) -> None:
    """They were once split after the first item (so that on paper the heading kept it): a
    screen reader announced a list of 1 item, then another list."""
    from screener.reports import person_report, write_report

    answers = json.loads(HEART_FAILURE.read_text())
    result = screener.screen(answers)
    page_file = tmp_path / "heart-failure.html"
    html = person_report(answers, screener=screener, generated=WHEN)
    write_report(html, str(page_file))
    sources = {source for finding in result.findings for source in finding.sources or []}
    assert len(result.recommendations) >= 5 and len(sources) >= 5
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(page_file.as_uri())
        assert chromium_lists(page, "What to do") == [len(result.recommendations)]
        assert chromium_lists(page, "Why: what in your answers led to this") == [len(sources)]
    pdf = tmp_path / "fainting.pdf"
    write_report(html, str(pdf))
    text = "\n".join(pdf_page_texts(pdf))
    listed = text.rsplit("\nSources\n", 1)[1]
    assert [int(n) for n in re.findall(r"^ *(\d+)\. ", listed, flags=re.MULTILINE)] == list(range(1, len(sources) + 1))


def test_a_list_heading_is_never_the_last_line_of_a_printed_page_wherever_the_list_falls(tmp_path: Path, screener: Any) -> None:
    """The list is pushed down the page a few millimetres at a time, printed by WeasyPrint (the
    PDF) and by Chromium (the web page's Print), and no page may end with "What to do" or
    "Sources" with the list's first item on the next page."""
    import subprocess

    from screener.reports import person_report, write_report

    html = person_report(json.loads(FAINTING.read_text()), screener=screener, generated=WHEN)
    ends: Counter[str] = Counter()
    stranded = []
    with browser() as chromium:
        page = chromium.new_page()
        for millimetres in range(0, 48, 4):
            spacer = f'<div style="height: {millimetres}mm"></div>'
            pushed = html.replace('<section aria-labelledby="recommendations-heading">', spacer + '<section aria-labelledby="recommendations-heading">', 1)
            pushed = pushed.replace("<h3>Sources</h3>", spacer + "<h3>Sources</h3>", 1)
            weasyprint_pdf, chromium_pdf = tmp_path / f"w{millimetres}.pdf", tmp_path / f"c{millimetres}.pdf"
            write_report(pushed, str(weasyprint_pdf))
            page.set_content(pushed)
            page.pdf(path=str(chromium_pdf), format="A4")
            for engine, pdf in (("weasyprint", weasyprint_pdf), ("chromium", chromium_pdf)):
                text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
                for number, page_text in enumerate(text.split("\f"), 1):
                    body = page_text.split(screener.ruleset.disclaimer[:60])[0]
                    lines = [line.strip() for line in body.splitlines() if line.strip()]
                    if lines:
                        ends[lines[-1]] += 1
                        if lines[-1] in ("What to do", "Sources"):
                            stranded.append(f"{engine}, {millimetres} mm lower: page {number} ends with {lines[-1]!r}")
    assert sum(ends.values()) > 100  # every page of every printout was read
    assert stranded == []


def phone_cohort(screener: Any) -> str:
    """The example cohort, with an id that is one long word and a file with a long path, its
    counts multiplied as if it were a cohort of five million (seven-digit counts)."""
    from screener.reports import cohort_report, new_tally

    tally = new_tally(screener.ruleset)
    lines = (ROOT / "examples/cohort.jsonl").read_text().splitlines()
    for position, line in enumerate(lines, 1):
        tally.add(screener.screen_entry(json.loads(line), source="examples/cohort.jsonl", position=position))
    long_id = {"id": "ward7-bed12-HargreavesWorthingtonEdithNHS9434765919", "age": 80, "red_flags_now": ["chest_pain"]}
    tally.add(screener.screen_entry(long_id, source="exports/2025/november/ward-7-cardiology-and-renal.jsonl", position=1))
    tally.add({"status": "invalid", "id": "x" * 60, "source": "exports/2025/november/ward-7-cardiology-and-renal.jsonl",
               "position": 2, "errors": [{"path": "$.labs.potassium.unit", "message": "not a unit"}]})
    scale = 100_000
    for counter in (*tally.levels.values(), tally.urgency, tally.coverage, tally.risk_factors, tally.red_flags):
        for key in counter:
            counter[key] *= scale
    tally.records, tally.screened = tally.records * scale, tally.screened * scale
    return cohort_report(tally, screener.ruleset, sources=["examples/cohort.jsonl"], generated=WHEN)


def test_no_cohort_table_scrolls_sideways_on_a_phone_and_each_stays_a_table_with_its_headers(
    tmp_path: Path, screener: Any
) -> None:
    from screener.reports import write_report

    page_file = tmp_path / "cohort.html"
    write_report(phone_cohort(screener), str(page_file))
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 390, "height": 900})
        page.goto(page_file.as_uri())
        page.evaluate("() => document.querySelectorAll('details').forEach(details => { details.open = true; })")  # every value too
        scrolling = page.evaluate(
            "() => [...document.querySelectorAll('table, .table-scroll')]"
            ".filter(box => box.scrollWidth > box.clientWidth)"
            ".map(box => `${box.id || box.querySelector('table').id}: ${box.scrollWidth} > ${box.clientWidth}`)"
        )
        assert scrolling == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        tables = page.evaluate("() => [...document.querySelectorAll('table')].map(table => table.id)")
        assert {"levels-table", "urgent-table", "invalid-table"} <= set(tables)
        for table in tables:
            header_cells = page.evaluate(f"document.querySelectorAll('#{table} thead th').length")
            row_headers = page.evaluate(f"document.querySelectorAll('#{table} tbody th').length")
            assert chromium_roles(page, f"#{table}") == ["table"], table
            assert chromium_roles(page, f"#{table} thead th") == ["columnheader"] * header_cells, table
            assert chromium_roles(page, f"#{table} tbody th") == ["rowheader"] * row_headers, table
            assert set(chromium_roles(page, f"#{table} tbody td")) <= {"cell", "gridcell"}, table
        # On a phone a cell of the record list says what it is; a screen reader hears that from the header.
        card = page.evaluate(
            "() => { const cell = document.querySelector('#urgent-table tbody td[data-label]');"
            " return [getComputedStyle(cell, '::before').content, cell.getBoundingClientRect().width]; }"
        )
        assert card[0].startswith('attr(data-label)') or card[0].startswith('"Why: ')
        assert card[1] > 300  # a card, one cell per line


def tab_stops(page: Any, most: int = 60) -> list[str]:
    """What the Tab key reaches, in order, from the top of the page until it leaves the page or
    comes back to where it began: each element's tag, class and, for a box, the table it holds."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    stops: list[str] = []
    seen: set[int] = set()
    for _ in range(most):
        page.keyboard.press("Tab")
        place, stop = page.evaluate(
            "() => { const e = document.activeElement; if (!e || e === document.body) return [-1, ''];"
            " return [[...document.querySelectorAll('*')].indexOf(e), e.tagName.toLowerCase()"
            " + (e.className ? '.' + e.className : '') + (e.querySelector('table') ? ' holding ' + e.querySelector('table').id : '')]; }"
        )
        if place < 0 or place in seen:
            break
        seen.add(place)
        stops.append(stop)
    return stops


@pytest.mark.parametrize("width", [390, 660, 1280])
def test_the_record_lists_are_no_keyboard_stop_where_nothing_in_them_scrolls(tmp_path: Path, screener: Any, width: int) -> None:
    """Their wrappers were each a Tab stop (a scrolling region) at every width, though on a phone
    they are cards and on a wider screen the tables fit: a keyboard user stopped twice on nothing.
    Nothing scrolls at any width now (a long id or path wraps); a browser makes a box that does
    scroll a Tab stop of itself (Chromium since version 130)."""
    from screener.reports import write_report

    page_file = tmp_path / "cohort.html"
    write_report(phone_cohort(screener), str(page_file))
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": width, "height": 900})
        page.goto(page_file.as_uri())
        scrolling = page.evaluate(
            "() => [...document.querySelectorAll('table, .table-scroll')].filter(box => box.scrollWidth > box.clientWidth)"
            ".map(box => box.id || box.querySelector('table').id)"
        )
        assert scrolling == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        stops = tab_stops(page)
        assert stops[0] == "a.skip-link"
        assert [stop for stop in stops if "table" in stop] == []
        assert all(stop.startswith(("a", "summary")) for stop in stops), stops


#: The "·" separators in the boxes that ``selector`` matches that start a line: each with the words
#: around it. A separator belongs to the words before it: on a new line it reads as a bullet.
SEPARATORS_STARTING_A_LINE = """(selector) => {
  const found = [];
  for (const box of document.querySelectorAll(selector)) {
    const characters = [];
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        if (/\\s/.test(node.data[i])) continue;
        const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
        const rect = range.getBoundingClientRect();
        if (rect.width || rect.height) characters.push([node.data[i], rect]);
      }
    }
    characters.forEach(([character, rect], index) => {
      if (character !== '·' || index === 0) return;
      const before = characters[index - 1][1];
      if (rect.top >= before.bottom - 1) found.push(box.textContent.replace(/\\s+/g, ' ').trim());
    });
  }
  return found;
}"""


def test_no_line_of_a_report_header_starts_with_a_separator_at_any_phone_width(tmp_path: Path, screener: Any) -> None:
    """At 390 px the cohort header once read "Report made 29 November 2025, 10:30 UTC" and then
    "· From: examples/cohort.jsonl" on the next line, as if the file were a list item."""
    from datetime import datetime, timedelta, timezone

    from screener.reports import person_report, write_report

    late_in_new_york = datetime(2025, 11, 29, 23, 30, tzinfo=timezone(timedelta(hours=-5), "EST"))
    answers = json.loads(FAINTING.read_text()) | {"id": "Margaret Hargreaves-Worthington"}
    pages = {"cohort": phone_cohort(screener), "person": person_report(answers, screener=screener, generated=late_in_new_york)}
    starting = []
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 390, "height": 900})
        for name, html in pages.items():
            page_file = tmp_path / f"{name}.html"
            write_report(html, str(page_file))
            page.goto(page_file.as_uri())
            header = " ".join(page.locator(".meta").inner_text().split())
            assert re.fullmatch(r"(For: \S.* · )?Report made \S.* · (From: \S+ · )?Screening only, not a diagnosis", header), header
            for width in range(320, 481, 8):
                page.set_viewport_size({"width": width, "height": 900})
                for line in page.evaluate(SEPARATORS_STARTING_A_LINE, ".meta, .summary-grid dd"):
                    starting.append(f"{name} at {width} px: {line}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 480
    assert starting == []
