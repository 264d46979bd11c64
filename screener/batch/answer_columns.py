"""The answers as columns: one column per answer field, named by its JSON path.

A spreadsheet, a Parquet file and a Spark table hold answers flat, one column per field
(``age``, ``alcohol.audit_c.frequency``, ``labs.potassium.unit``). The columns are derived from
the answers model, so a field added to the contract is a column at once; nothing here lists
them by hand.

How one cell is read and written (empty is "not answered", ``none`` an empty list, ``;`` between
items, ``yes``/``no``, text that needs it as a JSON string) is ``screener.batch.cells``; here each
column picks the rule of its kind. Beyond the contract's letter, for sheets only (the JSON
contract is unchanged): column names are read in any case (``Sex``, ``Age``), codes and units in
any case as the contract spells them (``Female``, ``mmol/l``), with spaces for underscores
(``muscle cramps``), ``F``/``M`` as the sex, and ``Y``/``N``, ``true``/``false`` and ``not sure``
for a yes, no or not sure question (``diuretic_use``); a digit there is refused, never guessed.

A cell that is not a value of its column's type is a ``Problem`` at the column's JSON path; its
text is kept in the record at that path, so that the rest of the record is still checked with its
shape intact (see ``screener.batch.runner.record_problems``).
"""

from __future__ import annotations

import enum
import re
import types
import typing
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Final, Literal, get_args, get_origin

from pydantic import BaseModel

from screener.batch.cells import (
    EMPTY_LIST,
    MISSING,
    CellError,
    as_json_value,
    read_list,
    read_number,
    read_text,
    read_yes_no,
    type_word,
    typed_items,
    typed_number,
    written_text,
)
from screener.batch.lab_cells import lab_cells
from screener.contract.answers import Answers
from screener.contract.coverage import says_unsure
from screener.contract.validation import Problem, json_path, shown


class Kind(enum.Enum):
    """What a column holds, and so how its cells are read and written."""

    TEXT = "text"
    """Free text kept as written (the id)."""
    CODE = "code"
    """One of a fixed set of words (``sex``, ``diuretic_use``, a lab unit)."""
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    TEXT_LIST = "text list"
    """Free text items (``medications``)."""
    CODE_LIST = "code list"
    """Items from a fixed set (``symptoms``, ``conditions``)."""

    @property
    def is_list(self) -> bool:
        return self in (Kind.TEXT_LIST, Kind.CODE_LIST)


@dataclass(frozen=True)
class Column:
    """One answers field as a column."""

    name: str
    """The field's JSON path without ``$.``, as the header names it: ``labs.potassium.value``."""
    path: tuple[str, ...]
    kind: Kind
    codes: tuple[str, ...] = ()
    """The contract's codes of a code column (or of a list of codes), as the contract spells them."""

    @property
    def json_path(self) -> str:
        return json_path(self.path)


@cache
def answer_columns() -> tuple[Column, ...]:
    """Every column of the answers, in the contract's order (a section's fields together)."""
    return tuple(_columns(Answers, ()))


@cache
def columns_by_name() -> Mapping[str, Column]:
    return {column.name: column for column in answer_columns()}


@cache
def section_names() -> frozenset[str]:
    """The names that hold other columns (``alcohol``, ``alcohol.audit_c``, ``labs.potassium``)."""
    return frozenset(".".join(column.path[:depth]) for column in answer_columns() for depth in range(1, len(column.path)))


def _columns(model: type[BaseModel], prefix: tuple[str, ...]) -> Iterator[Column]:
    for name, field in model.model_fields.items():
        annotation = without_none(field.annotation)
        path = (*prefix, name)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _columns(annotation, path)
        else:
            yield Column(".".join(path), path, _kind(annotation, ".".join(path)), _codes(annotation))


def _codes(annotation: Any) -> tuple[str, ...]:
    if get_origin(annotation) is list:
        annotation = without_none(get_args(annotation)[0])
    if get_origin(annotation) is Literal:
        return tuple(str(code) for code in get_args(annotation))
    return ()


def without_none(annotation: Any) -> Any:
    """``X | None`` as ``X``; ``Annotated[X, ...]`` as ``X``."""
    while get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (typing.Union, types.UnionType):
        kept = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(kept) == 1:
            return without_none(kept[0])
        return typing.Union[tuple(without_none(arg) for arg in kept)]  # noqa: UP007 - built from a tuple
    return annotation


