"""The screener's error types and exit codes.

Every error a user can cause is a ``ScreenerError`` with a message and, where it helps, a hint.
The CLI turns them into a clean message and the matching ``ExitCode``; it never shows a
traceback for them.
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Iterable


class ExitCode(enum.IntEnum):
    """Exit statuses of ``mgk-screen`` (documented in the README)."""

    OK = 0
    """Every record was screened (and, with ``--fail-on``, none reached that level)."""
    UNEXPECTED = 1
    """A bug or an environment problem: please report it (run again with ``--debug``)."""
    USAGE = 2
    """Wrong command-line usage, or an input that could not be read at all."""
    INVALID_RECORDS = 3
    """Some records were invalid; the valid ones were still screened and written."""
    INVALID_RULES = 4
    """The rule folder failed validation."""
    FAIL_ON_LEVEL = 5
    """``--fail-on LEVEL`` was given and at least one result reached that level."""
    INTERRUPTED = 130
    """Stopped with Ctrl-C."""
    CLOSED_PIPE = 141
    """The reader of the output went away (``| head -1``): stopped quietly, as a command killed by
    SIGPIPE would be (128 + 13)."""
    TERMINATED = 143
    """Stopped by SIGTERM (128 + 15), handled like Ctrl-C."""


class ScreenerError(Exception):
    """Base class for errors the user can act on."""

    exit_code: ExitCode = ExitCode.UNEXPECTED

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class RulesError(ScreenerError):
    """A rule, vocabulary or questionnaire file is missing, malformed or inconsistent."""

    exit_code = ExitCode.INVALID_RULES


class InputError(ScreenerError):
    """An input file or stream could not be read or parsed at all."""

    exit_code = ExitCode.USAGE


class OutputError(InputError):
    """The output could not be written (disk full, a closed stdout, no permission)."""


class ClosedPipe(ScreenerError):
    """The reader of the output closed it (``mgk-screen batch ... | head -1``): not an error to
    report, just a reason to stop."""

    exit_code = ExitCode.CLOSED_PIPE

    def __init__(self) -> None:
        super().__init__("")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C (by the command's signal handler) so that the same clean-up
    runs; the exit status is ``ExitCode.TERMINATED``."""


class EngineError(ScreenerError):
    """The rules engine failed in a way the adapter could not contain (a bug)."""

    exit_code = ExitCode.UNEXPECTED


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A " (did you mean 'x'?)" suffix for the closest valid name, or "" when none is close."""
    close = closest(word, choices)
    return f" (did you mean '{close}'?)" if close is not None else ""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The valid name ``did_you_mean`` names for ``word``, or None when none is close."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


# Control characters, but for the tab and the newline: C0 (ESC starts terminal escape sequences,
# CR and backspace overwrite what was shown), DEL, and C1 (0x9b is a one-character CSI).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` with every control character but tab and newline written out (``\\x1b``,
    ``\\u009b``), so that text from answers, file names or rule files shown on a terminal can
    never drive it (colours, cursor moves, a changed window title, a hidden line).

    JSON text stays valid JSON with the same content: JSON writers already escape C0 characters,
    and DEL and C1 are written as ``\\u`` escapes.
    """
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"
