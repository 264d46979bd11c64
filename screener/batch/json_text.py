"""Decoding JSON text strictly and safely: one value at a time with the standard library's C decoder,
refusing NaN/Infinity, lone surrogates and over-long integers, and giving the line and column of a fault."""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, Literal

from screener.batch import json_fast, records
from screener.contract.validation import TooLargeNumber

if TYPE_CHECKING:
    pass


JSON_WHITESPACE: Final = b" \t\r\n"


_WHITESPACE = re.compile(r"[ \t\r\n]*")


JSON_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*'


_CONSTANT_OR_STRING = re.compile(JSON_STRING + r'"|(NaN|-?Infinity)', re.DOTALL)


CUT_MARGIN = 32  # a decode error or value end this close to the end of the window may be a cut, not a fault

#: A string with no closing quote: the likeliest sign of a file cut short.
UNCLOSED_TEXT = "a text value is not closed (no closing double quote after the one here)"
EXPECTED_VALUE = "expected a value here: a number, true, false, null, or text in double quotes"
EXPECTED_COMMA = "expected a comma here, between two items"
# Text after one whole value (json's "Extra data"): two objects side by side, ``{"age": 40}{"age": 41}``.
SECOND_VALUE = "a second JSON value after the first one ends here: one record per file, or one per line (JSON Lines)"
# The json module's messages in words for someone who did not write a JSON parser ("Expecting
# value" after {"sex": female}); those that end "... at", meant to be followed by its own
# position, said whole, since the position is given as a line and column before them.
_SAID_WHOLE = {
    "Unterminated string starting at": UNCLOSED_TEXT,
    "Invalid control character at": "a control character (a tab or a line break) inside a text value: write it as \\t or \\n",
    "Expecting value": EXPECTED_VALUE,
    "Expecting ',' delimiter": EXPECTED_COMMA,
    "Expecting ':' delimiter": "expected a colon here, after the field name",
    "Expecting property name enclosed in double quotes": 'expected a field name in double quotes here ("age")',
    "Invalid \\escape": "a backslash that starts no escape (write \\\\ for a backslash itself)",
    "Invalid \\uXXXX escape": "a \\u escape without four hexadecimal digits after it",
}


#: What people write that JSON has not, said by name where the decoder only finds it unexpected:
#: a comment (JSON has none), and Python's True, False and None (``str(record)`` of a dict).
_NOT_JSON_WORDS: Final = (
    (re.compile(r"//|/\*"), "a comment, which JSON does not have: remove it"),
    (re.compile(r"(True|False|None)\b"), "{0} is Python's, not JSON: write {1} (json.dumps writes JSON)"),
)
_JSON_OF_PYTHON: Final = {"True": "true", "False": "false", "None": "null"}


def _what_is_there(text: str, index: int) -> str | None:
    """The name of what stops the JSON at ``index`` when people often write it (a comment, Python's
    ``True``); None otherwise, for the decoder's own words."""
    for pattern, words in _NOT_JSON_WORDS:
        found = pattern.match(text, index)
        if found is not None:
            word = found.group(0)
            return words.format(word, _JSON_OF_PYTHON.get(word, ""))
    return None


class JsonFault(Exception):
    """Why a piece of text is not one JSON value, and where (an index into that text)."""

    def __init__(self, message: str, index: int, kind: Literal["syntax", "constant", "deep", "large", "number", "text"]) -> None:
        super().__init__(message)
        self.message = message
        self.index = index
        self.kind = kind

    def may_be_cut(self, text: str) -> bool:
        """Whether more text after the end could still make the value whole."""
        return self.kind == "syntax" and (
            self.message == UNCLOSED_TEXT or self.index >= len(text) - CUT_MARGIN
        )

    def at_end(self, text: str) -> bool:
        """Whether the text stops inside the value (it was truncated) rather than being wrong."""
        return self.kind == "syntax" and (
            self.message == UNCLOSED_TEXT or not text[self.index :].strip(" \t\r\n")
        )


class _NotJsonConstant(ValueError):
    pass


def _reject_constant(name: str) -> object:
    raise _NotJsonConstant(name)


class _RepeatedKey(ValueError):
    pass


def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """An object, refusing a repeated key: json would keep the last value and drop the other,
    so ``{"age": 30, "age": 90}`` would be screened as 90 without a word."""
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedKey(key)
            seen.add(key)
    return value


