"""Shared fixtures. Output of commands is made stable the way typer's own tests do it."""

from __future__ import annotations

import os
import tempfile

import pytest

# Stable, colourless CLI output for CliRunner tests (see typer's test script).
os.environ.setdefault("TERMINAL_WIDTH", "100")
os.environ.setdefault("COLUMNS", "100")
os.environ.setdefault("_TYPER_FORCE_DISABLE_TERMINAL", "1")
os.environ.setdefault("NO_COLOR", "1")
# Rule-file checks remembered by content (screener.contract.checked) go to a folder of this run,
# never to the home folder.
os.environ.setdefault("MGK_SCREEN_CACHE_DIR", tempfile.mkdtemp(prefix="mgk-screen-checked-"))


@pytest.fixture(scope="session")
def screener():  # type: ignore[no-untyped-def]
    """One screener with the shipped rules for the whole run (loading and compiling is the slow part)."""
    from screener import Screener

    return Screener()
