"""Lint and types are habits, checked with every test run: ruff over the tree, mypy --strict over the
library and the command line.

Both tools are pinned to a minor version in the test extra, so a new release cannot turn this red
on its own. Their settings are in pyproject.toml.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing_to_fix() -> None:
    done = run("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_library_type_checks_under_mypy_strict() -> None:
    done = run("mypy")  # packages and strictness from [tool.mypy]
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success" in done.stdout


def test_the_command_line_type_checks_under_mypy_strict(tmp_path: Path) -> None:
    # cli/ is installed as screener.cli (a package-dir mapping mypy cannot follow): check it where
    # it is imported from, in a tree of links shaped as installed.
    package = tmp_path / "screener"
    package.mkdir()
    for entry in (ROOT / "screener").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    (package / "cli").symlink_to(ROOT / "cli")
    done = run("mypy", "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path / "cache"), "-p", "screener.cli", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success" in done.stdout
