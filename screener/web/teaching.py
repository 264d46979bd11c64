"""Teaching examples on the web page: the made-up people `mgk-screen demo` walks through.

A class sees one in the browser the way a patient would: opening an example starts a session
with that person's answers and goes straight to the result (with the story and its questions for
discussion above it). From there "Change an answer" leads to the review, where changing one
answer and seeing what moves is `mgk-screen compare --set` in a browser. The answers go through
the same interview and screener as everyone's; nothing here decides anything clinical.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from screener.teaching.personas import Persona, list_personas, personas_folder
from screener.teaching.words import TeachingError
from screener.web.context import web_context
from screener.web.pages import COOKIE, check_start_token, current_session, go, read_form, with_session_cookie
from screener.web.render import page

if TYPE_CHECKING:
    from screener.interview import Interview

router = APIRouter(include_in_schema=False)


@functools.cache
def shipped_examples() -> tuple[Persona, ...]:
    """The personas installed with mgk-screen (read once: they do not change while it runs)."""
    try:
        return tuple(list_personas(personas_folder()))
    except TeachingError:  # a broken install: the page says there are none rather than failing
        return ()


@router.get("/examples")
async def examples_page(request: Request) -> Response:
    return page(
        request,
        "examples.html",
        session=current_session(request),
        examples=shipped_examples(),
        start_token=web_context(request).start_tokens.issue(),
    )


@router.post("/examples/open")
async def open_example(request: Request) -> Response:
    """Start a session with a teaching example's answers, and show its result."""
    web = web_context(request)
    form = await read_form(request)
    check_start_token(request, form)
    wanted = form.get("example")
    example = next((persona for persona in shipped_examples() if persona.name == wanted), None)
    if example is None:
        raise HTTPException(404, f"There is no teaching example called '{wanted}'. The examples are listed at /examples.")
    web.sessions.end(request.cookies.get(COOKIE))
    interview = web.new_interview(example.answers)
    _skip_the_unanswered(interview)
    session = web.sessions.create(interview)
    session.example = example
    session.stopped = not interview.finished
    session.notices.append(
        "This is a teaching example: a made-up person's answers, not yours. "
        "Use “Change an answer” to change one and see what moves."
    )
    return with_session_cookie(go("/result"), session)


def _skip_the_unanswered(interview: Interview) -> None:
    """Skip the questions an example leaves unanswered (a lab result only, say), as a person may:
    they stay unknown, never "no", and the answers are unchanged. Changing one answer on the
    review then leads back to the review, not on through every question the example never
    answered. A question that cannot be skipped (what is happening now) stops it: the result is
    then for the answers given so far, as when a person stops early."""
    while interview.next_question() is not None:
        if interview.answer("skip").status != "skipped":
            return
