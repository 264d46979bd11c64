"""A JSON array of records, read one item at a time over a sliding window of text, so memory stays
flat however long the array. An array that breaks cannot be resynchronised: it stops there and
the break is reported; the records before it are kept."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Literal

if TYPE_CHECKING:
    pass
from screener.batch import records
from screener.batch.json_text import (
    CUT_MARGIN,
    EXPECTED_COMMA,
    EXPECTED_VALUE,
    JSON_STRING,
    JsonFault,
    decode_at,
    not_utf8,
    skip_whitespace,
    starts_too_many_values,
    too_many_values_message,
    values_allowed,
)
from screener.batch.records import RawRecord, ReadItem, UnreadableRecord, UnreadableSource

# Tokens that matter when stepping over an item without decoding it: a string (group 1 is the
# closing quote, empty when the string runs past the window) or a structural character.
_SKIP_TOKEN = re.compile(JSON_STRING + r'(")?|[\[\]{},]', re.DOTALL)


class TextWindow:
    """Decoded text of a byte stream, read on demand, keeping only what is not yet consumed.

    ``pos`` is the first unconsumed character; reading more drops the text before it, so
    indices held across ``read_more`` must be taken again from ``pos``. Line and column numbers
    stay right for the whole file. A byte that is not UTF-8 ends the text: ``bad_byte`` says so.
    """

    def __init__(self, reader: IO[bytes], lines_before: int, bytes_before: int) -> None:
        self._reader = reader
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._lines_before = lines_before
        self._column_before = 0
        self._bytes_read = bytes_before
        self.text = ""
        self.pos = 0
        self.eof = False
        self.bad_byte: str | None = None

    def read_more(self, at_least: int = 0) -> bool:
        """Drop the consumed text and append at least ``at_least`` more bytes' worth.

        False when the text has ended (end of stream or a non-UTF-8 byte).
        """
        if self.eof:
            return False
        dropped = self.text.count("\n", 0, self.pos)
        if dropped:
            self._lines_before += dropped
            self._column_before = self.pos - self.text.rfind("\n", 0, self.pos) - 1
        else:
            self._column_before += self.pos
        data = self._reader.read(max(at_least, records.CHUNK_BYTES))
        pending = len(self._decoder.getstate()[0])
        try:
            new = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            new = error.object[: error.start].decode("utf-8")
            self.bad_byte = not_utf8(error.object[error.start], self._bytes_read - pending + error.start)
            self.eof = True
        else:
            self.eof = not data
        self._bytes_read += len(data)
        self.text = self.text[self.pos :] + new
        self.pos = 0
        return bool(new) or not self.eof

    def next_char(self) -> str:
        """Skip whitespace; the next character, or "" when the text has ended."""
        while True:
            self.pos = skip_whitespace(self.text, self.pos)
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.read_more():
                return ""

    def where(self, index: int) -> tuple[int, int]:
        """1-based line and column in the file of ``text[index]``."""
        newlines = self.text.count("\n", 0, index)
        if newlines:
            return self._lines_before + newlines + 1, index - self.text.rfind("\n", 0, index)
        return self._lines_before + 1, self._column_before + index + 1

    def decode_item(self) -> object:
        """Decode the value at ``pos`` and move past it, or raise ``JsonFault`` (``pos`` unmoved).

        A value the window cuts short is retried with twice the text, so big records cost linear
        time; one that still has no end after ``records.MAX_RECORD_BYTES`` is reported as too large.
        """
        while True:
            try:
                value, end = decode_at(self.text, self.pos)
            except JsonFault as fault:
                if self.eof or not fault.may_be_cut(self.text):
                    raise
            else:
                # A number such as 12 may be the start of 125 in the next chunk.
                if self.eof or end < len(self.text) - CUT_MARGIN:
                    self.pos = end
                    return value
            pending = len(self.text) - self.pos
            if self._pending_bytes(pending) > records.MAX_RECORD_BYTES:
                raise JsonFault(f"record too large (more than {records.MAX_RECORD_BYTES} bytes)", self.pos, "large")
            # A record that outgrows the window is counted before it is decoded again, larger.
            if pending > records.MAX_RECORD_VALUES and starts_too_many_values(self.text, self.pos):
                raise JsonFault(too_many_values_message(values_allowed(self.text, self.pos)), self.pos, "large")
            self.read_more(at_least=pending)

    def _pending_bytes(self, characters: int) -> int:
        """The size in UTF-8 bytes of the last ``characters`` of the text (the cap is in bytes,
        as in JSON Lines: a character may take up to four), encoded only when it matters."""
        if characters > records.MAX_RECORD_BYTES or characters * 4 <= records.MAX_RECORD_BYTES:
            return characters
        return len(self.text[len(self.text) - characters :].encode("utf-8", "surrogatepass"))

    def skip_item(self) -> bool:
        """Move past the value at ``pos`` without building it; False when the text ends first.

        Used for records too deep or too large to decode, so that the array's other records are
        still read. Only brackets and strings are looked at: the value is known to be bad anyway.
        """
        depth = 0
        while True:
            token = _SKIP_TOKEN.search(self.text, self.pos)
            if token is None or (token.group().startswith('"') and not token.group(1)):
                self.pos = token.start() if token else len(self.text)
                if not self.read_more(at_least=len(self.text) - self.pos):
                    return False
                continue
            char = token.group()[0]
            if char in "[{":
                depth += 1
            elif char in "]}," and depth == 0:  # the end of a scalar item
                self.pos = token.start()
                return True
            elif char in "]}":
                depth -= 1
            self.pos = token.end()
            if depth == 0 and char != ",":
                return True


def array_records(window: TextWindow, source: str) -> Iterator[ReadItem]:
    """Yield the items of a top-level array one by one.

    A record with a syntax error is reported and, when its brackets and strings still pair up,
    stepped over; otherwise the array stops there and the source says so. A record that is only
    too deep, too large or holds NaN is reported and stepped over.
    """
    window.read_more()
    window.pos = window.text.index("[") + 1
    position = 0
    after: Literal["open", "comma", "item"] = "open"
    while True:
        char = window.next_char()
        if char == "":
            if window.bad_byte:  # the text stops at a byte that is not UTF-8
                yield _unreadable_at_end(window, source, position + 1 if after == "comma" else None)
            elif after == "comma":
                yield _unreadable(window, source, position + 1, window.pos, f"truncated JSON: {EXPECTED_VALUE}")
            else:
                line, column = window.where(window.pos)
                yield UnreadableSource(
                    source, f"truncated JSON at line {line}, column {column}: the array is not closed"
                )
            return
        if char == "]" and after != "comma":
            yield from _after_array(window, source, empty=after == "open")
            return
        if after == "item":
            if char != ",":
                yield _unreadable(window, source, position + 1, window.pos, EXPECTED_COMMA)
                return
            window.pos += 1
            after = "comma"
            continue
        if char == "]":
            line, column = window.where(window.pos)
            yield UnreadableSource(source, f"invalid JSON at line {line}, column {column}: a comma before ']'")
            return
        position += 1
        after = "item"
        try:
            yield RawRecord(source, position, window.decode_item())
        except JsonFault as fault:
            if window.bad_byte and fault.may_be_cut(window.text):
                yield _unreadable_at_end(window, source, position)
                return
            truncated = window.eof and fault.at_end(window.text)
            yield _unreadable(
                window, source, position, fault.index, ("truncated JSON: " if truncated else "") + fault.message
            )
            if fault.kind == "syntax":
                at = window.where(fault.index)  # before stepping over: the window may move on
                if truncated:  # the file ends inside this record: nothing after it to lose
                    return
                if not _resynchronised(window):
                    yield _stopped_at(source, at)
                    return
            elif not window.skip_item():
                return


def _resynchronised(window: TextWindow) -> bool:
    """Step over a record with a syntax error inside it, so that the records after it are still read.

    Only an object whose brackets and strings still pair up is stepped over (a stray comma, a
    missing colon, a bad literal): the next record must then start cleanly after a comma, or the
    array end. A broken string or bracket leaves no safe place to start again.
    """
    if window.next_char() != "{" or not window.skip_item():
        return False
    resume = window.pos
    if window.next_char() == "]":
        window.pos = resume
        return True
    if window.next_char() != ",":
        return False
    window.pos += 1
    follows = window.next_char()
    window.pos = resume
    return follows in ("{", "]")


def _stopped_at(source: str, at: tuple[int, int]) -> UnreadableSource:
    line, column = at
    return UnreadableSource(
        source,
        f"the JSON array cannot be read past line {line}, column {column}: any records after that point "
        "were not read (fix the file there and run again)",
    )


def _unreadable(window: TextWindow, source: str, position: int, index: int, message: str) -> UnreadableRecord:
    line, column = window.where(index)
    return UnreadableRecord(source, position, f"line {line}, column {column}: {message}", line, column)


def _unreadable_at_end(window: TextWindow, source: str, position: int | None) -> ReadItem:
    """Report a non-UTF-8 byte: inside a record (``position``) or between records (``None``)."""
    message = window.bad_byte or "unexpected end of text"
    if position is not None:
        return _unreadable(window, source, position, len(window.text), message)
    line, column = window.where(len(window.text))
    return UnreadableSource(source, f"line {line}, column {column}: {message}")


def _after_array(window: TextWindow, source: str, *, empty: bool = False) -> Iterator[ReadItem]:
    """Anything but whitespace after the closing bracket is reported: it may be lost records. An
    ``empty`` array is named, never a silent "0 records read"; as a note, since an export of a day
    when no one answered is ``[]``."""
    if empty:
        yield UnreadableSource(source, "holds no records: the array is empty ([])", note=True)
    window.pos += 1
    if window.next_char():
        line, column = window.where(window.pos)
        yield UnreadableSource(source, f"invalid JSON at line {line}, column {column}: data after the end of the array")
    elif window.bad_byte:
        yield _unreadable_at_end(window, source, None)
