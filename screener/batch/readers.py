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
content, never by the file name (see ``_read_stream`` and ``detect_format``).

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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, BinaryIO, Final, Literal

from screener.batch.byte_streams import RECORD_SEPARATOR, Chain, RecordSeparators, Utf8Of, read_available
from screener.batch.json_array import TextWindow, array_records
from screener.batch.json_lines import has_record_line, line_records, read_lines
from screener.batch.json_text import JSON_WHITESPACE
from screener.batch.records import (
    PARQUET_MAGIC,
    RECORD_FILE_KINDS,
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
    "list_folder",
    "skipped_in_folder",
]


_HEAD_BYTES = 64 * 1024  # first read of a source, enough to sniff its format


_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTENT = re.compile(rb"[^ \t\r\n]")
_LINES_TO_DECIDE = 16  # lines of an array's start looked at for JSON Lines records

SourceFormat = Literal["array", "lines", "sheet", "binary"]


def iter_records(
    inputs: Sequence[str],
    stdin: BinaryIO | None = None,
    *,
    opened: Mapping[str, BinaryIO] | None = None,
    as_read: bool = False,
    ignore: Sequence[str] = (),
) -> Iterator[ReadItem]:
    """Yield every record of the inputs, in order, one at a time.

    Each input is a file, a directory (its ``*.json``, ``*.jsonl``, ``*.ndjson``, ``*.csv`` and
    ``*.parquet`` files in name order, each read as if given by name; not recursive: see
    ``skipped_in_folder`` for naming what is left out) or ``-`` for ``stdin`` (default ``sys.stdin.buffer``). Positions are
    1-based and counted per source, unreadable records included (in a sheet: its row numbers). FHIR Bundles and bulk-data
    lines become one record per person (``screener.batch.fhir_records.expand``). ``opened`` gives
    streams to read instead of opening some inputs (``-``, named pipes: ``batch.workers`` copies
    them for its workers). ``as_read``: FHIR left as read, a Bundle one record and a bulk-data
    line another (Spark gathers them itself, on its executors). ``ignore``: columns of a sheet or
    Parquet file to leave out (names or glob patterns, any case), besides those a form tool adds
    (``screener.batch.form_columns``); each file that has some gets a note naming them.
    """
    if as_read:
        return _read_inputs(inputs, stdin, opened or {}, ignore)
    from screener.batch.fhir_records import expand  # FHIR's reading is loaded only when asked for

    return expand(_read_inputs(inputs, stdin, opened or {}, ignore))


def _read_inputs(
    inputs: Sequence[str], stdin: BinaryIO | None, opened: Mapping[str, BinaryIO], ignore: Sequence[str]
) -> Iterator[ReadItem]:
    for given in inputs:
        if given in opened:
            yield from _read_stream(opened[given], STDIN_NAME if given == "-" else given, ignore)
        elif given == "-":
            yield from _read_stream(stdin if stdin is not None else sys.stdin.buffer, STDIN_NAME, ignore)
        elif os.path.isdir(given):
            yield from _read_directory(given, ignore)
        else:
            yield from _read_file(given, ignore=ignore)


@dataclass(frozen=True)
class FolderListing:
    """What a folder input holds: the files read (in name order) and the names of what is not read."""

    read: list[str]
    skipped_files: list[str]
    """Files whose names do not end in one of ``RECORD_FILE_SUFFIXES`` (notes, a Word document...)."""
    skipped_folders: list[str]
    """Folders inside it: a folder is read one level deep."""

    def skipped(self, most: int = 10) -> str | None:
        """One line naming what is not read, or None when nothing is left out."""
        parts = []
        if self.skipped_files:
            parts.append(f"{_names(self.skipped_files, most)} (not {RECORD_FILE_KINDS})")
        if self.skipped_folders:
            parts.append(f"{_names([name + '/' for name in self.skipped_folders], most)} (folders inside are not read)")
        return "skipped: " + "; ".join(parts) if parts else None


# Files that are documentation, code or pictures beside the data (a README, a report made
# earlier, the examples' own __init__.py): they cannot hold answers, so they are passed over
# without a word, as hidden files are. Anything else not read is named.
_NEVER_ANSWERS: Final = (
    ".md", ".markdown", ".rst", ".py", ".pyc", ".html", ".htm", ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".svg",
)


