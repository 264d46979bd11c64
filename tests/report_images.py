"""Reports as pictures: pages rendered by a real browser (Debian's chromium, driven by Playwright)
and PDF pages turned into PNG by pdftoppm. Used by tests/test_reports_browser.py, and run as a
script to remake the README's screenshots:

    python tests/report_images.py        # writes docs/images/report-person.png and report-cohort.png
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: A fixed moment (in UTC, as a report prints its time zone), so that pictures and pages do not
#: change from one run, or one computer's time zone, to the next.
WHEN = datetime(2025, 11, 29, 10, 30, tzinfo=timezone.utc)


def tools_missing() -> list[str]:
    missing = [] if Path(CHROMIUM).exists() else [CHROMIUM]
    return missing + [tool for tool in ("pdftoppm", "pdftotext") if shutil.which(tool) is None]


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def screenshot(chromium: Any, page_file: Path, png: Path, width: int, *, clip_height: int | None = None) -> dict[str, int]:
    """A full-page screenshot at ``width`` CSS pixels; returns the page's scroll width and height."""
    page = chromium.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(page_file.as_uri())
        size: dict[str, int] = page.evaluate(
            "() => ({width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight})"
        )
        if clip_height is None:
            page.screenshot(path=str(png), full_page=True)
        else:
            page.screenshot(path=str(png), clip={"x": 0, "y": 0, "width": width, "height": min(clip_height, size["height"])})
        return size
    finally:
        page.close()


def pdf_pages(pdf: Path, prefix: Path, dpi: int = 50) -> list[Path]:
    """Every page of a PDF as a PNG (pdftoppm)."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True, capture_output=True)
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))


def pdf_page_texts(pdf: Path) -> list[str]:
    """The text of each page of a PDF (pdftotext; pages are separated by form feeds)."""
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True)
    return [page for page in done.stdout.split("\f") if page.strip()]


def spread(png: Path) -> float:
    """The standard deviation of the picture's grey levels: 0 for a blank page."""
    from PIL import Image, ImageStat

    with Image.open(png) as picture:
        return float(ImageStat.Stat(picture.convert("L")).stddev[0])


def make_readme_images(folder: Path = ROOT / "docs" / "images") -> list[Path]:
    """The README's screenshots: the top of each report at 1280 px, scaled down and reduced to
    a small palette so each stays a few tens of KB."""
    import tempfile

    from PIL import Image

    from screener import Screener
    from screener.reports import cohort_report, new_tally, person_report, write_report

    folder.mkdir(parents=True, exist_ok=True)
    screener = Screener()
    answers = json.loads((ROOT / "examples/personas/older-adult-on-furosemide-with-cramps.json").read_text())
    tally = new_tally(screener.ruleset)
    for line in (ROOT / "examples/cohort.jsonl").read_text().splitlines():
        tally.add(screener.screen_entry(json.loads(line), source="examples/cohort.jsonl", position=tally.records + 1))
    pages = {
        "report-person": person_report(answers, screener=screener, generated=WHEN),
        "report-cohort": cohort_report(tally, screener.ruleset, sources=["examples/cohort.jsonl"], generated=WHEN),
    }
    written = []
    with tempfile.TemporaryDirectory() as scratch, browser() as chromium:
        for name, html in pages.items():
            page_file = Path(scratch) / f"{name}.html"
            write_report(html, str(page_file))
            raw = Path(scratch) / f"{name}.png"
            screenshot(chromium, page_file, raw, 1280, clip_height=1500)
            with Image.open(raw) as picture:
                cropped = picture.crop((140, 0, 1140, picture.height))  # the page's text column and a margin
                small = cropped.resize((cropped.width * 7 // 10, cropped.height * 7 // 10), Image.Resampling.LANCZOS)
                target = folder / f"{name}.png"
                small.convert("RGB").quantize(colors=64, method=Image.Quantize.FASTOCTREE).save(target, optimize=True)
                written.append(target)
    return written


if __name__ == "__main__":
    for path in make_readme_images():
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB", file=sys.stderr)
