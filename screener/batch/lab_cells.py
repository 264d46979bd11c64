"""A blood result as a person types it into a sheet: the unit in the value cell, a date for when.

Beyond the contract's letter, for sheets (and text cells of Parquet and Spark tables) only:

- a ``labs.<lab>.value`` cell holding a number and a unit (``3.1 mmol/L``, ``0.7mmol/l``) is read
  as the number, with the unit put in ``labs.<lab>.unit`` when that column is missing or empty
  in the row, or kept when it names the same unit. One clear problem is reported otherwise: a
  different unit in the unit column, or a unit the lab does not take (``3.1 mg/dL`` for
  potassium), rather than "expected a number" and "'unit' is required" for one mistake;
- a ``labs.<lab>.value`` cell holding a result reported only as beyond a number (``<3.5``,
  ``> 6.0 mmol/L``) is read as the contract's ``labs.<lab>.below`` (or ``above``): the same meaning,
  as a FHIR Quantity's comparator and ``ask`` read it (the true value lies beyond the number, which
  is never read as the value). ``<=``, ``≤``, ``>=`` and ``≥`` are refused (the result may be the
  number itself, which the answers cannot carry), as is a bound beside one in the row's ``below``
  or ``above`` column;
- a date in a ``labs.<lab>.taken`` column (``2026-11-28``, ``28/11/2026``) cannot be read as the
  contract's ``last_7_days``, ``last_30_days`` or ``older`` without the day of the screening, which
  a sheet does not give: one problem says what to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Final, Protocol, TypeVar

from screener.contract.validation import Problem, shown


class _Column(Protocol):
    """What is read of a column (``screener.batch.answer_columns.Column``)."""

    @property
    def name(self) -> str: ...
    @property
    def json_path(self) -> str: ...
    @property
    def codes(self) -> tuple[str, ...]: ...


Column = TypeVar("Column", bound=_Column)

_VALUE_AND_UNIT: Final = re.compile(r"(?P<number>[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+))\s*(?P<unit>[^\d\s.,+-].*)")
_EXPONENT: Final = re.compile(r"[eE][+-]?\d+")  # 3.1e0 is a number, as read_cell reads it
#: A result reported only as beyond a number: "<3.5", "> 6.0 mmol/L", "≤3.5" (refused).
_BOUND: Final = re.compile(r"\s*(?P<sign><=|>=|[<>≤≥])\s*(?P<rest>\S.*)")
_BOUND_OF: Final = {"<": "below", ">": "above"}
_DATE: Final = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[T ].*)?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?: .*)?")


def lab_cells(
    cells: Iterable[tuple[Column, object]], known: Mapping[str, Column]
) -> tuple[list[tuple[Column, object]], list[Problem]]:
    """The (column, cell) pairs of one row with a lab value's unit moved to its unit column, and
    the problems of lab cells that cannot be read so (each at its column's JSON path; the cell's
    text is kept there, as ``record_from_cells`` keeps a bad cell's)."""
    pairs = list(cells)
    by_name = {column.name: index for index, (column, _) in enumerate(pairs)}
    problems: list[Problem] = []
    for index, (column, cell) in enumerate(list(pairs)):
        lab, _, part = column.name.removeprefix("labs.").rpartition(".")
        if not column.name.startswith("labs.") or not lab:
            continue
        if part == "taken" and _is_date(cell):
            problems.append(Problem(column.json_path, _date_message(cell)))
        elif part == "value" and isinstance(cell, str):
            bounded = _BOUND.fullmatch(cell)
            number_at = (index, column, cell) if bounded is None else _bound(pairs, by_name, (index, column, cell), bounded, known, lab)
            if isinstance(number_at, Problem):
                problems.append(number_at)
                continue
            at_number, number_column, text = number_at
            unit_column = known.get(f"labs.{lab}.unit")
            found = _VALUE_AND_UNIT.fullmatch(text.strip())
            if unit_column is None or found is None or _EXPONENT.fullmatch(found.group("unit")):
                continue
            at = by_name.get(unit_column.name)
            given = str(pairs[at][1]).strip() if at is not None and pairs[at][1] is not None else ""
            problem = _moved(pairs, at_number, at, unit_column, found, given, lab, number_column)
            if problem is not None:
                problems.append(problem)
    return pairs, problems


def _bound(
    pairs: list[tuple[Column, object]],
    by_name: Mapping[str, int],
    value_at: tuple[int, Column, str],
    bounded: re.Match[str],
    known: Mapping[str, Column],
    lab: str,
) -> tuple[int, Column, str] | Problem:
    """Move a value cell's "<3.5" to the lab's ``below`` column (">6.0" to ``above``), leaving the
    value not answered; return where the number now is (for its unit to be read), or the problem."""
    index, column, _ = value_at
    sign, rest = bounded.group("sign"), bounded.group("rest").strip()
    side = _BOUND_OF.get(sign)
    if side is None:
        strict = "<" if sign in ("<=", "≤") else ">"
        return Problem(
            column.json_path,
            f"{shown(bounded.group().strip())} allows the number itself, which the answers cannot carry: write the "
            f"number in {column.name} when it is the result, or '{strict}{rest}' when the report gives the result only as "
            f"{_BOUND_OF[strict]} it",
        )
    bound_column = known.get(f"labs.{lab}.{side}")
    if bound_column is None:  # a lab with no bound in the answers: read_cell says it is not a number
        return value_at
    at = by_name.get(bound_column.name)
    given = pairs[at][1] if at is not None else None
    if isinstance(given, str) and given.strip() and given.strip().casefold() != "na":
        return Problem(
            column.json_path.rpartition(".")[0],
            f"{column.name} holds {shown(bounded.group().strip())} and {bound_column.name} holds {shown(given.strip())}: "
            f"give the result once (a result reported as '{sign}X' goes in {bound_column.name} as X, or stays as it is here)",
        )
    pairs[index] = (column, "")
    if at is None:
        pairs.append((bound_column, rest))
        return len(pairs) - 1, bound_column, rest
    pairs[at] = (bound_column, rest)
    return at, bound_column, rest


def _moved(
    pairs: list[tuple[Column, object]],
    index: int,
    at: int | None,
    unit_column: Column,
    found: re.Match[str],
    given: str,
    lab: str,
    column: Column,
) -> Problem | None:
    """Put the number in the value cell and the unit in the unit cell; or say why not (with no
    unit given, at the lab's path, so that "'unit' is required" is not said as well)."""
    typed = found.group("unit").strip()
    unit = _unit(unit_column, typed)
    cell = shown(found.group())
    units = " or ".join(unit_column.codes)
    given = "" if given.casefold() == "na" else given
    if unit is None and "/" not in typed:
        return None  # not a unit ("3.3x"): read_cell says the cell is not a number
    if unit is None:
        said = f"expected a number, got {cell}: {shown(typed)} is not a unit for {lab} ({units})"
        if given:
            return Problem(column.json_path, f"{said}. Write the number alone here")
        return Problem(
            column.json_path.rpartition(".")[0],
            f"{column.name} holds {cell}, and {shown(typed)} is not a unit for {lab} ({units}). "
            f"Write the number alone in {column.name} and its unit in {unit_column.name}",
        )
    if given and _unit(unit_column, given) != unit:
        return Problem(
            column.json_path,
            f"{cell} names the unit {unit}, but {unit_column.name} says {shown(given)}: write the number alone "
            f"here ({found.group('number')}) and the unit it was measured in, in {unit_column.name}",
        )
    pairs[index] = (column, found.group("number"))
    if at is None:
        pairs.append((unit_column, unit))
    else:
        pairs[at] = (unit_column, unit)
    return None


def _unit(column: Column, typed: str) -> str | None:
    """The unit code ``typed`` names, in any case and spacing (``mmol/l``, ``mmol / L``)."""
    squashed = re.sub(r"\s+", "", typed).casefold()
    return next((code for code in column.codes if code.casefold() == squashed), None)


def _is_date(cell: object) -> bool:
    return isinstance(cell, date) or (isinstance(cell, str) and _DATE.fullmatch(cell.strip()) is not None)


def _date_message(cell: object) -> str:
    written = cell.isoformat() if isinstance(cell, date) else str(cell).strip()
    return (
        f"a date ({shown(written)}) is not read here, since the answers do not say the day of the screening: "
        "write how long before the screening the sample was taken, last_7_days, last_30_days or older "
        "(or leave it empty if not known)"
    )
