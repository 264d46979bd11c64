"""Bad input through the real command: whatever arrives, say what is wrong and where, keep the rest.

Each case of the corpus in ``tests/bad_inputs/`` (listed, with its expected outcome, in that
folder's README) is run through ``python -m screener`` in a subprocess, as a user would run it.
Cases too big or too strange to check in (binary junk, a 10 MB string, 100,000 nested brackets,
a directory with an unreadable entry) are made in a temporary folder by the test.

Every case checks: the documented exit code; a message naming the file, the record's position
and the JSON path (for batch, the output entry: ``source``, ``position``, ``errors[].path``; for
``validate`` and ``screen``, the printed lines); no traceback anywhere; and that the good records
of the same input are still screened and written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from screener.errors import ExitCode

CORPUS = Path(__file__).parent / "bad_inputs"
DEEP = 100_000
TEN_MB = 10 * 1024 * 1024


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def mgk(*args: str, cwd: Path = CORPUS, stdin: bytes | None = None) -> Run:
    """Run the installed command the way a user does, colourless, and check it shows no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "screener", *args],
        cwd=cwd,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
    )
    run = Run(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))
    assert "Traceback" not in run.output, run.output[-3000:]
    assert "unexpected error" not in run.output, run.output[-3000:]
    return run


def batch(*inputs: str, out: Path, cwd: Path = CORPUS, fmt: str = "jsonl") -> tuple[Run, list[dict[str, Any]]]:
    """Run ``batch INPUT... -o OUT`` and read back every entry written."""
    run = mgk("batch", *inputs, "-o", str(out), "--format", fmt, cwd=cwd)
    if not out.exists():
        return run, []
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        return run, json.loads(text)
    if fmt == "csv":
        return run, list(csv.DictReader(io.StringIO(text)))
    return run, [json.loads(line) for line in text.splitlines()]


def only_error(entry: dict[str, Any]) -> dict[str, str]:
    assert entry["status"] == "invalid", entry
    assert len(entry["errors"]) == 1, entry["errors"]
    error: dict[str, str] = entry["errors"][0]
    return error


def assert_screened(entry: dict[str, Any], source: str, position: int, record_id: str) -> None:
    """A good record went all the way through: a full result, with where it came from."""
    assert entry["status"] == "screened", entry
    assert (entry["source"], entry["position"], entry["id"]) == (source, position, record_id)
    assert entry["combined_depletion"] in ("likely", "possible", "unlikely")
    assert entry["urgency"] in ("emergency", "urgent", "soon", "routine", "none")
    assert entry["findings"] and entry["disclaimer"]


def assert_invalid(entry: dict[str, Any], source: str, position: int, path: str, *words: str) -> None:
    error = only_error(entry)
    assert (entry["source"], entry["position"], error["path"]) == (source, position, path), entry
    for word in words:
        assert word in error["message"], error["message"]


# --------------------------------------------------------------------------- files cut short


def test_truncated_array_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    run, entries = batch("truncated_array.json", out=tmp_path / "out.jsonl")
    assert run.code == ExitCode.INVALID_RECORDS
    assert len(entries) == 2
    assert_screened(entries[0], "truncated_array.json", 1, "kept")
    assert_invalid(entries[1], "truncated_array.json", 2, "$", "line 3, column 24", "truncated JSON")
    assert "2 records read: 1 screened, 1 invalid" in run.stderr


def test_truncated_single_object_is_one_invalid_record_with_line_and_column(tmp_path: Path) -> None:
    # One object is one person's record: cut off, it is an invalid entry (as a cut-off line of
    # JSON Lines is), so that every person given gets an entry; `screen` names the file.
    run, entries = batch("truncated_object.json", out=tmp_path / "out.jsonl")
    assert run.code == ExitCode.INVALID_RECORDS
    assert "1 record read: 0 screened, 1 invalid" in run.stderr
    assert len(entries) == 1
    assert_invalid(entries[0], "truncated_object.json", 1, "$", "truncated JSON at line 4, column 19")

    screened = mgk("screen", "truncated_object.json")
    assert screened.code == ExitCode.USAGE
    assert "truncated_object.json: truncated JSON at line 4, column 19" in screened.stderr