def _kind(annotation: Any, name: str) -> Kind:
    origin = get_origin(annotation)
    if origin is list:
        item = without_none(get_args(annotation)[0])
        return Kind.CODE_LIST if get_origin(item) is Literal else Kind.TEXT_LIST
    if origin is Literal:
        return Kind.CODE
    if origin in (typing.Union, types.UnionType) and set(get_args(annotation)) == {str, int}:
        return Kind.TEXT  # the id: text, or an integer that the contract turns into text
    simple = {bool: Kind.BOOLEAN, int: Kind.INTEGER, float: Kind.NUMBER, str: Kind.TEXT}
    if annotation in simple:
        return simple[annotation]
    raise TypeError(f"answers field {name!r} has a type no column kind fits: {annotation!r}")


# -- reading cells, by the column's kind -----------------------------------------------------------

#: Letters a sheet may hold for a code, besides the code in any case: F and M for the sex; and
#: "No" for ``laxative_use`` "none", as the questionnaire's choice for it reads (any case).
_CODE_LETTERS: Final = {"sex": {"f": "female", "m": "male"}, "laxative_use": {"no": "none"}}
#: Questions answered with how often, where "yes" says that but not how often: refused, with the
#: codes to write (``laxative_use``: occasional or regular), never guessed.
_HOW_OFTEN: Final = {"laxative_use": "laxatives are taken: write occasional (now and then) or regular (most weeks)"}
#: The codes of a yes, no or not sure question (``diuretic_use``, ``pregnant``, ``ppi_over_3_months``).
_YES_NO_UNSURE: Final = ("yes", "no", "unsure")
#: What a sheet may hold for those, besides the code in any case: Y and N as registries export a
#: yes or no, and true and false ("not sure" is read in every column that offers it: ``_UNSURE``).
_YES_NO_UNSURE_WORDS: Final = {"y": "yes", "n": "no", "true": "yes", "false": "no"}
#: The contract's code for "not sure", read in any column that offers it (``laxative_use``,
#: ``laxative_type``, ``pregnant``...) from what people write for it: the questionnaire's own "Not
#: sure", "don't know", "?" (``says_unsure``, as a medicine list entry is read).
_UNSURE: Final = "unsure"
#: Numbers a form tool may code such a choice with: 1 and 0 may be yes and no, but 2 may be no
#: (SPSS) or "not sure", and a tool's own numbering is not ours to guess, so none of them is read.
_CHOICE_NUMBERS: Final = re.compile(r"[0-9]")
_SPACES: Final = re.compile(r"\s+")


def read_cell(column: Column, text: str, *, decimal_comma: bool | Literal["quoted"] = False) -> object:
    """The value of one spreadsheet cell, or None when it is empty or ``NA`` (not answered).

    Codes and units are read in any case, as the contract spells them (``Female``, ``mmol/l``),
    ``F``/``M`` as the sex and ``Y``/``N`` for a yes, no or not sure question; with ``decimal_comma`` (a sheet with ``;`` between cells, as Excel
    saves it where the comma is the decimal mark) a number written digits, comma, digits is read
    with a decimal point (``3,3`` is 3.3); with ``"quoted"`` (a ``,`` sheet, where such a cell was
    quoted) too, unless it could be a thousands separator (``read_number``). Raises ``CellError`` for a cell that is not a value of
    the column's type.
    """
    cell = text.strip()
    if not cell or cell == MISSING:
        return None
    kind = column.kind
    if kind is Kind.TEXT:
        return read_text(cell)
    if kind is Kind.CODE:
        return _code(column, cell)
    if kind is Kind.BOOLEAN:
        return read_yes_no(cell)
    if kind in (Kind.INTEGER, Kind.NUMBER):
        return read_number(cell, whole=kind is Kind.INTEGER, decimal_comma=decimal_comma)
    items = read_list(cell)
    return _code_items(column, items) if kind is Kind.CODE_LIST else items


