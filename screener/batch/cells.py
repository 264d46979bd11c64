"""One spreadsheet cell as a value, and a value as a cell: the contract's spreadsheet rules,
whatever the column (``answer_columns`` says which rule a column takes).

Cells follow the contract's spreadsheet rules (contract.md, "Answers as a spreadsheet"): an empty
cell is "not answered", never "no"; a list is one cell with items separated by ``;`` and an empty
list is written ``none``; booleans are ``yes``/``no``/``true``/``false`` in any case; numbers use a
decimal point and whole numbers may be written ``70.0``. Beyond the contract's letter, for sheets
only (the JSON contract is unchanged): ``Y``/``N`` as booleans, ``NA`` (how R writes a missing
value) as an empty cell, a list cell written as a list of texts (``['a', 'b']``, as pandas writes
a column of lists) as that list, and in a sheet with ``;`` or a tab between cells a cell that is
exactly digits, comma, digits as a decimal number (``3,3``), as Excel writes numbers where the
comma is the decimal mark. So that every valid record survives the trip answers → cells → answers,
a text value (the id, a medicine name) that would otherwise read back differently (one with a
``;``, with spaces at either end, the word ``none`` or ``NA``, a list item starting with ``[``, or
starting with a double quote) is written as a JSON string between double quotes, and read back as
one; so is one that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-`` or
``@``).

Typed values (from Parquet or Spark) are taken as they are when they fit; what does not fit is
named in words ("the date 2026-11-28") and kept as JSON, so that results and messages stay JSON.
"""

from __future__ import annotations

import ast
import json
import math
import re
import typing
from collections.abc import Mapping
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Final, Literal

from screener.contract.validation import shown


class CellError(ValueError):
    """A cell that is not a value of its column's type; the message says what was expected."""


# -- reading cells --------------------------------------------------------------------------------

# Y and N too: how registries and clinical systems export a yes/no field; 1 and 0 as REDCap, SPSS
# and Stata export one, and Checked/Unchecked as REDCap labels a checkbox (2 stays refused: SPSS
# sometimes codes no as 2, so that a column of 1s and 2s is named, never half misread).
_TRUE: Final = frozenset({"yes", "true", "y", "1", "checked"})
_FALSE: Final = frozenset({"no", "false", "n", "0", "unchecked"})
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_WHOLE: Final = re.compile(r"[+-]?\d+")
_DECIMAL_COMMA: Final = re.compile(r"[+-]?\d*,\d+")
_EXACT_DECIMAL_COMMA: Final = re.compile(r"\d+,\d+")
"""What is read as a decimal comma in a sheet with ``;`` or a tab between cells: digits, a comma, digits."""
_THOUSANDS: Final = re.compile(r"[1-9]\d{0,2},\d{3}")
"""A decimal comma that could be a thousands separator: one to three digits (not 0), a comma, three digits."""
_LONGEST_NUMBER: Final = 64  # characters; longer is no plausible answer, and int() of it is slow
EMPTY_LIST: Final = "none"
#: How R's write.csv writes a missing value (and pandas reads it as one): an empty cell.
MISSING: Final = "NA"
_JSON_STRING: Final = json.JSONDecoder(strict=True)


def read_text(cell: str) -> str:
    """Text as written; between double quotes, a JSON string (how a text that needs it is written)."""
    if cell.startswith('"'):
        try:
            value, end = _JSON_STRING.raw_decode(cell)
        except ValueError:
            return cell
        if end == len(cell) and isinstance(value, str):
            return value
    return cell


def read_yes_no(cell: str) -> bool:
    """A yes/no cell, in any case: yes, no, true, false, y, n, 1, 0, checked, unchecked."""
    word = cell.lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise CellError(f"expected yes or no (or true, false, y, n, 1, 0), got {shown(cell)}")


def read_number(cell: str, *, whole: bool, decimal_comma: bool | Literal["quoted"] = False) -> int | float:
    """A number cell; with ``decimal_comma`` (a sheet with ``;`` between cells, as Excel saves it
    where the comma is the decimal mark) digits, comma, digits is read with a decimal point. With
    ``"quoted"`` (a sheet with ``,`` between cells, where such a cell must have been quoted, as
    Google Sheets writes a decimal comma in a comma-decimal locale) too, except when it could be
    a thousands separator (``1,500``: 1.5 or 1500?), which is refused with both readings."""
    if decimal_comma and _EXACT_DECIMAL_COMMA.fullmatch(cell):
        if decimal_comma == "quoted" and _THOUSANDS.fullmatch(cell):
            raise CellError(
                f"{shown(cell)} could be {cell.replace(',', '.')} (a decimal comma) or {cell.replace(',', '')} (a thousands "
                "separator): write the number without a comma"
            )
        cell = cell.replace(",", ".")
    if len(cell) > _LONGEST_NUMBER:
        raise CellError(f"expected a number, got a text of {len(cell)} characters")
    if _WHOLE.fullmatch(cell):
        return int(cell)
    if not _NUMBER.fullmatch(cell):
        if _DECIMAL_COMMA.fullmatch(cell):
            raise CellError(f"expected a number with a decimal point, got {shown(cell)} (write {cell.replace(',', '.')})")
        raise CellError(f"expected {'a whole number' if whole else 'a number'}, got {shown(cell)}")
    value = float(cell)
    if not math.isfinite(value):
        raise CellError(f"a number too large to use ({cell})")
    if whole:
        if not value.is_integer():
            raise CellError(f"expected a whole number, got {shown(cell)}")
        return int(value)
    return value


