"""The end of the questionnaire: the review (change any answer), the result, and the downloads.

The result is the screener's result for the answers exactly as "download my answers" saves
them, so ``mgk-screen batch`` (or ``screen``) on the downloaded file gives the same result.
"""

from __future__ import annotations

import json

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from screener.web.app import web_context
from screener.web.pages import current_session, go, session_form, to_start
from screener.web.render import page

router = APIRouter(include_in_schema=False)
ANSWERS_FILE = "mgk-screen-answers.json"


@router.get("/review")
def review_page(request: Request) -> Response:
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


@router.get("/result")
def result_page(request: Request) -> Response:
    session = current_session(request)
    if session is None:
        return to_start(request)
    interview = session.interview
    if not interview.finished and not session.stopped:
        return go("/question")
    web = web_context(request)
    result = web.screen(interview.answers)
    return page(
        request,
        "result.html",
        session=session,
        result=result,
        finished=interview.finished,
        answers_file=ANSWERS_FILE,
    )


@router.get("/answers.json")
def download_answers(request: Request) -> Response:
    """The answers so far as a valid answers file (for `mgk-screen screen`, `batch`, or to carry on later)."""
    session = current_session(request)
    if session is None:
        return to_start(request)
    text = json.dumps(session.interview.answers, indent=2, ensure_ascii=False) + "\n"
    return Response(
        text,
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="{ANSWERS_FILE}"'},
    )