#: What people put between items of a list cell instead of ``;``: a comma, ``|`` or a line break
#: (Alt+Enter in Excel, Ctrl+Enter in Google Sheets). No code holds one of them.
OTHER_LIST_SEPARATORS: Final = re.compile(r"\s*(?:,|\||\r\n|\r|\n)\s*")
_SEPARATOR_WORDS: Final = {",": "a comma", "|": "'|'", "\n": "a line break", "\r": "a line break"}


def _code_items(column: Column, items: list[str]) -> list[str]:
    """The codes of a list of codes. An item that is no code but holds several codes split by a
    comma, ``|`` or a line break is read as those codes (every part must be one, so nothing is
    guessed); if a part is not a code, the cell is refused with "separate items with ';'", never
    with "did you mean" one code, which would lead to dropping the others."""
    codes: list[str] = []
    for item in items:
        code = _code(column, item)
        if code in column.codes or not OTHER_LIST_SEPARATORS.search(item):
            codes.append(code)
        else:
            codes.extend(_split_codes(column, item))
    return codes


def _split_codes(column: Column, item: str) -> list[str]:
    from screener.errors import did_you_mean

    parts = [part for part in OTHER_LIST_SEPARATORS.split(item.strip()) if part]
    codes = [_code(column, part) for part in parts]
    unknown = [part for part, code in zip(parts, codes, strict=True) if code not in column.codes]
    if not unknown:
        return codes
    separators = {_SEPARATOR_WORDS[mark] for mark in re.findall(r"[,|\r\n]", item)}
    unknown_said = "; ".join(f"{shown(part)} is not one of its codes{did_you_mean(part, column.codes)}" for part in unknown)
    raise CellError(
        f"several items in one cell, separated by {' and '.join(sorted(separators))}: separate items with ';' "
        f"({shown('; '.join(parts))}); {unknown_said}"
    )


def _code(column: Column, cell: str) -> str:
    """A code as the contract spells it, when the cell is one in another case or with spaces
    where the code has underscores (``Muscle cramps``, ``chest pain``, as a person types it), or
    a letter the column allows; otherwise the cell as it is, for validation to name what is wrong."""
    folded = cell.casefold()
    typed = _SPACES.sub("_", folded)
    for code in column.codes:
        if code.casefold() in (folded, typed):
            return code
    if _UNSURE in column.codes and says_unsure(cell):
        return _UNSURE
    if column.codes == _YES_NO_UNSURE:
        if typed in _YES_NO_UNSURE_WORDS:
            return _YES_NO_UNSURE_WORDS[typed]
        if _CHOICE_NUMBERS.fullmatch(cell):
            raise CellError(
                f"a number ({cell}) is not read as an answer to a yes, no or not sure question: a form tool's numbers "
                "for its choices differ (1 may be yes, 2 no or not sure); write yes, no or unsure (Y, N and "
                "\"not sure\" are read too)"
            )
    if column.name in _HOW_OFTEN and typed in ("yes", "y", "true"):
        raise CellError(f"{shown(cell)} does not say how often {_HOW_OFTEN[column.name]}; no is read as none")
    return _CODE_LETTERS.get(column.name, {}).get(folded, cell)


def read_value(column: Column, value: object) -> object:
    """A typed value (from Parquet or Spark) as the answers hold it; None when not answered.

    Text goes through the spreadsheet rules (``read_cell``); numbers, booleans and lists are taken
    as they are when they fit the column, and a UUID (DuckDB's and Spark's id type) is text. Raises
    ``CellError`` for anything else.
    """
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        value = str(value)
    if isinstance(value, str):
        return read_cell(column, value)
    kind = column.kind
    if isinstance(value, bool):
        if kind is Kind.BOOLEAN:
            return value
        if kind is Kind.CODE and {"yes", "no"} <= set(column.codes):  # diuretic_use as a boolean column
            return "yes" if value else "no"
    elif kind is Kind.BOOLEAN and isinstance(value, int) and value in (0, 1):  # 1/0, as REDCap and SPSS export
        return value == 1
    elif isinstance(value, (int, float, Decimal)):
        if kind in (Kind.INTEGER, Kind.NUMBER, Kind.TEXT):
            return typed_number(value, whole=kind is not Kind.NUMBER)
    elif isinstance(value, (list, tuple)) and kind.is_list:
        return typed_items(list(value))
    raise CellError(f"expected {_expected(column)}, got {type_word(value)}")


