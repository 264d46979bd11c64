"""Checks of a data file's own content, remembered by content.

Checking the rule files and the medication vocabulary (against their JSON Schemas, and for
nesting too deep and text that is not Unicode) was most of the time it took to load a rule folder
(about a quarter of a second, at every start of ``screen``, ``ask``, a batch worker or the web
server), and the answer depends only on the bytes of the file, of its schema and of the code that
checks. So a check that found nothing is remembered as an empty file named by a SHA-256 of all of
them (the code by its files' paths, sizes and times), in ``$MGK_SCREEN_CACHE_DIR``, else
``$XDG_CACHE_HOME/mgk-screen/checked``, else ``~/.cache/mgk-screen/checked``; the next load of the
same bytes skips it. Change one byte of a rule file or a schema, edit the checking code or install
another jsonschema, and the file is checked again. A check that found problems is never
remembered: its message is always worked out afresh. What a whole rule folder must satisfy
together (every fact named exists, the engine's limits) is checked at every load. A cache folder
that cannot be read or written is not an error: the check is simply done every time
(``MGK_SCREEN_CACHE_DIR=`` set empty turns the cache off).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from pathlib import Path

#: Named in every key: raise it when what a remembered check stands for changes.
_KEY_FORMAT = b"mgk-screen schema check 1"
CACHE_ENV = "MGK_SCREEN_CACHE_DIR"


def cache_folder() -> Path | None:
    """Where passed checks are remembered, or None when the cache is turned off."""
    given = os.environ.get(CACHE_ENV)
    if given is not None:
        return Path(given) if given else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mgk-screen" / "checked"


#: The modules whose code decides whether a data file passes (besides the schema itself).
_VALIDATOR = (
    "jsonschema.validators",
    "jsonschema._keywords",
    "referencing._core",
    "screener.contract.validation",
    "screener.contract.data_files",
)


def _stamp(modules: tuple[str, ...]) -> bytes:
    """What identifies the code of these (imported) modules: the path, size and time of each one's
    file (an edit, a reinstall or an upgrade changes them), read without importing package
    metadata. Empty when one is not known: then nothing is remembered."""
    parts = []
    for name in modules:
        path = getattr(sys.modules.get(name), "__file__", None)
        if path is None:
            return b""
        try:
            status = os.stat(path)
        except OSError:
            return b""
        parts.append(f"{path}\0{status.st_size}\0{status.st_mtime_ns}")
    return "\0".join(parts).encode()


class RememberedCheck:
    """Whether ``data`` passed the checks of these modules against ``schema`` before
    (``passed``), and ``remember()`` to say it has now."""

    __slots__ = ("_marker", "passed")

    def __init__(self, schema: bytes, data: bytes, checked_by: tuple[str, ...] = ()) -> None:
        self._marker: Path | None = None
        self.passed = False
        folder = cache_folder()
        stamp = _stamp(_VALIDATOR + checked_by) if folder is not None else b""
        if folder is None or not stamp:
            return
        digest = hashlib.sha256()
        for part in (_KEY_FORMAT, stamp, schema, data):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        self._marker = folder / digest.hexdigest()
        with contextlib.suppress(OSError):
            self.passed = self._marker.is_file()

    def remember(self) -> None:
        """Remember that the checks passed (call it only when they did)."""
        if self._marker is None or self.passed:
            return
        try:
            self._marker.parent.mkdir(parents=True, exist_ok=True)
            self._marker.touch()  # empty: only its name says anything, so no one can read half of it
        except OSError:
            pass  # an unwritable cache: checked again next time

