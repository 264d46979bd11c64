"""Privacy and safety of the local web page: headers, cookies, CSRF, size limits, allowed hosts,
answers only in memory and never in a log line."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from web_support import Visitor, answer_typical_person, assert_no_answers_in, captured_logs, new_client

from screener.web.app import create_app
from screener.web.security import BodyLimit
from screener.web.sessions import SessionStore

# Answers no log line may ever hold: a medicine name and a number nobody would log by chance.
SECRET_MEDICINE = "Zyzzyvaprol-4471"
SECRET_AGE = "97"


def assert_protected(response: Any, *, static: bool = False) -> None:
    headers = response.headers
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "form-action 'self'" in policy
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert ("no-store" in headers["cache-control"]) is not static


def test_every_kind_of_response_carries_the_security_headers() -> None:
    visitor = Visitor()
    visitor.start()
    client = visitor.client
    assert_protected(visitor.page)  # a question page
    assert_protected(client.get("/"))
    assert_protected(client.get("/api/v1/schema/answers"))
    assert_protected(client.post("/api/v1/screen", content="{}", headers={"content-type": "application/json"}))
    assert_protected(client.get("/no-such-page"))
    assert_protected(client.post("/question", data={"csrf": "forged"}))
    assert_protected(client.post("/api/v1/screen", content=b"x" * 200_000, headers={"content-type": "application/json"}))
    assert_protected(client.get("/answers.json"))
    assert_protected(client.get("/static/web.css"), static=True)
    assert_protected(client.get("/static/enhance.js"), static=True)


def _pages_of_a_whole_journey() -> list[str]:
    visitor = Visitor()
    pages = [visitor.open("/").text]
    visitor.start()
    pages.append(visitor.html)
    visitor.submit([])  # an error page
    pages.append(visitor.html)
    visitor.choose("Chest pain or pressure")
    pages.append(visitor.html)  # the emergency advice
    visitor.press("/emergency", action="continue")
    pages.append(visitor.html)  # a question under the red-flag banner
    visitor.type("70")
    visitor.choose("Male")
    visitor.choose("Yes")
    visitor.type("bendroflumethiazide")
    pages.append(visitor.html)  # a medicine check
    visitor.choose("Yes")
    for _ in range(60):  # the first choice, or 3, to every question left
        if 'name="key"' not in visitor.html:
            break
        options = visitor.options()
        visitor.submit([next(iter(options.values()))] if options else ["3"])
        pages.append(visitor.html)
        if visitor.page.status_code == 422:  # 3 mmol/L of magnesium, say
            visitor.skip()
    assert visitor.heading == "Check your answers"
    visitor.open("/result")
    pages.append(visitor.html)
    pages.append(visitor.open("/api").text)
    pages.append(visitor.open("/no-such-page").text)
    return pages


def test_no_page_has_inline_script_or_style_or_loads_anything_from_elsewhere() -> None:
    for html in _pages_of_a_whole_journey():
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
        assert not re.search(r"\son[a-z]+=", html), "inline event handler"
        assert "<style" not in html and " style=" not in html, "inline style"
        for link in re.findall(r'(?:src|href|action)="([^"]*)"', html):
            assert link.startswith(("/", "#")), f"a link that leaves this server: {link}"


def test_the_session_cookie_is_http_only_same_site_strict_and_random() -> None:
    tokens = set()
    for _ in range(3):
        visitor = Visitor()
        visitor.open("/")
        response = visitor.client.post("/start", data={"csrf": visitor.hidden("csrf")}, follow_redirects=False)
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        assert "Path=/" in cookie
        token = re.match(r"mgk_session=([^;]+)", cookie).group(1)  # type: ignore[union-attr]
        assert len(token) >= 43  # 32 random bytes
        tokens.add(token)
    assert len(tokens) == 3


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/question", {"key": "red_flags_now", "answer": "1"}),
        ("/question/back", {}),
        ("/emergency", {"action": "result"}),
        ("/review/change", {"item": "age"}),
        ("/carry-on", {}),
        ("/restart", {}),
    ],
)
def test_a_form_without_the_sessions_csrf_token_is_refused(path: str, fields: dict[str, str]) -> None:
    visitor = Visitor()
    visitor.start()
    visitor.choose("None of these")
    before = visitor.client.get("/answers.json").json()
    for token in ("forged", "", None):
        data = {**fields, **({"csrf": token} if token is not None else {})}
        response = visitor.client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 403
        assert "security token" in response.text
    assert visitor.client.get("/answers.json").json() == before


@pytest.mark.parametrize("path", ["/start", "/resume"])
def test_the_start_forms_need_a_token_this_server_signed(path: str) -> None:
    visitor = Visitor()
    visitor.open("/")
    nonce, _, _ = visitor.hidden("csrf").partition(".")
    for token in ("forged", f"{nonce}.{'0' * 64}", ""):
        response = visitor.client.post(path, data={"csrf": token}, follow_redirects=False)
        assert response.status_code == 403
    assert "mgk_session" not in visitor.client.cookies


TOO_LARGE = {"valid": False, "errors": [{"path": "$", "message": "The request is too large: at most 1,000 bytes are accepted."}]}


def test_a_body_over_the_limit_is_refused_by_its_declared_length() -> None:
    client = new_client(max_body_bytes=1000)
    response = client.post("/api/v1/screen", content=b"{" + b" " * 2000 + b"}", headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/json"
    assert response.json() == TOO_LARGE  # the API's refusals all have one shape
    visitor = Visitor(client)
    visitor.open("/")
    response = client.post("/start", data={"csrf": visitor.hidden("csrf"), "padding": "x" * 2000})
    assert response.status_code == 413


def test_a_streamed_body_over_the_limit_is_refused_while_it_is_read() -> None:
    client = new_client(max_body_bytes=1000)

    def chunks() -> Any:  # no Content-Length: sent chunked
        yield b'{"medications": ["'
        for _ in range(50):
            yield b"a" * 100
        yield b'"]}'

    response = client.post("/api/v1/screen", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json() == TOO_LARGE  # the same as when the length is declared


def test_a_body_longer_than_its_content_length_says_is_still_refused() -> None:
    """A lying Content-Length (a client could send one): the bytes read are counted."""
    seen: list[bytes] = []

    async def reader(scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            seen.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read it all"})

    messages = iter([{"type": "http.request", "body": b"x" * 600, "more_body": True}] * 3 + [{"type": "http.request", "body": b""}])
    sent: list[dict[str, Any]] = []

    async def receive() -> Any:
        return next(messages)

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/v1/screen", "headers": [(b"content-length", b"10")]}
    asyncio.run(BodyLimit(reader, limit=1000)(scope, receive, send))
    assert sent[0]["status"] == 413
    assert sum(map(len, seen)) <= 1000


def test_requests_for_another_host_name_are_refused() -> None:
    """A web page elsewhere cannot reach the server by pointing its own name at 127.0.0.1."""
    client = new_client(allowed_hosts=("127.0.0.1", "localhost"))
    assert client.get("/", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"host": "localhost"}).status_code == 200
    refused = client.get("/", headers={"host": "attacker.example:8000"})
    assert refused.status_code == 400
    assert "only to its own address" in refused.text


# -- answers never in a log ---------------------------------------------------------------------


@pytest.fixture
def every_log_record() -> Iterator[list[logging.LogRecord]]:
    with captured_logs() as records:
        yield records


def test_no_answer_reaches_a_log_line(every_log_record: list[logging.LogRecord]) -> None:
    visitor = Visitor()
    visitor.start()
    visitor.choose("None of these")
    visitor.type(f"{SECRET_AGE} and a half years")  # an invalid reply
    visitor.type(SECRET_AGE)
    visitor.choose("Female")
    visitor.choose("Yes")
    visitor.type(f"{SECRET_MEDICINE}, Lasix")
    visitor.client.get(f"/question?age={SECRET_AGE}&medicine={SECRET_MEDICINE}")
    answers = visitor.client.get("/answers.json").json()
    body = json.dumps({**answers, "symptom": [SECRET_MEDICINE]})
    visitor.client.post("/api/v1/screen", content=json.dumps(answers), headers={"content-type": "application/json"})
    visitor.client.post("/api/v1/validate", content=body, headers={"content-type": "application/json"})
    visitor.client.post("/api/v1/screen", content=b"x" * 200_000, headers={"content-type": "application/json"})
    assert any(record.name == "screener.web.access" for record in every_log_record)
    assert_no_answers_in(every_log_record, SECRET_MEDICINE, f"age={SECRET_AGE}", f"{SECRET_AGE} and a half")


class _Exploding:
    """A screener that fails with the answers in its message, as a pydantic error would."""

    def __init__(self, real: Any) -> None:
        self.ruleset = real.ruleset
        self._real = real

    def check(self, value: Any) -> Any:
        return self._real.check(value)

    def screen(self, answers: Any) -> Any:
        raise ValueError(f"cannot screen {answers}")

    def screen_entry(self, value: Any, **_: Any) -> Any:
        raise ValueError(f"cannot screen {value}")


def test_a_crash_is_logged_by_its_type_alone_and_the_person_sees_a_plain_page(
    every_log_record: list[logging.LogRecord], screener: Any
) -> None:
    from web_support import TEST_SETTINGS

    visitor = Visitor(new_client(create_app(_Exploding(screener), settings=TEST_SETTINGS)))  # type: ignore[arg-type]
    visitor.start()
    answer_typical_person(visitor, medicines=SECRET_MEDICINE)
    response = visitor.client.get("/result")
    assert response.status_code == 500
    assert SECRET_MEDICINE not in response.text
    assert "Your answers were not saved anywhere" in response.text
    crash = visitor.client.post("/api/v1/screen", content=json.dumps({"medications": [SECRET_MEDICINE]}), headers={"content-type": "application/json"})
    assert crash.status_code == 500
    errors = [record for record in every_log_record if record.levelno >= logging.ERROR]
    assert errors and all("ValueError" in record.getMessage() for record in errors)
    assert_no_answers_in(every_log_record, SECRET_MEDICINE)


# -- sessions in memory -------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sessions_expire_after_the_idle_time() -> None:
    clock = _Clock()
    store = SessionStore(max_sessions=10, idle_seconds=60, clock=clock)
    session = store.create(interview=object())  # type: ignore[arg-type]
    clock.now += 59
    assert store.get(session.token) is session  # using it restarts the idle time
    clock.now += 59
    assert store.get(session.token) is session
    clock.now += 61
    assert store.get(session.token) is None
    assert len(store) == 0


def test_the_least_recently_used_session_goes_first_when_the_store_is_full() -> None:
    clock = _Clock()
    store = SessionStore(max_sessions=3, idle_seconds=600, clock=clock)
    first, second, third = (store.create(interview=object()) for _ in range(3))  # type: ignore[arg-type]
    clock.now += 1
    store.get(first.token)
    fourth = store.create(interview=object())  # type: ignore[arg-type]
    assert store.get(second.token) is None
    assert {s.token for s in (first, third, fourth)} == {t for t in (first.token, third.token, fourth.token) if store.get(t)}
    assert len(store) == 3


def test_a_session_holds_its_answers_only_in_memory(tmp_path: Any, monkeypatch: Any) -> None:
    """A whole journey writes no file: not in the working folder, not in the temporary folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    visitor = Visitor()
    visitor.start()
    answer_typical_person(visitor, medicines=SECRET_MEDICINE)
    visitor.open("/result")
    visitor.open("/")
    visitor.post(
        "/resume",
        {"csrf": visitor.hidden("csrf")},
        files={"answers": ("a.json", json.dumps({"medications": [SECRET_MEDICINE]}).encode(), "application/json")},
    )
    assert list(tmp_path.iterdir()) == []
