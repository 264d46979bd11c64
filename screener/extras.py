"""Optional parts of mgk-screen and the extras that install them.

The heavy libraries an optional part needs (matplotlib and WeasyPrint for reports, a web server,
FHIR models...) live in pip extras, so that a plain install stays small. Using a part without its
extra gives one line naming the install command, never an ImportError traceback.
"""

from __future__ import annotations

import importlib
import json
import os
import shlex
import shutil
import sys
import sysconfig
from types import ModuleType
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from screener.errors import ExitCode, ScreenerError

DISTRIBUTION = "mgk-screen"


class MissingExtra(ScreenerError):
    """An optional part was used without the extra that installs its libraries."""

    exit_code = ExitCode.USAGE

    def __init__(self, extra: str, purpose: str, reason: str) -> None:
        super().__init__(f"{purpose} needs the optional '{extra}' extra ({reason}): {install_command(extra)}")
        self.extra = extra


def install_command(extra: str) -> str:
    """The command that adds ``extra`` to this very installation, to copy and run.

    mgk-screen is installed from a clone (it is not on PyPI), so "pip install 'mgk-screen[web]'"
    would look for it there and fail: the command names the folder (or wheel) it was installed
    from, as pip recorded it (PEP 610: ``direct_url.json``), by its absolute path (a path relative
    to the working folder, ``'.[web]'``, breaks when the command is copied after a ``cd``), and
    this environment's own pip, by its absolute path, when another is first on PATH."""
    source, editable = _installed_from()
    target = shlex.quote(f"{source or DISTRIBUTION}[{extra}]")
    return f"{_pip()} install {'-e ' if editable else ''}{target}"


def _installed_from() -> tuple[str | None, bool]:
    """The local folder or wheel mgk-screen was installed from (None when from an index, or when
    it is gone), and whether it was installed editable."""
    from importlib.metadata import distributions

    # The first install pip recorded: a source folder on the path (an egg-info left by an editable
    # build) comes first and records nothing.
    try:
        recorded = next(filter(None, (found.read_text("direct_url.json") for found in distributions(name=DISTRIBUTION))), None)
    except OSError:
        return None, False
    try:
        direct = json.loads(recorded or "null")
        url = urlparse(direct["url"])
    except (ValueError, KeyError, TypeError):
        return None, False
    if url.scheme != "file":
        return None, False
    path = url2pathname(unquote(url.path))
    if not os.path.exists(path):
        return None, False
    editable = bool(isinstance(direct.get("dir_info"), dict) and direct["dir_info"].get("editable"))
    return os.path.abspath(path), editable


def _pip() -> str:
    """``pip`` when the first one on PATH is this environment's, else this environment's by its path."""
    scripts = sysconfig.get_path("scripts")
    found = shutil.which("pip")
    if found is not None and os.path.realpath(os.path.dirname(found)) == os.path.realpath(scripts):
        return "pip"
    own = os.path.join(scripts, "pip")
    if os.path.exists(own):  # run by its path, as the README's first command runs .venv/bin/pip
        return shlex.quote(os.path.abspath(own))
    return f"{shlex.quote(sys.executable)} -m pip"


def require(extra: str, purpose: str, *modules: str) -> list[ModuleType]:
    """Import ``modules`` (the libraries of ``extra``), or raise ``MissingExtra`` naming the first
    one missing. A library that is installed but cannot load (a system library it needs is
    absent) counts as missing, with the reason."""
    loaded = []
    for name in modules:
        try:
            loaded.append(importlib.import_module(name))
        except ImportError:
            raise MissingExtra(extra, purpose, f"{name} is not installed") from None
        except OSError as error:  # WeasyPrint without Pango, for example
            raise MissingExtra(extra, purpose, f"{name} cannot load a system library: {error}") from None
    return loaded
