"""REDCap's checkbox columns: a list field exported as one column per choice.

REDCap stores a checkbox ("select all that apply") field as one yes/no value per choice and
exports each as its own column, named by the field, three underscores and the choice's code:
``symptoms___fatigue``, ``symptoms___muscle_cramps``. A raw export writes 1 (checked) or 0
(unchecked); an export as labels writes ``Checked`` or ``Unchecked``, or, with REDCap's "export
checkbox labels" option, the choice's label when checked and nothing when not. Here the columns
of one list field (``symptoms``, ``conditions``, ``red_flags_now``, ``supplements``) become that
list: the codes checked.

What a row with nothing checked means is REDCap's answer, not ours to guess: an unchecked box is
0 whether the person saw the question and ticked nothing or never saw it (REDCap writes no empty
value for a checkbox). So a row with no box of a field checked leaves the field **not answered**,
never "none of these". "None of these" is a choice of its own, with the code ``none``
(``symptoms___none``; REDCap's ``@NONEOFTHEABOVE='none'`` keeps it from being checked beside
another); checked, it is the empty list,
when the export has a column for every choice of the field (otherwise "none of these" would say
nothing of the choices the form did not offer). Cells left empty (REDCap leaves a field's boxes
empty when a missing-data code was entered for it) leave the field not answered too.

A column whose code is not one of the field's makes only a row that checks it invalid, naming
the column; one that is not checked says nothing, so it is read as unchecked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from screener.batch.answer_columns import NONE_CODE, Column, checkbox_of
from screener.batch.cells import MISSING, CellError, read_yes_no
from screener.contract.validation import Problem, shown


@dataclass(frozen=True)
class Choice:
    """One checkbox column of a table."""

    position: int
    """The column's number in the table, from 0."""
    header: str
    """The column's name, as the table gives it."""
    code: str
    """The choice's code: the contract's, ``none``, or as the column names it (unknown)."""

    def known(self, column: Column) -> bool:
        return self.code in column.codes or self.code == NONE_CODE


