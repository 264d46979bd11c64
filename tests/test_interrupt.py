"""Safe failure: Ctrl-C and unexpected errors, through the real command in a subprocess.

- Ctrl-C exits 130 and says how many records were done; an output file is written atomically
  (temporary file, then rename), so an interrupted batch leaves no file that looks complete, no
  temporary file, and an earlier output untouched.
- An unexpected error (a bug) exits 1 with a one-line message and no traceback; ``--debug``
  shows the traceback for a bug report. Neither ever prints the answers: local variables are
  not shown (``pretty_exceptions_show_locals=False``).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

import pytest

from screener.errors import ExitCode
from screener.synthetic import cohort

ENV = {**os.environ, "NO_COLOR": "1"}
# Counts with thousands separators, as the summary writes them ("after 14,479 records").
INTERRUPTED = re.compile(r"interrupted after ([\d,]+) records \(([\d,]+) screened, ([\d,]+) invalid\)")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")


def _default_sigint() -> None:
    # A test run started in the background inherits SIGINT ignored; the command must get Ctrl-C.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def batch_process(
    *args: str, cwd: Path, stdin: IO[bytes] | int = subprocess.PIPE, stdout: IO[bytes] | int = subprocess.PIPE
) -> Iterator[subprocess.Popen[bytes]]:
    """``mgk-screen batch ARGS`` running in the background; killed if the test ends first."""
    process = subprocess.Popen(
        [sys.executable, "-m", "screener", "batch", *args],
        cwd=cwd,
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=ENV,
        preexec_fn=_default_sigint,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the command ended ({process.returncode}) before {what}: {process.stderr.read()!r}")  # type: ignore[union-attr]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.02)


def temporary_files(folder: Path) -> list[Path]:
    return [path for path in folder.iterdir() if path.name.endswith(".tmp")]


def lines_in(paths: list[Path]) -> int:
    lines = 0
    for path in paths:
        with suppress(FileNotFoundError):  # renamed or removed since the folder was listed
            lines += path.read_bytes().count(b"\n")
    return lines


def interrupt(process: subprocess.Popen[bytes]) -> tuple[int, str, str]:
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    return process.returncode, (stdout or b"").decode("utf-8", "replace"), stderr.decode("utf-8", "replace")


def jsonl(count: int, seed: int = 3) -> bytes:
    return "".join(json.dumps(record) + "\n" for record in cohort(count, seed=seed)).encode("utf-8")


# ------------------------------------------------------------------------------------------ Ctrl-C


def test_ctrl_c_while_screening_exits_130_says_how_many_were_done_and_leaves_no_output(tmp_path: Path) -> None:
    out_dir = tmp_path / "results"
    out_dir.mkdir()
    out = out_dir / "out.jsonl"
    records = tmp_path / "records.jsonl"
    records.write_bytes(jsonl(20_000))  # far more than is screened before the interrupt
    with records.open("rb") as stdin, batch_process("-", "-o", str(out), cwd=tmp_path, stdin=stdin) as process:
        # Entries are flushed every 100: once some are on disk, the command is screening.
        wait_for(lambda: lines_in(temporary_files(out_dir)) >= 100, "screening has started", process)
        code, stdout, stderr = interrupt(process)

    assert code == ExitCode.INTERRUPTED, stderr
    done = INTERRUPTED.search(stderr)
    assert done, stderr
    assert 100 <= int(done.group(1).replace(",", "")) < 20_000
    assert "no output file was written" in stderr
    assert list(out_dir.iterdir()) == [], "an interrupted batch left a file behind"
    assert "Traceback" not in stdout + stderr


def test_ctrl_c_while_waiting_for_input_counts_exactly_the_records_done(tmp_path: Path) -> None:
    out_dir = tmp_path / "results"
    out_dir.mkdir()
    out = out_dir / "out.jsonl"
    out.write_text("results of an earlier run\n", encoding="utf-8")
    with batch_process("-", "-o", str(out), cwd=tmp_path) as process:
        assert process.stdin is not None
        process.stdin.write(jsonl(200))  # read as they come: the write returns once they are read
        process.stdin.flush()  # stdin stays open: the command waits for more records
        wait_for(lambda: lines_in(temporary_files(out_dir)) == 200, "200 records are written", process)
        code, stdout, stderr = interrupt(process)

    assert code == ExitCode.INTERRUPTED, stderr
    assert "interrupted after 200 records (200 screened, 0 invalid); no output file was written." in stderr
    assert [path.name for path in out_dir.iterdir()] == ["out.jsonl"], "a temporary file was left behind"
    assert out.read_text(encoding="utf-8") == "results of an earlier run\n", "an earlier output was spoiled"
    assert "Traceback" not in stdout + stderr


def test_ctrl_c_with_a_json_array_on_stdout_says_the_output_is_incomplete(tmp_path: Path) -> None:
    captured = tmp_path / "stdout.json"
    with (
        captured.open("wb") as stdout_file,
        batch_process("-", "--format", "json", cwd=tmp_path, stdout=stdout_file) as process,
    ):
        assert process.stdin is not None
        process.stdin.write(jsonl(150))
        process.stdin.flush()
        wait_for(lambda: captured.read_bytes().count(b"\n") >= 100, "100 entries are written", process)
        code, _, stderr = interrupt(process)

    assert code == ExitCode.INTERRUPTED, stderr
    assert INTERRUPTED.search(stderr), stderr
    assert "output is incomplete" in stderr
    stdout = captured.read_text(encoding="utf-8")
    assert stdout.startswith("[")
    with pytest.raises(json.JSONDecodeError):  # the array is left unclosed: a partial list never parses
        json.loads(stdout)
    assert "Traceback" not in stdout + stderr


# ----------------------------------------------------------------------------------- unexpected errors

SENTINEL = "SENTINEL-ANSWER-7f3a"

# Makes screening fail the way a bug would, then runs the real entry point. The answers are held
# in a local variable of the failing frame (``answers``); in the first mode the message holds them too.
BROKEN_SCREENER = textwrap.dedent(
    """
    import sys
    import screener.screening.pipeline as screening

    def explode(self, value, **where):
        answers = value
        message = repr(answers) if sys.argv[1] == "message" else "engine exploded"
        raise RuntimeError(message)

    screening.Screener.screen_entry = explode
    screening.Screener.run = explode
    from screener.cli.main import main

    sys.argv = ["mgk-screen", *sys.argv[2:]]
    main()
    """
)


def run_broken(tmp_path: Path, mode: str, *args: str) -> tuple[int, str]:
    (tmp_path / "answers.json").write_text(
        json.dumps({"id": SENTINEL, "age": 70, "medications": [f"{SENTINEL} 40 mg"]}), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-c", BROKEN_SCREENER, mode, *args],
        cwd=tmp_path,
        capture_output=True,
        env=ENV,
        timeout=120,
    )
    return done.returncode, (done.stdout + done.stderr).decode("utf-8", "replace")


@pytest.mark.parametrize("command", [["batch", "answers.json", "-o", "results/out.jsonl"], ["screen", "answers.json"]])
def test_unexpected_error_says_it_is_a_bug_without_traceback_or_answers(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "results").mkdir()
    code, output = run_broken(tmp_path, "message", *command)
    assert code == ExitCode.UNEXPECTED
    assert "mgk-screen: unexpected error (RuntimeError). This is a bug" in output
    assert "--debug" in output
    assert "Traceback" not in output
    assert SENTINEL not in output, "the answers were printed"
    assert list((tmp_path / "results").iterdir()) == [], "a failed batch left a file behind"


def test_debug_shows_the_traceback_but_never_the_local_variables(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    code, output = run_broken(tmp_path, "clean", "--debug", "batch", "answers.json", "-o", "results/out.jsonl")
    assert code == ExitCode.UNEXPECTED
    assert "Traceback" in output
    assert "RuntimeError: engine exploded" in output
    assert "in explode" in output  # the failing frame is shown...
    assert SENTINEL not in output, "a local variable holding the answers was printed"  # ...its locals are not
    assert list((tmp_path / "results").iterdir()) == []


def test_without_debug_the_same_error_shows_no_traceback(tmp_path: Path) -> None:
    code, output = run_broken(tmp_path, "clean", "batch", "answers.json")
    assert code == ExitCode.UNEXPECTED
    assert "Traceback" not in output and "engine exploded" not in output
    assert "unexpected error (RuntimeError)" in output
