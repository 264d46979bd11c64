"""Reading a JSON document with orjson (several times faster than the standard library's decoder
with the strict checks in ``json_text``), used only when its value is certainly the one the strict
decoder gives; in any doubt the caller decodes strictly, which also words the fault.

Where orjson and the strict decoder differ, and how each difference is kept out:

- a key given twice: orjson keeps the last value; the strict decoder refuses the record.
- an integer beyond 64 bits: orjson makes it a float (18446744073709551616 becomes 1.8e19).
- nesting: the strict decoder reads as deep as Python's recursion limit lets it (about 1000
  levels, less the caller's frames); orjson reads 1024 levels but writes only 254, and every
  value taken here has been written by orjson.
- NaN, Infinity, 1e400 (a float overflowing to infinity), lone surrogates (``"\\ud800"``, or in
  the str itself), control characters in strings, and all syntax errors: orjson refuses them.

Floats agree: both round correctly (compared on 1.5 million numbers, halfway cases included).
"""

from __future__ import annotations

import re
from typing import Final

import orjson


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


# Before 3.11.6 orjson.dumps had no nesting limit, and before 3.9.15 neither had orjson.loads: a
# record of 50,000 "[" would overflow the C stack and end the process, where the strict decoder
# calls it nested too deeply. With such an orjson everything is decoded strictly.
ORJSON_LIMITS_NESTING: Final = _version(orjson.__version__) >= (3, 11, 6)


_JSON_WHITESPACE: Final = b" \t\r\n"
_DIGITS_AS_ZEROS: Final = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_LONG_DIGIT_RUN: Final = b"0" * 19  # 10**18 is the largest power of ten below 2**63


def decode_if_certain(text: str) -> tuple[object] | None:
    """``(value,)``, the value of the JSON document ``text`` exactly as the strict decoder would
    give it; None when orjson refuses the text or may differ from the strict decoder."""
    if not ORJSON_LIMITS_NESTING:
        return None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in the text itself
        return None
    try:
        value = orjson.loads(data)
        written = orjson.dumps(value)  # refused beyond 254 levels of nesting
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return None
    if _is_the_text(written, data) or _members_and_integers_kept(data, written):
        return (value,)
    return None


def _is_the_text(written: bytes, data: bytes) -> bool:
    """Whether ``data`` is ``written`` with JSON whitespace around it (compared without a copy)."""
    start = len(data) - len(data.lstrip(_JSON_WHITESPACE))
    end = start + len(written)
    return data.startswith(written, start) and not data[end:].strip(_JSON_WHITESPACE)


def _members_and_integers_kept(data: bytes, written: bytes) -> bool:
    """Whether orjson, reading the text ``data`` into the value it wrote as ``written``, kept
    every member of every object (no key given twice) and every integer as an integer.

    (When ``written`` is the text itself, both hold: orjson never writes a key twice in one
    object, and writes a float with a "." or an "e", never as the integer the text held.)

    Each member of an object has one colon outside strings, and a colon inside a string stays
    one colon once decoded and written back. So without escaped colons (``\\u003a``), the text
    has as many colons as the written value exactly when no member was dropped: a repeated key
    drops at least one member, with all its colons. An integer orjson turns into a float has
    at least 19 digits (10**18 < 2**63).
    """
    return (
        data.count(b":") == written.count(b":")
        and b"\\u003" not in data
        # A byte translation and a substring search: far cheaper than a regular expression.
        and _LONG_DIGIT_RUN not in data.translate(_DIGITS_AS_ZEROS)
    )
