"""Columns of a table that hold no answers: those a form tool adds to its export, and those the
user asks to leave out (``--ignore-column NAME``, a name or a glob pattern, any case).

Google Forms, Microsoft Forms and REDCap write columns of their own beside the answers: when the
response was sent, by whom, whether the form was completed. They are not answers fields, and an
unknown column refuses a whole file (every row would be misread), so without this a clinic would
have to delete them before screening. The names below are those the tools write; each is left
out with one note per file naming them (never silently). A column named like an answers field is
always read as that field: none of these names is one. An id-like column (REDCap's ``record_id``,
Microsoft Forms' ``ID``) is the record's id when the table has no ``id`` column, as the contract
echoes an id given and uses the record's position only when there is none.

A list field exported by REDCap as one column per choice (``symptoms___fatigue``) is read as that
list (``screener.batch.checkbox_columns``): the plan names those columns, and the note says how.

Any other column that is no answers field is still refused, and the message names the option.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from screener.batch.answer_columns import checkbox_of, columns_by_name, is_row_index, section_names
from screener.batch.checkbox_columns import CheckboxField, checkbox_fields, header_problems

#: The columns each tool adds to an export of its responses, as the tool names them (read in any
#: case), and patterns (``*_complete``: REDCap's status of each instrument, named after it).
FORM_TOOL_COLUMNS: Final = (
    ("Google Forms", ("Timestamp", "Email Address", "Score"), ()),
    ("Microsoft Forms", ("ID", "Start time", "Completion time", "Email", "Name", "Last modified time"), ()),
    (
        "REDCap",
        (
            "record_id",
            "redcap_event_name",
            "redcap_survey_identifier",
            "redcap_repeat_instrument",
            "redcap_repeat_instance",
            "redcap_data_access_group",
        ),
        ("*_complete", "*_timestamp"),
    ),
)

#: Columns that identify the response, read as the answers' ``id`` when the table has none.
ID_LIKE: Final = ("id", "record_id")

#: The option's name, as messages give it (the CLI's and ``python -m screener.spark``'s).
OPTION: Final = "--ignore-column"


def form_tool_of(name: str) -> str | None:
    """The form tool whose export has a column ``name`` (any case), or None."""
    folded = name.strip().casefold()
    for tool, names, patterns in FORM_TOOL_COLUMNS:
        if folded in (known.casefold() for known in names) or any(fnmatch.fnmatchcase(folded, pattern) for pattern in patterns):
            return tool
    return None


def _asked(name: str, ignore: Sequence[str]) -> bool:
    folded = name.strip().casefold()
    return any(fnmatch.fnmatchcase(folded, pattern.strip().casefold()) for pattern in ignore)


@dataclass(frozen=True)
class ColumnPlan:
    """How each column of a table is read."""

    read_as: tuple[str | None, ...]
    """Per column, in order: the name it is read under (itself, or ``id`` for an id-like column
    when there is no ``id`` column; ``""`` for a column with no name), or None when it is left
    out (a row index a tool wrote, a form tool's own column, one asked to be ignored)."""
    note: str | None
    """One line naming the columns left out and the one read as the id, or None when none is."""
    plain: str | None = None
    """The same in words for a person who never sees a command line (the web page), in sentences."""
    checkboxes: tuple[CheckboxField, ...] = ()
    """The list fields given as REDCap checkbox columns, one column per choice. Those columns
    keep their own names in ``read_as``, so that a reader that cannot join them refuses them as
    columns it does not know (``unknown_columns`` names them as REDCap's)."""
    problems: tuple[str, ...] = ()
    """What refuses the whole table beside unknown columns: a list field given both as one
    column and as checkbox columns, a checkbox column named twice."""

    @property
    def checkbox_positions(self) -> frozenset[int]:
        """The numbers (from 0) of the checkbox columns."""
        return frozenset(choice.position for field in self.checkboxes for choice in field.choices)

    def kept(self, names: Sequence[str]) -> list[tuple[str, str]]:
        """(name in the table, name read as) of every column that is read (named ones only)."""
        return [(name, read) for name, read in zip(names, self.read_as, strict=True) if read]


def plan_columns(names: Sequence[str], ignore: Sequence[str] = ()) -> ColumnPlan:
    """How the columns ``names`` (top-level names, as the table's header gives them) are read:
    answers fields (and sections, for nested tables) as they are; a column that ``ignore`` names
    (a name or a glob pattern, any case) left out, even an answers field, since the user asked;
    a form tool's own column left out, an id-like one read as the id when there is no ``id``
    column; anything else kept, for ``unknown_columns`` to refuse with "did you mean"."""
    known = columns_by_name()
    sections = section_names()
    has_id = any(name == "id" and not _asked(name, ignore) for name in names)
    read_as: list[str | None] = []
    asked: list[str] = []
    by_tool: dict[str, list[str]] = {}
    as_id: str | None = None
    for number, name in enumerate(names):
        if is_row_index(name, number):
            read_as.append(None)  # as pandas and R read it back: the row labels, said nowhere
        elif not name.strip():
            read_as.append("")
        elif _asked(name, ignore) or ((box := checkbox_of(name)) is not None and _asked(box[0].name, ignore)):
            read_as.append(None)
            asked.append(name)
        elif name in known or name in sections:
            read_as.append(name)
        elif checkbox_of(name) is not None:
            read_as.append(name)  # joined into its list by the readers that can (checkbox_columns)
        elif (tool := form_tool_of(name)) is not None:
            if not has_id and as_id is None and name.strip().casefold() in ID_LIKE:
                as_id = name
                read_as.append("id")
            else:
                read_as.append(None)
                by_tool.setdefault(tool, []).append(name)
        else:
            read_as.append(name)
    checkboxes = checkbox_fields(read_as)
    return ColumnPlan(
        tuple(read_as),
        _note(asked, by_tool, as_id, checkboxes),
        _plain(asked, by_tool, as_id, checkboxes),
        checkboxes,
        tuple(header_problems(read_as, checkboxes)),
    )


def _note(asked: list[str], by_tool: dict[str, list[str]], as_id: str | None, checkboxes: tuple[CheckboxField, ...] = ()) -> str | None:
    parts = []
    if checkboxes:
        fields = ", ".join(f"{field.column.name}___* as {field.column.name}" for field in checkboxes)
        parts.append(
            f"REDCap checkbox columns are read as lists: {fields} (a row with no box of a field checked leaves it "
            "not answered; its 'none' box answers none of these)"
        )
    if by_tool:
        tools = "; ".join(f"{', '.join(names)} ({tool})" for tool, names in by_tool.items())
        parts.append(f"columns a form tool adds are not read: {tools}")
    if asked:
        parts.append(f"columns not read, as {OPTION} asks: {', '.join(asked)}")
    if as_id is not None:
        parts.append(f"column '{as_id}' is read as the id (there is no id column)")
    return "; ".join(parts) if parts else None


def _plain(asked: list[str], by_tool: dict[str, list[str]], as_id: str | None, checkboxes: tuple[CheckboxField, ...] = ()) -> str | None:
    """The note in sentences for the web page: the columns named, never a value in them (a form
    tool's email column holds people's addresses)."""
    sentences = []
    for field in checkboxes:
        sentences.append(
            f"The columns {field.column.name}___… are REDCap's tick boxes for one question: the boxes ticked were read as "
            f"the answer to {field.column.name}. Where no box is ticked, the question counts as not answered, "
            "unless its “none” box is ticked."
        )
    for tool, names in by_tool.items():
        if len(names) == 1:
            sentences.append(f"The column {_quoted(names)} is one {tool} adds to its exports, not an answer, so it was not read.")
        else:
            sentences.append(f"The columns {_quoted(names)} are ones {tool} adds to its exports, not answers, so they were not read.")
    if asked:
        sentences.append(f"The column{'s' if len(asked) > 1 else ''} {_quoted(asked)} {'were' if len(asked) > 1 else 'was'} not read, as asked.")
    if as_id is not None:
        sentences.append(
            f"The column {_quoted([as_id])} was kept as the id of these answers (the file has no id column): it is not an "
            "answer to any question."
        )
    return " ".join(sentences) if sentences else None


def _quoted(names: list[str]) -> str:
    quoted = [f"“{name}”" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def option_hint(problems: Iterable[str]) -> str:
    """What to add to a message refusing a table for unknown columns: how to leave them out."""
    unknown = [problem for problem in problems if problem.startswith("unknown column")]
    if not unknown:
        return ""
    return (
        f". A column that holds no answers (a form's own, a note) can be left out with {OPTION} NAME "
        "(a name or a pattern such as 'Q*', repeatable)"
    )
