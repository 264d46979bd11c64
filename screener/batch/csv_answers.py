"""Answers as a spreadsheet: reading CSV exports row by row, and writing answers as CSV.

A sheet is one row per respondent under a header row naming the answers fields by their JSON
path (``screener.batch.answer_columns`` holds the columns and the cell rules). Files saved by
Excel or LibreOffice are read as they come: UTF-8 with or without a byte order mark, CRLF, LF or
CR line ends (Excel for Mac's "CSV (Macintosh)"), and ``,``, ``;`` or a tab between cells, told
apart by the header row (whose names contain none of them), so a list cell is quoted when ``;`` is
also the delimiter, and a decimal comma (``3,3``) is read as a decimal point with ``;`` or a tab
between cells, since that is how such a sheet writes numbers where the comma is the decimal mark.

The header is checked before any row is read (its names in any case: ``Sex`` is ``sex``): an
unknown or repeated column makes the whole file
unreadable (with "did you mean"), since every row would be misread; a misspelt red-flag
column's rows are still read for the red flags they give, said first (``refused_red_flags``). After that a fault costs
one row only: a bad cell makes its row invalid, naming the column's JSON path. A record's
position is its row number in the sheet, the header being row 1, so that a message points at
the row a spreadsheet shows. Rows with no value in any cell are skipped, as blank lines are; a
sheet with no other rows is reported as such.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, Final, Literal, TextIO

from screener.batch.answer_columns import (
    Column,
    answer_columns,
    cells_of,
    checkbox_of,
    columns_by_name,
    read_cell,
    record_from_cells,
    sheet_column_name,
    unknown_columns,
)
from screener.batch.checkbox_columns import CheckboxField, read_checkboxes
from screener.batch.form_columns import ColumnPlan, option_hint, plan_columns
from screener.batch.records import RawRecord, ReadItem, RowRedFlags, UnreadableRecord, UnreadableSource
from screener.batch.refused_red_flags import red_flag_columns, row_red_flags, where
from screener.contract.answers import Answers
from screener.contract.validation import Problem, shown

DELIMITERS: Final = (",", ";")
_SURROGATE: Final = re.compile("[\udc80-\udcff]")  # an undecodable byte, as surrogateescape keeps it
_FIRST_LINE: Final = re.compile(rb"[^\r\n]*")
_SEPARATOR_LINE: Final = re.compile("sep=([,;\t])")
#: What a row whose double quote is never closed is said to be (Spark's reader finds such rows by it).
NEVER_CLOSED: Final = "a double quote opens a cell that is never closed"


def is_sheet(head: bytes) -> bool:
    """Whether a source whose content starts with ``head`` (from its first non-blank line) is a
    sheet (CSV), told by its shape whatever its header names: its first line (after a ``sep=;``
    line) is a row of cells naming at least one answers column (or a REDCap checkbox column of
    one: ``symptoms___fatigue``), or the question of one (``How old are you?``), or it is a row of
    two cells or more that is no JSON: not one JSON value, and no line of the head starts an
    object or an array (JSON Lines whose first line is broken keep their other records). So a
    form's export whose headers are its questions is named as a sheet whose columns are not
    answers fields (``sheet_records``), never "invalid JSON at line 1"."""
    # A line ends at \n, \r\n, or \r alone: Excel for Mac's "CSV (Macintosh)" ends lines so.
    line = _FIRST_LINE.match(head).group().decode("utf-8", "replace").strip()  # type: ignore[union-attr]  # always matches
    delimiter = separator_line(line)
    if delimiter is not None:  # the header is the next line
        following = head.decode("utf-8", "replace").splitlines()[1:2]
        line = following[0].strip() if following else ""
    if not line or line[0] in "{[":
        return False
    try:
        cells = next(csv.reader([line], delimiter=delimiter or sheet_delimiter(line)), [])
    except csv.Error:  # a carriage return inside the line, say: whatever it is, not a header row
        return False
    known = columns_by_name()
    if any(sheet_column_name(cell) in known or checkbox_of(cell) is not None for cell in cells):
        return True
    if len(cells) >= 2:
        return not _json_value(line) and not _RECORD_LINE.search(head)
    from screener.batch.question_headers import question_field

    return len(cells) == 1 and question_field(cells[0]) is not None and not _json_value(line)


#: A line that starts an object or an array: the source may be JSON (Lines) with a broken line.
_RECORD_LINE: Final = re.compile(rb"(?:^|[\r\n])[ \t]*[{\[]")


def _json_value(line: str) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def separator_line(line: str) -> str | None:
    """The delimiter a first line ``sep=;`` names (Excel reads it as the delimiter to use, and
    exports meant for Excel start with it), or None for any other line."""
    match = _SEPARATOR_LINE.fullmatch(line.strip(" \r\n"))
    return match.group(1) if match else None


def sheet_delimiter(header: str) -> str:
    """What is between the cells of a sheet whose header row is ``header``: the one of ``,``,
    ``;`` and a tab it has most of (column names contain none of them), ``,`` when it has none.
    A tab: Google Sheets' "Tab-separated values", Excel's "Text (Tab delimited)"."""
    return max((",", ";", "\t"), key=header.count)


def sheet_records(stream: IO[bytes], source: str, header_row: int = 1, ignore: Sequence[str] = ()) -> Iterator[ReadItem]:
    """Every record of a sheet, one row at a time (``stream`` is positioned at the header row,
    which is row ``header_row`` of the file). A form tool's own columns and those ``ignore``
    names are left out, with one note naming them (``screener.batch.form_columns``)."""
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="")
    try:
        first_line = text.readline()
        delimiter = separator_line(first_line)
        if delimiter is not None:  # Excel shows no row for it: the header is still row 1
            first_line = text.readline()
        else:
            delimiter = sheet_delimiter(first_line)
        lines = _RowLines(itertools.chain([first_line], text))
        rows = csv.reader(lines, delimiter=delimiter)
        header = [sheet_column_name(cell) for cell in next(rows)]
        # A row index (pandas' to_csv, R's write.csv) is left out, as are a form tool's own
        # columns and those the user names.
        plan = plan_columns(header, ignore)
        boxes = plan.checkbox_positions  # REDCap's checkbox columns, read together as their lists
        problems = [
            *plan.problems,
            *unknown_columns(name for number, name in enumerate(plan.read_as) if name and number not in boxes),
        ]
        if problems or _SURROGATE.search(first_line):
            header_of = _HeaderFaults(problems, plan.read_as, boxes)
            flagged = _red_flag_rows(rows, lines, plan.read_as, boxes, header_row)
            yield UnreadableSource(source, header_of.message(), plain=header_of.words(), red_flags=flagged)
            return
        if plan.note is not None:
            yield UnreadableSource(source, plan.note, note=True, plain=plan.plain)
        empty = True
        for item in _rows(rows, lines, header, plan, source, header_row, delimiter):
            empty = False
            yield item
        if empty:  # as `mgk-screen template csv` writes it: said, not only counted as 0 records
            yield UnreadableSource(source, "a header row but no rows of answers")
    finally:
        text.detach()  # the byte stream belongs to the caller


def _red_flag_rows(
    rows: Any, lines: _RowLines, read_as: Sequence[str | None], boxes: frozenset[int], header_row: int
) -> tuple[RowRedFlags, ...]:
    """For a sheet refused for its header: the rows that give red flags now in a misspelt
    red-flag column (``red_flag_now``; ``screener.batch.refused_red_flags``), read before the
    refusal is said; none (and no row read) when it has no such column."""
    named = [(number, name) for number, name in enumerate(read_as) if name and number not in boxes]
    flag_columns = set(red_flag_columns(name for _, name in named))
    if not flag_columns:
        return ()
    wanted = [(number, name) for number, name in named if name in flag_columns]
    id_at = next((number for number, name in named if name == "id"), None)
    id_column = columns_by_name()["id"]  # the id as a row's record would give it ("NA", empty: none)
    found: list[RowRedFlags] = []
    row = header_row
    while True:
        lines.kept.clear()
        try:
            cells = next(rows)
        except StopIteration:
            return tuple(found)
        except csv.Error:  # a row that cannot be read: the next one may be
            row += 1
            continue
        row += 1
        given = {name: cells[number] for number, name in wanted if number < len(cells)}
        identifier = read_cell(id_column, cells[id_at]) if id_at is not None and id_at < len(cells) else None
        flagged = row_red_flags(where(f"row {row}", identifier), given)
        if flagged is not None:
            found.append(flagged)


#: How many unknown columns a message names, when no column of the sheet is an answers field.
_NAMED: Final = 3
#: Where the README says how to name a form's questions (its section on sheets and form exports).
README_SECTION: Final = "the README's section \"Answers as a spreadsheet (CSV)\""


class _HeaderFaults:
    """What refuses a sheet for its header row, in the CLI's words and the web page's."""

    def __init__(self, problems: list[str], read_as: Sequence[str | None], boxes: frozenset[int]) -> None:
        from screener.batch.answer_columns import section_names

        self.problems = problems
        known = columns_by_name()
        read = [(number, name) for number, name in enumerate(read_as) if name]
        self.unknown = [name for number, name in read if number not in boxes and name not in known and name not in section_names()]
        #: No column is an answers field: a sheet of other columns (a form's questions as its headers).
        self.none_known = bool(problems) and len(self.unknown) == len(read) and not any(
            problem.startswith(("these are the columns of screening results", "column '")) for problem in problems
        )

    def message(self) -> str:
        from screener.batch.question_headers import question_hints

        if not self.problems:
            return _header_message([])
        hints = "".join(f". {hint}" for hint in question_hints(self.unknown))
        if not self.none_known:
            return _header_message(self.problems, hints)
        named = _listed([f"'{name}'" for name in self.unknown])
        return (
            f"a sheet (CSV) whose columns are not answers fields: unknown column{'s' if len(self.unknown) > 1 else ''} "
            f"{named}{hints}. A sheet's header row names each column by its answers field (age, diuretic_use, "
            f"labs.potassium.value...): `mgk-screen template csv` writes them all, and {README_SECTION} says how to "
            "name a form's questions" + option_hint(self.problems)
        )

    def words(self) -> str:
        from screener.batch.question_headers import question_words

        hints = "".join(f" {hint}" for hint in question_words(self.unknown))
        if not self.none_known:
            return _header_words(self.problems) + hints
        named = _listed([f"“{name}”" for name in self.unknown])
        return (
            f"This file cannot be used: it is a sheet, but none of its columns is named after an answer ({named}).{hints} Its first row "
            "must name each column after an answer (age, sex, medications, labs.potassium.value...); those a form "
            "tool adds, such as Timestamp, are left out without asking."
        )


def _listed(names: list[str]) -> str:
    """'a', 'b' and 'c'; the first few of more, and how many more: 'a', 'b', 'c' and 4 more."""
    if len(names) > _NAMED:
        return f"{', '.join(names[:_NAMED])} and {len(names) - _NAMED} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _header_message(problems: list[str], hints: str = "") -> str:
    found = "; ".join(problems) if problems else "the header row is not UTF-8 text (save the sheet as CSV UTF-8)"
    return (
        f"not a sheet of answers: {found}{hints}. The header row names each column by its answers field "
        "(age, alcohol.drinks_per_week, labs.potassium.value...); `mgk-screen template csv` writes them all"
        + (f", and {README_SECTION} says how to name a form's questions" if hints else "")
        + option_hint(problems)
    )


def _header_words(problems: list[str]) -> str:
    """The same in words for a person who never sees a command line (the web page): the columns
    named, not the command that writes a template or the option that leaves columns out."""
    if any(problem.startswith("these are the columns of screening results") for problem in problems):
        return "This file holds screening results, not answers: choose the answers file they were made from."
    if not problems:
        return "This file cannot be used: its first row is not UTF-8 text. Save the sheet as “CSV UTF-8” and try again."
    return (
        f"This file cannot be used: it is not a sheet of answers ({'; '.join(problems)}). Its first row must name "
        "each column after an answer (age, sex, medications, labs.potassium.value...). Remove the columns that hold "
        "no answers and try again; those a form tool adds, such as Timestamp, are left out without asking."
    )


class _RowLines:
    """The lines of a sheet as ``csv.reader`` reads them, keeping those of the row being read."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.kept: list[str] = []

    def __iter__(self) -> _RowLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.kept.append(line)
        return line