#: What Spark and Hadoop write beside the parts of an output folder: the job's markers
#: (``_SUCCESS``; Databricks' ``_started_<id>`` and ``_committed_<id>``) and checksums
#: (``.crc``). A folder Spark wrote is read as the files it holds, so these are passed over
#: without a word, never "skipped: _SUCCESS" on every run.
_SPARK_MARKERS: Final = re.compile(r"_SUCCESS|_(?:started|committed)_\w+|.*\.crc", re.IGNORECASE)


def list_folder(path: str) -> FolderListing:
    """The files of a folder input that are read, and what is skipped, each in name order. Hidden
    entries (``.DS_Store``, ``.git``), ``__pycache__``, files that cannot hold answers
    (``_NEVER_ANSWERS``) and Spark's markers (``_SPARK_MARKERS``) are neither read nor named, as a
    shell's ``*`` leaves hidden files out.
    Raises ``OSError`` when the folder cannot be listed."""
    read: list[str] = []
    skipped_files: list[str] = []
    skipped_folders: list[str] = []
    with os.scandir(path) as entries:
        for entry in entries:
            if (
                entry.name.startswith(".")
                or entry.name == "__pycache__"
                or entry.name.lower().endswith(_NEVER_ANSWERS)
                or _SPARK_MARKERS.fullmatch(entry.name)
            ):
                continue
            if entry.name.lower().endswith(RECORD_FILE_SUFFIXES):
                read.append(entry.name)
            elif _is_folder(entry):
                skipped_folders.append(entry.name)
            else:
                skipped_files.append(entry.name)
    return FolderListing(sorted(read), sorted(skipped_files), sorted(skipped_folders))


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def skipped_in_folder(path: str, most: int = 10) -> str | None:
    """One line naming what a folder input holds that is not read, or None (also for a path that
    is not a folder): so that a file is never left out without a word."""
    if not os.path.isdir(path):
        return None
    try:
        return list_folder(path).skipped(most)
    except OSError:
        return None  # reported when the folder is read


def _names(names: list[str], most: int) -> str:
    more = len(names) - most
    return ", ".join(names[:most]) + (f" and {more:,} more" if more > 0 else "")


def _read_directory(path: str, ignore: Sequence[str] = ()) -> Iterator[ReadItem]:
    try:
        names = list_folder(path).read
    except OSError as error:
        yield UnreadableSource(path, f"cannot read directory: {error.strerror or error}")
        return
    if not names:
        yield UnreadableSource(path, f"no {RECORD_FILE_KINDS} files in this folder")
    for name in names:
        yield from _read_file(os.path.join(path, name), in_folder=True, ignore=ignore)


def _read_file(path: str, in_folder: bool = False, ignore: Sequence[str] = ()) -> Iterator[ReadItem]:
    try:
        mode = os.stat(path).st_mode
        # Devices would stream forever or block. A pipe given by name is fine (``<(command)``
        # gives one), but one lying in a folder has nobody writing to it: opening it would wait
        # for ever, so it is skipped with a warning.
        if not (stat.S_ISREG(mode) or (stat.S_ISFIFO(mode) and not in_folder)):
            kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
            if stat.S_ISFIFO(mode):
                kind = "a named pipe (FIFO) in a folder is skipped; give it by name to read it"
            yield UnreadableSource(path, f"cannot read file: {kind}")
            return
        stream = open(path, "rb")  # noqa: SIM115 - closed below, after the generator is done
    except OSError as error:
        yield UnreadableSource(path, f"cannot read file: {error.strerror or error}")
        return
    with stream:
        yield from _read_stream(stream, path, ignore)


