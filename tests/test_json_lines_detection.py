"""Telling JSON Lines from an array or one value: a source holding newline-separated JSON values
is JSON Lines, however many of its lines are broken, so a few bad lines at the top never cost
the good records after them (issue 12, item 3). Also the reader's smaller limits (item 14): a
named pipe lying in an input folder, the array reader's size cap in bytes, and leading
whitespace read in linear time (item 10)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from screener.batch import readers
from screener.batch import records as batch_records
from screener.batch.readers import RawRecord, ReadItem, UnreadableRecord, UnreadableSource, iter_records

GOOD = [{"id": f"p{n}", "age": 40 + n % 40} for n in range(10_000)]


def read(data: bytes) -> list[ReadItem]:
    return list(iter_records(["-"], stdin=io.BytesIO(data)))


def lines(*texts: str) -> bytes:
    return "".join(text + "\n" for text in texts).encode()


def good_lines() -> list[str]:
    return [json.dumps(record) for record in GOOD]


def records_and_invalid(items: list[ReadItem]) -> tuple[list[Any], list[int]]:
    assert not any(isinstance(item, UnreadableSource) for item in items), items[:3]
    return (
        [item.value for item in items if isinstance(item, RawRecord)],
        [item.position for item in items if isinstance(item, UnreadableRecord)],
    )


@pytest.mark.parametrize("bad_line", ["NaN", '{"id": "cut", "age"', "Infinity", '{"id": '], ids=["nan", "truncated", "infinity", "cut"])
def test_nine_bad_lines_before_ten_thousand_good_ones_cost_nine_records(bad_line: str) -> None:
    read_records, invalid = records_and_invalid(read(lines(*[bad_line] * 9, *good_lines())))
    assert invalid == list(range(1, 10))
    assert read_records == GOOD


def test_a_first_line_holding_an_array_does_not_make_the_file_one_array() -> None:
    read_records, invalid = records_and_invalid(read(lines("[1]", *good_lines()[:5])))
    assert read_records == [[1], *GOOD[:5]]  # the array is one (invalid) record for validation to reject
    assert invalid == []


def test_two_whole_arrays_on_two_lines_are_two_json_lines_records() -> None:
    assert records_and_invalid(read(b'[{"id": "a"}]\n[{"id": "b"}]\n')) == ([[{"id": "a"}], [{"id": "b"}]], [])


def test_a_line_of_raw_control_bytes_is_one_invalid_record_not_a_binary_file() -> None:
    data = b"\x01\x02\x03\x00junk\n" + lines(*good_lines()[:5])
    read_records, invalid = records_and_invalid(read(data))
    assert invalid == [1]
    assert read_records == GOOD[:5]


def test_control_bytes_inside_many_lines_spoil_only_those_lines() -> None:
    broken = ['{"id": "x\x01\x02\x03\x04\x05\x06\x07"}'] * 50
    read_records, invalid = records_and_invalid(read(lines(*broken, *good_lines()[:50])))
    assert invalid == list(range(1, 51))
    assert read_records == GOOD[:50]


def test_a_broken_first_line_far_above_the_first_good_line_still_makes_json_lines() -> None:
    read_records, invalid = records_and_invalid(read(lines(*["NaN"] * 40, json.dumps(GOOD[0]))))
    assert invalid == list(range(1, 41))
    assert read_records == GOOD[:1]


@pytest.mark.parametrize("indent", [1, 2, 4])
def test_pretty_printed_arrays_and_objects_are_still_read_whole(indent: int) -> None:
    answers = {"id": "r1", "symptoms": ["muscle_cramps", "fatigue"], "red_flags_now": [], "labs": {"potassium": {"value": 3.1}}}
    assert records_and_invalid(read(json.dumps(answers, indent=indent).encode())) == ([answers], [])
    many = [answers, {"id": "r2"}, {}, {"id": "r3", "symptoms": ["fatigue"]}]
    assert records_and_invalid(read(json.dumps(many, indent=indent).encode())) == (many, [])
    # An array whose items each fit on one line: only the last parses alone, and a bracket follows it.
    one_per_line = b"[\n" + b",\n".join(json.dumps(item).encode() for item in many) + b"\n]\n"
    assert records_and_invalid(read(one_per_line)) == (many, [])


def test_random_binary_data_is_still_reported_as_not_json() -> None:
    data = bytes(range(256)) * 40
    [item] = read(data)
    assert isinstance(item, UnreadableSource)
    assert "binary data" in item.message


def test_the_command_keeps_the_good_records_after_nine_broken_lines(tmp_path: Path) -> None:
    source = tmp_path / "cohort.jsonl"
    source.write_bytes(lines(*["NaN"] * 9, *good_lines()[:200]))
    done = subprocess.run(
        [sys.executable, "-m", "screener", "batch", str(source), "-o", str(tmp_path / "out.jsonl")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 3, done.stderr
    assert "209 records read: 200 screened, 9 invalid" in done.stderr


# ------------------------------------------------------------------ item 14: a FIFO in a folder


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_in_an_input_folder_is_skipped_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "a.json").write_text('{"id": "a"}')
    os.mkfifo(folder / "b.jsonl")
    (folder / "c.json").write_text('{"id": "c"}')
    # Before: opening the pipe waited for ever for a writer that never comes.
    done = subprocess.run(
        [sys.executable, "-m", "screener", "batch", str(folder)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 3, done.stderr
    assert f"{folder / 'b.jsonl'}: cannot read file: a named pipe (FIFO) in a folder is skipped" in done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == ["a", "c"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_given_by_name_is_still_read(tmp_path: Path) -> None:
    pipe = tmp_path / "answers.jsonl"
    os.mkfifo(pipe)
    command = subprocess.Popen(
        [sys.executable, "-m", "screener", "batch", str(pipe)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    with open(pipe, "w") as writer:
        writer.write('{"id": "a"}\n{"id": "b"}\n')
    out, err = command.communicate(timeout=120)
    assert command.returncode == 0, err
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a", "b"]


# ------------------------------------------------------------- item 14: the array cap is in bytes


def test_the_array_readers_size_cap_counts_bytes_not_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_records, "MAX_RECORD_BYTES", 1000)
    monkeypatch.setattr(batch_records, "CHUNK_BYTES", 100)
    wide = {"id": "wide", "note": "€" * 400}  # 400 characters, 1,200 bytes
    items = read(json.dumps([{"id": "a"}, wide, {"id": "c"}], ensure_ascii=False).encode())
    assert isinstance(items[1], UnreadableRecord)
    assert items[1].message.endswith("record too large (more than 1000 bytes)")
    assert [item.value for item in items if isinstance(item, RawRecord)] == [{"id": "a"}, {"id": "c"}]
    # The same record in JSON Lines is refused the same way (that reader always counted bytes).
    [line] = read(json.dumps(wide, ensure_ascii=False).encode() + b"\n")
    assert isinstance(line, UnreadableRecord | UnreadableSource)


# ------------------------------------------------------ item 10: leading whitespace is linear


class _CountingPattern:
    """Wraps the reader's search for the first non-blank byte, adding up the bytes it examines."""

    def __init__(self, pattern: Any) -> None:
        self.pattern = pattern
        self.examined = 0

    def search(self, data: bytes, start: int = 0) -> Any:
        found = self.pattern.search(data, start)
        self.examined += (found.start() if found else len(data)) - start
        return found


@pytest.mark.parametrize("newlines", [False, True], ids=["one-long-line", "many-lines"])
def test_leading_whitespace_is_examined_once_however_it_is_cut_into_reads(
    monkeypatch: pytest.MonkeyPatch, newlines: bool
) -> None:
    """Four megabytes of spaces read 1 kB at a time: each byte is looked at once (quadratic
    before: every read re-scanned everything before it, 12 s for 16 MB)."""
    counting = _CountingPattern(readers._CONTENT)
    monkeypatch.setattr(readers, "_CONTENT", counting)
    monkeypatch.setattr(readers, "_HEAD_BYTES", 1024)
    blank = (b" " * 1023 + (b"\n" if newlines else b" ")) * 4096
    assert read(blank + b'{"id": "a"}\n') == [RawRecord("<stdin>", 1, {"id": "a"})]
    assert counting.examined <= len(blank) + 1024
