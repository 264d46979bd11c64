"""Batch input and output: every record accounted for, faults reported where they are, memory flat."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.batch import readers, writers
from screener.batch import records as batch_records
from screener.batch.readers import (
    RawRecord,
    ReadItem,
    UnreadableRecord,
    UnreadableSource,
    iter_records,
)
from screener.batch.writers import CSV_COLUMNS, open_writer
from screener.errors import InputError


def read(data: bytes) -> list[ReadItem]:
    """Everything read from ``data`` given on stdin."""
    return list(iter_records(["-"], stdin=io.BytesIO(data)))


def values(items: list[ReadItem]) -> list[object]:
    assert all(isinstance(item, RawRecord) for item in items), items
    return [item.value for item in items if isinstance(item, RawRecord)]


def write_file(directory: Path, name: str, data: bytes) -> str:
    path = directory / name
    path.write_bytes(data)
    return str(path)


def jsonl(*records: object) -> bytes:
    return "".join(json.dumps(record) + "\n" for record in records).encode()


# ------------------------------------------------------------------------------------ formats


def test_pretty_printed_single_object_is_one_record() -> None:
    answers = {
        "id": "r1",
        "age": 71,
        "medications": ["Lasix 40 mg", "omeprazole"],
        "labs": {"potassium": {"value": 3.1, "unit": "mmol/L"}},
    }
    items = read(json.dumps(answers, indent=2).encode())
    assert items == [RawRecord("<stdin>", 1, answers)]


def test_array_yields_each_item_with_its_1_based_position() -> None:
    items = read(b'[\n  {"id": "a"},\n  {"id": "b"},\n  {"id": "c"}\n]\n')
    assert [(item.position, item.value) for item in items if isinstance(item, RawRecord)] == [
        (1, {"id": "a"}),
        (2, {"id": "b"}),
        (3, {"id": "c"}),
    ]


def test_an_array_written_comma_first_is_an_array_not_json_lines() -> None:
    # Some exporters (and our own benchmark) put the comma before each item: "[", "{...}", ",{...}".
    items = read(b'[\n{"id": "a"}\n,{"id": "b"}\n,{"id": "c"}\n]\n')
    assert [(item.position, item.value) for item in items if isinstance(item, RawRecord)] == [
        (1, {"id": "a"}),
        (2, {"id": "b"}),
        (3, {"id": "c"}),
    ]


def test_json_lines_yield_one_record_per_non_blank_line() -> None:
    items = read(b'{"id": "a"}\n\n   \n{"id": "b"}\r\n{"id": "c"}')
    assert [(item.position, item.value) for item in items if isinstance(item, RawRecord)] == [
        (1, {"id": "a"}),
        (2, {"id": "b"}),
        (3, {"id": "c"}),
    ]


def test_empty_array_holds_no_records_and_says_so_in_a_note() -> None:
    # A note, not a fault: an export of a day when no one answered is an empty array (round 8).
    assert read(b"[ ]") == [UnreadableSource("<stdin>", "holds no records: the array is empty ([])", note=True)]


def test_format_is_detected_by_content_not_by_file_name(tmp_path: Path) -> None:
    array_named_jsonl = write_file(tmp_path, "array.jsonl", b'[{"a": 1}, {"a": 2}]')
    lines_named_json = write_file(tmp_path, "lines.json", b'{"b": 1}\n{"b": 2}\n')
    items = list(iter_records([array_named_jsonl, lines_named_json]))
    assert values(items) == [{"a": 1}, {"a": 2}, {"b": 1}, {"b": 2}]


def test_a_bare_scalar_at_top_level_is_still_a_record_for_validation_to_reject() -> None:
    assert values(read(b"42\n")) == [42]
    assert values(read(b'"just text"')) == ["just text"]


def test_every_item_of_an_array_of_scalars_is_a_record() -> None:
    assert values(read(b'[1, "two", null, true, 2.5, [3], {}]')) == [1, "two", None, True, 2.5, [3], {}]


def test_utf8_byte_order_mark_is_accepted_in_every_format() -> None:
    bom = b"\xef\xbb\xbf"
    assert values(read(bom + b'{\n "id": "a"\n}')) == [{"id": "a"}]
    assert values(read(bom + b'[{"id": "a"}]')) == [{"id": "a"}]
    assert values(read(bom + b'{"id": "a"}\n{"id": "b"}\n')) == [{"id": "a"}, {"id": "b"}]


def test_leading_blank_lines_count_in_line_numbers() -> None:
    [item] = read(b'\n\n[{"a": 1,}]')
    assert isinstance(item, UnreadableRecord)
    assert (item.line, item.column) == (3, 9)  # the trailing comma
    assert item.message.endswith("a trailing comma after the last item (remove it)")


# -------------------------------------------------------------------------------- sources


def test_dash_reads_the_given_stdin_stream() -> None:
    assert read(b'{"id": "a"}') == [RawRecord("<stdin>", 1, {"id": "a"})]


def test_dash_reads_the_process_stdin_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    with io.TextIOWrapper(io.BytesIO(b'{"id": "a"}\n')) as fake_stdin:
        monkeypatch.setattr(sys, "stdin", fake_stdin)
        assert list(iter_records(["-"])) == [RawRecord("<stdin>", 1, {"id": "a"})]


def test_positions_restart_at_one_for_each_source(tmp_path: Path) -> None:
    first = write_file(tmp_path, "first.jsonl", jsonl({"n": 1}, {"n": 2}))
    second = write_file(tmp_path, "second.json", b'[{"n": 3}, {"n": 4}]')
    items = list(iter_records([first, second]))
    assert [(item.source, item.position) for item in items if isinstance(item, RawRecord)] == [
        (first, 1),
        (first, 2),
        (second, 1),
        (second, 2),
    ]


def test_directory_is_read_in_name_order_only_json_jsonl_ndjson_and_csv_files(tmp_path: Path) -> None:
    write_file(tmp_path, "c.ndjson", jsonl({"f": "c"}))
    write_file(tmp_path, "a.json", b'{"f": "a"}')
    write_file(tmp_path, "b.JSONL", jsonl({"f": "b"}))
    write_file(tmp_path, "d.CSV", b"id,age\nd,40\n")
    write_file(tmp_path, "notes.txt", b"not records")
    write_file(tmp_path, ".hidden.json", b'{"f": "hidden"}')
    (tmp_path / "sub").mkdir()
    write_file(tmp_path / "sub", "e.json", b'{"f": "nested"}')
    items = list(iter_records([str(tmp_path)]))
    assert values(items) == [{"f": "a"}, {"f": "b"}, {"f": "c"}, {"id": "d", "age": 40}]
    assert [item.source for item in items] == [str(tmp_path / name) for name in ("a.json", "b.JSONL", "c.ndjson", "d.CSV")]
    assert readers.skipped_in_folder(str(tmp_path)) == (
        "skipped: notes.txt (not .json/.jsonl/.ndjson/.csv/.parquet); sub/ (folders inside are not read)"
    )


def test_directory_without_record_files_is_reported(tmp_path: Path) -> None:
    write_file(tmp_path, "notes.txt", b"not records")
    assert list(iter_records([str(tmp_path)])) == [
        UnreadableSource(str(tmp_path), "no .json/.jsonl/.ndjson/.csv/.parquet files in this folder")
    ]


def test_missing_file_is_an_unreadable_source_and_the_next_input_is_still_read(tmp_path: Path) -> None:
    good = write_file(tmp_path, "good.json", b'{"id": "a"}')
    missing = str(tmp_path / "missing.json")
    items = list(iter_records([missing, good]))
    assert items == [
        UnreadableSource(missing, "cannot read file: No such file or directory"),
        RawRecord(good, 1, {"id": "a"}),
    ]


def test_unreadable_entries_of_a_directory_are_reported_and_the_other_files_still_read(tmp_path: Path) -> None:
    write_file(tmp_path, "a.json", b'{"id": "a"}')
    (tmp_path / "b.json").mkdir()
    (tmp_path / "c.json").symlink_to(tmp_path / "nowhere.json")
    write_file(tmp_path, "d.jsonl", jsonl({"id": "d"}))
    items = list(iter_records([str(tmp_path)]))
    assert items == [
        RawRecord(str(tmp_path / "a.json"), 1, {"id": "a"}),
        UnreadableSource(str(tmp_path / "b.json"), "cannot read file: a directory"),
        UnreadableSource(str(tmp_path / "c.json"), "cannot read file: No such file or directory"),
        RawRecord(str(tmp_path / "d.jsonl"), 1, {"id": "d"}),
    ]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_file_without_read_permission_is_an_unreadable_source(tmp_path: Path) -> None:
    locked = write_file(tmp_path, "locked.json", b'{"id": "a"}')
    os.chmod(locked, 0)
    try:
        assert list(iter_records([locked])) == [UnreadableSource(locked, "cannot read file: Permission denied")]
    finally:
        os.chmod(locked, stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs a character device")
def test_special_device_is_not_read() -> None:
    assert list(iter_records(["/dev/null"])) == [UnreadableSource("/dev/null", "cannot read file: not a regular file")]


@pytest.mark.parametrize("data", [b"", b"   \n\n\t  \r\n"], ids=["empty", "whitespace"])
def test_empty_or_whitespace_only_file_is_an_unreadable_source(tmp_path: Path, data: bytes) -> None:
    path = write_file(tmp_path, "empty.json", data)
    assert list(iter_records([path])) == [UnreadableSource(path, "file is empty: no records")]


# ----------------------------------------------------------------------------- broken input


def test_json_lines_file_with_one_broken_line_keeps_the_good_records() -> None:
    items = read(b'{"id": "a"}\n{"id": "b", "age": }\n\n{"id": "c"}\n')
    assert items == [
        RawRecord("<stdin>", 1, {"id": "a"}),
        UnreadableRecord("<stdin>", 2, "line 2, column 20: expected a value here: a number, true, false, null, or text in double quotes", 2, 20),
        RawRecord("<stdin>", 3, {"id": "c"}),
    ]


def test_json_lines_file_whose_first_line_is_broken_keeps_the_good_records() -> None:
    items = read(b'{"id": "a", \n{"id": "b"}\n{"id": "c"}\n')
    assert isinstance(items[0], UnreadableRecord)
    assert items[0].position == 1
    assert items[1:] == [RawRecord("<stdin>", 2, {"id": "b"}), RawRecord("<stdin>", 3, {"id": "c"})]


def test_two_records_on_one_json_lines_line_are_reported() -> None:
    [_, second] = read(b'{"id": "a"}\n{"id": "b"} {"id": "c"}\n')
    assert second == UnreadableRecord("<stdin>", 2, "line 2, column 13: a second JSON value after the first one ends here: one record per file, or one per line (JSON Lines)", 2, 13)


def test_syntax_error_in_an_array_record_costs_that_record_only() -> None:
    items = read(b'[{"id": "a"},\n {"id": "b",\n  "age": }, {"id": "c"}]')
    assert items == [
        RawRecord("<stdin>", 1, {"id": "a"}),
        UnreadableRecord("<stdin>", 2, "line 3, column 10: expected a value here: a number, true, false, null, or text in double quotes", 3, 10),
        RawRecord("<stdin>", 3, {"id": "c"}),
    ]


def test_an_array_that_breaks_where_no_record_can_start_again_says_the_rest_was_not_read() -> None:
    # An unclosed string swallows the brackets after it: there is no safe place to start again.
    items = read(b'[{"id": "a"},\n {"id": "b, "age": 51},\n {"id": "c"}]')
    assert items[0] == RawRecord("<stdin>", 1, {"id": "a"})
    assert isinstance(items[1], UnreadableRecord) and items[1].position == 2
    assert items[2] == UnreadableSource(
        "<stdin>",
        "the JSON array cannot be read past line 2, column 14: any records after that point were not read "
        "(fix the file there and run again)",
    )
    assert len(items) == 3


def test_missing_comma_between_array_records_names_the_place() -> None:
    items = read(b'[{"id": "a"}\n {"id": "b"}]')
    assert items[1] == UnreadableRecord("<stdin>", 2, "line 2, column 2: expected a comma here, between two items", 2, 2)


def test_truncated_array_reports_the_cut_record_with_line_and_column() -> None:
    items = read(b'[\n  {"id": "a"},\n  {"id": "b", "medications": ["Lasix')
    assert items == [
        RawRecord("<stdin>", 1, {"id": "a"}),
        UnreadableRecord("<stdin>", 2, "line 3, column 31: truncated JSON: a text value is not closed (no closing double quote after the one here)", 3, 31),
    ]


def test_array_cut_between_records_is_reported_as_not_closed() -> None:
    items = read(b'[{"id": "a"},\n {"id": "b"}\n')
    assert items[-1] == UnreadableSource("<stdin>", "truncated JSON at line 3, column 1: the array is not closed")
    assert values(items[:-1]) == [{"id": "a"}, {"id": "b"}]


def test_trailing_comma_in_an_array_is_reported() -> None:
    items = read(b'[{"id": "a"},]')
    assert items[-1] == UnreadableSource("<stdin>", "invalid JSON at line 1, column 14: a comma before ']'")


def test_data_after_the_array_is_reported() -> None:
    # (Two whole arrays on two lines are JSON Lines instead: tests/test_json_lines_detection.py.)
    items = read(b'[{"id": "a"}]\n]\n')
    assert items == [
        RawRecord("<stdin>", 1, {"id": "a"}),
        UnreadableSource("<stdin>", "invalid JSON at line 2, column 1: data after the end of the array"),
    ]


def test_truncated_single_object_is_one_unreadable_record_with_line_and_column() -> None:
    data = json.dumps({"id": "a", "age": 60, "symptoms": ["fatigue"]}, indent=2).encode()[:-8]
    [item] = read(data)
    assert item == UnreadableRecord(
        "<stdin>", 1, "truncated JSON at line 5, column 5: a text value is not closed (no closing double quote after the one here)", 5, 5
    )


def test_broken_single_object_is_one_unreadable_record_with_line_and_column() -> None:
    [item] = read(b'{\n  "id": "a",\n  "age": 60,,\n  "sex": "female"\n}\n')
    assert item == UnreadableRecord(
        "<stdin>", 1, 'invalid JSON at line 3, column 13: expected a field name in double quotes here ("age")', 3, 13
    )


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(constant: str) -> None:
    items = read(f'{{"id": "a"}}\n{{"id": "NaN", "age": {constant}}}\n'.encode())
    assert items[1] == UnreadableRecord(
        "<stdin>", 2, f"line 2, column 22: {constant} is not valid JSON (write null for a missing value)", 2, 22
    )


def test_nan_in_an_array_spoils_only_its_own_record() -> None:
    items = read(b'[{"id": "a", "age": NaN},\n NaN,\n {"id": "b"}]')
    assert [type(item) for item in items] == [UnreadableRecord, UnreadableRecord, RawRecord]
    assert [(item.line, item.column) for item in items[:2] if isinstance(item, UnreadableRecord)] == [(1, 21), (2, 2)]
    assert items[2] == RawRecord("<stdin>", 3, {"id": "b"})


def test_nan_in_a_single_object_is_reported() -> None:
    [item] = read(b'{\n  "age": NaN\n}')
    assert item == UnreadableRecord(
        "<stdin>", 1, "invalid JSON at line 2, column 10: NaN is not valid JSON (write null for a missing value)", 2, 10
    )


def test_non_utf8_byte_in_a_json_lines_line_spoils_that_line_only() -> None:
    items = read(b'{"id": "a"}\n{"id": "caf\xe9"}\n{"id": "c"}\n')
    assert items == [
        RawRecord("<stdin>", 1, {"id": "a"}),
        UnreadableRecord("<stdin>", 2, "line 2, column 12: not UTF-8 text (byte 0xe9 at offset 23)", 2, 12),
        RawRecord("<stdin>", 3, {"id": "c"}),
    ]


def test_non_utf8_byte_in_an_array_keeps_the_records_before_it() -> None:
    items = read(b'[{"id": "a"},\n {"id": "caf\xe9"}, {"id": "c"}]')
    assert items == [
        RawRecord("<stdin>", 1, {"id": "a"}),
        UnreadableRecord("<stdin>", 2, "line 2, column 13: not UTF-8 text (byte 0xe9 at offset 26)", 2, 13),
    ]


def test_non_utf8_single_object_is_one_unreadable_record() -> None:
    assert read(b'{\n  "id": "caf\xe9"\n}') == [UnreadableRecord("<stdin>", 1, "not UTF-8 text (byte 0xe9 at offset 14)", 2)]


def test_a_utf16_file_with_a_byte_order_mark_is_read_as_its_text() -> None:
    # As Windows tools and Excel's "Unicode Text" write it (tests/test_interop_files.py: a sheet).
    assert read('{"id": "a"}'.encode("utf-16")) == [RawRecord("<stdin>", 1, {"id": "a"})]


def test_binary_junk_is_reported_as_not_json() -> None:
    junk = random.Random(7).randbytes(4096)
    [item] = read(junk)
    assert isinstance(item, UnreadableSource)
    assert item.message.startswith("not JSON: binary data (byte 0x")


def test_binary_file_starting_with_a_control_byte_is_reported_as_not_json() -> None:
    # 0x1e itself is the record separator of JSON text sequences (RFC 7464), read as JSON Lines
    assert read(b"\x1d\x8b\x08\x00 some record format") == [
        UnreadableSource("<stdin>", "not JSON: binary data (byte 0x1d at offset 0)")
    ]
    assert read(b"\x1f\x8b\x08\x00 compressed") == [
        UnreadableSource("<stdin>", "gzip-compressed: decompress it first (gunzip)")
    ]


DEEP = b"[" * 100_000 + b"]" * 100_000


def test_json_lines_line_nested_100000_deep_is_reported_without_crashing() -> None:
    items = read(b'{"id": "a"}\n' + DEEP + b'\n{"id": "b"}\n')
    assert items == [
        RawRecord("<stdin>", 1, {"id": "a"}),
        UnreadableRecord("<stdin>", 2, "line 2, column 1: nested too deeply to read", 2, 1),
        RawRecord("<stdin>", 3, {"id": "b"}),
    ]


def test_array_item_nested_100000_deep_is_reported_and_the_next_item_still_read() -> None:
    items = read(b'[{"id": "a"}, ' + DEEP + b', {"id": "b"}]')
    assert items == [
        RawRecord("<stdin>", 1, {"id": "a"}),
        UnreadableRecord("<stdin>", 2, "line 1, column 15: nested too deeply to read", 1, 15),
        RawRecord("<stdin>", 3, {"id": "b"}),
    ]


def test_single_value_nested_100000_deep_is_reported_without_crashing() -> None:
    [item] = read(b"{\n" + DEEP + b"\n}")
    assert isinstance(item, UnreadableRecord)


def test_record_holding_a_10_mb_string_is_read_in_every_format() -> None:
    text = "é" * 5_000_000 + "x"  # 10 MB of UTF-8, so chunks also split characters
    record = {"id": "big", "note": text}
    as_line = json.dumps(record, ensure_ascii=False).encode()
    assert values(read(as_line + b"\n" + jsonl({"id": "next"}))) == [record, {"id": "next"}]
    assert values(read(b"[" + as_line + b', {"id": "next"}]')) == [record, {"id": "next"}]
    assert values(read(json.dumps(record, ensure_ascii=False, indent=2).encode())) == [record]


def test_records_larger_than_the_limit_are_reported_and_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_records, "MAX_RECORD_BYTES", 1000)
    monkeypatch.setattr(batch_records, "CHUNK_BYTES", 100)
    big = {"id": "big", "note": "x" * 5000}
    lines = read(jsonl({"id": "a"}, big, {"id": "c"}))
    assert lines[1] == UnreadableRecord("<stdin>", 2, "line 2, column 1: record too large (more than 1000 bytes)", 2, 1)
    assert values([lines[0], lines[2]]) == [{"id": "a"}, {"id": "c"}]
    array = read(json.dumps([{"id": "a"}, big, {"id": "c"}]).encode())
    assert isinstance(array[1], UnreadableRecord)
    assert array[1].message.endswith("record too large (more than 1000 bytes)")
    assert values([array[0], array[2]]) == [{"id": "a"}, {"id": "c"}]
    assert read(json.dumps(big, indent=2).encode()) == [
        UnreadableSource("<stdin>", "record too large (more than 1000 bytes)")
    ]


# -------------------------------------------------------------------------- streaming


class CountingStream(io.RawIOBase):
    """A stream that counts the bytes handed out, to show what reading a record costs."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = io.BytesIO(data)
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        size = self._data.readinto(buffer)
        self.bytes_read += size
        return size


