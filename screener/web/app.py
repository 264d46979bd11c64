"""The web app: ``create_app`` builds it from a screener and a questionnaire.

One FastAPI app, one router per area (``pages``: the questionnaire; ``results``: review, result
and downloads; ``teaching``: the made-up examples; ``api``: the JSON API), all behind the same middleware: allowed hosts, body size,
security headers, quiet errors and an access log without query strings. Other areas (CDS Hooks,
say) are mounted by passing their routers in ``routers`` or with ``app.include_router`` on the
app returned; they get the same protection and can reach the shared ``WebContext`` through
``request.app.state.web``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from screener import __version__
from screener.web.context import LOOPBACK_HOSTS, WebContext, WebSettings, web_context
from screener.web.security import AccessLog, AllowedHosts, BodyLimit, QuietErrors, SecurityHeaders, refusal
from screener.web.sessions import SessionStore

__all__ = ["LOOPBACK_HOSTS", "WebContext", "WebSettings", "create_app", "web_context"]

if TYPE_CHECKING:
    from screener.interview import Questionnaire
    from screener.screening.pipeline import Screener


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
    from screener.web import api, pages, results, teaching
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
    for router in (pages.router, results.router, teaching.router, api.router, api.pages, *routers):
        app.include_router(router)
    pages.install_error_pages(app)
    # Added innermost first. The headers wrap every response, those refusing a request included;
    # the access log sees every request.
    json_refusals = ((api.PREFIX + "/", refusal), *settings.json_refusals_by_path)
    app.add_middleware(
        BodyLimit,
        limit=settings.max_body_bytes,
        by_path=settings.body_limits_by_path,
        json_by_path=json_refusals,
        seconds=settings.body_seconds,
    )
    app.add_middleware(AllowedHosts, hosts=settings.allowed_hosts)
    app.add_middleware(QuietErrors)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)
    return app
