"""Where results may be written (issue 12, items 1, 2 and 11): never destroy a file.

- A regular file is replaced atomically (0600 when new, its own mode when it existed); a device
  or a named pipe is written directly and stays what it was; a symlink is followed to its
  target and stays a symlink. (As root, ``-o /dev/null`` once turned /dev/null into a
  world-readable file of health data.)
- An output that is also an input (by name, symlink, hard link, inside an input folder, or the
  file behind stdin) is refused before anything is read, with exit 2: the answers survive.
- A failure to write (disk full, a closed stdout) is "cannot write ..." with exit 2; a reader
  that goes away (``| head -1``) ends the run quietly with exit 141; ``screen`` and ``schema``
  never report success when nothing could be written.

These tests never write to a real device but /dev/full (which stays full whatever is written);
a device anywhere else is imitated by a FIFO or by ``os.stat`` answering "character device".
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from screener import errors
from screener.batch import writers
from screener.errors import ExitCode

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_COLOR": "1"}
RECORDS = [{"id": f"p{n}", "age": 30 + n, "medications": ["Lasix 40 mg"], "symptoms": ["muscle_cramps"]} for n in range(20)]

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def dev_full_is_a_device() -> bool:
    try:
        return stat.S_ISCHR(os.stat("/dev/full").st_mode)
    except OSError:
        return False


needs_dev_full = pytest.mark.skipif(not dev_full_is_a_device(), reason="needs /dev/full")


def mgk(*args: str, cwd: Path, stdin: Any = None, preexec_fn: Callable[[], None] | None = None, stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screener", *args],
        cwd=cwd,
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        timeout=300,
        preexec_fn=preexec_fn,
    )


def answers_file(folder: Path, name: str = "answers.jsonl") -> Path:
    path = folder / name
    path.write_text("".join(json.dumps(record) + "\n" for record in RECORDS), encoding="utf-8")
    return path


# ------------------------------------------------------------------ item 1: devices, FIFOs, links


@needs_fifo
def test_results_sent_to_a_named_pipe_go_through_it_and_the_pipe_stays_a_pipe(tmp_path: Path) -> None:
    source = answers_file(tmp_path)
    pipe = tmp_path / "results.pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    done = mgk("batch", str(source), "-o", str(pipe), "-q", cwd=tmp_path)
    reader.join(timeout=60)
    if reader.is_alive():  # the command never opened the pipe: let the reader go before failing
        with open(pipe, "w"):
            pass
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(pipe.lstat().st_mode), "the named pipe was replaced by a file"
    assert [json.loads(line)["id"] for line in received[0].splitlines()] == [r["id"] for r in RECORDS]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_results_written_through_a_symlink_land_in_its_target_which_keeps_its_mode(tmp_path: Path) -> None:
    source = answers_file(tmp_path)
    (tmp_path / "shared").mkdir()
    target = tmp_path / "shared" / "results.jsonl"
    target.write_text("earlier\n")
    target.chmod(0o640)
    link = tmp_path / "results.jsonl"
    link.symlink_to(target)
    done = mgk("batch", str(source), "-o", str(link), "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink(), "the symlink was replaced by a file"
    assert len(target.read_text().splitlines()) == len(RECORDS)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_symlink_to_a_file_not_there_yet_creates_the_target_privately(tmp_path: Path) -> None:
    source = answers_file(tmp_path)
    link = tmp_path / "results.jsonl"
    link.symlink_to(tmp_path / "new.jsonl")
    done = mgk("batch", str(source), "-o", str(link), "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink()
    assert stat.S_IMODE((tmp_path / "new.jsonl").stat().st_mode) == 0o600


def pretend_character_device(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """``os.stat`` says ``path`` is a character device readable and writable by all (0666)."""
    real_stat = os.stat

    def fake_stat(given: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        status = real_stat(given, *args, **kwargs)
        if os.fspath(given) == str(path):
            fields = list(status)
            fields[stat.ST_MODE] = stat.S_IFCHR | 0o666
            return os.stat_result(fields)
        return status

    monkeypatch.setattr(os, "stat", fake_stat)


def test_a_device_is_written_in_place_and_its_mode_never_copied_onto_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = tmp_path / "device"
    device.write_text("")
    device.chmod(0o600)
    inode = device.stat().st_ino
    pretend_character_device(monkeypatch, device)
    with writers.open_writer(str(device), "jsonl") as writer:
        writer.write({"status": "invalid", "id": "1", "errors": []})
    monkeypatch.undo()
    assert device.stat().st_ino == inode, "the device was replaced by another file"
    assert stat.S_IMODE(device.stat().st_mode) == 0o600, "the device's 0666 was copied onto the results"
    assert json.loads(device.read_text())["id"] == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["device"]


def test_a_new_results_file_is_private_and_an_existing_one_keeps_its_mode(tmp_path: Path) -> None:
    source = answers_file(tmp_path)
    assert mgk("batch", str(source), "-o", "new.jsonl", "-q", cwd=tmp_path).returncode == 0
    assert stat.S_IMODE((tmp_path / "new.jsonl").stat().st_mode) == 0o600
    (tmp_path / "old.jsonl").write_text("")
    (tmp_path / "old.jsonl").chmod(0o664)
    assert mgk("batch", str(source), "-o", "old.jsonl", "-q", cwd=tmp_path).returncode == 0
    assert stat.S_IMODE((tmp_path / "old.jsonl").stat().st_mode) == 0o664


# -------------------------------------------------------------- item 2: an output that is an input


def refused(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert "is also an input" in done.stderr and "would replace the answers" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("how", ["same-name", "symlink", "hard-link", "other-spelling"])
def test_an_output_that_is_an_input_is_refused_before_anything_is_read(tmp_path: Path, how: str) -> None:
    source = answers_file(tmp_path)
    before = source.read_bytes()
    output = {
        "same-name": "answers.jsonl",
        "symlink": "link.jsonl",
        "hard-link": "hard.jsonl",
        "other-spelling": f"./sub/../{source.name}",
    }[how]
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.jsonl").symlink_to(source)
    os.link(source, tmp_path / "hard.jsonl")
    refused(mgk("batch", str(source), "-o", output, cwd=tmp_path))
    assert source.read_bytes() == before


def test_an_output_inside_an_input_folder_that_is_one_of_its_files_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cohort"
    folder.mkdir()
    source = answers_file(folder, "a.jsonl")
    before = source.read_bytes()
    refused(mgk("batch", str(folder), "-o", str(source), cwd=tmp_path))
    assert source.read_bytes() == before


def test_an_output_that_is_the_file_given_on_stdin_is_refused(tmp_path: Path) -> None:
    source = answers_file(tmp_path)
    before = source.read_bytes()
    with open(source, "rb") as given:
        refused(mgk("batch", "-", "-o", str(source), cwd=tmp_path, stdin=given))
    assert source.read_bytes() == before


def test_the_library_refuses_it_too() -> None:
    source = str(ROOT / "examples" / "cohort.jsonl")
    with pytest.raises(errors.OutputError, match="is also an input"):
        writers.output_target(source, [source])
    assert writers.output_target("-", [source]) == writers.OutputTarget("-", None)


# ---------------------------------------------------------------------- item 11: write failures


@needs_dev_full
def test_a_full_disk_is_cannot_write_and_exit_2_and_the_device_stays_a_device(tmp_path: Path) -> None:
    source = answers_file(tmp_path)
    (tmp_path / "full.jsonl").symlink_to("/dev/full")
    done = mgk("batch", str(source), "-o", "full.jsonl", cwd=tmp_path)
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert "cannot write full.jsonl: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr and "This is a bug" not in done.stderr
    assert (tmp_path / "full.jsonl").is_symlink() and dev_full_is_a_device()


@needs_dev_full
@pytest.mark.parametrize(
    "command",
    [["batch", "answers.jsonl"], ["schema", "answers"], ["screen", "one.json"], ["rules", "list"]],
    ids=["batch", "schema", "screen", "rules-list"],
)
def test_stdout_on_a_full_disk_is_cannot_write_and_exit_2(tmp_path: Path, command: list[str]) -> None:
    answers_file(tmp_path)
    (tmp_path / "one.json").write_text(json.dumps(RECORDS[0]))
    with open("/dev/full", "w") as full:
        done = mgk(*command, cwd=tmp_path, stdout=full)
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert "cannot write" in done.stderr and "No space left on device" in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def close_stdout() -> None:
    os.close(1)


@pytest.mark.parametrize(
    "command",
    [["schema", "answers"], ["screen", "one.json"], ["screen", "one.json", "--json"], ["batch", "answers.jsonl"]],
    ids=["schema", "screen", "screen-json", "batch"],
)
def test_a_closed_stdout_is_never_reported_as_success(tmp_path: Path, command: list[str]) -> None:
    answers_file(tmp_path)
    (tmp_path / "one.json").write_text(json.dumps(RECORDS[0]))
    done = mgk(*command, cwd=tmp_path, preexec_fn=close_stdout, stdout=None)
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert "cannot write" in done.stderr and "stdout is closed" in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_with_stdout_closed_the_results_file_is_still_written_and_stays_clean(tmp_path: Path) -> None:
    """With descriptor 1 closed, the temporary results file would get its number: anything
    printed would land in the results. The command holds it on the null device instead."""
    source = answers_file(tmp_path)
    done = mgk("batch", str(source), "-o", "out.jsonl", cwd=tmp_path, preexec_fn=close_stdout, stdout=None)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["id"] for line in (tmp_path / "out.jsonl").read_text().splitlines()] == [r["id"] for r in RECORDS]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_reader_that_goes_away_ends_the_run_quietly_with_exit_141(tmp_path: Path, workers: str) -> None:
    many = tmp_path / "many.jsonl"
    many.write_text("{}\n" * 200_000)
    command = subprocess.Popen(
        [sys.executable, "-m", "screener", "batch", str(many), "-q", "--workers", workers],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    assert command.stdout is not None and command.stderr is not None
    first = command.stdout.readline()
    command.stdout.close()  # like `| head -1`
    errors = command.stderr.read().decode()
    command.stderr.close()
    assert command.wait(timeout=300) == 141, errors
    assert json.loads(first)["status"] == "screened"
    assert errors == ""


@pytest.mark.parametrize("output_format", ["jsonl", "parquet"])
def test_a_reader_that_goes_away_in_the_middle_of_the_last_block_still_ends_the_run_with_exit_141(
    tmp_path: Path, output_format: str
) -> None:
    """The example cohort (53 records, 3 of them invalid) is written in one block of about
    190 kB at the end, more than a pipe holds. When `head -1` goes away in the middle of it, the
    write takes part of the block without an error, and only the next write fails: taking the
    part for the whole once ended the run with exit 3 and a summary claiming all 53 written."""
    command = subprocess.Popen(
        [sys.executable, "-m", "screener", "batch", str(ROOT / "examples" / "cohort.jsonl"), "-f", output_format],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    assert command.stdout is not None and command.stderr is not None
    command.stdout.read(1)
    command.stdout.close()  # like `| head -c 1`
    errors = command.stderr.read().decode()
    command.stderr.close()
    assert command.wait(timeout=300) == 141, errors
    assert errors == ""  # no summary claiming the records were written


def test_writing_to_a_directory_or_a_missing_folder_is_refused_with_exit_2(tmp_path: Path) -> None:
    source = answers_file(tmp_path)
    done = mgk("batch", str(source), "-o", str(tmp_path), cwd=tmp_path)
    assert done.returncode == ExitCode.USAGE and "it is a directory" in done.stderr
    done = mgk("batch", str(source), "-o", "missing/out.jsonl", cwd=tmp_path)
    assert done.returncode == ExitCode.USAGE and "cannot write missing/out.jsonl" in done.stderr


def test_open_writer_still_takes_a_plain_path(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with writers.open_writer(str(path), "jsonl") as writer:
        writer.write({"id": "1"})
    assert json.loads(path.read_text()) == {"id": "1"}