@pytest.mark.parametrize("fmt", ["jsonl", "array"])
def test_first_record_of_a_big_file_is_yielded_before_the_file_is_read(fmt: str) -> None:
    records = [{"id": str(n), "medications": ["Lasix 40 mg"], "symptoms": ["fatigue"]} for n in range(100_000)]
    data = jsonl(*records) if fmt == "jsonl" else json.dumps(records, indent=1).encode()
    stream = CountingStream(data)
    items = iter_records(["-"], stdin=stream)  # type: ignore[arg-type]
    assert next(items) == RawRecord("<stdin>", 1, records[0])
    assert stream.bytes_read < 2 * 1024 * 1024 < len(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=12,
)
json_objects = st.dictionaries(st.text(max_size=5), json_values, max_size=4)


@settings(max_examples=200, deadline=None)
@given(
    records=st.lists(json_values, max_size=8),
    objects=st.lists(json_objects, min_size=1, max_size=8),
    indent=st.none() | st.integers(0, 3),
    chunk=st.integers(1, 40),
    bom=st.booleans(),
    blank_lines=st.integers(0, 3),
)
def test_records_read_whatever_the_chunk_boundaries(
    records: list[object], objects: list[object], indent: int | None, chunk: int, bom: bool, blank_lines: int
) -> None:
    prefix = (b"\xef\xbb\xbf" if bom else b"") + b"\n" * blank_lines
    array = prefix + json.dumps(records, indent=indent, ensure_ascii=False).encode()
    lines = prefix + b"\n".join(json.dumps(value, ensure_ascii=False).encode() for value in objects)
    with mock.patch.object(batch_records, "CHUNK_BYTES", chunk), mock.patch.object(readers, "_HEAD_BYTES", chunk):
        assert values([item for item in read(array) if not (isinstance(item, UnreadableSource) and item.note)]) == records
        assert values(read(lines)) == objects