# --------------------------------------------------------------------- nothing there, or not a record


@pytest.mark.parametrize("name", ["empty.json", "whitespace_only.json"])
def test_empty_or_whitespace_only_file_is_an_error_with_no_records(tmp_path: Path, name: str) -> None:
    run, entries = batch(name, out=tmp_path / "out.jsonl")
    assert run.code == ExitCode.USAGE
    assert f"{name}: file is empty: no records" in run.stderr
    assert "no records were read" in run.stderr
    assert entries == []

    validated = mgk("validate", name)
    assert validated.code == ExitCode.USAGE
    assert f"{name}: file is empty: no records" in validated.stderr

    screened = mgk("screen", name)
    assert screened.code == ExitCode.USAGE
    assert f"{name}: file is empty" in screened.stderr


@pytest.mark.parametrize(("name", "shown"), [("bare_number.json", "42"), ("bare_string.json", '"furosemide 40 mg"')])
def test_bare_number_or_string_is_one_invalid_record(tmp_path: Path, name: str, shown: str) -> None:
    run, entries = batch(name, out=tmp_path / "out.jsonl")
    assert run.code == ExitCode.INVALID_RECORDS
    assert len(entries) == 1
    assert_invalid(entries[0], name, 1, "$", f"expected an object, got {shown}")

    screened = mgk("screen", name)
    assert screened.code == ExitCode.INVALID_RECORDS
    assert f"{name}: expected one answers object, got a" in screened.stderr


def test_array_of_scalars_gives_one_invalid_entry_per_scalar_and_screens_the_object(tmp_path: Path) -> None:
    run, entries = batch("array_of_scalars.json", out=tmp_path / "out.jsonl")
    assert run.code == ExitCode.INVALID_RECORDS
    assert len(entries) == 5
    for position, shown in enumerate(["1", '"two"', "null", "true"], start=1):
        assert_invalid(
            entries[position - 1], "array_of_scalars.json", position, "$", f"expected an object, got {shown}"
        )
    assert_screened(entries[4], "array_of_scalars.json", 5, "kept")

    validated = mgk("validate", "array_of_scalars.json")
    assert validated.code == ExitCode.INVALID_RECORDS
    assert 'array_of_scalars.json record 2: $: expected an object, got "two"' in validated.stdout
    assert "5 records read, 1 valid, 4 with errors" in validated.stderr


# ------------------------------------------------------------------------- records that fail the contract


def test_wrong_types_name_the_field_and_what_was_expected(tmp_path: Path) -> None:
    run, entries = batch("wrong_types.jsonl", out=tmp_path / "out.jsonl")
    assert run.code == ExitCode.INVALID_RECORDS
    assert [entry["id"] for entry in entries] == ["age-as-text", "medications-as-text", "present-as-text", "kept"]
    assert_invalid(entries[0], "wrong_types.jsonl", 1, "$.age", 'expected a whole number, got "seventy"')
    assert_invalid(entries[1], "wrong_types.jsonl", 2, "$.medications", 'expected an array, got "Lasix 40 mg"')
    assert_invalid(entries[2], "wrong_types.jsonl", 3, "$.diarrhea.present", 'expected true or false, got "yes"')
    assert_screened(entries[3], "wrong_types.jsonl", 4, "kept")


