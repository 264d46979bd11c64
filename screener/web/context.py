"""What every page and API handler shares: the settings, and one ``WebContext`` per app (the screener,
the questionnaire, the sessions, the templates), reached through ``request.app.state.web``.

Kept apart from ``app`` so that the routers can use it while ``app`` assembles them.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from screener.fhir.records import check_record, screen_record_entry
from screener.web.security import StartToken
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
    json_refusals_by_path: tuple[tuple[str, Callable[[str], object]], ...] = ()
    """The JSON APIs mounted beside the answers API, with the body their clients read when a
    request is refused before it reaches them (413): ``(("/cds-services", make_body),)``."""
    body_seconds: float = 10.0
    """How long a request body may take to come in whole (408 after): a client that says it sends
    more than it does (a Content-Length larger than its body) does not hold a worker for ever."""
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
            return screen_record_entry(self.screener, value)

    def red_flags_alone(self, value: Any) -> dict[str, Any]:
        """The red flags invalid answers report, screened on their own (``Screener.red_flags_alone``)."""
        with self._screening:
            return self.screener.red_flags_alone(value)

    def check(self, value: Any) -> list[Any]:
        """The problems of one raw answers record, as the CLI words them (empty when valid)."""
        with self._screening:
            return check_record(self.screener, value)[1]


def web_context(request: Request) -> WebContext:
    context: WebContext = request.app.state.web
    return context