# ------------------------------------------------------------------------------------ writing

SCREENED = {
    "status": "screened",
    "id": "r1",
    "source": "in, with comma.jsonl",
    "position": 1,
    "combined_depletion": "likely",
    "magnesium_depletion": "possible",
    "potassium_depletion": "likely",
    "urgency": "soon",
    "consult_clinician": True,
    "red_flags": [],
    "risk_factors": ["loop_diuretic", "ppi_long_term"],
    "recommendations": [
        {"code": "see_clinician", "text": "See a clinician"},
        {"code": "check_labs", "text": "Ask for\ntests"},
    ],
    "warnings": ['medication "Zzz" not recognised'],
    "findings": [{"rule": "r-1"}],
    "coverage": "partial",
    "unanswered_sections": ["alcohol", "labs"],
}
INVALID = {
    "status": "invalid",
    "id": "2",
    "source": "in.jsonl",
    "position": 2,
    "errors": [{"path": "$.age", "message": "must be at most 120"}, {"path": "$.sex", "message": "unknown value"}],
}


def write_entries(path: str | None, fmt: writers.OutputFormat, stdout: io.StringIO | None = None) -> None:
    with open_writer(path, fmt, stdout=stdout) as writer:
        writer.write(SCREENED)
        writer.write(INVALID)


