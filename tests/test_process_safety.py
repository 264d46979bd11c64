"""Processes and signals (issue 12, items 5, 7 and 14): the command never takes the machine down,
never leaves processes behind and stops cleanly however it is stopped.

- ``--workers`` is capped at 4 per CPU (``--workers 100000000`` once forked until the machine
  stopped answering): above it, exit 2 before anything is started.
- SIGTERM is handled like Ctrl-C: a message saying how far the run got, no temporary file, exit
  143 (and 143 for the whole process group, workers included).
- Workers die with their parent and never hold the output pipe open; a worker killed while
  screening gives "a worker process died ... try again with --workers 1", not "This is a bug".
- Ctrl-C while the command is still starting (importing) ends it with 130, without a traceback.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from screener.batch import runner
from screener.errors import ExitCode, InputError
from screener.synthetic import cohort

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and process groups")

ENV = {**os.environ, "NO_COLOR": "1"}
COMMAND = [sys.executable, "-m", "screener"]


def default_signals() -> None:
    # A test run started in the background inherits SIGINT ignored; the command must get it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def records(count: int, seed: int = 5) -> bytes:
    return "".join(json.dumps(answers) + "\n" for answers in cohort(count, seed=seed)).encode()


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.05)


def children_of(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(child) for task in tasks for child in (task / "children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


needs_proc = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc to find the workers")


# --------------------------------------------------------------------------- item 5: --workers cap


def test_more_workers_than_four_per_cpu_is_refused_with_exit_2_before_anything_starts(tmp_path: Path) -> None:
    cap = runner.most_workers()
    (tmp_path / "a.json").write_text('{"id": "a"}')
    done = subprocess.run(
        [*COMMAND, "batch", "a.json", "--workers", str(cap + 1)], cwd=tmp_path, capture_output=True, text=True, env=ENV, timeout=120
    )
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert f"--workers {cap + 1} is more than this machine can use: at most {cap}" in done.stderr
    assert done.stdout == ""


def test_the_cap_is_four_workers_per_cpu_the_process_may_use() -> None:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    assert runner.most_workers() == 4 * cpus


@pytest.mark.parametrize("workers", [10**8, 10**4])
def test_the_library_refuses_an_absurd_worker_count_without_forking(workers: int) -> None:
    with pytest.raises(InputError, match="more than this machine can use"):
        runner.check_workers(workers)


# --------------------------------------------------------------------------------- item 7: SIGTERM


def test_sigterm_while_screening_exits_143_says_how_far_it_got_and_leaves_no_file(tmp_path: Path) -> None:
    source = tmp_path / "records.jsonl"
    source.write_bytes(records(20_000))
    out_dir = tmp_path / "results"
    out_dir.mkdir()
    process = subprocess.Popen(
        [*COMMAND, "batch", str(source), "-o", str(out_dir / "out.jsonl")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        preexec_fn=default_signals,
    )
    try:
        wait_for(lambda: any(p.stat().st_size > 0 for p in out_dir.glob(".out.jsonl.*.tmp")), "screening has started")
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    message = stderr.decode()
    assert process.returncode == ExitCode.TERMINATED, message
    assert "stopped by SIGTERM after" in message and "no output file was written" in message
    assert "Traceback" not in message
    assert list(out_dir.iterdir()) == []


def test_sigterm_to_the_whole_group_stops_workers_too_with_exit_143(tmp_path: Path) -> None:
    source = tmp_path / "records.jsonl"
    source.write_bytes(records(40_000, seed=6))
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [*COMMAND, "batch", str(source), "-o", str(out), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        start_new_session=True,
        preexec_fn=default_signals,
    )
    try:
        wait_for(lambda: any(p.stat().st_size > 0 for p in tmp_path.glob(".out.jsonl.*.tmp")), "screening has started")
        time.sleep(0.5)  # workers started and busy
        os.killpg(process.pid, signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    message = stderr.decode()
    assert process.returncode == ExitCode.TERMINATED, message
    assert "stopped by SIGTERM after" in message and "Traceback" not in message
    assert not out.exists() and not list(tmp_path.glob(".out.jsonl.*"))
    with pytest.raises(ProcessLookupError):  # nothing of the group is left running
        os.killpg(process.pid, 0)


@needs_proc
def test_workers_die_with_their_parent_and_never_hold_the_output_pipe(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [*COMMAND, "batch", "-", "--workers", "2"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    assert process.stdin is not None and process.stdout is not None
    workers: list[int] = []
    try:
        process.stdin.write(records(300))  # enough chunks for the workers to be started
        process.stdin.flush()  # stdin stays open: the command waits for more
        wait_for(lambda: bool(children_of(process.pid)), "the workers are started")
        workers = children_of(process.pid)
        process.kill()  # the parent dies without any chance to clean up
        process.wait(timeout=60)
        wait_for(lambda: not any(alive(pid) for pid in workers), "the workers are gone", seconds=30)
        # Whoever reads the output sees its end: no worker holds the pipe open.
        process.stdout.read()
    finally:
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.stdin.close()
        process.stdout.close()


@needs_proc
def test_a_worker_killed_while_screening_gives_the_worker_message_not_a_bug_report(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [*COMMAND, "batch", "-", "--workers", "2", "-o", str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    assert process.stdin is not None
    try:
        process.stdin.write(records(300))
        process.stdin.flush()
        wait_for(lambda: bool(children_of(process.pid)), "the workers are started")
        for pid in children_of(process.pid):
            os.kill(pid, signal.SIGKILL)  # as the out-of-memory killer would
        process.stdin.write(records(2000, seed=7))
        process.stdin.close()
        _, stderr = process.communicate(timeout=120)
    except BrokenPipeError:  # the command already stopped reading
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    message = stderr.decode()
    assert "a worker process died while screening" in message and "try again with --workers 1" in message
    assert "This is a bug" not in message and "Traceback" not in message
    assert process.returncode == ExitCode.UNEXPECTED
    assert not out.exists()


# ------------------------------------------------------------------ item 14: Ctrl-C at start-up

CTRL_C_DURING_IMPORT = '''
import sys


class CtrlC:
    """Ctrl-C arriving while the command imports its libraries (typer, rich, ...)."""

    def find_spec(self, name, path=None, target=None):
        if name == "typer":
            raise KeyboardInterrupt
        return None


sys.meta_path.insert(0, CtrlC())
'''


@pytest.mark.parametrize("entry", ["module", "script"])
def test_ctrl_c_while_the_command_starts_ends_it_with_130_and_no_traceback(tmp_path: Path, entry: str) -> None:
    (tmp_path / "sitecustomize.py").write_text(CTRL_C_DURING_IMPORT)
    script = Path(sys.executable).parent / "mgk-screen"
    if entry == "script" and not script.exists():
        pytest.skip("the console script is not installed next to this Python")
    command = [*COMMAND, "--version"] if entry == "module" else [str(script), "--version"]
    done = subprocess.run(
        command, capture_output=True, text=True, env={**ENV, "PYTHONPATH": str(tmp_path)}, timeout=120
    )
    assert done.returncode == ExitCode.INTERRUPTED, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_every_exit_code_is_in_the_readme_table() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Exit codes and bad input") :].split("\n\n")[1]
    documented = {int(line.split("|")[1]): line.split("|")[2].strip(" `") for line in table.splitlines()[2:]}
    assert documented == {int(code): code.name for code in ExitCode}
