"""Reading batch inputs as a stream of records.

Batch mode must account for every input record (screened + invalid = records read) and keep
memory flat however big the input is, so records are read one at a time. A fault is reported at
the smallest scope it spoils: a broken JSON Lines line costs that line only; an array that breaks
cannot be resynchronised, so it stops there; a file that cannot be read at all is reported by
name while the other inputs are still read.

``iter_records(inputs)`` yields, in input order, a ``RawRecord`` per record, an
``UnreadableRecord`` for a record that could not be parsed (it still counts as read) and an
``UnreadableSource`` for a file or directory that could not be read at all. Each source is one
JSON value, a JSON array of records (``json_array``), JSON Lines (``json_lines``), a sheet of
answers as CSV (``csv_answers``) or a Parquet file (``parquet_io``); which one is decided by the
content, never by the file name (see ``_read_stream``).

Arrays are parsed with the standard library's C decoder, one item at a time, over a sliding
window of text: it gives the exact line and column of a fault, raises ``RecursionError`` (caught)
on absurd nesting and reads plain records faster than ijson. ijson was tried and rejected: its
``items()`` needs memory quadratic in the nesting depth (a 40 kB file of 20,000 nested brackets
takes 1 GB, 100,000 gets the process killed) and its errors carry no position.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
import sys
from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer
from screener.batch.csv_answers import is_answers_sheet, sheet_records
from screener.batch.json_array import TextWindow, array_records
from screener.batch.json_lines import line_records, read_lines
from screener.batch.json_text import JSON_WHITESPACE
from screener.batch.parquet_io import is_parquet, parquet_records
from screener.batch.records import (
    RECORD_FILE_SUFFIXES,
    STDIN_NAME,
    RawRecord,
    ReadItem,
    UnreadableRecord,
    UnreadableSource,
)

__all__ = [
    "RECORD_FILE_SUFFIXES",
    "RawRecord",
    "ReadItem",
    "UnreadableRecord",
    "UnreadableSource",
    "iter_records",
]


_HEAD_BYTES = 64 * 1024  # first read of a source, enough to sniff its format


_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def iter_records(inputs: Sequence[str], stdin: BinaryIO | None = None) -> Iterator[ReadItem]:
    """Yield every record of the inputs, in order, one at a time.

    Each input is a file, a directory (its ``*.json``, ``*.jsonl`` and ``*.ndjson`` files in name
    order, not recursive) or ``-`` for ``stdin`` (default ``sys.stdin.buffer``). Positions are
    1-based and counted per source, unreadable records included (in a sheet: its row numbers). FHIR Bundles and bulk-data
    lines become one record per person (``screener.fhir.records.expand``).
    """
    from screener.fhir.records import expand

    return expand(_read_inputs(inputs, stdin))


def _read_inputs(inputs: Sequence[str], stdin: BinaryIO | None) -> Iterator[ReadItem]:
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

    A Parquet file (``PAR1``) and a sheet (a first line naming answers columns, see
    ``csv_answers``) are read by their own readers. Otherwise the first non-blank byte decides:
    ``[`` is an array of records. Anything else is read line by
    line: a first line that parses alone makes JSON Lines. If it does not, the source is still
    JSON Lines when one of the next few lines parses alone as an object (the first line is broken,
    its neighbours are not); otherwise it is one value spread over many lines, such as a
    pretty-printed object, read whole up to ``records.MAX_RECORD_BYTES``.
    """
    try:
        head, blank_lines, skipped_bytes = _read_head(stream)
        if skipped_bytes == 0 and is_parquet(head):  # binary: before the check for text
            yield from parquet_records(stream, head, source)
            return
        problem = _sniff(head, skipped_bytes, source)
        if problem is not None:
            yield problem
            return
        reader = io.BufferedReader(_Chain(head, stream), buffer_size=_HEAD_BYTES)
        with reader:
            if head.lstrip(JSON_WHITESPACE).startswith(b"["):
                yield from array_records(TextWindow(reader, blank_lines, skipped_bytes), source)
            elif is_answers_sheet(head):
                yield from sheet_records(reader, source, header_row=blank_lines + 1)
            else:
                yield from line_records(read_lines(reader, blank_lines + 1, skipped_bytes), source)
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
        content = data.lstrip(JSON_WHITESPACE)
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
    first = len(sample) - len(sample.lstrip(JSON_WHITESPACE))
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
