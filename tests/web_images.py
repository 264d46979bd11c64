"""The README's pictures of the local web page, taken by a real browser (Debian's chromium, driven
by Playwright) from the app really listening on 127.0.0.1. Run as a script to remake them:

    python tests/web_images.py      # writes docs/images/web-question.png and web-result.png

A question on a phone-sized screen, and the top of a result on a desktop one. The PNGs are
reduced to a small palette so that each stays at tens of kilobytes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_support import running_server, shared_app

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"


def _through(page: Any, label: str | None = None, text: str | None = None) -> None:
    if label is not None:
        page.get_by_label(label, exact=True).check()
    if text is not None:
        page.locator("#answer").fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()


def _save(page: Any, path: Path, height: int) -> None:
    from PIL import Image

    page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height})
    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main() -> None:
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(parents=True, exist_ok=True)
    with running_server(shared_app()) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
        phone.goto(base + "/")
        with phone.expect_navigation():
            phone.get_by_role("button", name="Start").click()
        _through(phone, label="None of these")
        _through(phone, text="72")
        _through(phone, label="Female")
        _through(phone, label="Yes")
        _through(phone, text="Lasix 40 mg, omeprazole")
        _save(phone, IMAGES / "web-question.png", 700)

        for label in ("Yes", "Yes", "Yes", "Never", "No", "No", "No", "None of these", "Most days"):
            _through(phone, label=label)
        _through(phone, text="1")
        _through(phone, label="Muscle cramps")
        _through(phone, label="None of these")
        _through(phone, text="")
        _through(phone, text="")
        cookies = phone.context.cookies()
        desktop_context = browser.new_context(viewport={"width": 1000, "height": 900})
        desktop_context.add_cookies(cookies)
        desktop = desktop_context.new_page()
        desktop.goto(base + "/result")
        _save(desktop, IMAGES / "web-result.png", 900)
        browser.close()
    for name in ("web-question.png", "web-result.png"):
        print(f"{IMAGES / name}: {(IMAGES / name).stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
