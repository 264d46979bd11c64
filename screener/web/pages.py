"""The questionnaire pages: start, one question per page, the emergency advice, back and restart.

Plain HTML forms, each answered with a redirect to the next page (POST-redirect-GET), so the
browser's back, forward and reload buttons never send an answer twice. Every form carries a
CSRF token (the session's, or before a session exists a signed start token); a form without
the right one is refused with 403. The interview core says which question comes next and what
a reply means; these handlers only move between pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from screener.web.context import web_context
from screener.web.forms import KEEP, FormProblem, page_words, question_form, reply_text
from screener.web.render import page
from screener.web.security import refusal, same_token

if TYPE_CHECKING:
    from screener.interview import Question
    from screener.web.sessions import Session

router = APIRouter(include_in_schema=False)
COOKIE = "mgk_session"
CSRF_FIELD = "csrf"
_REFUSED = "This form is out of date or did not come from this page (its security token is wrong)."


# -- sessions and tokens ------------------------------------------------------------------------


def current_session(request: Request) -> Session | None:
    return web_context(request).sessions.get(request.cookies.get(COOKIE))


def to_start(request: Request) -> RedirectResponse:
    """Back to the start page; it says the session ended when the browser still had one."""
    ended = COOKIE in request.cookies
    return RedirectResponse("/?ended=1" if ended else "/", status_code=303)


def go(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@dataclass(frozen=True)
class Submitted:
    """A submitted form, read whole and closed: text fields (each a list of its values) and files."""

    fields: dict[str, list[str]]
    files: dict[str, bytes]

    def get(self, name: str, default: str = "") -> str:
        return next(iter(self.fields.get(name, ())), default)


async def read_form(request: Request) -> Submitted:
    """The form of a request (urlencoded or multipart). Uploaded files are read into memory (the
    body limit bounds them) and their temporary files closed at once."""
    fields: dict[str, list[str]] = {}
    files: dict[str, bytes] = {}
    async with request.form() as form:
        for name, value in form.multi_items():
            if isinstance(value, str):
                fields.setdefault(name, []).append(value)
            else:
                files[name] = await value.read()
    return Submitted(fields, files)


async def session_form(request: Request) -> tuple[Session, Submitted] | Response:
    """The session and the submitted form, or the response refusing it: to the start page when
    there is no session (nothing to protect), 403 when the CSRF token is not the session's."""
    form = await read_form(request)
    session = current_session(request)
    if session is None:
        return to_start(request)
    if not same_token(form.get(CSRF_FIELD), session.csrf):
        raise HTTPException(403, _REFUSED)
    return session, form


def with_session_cookie(response: Response, session: Session) -> Response:
    response.set_cookie(COOKIE, session.token, httponly=True, samesite="strict", path="/")
    return response


# -- start --------------------------------------------------------------------------------------


@router.get("/")
async def start_page(request: Request, ended: str | None = None) -> Response:
    web = web_context(request)
    session = current_session(request)
    return page(
        request,
        "start.html",
        session=session,
        start_token=web.start_tokens.issue(),
        intro=web.questionnaire.intro.split("\n")[0],
        ended=ended is not None and session is None,
        idle_minutes=web.settings.idle_minutes,
        resume_errors=[],
    )


@router.post("/start")
async def start(request: Request) -> Response:
    web = web_context(request)
    check_start_token(request, await read_form(request))
    web.sessions.end(request.cookies.get(COOKIE))
    session = web.sessions.create(web.new_interview())
    return with_session_cookie(go("/question"), session)