def _never_closed(lines: list[str], delimiter: str) -> bool:
    """Whether a row read from ``lines`` ends inside a quoted cell: a double quote opened and
    never closed, which ``csv.reader`` (not strict) takes to the end of the file as one cell."""
    try:
        list(csv.reader(lines, delimiter=delimiter, strict=True))
    except csv.Error as error:
        return str(error) == "unexpected end of data"
    return False


#: How Spark's CSV writer (``df.write.csv``, its default ``escape``) writes a quote inside a
#: quoted cell: ``"Lasix \\"water pill\\", hydrochlorothiazide"``, where RFC 4180 doubles it (``""``).
BACKSLASH_QUOTE: Final = '\\"'
BACKSLASH_NOTE: Final = (
    'quotes inside cells are escaped with a backslash (\\"), as Spark\'s CSV writer writes them by default, '
    "and were read so (RFC 4180 doubles them: \"\"; Spark writes that with .option(\"escape\", '\"'))"
)


def backslash_escaped(cells: list[str], lines: Sequence[str], delimiter: str, columns: int) -> tuple[list[str], bool]:
    """A row's cells read as Spark's CSV writer meant them, and whether they were read so: when
    the row read as RFC 4180 says does not give the header's ``columns`` cells (a backslash-escaped
    quote ends a cell early and shifts the others, a red flag among them, into the wrong columns),
    but read with the backslash as the escape it gives exactly ``columns`` cells. Otherwise
    ``cells`` as they were: a row of the right width is RFC 4180's even with ``\\"`` in a cell (a
    cell that ends in a backslash, ``"C:\\"``, or one this project's own writer quoted: an id
    ``=\\`` written by `batch --format csv` must read back as written)."""
    if len(cells) == columns:
        return cells, False
    try:
        escaped = list(csv.reader(lines, delimiter=delimiter, escapechar="\\", strict=True))
    except csv.Error:
        return cells, False
    if len(escaped) != 1 or len(escaped[0]) != columns:
        return cells, False
    return escaped[0], True


