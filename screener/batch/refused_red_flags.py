"""Red flags in a sheet or Parquet table refused for its columns, said before why it was refused.

A misspelt column refuses a whole table before any row is read (every row would be misread), so
nothing in it is screened. When the misspelt column is the red flags' (``red_flag_now``, whose
"did you mean" names ``red_flags_now``), its cells are still read, by the one reader of red flags
in records that cannot be screened (``red_flags_reported``), so that a person reporting chest pain
is not lost behind a header to fix: the refusal says first which rows (by record id where the
table has an ``id`` column) give which red flags, and the advice those red flags call for on their
own, in the words of an invalid record's ``red_flag_advice`` (``Screener.red_flags_said``). The
table is still refused: a misspelt column must be fixed.

The readers (``csv_answers``, ``parquet_io``) find the rows (``RowRedFlags``, kept in
``UnreadableSource.red_flags``); ``said_first`` words them where the rules are at hand.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from screener.batch.answer_columns import OTHER_LIST_SEPARATORS
from screener.batch.cells import CellError, read_list
from screener.batch.records import RowRedFlags, UnreadableSource
from screener.contract.answers import red_flags_reported

if TYPE_CHECKING:
    from screener.screening.pipeline import Screener

#: How many rows giving red flags a message names; the others are counted.
ROWS_NAMED: Final = 10


def red_flag_columns(names: Iterable[str]) -> list[str]:
    """The columns of ``names`` that ``red_flags_reported`` reads red flags from, when misspelt:
    unknown names whose "did you mean" is ``red_flags_now`` (``red_flag_now``, ``redFlagsNow``)."""
    return [name for name in names if name != "red_flags_now" and red_flags_reported({name: "chest_pain"})]


def cell_items(value: object) -> list[str]:
    """The items of one cell, as a list cell is read (``;`` between items, ``none``, a list as
    pandas writes one), each also split at a comma, ``|`` or a line break; a typed list as it is."""
    if isinstance(value, (list, tuple)):
        items = [item for item in value if isinstance(item, str)]
    elif isinstance(value, str):
        try:
            items = read_list(value.strip())
        except CellError:  # an empty item between two ';': the others still count
            items = value.split(";")
    else:
        return []
    return [part for item in items for part in OTHER_LIST_SEPARATORS.split(item.strip()) if part]


def row_red_flags(row: str, cells: Mapping[str, object]) -> RowRedFlags | None:
    """The red flags a row gives in its misspelt red-flag columns (``cells``: each column's name
    and cell), or None when it gives none."""
    codes = red_flags_reported({name: cell_items(value) for name, value in cells.items()})
    return RowRedFlags(row, tuple(codes)) if codes else None


def where(row: str, identifier: object) -> str:
    """ "row 3 (id 'p-17')", or "row 3" when the row has no id."""
    text = "" if identifier is None else str(identifier).strip()
    return f"{row} (id '{text}')" if text else row


def said_first(item: UnreadableSource, screener: Screener) -> UnreadableSource:
    """``item`` with the red flags of its rows said first (in the CLI's words; the web page says
    them its own way, ``all_codes``), each row with the red flags it gives and the advice they call
    for on their own; ``item`` as it is when it has none."""
    if not item.red_flags:
        return item
    groups: dict[str, list[str]] = {}  # the advice, and the rows it is for, in the order given
    for found in item.red_flags[:ROWS_NAMED]:
        said = screener.red_flags_said(found.codes)
        if said is not None:
            flags, advice = said
            groups.setdefault(advice, []).append(f"{found.row}: {', '.join(flags)}")
    if not groups:
        return item
    more = len(item.red_flags) - ROWS_NAMED
    more_said = f" (and {more} more row{'s' if more > 1 else ''})" if more > 0 else ""
    rows_said = " ".join(f"{'; '.join(rows)}{more_said if last else ''}. {advice}" for last, (advice, rows) in _last(groups))
    rows = "a row of it gives" if len(item.red_flags) == 1 else "rows of it give"
    message = f"RED FLAG: this file was not screened, but {rows} a red flag now: {rows_said} The file was refused: {item.message}"
    return dataclasses.replace(item, message=message, red_flags=())


def _last(groups: Mapping[str, Sequence[str]]) -> list[tuple[bool, tuple[str, Sequence[str]]]]:
    items = list(groups.items())
    return [(number == len(items) - 1, pair) for number, pair in enumerate(items)]


def all_codes(item: UnreadableSource) -> list[str]:
    """Every red flag the rows of ``item`` give, each once (the web page's one person)."""
    codes: list[str] = []
    for found in item.red_flags:
        codes += [code for code in found.codes if code not in codes]
    return codes