def test_unknown_fields_and_codes_suggest_the_nearest_valid_name(tmp_path: Path) -> None:
    run, entries = batch("unknown_fields_and_codes.jsonl", out=tmp_path / "out.jsonl")
    assert run.code == ExitCode.INVALID_RECORDS
    source = "unknown_fields_and_codes.jsonl"
    assert_invalid(entries[0], source, 1, "$.agee", "unknown field 'agee'", "did you mean 'age'?")
    assert_invalid(entries[1], source, 2, "$.symptoms[0]", '"muscle_cramp"', "did you mean 'muscle_cramps'?")
    assert_invalid(entries[2], source, 3, "$.labs.potassium.unit", '"mmol/l"', "did you mean 'mmol/L'?")
    assert_screened(entries[3], source, 4, "kept")

    validated = mgk("validate", source)
    assert validated.code == ExitCode.INVALID_RECORDS
    assert f"{source} record 1: $.agee: unknown field 'agee' (did you mean 'age'?)" in validated.stdout
    assert (
        f"{source} record 2: $.symptoms[0]: unknown value \"muscle_cramp\" (did you mean 'muscle_cramps'?)"
        in validated.stdout
    )
    assert "4 records read, 1 valid, 3 with errors" in validated.stderr

    screened = mgk("screen", "-", stdin=b'{"agee": 70}')
    assert screened.code == ExitCode.INVALID_RECORDS
    assert "<stdin>: the answers are not valid, so they were not screened" in screened.stderr
    assert "$.agee: unknown field 'agee' (did you mean 'age'?)" in screened.stderr


def test_out_of_range_numbers_name_the_limit(tmp_path: Path) -> None:
    run, entries = batch("out_of_range.jsonl", out=tmp_path / "out.jsonl")
    assert run.code == ExitCode.INVALID_RECORDS
    source = "out_of_range.jsonl"
    assert_invalid(entries[0], source, 1, "$.age", "must be at most 120, got 130")
    assert_invalid(entries[1], source, 2, "$.alcohol.drinks_per_week", "must be at least 0, got -2")
    assert_invalid(entries[2], source, 3, "$.alcohol.audit_c.frequency", "must be at most 4, got 5")
    assert_invalid(entries[3], source, 4, "$.diarrhea.days", "must be at least 0, got -3")
    assert_invalid(entries[4], source, 5, "$.id", "must be at least 1 characters long")
    assert_screened(entries[5], source, 6, "kept")


def test_implausible_lab_values_and_unknown_units_are_refused_not_converted(tmp_path: Path) -> None:
    run, entries = batch("implausible_labs.jsonl", out=tmp_path / "out.jsonl")
    assert run.code == ExitCode.INVALID_RECORDS
    source = "implausible_labs.jsonl"
    assert_invalid(
        entries[0], source, 1, "$.labs.potassium.value", "implausible potassium value 42 mmol/L", "check the unit"
    )
    assert_invalid(
        entries[1], source, 2, "$.labs.magnesium.value", "implausible magnesium value 10 mmol/L", "check the unit"
    )
    assert_invalid(entries[2], source, 3, "$.labs.potassium.unit", '"mg/dL"', "in mmol/L or mEq/L as printed")
    assert_invalid(entries[3], source, 4, "$.labs.magnesium.unit", '"mg/L"', "did you mean 'mg/dL'?")
    assert_screened(entries[4], source, 5, "kept")
    assert [lab["lab"] for lab in entries[4]["labs_used"]] == ["potassium", "magnesium"]


def test_a_huge_lab_value_is_an_invalid_record_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "huge_lab.jsonl").write_text(
        '{"id": "kept"}\n{"id": "huge", "labs": {"potassium": {"value": 1e30, "unit": "mmol/L"}}}\n', encoding="utf-8"
    )
    run, entries = batch("huge_lab.jsonl", out=tmp_path / "out.jsonl", cwd=tmp_path)
    assert run.code == ExitCode.INVALID_RECORDS
    assert_screened(entries[0], "huge_lab.jsonl", 1, "kept")
    assert_invalid(entries[1], "huge_lab.jsonl", 2, "$.labs.potassium.value", "check the unit")


# ----------------------------------------------------------------------------- not quite JSON, or not text


