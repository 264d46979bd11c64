"""A person using the local web page without a browser: Starlette's TestClient (the real ASGI app,
in-process), reading pages the way the forms are built and submitting them as a browser does.
Shared by the web page tests."""

from __future__ import annotations

import contextlib
import html
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from typing import Any

from fastapi.testclient import TestClient

from screener.web.app import WebSettings, create_app

# TestClient sends "Host: testserver"; a real server accepts only its own names.
TEST_SETTINGS = WebSettings(allowed_hosts=("testserver", "127.0.0.1", "localhost"))

_FIELD = re.compile(r'<input type="hidden" name="(?P<name>csrf|key|revisit)" value="(?P<value>[^"]*)"')
_OPTION = re.compile(
    r'<input type="(?:checkbox|radio)" id="(?P<id>[^"]+)" name="answer" value="(?P<value>[^"]*)"[^>]*>\s*'
    r'<label for="(?P=id)">(?P<label>[^<]*)</label>'
)


def new_client(app: Any = None, **settings: Any) -> TestClient:
    if app is None:
        fields = {**TEST_SETTINGS.__dict__, **settings}
        app = create_app(_SCREENER.get(), settings=WebSettings(**fields))
    return TestClient(app, base_url="http://testserver")


class _SharedScreener:
    """One screener for every app the tests build (compiling the rules is the slow part)."""

    _screener: Any = None

    def get(self) -> Any:
        if self._screener is None:
            from screener import Screener

            self._screener = Screener()
        return self._screener


_SCREENER = _SharedScreener()


class _QuestionFields(HTMLParser):
    """The fields of the question form as a browser would send them: ticked boxes and radio
    buttons, the text in the box or the text area, the unit selected."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._in_form = found.get("action") == "/question"
        if not self._in_form:
            return
        if tag == "input" and found.get("name"):
            if found.get("type") not in ("checkbox", "radio") or "checked" in found:  # boxes: only when ticked
                self._add(found["name"], found.get("value", ""))
        elif tag == "textarea":
            self._textarea = found.get("name", "")
            self._add(self._textarea, "")
        elif tag == "select":
            self._select = found.get("name", "")
        elif tag == "option" and self._select and "selected" in found:
            self._add(self._select, found.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


class Visitor:
    """One person at the web page: opens pages, answers the question shown, follows redirects."""

    def __init__(self, client: TestClient | None = None) -> None:
        self.client = client or new_client()
        self.page: Any = None

    # -- reading the page ---------------------------------------------------------------------
    @property
    def html(self) -> str:
        return str(self.page.text)

    @property
    def title(self) -> str:
        found = re.search(r"<title>(.*?)</title>", self.html, re.S)
        return html.unescape(found.group(1)) if found else ""

    @property
    def heading(self) -> str:
        found = re.search(r"<h1[^>]*>(.*?)</h1>", self.html, re.S)
        return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""

    def hidden(self, name: str) -> str:
        for found in _FIELD.finditer(self.html):
            if found.group("name") == name:
                return html.unescape(found.group("value"))
        raise AssertionError(f"no hidden field {name!r} on the page {self.title!r}")

    def options(self) -> dict[str, str]:
        """The check boxes or radio buttons of the page: label -> value sent."""
        return {html.unescape(m.group("label")): m.group("value") for m in _OPTION.finditer(self.html)}

    def shown(self) -> dict[str, list[str]]:
        """The question form's fields as the page fills them in (what Continue would send)."""
        parser = _QuestionFields()
        parser.feed(self.html)
        return parser.fields

    def text(self) -> str:
        """The words of the main part of the page, tags removed."""
        main = self.html.split('<main id="main"', 1)[-1].split(">", 1)[-1].split("</main>", 1)[0]
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())

    # -- acting -------------------------------------------------------------------------------
    def open(self, path: str = "/") -> Any:
        self.page = self.client.get(path)
        return self.page

    def post(self, path: str, data: dict[str, Any], **options: Any) -> Any:
        self.page = self.client.post(path, data=data, **options)
        return self.page

    def start(self) -> Any:
        self.open("/")
        return self.post("/start", {"csrf": self.hidden("csrf")})

    def submit(self, values: Iterable[str] = (), *, unit: str | None = None, action: str = "next") -> Any:
        data: dict[str, Any] = {"csrf": self.hidden("csrf"), "key": self.hidden("key"), "action": action}
        if 'name="revisit"' in self.html:  # an answered question seen again: its form says so
            data["revisit"] = self.hidden("revisit")
        data["answer"] = list(values)
        if unit is not None:
            data["unit"] = unit
        return self.post("/question", data)

    def type(self, text: str, *, unit: str | None = None) -> Any:
        """Type into the text box of the question and continue."""
        return self.submit([text], unit=unit)

    def choose(self, *labels: str) -> Any:
        """Tick the boxes (or the radio button) with these labels and continue."""
        options = self.options()
        missing = [label for label in labels if label not in options]
        assert not missing, f"no option {missing} on {self.title!r}; there are {list(options)}"
        return self.submit([options[label] for label in labels])

    def continue_as_shown(self) -> Any:
        """Press Continue without changing anything on the page."""
        return self.post("/question", {**self.shown(), "action": "next"})

    def skip(self) -> Any:
        return self.submit(action="skip")

    def back(self) -> Any:
        fields = {"csrf": self.hidden("csrf")}
        if 'name="revisit"' in self.html:
            fields |= {"key": self.hidden("key"), "revisit": self.hidden("revisit")}
        return self.post("/question/back", fields)

    def press(self, path: str, **fields: str) -> Any:
        """Submit one of the small forms of a page (restart, change, carry on, emergency)."""
        return self.post(path, {"csrf": self.hidden("csrf"), **fields})

    @property
    def question(self) -> str:
        return self.hidden("key")


