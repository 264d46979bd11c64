"""What keeps the page safe for health answers: headers, body size, logs, CSRF, allowed hosts.

Each is a plain ASGI middleware (or a small function), so that it wraps every response of the
app, the pages, the API and anything mounted later, and is testable on its own:

- ``SecurityHeaders``: a Content-Security-Policy that allows no inline script and no framing,
  and nothing from anywhere but this server; no referrer; no caching of anything but the
  static files (a page of answers must not land in the browser's disk cache).
- ``BodyLimit``: a request body over the limit is refused with 413 while it is being read, so
  a missing or false Content-Length does not get around it.
- ``QuietErrors``: an unexpected error is logged by its type only (an exception message may hold
  answers: pydantic quotes the input), and the person gets a plain 500 page.
- ``AccessLog``: one line per request, method, path without its query string, status. Uvicorn's
  own access log is switched off (it logs the query string).
- ``AllowedHosts``: only requests addressed to this server by name (DNS rebinding).
- ``StartToken``: the CSRF token of the forms shown before a session exists (start, resume):
  a random nonce signed with a key held in memory, so that no state is kept for a visit.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)
STATIC_PREFIX = "/static/"

access_log = logging.getLogger("screener.web.access")
error_log = logging.getLogger("screener.web.error")


class SecurityHeaders:
    """Adds the security headers to every response; ``no-store`` to all but static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(STATIC_PREFIX)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(name, value) for name, value in message.get("headers", []) if name.lower() != b"cache-control"]
                headers += SECURITY_HEADERS
                headers.append((b"cache-control", b"public, max-age=3600" if static else b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


async def _plain_response(send: Send, status: int, text: str) -> None:
    await _respond(send, status, text.encode(), b"text/plain; charset=utf-8")


async def _json_response(send: Send, status: int, payload: object) -> None:
    await _respond(send, status, json.dumps(payload).encode(), b"application/json")


async def _respond(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def refusal(message: str) -> dict[str, object]:
    """The JSON API's body for a request it refuses (400, 413, 415, 422), the shape of its
    validation errors: ``{"valid": false, "errors": [{"path": "$", "message": ...}]}``."""
    return {"valid": False, "errors": [{"path": "$", "message": message}]}


JsonRefusal = Callable[[str], object]
"""Makes a JSON API's refusal body from its message."""


def too_large_text(limit: int) -> str:
    return f"The request is too large: at most {limit:,} bytes are accepted."


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a request body goes over the limit. An HTTPException, so that
    FastAPI and Starlette pass it on as a 413 rather than report a malformed body."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_text(limit))
        self.limit = limit


def too_slow_text(seconds: float, received: int, declared: str | None) -> str:
    promised = f"Content-Length said {declared} bytes; " if declared is not None and declared.isdigit() else ""
    return (
        f"The request body did not arrive in time: {promised}{received:,} bytes came in {seconds:g} second{'s' if seconds != 1 else ''}. "
        "Send the whole body at once, with a Content-Length that is its size in bytes."
    )


class BodyTimedOut(HTTPException):
    """Raised from ``receive`` when a request body has not all come in ``BodyLimit.seconds`` (a
    Content-Length larger than the body sent): answered 408, as ``BodyTooLarge`` is 413, so that
    a client that sends less than it said does not hold a worker waiting for ever."""

    def __init__(self, seconds: float, received: int, declared: str | None) -> None:
        super().__init__(408, too_slow_text(seconds, received, declared), headers={"Connection": "close"})


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes with 413: at once when Content-Length says so,
    otherwise as soon as the bytes read go over it (chunked bodies, a false Content-Length); and
    bodies that have not all come ``seconds`` after the handler first asks for them with 408.

    Handlers that read the body see ``BodyTooLarge`` (or ``BodyTimedOut``) from ``receive``,
    which the app's exception handlers answer with 413 (408); one that escapes them is answered here.
    """

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        by_path: tuple[tuple[str, int], ...] = (),
        json_by_path: tuple[tuple[str, JsonRefusal], ...] = (),
        seconds: float = 10.0,
    ) -> None:
        self.app = app
        self.seconds = seconds
        """How long a whole request body may take to come, from the first read of it."""
        self.default = limit
        self.by_path = by_path
        """(path prefix, limit): another limit for the paths under a prefix (the longest wins)."""
        self.json_by_path = json_by_path
        """(path prefix, body): the JSON APIs, whose refusal is the JSON body their clients read
        (``refusal`` for the answers API, CDS Hooks' ``{"error", "message"}``), not text."""

    def limit_for(self, path: str) -> int:
        matching = [(len(prefix), limit) for prefix, limit in self.by_path if path.startswith(prefix)]
        return max(matching)[1] if matching else self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        limit = self.limit_for(path)

        async def refuse() -> None:
            json_bodies = [(len(prefix), body) for prefix, body in self.json_by_path if path.startswith(prefix)]
            if json_bodies:
                body = max(json_bodies, key=lambda pair: pair[0])[1]
                await _json_response(send, 413, body(too_large_text(limit)))
            else:
                await _plain_response(send, 413, too_large_text(limit))

        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await refuse()
            return
        limited_receive = _LimitedBody(receive, limit, self.seconds, declared).receive
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await refuse()
        except BodyTimedOut as error:
            if not started:
                await _plain_response(send, 408, str(error.detail))


class _LimitedBody:
    """The ``receive`` of one request, raising ``BodyTooLarge`` past ``limit`` bytes and
    ``BodyTimedOut`` when the whole body has not come ``seconds`` after it is first asked for."""

    def __init__(self, receive: Receive, limit: int, seconds: float, declared: str | None) -> None:
        self._receive, self.limit, self.seconds, self.declared = receive, limit, seconds, declared
        self.received = 0
        self.complete = False
        self.deadline: float | None = None

    async def receive(self) -> Message:
        if self.complete:  # the body is in: what is waited for now is the client leaving, for as long as it takes
            return await self._receive()
        self.deadline = self.deadline or time.monotonic() + self.seconds
        try:
            message = await asyncio.wait_for(self._receive(), max(0.0, self.deadline - time.monotonic()))
        except TimeoutError:
            raise BodyTimedOut(self.seconds, self.received, self.declared) from None
        self.complete = message["type"] != "http.request" or not message.get("more_body", False)
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                raise BodyTooLarge(self.limit)
        return message


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip()
    return None


class QuietErrors:
    """The last line of defence: an unexpected error is logged as its type alone (the message
    or the traceback's values may hold answers) and answered with a plain 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        except Exception as error:
            error_log.error(
                "unexpected error (%s) in %s %s: this is a bug; the message is not logged because it may hold answers",
                type(error).__name__,
                scope.get("method", ""),
                scope.get("path", ""),
            )
            if not started:
                await _plain_response(
                    send, 500, "Something went wrong on our side (a bug). Your answers were not saved anywhere."
                )


class AccessLog:
    """One line per request: method, path (never the query string), status, time taken."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        began = time.perf_counter()

        async def tracked_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        finally:
            # Whole milliseconds: a raw float in the record's args (3.2635...) can look like an
            # answer to the test that checks no answer reaches the log.
            access_log.info(
                "%s %s %d (%d ms)", scope.get("method", ""), scope.get("path", ""), status,
                round((time.perf_counter() - began) * 1000),
            )


class StartToken:
    """CSRF tokens for the forms shown before a session exists: ``nonce.signature``, signed with
    a random key that lives in memory only (a restarted server refuses old tokens)."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def issue(self) -> str:
        nonce = secrets.token_urlsafe(16)
        return f"{nonce}.{self._sign(nonce)}"

    def valid(self, token: str | None) -> bool:
        if not token or "." not in token:
            return False
        nonce, _, signature = token.partition(".")
        return hmac.compare_digest(signature, self._sign(nonce))

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode(), hashlib.sha256).hexdigest()


def same_token(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a submitted CSRF token with the session's."""
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())


class AllowedHosts:
    """Answers only requests whose Host header names this server (a web page elsewhere cannot
    reach it by pointing its own domain at 127.0.0.1: DNS rebinding). "*" allows any host."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...]) -> None:
        self.app = app
        self.any = "*" in hosts
        self.hosts = frozenset(host.lower().strip("[]") for host in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.any or host_name(_header(scope, b"host") or "") in self.hosts:
            await self.app(scope, receive, send)
            return
        await _plain_response(send, 400, "This server answers only to its own address (check the address you typed).")


def host_name(header: str) -> str:
    """The host of a Host header, without its port: "127.0.0.1:8000" -> "127.0.0.1", "[::1]:80" -> "::1"."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.partition(":")[0]
