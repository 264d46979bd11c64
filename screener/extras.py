"""Optional parts of mgk-screen and the extras that install them.

The heavy libraries an optional part needs (matplotlib and WeasyPrint for reports, a web server,
FHIR models...) live in pip extras, so that a plain install stays small. Using a part without its
extra gives one line naming the install command, never an ImportError traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from screener.errors import ExitCode, ScreenerError


class MissingExtra(ScreenerError):
    """An optional part was used without the extra that installs its libraries."""

    exit_code = ExitCode.USAGE

    def __init__(self, extra: str, purpose: str, reason: str) -> None:
        super().__init__(f"{purpose} needs the optional '{extra}' extra ({reason}): pip install 'mgk-screen[{extra}]'")
        self.extra = extra


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
