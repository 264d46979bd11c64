"""The end of the questionnaire: the review (change any answer), the result, and the downloads.

The result page shows the report of ``screener.reports`` (its result partials, in the web page's
layout), and the PDF is that same report made by the reports library. The result is the
screener's result for the answers exactly as "download my answers" saves them, so
``mgk-screen batch`` (or ``screen``) on the downloaded file gives the same result.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from screener.extras import MissingExtra, install_command
from screener.web.context import web_context
from screener.web.pages import current_session, go, session_form, to_start
from screener.web.render import page

if TYPE_CHECKING:
    from screener.reports.person import PersonView
    from screener.reports.render import Paper
    from screener.web.context import WebContext
    from screener.web.sessions import Session

router = APIRouter(include_in_schema=False)
styles = APIRouter(include_in_schema=False)
ANSWERS_FILE = "mgk-screen-answers.json"
PAPERS = {"a4": "A4", "letter": "US Letter"}


@router.get("/review")
async def review_page(request: Request) -> Response:
    session = current_session(request)
    if session is None:
        return to_start(request)
    interview = session.interview
    if not interview.finished and not session.stopped:
        return go("/question")
    return page(request, "review.html", session=session, lines=interview.review(), finished=interview.finished)


@router.post("/review/change")
async def change(request: Request) -> Response:
    checked = await session_form(request)
    if isinstance(checked, Response):
        return checked
    session, form = checked
    try:
        session.interview.change(form.get("item"))
    except KeyError:
        session.notices.append("That question does not apply to your answers now, so there was nothing to change.")
        return go("/review")
    session.stopped = False
    return go("/question")


@router.post("/carry-on")
async def carry_on(request: Request) -> Response:
    """Back to the questions after choosing to see the result early."""
    checked = await session_form(request)
    if isinstance(checked, Response):
        return checked
    session, _ = checked
    session.stopped = False
    return go("/question")


def result_view(web: WebContext, session: Session, zone: str | None = None) -> PersonView:
    """The report's view of this session's result, for the page and the PDF alike; made now in
    the time zone ``zone`` (the browser's, an IANA name such as ``Europe/Paris``), or in the
    server's when it is not given or not a zone this computer knows (the zone is named either way)."""
    from screener.reports.person import person_view, rule_raises

    answers = session.interview.answers
    result = web.screen(answers).model_dump(mode="json", exclude_none=True)
    ruleset = web.screener.ruleset
    return person_view(
        result,
        web.words,
        answers=answers,
        urgency_text=ruleset.urgency_text,
        step_labels=dict(ruleset.steps),
        raises=rule_raises(ruleset),
        generated=made_now(zone),
    )


def made_now(zone: str | None) -> datetime:
    """Now, in the time zone named ``zone`` (an IANA name), else in the server's."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if zone and len(zone) <= _ZONE_LENGTH and _ZONE_NAME.fullmatch(zone):
        try:
            return datetime.now(ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError, OSError):  # not a zone (a folder: "America"): the server's, named
            pass
    return datetime.now().astimezone()


#: What an IANA time zone name looks like ("Europe/Paris", "America/Argentina/Buenos_Aires",
#: "Etc/GMT+5", "UTC"): anything else from the query string is not looked up.
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,2}")
_ZONE_LENGTH = 64


def _ready(request: Request) -> Session | Response:
    """The session, when its result can be shown (every question answered, or stopped early)."""
    session = current_session(request)
    if session is None:
        return to_start(request)
    if not session.interview.finished and not session.stopped:
        return go("/question")
    return session


def _pdf_missing() -> str:
    """What the PDF needs when the reports extra is not installed (empty when it is)."""
    from screener.reports.render import require_reports

    try:
        require_reports(pdf=True)
    except MissingExtra as missing:
        return install_command(missing.extra)
    return ""


@router.get("/result")
async def result_page(request: Request) -> Response:
    session = _ready(request)
    if isinstance(session, Response):
        return session
    return page(
        request,
        "result.html",
        session=session,
        person=result_view(web_context(request), session),
        finished=session.interview.finished,
        answers_file=ANSWERS_FILE,
        # what the download cannot hold (a first AUDIT-C answer without the other two), said as `ask` says it
        unsaved=session.interview.unsaved_notes,
        papers=PAPERS,
        # Checked here so that the page offers no PDF button that would fetch only an error.
        pdf_missing=await run_in_threadpool(_pdf_missing),
    )


@router.get("/result.pdf")
async def result_pdf(request: Request, paper: str = "a4", zone: str | None = None) -> Response:
    """The printable report as a PDF, made by the reports library (WeasyPrint), dated in the
    browser's time zone (``zone``, which the page's script adds to the link) when it gives one."""
    from screener.reports.render import html_to_pdf, render, require_reports

    session = _ready(request)
    if isinstance(session, Response):
        return session
    size: Paper = "letter" if paper == "letter" else "a4"
    try:
        require_reports(pdf=True)
    except MissingExtra as missing:
        return page(request, "error.html", session=session, status=501, title="PDF not available", detail=str(missing))
    view = result_view(web_context(request), session, zone)
    html = render("person.html", person=view, title="Screening result")
    pdf: bytes = await run_in_threadpool(html_to_pdf, html, size)
    return Response(
        pdf, media_type="application/pdf", headers={"content-disposition": 'attachment; filename="mgk-screen-result.pdf"'}
    )


@router.get("/answers.json")
async def download_answers(request: Request) -> Response:
    """The answers so far as a valid answers file (for `mgk-screen screen`, `batch`, or to carry on later)."""
    session = current_session(request)
    if session is None:
        return to_start(request)
    text = json.dumps(session.interview.answers_so_far, indent=2, ensure_ascii=False) + "\n"
    return Response(
        text,
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="{ANSWERS_FILE}"'},
    )


# -- the report's styles, as files (the page's policy allows no inline style) -------------------


@styles.get("/static/report/styles.css")
async def report_styles() -> Response:
    text = resources.files("screener.reports").joinpath("templates").joinpath("styles.css").read_text(encoding="utf-8")
    return Response(text, media_type="text/css")


@styles.get("/static/report/print.css")
async def report_print_footer(request: Request) -> Response:
    """The printed footer of the report (the disclaimer and the page number on every page)."""
    web = web_context(request)
    footer: Any = web.templates.get_template("print_footer.css")
    text = footer.render(footer_text=f"{web.screener.ruleset.disclaimer} · mgk-screen")
    return Response(text, media_type="text/css")
