"""JSON Lines: one record per line, so a broken line costs that line only."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    pass
from screener.batch import records
from screener.batch.json_text import (
    JSON_WHITESPACE,
    JsonFault,
    decode_document,
    decode_line,
    line_column,
    not_utf8,
    trailing_comma_note,
    trailing_comma_words,
)
from screener.batch.records import RawRecord, ReadItem, UnreadableRecord, UnreadableSource


@dataclass(frozen=True)
class _Line:
    number: int
    offset: int
    """Byte offset of the line's start in the file."""
    data: bytes | None
    """The line's bytes, or None when it is longer than ``records.MAX_RECORD_BYTES``."""

    @property
    def blank(self) -> bool:
        return self.data is not None and not self.data.strip(JSON_WHITESPACE)


def read_lines(reader: IO[bytes], number: int, offset: int) -> Iterator[_Line]:
    """Number the lines of a stream, never holding a line longer than ``records.MAX_RECORD_BYTES``."""
    while True:
        data = reader.readline(records.MAX_RECORD_BYTES + 1)
        if not data:
            return
        start = offset
        offset += len(data)
        if len(data) > records.MAX_RECORD_BYTES and not data.endswith(b"\n"):
            while data and not data.endswith(b"\n"):
                data = reader.readline(records.CHUNK_BYTES)
                offset += len(data)
            yield _Line(number, start, None)
        else:
            yield _Line(number, start, data)
        number += 1


def _parse_line(line: _Line, source: str, position: int, commas: list[int]) -> RawRecord | UnreadableRecord:
    """One line as a record; ``commas`` gets the number of the first line whose record a comma
    follows, read past (``json_text.decode_line``)."""

    def unreadable(column: int, message: str) -> UnreadableRecord:
        return UnreadableRecord(
            source, position, f"line {line.number}, column {column}: {message}", line.number, column
        )

    if line.data is None:
        return unreadable(1, f"record too large (more than {records.MAX_RECORD_BYTES} bytes)")
    try:
        text = line.data.decode("utf-8")
    except UnicodeDecodeError as error:
        column = len(line.data[: error.start].decode("utf-8", "replace")) + 1
        return unreadable(column, not_utf8(line.data[error.start], line.offset + error.start))
    try:
        value, comma = decode_line(text)
    except JsonFault as fault:
        return unreadable(line_column(text, fault.index)[1], fault.message)
    if comma and not commas:
        commas.append(line.number)
    return RawRecord(source, position, value)


def line_records(lines: Iterator[_Line], source: str) -> Iterator[ReadItem]:
    first = next(lines)  # there is a non-blank line: read_head made sure
    commas: list[int] = []  # the first line whose record a comma follows: named once, never refused
    first_record = _parse_line(first, source, 1, commas)
    lookahead: list[_Line] = []
    if isinstance(first_record, UnreadableRecord) and not _record_line_follows(first, lines, lookahead):
        yield _single_value(first, itertools.chain(lookahead, lines), source)
        return
    said = bool(commas)
    if said:
        yield UnreadableSource(source, trailing_comma_note(commas[0]), note=True, plain=trailing_comma_words(commas[0]))
    yield first_record
    position = 1
    for line in itertools.chain(lookahead, lines):
        if not line.blank:
            position += 1
            record = _parse_line(line, source, position, commas)
            if commas and not said:
                said = True
                yield UnreadableSource(source, trailing_comma_note(commas[0]), note=True, plain=trailing_comma_words(commas[0]))
            yield record


def has_record_line(lines: Iterable[bytes]) -> bool:
    """Whether these lines (the first is the first non-blank line of a source) hold a JSON Lines
    record line: a line that parses alone as an object or an array, followed by a line that
    neither closes a bracket nor starts with a comma.

    A pretty-printed document never holds one: a line that parses alone there is the last item of
    an array (the others end with a comma), so the next line closes that bracket; or, in an array
    written comma first (``[`` / ``{...}`` / ``,{...}``, as some exporters do), the next line
    starts with the comma before the next item.
    """
    candidate = False
    for data in lines:
        content = data.strip(JSON_WHITESPACE)
        if not content:
            continue
        if candidate and not content.startswith((b"]", b"}", b",")):
            return True
        candidate = _is_container(content)
    return False


def _is_container(data: bytes) -> bool:
    if not data.startswith((b"{", b"[")):
        return False
    try:
        return isinstance(decode_document(data.decode("utf-8")), (dict, list))
    except (UnicodeDecodeError, JsonFault):
        return False


def _record_line_follows(first: _Line, lines: Iterator[_Line], lookahead: list[_Line]) -> bool:
    """Whether the source, whose first line is broken, holds a JSON Lines record line (see
    ``has_record_line``): then it is JSON Lines and every broken line is one invalid record.

    The lines read are appended to ``lookahead``. The search goes on until one is found or as far
    as one value spread over many lines could go (``records.MAX_RECORD_BYTES``). A last line that parses alone counts as
    well: a source whose first line is not an array is not a pretty-printed array, and the
    answers contract has no arrays of objects inside a record.
    """
    size = len(first.data) if first.data is not None else records.MAX_RECORD_BYTES
    candidate = False
    for line in lines:
        lookahead.append(line)
        if line.blank:
            continue
        content = line.data.strip(JSON_WHITESPACE) if line.data is not None else b""
        if candidate and not content.startswith((b"]", b"}")):
            return True
        size += len(line.data) if line.data is not None else records.MAX_RECORD_BYTES
        if size > records.MAX_RECORD_BYTES:
            return False  # one value that large is reported as too large
        candidate = _is_container(content)
    return candidate


def _single_value(first: _Line, rest: Iterator[_Line], source: str) -> ReadItem:
    """Read a source holding one value over many lines (a pretty-printed object) as one record."""
    chunks: list[bytes] = []
    size = 0
    for line in itertools.chain([first], rest):
        if line.data is None or size + len(line.data) > records.MAX_RECORD_BYTES:
            return UnreadableSource(source, f"record too large (more than {records.MAX_RECORD_BYTES} bytes)")
        chunks.append(line.data)
        size += len(line.data)
    data = b"".join(chunks)
    # A source that starts an object is one record (a person's answers, a FHIR resource): when it
    # cannot be read it is one invalid record, as the same text on a line of JSON Lines is, so that
    # every person given gets an entry. Anything else (prose, a bare value) is no record: the file
    # is named as unreadable.
    record = data.lstrip(JSON_WHITESPACE).startswith(b"{")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        message = not_utf8(data[error.start], first.offset + error.start)
        line_number = first.number + data.count(b"\n", 0, error.start)
        return UnreadableRecord(source, 1, message, line_number) if record else UnreadableSource(source, message)
    try:
        return RawRecord(source, 1, decode_document(text))
    except JsonFault as fault:
        line_number, column = line_column(text, fault.index)
        what = "truncated JSON" if fault.at_end(text) else "invalid JSON"
        line_number += first.number - 1
        message = f"{what} at line {line_number}, column {column}: {fault.message}"
        return UnreadableRecord(source, 1, message, line_number, column) if record else UnreadableSource(source, message)
