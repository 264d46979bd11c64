"""The JSON API beside the pages: screen, validate, the schemas and the questionnaire.

Bodies are read and checked exactly as the CLI reads a file (``reading``), so an invalid record
gets the same JSON-path errors as ``mgk-screen validate``, with status 422. A body that is not
JSON at all gets 400, one that is not sent as JSON 415, one over the size limit 413, an array
(even of one object: a batch is not a person) 422; every refusal is JSON of the same shape,
``{"valid": false, "errors": [{"path", "message"}]}``. A result is the entry ``mgk-screen batch``
writes for the record.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from screener.contract.validation import Problem, load_schema
from screener.web.context import web_context
from screener.web.reading import NOT_UTF8, answers_problems, charset_words, is_array, read_document, rows_red_flags
from screener.web.render import page

PREFIX = "/api/v1"
router = APIRouter(prefix=PREFIX, tags=["screening"])
pages = APIRouter(include_in_schema=False)
SCHEMAS = {"answers": "answers.schema.json", "result": "result.schema.json"}


class ProblemOut(BaseModel):
    path: str
    """Where, as a JSON path: ``$.labs.potassium.unit``."""
    message: str


class Validation(BaseModel):
    valid: bool
    red_flags: list[str] | None = None
    """(invalid answers that report red flags now) those red flags, screened on their own."""
    urgency: str | None = None
    """(with ``red_flags``) the urgency they give on their own."""
    red_flag_advice: str | None = None
    """(with ``red_flags``) what to say first: the answers could not be screened, the red flags
    given, and what they call for on their own (seek emergency care now)."""
    errors: list[ProblemOut]


_ANSWERS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "One answers object (every field optional; see GET /api/v1/schema/answers).",
        "content": {"application/json": {"schema": {"$ref": "/api/v1/schema/answers"}}},
    }
}
_INVALID: dict[int | str, dict[str, Any]] = {
    400: {
        "model": Validation,
        "description": "The body is not JSON (the error gives line and column); or a sheet refused for its "
        "columns, with the red flags now its rows give first when the misspelt column is theirs.",
    },
    413: {"model": Validation, "description": "The body is larger than the server accepts."},
    415: {"model": Validation, "description": "The body was not sent as JSON (Content-Type: application/json)."},
    422: {
        "model": Validation,
        "description": "The answers are not valid: every error, with its JSON path (or an array was sent: "
        "one answers object is expected; `mgk-screen batch` screens many).",
    },
}


async def _answers(request: Request) -> dict[str, Any] | JSONResponse:
    """The answers object of a request, or the response that says what is wrong with it."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json" and not kind.endswith("+json"):
        return _invalid([Problem("$", "send the answers as JSON, with Content-Type: application/json")], 415)
    body = await request.body()
    value, problems, flagged = read_document(body)
    said = charset_words(request.headers.get("content-type", ""))
    if said:  # Latin-1 bytes sent with "charset=iso-8859-1": the message says why they are refused
        problems = [Problem(p.path, p.message + said) if NOT_UTF8 in p.message else p for p in problems]
    if problems:  # a sheet refused for a misspelt red-flag column: the red flags of its rows first
        return _invalid(problems, 400, rows_red_flags(flagged, web_context(request)))
    if is_array(body):  # one record read from [{...}]: batch semantics (ids, positions) differ; its red flags first
        problem = Problem("$", "one answers object expected, not an array (`mgk-screen batch` screens many)")
        return _invalid([problem], 422, web_context(request).red_flags_alone(value))
    problems = answers_problems(value, web_context(request))
    if problems:  # red flags first, even of answers that cannot be screened
        return _invalid(problems, 422, web_context(request).red_flags_alone(value))
    assert isinstance(value, dict)  # answers_problems says so
    return value


def _invalid(problems: list[Problem], status: int, reported: dict[str, Any] | None = None) -> JSONResponse:
    return JSONResponse({"valid": False, **(reported or {}), "errors": [problem.as_dict() for problem in problems]}, status_code=status)


@router.post(
    "/screen",
    summary="Screen one person's answers",
    openapi_extra=_ANSWERS_BODY,
    responses={
        200: {
            "description": "The result, as `mgk-screen batch` writes it (see GET /api/v1/schema/result).",
            "content": {"application/json": {"schema": {"$ref": "/api/v1/schema/result"}}},
        },
        **_INVALID,
    },
    response_class=JSONResponse,
)
async def screen(request: Request) -> Response:
    """The explained result for one answers object: headline, urgency, findings, recommendations.
    Invalid answers get 422 and every error with its JSON path, as `mgk-screen validate` prints them."""
    answers = await _answers(request)
    if isinstance(answers, Response):
        return answers
    return JSONResponse(web_context(request).screen_entry(answers))


@router.post(
    "/validate",
    summary="Check answers without screening them",
    openapi_extra=_ANSWERS_BODY,
    responses={200: {"model": Validation, "description": "The answers are valid."}, **_INVALID},
    response_model=None,
)
async def validate(request: Request) -> JSONResponse:
    """`{"valid": true, "errors": []}` for valid answers; 422 and every error otherwise (with the
    red flags the answers report, screened on their own, first)."""
    answers = await _answers(request)
    if isinstance(answers, JSONResponse):
        return answers
    return JSONResponse({"valid": True, "errors": []})


@router.get(
    "/schema/{name}",
    summary="The published JSON Schema of the answers or of a result",
    responses={200: {"content": {"application/json": {}}}, 404: {"description": "No such schema."}},
)
def schema(name: str) -> JSONResponse:
    """The same schema as `mgk-screen schema answers|result`."""
    if name not in SCHEMAS:
        raise HTTPException(404, f"no schema '{name}': there are {' and '.join(SCHEMAS)}")
    return JSONResponse(load_schema(SCHEMAS[name]))


@router.get(
    "/questionnaire",
    summary="The questionnaire: questions, choices, skip logic and why we ask",
    responses={200: {"content": {"application/json": {}}}},
)
def questionnaire(request: Request) -> JSONResponse:
    """The questionnaire the pages ask, as data (its schema is `questionnaire.schema.json`)."""
    return JSONResponse(dict(web_context(request).questionnaire.document))


@pages.get("/api")
async def api_page(request: Request) -> Response:
    """The API described for people, from the OpenAPI document (which is at /openapi.json)."""
    operations = []
    for path, methods in request.app.openapi()["paths"].items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "responses": {code: spec.get("description", "") for code, spec in operation.get("responses", {}).items()},
                }
            )
    return page(request, "api.html", title="The JSON API", operations=operations, base_url=str(request.base_url))