def _number(text: str) -> float:
    """A JSON number with a fraction or an exponent. One too large for a float (``1e400``) stays
    in the record, infinite as json makes it, but keeping its text: validation then reports it,
    with the record's other problems, as "a number too large to use (1e400)"."""
    value = float(text)
    return TooLargeNumber(text) if math.isinf(value) else value


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_number, object_pairs_hook=_object)


def decode_at(text: str, start: int, max_values: int | None = None) -> tuple[object, int]:
    """Decode the value at ``text[start]``: (value, index after it), or raise ``JsonFault``.
    ``max_values``: how many values it may hold, when not ``values_allowed`` (a CDS Hooks call
    carries a patient's record, like a FHIR Bundle)."""
    try:
        value, end = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as error:
        comma = _trailing_comma(text, error)
        if comma is not None:
            raise JsonFault("a trailing comma after the last item (remove it)", comma, "syntax") from None
        raise JsonFault(_what_is_there(text, error.pos) or _SAID_WHOLE.get(error.msg, error.msg), error.pos, "syntax") from None
    except _NotJsonConstant as error:
        constant = next((m for m in _CONSTANT_OR_STRING.finditer(text, start) if m.group(1)), None)
        raise JsonFault(
            f"{error} is not valid JSON (write null for a missing value)",
            constant.start(1) if constant else start,
            "constant",
        ) from None
    except RecursionError:
        raise JsonFault("nested too deeply to read", start, "deep") from None
    except _RepeatedKey as repeated:
        key = repeated.args[0]
        quoted = json.dumps(key, ensure_ascii=False)
        first = text.find(quoted, start)
        second = text.find(quoted, first + 1) if first != -1 else -1
        shown = key if len(key) <= 60 else key[:57] + "..."
        raise JsonFault(
            f"the field {shown!r} is given twice in one object (which value is meant?)",
            second if second != -1 else start,
            "text",
        ) from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits())
        limit = _max_int_digits()
        number = next((m for m in _long_integer_or_string(limit).finditer(text, start) if m.group(1)), None)
        raise JsonFault(
            f"number too long (more than {limit} digits)", number.start(1) if number else start, "number"
        ) from None
    _refuse_too_many_values(text, value, start, end, max_values)
    # json accepts an escaped half of a surrogate pair ("\ud800") and makes it a string that is not
    # Unicode: it could be neither validated nor written out as UTF-8, so the record is refused here.
    if text.find("\\u", start, end) != -1 and _holds_lone_surrogate(value):
        escape = _SURROGATE_ESCAPE.search(text, start, end)
        raise JsonFault(
            f"{escape.group() if escape else 'an escape'} is half of a surrogate pair, not a character "
            "(not valid Unicode)",
            escape.start() if escape else start,
            "text",
        )
    return value, end


_AFTER_A_COMMA = ("Expecting property name enclosed in double quotes", "Expecting value")


def _trailing_comma(text: str, error: json.JSONDecodeError) -> int | None:
    """Where the comma is, when the decoder stopped at a closing bracket right after one
    (``{"age": 40,}``, as JavaScript and Python allow and JSON does not), else None."""
    if error.msg not in _AFTER_A_COMMA or text[error.pos : error.pos + 1] not in ("}", "]"):
        return None
    before = text[: error.pos].rstrip(" \t\r\n")
    return len(before) - 1 if before.endswith(",") else None


def _refuse_too_many_values(text: str, value: object, start: int, end: int, max_values: int | None) -> None:
    if end - start > records.MAX_RECORD_VALUES:
        limit = max_values or values_allowed(text, start)
        if _holds_too_many_values(value, limit):
            raise JsonFault(too_many_values_message(limit), start, "large")


_SURROGATE = re.compile("[\ud800-\udfff]")