def _too_long(lines: list[str], delimiter: str, header: list[str]) -> str | None:
    """What a row with a cell longer than ``csv`` reads is told: the column and how long the
    cell is, not the csv module's "field larger than field limit". None when it cannot be found
    (the row's cell goes on past the lines read)."""
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(max(limit, sum(map(len, lines)) + 1))
        cells = next(csv.reader(lines, delimiter=delimiter), [])
    except csv.Error:
        return None
    finally:
        csv.field_size_limit(limit)
    number = next((number for number, cell in enumerate(cells) if len(cell) > limit), None)
    if number is None:
        return None
    where = f"column '{header[number]}'" if number < len(header) and header[number] else f"cell {number + 1}"
    return f"the cell in {where} holds {len(cells[number]):,} characters, more than a cell may hold ({limit:,}): no answer is that long"


def _rows(
    rows: Any, lines: _RowLines, header: list[str], plan: ColumnPlan, source: str, header_row: int, delimiter: str
) -> Iterator[ReadItem]:
    """The records under the header; ``rows`` is the ``csv.reader`` (its ``line_num`` locates a
    fault) over ``lines``; ``plan``: the column each is read as (None: left out), and the list
    fields given as REDCap checkbox columns."""
    known = columns_by_name()
    boxes = plan.checkbox_positions
    columns = [known.get(name) if name and number not in boxes else None for number, name in enumerate(plan.read_as)]
    left_out = frozenset(number for number, name in enumerate(plan.read_as) if name is None) | boxes
    row = header_row
    backslash_said = False
    while True:
        lines.kept.clear()
        first_line = rows.line_num + 1
        try:
            cells = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            row += 1
            said = _too_long(lines.kept, delimiter, header) if str(error).startswith("field larger than field limit") else None
            yield UnreadableRecord(source, row, f"row {row} (line {rows.line_num}): {said or error}", rows.line_num)
            continue
        row += 1
        if BACKSLASH_QUOTE in "".join(lines.kept):
            cells, backslashed = backslash_escaped(cells, lines.kept, delimiter, len(header))
            if backslashed and not backslash_said:
                backslash_said = True
                yield UnreadableSource(source, BACKSLASH_NOTE, note=True)
        if len(lines.kept) > 1 and _never_closed(lines.kept, delimiter):
            # Its cell holds every line after it: said, never screened as one long medicine name.
            yield UnreadableRecord(
                source,
                row,
                f"row {row} (line {first_line}): {NEVER_CLOSED}, so lines "
                f"{first_line}-{rows.line_num}, the rest of the file, were read as that one cell: close the quote "
                "or remove it",
                first_line,
            )
            return
        if all(not cell.strip() for cell in cells):
            continue
        yield _record(
            cells, columns, header, source, row, decimal_comma=True if delimiter != "," else "quoted", left_out=left_out, checkboxes=plan.checkboxes
        )


