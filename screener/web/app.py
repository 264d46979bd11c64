"""The web app: ``create_app`` builds it from a screener and a questionnaire.

One FastAPI app, one router per area (``pages``: the questionnaire; ``results``: review, result
and downloads; ``api``: the JSON API), all behind the same middleware: allowed hosts, body size,
security headers, quiet errors and an access log without query strings. Other areas (CDS Hooks,
say) are mounted by passing their routers in ``routers`` or with ``app.include_router`` on the
app returned; they get the same protection and can reach the shared ``WebContext`` through
``request.app.state.web``.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request

from screener import __version__
from screener.web.security import AccessLog, AllowedHosts, BodyLimit, QuietErrors, SecurityHeaders, StartToken
from screener.web.sessions import SessionStore

if TYPE_CHECKING:
    import jinja2

    from screener.contract.result import ScreeningResult
    from screener.interview import Interview, Questionnaire
    from screener.reports.words import Words
    from screener.screening.pipeline import Screener

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class WebSettings:
    """What the app accepts and how long it remembers. The defaults suit one person on one machine."""

    max_body_bytes: int = 128 * 1024
    """Largest request body accepted (413 above it). An answers file is about 1 KB."""
    body_limits_by_path: tuple[tuple[str, int], ...] = ()
    """Other limits for the paths under a prefix: ``(("/cds-services/", 1_048_576),)`` (a CDS
    Hooks call carries the patient's prefetched EHR data)."""
    max_sessions: int = 200
    """Most sessions held at once; starting one more forgets the least recently used."""
    idle_minutes: float = 30
    """A session not used for this long is forgotten, answers and all."""
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    """Host header values accepted (a defence against DNS rebinding); "*" accepts any."""


@dataclass
class WebContext:
    """What every handler shares: the screener, the questionnaire, the sessions, the templates."""

    screener: Screener
    questionnaire: Questionnaire
    settings: WebSettings
    sessions: SessionStore
    templates: jinja2.Environment
    start_tokens: StartToken = field(default_factory=StartToken)
    _screening: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @functools.cached_property
    def words(self) -> Words:
        """Plain words for the codes of a result (the report partials show them)."""
        from screener.reports.words import Words

        return Words.from_rules(self.screener.ruleset, self.questionnaire)

    def new_interview(self, answers: Mapping[str, Any] | None = None) -> Interview:
        from screener.interview import Interview

        return Interview.for_ruleset(self.questionnaire, self.screener.ruleset, answers)

    def screen(self, answers: Mapping[str, Any]) -> ScreeningResult:
        """The result for answers exactly as they would be saved to a file (so that the
        downloaded answers give the same result in ``mgk-screen batch``)."""
        with self._screening:  # the screener reuses engine sessions: one respondent at a time
            return self.screener.screen(json.loads(json.dumps(answers)))

    def screen_entry(self, value: Any) -> dict[str, Any]:
        """Batch mode's entry for one raw record: a result, or an invalid-record entry."""
        with self._screening:
            return self.screener.screen_entry(value)

    def check(self, value: Any) -> list[Any]:
        """The problems of one raw answers record, as the CLI words them (empty when valid)."""
        with self._screening:
            return self.screener.check(value)[1]


def web_context(request: Request) -> WebContext:
    context: WebContext = request.app.state.web
    return context


def create_app(
    screener: Screener | None = None,
    questionnaire: Questionnaire | None = None,
    *,
    settings: WebSettings | None = None,
    routers: Iterable[APIRouter] = (),
) -> FastAPI:
    """The app for one screener (the shipped rules when None) and its questionnaire.

    The OpenAPI description is served at ``/openapi.json`` and read as a page at ``/api``;
    FastAPI's own /docs and /redoc are off, because they load their scripts from a CDN.
    """
    from screener.interview import Questionnaire
    from screener.screening.pipeline import Screener
    from screener.web import api, pages, results
    from screener.web.render import environment

    settings = settings or WebSettings()
    screener = screener or Screener()
    if questionnaire is None:
        folder = screener.ruleset.folder
        questionnaire = Questionnaire.load(None if folder == "rules" else folder)
    app = FastAPI(
        title="mgk-screen",
        version=__version__,
        summary="Screen for combined magnesium and potassium depletion: screening and teaching, never a diagnosis.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.web = WebContext(
        screener=screener,
        questionnaire=questionnaire,
        settings=settings,
        sessions=SessionStore(max_sessions=settings.max_sessions, idle_seconds=settings.idle_minutes * 60),
        templates=environment(),
    )
    app.include_router(results.styles)  # before the /static mount, which would answer for them
    app.mount("/static", StaticFiles(packages=[("screener.web", "static")]), name="static")
    for router in (pages.router, results.router, api.router, api.pages, *routers):
        app.include_router(router)
    pages.install_error_pages(app)
    # Added innermost first. The headers wrap every response, those refusing a request included;
    # the access log sees every request.
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, by_path=settings.body_limits_by_path)
    app.add_middleware(AllowedHosts, hosts=settings.allowed_hosts)
    app.add_middleware(QuietErrors)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)
    return app
