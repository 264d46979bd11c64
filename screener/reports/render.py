"""The template set and the two output formats: self-contained HTML, and PDF with WeasyPrint.

One Jinja2 environment for every page (``templates/``): a base layout (``base.html``) with the
styles inline, the result partials (``result/``) that the person report and the local web page
share, and the cohort report. Autoescaping is on for everything: ids, medicine names and error
messages come from users, and are always escaped. Nothing in a page points outside it (no
links to fonts, scripts or images), and the PDF renderer is given a URL fetcher that refuses
every URL, so making a report never touches the network.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

from screener.errors import InputError
from screener.extras import require

if TYPE_CHECKING:
    import jinja2

Paper = Literal["a4", "letter"]
PAPER_SIZES: Final[dict[str, str]] = {"a4": "A4", "letter": "letter"}
REPORT_FORMATS: Final = (".html", ".htm", ".pdf")


def require_reports(pdf: bool = False) -> None:
    """Raise ``MissingExtra`` (one line with the install command) unless the reports extra is installed."""
    modules = ["jinja2", "matplotlib"] + (["weasyprint"] if pdf else [])
    require("reports", "making a report", *modules)


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The report template set (loaded once)."""
    require_reports()
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("screener.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(report_filters())
    return env


def report_filters() -> dict[str, Any]:
    """The filters the report templates use, for every template set that includes them (the web
    page's result includes the report's partials)."""
    return {
        "css_string": css_string,
        "number": lambda value: f"{value:,}",
        "words": lambda code: str(code).replace("_", " "),
        "units_together": units_together,
        "short_reasons": short_reasons,
    }


def short_reasons(findings: Sequence[Any]) -> list[Any]:
    """The findings of the one-page summary's "Why, in short", red flags first: a finding that
    only restates another of the same title is left out ("Age 65 or over. Because: Age 65 or over:
    yes", the risk factor, beside the fact "Age 65 or over. Because: Age: 81 years"): one line
    would say the same as the other."""
    titles = [finding.title for finding in findings]

    def restates(finding: Any) -> bool:
        because = [evidence for evidence in finding.evidence if evidence.value != "no"]
        same = finding.title.casefold()
        return titles.count(finding.title) > 1 and bool(because) and all(evidence.label.casefold() == same for evidence in because)

    kept = [finding for finding in findings if not restates(finding)]
    return sorted(kept, key=lambda finding: not finding.red_flag)


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


#: A value with its unit ("6.7 mmol/L", "2.5-2.9 mmol/L") or a unit alone: printed on one line.
_WITH_UNIT = re.compile(r"(?:\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)? )?(?:mmol/L|mg/dL|mEq/L|mg/L)")


def units_together(text: str) -> Any:
    """Text (escaped) with each value and its unit kept on one line: a narrow column or the end
    of a printed line otherwise breaks after the slash ("6.7 mmol/" then "L" on the next line)."""
    from markupsafe import Markup, escape

    escaped = str(escape(text))
    return Markup(_WITH_UNIT.sub(lambda found: f'<span class="unit">{found.group(0)}</span>', escaped))


def css_string(text: str) -> Any:
    """Text as a CSS string literal, safe inside a <style> element (for the running footer)."""
    from markupsafe import Markup

    escaped = []
    for character in str(text):
        if character in "\"\\<>&'" or ord(character) < 0x20 or ord(character) == 0x7F:
            escaped.append(f"\\{ord(character):x} ")
        else:
            escaped.append(character)
    return Markup('"' + "".join(escaped) + '"')


def html_to_pdf(html: str, paper: Paper = "a4") -> bytes:
    """The page as a PDF on A4 or US Letter; nothing outside the page is fetched."""
    require_reports(pdf=True)
    import weasyprint

    page = weasyprint.CSS(string=f"@page {{ size: {PAPER_SIZES[paper]}; }}")
    document = weasyprint.HTML(string=_with_font_note(html), url_fetcher=_no_fetching(weasyprint))
    pdf: bytes = document.write_pdf(stylesheets=[page])
    return pdf


def _with_font_note(page: str) -> str:
    """The page, with a note above the report when some of its characters (a name in Chinese,
    Japanese or Korean, say) are in no font on this computer and would print as empty boxes."""
    import html as html_text

    from screener.reports.fonts import missing_characters, missing_font_note, page_text

    missing = missing_characters(page_text(page))
    if not missing:
        return page
    words = html_text.escape(missing_font_note(missing))
    for name in ("fonts-wqy-microhei", "fonts-noto-cjk", "-o report.html"):  # never split at their hyphens
        words = words.replace(name, f'<code style="white-space: nowrap">{name}</code>')
    note = f'<p class="alert font-note" role="note">{words}</p>'
    opening = re.search(r"<body\b[^>]*>", page)  # the first thing on the first page
    at = opening.end() if opening else 0
    return page[:at] + note + page[at:]


def _no_fetching(weasyprint: Any) -> Any:
    """A WeasyPrint URL fetcher that allows no protocol at all."""
    fetcher_class = getattr(weasyprint.urls, "URLFetcher", None)
    if fetcher_class is not None:  # WeasyPrint 66 and later: a fetcher object
        return fetcher_class(allowed_protocols=())

    def refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"a report never loads anything from outside itself (asked for {url[:80]})")

    return refuse


def report_format(path: str) -> str:
    """"html" or "pdf", from the output file's name."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in REPORT_FORMATS:
        raise InputError(
            f"cannot tell the report format from {path!r}",
            hint="name the output file .html or .pdf, for example -o report.html",
        )
    return "pdf" if suffix == ".pdf" else "html"


def write_report(html: str, path: str, *, paper: Paper = "a4") -> str:
    """Write the page to ``path`` as HTML or PDF (by its suffix), atomically; returns the format."""
    from screener.batch.writers import write_atomically

    kind = report_format(path)
    content: str | bytes = html_to_pdf(html, paper) if kind == "pdf" else html
    write_atomically(path, content, hint="give a file name, such as report.html or report.pdf")
    return kind