@dataclass(frozen=True)
class CheckboxField:
    """The checkbox columns of one list field, read together as that field."""

    column: Column
    choices: tuple[Choice, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        """The field's codes that have no column in the table."""
        given = {choice.code for choice in self.choices}
        return tuple(code for code in self.column.codes if code not in given)


def checkbox_fields(names: Sequence[str | None]) -> tuple[CheckboxField, ...]:
    """The checkbox fields of a table whose columns are ``names`` (None: a column left out)."""
    found: dict[str, tuple[Column, list[Choice]]] = {}
    for position, name in enumerate(names):
        of = checkbox_of(name) if name else None
        if of is not None:
            column, code = of
            found.setdefault(column.name, (column, []))[1].append(Choice(position, name or "", code))
    return tuple(CheckboxField(column, tuple(choices)) for column, choices in found.values())


def header_problems(names: Sequence[str | None], fields: Sequence[CheckboxField]) -> list[str]:
    """What refuses a whole table: a list field given both as one column and as checkbox
    columns (which answer would count?), or a checkbox column named twice."""
    problems = []
    given = {name.strip().lower() for name in names if name}
    for field in fields:
        if field.column.name in given:
            problems.append(
                f"column '{field.column.name}' and its REDCap checkbox columns ({_some(field)}) are both given: "
                f"keep one or the other (the checkbox columns, one per choice, are read as the list '{field.column.name}')"
            )
        seen: set[str] = set()
        for choice in field.choices:
            if choice.code in seen:
                problems.append(f"column '{choice.header}' appears twice")
            seen.add(choice.code)
    return problems


def _some(field: CheckboxField) -> str:
    headers = [choice.header for choice in field.choices]
    return ", ".join(headers[:2]) + (", ..." if len(headers) > 2 else "")


def read_checkboxes(field: CheckboxField, cells: Sequence[object]) -> tuple[list[str] | None, list[Problem]]:
    """One row's value of a checkbox field (None: not answered) and its problems, from the row's
    ``cells`` (text from a sheet, or typed values from Parquet), by column number."""
    column = field.column
    checked: list[Choice] = []
    problems: list[Problem] = []
    for choice in field.choices:
        cell = cells[choice.position] if choice.position < len(cells) else None
        try:
            state = _state(column, choice, cell)
        except CellError as error:
            problems.append(Problem(column.json_path, f"column '{choice.header}': {error}"))
            continue
        if state:
            checked.append(choice)
    unknown = [choice for choice in checked if not choice.known(column)]
    for choice in unknown:
        problems.append(Problem(column.json_path, _unknown_code(column, choice)))
    codes = [choice.code for choice in checked if choice.code != NONE_CODE]
    if any(choice.code == NONE_CODE for choice in checked):
        none = next(choice for choice in checked if choice.code == NONE_CODE)
        if codes:
            problems.append(
                Problem(
                    column.json_path,
                    f"column '{none.header}' (none of these) is checked beside {', '.join(repr(code) for code in codes)}: "
                    "check one or the other",
                )
            )
        elif field.missing and not unknown:
            problems.append(
                Problem(
                    column.json_path,
                    f"column '{none.header}' (none of these) is checked, but the export has no column for "
                    f"{', '.join(repr(code) for code in field.missing)}, so it cannot say that none of those applies: "
                    f"give the REDCap field every choice of {column.name}, or leave 'none' unchecked (the question is then not answered)",
                )
            )
    if problems:
        return codes, problems
    if not checked:
        # Nothing checked: REDCap writes 0 for a box never seen as for one left unticked.
        return None, []
    return codes, []


def _state(column: Column, choice: Choice, cell: object) -> bool | None:
    """Whether one checkbox cell is checked; None when it is empty."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int) and cell in (0, 1):
        return cell == 1
    if isinstance(cell, float):
        if math.isnan(cell):  # how pandas keeps an empty cell of a number column
            return None
        if cell in (0.0, 1.0):
            return cell == 1.0
    if not isinstance(cell, str):
        raise CellError("expected 1 or 0 (checked or unchecked)")
    text = cell.strip()
    if not text or text == MISSING:
        return None
    if text in ("1.0", "0.0"):  # a whole number as pandas writes a column that had an empty cell
        return text == "1.0"
    try:
        return read_yes_no(text)
    except CellError:
        pass
    if _is_label(column, choice.code, text):  # REDCap's "export checkbox labels": the label when checked
        return True
    raise CellError(f"expected 1 or 0 (or Checked, Unchecked, or the choice's label), got {shown(text)}")


def _is_label(column: Column, code: str, text: str) -> bool:
    folded = " ".join(text.casefold().replace("_", " ").split())
    words = {code.replace("_", " ").casefold(), *(label.casefold() for label in choice_labels(column.name).get(code, ()))}
    return folded in words


@cache
def choice_labels(field: str) -> dict[str, tuple[str, ...]]:
    """The labels the questionnaire gives each choice of a list field (``none``: its "None of
    these"), as a REDCap field made from it shows them and exports them as checkbox labels."""
    from screener.interview.questionnaire import Questionnaire

    labels: dict[str, tuple[str, ...]] = {}
    for item in Questionnaire.load().items:
        if item.field != field:
            continue
        for choice in item.choices:
            labels[str(choice.value)] = (*labels.get(str(choice.value), ()), choice.label)
        if item.none_choice is not None:
            labels[NONE_CODE] = (*labels.get(NONE_CODE, ()), item.none_choice.label)
    return labels


def _unknown_code(column: Column, choice: Choice) -> str:
    from screener.errors import did_you_mean

    return (
        f"column '{choice.header}' is checked, but {shown(choice.code)} is not one of the codes of {column.name}"
        f"{did_you_mean(choice.code, column.codes)}: the REDCap field's choices must have the answers' codes "
        f"({', '.join(column.codes[:3])}, ...; `mgk-screen schema answers` lists them)"
    )
