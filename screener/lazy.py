"""Names a package exports but imports on first use (PEP 562), so that importing the package (for
``mgk-screen --help``, or one small module of it) does not load what those names need."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def lazy_exports(package: str, where: Mapping[str, str], public: Sequence[str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` (each name of ``where`` from its module, imported when first
    asked for) and ``__dir__`` (what a notebook's tab completion offers: ``public``, loaded or not)."""

    def __getattr__(name: str) -> Any:
        if name in where:
            return getattr(importlib.import_module(where[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(public)

    return __getattr__, __dir__