def read_list(cell: str) -> list[str]:
    """The items of a list cell: ``none`` for an empty list, a list of texts as pandas writes
    one, else items separated by ``;``."""
    if cell.lower() == EMPTY_LIST:
        return []
    items = _list_literal(cell)
    return read_items(cell) if items is None else items


def read_items(cell: str) -> list[str]:
    """The items of a list cell, split at ``;`` except inside an item written as a JSON string."""
    items: list[str] = []
    at, end = 0, len(cell)
    while True:
        while at < end and cell[at].isspace():
            at += 1
        quoted = _quoted_item(cell, at)
        if quoted is not None:
            value, at = quoted
            items.append(value)
        else:
            stop = cell.find(";", at)
            stop = end if stop < 0 else stop
            item = cell[at:stop].strip()
            if not item:
                raise CellError(
                    f"empty item {len(items) + 1} in the list {shown(cell)}: remove the extra ';' "
                    f"(an empty list is written {EMPTY_LIST})"
                )
            items.append(item)
            at = stop
        if at >= end:
            return items
        at += 1  # past the ';'
        if at >= end:
            raise CellError(f"empty item at the end of the list {shown(cell)}: remove the last ';'")


def _list_literal(cell: str) -> list[str] | None:
    """The items of a list cell written as a list of texts, as pandas' ``to_csv`` writes a column
    of lists (``['Lasix 40 mg', 'omeprazole']``, ``[]``) or as JSON (``["fatigue"]``); else None."""
    if not (cell.startswith("[") and cell.endswith("]")):
        return None
    try:
        value = ast.literal_eval(cell)  # literals only: nothing is run
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value]
    return None


def _quoted_item(cell: str, at: int) -> tuple[str, int] | None:
    """An item written as a JSON string at ``at``, and where it ends (at a ``;`` or the end)."""
    if not cell.startswith('"', at):
        return None
    try:
        value, stop = _JSON_STRING.raw_decode(cell, at)
    except ValueError:
        return None
    while stop < len(cell) and cell[stop].isspace():
        stop += 1
    if stop < len(cell) and cell[stop] != ";":
        return None
    return value, stop


# -- typed values (Parquet, Spark) ----------------------------------------------------------------


def typed_number(value: float | Decimal, *, whole: bool) -> int | float:
    """A typed number as the answers hold it: a whole number as an int where the column wants one."""
    if isinstance(value, int):
        return value
    number = float(value)
    if not math.isfinite(number):
        raise CellError(f"expected a number, got {value} (leave it empty when not answered)")
    if whole:
        if not number.is_integer():
            raise CellError(f"expected a whole number, got {value}")
        return int(number)
    return number


def typed_items(items: list[object]) -> list[str]:
    """A typed list, when every item is text: a null item is named, not dropped."""
    for number, item in enumerate(items, 1):
        if item is None:
            raise CellError(f"expected a list of texts, but item {number} is empty (null): leave it out of the list")
        if not isinstance(item, str):
            raise CellError(f"expected a list of texts, but item {number} is {type_word(item)}")
    return typing.cast(list[str], items)


def type_word(value: object) -> str:
    """What a typed value is, in words, for a message: "the date 2026-11-28"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return f"the number {value}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (date, time)):  # a datetime is a date
        return f"the {'time' if isinstance(value, time) else 'date'} {value.isoformat()}"
    if isinstance(value, timedelta):
        return f"the duration {value}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "binary data"
    return f"a value of type {type(value).__name__}"


def as_json_value(value: object) -> object:
    """A bad typed cell as the record keeps it (see ``answer_columns.record_from_cells``): JSON
    values as they are, anything else (a date) as text, since results and messages are JSON.
    Binary data is left out (None): its problem names it, and as text ("binary data") it would
    become the id of an invalid record, which is then named by its position."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [as_json_value(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): as_json_value(item) for key, item in value.items()}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return None
    return str(value)


# -- writing cells --------------------------------------------------------------------------------

#: A cell starting with one of these is a formula to a spreadsheet (CSV injection): text starting
#: so is written between double quotes, which a spreadsheet shows as text.
_FORMULA_STARTS: Final = ("=", "+", "-", "@")


def written_text(text: str, *, in_list: bool) -> str:
    """Text as a cell that reads back as the same text: as it is, or as a JSON string when it
    would read back otherwise, or a spreadsheet would take it for a formula."""
    needs_quotes = (
        not text
        or text != text.strip()
        or text.startswith(('"', *_FORMULA_STARTS))
        or text == MISSING
        or (in_list and (";" in text or text.strip().lower() == EMPTY_LIST or text.startswith("[")))
    )
    return json.dumps(text, ensure_ascii=False) if needs_quotes else text

