"""Names in Chinese, Japanese or Korean on paper: where a CJK font is installed (.ci/run installs
fonts-wqy-microhei) the PDF prints them with it; where none is, the PDF says so above the report,
naming the characters by code point and what to install, instead of empty boxes with no word of
why. The machine without a CJK font is made by giving fontconfig only matplotlib's DejaVu fonts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from report_images import tools_missing

pytest.importorskip("weasyprint", reason="the reports extra is part of the test extra")
pytestmark = pytest.mark.skipif(bool(tools_missing()), reason=f"needs {', '.join(tools_missing())} (installed by .ci/run)")

#: A grandmother in Taipei, a patient in Osaka and one in Seoul, in one record's id, and a
#: medicine as a Japanese patient writes it (Loxonin, in katakana).
ANSWERS = {"id": "王小明 / 佐藤さくら / 김민준", "age": 72, "medications": ["Lasix 40 mg", "ロキソニン"], "symptoms": ["muscle_cramps"]}
NOTE_START = "This PDF cannot show"


def report(tmp_path: Path, env: dict[str, str] | None = None) -> tuple[Path, str, str]:
    """The PDF made by `mgk-screen report` in a process of its own (fontconfig reads its fonts
    once per process), its text, and its fonts as pdffonts lists them."""
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS, ensure_ascii=False), encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "screener", "report", str(answers), "-o", str(pdf)],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return pdf, text, fonts


def _cjk_font_installed() -> bool:
    from screener.reports.fonts import missing_characters

    return not missing_characters("王さ김")


@pytest.mark.skipif(not _cjk_font_installed() and not os.environ.get("CI"), reason="no CJK font here (.ci/run installs fonts-wqy-microhei)")
def test_a_name_in_chinese_japanese_and_korean_prints_with_a_cjk_font_where_one_is_installed(tmp_path: Path) -> None:
    _, text, fonts = report(tmp_path)
    assert "王小明 / 佐藤さくら / 김민준" in text
    cjk = [line.split()[0] for line in fonts.splitlines()[2:] if "DejaVu" not in line]
    assert cjk, fonts  # a font besides DejaVu draws them (WenQuanYi Micro Hei in CI)
    assert NOTE_START not in text


def test_where_no_font_has_them_the_pdf_says_so_above_the_report_instead_of_boxes_alone(tmp_path: Path) -> None:
    import matplotlib

    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{dejavu}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    _, text, fonts = report(tmp_path, {"FONTCONFIG_FILE": str(config)})
    assert all("DejaVu" in line for line in fonts.splitlines()[2:]), fonts  # the boxes: DejaVu's empty glyph
    words = " ".join(text.split())
    assert words.startswith(
        "This PDF cannot show 16 Chinese, Japanese or Korean letters (U+738B U+5C0F U+660E U+4F50 U+85E4 U+3055 ...): "
        "no font on the computer that made it has them, so each prints as an empty box."
    ), words[:300]
    assert "install a font that has them (on Debian or Ubuntu: fonts-wqy-microhei or fonts-noto-cjk)" in words


def test_a_report_in_latin_letters_alone_has_no_such_note() -> None:
    from screener.reports.fonts import missing_characters

    assert missing_characters("Zoë Müller · Łódź — “naïve” → 3.5 mmol/L") == []


def test_the_html_report_has_no_such_note_since_a_browser_uses_its_own_fonts(screener) -> None:  # type: ignore[no-untyped-def]
    from screener.reports import person_report

    page = person_report(ANSWERS, screener=screener)
    assert "王小明" in page
    assert NOTE_START not in page