@router.post("/resume")
async def resume(request: Request) -> Response:
    """Carry on from a downloaded answers file (checked exactly as the CLI checks it)."""
    from screener.interview.medicine_checks import resumed_without_asking
    from screener.web.reading import NO_FILE, page_words, read_answers

    web = web_context(request)
    form = await read_form(request)
    check_start_token(request, form)
    data = form.files.get("answers", b"")
    reading = read_answers(data, web)
    if reading.value is None:
        labels = {item.field: item.label for item in web.questionnaire.items}
        flag_labels = {c.value: c.label for item in web.questionnaire.items if item.red_flag for c in item.choices}
        return page(
            request,
            "start.html",
            status=422,
            start_token=web.start_tokens.issue(),
            intro=web.questionnaire.intro.split("\n")[0],
            ended=False,
            idle_minutes=web.settings.idle_minutes,
            resume_errors=page_words(reading.problems, labels) if data.strip() else [NO_FILE],
            # Red flags first, even of a file that cannot be used: said before what is wrong with it.
            file_red_flags=[flag_labels.get(code, code.replace("_", " ")) for code in reading.reported.get("red_flags", ())],
        )
    web.sessions.end(request.cookies.get(COOKIE))
    interview = web.new_interview(reading.value)
    session = web.sessions.create(interview)
    # What was done with the file, said together on the next page (a form tool's columns left out).
    session.file_notes += reading.notes
    session.file_notes += [f"'{path}' from the file does not fit the other answers, so it was left out." for path in interview.not_kept]
    # As `ask --resume` says it: a name in the file whose "Did you mean ...?" was never asked.
    session.file_notes += resumed_without_asking(
        interview.vocabulary, interview.medicines(), "use Change beside Medicines when you check your answers"
    )
    return with_session_cookie(go("/question"), session)


def check_start_token(request: Request, form: Submitted) -> None:
    if not web_context(request).start_tokens.valid(form.get(CSRF_FIELD)):
        raise HTTPException(403, _REFUSED)


@router.post("/restart")
async def restart(request: Request) -> Response:
    """Forget this session's answers now."""
    checked = await session_form(request)
    if isinstance(checked, Response):
        return checked
    session, _ = checked
    web_context(request).sessions.end(session.token)
    response = go("/")
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


# -- one question per page ----------------------------------------------------------------------


@router.get("/question")
async def question_page(request: Request, at: str | None = None) -> Response:
    """The question to answer now, at an address that names it (``/question?at=age``), so that
    each question is a page of the browser's history. Going back there (the browser's Back
    button) shows that question with its answer and changes nothing: Forward comes back, to the
    result too; a reply given there carries on from it, as the page's own Back button does (the
    answers given since are offered again, filled in). An address naming no question, or one
    with no answer, leads to the question of now."""
    session = current_session(request)
    if session is None:
        return to_start(request)
    if session.emergency_pending:
        return go("/emergency")
    interview = session.interview
    question = interview.next_question()
    if at is not None and (question is None or at != question.key):
        seen = interview.revisit(at)
        if seen is not None:
            again, number, value = seen
            return _question(request, session, again, revisit=(number, value))
    if question is None:
        return go("/review")
    if at != question.key:
        return go(f"/question?at={quote(question.key, safe='')}")
    return _question(request, session, question)


def _question(
    request: Request,
    session: Session,
    question: Question,
    *,
    error: str = "",
    error_field: str = "answer",
    given: dict[str, list[str]] | None = None,
    help_open: bool = False,
    revisit: tuple[int, Any] | None = None,
) -> Response:
    number, left = session.interview.progress()
    earlier = session.interview.earlier_answer(question.key)
    where = progress_words(number, left, question)
    if revisit is not None:
        number, earlier = revisit
        where = f"Question {number}, answered before" if question.kind == "item" else "Checking a medicine, answered before"
    return page(
        request,
        "question.html",
        session=session,
        status=422 if error else 200,
        question=question,
        form=question_form(question, given if error else None, earlier),
        progress=where,
        error=error,
        unit_error=bool(error) and error_field == "unit",
        help_open=help_open,
        can_go_back=number > 1 or question.kind != "item",
        revisit=revisit is not None,
        finished=session.interview.finished,
    )


def progress_words(number: int, left: int, question: Question) -> str:
    """Where the person is, in the words `ask` uses: "Question 7, about 12 to go". The count of
    what is left is an estimate (follow-up questions come only when they apply), so it is never
    shown as "7 of 19"."""
    where = f"about {left} to go" if left else "nearly done"
    if question.kind != "item":
        where = "checking a medicine"
    return f"Question {number}, {where}"


@router.post("/question")
async def answer(request: Request) -> Response:
    checked = await session_form(request)
    if isinstance(checked, Response):
        return checked
    session, form = checked
    interview = session.interview
    question = interview.next_question()
    if question is None:
        return go("/review")
    if form.get("key") != question.key and form.get("revisit") and interview.back_to(form.get("key")):
        # A reply at an earlier question seen again (the browser's Back button): carry on from it.
        question = interview.next_question()
    if question is None or form.get("key") != question.key:  # a page left open in another tab
        session.notices.append("That page was out of date, so nothing was changed. Here is the question to answer now.")
        return go("/question")
    given = form.fields
    action = form.get("action", "next")
    earlier = interview.earlier_answer(question.key)
    raw: str | FormProblem = "skip" if action == "skip" else KEEP if action == "keep" else reply_text(question, given, earlier)
    if isinstance(raw, FormProblem):
        return _question(request, session, question, error=raw.message, error_field=raw.field, given=given)
    reply = interview.answer(raw)
    if reply.status == "invalid":
        return _question(request, session, question, error=page_words(question, reply.message), given=given)
    if reply.status == "help":
        return _question(request, session, question, help_open=True)
    session.notices += list(reply.notes)
    if reply.emergency:
        session.emergency_pending = True
        return go("/emergency")
    return go("/question")