def _read_stream(stream: IO[bytes], source: str, ignore: Sequence[str] = ()) -> Iterator[ReadItem]:
    """Read one source in the format its content has (see ``detect_format``)."""
    try:
        head, blank_lines, skipped_bytes = read_head(stream)
        if not head:
            yield UnreadableSource(source, "file is empty: no records")
            return
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # Excel's "Unicode Text" (tab-separated) and Windows tools write UTF-16 with a byte
            # order mark: read as the same text in UTF-8, its BOM telling the byte order.
            text = io.TextIOWrapper(io.BufferedReader(Chain(head, stream)), encoding="utf-16", errors="replace", newline="")
            with io.BufferedReader(Utf8Of(text), buffer_size=_HEAD_BYTES) as utf8:
                yield from _read_stream(utf8, source, ignore)
            return
        if skipped_bytes == 0 and head.startswith(PARQUET_MAGIC):  # binary, so before the check for text
            # Sheets and Parquet are read by modules loaded only for them (start-up of `screen`).
            from screener.batch.parquet_io import parquet_records

            yield from parquet_records(stream, head, source, ignore)
            return
        if head.startswith(RECORD_SEPARATOR):
            # RFC 7464 JSON text sequences: each record after the record separator (0x1e), read
            # as JSON Lines with the separator as a space (offsets and columns unchanged).
            stream = io.BufferedReader(RecordSeparators(stream, at_line_start=head.endswith(b"\n")), buffer_size=_HEAD_BYTES)
            head = RecordSeparators.blanked(head, at_line_start=True)
        container = _container(head) if skipped_bytes == 0 else None
        if container is not None:
            yield UnreadableSource(source, container)
            return
        markup = _markup(head)
        if markup is not None:
            yield UnreadableSource(source, markup)
            return
        fmt, head = detect_format(head, stream)
        if fmt == "binary":
            yield _binary(head, skipped_bytes, source)
            return
        reader = io.BufferedReader(Chain(head, stream), buffer_size=_HEAD_BYTES)
        with reader:
            if fmt == "array":
                yield from array_records(TextWindow(reader, blank_lines, skipped_bytes), source)
            elif fmt == "sheet":
                from screener.batch.csv_answers import sheet_records

                yield from sheet_records(reader, source, header_row=blank_lines + 1, ignore=ignore)
            else:
                yield from line_records(read_lines(reader, blank_lines + 1, skipped_bytes), source)
    except OSError as error:
        yield UnreadableSource(source, f"cannot read file: {error.strerror or error}")


def detect_format(head: bytes, stream: IO[bytes]) -> tuple[SourceFormat, bytes]:
    """The format of a source, from its first bytes (``head``, from its first non-blank line).

    A source holding newline-separated JSON values is JSON Lines, however many of its lines are
    broken: one line that is a record is enough (``json_lines.is_record_line``: it parses alone
    and is not the last item of a pretty-printed array, whose next line closes a bracket). So
    ``[1]`` on the first line, or nine broken lines, do not decide alone. Otherwise a source
    starting with ``[`` is an array of records, read item by item; anything else is read line by
    line (``"lines"``), where ``json_lines.line_records`` tells JSON Lines from one value spread
    over many lines by looking further ahead. A first line of cells naming answers columns, or
    of two cells or more that is no JSON, makes a sheet (``csv_answers.is_sheet``: a form's export
    whose headers are its questions is a sheet too, refused for its columns, not as invalid JSON;
    a Parquet file is told by its first bytes before all this). Bytes
    that are plainly not text, in a source without a single record line, make it ``"binary"``
    first. May read more of the stream to decide; returns the format and the bytes read so far.
    """
    if head.startswith(b"["):
        head, at_end = _read_lines_ahead(head, stream)
        if has_record_line(_complete_lines(head, at_end)):
            return "lines", head
        return "array", head
    if _looks_binary(head) and not has_record_line(_complete_lines(head, at_end=False)):
        return "binary", head
    # A first line that starts an object is no header row (``is_sheet``), which is then
    # not loaded to say so: most single records are objects.
    if head.lstrip()[:1] != b"{":
        from screener.batch.csv_answers import is_sheet

        if is_sheet(head):
            return "sheet", head
    return "lines", head


def _read_lines_ahead(head: bytes, stream: IO[bytes]) -> tuple[bytes, bool]:
    """The head extended (up to ``_HEAD_BYTES``) until it holds ``_LINES_TO_DECIDE`` lines, or
    the stream ends (then True). A first line longer than that (a minified array) is not waited for."""
    while head.count(b"\n") < _LINES_TO_DECIDE and len(head) < _HEAD_BYTES:
        if b"\n" not in head and len(head) >= _HEAD_BYTES // 2:
            break
        more = read_available(stream, _HEAD_BYTES - len(head))
        if not more:
            return head, True
        head += more
    return head, False


def _complete_lines(head: bytes, at_end: bool) -> list[bytes]:
    lines = head.split(b"\n")
    return lines if at_end else lines[:-1]


