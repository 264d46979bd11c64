"""CDS Hooks in `mgk-screen serve`: discovery and the two services, as a router of the web app.

    app = create_app(screener, settings=cds_web_settings(WebSettings(), cds), routers=[cds_router(cds)])

- ``GET /cds-services``: discovery (``screener.cds.services.services``);
- ``POST /cds-services/{id}``: a hook call answered with cards (``screener.cds.cards``);
- ``POST /cds-services/{id}/feedback``: what was done with a card (``screener.cds.feedback``,
  logged and counted by ``screener.web.cds_feedback``);
- ``OPTIONS`` on each: CORS preflight, for EHRs that call from a browser.

These are JSON APIs without cookies or sessions: the web pages' CSRF and session model does not
apply to them and is not touched. Every answer, errors included, is JSON and carries the CORS
headers, so a browser-based EHR can read why a call was refused; ``prepare`` extends that to the
refusals made before a request reaches these routes (a body over the limit, an unknown path, a
wrong method). With trusted issuers configured (``CdsSettings.trusted_issuers``), every call,
feedback included, needs a JWT from one of them (``screener.web.cds_auth``), or gets 401.

Nothing about a hook call is logged beyond the access log's method, path and status: not the
prefetch, not the answers, not the tokens. Feedback is logged (card uuid, outcome, reason), never
the user's comment. Reading the FHIR server and screening are blocking, so they run in a worker
thread.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from screener.batch.json_text import JsonFault, decode_at
from screener.batch.records import MAX_FHIR_RECORD_VALUES
from screener.cds.calls import read_call
from screener.cds.cards import CardWriter
from screener.cds.errors import HookError
from screener.cds.feedback import GivenCards, Tally, check_given, read_feedback
from screener.cds.gather import gather
from screener.cds.screening import screen_record
from screener.cds.services import Service, services
from screener.contract.validation import Problem
from screener.errors import InputError
from screener.fhir.client import FetchLimits, FhirServer
from screener.fhir.lab_times import AsOf
from screener.fhir.mapping import fhir_context
from screener.web.cds_auth import Refused, TrustedIssuers, parse_issuer
from screener.web.cds_feedback import record_feedback
from screener.web.context import WebContext, WebSettings, web_context
from screener.web.reading import charset_words
from screener.web.security import ASGIApp, BodyTimedOut, BodyTooLarge, Message, Receive, Scope, Send, too_large_text

PREFIX = "/cds-services"


@dataclass(frozen=True)
class CdsSettings:
    """How the CDS services answer. The defaults suit an EHR sandbox on this computer."""

    trusted_issuers: Mapping[str, str] = field(default_factory=dict)
    """Issuer (``iss``) -> its JWK Set (an https URL or a file). When any is given, every call
    needs a valid JWT from one of them."""
    as_of: date | None = None
    """Reference date for ages and how old a result is; None: the day of the call."""
    base_url: str | None = None
    """This server's public base URL, as the EHR calls it (the JWT ``aud`` is checked against
    it); None: the URL each request was sent to."""
    allowed_origins: tuple[str, ...] = ("*",)
    """Origins of browser-based EHRs allowed to read the answers (CORS); "*" allows any. No
    cookie is ever involved, so any origin still needs a valid JWT when issuers are trusted."""
    max_body_bytes: int = 4 * 1024 * 1024
    """Largest hook call accepted (413 above it): the prefetch carries the patient's EHR data, as
    much as may be read from the EHR's FHIR server (``FetchLimits.max_bytes``)."""
    fetch: FetchLimits = field(default_factory=FetchLimits)
    """Timeouts and size caps for reading the EHR's FHIR server."""


_CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "trusted_issuers": {
            "type": "object",
            "description": "issuer (iss) -> its JWK Set: an https URL or a file (relative to the config file)",
            "additionalProperties": {"type": "string", "minLength": 1},
        },
        "base_url": {"type": "string", "pattern": "^https?://[^\\s/]+(/[^\\s]*)?$"},
        "as_of": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        "allowed_origins": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
        "max_request_bytes": {"type": "integer", "minimum": 1024},
        "fhir_timeout_seconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 60},
        "fhir_deadline_seconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 60},
        "max_fhir_bytes": {"type": "integer", "minimum": 1024},
    },
}