@router.post("/question/back")
async def back(request: Request) -> Response:
    checked = await session_form(request)
    if isinstance(checked, Response):
        return checked
    session, form = checked
    session.emergency_pending = False
    if form.get("revisit"):  # Back from an earlier question seen again: the one before it
        session.interview.back_to(form.get("key"))
    if not session.interview.back():
        session.notices.append("This is the first question, so there is nothing to go back to.")
    return go("/question")


# -- the emergency advice -----------------------------------------------------------------------


@router.get("/emergency")
async def emergency_page(request: Request) -> Response:
    session = current_session(request)
    if session is None:
        return to_start(request)
    if not session.interview.red_flags:
        session.emergency_pending = False
        return go("/question")
    return page(request, "emergency.html", session=session, finished=session.interview.finished)


@router.post("/emergency")
async def after_emergency(request: Request) -> Response:
    checked = await session_form(request)
    if isinstance(checked, Response):
        return checked
    session, form = checked
    session.emergency_pending = False
    if form.get("action") == "result":
        session.stopped = True
        return go("/result")
    session.stopped = False
    return go("/question")


# -- keeping the answers ------------------------------------------------------------------------


@router.get("/still-here")
async def still_here(request: Request) -> Response:
    """Asked by the page's "Keep my answers" button: looking the session up restarts its idle
    time (204); 410 when it has already been forgotten. Nothing is answered or changed."""
    gone = current_session(request) is None
    return Response(status_code=410 if gone else 204, headers={"Cache-Control": "no-store"})


# -- error pages --------------------------------------------------------------------------------


def install_error_pages(app: FastAPI) -> None:
    """HTTP errors as a page for people and as JSON for the API (``{"detail": ...}``)."""

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            if error.status_code in (400, 408, 413, 415, 422):  # a refused request: the shape of the API's validation errors
                return JSONResponse(refusal(str(error.detail)), status_code=error.status_code, headers=error.headers)
            return JSONResponse({"detail": _api_detail(request, error)}, status_code=error.status_code, headers=error.headers)
        if request.url.path.startswith("/cds-services"):  # an EHR reads JSON, as for every CDS Hooks refusal
            code = {404: "not_found", 405: "method_not_allowed", 408: "timeout"}.get(error.status_code, "refused")
            return JSONResponse({"error": code, "message": str(error.detail)}, status_code=error.status_code, headers=error.headers)
        if error.status_code == 405:
            return PlainTextResponse(str(error.detail), status_code=405, headers=error.headers)
        titles = {403: "Refused", 404: "Page not found", 408: "Too slow", 413: "Too large"}
        context: dict[str, Any] = {"title": titles.get(error.status_code, "Something went wrong"), "detail": error.detail}
        return page(request, "error.html", session=current_session(request), status=error.status_code, **context)

    app.add_exception_handler(HTTPException, http_error)


def _api_detail(request: Request, error: HTTPException) -> str:
    """The router's bare "Method Not Allowed" and "Not Found", said with what to do instead: a
    client written elsewhere learns the method to use, or where the endpoints are listed."""
    path = request.url.path
    if error.status_code == 405 and request.method == "OPTIONS" and "access-control-request-method" in request.headers:
        return (
            f"{path} answers no CORS preflight: the JSON API is for the pages of this server (same origin) and for "
            "programs, not for pages of another origin; the CDS Hooks services (/cds-services) allow calls from other origins"
        )
    if error.status_code == 405 and error.headers and error.headers.get("Allow"):
        return f"{path} does not answer {request.method}: use {error.headers['Allow']} (the endpoints are described at /api)"
    if error.status_code == 404 and error.detail == "Not Found":
        return f"no API endpoint {path}: the endpoints are described at /api (and in /openapi.json)"
    return str(error.detail)
