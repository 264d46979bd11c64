"""The page templates and rendering a page as a response.

One template set: the web page's own templates (``templates/``: the layout, the questions, the
review) and the report templates of ``screener.reports`` (``result/``: one partial per part of a
result), which the result page includes, so a result reads the same on screen, printed from the
browser, and in the PDF. Autoescaping is on everywhere: medicine names, ids and error messages
come from the person. Pages link their styles and their one script from ``/static`` (nothing
inline, so the Content-Security-Policy can forbid inline script and style), and load nothing
from elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

from screener import __version__

if TYPE_CHECKING:
    from starlette.requests import Request

    from screener.web.sessions import Session


def environment() -> jinja2.Environment:
    from screener.reports.render import report_filters

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader("screener.web", "templates"), jinja2.PackageLoader("screener.reports", "templates")]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(report_filters())
    env.filters["code_spans"] = code_spans
    env.globals["version"] = __version__
    return env


def page(
    request: Request, template: str, *, session: Session | None = None, status: int = 200, **context: Any
) -> HTMLResponse:
    """One page as a response. Every page gets the session (for its forms' CSRF token and the
    red-flag banner) and the notices waiting for it."""
    from screener.web.context import web_context

    web = web_context(request)
    notices = session.take_notices() if session is not None else []
    file_notes = session.take_file_notes() if session is not None else []
    red_flags: list[str] = []
    if session is not None:
        labels = {c.value: c.label for item in web.questionnaire.items if item.red_flag for c in item.choices}
        red_flags = [labels.get(code, str(code)) for code in session.interview.red_flags]
    html = web.templates.get_template(template).render(
        session=session,
        csrf=session.csrf if session is not None else "",
        notices=notices,
        file_notes=file_notes,
        red_flags_now=red_flags,
        emergency_advice=web.questionnaire.emergency_advice,
        emergency_numbers=web.questionnaire.emergency_numbers,
        idle_seconds=web.sessions.idle_seconds,
        custom_rules=web.screener.ruleset.in_words if not web.screener.ruleset.shipped else "",
        **context,
    )
    return HTMLResponse(html, status_code=status)


def code_spans(text: str) -> Markup:
    """Text with `backticks` shown as code (everything else escaped)."""
    out = Markup("")
    for index, part in enumerate(str(text).split("`")):
        out += Markup('<span class="code">{}</span>').format(part) if index % 2 else escape(part)
    return out
