"""Each person's answers, held only in this server's memory while they answer.

A session is a random token (in an HttpOnly, SameSite=Strict cookie) naming one ``Interview``.
Nothing here is ever written to disk or logged: a session lives until it has been idle for
``idle_seconds``, until the person starts again, or until the store is full and it is the one
used least recently (the oldest is evicted first). Restarting the server forgets everything.

The page handlers are coroutines on one event loop (none is a plain function, which FastAPI would
run in a worker thread), so the requests of one session never interleave inside a handler; the
store itself is locked all the same, for routers mounted later that may run in worker threads.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from screener.interview import Interview
    from screener.teaching.personas import Persona

TOKEN_BYTES = 32


@dataclass
class Session:
    """One person's way through the questionnaire, and what the next page should tell them."""

    token: str
    csrf: str
    interview: Interview
    last_used: float
    stopped: bool = False
    """The person chose to see the result after the emergency advice, with questions left."""
    emergency_pending: bool = False
    """A red-flag answer was just given: the next page is the emergency advice."""
    notices: list[str] = field(default_factory=list)
    """Things to tell the person on the next page (a medicine name we did not recognise)."""
    file_notes: list[str] = field(default_factory=list)
    """What was done with the answers file the session carried on from (a form tool's columns
    left out, an answer that did not fit), said once, on the next page, apart from the notices."""
    example: Persona | None = None
    """The teaching example (a made-up person) whose answers this session opened with, if any."""

    def take_notices(self) -> list[str]:
        notices, self.notices = self.notices, []
        return notices

    def take_file_notes(self) -> list[str]:
        notes, self.file_notes = self.file_notes, []
        return notes


class SessionStore:
    """Sessions by token: expiring, capped in number, least recently used evicted first."""

    def __init__(
        self, *, max_sessions: int = 200, idle_seconds: float = 30 * 60, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if max_sessions < 1:
            raise ValueError("max_sessions must be at least 1")
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self._clock = clock
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._sessions)

    def create(self, interview: Interview) -> Session:
        """A new session for ``interview``, with its own random token and CSRF token."""
        with self._lock:
            self._expire()
            while len(self._sessions) >= self.max_sessions:
                self._sessions.popitem(last=False)
            session = Session(
                token=secrets.token_urlsafe(TOKEN_BYTES),
                csrf=secrets.token_urlsafe(TOKEN_BYTES),
                interview=interview,
                last_used=self._clock(),
            )
            self._sessions[session.token] = session
            return session

    def get(self, token: str | None) -> Session | None:
        """The live session of ``token`` (its idle time restarts), or None."""
        if not token:
            return None
        with self._lock:
            self._expire()
            session = self._sessions.get(token)
            if session is None:
                return None
            session.last_used = self._clock()
            self._sessions.move_to_end(token)
            return session

    def end(self, token: str | None) -> None:
        """Forget a session and its answers now."""
        if token:
            with self._lock:
                self._sessions.pop(token, None)

    def _expire(self) -> None:
        cutoff = self._clock() - self.idle_seconds
        while self._sessions:
            oldest = next(iter(self._sessions.values()))
            if oldest.last_used > cutoff:
                break
            self._sessions.popitem(last=False)