def _record(
    cells: list[str],
    columns: list[Column | None],
    header: list[str],
    source: str,
    row: int,
    *,
    decimal_comma: bool | Literal["quoted"],
    left_out: frozenset[int],
    checkboxes: Sequence[CheckboxField] = (),
) -> ReadItem:
    undecodable = next((index for index, cell in enumerate(cells) if _SURROGATE.search(cell)), None)
    if undecodable is not None:
        byte = ord(_SURROGATE.search(cells[undecodable]).group()) - 0xDC00  # type: ignore[union-attr]
        where = f"column '{header[undecodable]}'" if undecodable < len(header) else f"cell {undecodable + 1}"
        return UnreadableRecord(
            source, row, f"row {row}: not UTF-8 text (byte 0x{byte:02x} in {where}); save the sheet as CSV UTF-8"
        )
    pairs: list[tuple[Column, object]] = []
    stray: list[Problem] = []
    for number, cell in enumerate(cells):
        column = columns[number] if number < len(columns) else None
        if column is not None:
            pairs.append((column, cell))
        elif cell.strip() and number not in left_out:
            stray.append(stray_cell(number + 1, cell, beyond=len(header) if number >= len(header) else None))
    value, problems = record_from_cells(pairs, decimal_comma=decimal_comma)
    for field in checkboxes:
        checked, field_problems = read_checkboxes(field, cells)
        if checked is not None:
            value[field.column.name] = checked
        problems += field_problems
    return RawRecord(source, row, value, tuple(stray + problems))