def _expected(column: Column) -> str:
    if column.kind is Kind.CODE:
        return "one of " + ", ".join(repr(code) for code in column.codes)
    return _WORDS[column.kind]


_WORDS: Final = {
    Kind.TEXT: "text",
    Kind.CODE: "text",
    Kind.INTEGER: "a whole number",
    Kind.NUMBER: "a number",
    Kind.BOOLEAN: "yes or no (true or false)",
    Kind.TEXT_LIST: "a list of texts",
    Kind.CODE_LIST: "a list of codes",
}


# -- rows to records ------------------------------------------------------------------------------


#: The parts of a lab result that give its number: a problem of the whole result says theirs.
_LAB_NUMBERS: Final = ("value", "below", "above")


def record_from_cells(
    cells: Iterable[tuple[Column, object]], *, typed: bool = False, decimal_comma: bool | Literal["quoted"] = False
) -> tuple[dict[str, Any], list[Problem]]:
    """An answers record from (column, cell) pairs, and the problems of the cells that are bad.

    Cells are spreadsheet text (``decimal_comma``: see ``read_cell``), or with ``typed`` any value
    (``read_value``). A bad cell's value is kept at its path, so that validation still sees the
    record's shape; its problem says what the column expects.
    """
    record: dict[str, Any] = {}
    cells, problems = lab_cells(cells, columns_by_name())
    said = {problem.path for problem in problems}
    for column, cell in cells:
        if column.json_path in said or (column.path[-1] in _LAB_NUMBERS and column.json_path.rpartition(".")[0] in said):
            _put(record, column.path, as_json_value(cell))  # its problem is said: kept as written
            continue
        try:
            value = (
                read_value(column, cell)
                if typed
                else read_cell(column, typing.cast(str, cell), decimal_comma=decimal_comma)
            )
        except CellError as error:
            problems.append(Problem(column.json_path, str(error)))
            value = as_json_value(cell)
        if value is not None:
            _put(record, column.path, value)
    return record, problems