def read_head(stream: IO[bytes]) -> tuple[bytes, int, int]:
    """Skip a UTF-8 byte order mark and blank lines; return the rest from the first non-blank line.

    Also returns the number of lines and bytes skipped, so that messages can count from the true
    start of the file. The rest is empty when the stream holds only whitespace. Each byte is
    looked at once, so a long run of whitespace costs linear time.
    """
    data = read_available(stream, _HEAD_BYTES)
    while 0 < len(data) < len(codecs.BOM_UTF8):  # a short read must not hide a byte order mark
        more = read_available(stream, _HEAD_BYTES)
        if not more:
            break
        data += more
    skipped_bytes = 0
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        skipped_bytes = len(codecs.BOM_UTF8)
    blank_lines = 0
    checked = 0  # data[:checked] is known to be whitespace
    while True:
        content = _CONTENT.search(data, checked)
        checked = content.start() if content else len(data)
        line_start = data.rfind(b"\n", 0, checked) + 1
        blank_lines += data.count(b"\n", 0, line_start)
        skipped_bytes += line_start
        data = data[line_start:]
        checked -= line_start
        if content:
            return data, blank_lines, skipped_bytes
        more = read_available(stream, _HEAD_BYTES)
        if not more:
            return b"", blank_lines, skipped_bytes
        data += more


#: Files that hold answers only once opened by another program, told by their first bytes.
_CONTAINERS: Final = (
    (b"PK\x03\x04", "looks like an Excel workbook (.xlsx) or a zip file: save the sheet as 'CSV UTF-8' and screen that"),
    (b"\xd0\xcf\x11\xe0", "looks like an old Excel workbook (.xls): save the sheet as 'CSV UTF-8' and screen that"),
    (b"\x1f\x8b", "gzip-compressed: decompress it first (gunzip)"),
)


def _container(head: bytes) -> str | None:
    return next((message for magic, message in _CONTAINERS if head.startswith(magic)), None)


_FHIR_XML_ROOT = re.compile(rb"<([A-Za-z]+)\b[^>]*\bxmlns\s*=\s*[\"']http://hl7\.org/fhir[\"']")


def _markup(head: bytes) -> str | None:
    """What an XML or HTML file is, when the file is one (no JSON value starts with "<"): FHIR
    is often published and exported as XML (the UK Core examples are), and "invalid JSON at line
    1, column 1" would not say what to do with it. Not when a line of it may be a record (starts
    with "{" or "["): JSON Lines whose first line is broken keep their other records."""
    if not head.startswith(b"<") or any(line.lstrip(JSON_WHITESPACE).startswith((b"{", b"[")) for line in head.split(b"\n")):
        return None
    fhir = _FHIR_XML_ROOT.search(head[:_HEAD_BYTES])
    if fhir is not None:
        kind = fhir.group(1).decode("ascii")
        return (
            f"FHIR XML (a {kind}), not JSON: mgk-screen reads FHIR as JSON. Ask the server or EHR for JSON "
            "(_format=json), or convert the file to FHIR JSON first"
        )
    return "XML or HTML, not JSON: give the answers as JSON, JSON Lines or CSV, or FHIR as JSON"


def _looks_binary(head: bytes) -> bool:
    """Whether the first bytes are plainly not text: text has no control characters, and random
    binary data has about one byte in nine."""
    sample = head[:4096]
    first = len(sample) - len(sample.lstrip(JSON_WHITESPACE))
    controls = [match.start() for match in _CONTROL_BYTE.finditer(sample)]
    return bool(controls) and (controls[0] == first or len(controls) * 20 > len(sample))


def _binary(head: bytes, skipped_bytes: int, source: str) -> UnreadableSource:
    offset = _CONTROL_BYTE.search(head[:4096]).start()  # type: ignore[union-attr]  # _looks_binary found one
    if _utf16_without_mark(head[:4096]):
        return UnreadableSource(
            source,
            "text saved as UTF-16 without a byte order mark (a zero byte beside every letter): save it as UTF-8 "
            "(or UTF-16 with a byte order mark, as Excel's \"Unicode Text\" is)",
        )
    return UnreadableSource(source, f"not JSON: binary data (byte 0x{head[offset]:02x} at offset {skipped_bytes + offset})")


def _utf16_without_mark(sample: bytes) -> bool:
    """Whether bytes look like plain text in UTF-16 with no byte order mark: a zero byte in every
    other place (before each letter, or after it), the others printable text or line ends."""
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 4:
        return False
    for zeros, letters in ((even, odd), (odd, even)):
        if zeros.count(0) == len(zeros) and all(byte >= 0x20 or byte in b"\t\r\n" for byte in letters[: len(zeros)]):
            return True
    return False
