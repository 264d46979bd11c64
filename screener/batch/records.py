"""What reading a batch input yields: a parsed record, a record that could not be parsed (it still
counts as read), or a source that could not be read at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from screener.contract.validation import Problem


STDIN_NAME: Final = "<stdin>"


#: Files a directory input contributes (case-insensitive; hidden files are skipped, as by ``*.json``).
#: Each is then read in the format its content has, as the same file given by name would be.
RECORD_FILE_SUFFIXES: Final = (".json", ".jsonl", ".ndjson", ".csv", ".parquet")

#: The same, as messages write them.
RECORD_FILE_KINDS: Final = "/".join(RECORD_FILE_SUFFIXES)

#: The first bytes of a Parquet file.
PARQUET_MAGIC: Final = b"PAR1"


#: Largest single record read; beyond it a record is reported instead of filling memory.
MAX_RECORD_BYTES = 64 * 1024 * 1024

#: Most JSON values (objects, arrays, numbers, strings...) in one record; a full answers record has
#: a few hundred. Beyond it the record is reported as too large, so that a few megabytes of
#: ``[[],[],...]`` never become gigabytes of Python objects and validation errors.
MAX_RECORD_VALUES = 10_000

#: The same for a FHIR resource (its first member is ``resourceType``): a patient's Bundle from an
#: EHR or Synthea holds tens of thousands of values (about one per 40 bytes), so for FHIR it is
#: the size limit above that decides (64 MiB is about 1.6 million values), and this one only stops
#: a record of tiny values (``[[],[],...]``) from growing past it.
MAX_FHIR_RECORD_VALUES = 2_000_000

CHUNK_BYTES = 1024 * 1024  # read size for arrays; items straddling a chunk are re-decoded once grown


@dataclass(frozen=True)
class RawRecord:
    """One parsed record; its content is validated elsewhere."""

    source: str
    """File path as given by the user, or ``"<stdin>"``."""
    position: int
    """1-based number of the record in its source."""
    value: object
    """The parsed JSON value, of any JSON type."""
    problems: tuple[Problem, ...] = ()
    """Cells that are not a value of their column's type (sheets, Parquet): the record is invalid.
    Each bad cell's text is kept in ``value`` at its path (see ``runner.record_problems``)."""


@dataclass(frozen=True)
class UnreadableRecord:
    """A record that could not be parsed. It counts as read, so every input record is accounted for."""

    source: str
    position: int
    """1-based number the record would have had."""
    message: str
    """What is wrong, naming line and column: ``"line 3, column 17: expected a comma here, between two items"``."""
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class RowRedFlags:
    """One row of a refused table that gives red flags now (``UnreadableSource.red_flags``)."""

    row: str
    """Where it is, as a person finds it: "row 3 (id 'p-17')" (a sheet's row number), "record 2"."""
    codes: tuple[str, ...]


@dataclass(frozen=True)
class UnreadableSource:
    """A file, directory or stream that could not be read (or not to its end)."""

    source: str
    message: str
    note: bool = False
    """Not a fault but a remark on a file read as far as it goes: what it holds is not records to
    screen (Synthea's ``hospitalInformation*.json``), or a slip was read past (a comma after each
    JSON Lines record). Named like a fault, but it neither counts as an unreadable file nor makes
    the exit status 3."""
    plain: str | None = None
    """The message in words for a person who never sees a command line (the web page's "carry on
    from a file"): no option names, no commands, no JSON terms. None where ``message`` serves."""
    red_flags: tuple[RowRedFlags, ...] = ()
    """(a table refused for a misspelt red-flag column, ``red_flag_now``) the rows that give red
    flags now in it, to be said first (``refused_red_flags.said_first``)."""


ReadItem = RawRecord | UnreadableRecord | UnreadableSource