def upload_and_skip_to_result(visitor: Visitor, answers: dict[str, Any]) -> None:
    """From the first page to the result: carry on from a saved answers file, skip every question
    it leaves open (red flags happening now cannot be skipped: "None of these"), open the result."""
    visitor.open("/")
    upload = {"answers": ("answers.json", json.dumps(answers).encode(), "application/json")}
    visitor.post("/resume", {"csrf": visitor.hidden("csrf")}, files=upload)
    while 'name="key"' in visitor.html:
        if 'value="skip"' in visitor.html:
            visitor.skip()
        else:
            visitor.choose("None of these")
    visitor.open("/result")


def answer_typical_person(visitor: Visitor, *, medicines: str = "none", symptoms: tuple[str, ...] = ()) -> None:
    """From the first question to the review: an older woman who drinks no alcohol, with the
    given medicines (each confirmed) and symptoms, skipping the blood results."""
    visitor.choose("None of these")
    visitor.type("72")
    visitor.choose("Female")
    visitor.choose("Yes" if medicines != "none" else "No")
    visitor.type(medicines)
    while visitor.question.startswith("medications:confirm:"):
        visitor.choose("Yes")
    visitor.choose("Never")
    visitor.choose("No")  # diarrhea
    visitor.choose("No")  # vomiting
    visitor.choose("No")  # laxatives
    visitor.choose("None of these")  # conditions
    visitor.choose("Sometimes")
    visitor.type("3")
    if symptoms:
        visitor.choose(*symptoms)
    else:
        visitor.choose("None of these")
    visitor.choose("None of these")  # supplements
    visitor.type("")  # potassium result: not known
    visitor.type("")  # magnesium result: not known


@contextlib.contextmanager
def running_server(app: Any) -> Iterator[str]:
    """The app on uvicorn, really listening on a free port of 127.0.0.1; yields its base URL.
    The socket is bound here and handed to uvicorn, so there is no race for the port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def shared_app() -> Any:
    """An app with the default settings (this computer's names only), on the shared screener."""
    return create_app(_SCREENER.get())


@contextlib.contextmanager
def captured_logs() -> Iterator[list[logging.LogRecord]]:
    """Every record logged anywhere while the block runs, whatever its level or logger."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def assert_no_answers_in(records: list[logging.LogRecord], *secrets: str) -> None:
    """No record of the server side holds any of ``secrets`` (the test client's own request log,
    httpx2's, names the URLs it asked for and is not the server's)."""
    server_side = [record for record in records if not record.name.startswith(("httpx", "httpcore"))]
    assert server_side, "nothing was logged: the check would prove nothing"
    for record in server_side:
        text = record.getMessage() + repr(record.args) + (record.exc_text or "")
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        for secret in secrets:
            assert secret not in text, f"an answer reached the log: {record.name}: {text[:200]}"