# An escaped high half not followed by a low half, or a low half without a high half before it.
_SURROGATE_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _holds_lone_surrogate(value: object) -> bool:
    """Whether a string anywhere in the value (keys included) holds a lone surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


# Outside strings, each comma begins one more value. (Without commas, each array or object holds
# one value at most, and nesting deeper than the decoder reads is refused anyway: so counting
# commas bounds the values, and leaves a deeply nested record to be called that.)
_VALUE_START = re.compile(JSON_STRING + r'"|(,)', re.DOTALL)


# A FHIR resource, as FHIR's JSON writes it: an object whose first member is "resourceType".
_FHIR_RESOURCE = re.compile(r'\{\s*"resourceType"\s*:')


def values_allowed(text: str, start: int) -> int:
    """How many values the record starting at ``start`` may hold: more for a FHIR resource (a
    patient's whole Bundle) than for an answers record."""
    return records.MAX_FHIR_RECORD_VALUES if _FHIR_RESOURCE.match(text, start) else records.MAX_RECORD_VALUES


def too_many_values_message(limit: int | None = None) -> str:
    return f"record too large (more than {limit or records.MAX_RECORD_VALUES} values)"


def starts_too_many_values(text: str, start: int) -> bool:
    """Whether the text from ``start`` begins more values than its record may hold
    (``values_allowed``; counted without building them: a pass of the regular expression engine
    over the text)."""
    count, limit = 1, values_allowed(text, start)
    for match in _VALUE_START.finditer(text, start):
        if match.group(1):
            count += 1
            if count > limit:
                return True
    return False


def _holds_too_many_values(value: object, limit: int) -> bool:
    """Whether a decoded value holds more than ``limit`` values in all."""
    count = 1
    stack = [value]
    while stack:
        item = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        count += len(children)
        if count > limit:
            return True
        stack.extend(child for child in children if isinstance(child, (dict, list)))
    return False


def _max_int_digits() -> int:
    get_limit: Callable[[], int] | None = getattr(sys, "get_int_max_str_digits", None)
    return get_limit() if get_limit is not None else 4300


def _long_integer_or_string(limit: int) -> re.Pattern[str]:
    """A string, or (group 1) an integer with more than ``limit`` digits outside any string."""
    return re.compile(JSON_STRING + r'"|(?<![\d.eE+-])(-?\d{' + str(limit + 1) + r',})(?![\d.eE])', re.DOTALL)


def skip_whitespace(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index


def decode_document(text: str, *, fast: bool = True) -> object:
    """Decode text that must hold exactly one JSON value, like ``json.loads``.

    Text long enough to hold more than ``records.MAX_RECORD_VALUES`` values is counted first, so
    that such a record is refused before it is built in memory.

    ``fast``: take orjson's value when it is certainly the strict decoder's (``json_fast``);
    the value, or the fault, is the same either way.
    """
    start = len(text) - len(text.lstrip(" \t\r\n"))  # skip_whitespace(text, 0), without a regex
    long = len(text) > records.MAX_RECORD_VALUES  # only then can it hold too many values
    if long and starts_too_many_values(text, start):
        raise JsonFault(too_many_values_message(values_allowed(text, start)), start, "large")
    certain = json_fast.decode_if_certain(text) if fast else None
    if certain is not None:
        if long:  # orjson read the whole text: the value ends where the trailing whitespace begins
            end = len(text)
            while text[end - 1] in " \t\r\n":
                end -= 1
            _refuse_too_many_values(text, certain[0], start, end, None)
        return certain[0]
    value, end = decode_at(text, start)
    end = skip_whitespace(text, end)
    if end != len(text):
        raise JsonFault(SECOND_VALUE, end, "syntax")
    return value


def decode_line(text: str) -> tuple[object, bool]:
    """Decode one line of JSON Lines, like ``decode_document``; True with the value when the
    line ends in a comma after its value (``{"age": 40},``, as ``join(",\n")`` writes records):
    a slip read past, which the reader names once (``TRAILING_COMMA_NOTE``). A byte order mark
    at the start of the line (files saved with one, joined with ``cat``) is read as a space, as the
    one at the start of a file is passed over (a column counts it as a character). Raises ``JsonFault``."""
    if text.startswith("\ufeff"):
        text = " " + text[1:]
    try:
        return decode_document(text), False
    except JsonFault as fault:
        if fault.message != SECOND_VALUE or text[fault.index] != "," or text[fault.index + 1 :].strip(" \t\r\n"):
            raise
        return decode_document(text[: fault.index]), True


def trailing_comma_note(line: int) -> str:
    """What is said, once per file, of JSON Lines records followed by a comma."""
    return (
        f"a comma after the record on line {line}: JSON Lines has no commas between records, so each record "
        "was read without it, here and on any other line that ends so (remove them, or write one JSON array [...])"
    )


def trailing_comma_words(line: int) -> str:
    """The same in words for a person who never sees a command line (the web page)."""
    return (
        f"Line {line} of this file ends with a comma after the answers. A file of this kind (JSON Lines) has no "
        "comma there, so the answers were read without it."
    )


def line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``, counted the way ``json`` counts them."""
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def not_utf8(byte: int, offset: int) -> str:
    return f"not UTF-8 text (byte 0x{byte:02x} at offset {offset})"
