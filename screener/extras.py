"""Optional parts of the screener, installed as extras (``pip install 'mgk-screen[parquet]'``).

A feature that needs one imports it through ``require``: when it is missing the user gets one
line naming the extra and the command that installs it, never an ImportError traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from screener.errors import InputError


class MissingExtra(InputError):
    """An optional dependency is not installed."""

    def __init__(self, purpose: str, extra: str) -> None:
        super().__init__(f"{purpose} needs the optional extra [{extra}]: pip install 'mgk-screen[{extra}]'")
        self.extra = extra


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` from the extra ``extra``, or raise ``MissingExtra`` saying what needs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(purpose, extra) from None