def cds_settings(
    config: Path | None = None, issuers: Sequence[str] = (), as_of: date | None = None, base_url: str | None = None
) -> CdsSettings:
    """The CDS settings from `mgk-screen serve`'s options: a config file (JSON), then
    ``--cds-trusted-issuer ISSUER=JWKS`` (added to the file's), ``--as-of`` and ``--cds-base-url``
    (which win). Raises ``InputError`` naming the file and the JSON path of what is wrong."""
    data: dict[str, Any] = _config_file(config) if config is not None else {}
    if base_url is not None and not re.match(_CONFIG_SCHEMA["properties"]["base_url"]["pattern"], base_url):
        raise InputError(f"--cds-base-url {base_url!r}: expected an http or https URL", hint="for example https://cds.example.org")
    trusted = dict(data.get("trusted_issuers", {}))
    if config is not None:  # key files named in the config file are relative to it
        trusted = {iss: where if where.startswith(("https://", "http://")) else str(config.parent / where) for iss, where in trusted.items()}
    trusted.update(parse_issuer(spec) for spec in issuers)
    fetch = FetchLimits()
    fetch = dataclasses.replace(
        fetch,
        timeout_seconds=float(data.get("fhir_timeout_seconds", fetch.timeout_seconds)),
        deadline_seconds=float(data.get("fhir_deadline_seconds", fetch.deadline_seconds)),
        max_bytes=int(data.get("max_fhir_bytes", fetch.max_bytes)),
    )
    defaults = CdsSettings()
    return CdsSettings(
        trusted_issuers=trusted,
        as_of=as_of or (date.fromisoformat(data["as_of"]) if "as_of" in data else None),
        base_url=base_url or data.get("base_url"),
        allowed_origins=tuple(data.get("allowed_origins", defaults.allowed_origins)),
        max_body_bytes=int(data.get("max_request_bytes", defaults.max_body_bytes)),
        fetch=fetch,
    )


def _config_file(path: Path) -> dict[str, Any]:
    from jsonschema import Draft202012Validator

    from screener.contract.validation import schema_problems

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found", hint="--cds-config names a JSON file of CDS Hooks settings") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: not a JSON file ({error})") from None
    problems = schema_problems(Draft202012Validator(_CONFIG_SCHEMA), data)
    as_of = data.get("as_of") if isinstance(data, dict) else None
    if isinstance(as_of, str) and not any(problem.path == "$.as_of" for problem in problems):
        try:
            date.fromisoformat(as_of)
        except ValueError:
            problems.append(Problem("$.as_of", f"{as_of!r} is not a date (YYYY-MM-DD)"))
    if problems:
        raise InputError("\n".join(f"{path}: {problem.path}: {problem.message}" for problem in problems))
    assert isinstance(data, dict)
    return data


def cds_web_settings(settings: WebSettings, cds: CdsSettings) -> WebSettings:
    """The web settings with the CDS services' own body size limit, and their JSON refusal for a
    call over it (an EHR reads ``{"error", "message"}``, as for every other refusal)."""
    return dataclasses.replace(
        settings,
        body_limits_by_path=(*settings.body_limits_by_path, (PREFIX, cds.max_body_bytes)),
        json_refusals_by_path=(*settings.json_refusals_by_path, (PREFIX, _too_large)),
    )


def _too_large(message: str) -> dict[str, Any]:
    return HookError(413, "too_large", message).as_dict()


@dataclass
class _Cds:
    """What the CDS routes of one app share, built on the first call (or by ``prepare``)."""

    services: dict[str, Service]
    cards: CardWriter
    tally: Tally = field(default_factory=Tally)
    given: GivenCards = field(default_factory=GivenCards)


def prepare(app: Any, cds: CdsSettings) -> None:
    """Build the services and the card writer now (a bad FHIR mapping is a ``RulesError`` at
    start-up, not on the first call), and give the CORS headers of ``cds`` (the settings of the
    app's ``cds_router``) to the answers under /cds-services that the app's middleware and error
    handlers make (413, 404, 405...): without them a browser-based EHR sees a network error, not
    the reason. Call it once, before the app serves."""
    _shared(app.state.web, app)
    app.add_middleware(CorsEverywhere, settings=cds)


def _shared(web: WebContext, app: Any) -> _Cds:
    shared: _Cds | None = getattr(app.state, "cds", None)
    if shared is None:
        context = fhir_context(web.screener.ruleset)
        shared = _Cds(services(context), CardWriter(context, web.screener.ruleset, web.words))
        app.state.cds = shared
    return shared


