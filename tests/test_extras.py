"""The command a missing extra names must work when copied: mgk-screen is installed from a clone
(it is not on PyPI), so "pip install 'mgk-screen[web]'" would look for it on PyPI and fail."""

from __future__ import annotations

import json
import os
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from screener import extras
from screener.extras import install_command


class _Recorded:
    """A distribution whose pip record (direct_url.json) says where it was installed from."""

    def __init__(self, direct_url: dict[str, Any] | None) -> None:
        self._text = None if direct_url is None else json.dumps(direct_url)

    def read_text(self, name: str) -> str | None:
        return self._text if name == "direct_url.json" else None


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Any:
    def install(direct_url: dict[str, Any] | None) -> None:
        monkeypatch.setattr("importlib.metadata.distributions", lambda name: [_Recorded(direct_url)])

    # This environment's pip first on PATH, as after `source .venv/bin/activate`.
    monkeypatch.setenv("PATH", sysconfig.get_path("scripts") + os.pathsep + os.environ.get("PATH", ""))
    return install


def test_a_clone_installed_with_pip_install_dot_is_told_the_clone_by_its_absolute_path_from_inside_it(
    installed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'.[web]' would break when the command is copied after a cd (a newcomer's review)."""
    installed({"url": tmp_path.as_uri(), "dir_info": {}})
    monkeypatch.chdir(tmp_path)
    assert install_command("web") == f"pip install '{tmp_path}[web]'"


def test_an_editable_install_is_told_the_clone_by_its_path_from_elsewhere(
    installed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = tmp_path / "my clone"
    clone.mkdir()
    elsewhere = tmp_path / "notes"
    elsewhere.mkdir()
    installed({"url": clone.as_uri(), "dir_info": {"editable": True}})
    monkeypatch.chdir(elsewhere)
    assert install_command("reports") == f"pip install -e '{clone}[reports]'"


def test_an_install_from_an_index_or_from_a_folder_since_removed_names_the_package(installed: Any, tmp_path: Path) -> None:
    installed(None)
    assert install_command("fhir") == "pip install 'mgk-screen[fhir]'"
    installed({"url": (tmp_path / "gone").as_uri(), "dir_info": {}})
    assert install_command("fhir") == "pip install 'mgk-screen[fhir]'"


def test_when_another_pip_comes_first_on_path_this_environments_pip_is_named(
    installed: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newcomer who ran `.venv/bin/mgk-screen` without activating the environment: a bare
    `pip` would install into another Python."""
    installed(None)
    other = tmp_path / "other-python"
    other.mkdir()
    (other / "pip").write_text("#!/bin/sh\n", encoding="utf-8")
    (other / "pip").chmod(0o755)
    monkeypatch.setenv("PATH", str(other))
    monkeypatch.chdir(tmp_path)
    own = Path(sysconfig.get_path("scripts"), "pip")
    assert own.exists(), "a virtual environment made by python3 -m venv has its own pip"
    assert install_command("web") == f"{own} install 'mgk-screen[web]'"
    monkeypatch.chdir(own.parent.parent.parent)  # beside .venv, where ".venv/bin/pip" would break after a cd
    assert install_command("web") == f"{own} install 'mgk-screen[web]'"


def test_the_missing_extra_message_carries_the_command() -> None:
    missing = extras.MissingExtra("parquet", "Parquet output", "pyarrow is not installed")
    assert str(missing) == f"Parquet output needs the optional 'parquet' extra (pyarrow is not installed): {install_command('parquet')}"
