"""A browser-based EHR (as the CDS Hooks sandbox is) calling our server from a page of another
origin: a real Chromium, so the browser itself makes the CORS preflight and decides what the page
may read. Both origins are on 127.0.0.1 (different ports), as a sandbox run on this computer."""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cds_support import ELEANOR, hook_request, prefetch_for, serving
from report_images import browser

pytest.importorskip("playwright", reason="the test extra installs playwright")
pytestmark = pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")

# What the page runs: a fetch as an EHR's script makes it (a JWT and JSON, so always preflighted),
# and what the page could read of the answer. A browser refusing to show the answer (no CORS
# headers) is a TypeError, reported as "network error".
FETCH = """async ([url, method, body]) => {
  const options = {method, headers: {"Authorization": "Bearer not-checked-here", "Accept": "application/json"}};
  if (body !== null) { options.body = body; options.headers["Content-Type"] = "application/json"; }
  try {
    const response = await fetch(url, options);
    return {status: response.status, body: await response.json()};
  } catch (error) {
    return {status: 0, body: "network error: " + error};
  }
}"""


@contextlib.contextmanager
def ehr_page_origin() -> Iterator[str]:
    """An origin serving an empty page, as the EHR's; yields its URL."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            page = b"<!doctype html><title>EHR</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_of_another_origin_reads_cards_feedback_answers_and_refusals() -> None:
    call = json.dumps(hook_request("patient-view", ELEANOR, prefetch_for(ELEANOR)))
    with serving() as base, ehr_page_origin() as origin, browser() as chromium:
        page = chromium.new_page()
        page.goto(origin)

        def fetch(path: str, method: str = "GET", body: str | None = None) -> dict[str, Any]:
            answer: dict[str, Any] = page.evaluate(FETCH, [base + path, method, body])
            return answer

        cards = fetch("/cds-services/patient-view", "POST", call)
        assert cards["status"] == 200, cards
        card = cards["body"]["cards"][0]
        item = {"card": card["uuid"], "outcome": "overridden", "overrideReason": {"reason": card["overrideReasons"][0]}, "outcomeTimestamp": "2025-06-30T10:00:00Z"}
        assert fetch("/cds-services/patient-view/feedback", "POST", json.dumps({"feedback": [item]})) == {"status": 200, "body": {"recorded": 1}}
        refused = fetch("/cds-services/patient-view/feedback", "POST", json.dumps({"feedback": [{"card": str(uuid.uuid4())}]}))
        assert refused["status"] == 400 and refused["body"]["errors"][0]["path"] == "$.feedback[0].outcome"
        # Refused before the CDS routes run: still readable, not a network error.
        assert fetch("/cds-services/patient-view") == {
            "status": 405, "body": {"error": "method_not_allowed", "message": "/cds-services/patient-view takes POST (a hook call), not GET"},
        }
        assert fetch("/cds-services/patient-view/cards") == {
            "status": 404,
            "body": {
                "error": "not_found",
                "message": "no CDS Hooks endpoint at /cds-services/patient-view/cards: discovery is GET /cds-services, a service is POST /cds-services/{id}",
            },
        }
