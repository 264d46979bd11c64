"""Streaming readers and writers for batch mode.

Batch mode must account for every input record (screened + invalid = records read) and keep
memory flat however big the input is, so records are read one at a time and results are written
as they come. A fault is reported at the smallest scope it spoils: a broken JSON Lines line costs
that line only; an array that breaks cannot be resynchronised, so it stops there; a file that
cannot be read at all is reported by name while the other inputs are still read.

Reading
    ``iter_records(inputs)`` yields, in input order, a ``RawRecord`` per record, an
    ``UnreadableRecord`` for a record that could not be parsed (it still counts as read) and an
    ``UnreadableSource`` for a file or directory that could not be read at all. Each source is one
    JSON value, a JSON array of records or JSON Lines; which one is decided by the content, never
    by the file name (see ``_read_stream``).

Writing
    ``open_writer(path, fmt)`` writes JSON Lines, a JSON array or CSV to stdout, or atomically to
    a file: the file appears only when every entry has been written.

Arrays are parsed with the standard library's C decoder, one item at a time, over a sliding
window of text: it gives the exact line and column of a fault, raises ``RecursionError`` (caught)
on absurd nesting and reads plain records faster than ijson. ijson was tried and rejected: its
``items()`` needs memory quadratic in the nesting depth (a 40 kB file of 20,000 nested brackets
takes 1 GB, 100,000 gets the process killed) and its errors carry no position.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Final, Literal, Protocol, TextIO

from screener.errors import InputError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "CSV_COLUMNS",
    "MAX_RECORD_BYTES",
    "RECORD_FILE_SUFFIXES",
    "OutputFormat",
    "RawRecord",
    "ReadItem",
    "ResultWriter",
    "UnreadableRecord",
    "UnreadableSource",
    "iter_records",
    "open_writer",
]

STDIN_NAME: Final = "<stdin>"
#: Files a directory input contributes (case-insensitive; hidden files are skipped, as by ``*.json``).
RECORD_FILE_SUFFIXES: Final = (".json", ".jsonl", ".ndjson")
#: Largest single record read; beyond it a record is reported instead of filling memory.
MAX_RECORD_BYTES = 64 * 1024 * 1024

_CHUNK_BYTES = 1024 * 1024  # read size for arrays; items straddling a chunk are re-decoded once grown
_HEAD_BYTES = 64 * 1024  # first read of a source, enough to sniff its format
_LOOKAHEAD_LINES = 8  # non-blank lines tried after a broken first line, to tell JSON Lines from one value
_CUT_MARGIN = 32  # a decode error or value end this close to the end of the window may be a cut, not a fault
_JSON_WHITESPACE: Final = b" \t\r\n"
_WHITESPACE = re.compile(r"[ \t\r\n]*")
_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*'
_CONSTANT_OR_STRING = re.compile(_STRING + r'"|(NaN|-?Infinity)', re.DOTALL)
# Tokens that matter when stepping over an item without decoding it: a string (group 1 is the
# closing quote, empty when the string runs past the window) or a structural character.
_SKIP_TOKEN = re.compile(_STRING + r'(")?|[\[\]{},]', re.DOTALL)


# ---------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class RawRecord:
    """One parsed record; its content is validated elsewhere."""

    source: str
    """File path as given by the user, or ``"<stdin>"``."""
    position: int
    """1-based number of the record in its source."""
    value: object
    """The parsed JSON value, of any JSON type."""


@dataclass(frozen=True)
class UnreadableRecord:
    """A record that could not be parsed. It counts as read, so every input record is accounted for."""

    source: str
    position: int
    """1-based number the record would have had."""
    message: str
    """What is wrong, naming line and column: ``"line 3, column 17: Expecting ',' delimiter"``."""
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class UnreadableSource:
    """A file, directory or stream that could not be read (or not to its end)."""

    source: str
    message: str


ReadItem = RawRecord | UnreadableRecord | UnreadableSource


def iter_records(inputs: Sequence[str], stdin: BinaryIO | None = None) -> Iterator[ReadItem]:
    """Yield every record of the inputs, in order, one at a time.

    Each input is a file, a directory (its ``*.json``, ``*.jsonl`` and ``*.ndjson`` files in name
    order, not recursive) or ``-`` for ``stdin`` (default ``sys.stdin.buffer``). Positions are
    1-based and counted per source, unreadable records included.
    """
    for given in inputs:
        if given == "-":
            yield from _read_stream(stdin if stdin is not None else sys.stdin.buffer, STDIN_NAME)
        elif os.path.isdir(given):
            yield from _read_directory(given)
        else:
            yield from _read_file(given)


def _read_directory(path: str) -> Iterator[ReadItem]:
    try:
        with os.scandir(path) as entries:
            names = sorted(
                entry.name
                for entry in entries
                if not entry.name.startswith(".") and entry.name.lower().endswith(RECORD_FILE_SUFFIXES)
            )
    except OSError as error:
        yield UnreadableSource(path, f"cannot read directory: {error.strerror or error}")
        return
    if not names:
        yield UnreadableSource(path, "no .json, .jsonl or .ndjson files in this directory")
    for name in names:
        yield from _read_file(os.path.join(path, name))


def _read_file(path: str) -> Iterator[ReadItem]:
    try:
        mode = os.stat(path).st_mode
        # Devices would stream forever or block; pipes are fine (``<(command)`` gives one).
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
            yield UnreadableSource(path, f"cannot read file: {kind}")
            return
        stream = open(path, "rb")  # noqa: SIM115 - closed below, after the generator is done
    except OSError as error:
        yield UnreadableSource(path, f"cannot read file: {error.strerror or error}")
        return
    with stream:
        yield from _read_stream(stream, path)


def _read_stream(stream: IO[bytes], source: str) -> Iterator[ReadItem]:
    """Detect the format of one source by its content and read it.

    The first non-blank byte decides: ``[`` is an array of records. Anything else is read line by
    line: a first line that parses alone makes JSON Lines. If it does not, the source is still
    JSON Lines when one of the next few lines parses alone as an object (the first line is broken,
    its neighbours are not); otherwise it is one value spread over many lines, such as a
    pretty-printed object, read whole up to ``MAX_RECORD_BYTES``.
    """
    try:
        head, blank_lines, skipped_bytes = _read_head(stream)
        problem = _sniff(head, skipped_bytes, source)
        if problem is not None:
            yield problem
            return
        reader = io.BufferedReader(_Chain(head, stream), buffer_size=_HEAD_BYTES)
        with reader:
            if head.lstrip(_JSON_WHITESPACE).startswith(b"["):
                yield from _array_records(_TextWindow(reader, blank_lines, skipped_bytes), source)
            else:
                yield from _line_records(_lines(reader, blank_lines + 1, skipped_bytes), source)
    except OSError as error:
        yield UnreadableSource(source, f"cannot read file: {error.strerror or error}")


def _read_head(stream: IO[bytes]) -> tuple[bytes, int, int]:
    """Skip a UTF-8 byte order mark and blank lines; return the rest from the first non-blank line.

    Also returns the number of lines and bytes skipped, so that messages can count from the true
    start of the file. The rest is empty when the stream holds only whitespace.
    """
    data = _read_available(stream, _HEAD_BYTES)
    while 0 < len(data) < len(codecs.BOM_UTF8):  # a short read must not hide a byte order mark
        more = _read_available(stream, _HEAD_BYTES)
        if not more:
            break
        data += more
    skipped_bytes = 0
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        skipped_bytes = len(codecs.BOM_UTF8)
    blank_lines = 0
    while True:
        content = data.lstrip(_JSON_WHITESPACE)
        line_start = data.rfind(b"\n", 0, len(data) - len(content)) + 1
        blank_lines += data.count(b"\n", 0, line_start)
        skipped_bytes += line_start
        data = data[line_start:]
        if content:
            return data, blank_lines, skipped_bytes
        more = _read_available(stream, _HEAD_BYTES)
        if not more:
            return b"", blank_lines, skipped_bytes
        data += more


def _sniff(head: bytes, skipped_bytes: int, source: str) -> UnreadableSource | None:
    """Report sources that are plainly not JSON text, before trying to read records from them."""
    if not head:
        return UnreadableSource(source, "file is empty: no records")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return UnreadableSource(source, "not UTF-8 text: the file is UTF-16 (save it as UTF-8)")
    sample = head[:4096]
    first = len(sample) - len(sample.lstrip(_JSON_WHITESPACE))
    controls = [match.start() for match in _CONTROL_BYTE.finditer(sample)]
    # Text has no control characters; random binary data has about one byte in nine.
    if controls and (controls[0] == first or len(controls) * 20 > len(sample)):
        offset = controls[0]
        return UnreadableSource(
            source, f"not JSON: binary data (byte 0x{sample[offset]:02x} at offset {skipped_bytes + offset})"
        )
    return None


class _Chain(io.RawIOBase):
    """The bytes already read to sniff the format, followed by the rest of the stream.

    Leaves the underlying stream open: whoever opened it closes it.
    """

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        target = memoryview(buffer).cast("B")
        if self._head:
            size = min(len(target), len(self._head))
            target[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = _read_available(self._stream, len(target))
        target[: len(data)] = data
        return len(data)


def _read_available(stream: IO[bytes], size: int) -> bytes:
    """Up to ``size`` bytes, without waiting for more than one read of a pipe.

    So that JSON Lines arriving slowly on stdin are screened as they come, not 64 kB at a time.
    """
    read1 = getattr(stream, "read1", None)
    data: bytes = read1(size) if read1 is not None else stream.read(size)
    return data


class _Fault(Exception):
    """Why a piece of text is not one JSON value, and where (an index into that text)."""

    def __init__(self, message: str, index: int, kind: Literal["syntax", "constant", "deep", "large", "number", "text"]) -> None:
        super().__init__(message)
        self.message = message
        self.index = index
        self.kind = kind

    def may_be_cut(self, text: str) -> bool:
        """Whether more text after the end could still make the value whole."""
        return self.kind == "syntax" and (
            self.message.startswith("Unterminated string") or self.index >= len(text) - _CUT_MARGIN
        )

    def at_end(self, text: str) -> bool:
        """Whether the text stops inside the value (it was truncated) rather than being wrong."""
        return self.kind == "syntax" and (
            self.message.startswith("Unterminated string") or not text[self.index :].strip(" \t\r\n")
        )


class _NotJsonConstant(ValueError):
    pass


def _reject_constant(name: str) -> object:
    raise _NotJsonConstant(name)


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _decode_at(text: str, start: int) -> tuple[object, int]:
    """Decode the value at ``text[start]``: (value, index after it), or raise ``_Fault``."""
    try:
        value, end = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as error:
        raise _Fault(error.msg, error.pos, "syntax") from None
    except _NotJsonConstant as error:
        constant = next((m for m in _CONSTANT_OR_STRING.finditer(text, start) if m.group(1)), None)
        raise _Fault(
            f"{error} is not valid JSON (write null for a missing value)",
            constant.start(1) if constant else start,
            "constant",
        ) from None
    except RecursionError:
        raise _Fault("nested too deeply to read", start, "deep") from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits())
        limit = _max_int_digits()
        number = next((m for m in _long_integer_or_string(limit).finditer(text, start) if m.group(1)), None)
        raise _Fault(
            f"number too long (more than {limit} digits)", number.start(1) if number else start, "number"
        ) from None
    # json accepts an escaped half of a surrogate pair ("\ud800") and makes it a string that is not
    # Unicode: it could be neither validated nor written out as UTF-8, so the record is refused here.
    if text.find("\\u", start, end) != -1 and _holds_lone_surrogate(value):
        escape = _SURROGATE_ESCAPE.search(text, start, end)
        raise _Fault(
            f"{escape.group() if escape else 'an escape'} is half of a surrogate pair, not a character "
            "(not valid Unicode)",
            escape.start() if escape else start,
            "text",
        )
    return value, end


_SURROGATE = re.compile("[\ud800-\udfff]")
# An escaped high half not followed by a low half, or a low half without a high half before it.
_SURROGATE_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _holds_lone_surrogate(value: object) -> bool:
    """Whether a string anywhere in the value (keys included) holds a lone surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _max_int_digits() -> int:
    get_limit: Callable[[], int] | None = getattr(sys, "get_int_max_str_digits", None)
    return get_limit() if get_limit is not None else 4300


def _long_integer_or_string(limit: int) -> re.Pattern[str]:
    """A string, or (group 1) an integer with more than ``limit`` digits outside any string."""
    return re.compile(_STRING + r'"|(?<![\d.eE+-])(-?\d{' + str(limit + 1) + r',})(?![\d.eE])', re.DOTALL)


def _skip_whitespace(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index


def _decode_document(text: str) -> object:
    """Decode text that must hold exactly one JSON value, like ``json.loads``."""
    value, end = _decode_at(text, _skip_whitespace(text, 0))
    end = _skip_whitespace(text, end)
    if end != len(text):
        raise _Fault("Extra data after the end of the value", end, "syntax")
    return value


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``, counted the way ``json`` counts them."""
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


# JSON Lines and single values ------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    number: int
    offset: int
    """Byte offset of the line's start in the file."""
    data: bytes | None
    """The line's bytes, or None when it is longer than ``MAX_RECORD_BYTES``."""

    @property
    def blank(self) -> bool:
        return self.data is not None and not self.data.strip(_JSON_WHITESPACE)


def _lines(reader: IO[bytes], number: int, offset: int) -> Iterator[_Line]:
    """Number the lines of a stream, never holding a line longer than ``MAX_RECORD_BYTES``."""
    while True:
        data = reader.readline(MAX_RECORD_BYTES + 1)
        if not data:
            return
        start = offset
        offset += len(data)
        if len(data) > MAX_RECORD_BYTES and not data.endswith(b"\n"):
            while data and not data.endswith(b"\n"):
                data = reader.readline(_CHUNK_BYTES)
                offset += len(data)
            yield _Line(number, start, None)
        else:
            yield _Line(number, start, data)
        number += 1


def _parse_line(line: _Line, source: str, position: int) -> RawRecord | UnreadableRecord:
    def unreadable(column: int, message: str) -> UnreadableRecord:
        return UnreadableRecord(
            source, position, f"line {line.number}, column {column}: {message}", line.number, column
        )

    if line.data is None:
        return unreadable(1, f"record too large (more than {MAX_RECORD_BYTES} bytes)")
    try:
        text = line.data.decode("utf-8")
    except UnicodeDecodeError as error:
        column = len(line.data[: error.start].decode("utf-8", "replace")) + 1
        return unreadable(column, _not_utf8(line.data[error.start], line.offset + error.start))
    try:
        return RawRecord(source, position, _decode_document(text))
    except _Fault as fault:
        return unreadable(_line_column(text, fault.index)[1], fault.message)


def _line_records(lines: Iterator[_Line], source: str) -> Iterator[ReadItem]:
    first = next(lines)  # there is a non-blank line: _read_head made sure
    first_record = _parse_line(first, source, 1)
    lookahead: list[_Line] = []
    if isinstance(first_record, UnreadableRecord) and not _record_line_follows(lines, lookahead, source):
        yield _single_value(first, itertools.chain(lookahead, lines), source)
        return
    yield first_record
    position = 1
    for line in itertools.chain(lookahead, lines):
        if not line.blank:
            position += 1
            yield _parse_line(line, source, position)


def _record_line_follows(lines: Iterator[_Line], lookahead: list[_Line], source: str) -> bool:
    """Whether one of the next few non-blank lines parses alone as an object (a JSON Lines record).

    The lines read are appended to ``lookahead``. Inside a pretty-printed record no line is a
    whole object, except in arrays of objects, which the answers contract does not have.
    """
    tried = 0
    for line in lines:
        lookahead.append(line)
        if line.blank:
            continue
        candidate = _parse_line(line, source, 0)
        if isinstance(candidate, RawRecord) and isinstance(candidate.value, dict):
            return True
        tried += 1
        if tried == _LOOKAHEAD_LINES:
            return False
    return False


def _single_value(first: _Line, rest: Iterator[_Line], source: str) -> ReadItem:
    """Read a source holding one value over many lines (a pretty-printed object) as one record."""
    chunks: list[bytes] = []
    size = 0
    for line in itertools.chain([first], rest):
        if line.data is None or size + len(line.data) > MAX_RECORD_BYTES:
            return UnreadableSource(source, f"record too large (more than {MAX_RECORD_BYTES} bytes)")
        chunks.append(line.data)
        size += len(line.data)
    data = b"".join(chunks)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return UnreadableSource(source, _not_utf8(data[error.start], first.offset + error.start))
    try:
        return RawRecord(source, 1, _decode_document(text))
    except _Fault as fault:
        line_number, column = _line_column(text, fault.index)
        what = "truncated JSON" if fault.at_end(text) else "invalid JSON"
        return UnreadableSource(
            source, f"{what} at line {line_number + first.number - 1}, column {column}: {fault.message}"
        )


def _not_utf8(byte: int, offset: int) -> str:
    return f"not UTF-8 text (byte 0x{byte:02x} at offset {offset})"


# Arrays ----------------------------------------------------------------------------------------


class _TextWindow:
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
        data = self._reader.read(max(at_least, _CHUNK_BYTES))
        pending = len(self._decoder.getstate()[0])
        try:
            new = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            new = error.object[: error.start].decode("utf-8")
            self.bad_byte = _not_utf8(error.object[error.start], self._bytes_read - pending + error.start)
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
            self.pos = _skip_whitespace(self.text, self.pos)
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
        """Decode the value at ``pos`` and move past it, or raise ``_Fault`` (``pos`` unmoved).

        A value the window cuts short is retried with twice the text, so big records cost linear
        time; one that still has no end after ``MAX_RECORD_BYTES`` is reported as too large.
        """
        while True:
            try:
                value, end = _decode_at(self.text, self.pos)
            except _Fault as fault:
                if self.eof or not fault.may_be_cut(self.text):
                    raise
            else:
                # A number such as 12 may be the start of 125 in the next chunk.
                if self.eof or end < len(self.text) - _CUT_MARGIN:
                    self.pos = end
                    return value
            pending = len(self.text) - self.pos
            if pending > MAX_RECORD_BYTES:
                raise _Fault(f"record too large (more than {MAX_RECORD_BYTES} bytes)", self.pos, "large")
            self.read_more(at_least=pending)

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


def _array_records(window: _TextWindow, source: str) -> Iterator[ReadItem]:
    """Yield the items of a top-level array one by one.

    A syntax error stops the source (an array cannot be resynchronised); a record that is only
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
                yield _unreadable(window, source, position + 1, window.pos, "truncated JSON: Expecting value")
            else:
                line, column = window.where(window.pos)
                yield UnreadableSource(
                    source, f"truncated JSON at line {line}, column {column}: the array is not closed"
                )
            return
        if char == "]" and after != "comma":
            yield from _after_array(window, source)
            return
        if after == "item":
            if char != ",":
                yield _unreadable(window, source, position + 1, window.pos, "Expecting ',' delimiter")
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
        except _Fault as fault:
            if window.bad_byte and fault.may_be_cut(window.text):
                yield _unreadable_at_end(window, source, position)
                return
            truncated = window.eof and fault.at_end(window.text)
            yield _unreadable(
                window, source, position, fault.index, ("truncated JSON: " if truncated else "") + fault.message
            )
            if fault.kind == "syntax" or not window.skip_item():
                return


def _unreadable(window: _TextWindow, source: str, position: int, index: int, message: str) -> UnreadableRecord:
    line, column = window.where(index)
    return UnreadableRecord(source, position, f"line {line}, column {column}: {message}", line, column)


def _unreadable_at_end(window: _TextWindow, source: str, position: int | None) -> ReadItem:
    """Report a non-UTF-8 byte: inside a record (``position``) or between records (``None``)."""
    message = window.bad_byte or "unexpected end of text"
    if position is not None:
        return _unreadable(window, source, position, len(window.text), message)
    line, column = window.where(len(window.text))
    return UnreadableSource(source, f"line {line}, column {column}: {message}")


def _after_array(window: _TextWindow, source: str) -> Iterator[ReadItem]:
    """Anything but whitespace after the closing bracket is reported: it may be lost records."""
    window.pos += 1
    if window.next_char():
        line, column = window.where(window.pos)
        yield UnreadableSource(source, f"invalid JSON at line {line}, column {column}: data after the end of the array")
    elif window.bad_byte:
        yield _unreadable_at_end(window, source, None)


# ---------------------------------------------------------------------------------------- writing

#: Columns of the CSV output, in order. Lists are joined with "; " (recommendations by their code,
#: errors as "path: message"), booleans are true/false, and a field an entry lacks is left empty.
CSV_COLUMNS: Final = (
    "status",
    "id",
    "source",
    "position",
    "combined_depletion",
    "magnesium_depletion",
    "potassium_depletion",
    "urgency",
    "consult_clinician",
    "red_flags",
    "risk_factors",
    "recommendations",
    "warnings",
    "errors",
)

OutputFormat = Literal["jsonl", "json", "csv"]


class ResultWriter(Protocol):
    """Where batch entries go, one at a time (from ``open_writer``)."""

    def write(self, entry: Mapping[str, object]) -> None:
        """Write one JSON-ready entry."""


def _compact(value: object) -> str:
    # allow_nan=False: a NaN in a result is a bug, and must not become invalid JSON output.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class _Writer:
    """Entry formatting over a text stream, flushed every few entries so progress is visible."""

    _FLUSH_EVERY = 100

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._count = 0
        self._start()

    def write(self, entry: Mapping[str, object]) -> None:
        try:
            self._write(entry)
        except UnicodeEncodeError:  # a lone surrogate (only possible from Python callers): escape it
            self._write(_escape_surrogates(entry))
        self._count += 1
        if self._count % self._FLUSH_EVERY == 0:
            self._out.flush()

    def finish(self) -> None:
        """Complete the output; only called when every entry was written."""
        self._out.flush()

    def _start(self) -> None:
        """Write what comes before the first entry."""

    def _write(self, entry: Mapping[str, object]) -> None:
        raise NotImplementedError


def _escape_surrogates(value: Any) -> Any:
    """The value with every lone surrogate in its strings written as text (``\\ud800``)."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, Mapping):
        return {_escape_surrogates(key): _escape_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escape_surrogates(item) for item in value]
    return value


class _JsonLinesWriter(_Writer):
    def _write(self, entry: Mapping[str, object]) -> None:
        self._out.write(_compact(entry) + "\n")


class _JsonArrayWriter(_Writer):
    """A JSON array written entry by entry. Left unclosed on failure, so a partial list never parses."""

    def _start(self) -> None:
        self._out.write("[")

    def _write(self, entry: Mapping[str, object]) -> None:
        self._out.write(("\n" if self._count == 0 else ",\n") + _compact(entry))

    def finish(self) -> None:
        self._out.write("\n]\n" if self._count else "]\n")
        super().finish()


_CSV_LIST_ITEM: Final[Mapping[str, Callable[[Mapping[str, object]], str]]] = {
    "recommendations": lambda item: str(item["code"]),
    "errors": lambda item: f"{item['path']}: {item['message']}",
}


def _csv_cell(column: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(
            _CSV_LIST_ITEM[column](item)
            if column in _CSV_LIST_ITEM and isinstance(item, Mapping)
            else _csv_cell(column, item)
            for item in value
        )
    if isinstance(value, Mapping):
        return _compact(value)
    return str(value)


class _CsvWriter(_Writer):
    def _start(self) -> None:
        self._csv = csv.writer(self._out, lineterminator="\n")
        self._csv.writerow(CSV_COLUMNS)

    def _write(self, entry: Mapping[str, object]) -> None:
        self._csv.writerow([_csv_cell(column, entry.get(column)) for column in CSV_COLUMNS])


_WRITERS: Final[Mapping[str, type[_Writer]]] = {"jsonl": _JsonLinesWriter, "json": _JsonArrayWriter, "csv": _CsvWriter}


@contextlib.contextmanager
def open_writer(path: str | None, fmt: OutputFormat, stdout: TextIO | None = None) -> Iterator[ResultWriter]:
    """Open a writer for batch entries in ``fmt`` ("jsonl", "json" or "csv").

    ``path`` None or ``-`` writes to ``stdout`` (default ``sys.stdout``). A file is written
    atomically: to a temporary file beside it, moved onto ``path`` only when the ``with`` block
    ends without an exception, so a failed or interrupted run never leaves a partial file nor
    spoils an earlier one. A new file is readable by its owner only (results are health data); a
    replaced file keeps its permissions. Raises ``InputError`` when the file cannot be written.
    """
    writer_class = _WRITERS.get(fmt)
    if writer_class is None:
        raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(_WRITERS)}")
    if path is None or path == "-":
        writer = writer_class(stdout if stdout is not None else sys.stdout)
        yield writer
        writer.finish()
        return
    if os.path.isdir(path):
        raise InputError(f"cannot write {path}: it is a directory", hint="give a file name, such as results.jsonl")
    directory = os.path.dirname(os.path.abspath(path))
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from error
    done = False
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as out:
            writer = writer_class(out)
            yield writer
            writer.finish()
            os.fsync(out.fileno())
        try:
            with contextlib.suppress(FileNotFoundError):
                os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
            os.replace(temporary, path)
        except OSError as error:
            raise InputError(f"cannot write {path}: {error.strerror or error}") from error
        done = True
    finally:
        if not done:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