def test_json_lines_output_is_one_compact_object_per_line(tmp_path: Path) -> None:
    path = str(tmp_path / "out.jsonl")
    write_entries(path, "jsonl")
    text = Path(path).read_text(encoding="utf-8")
    assert text.splitlines()[1] == json.dumps(INVALID, separators=(",", ":"))
    assert [json.loads(line) for line in text.splitlines()] == [SCREENED, INVALID]


def test_json_output_is_one_array_of_the_entries(tmp_path: Path) -> None:
    path = str(tmp_path / "out.json")
    write_entries(path, "json")
    assert json.loads(Path(path).read_text(encoding="utf-8")) == [SCREENED, INVALID]


def test_json_output_without_entries_is_an_empty_array(tmp_path: Path) -> None:
    path = str(tmp_path / "out.json")
    with open_writer(path, "json"):
        pass
    assert json.loads(Path(path).read_text(encoding="utf-8")) == []


def test_non_ascii_text_is_written_as_is() -> None:
    out = io.StringIO()
    with open_writer(None, "jsonl", stdout=out) as writer:
        writer.write({"id": "Zoë", "warnings": ["médicament « x » inconnu"]})
    assert out.getvalue() == '{"id":"Zoë","warnings":["médicament « x » inconnu"]}\n'


def test_csv_output_has_the_documented_columns_and_flattened_values(tmp_path: Path) -> None:
    path = str(tmp_path / "out.csv")
    write_entries(path, "csv")
    with open(path, encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        screened, invalid = list(reader)
    assert screened == {
        "status": "screened",
        "id": "r1",
        "source": "in, with comma.jsonl",
        "position": "1",
        "combined_depletion": "likely",
        "magnesium_depletion": "possible",
        "potassium_depletion": "likely",
        "urgency": "soon",
        "consult_clinician": "true",
        "coverage": "partial",
        "red_flags": "",
        "risk_factors": "loop_diuretic; ppi_long_term",
        "recommendations": "see_clinician; check_labs",
        "unanswered_sections": "alcohol; labs",
        "warnings": 'medication "Zzz" not recognised',
        "errors": "",
    }
    assert invalid["errors"] == "$.age: must be at most 120; $.sex: unknown value"
    assert invalid["urgency"] == invalid["consult_clinician"] == ""


@pytest.mark.parametrize("path", [None, "-"])
def test_no_path_or_dash_writes_to_stdout(path: str | None) -> None:
    out = io.StringIO()
    write_entries(path, "jsonl", stdout=out)
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [SCREENED, INVALID]


def test_output_file_appears_only_when_the_writer_closes(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with open_writer(str(path), "jsonl") as writer:
        writer.write(SCREENED)
        assert not path.exists()
        [temporary] = list(tmp_path.iterdir())
        assert temporary.name.startswith(".out.jsonl.")
    assert [entry.name for entry in tmp_path.iterdir()] == ["out.jsonl"]


class Boom(Exception):
    pass


def test_failure_while_writing_leaves_no_output_and_no_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(Boom), open_writer(str(tmp_path / "out.json"), "json") as writer:
        writer.write(SCREENED)
        raise Boom
    assert list(tmp_path.iterdir()) == []


def test_failure_while_writing_leaves_an_earlier_output_untouched(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("earlier results\n")
    with pytest.raises(Boom), open_writer(str(path), "csv") as writer:
        writer.write(SCREENED)
        raise Boom
    assert list(tmp_path.iterdir()) == [path]
    assert path.read_text() == "earlier results\n"


def test_new_output_file_is_private_and_a_replaced_one_keeps_its_permissions(tmp_path: Path) -> None:
    new = tmp_path / "new.jsonl"
    write_entries(str(new), "jsonl")
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    shared = tmp_path / "shared.jsonl"
    shared.write_text("")
    shared.chmod(0o644)
    write_entries(str(shared), "jsonl")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644


def test_output_in_a_missing_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No such file or directory"):
        write_entries(str(tmp_path / "missing" / "out.jsonl"), "jsonl")


def test_output_path_that_is_a_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="it is a directory"):
        write_entries(str(tmp_path), "jsonl")


def stream_of_entries(count: int) -> Iterator[dict[str, object]]:
    for n in range(count):
        yield {"status": "invalid", "id": str(n), "errors": [{"path": "$", "message": "x"}]}


def test_entries_are_written_as_they_come(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with open_writer(str(path), "jsonl") as writer:
        for entry in stream_of_entries(1000):
            writer.write(entry)
        [temporary] = list(tmp_path.iterdir())
        assert temporary.stat().st_size > 0  # flushed along the way, not held until the end
    assert len(path.read_text().splitlines()) == 1000


def test_a_csv_warning_holding_a_semicolon_stays_one_item_of_its_cell(tmp_path: Path) -> None:
    """Joined with "; ", the warning "medication 'Vextaar 78 mg': ... so not counted; ask a
    pharmacist ..." read back as two: the cell now splits, as an answers sheet's list cell
    splits, into the entry's very items."""
    from screener.batch.cells import read_items

    warnings = [
        "medication 'Vextaar 78 mg': not recognised, so not counted; ask a pharmacist whether it affects magnesium or potassium",
        'a "quoted" start',
        "plain",
    ]
    path = str(tmp_path / "out.csv")
    with open_writer(path, "csv") as writer:
        writer.write({"status": "screened", "id": "vera", "warnings": warnings})
    with open(path, encoding="utf-8", newline="") as file:
        (row,) = list(csv.DictReader(file))
    assert read_items(row["warnings"]) == warnings