def test_nan_and_infinity_spoil_only_their_own_record(tmp_path: Path) -> None:
    run, entries = batch("nan_and_infinity.jsonl", out=tmp_path / "out.jsonl")
    assert run.code == ExitCode.INVALID_RECORDS
    source = "nan_and_infinity.jsonl"
    assert_invalid(entries[0], source, 1, "$", "line 1, column 26: NaN is not valid JSON", "write null")
    assert_invalid(entries[1], source, 2, "$", "line 2, column 58: Infinity is not valid JSON")
    assert_invalid(entries[2], source, 3, "$", "line 3, column 57: -Infinity is not valid JSON")
    assert_screened(entries[3], source, 4, "kept")

    screened = mgk("screen", "-", stdin=b'{"age": NaN}')
    assert screened.code == ExitCode.USAGE
    assert "<stdin>: invalid JSON at line 1, column 9: NaN is not valid JSON" in screened.stderr


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    run, entries = batch("byte_order_mark.json", out=tmp_path / "out.jsonl")
    assert run.code == ExitCode.OK, run.stderr
    assert len(entries) == 1
    assert_screened(entries[0], "byte_order_mark.json", 1, "bom")
    assert entries[0]["combined_depletion"] == "possible"

    assert mgk("validate", "byte_order_mark.json").code == ExitCode.OK
    screened = mgk("screen", "byte_order_mark.json", "--json")
    assert screened.code == ExitCode.OK, screened.stderr
    assert json.loads(screened.stdout)["id"] == "bom"


def test_non_utf8_byte_spoils_only_its_line(tmp_path: Path) -> None:
    run, entries = batch("not_utf8.jsonl", out=tmp_path / "out.jsonl")
    assert run.code == ExitCode.INVALID_RECORDS
    assert_screened(entries[0], "not_utf8.jsonl", 1, "kept-1")
    assert_invalid(entries[1], "not_utf8.jsonl", 2, "$", "line 2, column 12", "not UTF-8 text (byte 0xe9 at offset 39)")
    assert_screened(entries[2], "not_utf8.jsonl", 3, "kept-2")

    screened = mgk("screen", "-", stdin=b'{"id": "caf\xe9"}')
    assert screened.code == ExitCode.USAGE
    assert "<stdin>: not UTF-8 text (byte 0xe9 at offset 11)" in screened.stderr


def test_utf16_file_with_a_byte_order_mark_is_read_as_its_text(tmp_path: Path) -> None:
    # what Excel's "Unicode Text" and some Windows editors write: the byte order mark says UTF-16
    # for certain, so it is read rather than refused (README, "Exit codes and bad input")
    run, entries = batch("utf16.json", out=tmp_path / "out.jsonl")
    assert run.code == 0
    assert [entry["id"] for entry in entries] == ["wide"]

    screened = mgk("screen", "utf16.json")
    assert screened.code == 0 and "mgk-screen result for wide" in screened.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_lone_surrogate_escape_is_refused_and_the_output_is_still_written(tmp_path: Path, fmt: str) -> None:
    # "\ud800" is JSON syntax but not a character: it used to crash the writer and lose the output.
    run, entries = batch("lone_surrogate.jsonl", out=tmp_path / f"out.{fmt}", fmt=fmt)
    assert run.code == ExitCode.INVALID_RECORDS
    assert [(entry["status"], str(entry["position"])) for entry in entries] == [("invalid", "1"), ("screened", "2")]
    errors = entries[0]["errors"]  # a list of {path, message}; in CSV, "path: message" text
    message = errors if isinstance(errors, str) else "; ".join(f"{e['path']}: {e['message']}" for e in errors)
    assert "$: line 1, column 14: \\ud800 is half of a surrogate pair" in message
    assert entries[1]["id"] == "emoji-\U0001f600-is-fine"

    screened = mgk("screen", "-", stdin=b'{"id": "half-\\ud800-pair"}')
    assert screened.code == ExitCode.USAGE
    assert "<stdin>: invalid JSON at line 1, column 14: \\ud800 is half of a surrogate pair" in screened.stderr