class _Gate:
    """What every CDS route does first: check the caller's token, find the service, read the
    body; and how it answers (JSON, with the CORS headers)."""

    def __init__(self, settings: CdsSettings, trusted: TrustedIssuers) -> None:
        self.settings = settings
        self.trusted = trusted

    def answer(self, request: Request, body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return JSONResponse(body, status_code=status, headers={**_cors(request, self.settings), **(headers or {})})

    async def refusal(self, request: Request) -> Response | None:
        """401 unless the call carries a valid JWT of a trusted issuer (None: let it through)."""
        if not self.trusted:
            return None
        base_url = self.settings.base_url
        audience = (base_url.rstrip("/") + request.url.path) if base_url else str(request.url).split("?")[0]
        authorization = request.headers.get("authorization")
        try:
            await run_in_threadpool(self.trusted.verify, authorization, audience)
        except Refused as error:
            challenge = 'Bearer realm="mgk-screen CDS Hooks"'
            if authorization:
                challenge += ', error="invalid_token"'
            return self.answer(request, {"error": "unauthorized", "message": str(error)}, 401, {"WWW-Authenticate": challenge})
        return None

    async def checked(self, request: Request, service_id: str) -> tuple[_Cds, Service, Any] | Response:
        """The service called and the request's JSON body, or the answer refusing the request
        (401, 404, 413, 415, or 400 for a body that is not JSON)."""
        refused = await self.refusal(request)
        if refused is not None:
            return refused
        shared = _shared(web_context(request), request.app)
        service = shared.services.get(service_id)
        if service is None:
            known = ", ".join(shared.services)
            return self.answer(request, {"error": "not_found", "message": f"no CDS service '{service_id}': there are {known}"}, 404)
        body = await _body(request, self.settings.max_body_bytes)
        if isinstance(body, HookError):
            return self.answer(request, body.as_dict(), body.status)
        return shared, service, body

    def elsewhere(self, request: Request, service: str, rest: str) -> Response:
        """405 for a wrong method on one of our endpoints, else 404 (JSON, as every refusal)."""
        shared = _shared(web_context(request), request.app)
        if service in shared.services and rest in ("", "feedback"):
            message = f"{request.url.path} takes POST (a {'hook call' if not rest else 'feedback request'}), not {request.method}"
            return self.answer(request, {"error": "method_not_allowed", "message": message}, 405, {"Allow": "POST, OPTIONS"})
        message = f"no CDS Hooks endpoint at {request.url.path}: discovery is GET {PREFIX}, a service is POST {PREFIX}/{{id}}"
        return self.answer(request, {"error": "not_found", "message": message}, 404)


def cds_router(settings: CdsSettings | None = None, issuers: TrustedIssuers | None = None) -> APIRouter:
    """The CDS Hooks routes. Trusted issuers' key files are read here (an ``InputError`` names a bad one)."""
    settings = settings or CdsSettings()
    gate = _Gate(settings, issuers if issuers is not None else TrustedIssuers.load(settings.trusted_issuers))
    answer = gate.answer
    router = APIRouter(tags=["CDS Hooks"])

    @router.api_route(
        PREFIX,
        methods=["GET", "HEAD"],
        summary="CDS Hooks discovery: the services and their prefetch templates",
        responses={200: {"description": "`{\"services\": [...]}` (CDS Hooks 2.0)."}, 401: {"description": "No valid JWT from a trusted issuer."}},
    )
    async def discovery(request: Request) -> Response:
        """The CDS Services this server offers: `patient-view` and `order-select`."""
        refused = await gate.refusal(request)
        if refused is not None:
            return refused
        shared = _shared(web_context(request), request.app)
        return answer(request, {"services": [service.discovery() for service in shared.services.values()]})

    @router.post(
        PREFIX + "/{service_id}",
        summary="Call a CDS Service (a CDS Hooks request in, cards out)",
        responses={
            200: {"description": "`{\"cards\": [...]}`: one card about the screen."},
            400: {"description": "Not a valid CDS Hooks request; `errors` gives each problem with its JSON path."},
            401: {"description": "No valid JWT from a trusted issuer."},
            404: {"description": "No such service."},
            412: {"description": "No prefetched data, and none could be read from fhirServer."},
            413: {"description": "The request is larger than the server accepts."},
            415: {"description": "Not sent as JSON."},
        },
    )
    async def call(request: Request, service_id: str) -> Response:
        """Screens the patient of the call (prefetch, or the EHR's FHIR server) and answers with a card."""
        accepted = await gate.checked(request, service_id)
        if isinstance(accepted, Response):
            return accepted
        shared, service, body = accepted
        try:
            cards = await run_in_threadpool(_cards, web_context(request), shared, service, body, settings)
        except HookError as error:
            return answer(request, error.as_dict(), error.status)
        shared.given.remember(service.id, cards)
        return answer(request, {"cards": cards})

    @router.post(
        PREFIX + "/{service_id}/feedback",
        summary="Feedback on a card: accepted (which suggestions) or overridden (why)",
        responses={
            200: {"description": "`{\"recorded\": n}`: each item logged and counted."},
            400: {"description": "Not valid CDS Hooks feedback; `errors` gives each problem with its JSON path."},
            401: {"description": "No valid JWT from a trusted issuer."},
            404: {"description": "No such service."},
            413: {"description": "The request is larger than the server accepts."},
            415: {"description": "Not sent as JSON."},
        },
    )
    async def feedback(request: Request, service_id: str) -> Response:
        """Logs each feedback item (card uuid, outcome, suggestions accepted or override reason)
        and counts it by service and outcome."""
        accepted = await gate.checked(request, service_id)
        if isinstance(accepted, Response):
            return accepted
        shared, _, body = accepted
        try:
            items = read_feedback(body, service_id)
            check_given(items, shared.given, service_id)
        except HookError as error:
            return answer(request, error.as_dict(), error.status)
        record_feedback(service_id, items, shared.tally, shared.given, shared.cards.context)
        return answer(request, {"recorded": len(items)})

    @router.options(PREFIX, include_in_schema=False)
    async def preflight(request: Request) -> Response:
        asked = request.headers.get("access-control-request-headers")
        return Response(status_code=204, headers=_preflight_headers(request.headers.get("origin"), settings, asked))

    # Last: every other request under /cds-services. A preflight is answered, an unknown path's
    # too, so that the browser makes the call and its page can read why it was refused (404, or
    # 405 for a wrong method) instead of a network error. A path ending in "/" is the endpoint
    # without it: a redirect would fail a browser's preflight and change the JWT's audience. So is
    # one with "//" after /cds-services: a client that joins the discovery URL it was given, with
    # its "/", to a service id (the CDS Hooks sandbox does) calls /cds-services//patient-view.
    @router.api_route(PREFIX + "/{path:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], include_in_schema=False)
    async def elsewhere(request: Request, path: str) -> Response:
        if request.method == "OPTIONS":
            return await preflight(request)
        service_id, _, rest = path.strip("/").partition("/")
        if request.method in ("GET", "HEAD") and not service_id:
            return await discovery(request)
        if request.method == "POST" and service_id and rest in ("", "feedback"):
            return await (feedback if rest else call)(request, service_id)
        return gate.elsewhere(request, service_id, rest)

    return router


#: Request headers every allowed origin may send; others a preflight asks for are allowed as well.
_ALWAYS_ALLOWED_HEADERS = ("Authorization", "Content-Type")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _preflight_headers(origin: str | None, settings: CdsSettings, asked: str | None = None) -> dict[str, str]:
    """A preflight's answer for an allowed origin. The request headers it asks for are allowed
    too: an EHR's client may add its own (a request id, a tracing header), and refusing them
    would fail the call in the browser before any card is asked for. Only valid header names
    are echoed back."""
    headers = _cors_for(origin, settings)
    if headers:
        allowed = dict.fromkeys(name.lower() for name in _ALWAYS_ALLOWED_HEADERS)
        for name in (asked or "").split(","):
            name = name.strip().lower()
            if _HEADER_NAME.fullmatch(name):
                allowed.setdefault(name)
        named = {name.lower(): name for name in _ALWAYS_ALLOWED_HEADERS}
        headers |= {
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": ", ".join(named.get(name, name) for name in allowed),
            "Access-Control-Max-Age": "600",
        }
        # The answer depends on what was asked: a cache must not give one client's to another.
        headers["Vary"] = ", ".join(part for part in (headers.get("Vary"), "Access-Control-Request-Headers") if part)
    return headers


async def _body(request: Request, limit: int) -> Any:
    """The JSON body of a call, or the ``HookError`` saying what is wrong with it. A body sent
    with ``Content-Encoding: gzip`` is decompressed (to at most ``limit`` bytes, as an
    uncompressed one may be); any other encoding is refused (415) by name."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json" and not kind.endswith("+json"):
        return HookError(415, "unsupported_media_type", "send the hook request as JSON, with Content-Type: application/json")
    try:
        raw = await request.body()
    except BodyTooLarge as error:
        return HookError(413, "too_large", str(error.detail))
    except BodyTimedOut as error:
        return HookError(408, "timeout", str(error.detail))
    decoded = _decoded(raw, request.headers.get("content-encoding", ""), limit)
    if isinstance(decoded, HookError):
        return decoded
    raw = decoded
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        said = charset_words(request.headers.get("content-type", ""))
        return HookError(400, "invalid_request", "the request body is not UTF-8 text" + said)
    # The batch reader's strict decoder: no NaN, no lone surrogates, no nesting deep enough to
    # exhaust the stack, no integer too long to convert; the prefetch is a patient's record, as
    # many values as a FHIR Bundle may hold (the body's size is capped already).
    start = len(text) - len(text.lstrip(" \t\r\n"))
    try:
        value, end = decode_at(text, start, max_values=MAX_FHIR_RECORD_VALUES)
        if text[end:].strip(" \t\r\n"):
            raise JsonFault("more after the end of the JSON value", end, "syntax")
    except JsonFault as fault:
        line = text.count("\n", 0, fault.index) + 1
        column = fault.index - text.rfind("\n", 0, fault.index)
        # The decoder's example field is an answers file's ("age"); a hook request's first is "hook".
        said = fault.message.replace('("age")', '("hook")')
        return HookError(400, "invalid_request", f"the request body is not JSON (line {line}, column {column}: {said})")
    return value


def _decoded(raw: bytes, encoding: str, limit: int) -> bytes | HookError:
    """A body without its Content-Encoding: gzip is undone (never past ``limit`` bytes: a small
    compressed body may stand for a huge one); identity is nothing to undo; any other is refused."""
    codings = [one.strip().lower() for one in encoding.split(",") if one.strip() and one.strip().lower() != "identity"]
    if not codings:
        return raw
    if codings != ["gzip"] and codings != ["x-gzip"]:
        return HookError(
            415, "unsupported_media_type", f"Content-Encoding {encoding.strip()!r} is not accepted: send the body uncompressed, or gzip"
        )
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, limit + 1)
    except zlib.error:
        return HookError(400, "invalid_request", "the request body says Content-Encoding: gzip but is not gzip data")
    if len(out) > limit:
        return HookError(413, "too_large", f"{too_large_text(limit)} (the gzip body is larger than that once decompressed)")
    if not inflater.eof:
        return HookError(400, "invalid_request", "the request body's gzip data is cut short")
    return out


def _cards(web: WebContext, shared: _Cds, service: Service, body: Any, settings: CdsSettings) -> list[dict[str, Any]]:
    """Read the call, gather the record, screen it, write the card (in a worker thread)."""
    call = read_call(service, body)
    server_url = call.fhir_server
    opener = None if server_url is None else functools.partial(FhirServer, server_url, call.access_token, settings.fetch)
    context = shared.cards.context
    record = gather(call, context, opener)
    screened = screen_record(record, context, AsOf.given(settings.as_of), web.screen_entry)
    return shared.cards.cards(call, record, screened)


def _cors(request: Request, settings: CdsSettings) -> dict[str, str]:
    return _cors_for(request.headers.get("origin"), settings)


def _cors_for(origin: str | None, settings: CdsSettings) -> dict[str, str]:
    """CORS headers for a browser-based EHR's origin (none for an origin not allowed)."""
    if "*" in settings.allowed_origins:
        return {"Access-Control-Allow-Origin": "*"}
    if origin and origin in settings.allowed_origins:
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {}


class CorsEverywhere:
    """Adds the CORS headers to every answer under /cds-services that has none: the refusals the
    app makes before the CDS routes run (a body over the limit is refused by ``BodyLimit`` from
    its Content-Length; an unknown path or a wrong method by the app's error handlers)."""

    def __init__(self, app: ASGIApp, settings: CdsSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        origin = next((bytes(value).decode("latin-1") for name, value in scope.get("headers", []) if name.lower() == b"origin"), None)
        wanted = [(name.lower().encode(), value.encode("latin-1")) for name, value in _cors_for(origin, self.settings).items()]

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start" and wanted:
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"access-control-allow-origin" for name, _ in headers):
                    message["headers"] = headers + wanted
            await send(message)

        await self.app(scope, receive, with_cors)
