"""`mgk-screen batch --workers N`: the same output as one process, in the same order, with the
same summary; a bad worker count is refused; stopping early or with Ctrl-C leaves nothing behind."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from screener.batch.runner import CHUNK_RECORDS, BatchSummary, screen_inputs
from screener.errors import InputError
from screener.synthetic import cohort

CLI = [sys.executable, "-c", "from screener.cli.main import main; main()"]
BROKEN = {"id": "broken", "age": 200, "sympoms": ["fatigue"]}


def _inputs(folder: Path, records: int = 5 * CHUNK_RECORDS + 37) -> list[str]:
    """A JSON Lines file (valid, invalid and unparsable records), a JSON array, and a file that
    cannot be read at all between them: every kind of item, over several chunks."""
    lines = []
    for number, answers in enumerate(cohort(records, seed=61), 1):
        if number % 97 == 0:
            lines.append(json.dumps(BROKEN | {"id": f"broken-{number}"}))
        elif number % 131 == 0:
            lines.append('{"age": 40, "sex": ')
        else:
            lines.append(json.dumps(answers))
    first = folder / "a.jsonl"
    first.write_text("\n".join(lines) + "\n", encoding="utf-8")
    binary = folder / "b.jsonl"
    binary.write_bytes(bytes(range(256)) * 4)
    array = folder / "c.json"
    array.write_text(json.dumps(list(cohort(CHUNK_RECORDS + 3, seed=62))), encoding="utf-8")
    return [str(first), str(binary), str(array)]


def _batch(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, "batch", *args], capture_output=True, text=True, timeout=600, **kwargs)


def _summary(stderr: str) -> list[str]:
    # The rate differs from run to run; everything else must not.
    return [line.split(" (")[0] if "records read" in line else line for line in stderr.splitlines()]


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "parquet", "fhir"])
def test_two_workers_write_what_one_process_writes(tmp_path: Path, fmt: str) -> None:
    inputs = _inputs(tmp_path)
    runs = {}
    for workers in (1, 2):
        out = tmp_path / f"out-{workers}.{fmt}"
        runs[workers] = (_batch([*inputs, "-o", str(out), "--format", fmt, "--workers", str(workers)]), out.read_bytes())
    (one, one_out), (two, two_out) = runs[1], runs[2]
    assert one.returncode == two.returncode == 3, one.stderr
    assert two_out == one_out
    assert _summary(two.stderr) == _summary(one.stderr)
    assert "b.jsonl: not JSON: binary data" in two.stderr


def test_entries_come_in_input_order_and_the_summary_is_the_same(tmp_path: Path, screener: Any) -> None:
    inputs = _inputs(tmp_path)
    results = {}
    for workers in (1, 2, 3):
        summary = BatchSummary()
        entries = list(screen_inputs(inputs, screener, summary, fail_on="urgent", workers=workers))
        results[workers] = (entries, summary.as_dict(), summary.reached_fail_on)
    assert results[2] == results[1] == results[3]
    entries, counts, _ = results[1]
    assert [(e["source"], e["position"]) for e in entries] == sorted(
        ((e["source"], e["position"]) for e in entries), key=lambda pair: (pair[0], pair[1])
    )
    assert counts["records_read"] == len(entries) == 5 * CHUNK_RECORDS + 37 + CHUNK_RECORDS + 3
    assert counts["invalid"] > 0 and counts["screened"] > 0 and len(counts["unreadable_sources"]) == 1


def test_stdin_is_read_by_the_parent_and_screened_by_the_workers(tmp_path: Path) -> None:
    text = "".join(json.dumps(answers) + "\n" for answers in cohort(300, seed=63))
    one = _batch(["-", "--workers", "1"], input=text)
    two = _batch(["-", "--workers", "2"], input=text)
    assert one.returncode == two.returncode == 0
    assert two.stdout == one.stdout and len(two.stdout.splitlines()) == 300


@pytest.mark.parametrize("given", ["0", "-1", "two", "1.5"])
def test_a_worker_count_below_one_or_not_a_number_is_a_usage_error(tmp_path: Path, given: str) -> None:
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"age": 40}) + "\n", encoding="utf-8")
    run = _batch([str(records), "--workers", given])
    assert run.returncode == 2
    assert "--workers" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("workers", [0, -2, True, 1.5, "2"])
def test_the_library_refuses_a_bad_worker_count(screener: Any, workers: Any) -> None:
    with pytest.raises(InputError, match="--workers"):
        screen_inputs(["unused"], screener, BatchSummary(), workers=workers)


def test_stopping_early_leaves_no_worker_behind(tmp_path: Path, screener: Any) -> None:
    inputs = _inputs(tmp_path)
    entries = screen_inputs(inputs, screener, BatchSummary(), workers=2)
    first = [next(entries) for _ in range(10)]
    assert [e["position"] for e in first] == list(range(1, 11))
    entries.close()
    assert multiprocessing.active_children() == []


def test_ctrl_c_stops_every_process_writes_no_file_and_exits_130(tmp_path: Path) -> None:
    records = tmp_path / "many.jsonl"
    records.write_text("".join(json.dumps(a) + "\n" for a in cohort(40000, seed=64)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    # A terminal's Ctrl-C goes to the whole foreground process group: workers included.
    child = subprocess.Popen(
        [*CLI, "batch", str(records), "-o", str(out), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # A test run started in the background inherits SIGINT ignored; the command must get it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.jsonl.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # well into the run: workers started and busy
    assert child.poll() is None, "the batch ended before it could be interrupted: give it more records"
    os.killpg(child.pid, signal.SIGINT)
    _, stderr = child.communicate(timeout=120)
    assert child.returncode == 130, stderr
    assert "interrupted after" in stderr and "no output file was written" in stderr
    assert "Traceback" not in stderr
    assert not out.exists() and not list(tmp_path.glob(".out.jsonl.*"))
    with pytest.raises(ProcessLookupError):  # nothing of the group is left running
        os.killpg(child.pid, 0)


def test_duplicate_ids_are_counted_exactly_in_little_memory() -> None:
    import random
    from collections import Counter

    from screener.batch.runner import SeenIds

    rng = random.Random(7)
    ids = [str(rng.randint(0, 60000)) for _ in range(100000)] + ["", "é", "1", "x" * 1000, "1"]
    seen = SeenIds()
    duplicates = sum(not seen.add(identifier) for identifier in ids)
    assert duplicates == sum(count - 1 for count in Counter(ids).values())
    assert len(seen) == len(set(ids))


def test_a_named_pipe_is_read_once_and_shared_by_the_workers(tmp_path: Path) -> None:
    # Two processes reading one named pipe would each get part of it: this process copies it as
    # it arrives, and the workers read the copy (as they read stdin).
    text = "".join(json.dumps(answers) + "\n" for answers in cohort(3 * CHUNK_RECORDS + 5, seed=65))
    (tmp_path / "people.jsonl").write_text(text, encoding="utf-8")
    pipe = tmp_path / "people.pipe"
    os.mkfifo(pipe)
    writer = subprocess.Popen(["sh", "-c", f"cat '{tmp_path / 'people.jsonl'}' > '{pipe}'"])
    try:
        two = _batch([str(pipe), "-o", str(tmp_path / "two.jsonl"), "--workers", "2"])
    finally:
        writer.wait(timeout=60)
    one = _batch([str(tmp_path / "people.jsonl"), "-o", str(tmp_path / "one.jsonl")])
    assert one.returncode == two.returncode == 0, two.stderr
    expected = (tmp_path / "one.jsonl").read_text(encoding="utf-8").replace(str(tmp_path / "people.jsonl"), str(pipe))
    assert (tmp_path / "two.jsonl").read_text(encoding="utf-8") == expected
    assert len(expected.splitlines()) == 3 * CHUNK_RECORDS + 5


def test_a_cohort_report_counted_with_two_workers_counts_what_one_process_counts(tmp_path: Path) -> None:
    pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")
    from screener.reports import tally_files
    from screener.screening.ruleset import load_ruleset

    inputs = _inputs(tmp_path)
    outputs = []
    for workers in ("1", "2"):
        out, report = tmp_path / f"out-{workers}.jsonl", tmp_path / f"report-{workers}.html"
        done = _batch([*inputs, "-o", str(out), "--report", str(report), "--workers", workers, "-q"])
        assert done.returncode == 3, done.stderr
        assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    tallies = [tally_files([str(tmp_path / f"out-{workers}.jsonl")], load_ruleset()) for workers in ("1", "2")]
    assert tallies[0].levels == tallies[1].levels and tallies[0].records == tallies[1].records