def test_binary_junk_is_reported_as_not_json_and_the_other_inputs_still_screened(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(random.Random(7).randbytes(64 * 1024))
    (tmp_path / "good.jsonl").write_text('{"id": "kept", "age": 44}\n', encoding="utf-8")

    alone, nothing = batch("junk.bin", out=tmp_path / "alone.jsonl", cwd=tmp_path)
    assert alone.code == ExitCode.USAGE
    assert "junk.bin: not JSON: binary data (byte 0x" in alone.stderr
    assert nothing == []

    run, entries = batch("junk.bin", "good.jsonl", out=tmp_path / "out.jsonl", cwd=tmp_path)
    assert run.code == ExitCode.INVALID_RECORDS
    assert "junk.bin: not JSON: binary data" in run.stderr
    assert len(entries) == 1
    assert_screened(entries[0], "good.jsonl", 1, "kept")

    screened = mgk("screen", "junk.bin", cwd=tmp_path)
    assert screened.code == ExitCode.USAGE
    assert "junk.bin: not JSON: binary data (byte 0x" in screened.stderr


# ----------------------------------------------------------------------------------------- absurd sizes


@pytest.mark.parametrize("fmt", ["jsonl", "array"])
def test_record_holding_a_10_mb_string_is_reported_and_its_neighbours_screened(tmp_path: Path, fmt: str) -> None:
    records = [
        '{"id": "kept-1", "age": 70}',
        '{"id": "huge", "medications": ["' + "furosemide " * (TEN_MB // 11) + '"]}',
        '{"id": "kept-2", "age": 71}',
    ]
    name = f"huge.{fmt}"
    (tmp_path / name).write_text("\n".join(records) + "\n" if fmt == "jsonl" else "[" + ",\n".join(records) + "]")
    run, entries = batch(name, out=tmp_path / "out.jsonl", cwd=tmp_path)
    assert run.code == ExitCode.INVALID_RECORDS
    assert len(entries) == 3
    assert_screened(entries[0], name, 1, "kept-1")
    assert_invalid(entries[1], name, 2, "$.medications[0]", "must be at most 200 characters long")
    assert_screened(entries[2], name, 3, "kept-2")
    assert (tmp_path / "out.jsonl").stat().st_size < 1024 * 1024  # the 10 MB are not copied into the output


def test_an_invalid_10_mb_id_is_not_copied_into_the_output(tmp_path: Path) -> None:
    (tmp_path / "huge_id.jsonl").write_text('{"id": "' + "x" * TEN_MB + '"}\n{"id": "kept"}\n', encoding="utf-8")
    run, entries = batch("huge_id.jsonl", out=tmp_path / "out.jsonl", cwd=tmp_path)
    assert run.code == ExitCode.INVALID_RECORDS
    assert_invalid(entries[0], "huge_id.jsonl", 1, "$.id", "at most 128 characters")
    assert entries[0]["id"] == "1"


@pytest.mark.parametrize("fmt", ["jsonl", "array"])
def test_arrays_nested_100000_deep_are_reported_and_the_next_record_still_read(tmp_path: Path, fmt: str) -> None:
    records = [
        '{"id": "kept-1", "age": 70}',
        '{"id": "deep", "labs": ' + "[" * DEEP + "]" * DEEP + "}",
        '{"id": "kept-2", "age": 71}',
    ]
    name = f"deep.{fmt}"
    (tmp_path / name).write_text("\n".join(records) + "\n" if fmt == "jsonl" else "[" + ",\n".join(records) + "]")
    run, entries = batch(name, out=tmp_path / "out.jsonl", cwd=tmp_path)
    assert run.code == ExitCode.INVALID_RECORDS
    assert len(entries) == 3
    assert_screened(entries[0], name, 1, "kept-1")
    assert_invalid(entries[1], name, 2, "$", "line 2, column", "nested too deeply to read")
    assert_screened(entries[2], name, 3, "kept-2")

    (tmp_path / "deep.json").write_text("[" * DEEP + "]" * DEEP)
    screened = mgk("screen", "deep.json", cwd=tmp_path)
    assert screened.code == ExitCode.USAGE
    assert "deep.json: line 1, column 2: nested too deeply to read" in screened.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "array"])
