"""The error a CDS Hooks request gets when it cannot be answered with cards (a hook call, or the
feedback on a card): the HTTP status, an error code, a sentence, and the problems with their JSON
paths."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from screener.contract.validation import Problem


class HookError(Exception):
    """A hook call that cannot be answered with cards: the HTTP status, an error code, a sentence,
    and the problems with their JSON paths."""

    def __init__(self, status: int, error: str, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.problems = list(problems)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.error, "message": self.message}
        if self.problems:
            body["errors"] = [problem.as_dict() for problem in self.problems]
        return body