def stray_cell(column: int, cell: str, *, beyond: int | None = None) -> Problem:
    """A value in column ``column`` (1-based) that has no name in the header row, or that is
    past the header's ``beyond`` columns: the row is invalid, since it cannot say what it answers."""
    where = (
        f"cell {column}, beyond the {beyond} columns of the header row"
        if beyond is not None
        else f"column {column}, which has no name in the header row"
    )
    return Problem("$", f"a value in {where}: {shown(cell.strip())}")


# -- writing ----------------------------------------------------------------------------------


def write_answers_csv(records: Iterable[Answers | Mapping[str, Any]], out: TextIO, *, delimiter: str = ",") -> int:
    """Write answers as a sheet ``sheet_records`` reads back as the same answers; return the count.

    ``out`` is a text stream opened with ``newline=""``. A mapping is validated against the
    answers contract first (``InvalidAnswers`` names every problem). Lines end in CRLF, as the
    CSV standard and spreadsheets have them.
    """
    if delimiter not in DELIMITERS:
        raise ValueError(f"delimiter must be one of {DELIMITERS}, not {delimiter!r}")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(column.name for column in answer_columns())
    count = 0
    for record in records:
        writer.writerow(cells_of(record if isinstance(record, Answers) else _validated(record)))
        count += 1
    return count


def _validated(record: Mapping[str, Any]) -> Answers:
    from screener.contract.validation import schema_problems, validator_for
    from screener.screening.pipeline import InvalidAnswers

    problems = schema_problems(validator_for("answers.schema.json"), record)
    if problems:
        raise InvalidAnswers(problems)
    return Answers.model_validate(record)


def write_template(out: TextIO, *, delimiter: str = ",") -> None:
    """An empty sheet: the header row with every answers column."""
    write_answers_csv((), out, delimiter=delimiter)