def test_integer_too_long_to_read_spoils_only_its_record(tmp_path: Path, fmt: str) -> None:
    # Python refuses to convert integers of more than 4300 digits: this used to end the run (exit 1).
    records = ['{"id": "kept-1"}', '{"id": "long", "age": ' + "9" * 5000 + "}", '{"id": "kept-2"}']
    name = f"long.{fmt}"
    (tmp_path / name).write_text("\n".join(records) + "\n" if fmt == "jsonl" else "[" + ",\n".join(records) + "]")
    run, entries = batch(name, out=tmp_path / "out.jsonl", cwd=tmp_path)
    assert run.code == ExitCode.INVALID_RECORDS
    assert len(entries) == 3
    assert_screened(entries[0], name, 1, "kept-1")
    assert_invalid(entries[1], name, 2, "$", "line 2, column", "number too long")
    assert_screened(entries[2], name, 3, "kept-2")

    (tmp_path / "long.json").write_text('{"age": ' + "9" * 5000 + "}")
    screened = mgk("screen", "long.json", cwd=tmp_path)
    assert screened.code == ExitCode.USAGE
    assert "long.json: invalid JSON at line 1, column 9: number too long" in screened.stderr


# ------------------------------------------------------------------------------- JSON Lines and folders


def test_json_lines_file_with_one_broken_line_keeps_the_good_records(tmp_path: Path) -> None:
    run, entries = batch("one_broken_line.jsonl", out=tmp_path / "out.jsonl")
    assert run.code == ExitCode.INVALID_RECORDS
    assert len(entries) == 3
    assert_screened(entries[0], "one_broken_line.jsonl", 1, "kept-1")
    assert_invalid(entries[1], "one_broken_line.jsonl", 2, "$", "line 2, column 28")
    assert_screened(entries[2], "one_broken_line.jsonl", 3, "kept-2")
    assert "3 records read: 2 screened, 1 invalid" in run.stderr

    validated = mgk("validate", "one_broken_line.jsonl")
    assert validated.code == ExitCode.INVALID_RECORDS
    assert "one_broken_line.jsonl record 2: line 2, column 28:" in validated.stdout


def test_broken_line_on_stdin_keeps_the_good_records_on_stdout() -> None:
    run = mgk("batch", "-", stdin=(CORPUS / "one_broken_line.jsonl").read_bytes())
    assert run.code == ExitCode.INVALID_RECORDS
    entries = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(entry["status"], entry["source"], entry["position"]) for entry in entries] == [
        ("screened", "<stdin>", 1),
        ("invalid", "<stdin>", 2),
        ("screened", "<stdin>", 3),
    ]


def _folder_with_unreadable_entries(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"id": "a-1", "age": 70}\n{"id": "a-2", "age": 71}\n', encoding="utf-8")
    (folder / "b.json").symlink_to(tmp_path / "gone.json")  # a dangling link: cannot be opened
    (folder / "c.json").write_text('{"id": "c-1", "age": 72}', encoding="utf-8")
    (folder / "d.json").mkdir()  # a folder named like a file
    return folder


