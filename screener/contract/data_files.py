"""Reading a data file of a rule folder (the rules, the vocabulary, the questionnaire, the FHIR
mapping): its bytes, then its JSON.

A file is read only when it is a regular file of a bounded size (a link to ``/dev/zero`` or a
named pipe is refused, not read), and its JSON only when no rule could mistake it: no NaN or
Infinity, no number too large for a float, no text holding half of a surrogate pair, no nesting
too deep to read. Each refusal is a ``RulesError`` naming the file (and the line and column, or
the JSON path). Checking the data against its schema is ``validation.check_data_file``.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Callable
from typing import Any

from screener.contract.validation import json_path
from screener.errors import RulesError

#: Largest rules-folder data file read (the shipped ones are under 50 kB). A file named in a rule
#: folder is read only when it is a regular file of at most this size: a ``facts.json`` that is a
#: link to /dev/zero once grew the process to 7 GB.
MAX_DATA_FILE_BYTES = 4 * 1024 * 1024


def read_data_bytes(entry: Any, source: str, hint: str | None = None) -> bytes:
    """The bytes of a rules-folder data file (a Path or a package resource), or a ``RulesError``."""
    if not isinstance(entry, os.PathLike):  # a resource inside the installed package: ours
        try:
            packaged: bytes = entry.read_bytes()
        except FileNotFoundError:
            raise RulesError(f"{source}: file not found", hint=hint) from None
        except OSError as error:
            raise RulesError(f"{source}: cannot read ({error.strerror or error})") from None
        return packaged
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer; it is refused just below.
        descriptor = os.open(entry, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise RulesError(f"{source}: file not found", hint=hint) from None
    except OSError as error:
        raise RulesError(f"{source}: cannot read ({error.strerror or error})") from None
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise RulesError(f"{source}: not a regular file (a device, a pipe or a folder), so it is not read")
        if status.st_size > MAX_DATA_FILE_BYTES:
            raise RulesError(f"{source}: {status.st_size:,} bytes, more than a rule file may hold ({MAX_DATA_FILE_BYTES:,})")
        try:
            raw = file.read(MAX_DATA_FILE_BYTES + 1)
        except OSError as error:
            raise RulesError(f"{source}: cannot read ({error.strerror or error})") from None
    if len(raw) > MAX_DATA_FILE_BYTES:  # it grew while being read
        raise RulesError(f"{source}: more than {MAX_DATA_FILE_BYTES:,} bytes, more than a rule file may hold")
    return raw


class _NotFinite(ValueError):
    pass


def _finite_number(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NotFinite(f"{text} is too large to be a number here")
    return value


def _not_a_number(name: str) -> float:
    raise _NotFinite(f"{name} is not a number in JSON")


def _missing_comma(error: json.JSONDecodeError) -> str:
    """Where a missing comma probably is: JSON notices it at the start of the next value, which is
    often the next line, while the comma belongs at the end of the line before."""
    if error.msg != "Expecting ',' delimiter" or error.lineno < 2:
        return ""
    before = error.doc[: error.pos].rstrip(" \t")
    if not before.endswith("\n"):
        return ""
    line = before.rstrip().count("\n") + 1
    return f"; a comma may be missing at the end of line {line}"


def parse_data(
    raw: bytes,
    source: str,
    object_pairs_hook: Any = None,
    where: Callable[[str, Any], str] | None = None,
    *,
    text_checked: bool = False,
) -> Any:
    """JSON from a data file's bytes (a UTF-8 BOM is allowed), or a ``RulesError`` with line and column.

    Refused too, as no rule could mean them: NaN and Infinity, numbers too large for a float
    (``1e999``), text holding half of a surrogate pair (``\\ud800``, not Unicode), and nesting
    too deep to read. ``where(path, data)`` words the JSON path of a fault (a rule's id and field).
    ``text_checked``: these bytes passed before (``screener.contract.checked``), so their text is
    not searched for half surrogate pairs again.
    """
    try:
        data = json.loads(
            raw.decode("utf-8-sig"),
            object_pairs_hook=object_pairs_hook,
            parse_float=_finite_number,
            parse_constant=_not_a_number,
        )
    except UnicodeDecodeError as error:
        raise RulesError(f"{source}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise RulesError(f"{source}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}{_missing_comma(error)})") from None
    except _NotFinite as error:
        raise RulesError(f"{source}: {error}") from None
    except RecursionError:
        raise RulesError(f"{source}: nested too deeply to read") from None
    surrogate = None if text_checked else _lone_surrogate_path(data)
    if surrogate is not None:
        raise RulesError(
            f"{source}: {where(surrogate, data) if where else surrogate}: text holding half of a surrogate pair "
            "(not Unicode); write the character itself"
        )
    return data


def _lone_surrogate_path(data: Any) -> str | None:
    """The JSON path of the first string (or key) holding a lone surrogate, if any."""
    stack: list[tuple[Any, list[str | int]]] = [(data, [])]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return json_path(path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    return json_path(path)
                stack.append((item, [*path, key]))
        elif isinstance(value, list):
            stack.extend((item, [*path, index]) for index, item in enumerate(value))
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")