def _put(record: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    for part in path[:-1]:
        record = record.setdefault(part, {})
    record[path[-1]] = value


def record_from_row(row: Mapping[str, object]) -> tuple[dict[str, Any], list[Problem]]:
    """An answers record from one typed row (Parquet, Spark), and the problems of its bad cells.

    The row's sections may be nested objects (structs: ``{"alcohol": {"drinks_per_week": 3}}``),
    flat dotted names (``alcohol.drinks_per_week``), or both.
    """
    known = columns_by_name()
    cells: list[tuple[Column, object]] = []
    problems: list[Problem] = []
    for name, value in _flat_cells(row, ""):
        if name in known:
            cells.append((known[name], value))
        else:
            what = f"expected the fields of {name}, got {type_word(value)}" if name in section_names() else "unknown column"
            problems.append(Problem(json_path(name.split(".")), what))
    record, cell_problems = record_from_cells(cells, typed=True)
    return record, problems + cell_problems


def _flat_cells(row: Mapping[str, object], prefix: str) -> Iterator[tuple[str, object]]:
    for key, value in row.items():
        name = prefix + key
        if isinstance(value, Mapping) and name in section_names():
            yield from _flat_cells(value, name + ".")
        elif value is not None or name not in section_names():
            yield name, value


def sheet_column_name(cell: str) -> str:
    """A header cell as the column it names: the answers field's name in any case (``Sex`` is
    ``sex``: every column name is lower case, so no two can be confused), or with ``_`` for each
    dot (``labs_potassium_value``, as REDCap must name it: its variable names cannot hold a dot),
    else the cell as it is."""
    name = cell.strip()
    lower = name.lower()
    if name in columns_by_name():
        return name
    if lower in columns_by_name():
        return lower
    return _underscored().get(lower, name)


@cache
def _underscored() -> Mapping[str, str]:
    """The dotted column names as written with ``_`` for each dot, when that names one column
    only and is no column's own name."""
    names: dict[str, list[str]] = {}
    for column in answer_columns():
        if "." in column.name:
            names.setdefault(column.name.replace(".", "_"), []).append(column.name)
    return {written: dotted[0] for written, dotted in names.items() if len(dotted) == 1 and written not in columns_by_name()}


#: How pandas names a data frame's index when it writes it (to Parquet, after rows were filtered
#: out), and a column it read with no name (``Unnamed: 0``: the index of an earlier ``to_csv``).
_ROW_INDEX: Final = re.compile(r"__index_level_\d+__")
_UNNAMED_FIRST: Final = ("", "Unnamed: 0")


def is_row_index(name: str, number: int) -> bool:
    """Whether column ``number`` (from 0) named ``name`` holds row labels that a tool wrote
    beside the data, not answers: pandas' index (``__index_level_0__`` in Parquet, an unnamed
    first column from ``to_csv``, ``Unnamed: 0`` once pandas has read that back) or R's row names
    (an unnamed first column from ``write.csv``). Such a column is not read, as those tools
    themselves read it back as the index."""
    return bool(_ROW_INDEX.fullmatch(name)) or (number == 0 and name.strip() in _UNNAMED_FIRST)


#: Between the field and the choice's code in the name of a checkbox column, as REDCap writes it.
SEPARATOR: Final = "___"
#: The code of "none of these", as the REDCap field declares it.
NONE_CODE: Final = "none"


def checkbox_of(name: str) -> tuple[Column, str] | None:
    """The list field and the code of a column named as REDCap names a checkbox column
    (``symptoms___fatigue``, the field in any case), or None for any other name."""
    field, separator, code = name.strip().partition(SEPARATOR)
    if not separator or not code:
        return None
    column = columns_by_name().get(field.lower())
    if column is None or column.kind is not Kind.CODE_LIST:
        return None
    folded = code.casefold()
    known = next((known for known in (*column.codes, NONE_CODE) if known.casefold() == folded), code)
    return column, known


#: Columns every results sheet or Parquet file has (``batch --format csv|parquet``), and no answers one.
RESULT_COLUMNS: Final = ("status", "combined_depletion", "urgency")


def unknown_columns(names: Iterable[str]) -> list[str]:
    """Messages for every name that is not an answers column (with "did you mean"), and for
    every column named twice; one message only for the columns of a results file (the output of
    ``batch``, given back to it), not twenty unknown columns."""
    from screener.errors import did_you_mean

    names = list(names)
    if all(column in names for column in RESULT_COLUMNS):
        return [
            "these are the columns of screening results (as `mgk-screen batch --format csv` or `parquet` writes them), "
            "not of answers: give the answers file, or see the results in a report with `mgk-screen report --cohort` "
            "on the JSON results"
        ]
    known = columns_by_name()
    problems: list[str] = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append(f"column '{name}' appears twice")
        elif name in section_names():
            fields = [column.name for column in answer_columns() if column.name.startswith(name + ".")]
            shown_fields = ", ".join(fields[:3]) + (", ..." if len(fields) > 3 else "")
            problems.append(
                f"column '{name}' holds a section of the answers, not one answer: give its fields, "
                f"each in its own column ({shown_fields})"
            )
        elif name not in known and (box := checkbox_of(name)) is not None:
            problems.append(
                f"column '{name}' is one of REDCap's checkbox columns (one per choice of {box[0].name}), which are read "
                f"from a sheet (CSV) only: in this table give {box[0].name} as one list column"
            )
        elif name not in known:
            problems.append(f"unknown column '{name}'{did_you_mean(name, known)}")
        seen.add(name)
    return problems


# -- records to cells -----------------------------------------------------------------------------


def write_cell(column: Column, value: object) -> str:
    """One answers value as a spreadsheet cell that ``read_cell`` reads back as the same value."""
    if value is None:
        return ""
    kind = column.kind
    if kind.is_list:
        items = typing.cast(list[str], value)
        return "; ".join(written_text(item, in_list=True) for item in items) if items else EMPTY_LIST
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        # The shortest text that reads back as the same number; 42.0 as 42, as a person writes it.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if kind is Kind.TEXT:
        return written_text(str(value), in_list=False)
    return str(value)


def cells_of(answers: Answers) -> list[str]:
    """One record's cells, in the order of ``answer_columns()``."""
    given = answers.model_dump(exclude_none=True)
    cells = []
    for column in answer_columns():
        value: Any = given
        for part in column.path:
            value = value.get(part) if isinstance(value, dict) else None
        cells.append(write_cell(column, value))
    return cells