def test_directory_holding_an_unreadable_file_reports_it_by_name_and_screens_the_rest(tmp_path: Path) -> None:
    _folder_with_unreadable_entries(tmp_path)
    run, entries = batch("records", out=tmp_path / "out.jsonl", cwd=tmp_path)
    assert run.code == ExitCode.INVALID_RECORDS
    assert "records/b.json: cannot read file: No such file or directory" in run.stderr
    assert "records/d.json: cannot read file: a directory" in run.stderr
    assert "3 records read: 3 screened, 0 invalid, 2 unreadable files" in run.stderr
    assert [(entry["source"], entry["position"], entry["id"]) for entry in entries] == [
        ("records/a.jsonl", 1, "a-1"),
        ("records/a.jsonl", 2, "a-2"),
        ("records/c.json", 1, "c-1"),
    ]
    assert all(entry["status"] == "screened" for entry in entries)

    validated = mgk("validate", "records", cwd=tmp_path)
    assert validated.code == ExitCode.INVALID_RECORDS
    assert "records/b.json: cannot read file" in validated.stderr
    assert "3 records read, 3 valid, 0 with errors, 2 unreadable files" in validated.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_directory_holding_a_file_without_read_permission_screens_the_rest(tmp_path: Path) -> None:
    folder = _folder_with_unreadable_entries(tmp_path)
    locked = folder / "e.json"
    locked.write_text('{"id": "e-1"}', encoding="utf-8")
    locked.chmod(0)
    try:
        run, entries = batch("records", out=tmp_path / "out.jsonl", cwd=tmp_path)
    finally:
        locked.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert run.code == ExitCode.INVALID_RECORDS
    assert "records/e.json: cannot read file: Permission denied" in run.stderr
    assert [entry["id"] for entry in entries] == ["a-1", "a-2", "c-1"]


# ------------------------------------------------------------------------------------- output kept safe


def test_a_batch_with_nothing_readable_leaves_an_earlier_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    first, _ = batch("one_broken_line.jsonl", out=out)
    assert first.code == ExitCode.INVALID_RECORDS
    before = out.read_bytes()
    again, _ = batch("empty.json", out=out)
    assert again.code == ExitCode.USAGE
    assert out.read_bytes() == before


# ------------------------------------------------------------------------------------------ the corpus


def test_every_corpus_file_is_described_in_the_readme_and_used_by_a_test() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    tests = Path(__file__).read_text(encoding="utf-8")
    cases = sorted(path.name for path in CORPUS.iterdir() if path.name != "README.md")
    assert cases, "the corpus is empty"
    for name in cases:
        assert f"`{name}`" in readme, f"{name} is not described in tests/bad_inputs/README.md"
        assert f'"{name}"' in tests, f"no test runs {name}"


def test_corpus_files_stay_tiny() -> None:
    sizes = {path.name: path.stat().st_size for path in CORPUS.iterdir() if path.name != "README.md"}
    assert all(size < 1024 for size in sizes.values()), sizes


def test_messages_stay_on_one_line_however_long_the_file_name(tmp_path: Path) -> None:
    # Wrapped at the terminal width, a path is split and a search for it in a log finds nothing.
    name = "exported_from_the_clinic_spreadsheet_" * 4 + "empty.json"
    (tmp_path / name).write_bytes(b"")
    run = mgk("batch", name, cwd=tmp_path)
    assert run.code == ExitCode.USAGE
    assert f"mgk-screen: {name}: file is empty: no records\n" in run.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_a_lone_surrogate_from_a_python_caller_is_written_escaped_not_lost(tmp_path: Path, fmt: str) -> None:
    from screener.batch.writers import open_writer

    out = tmp_path / f"out.{fmt}"
    with open_writer(str(out), fmt) as writer:  # type: ignore[arg-type]
        writer.write({"status": "invalid", "id": "half-\ud800", "position": 1, "errors": []})
        writer.write({"status": "invalid", "id": "next", "position": 2, "errors": []})
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        ids = [entry["id"] for entry in json.loads(text)]
    elif fmt == "csv":
        ids = [row["id"] for row in csv.DictReader(io.StringIO(text))]
    else:
        ids = [json.loads(line)["id"] for line in text.splitlines()]
    assert ids == ["half-\\ud800", "next"]  # the half pair shown as text, the rest as it was
