"""Batch screening benchmark: records/s end to end, against the engine's own floor and the I/O floor.

    python benchmarks/bench_batch.py --records 100000 --workers 1,2 --repeat 3
    python benchmarks/bench_batch.py --memory                      # 1,000,000 records

It writes a seeded cohort of *diverse* records (``screener.synthetic.diverse_cohort``: no two
alike, so no memo of the screener is flattered) to a temporary folder, then:

1. runs the real command, ``mgk-screen batch COHORT -o OUT --workers N``, in a child process:
   records/s over the whole run (start-up, parse, validate, screen, write, fsync), and peak
   memory, sampled from /proc for the whole process tree (parent and workers) and from
   ``getrusage`` (the largest single process);
2. times the same stages in this process, one record at a time, stage by stage, with
   ``time.process_time``: parse, validate, normalise, engine (the chain of steps: the C engine
   and the Python around it), result (building the entry) and write (encoding and writing it);
3. the engine's own floor: every message the engine received in step 2 (asserts and session
   deletions, recorded as they were sent) replayed into a fresh copy of the C engine with no
   Python around it; the engine stage minus this floor is the Python around each engine step;
4. the I/O floor on the same file: reading every record and writing a real result entry for
   each (the first results, cycled), with no screening.

It prints each figure and the ratios: end to end against both floors, two workers against one.
``--memory`` screens a JSON Lines file and a JSON array of ``--records`` records each (one
million by default) and prints how the memory of the process tree moved during the run: it must
stay flat (records are streamed, never all held).

Figures depend on the machine and on what else runs on it: run twice, compare ratios within a
run. Nothing here is a test; the test suite checks behaviour, not speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from stages import STAGES, engine_floor, io_floor, stage_split

ROOT = Path(__file__).resolve().parents[1]
RSS_LIMIT_MB = 100


# -- the cohort ----------------------------------------------------------------------------------
def write_cohort(folder: Path, records: int, seed: int, array: bool) -> Path:
    from screener.synthetic import diverse_cohort

    path = folder / (f"diverse-{records}-{seed}." + ("json" if array else "jsonl"))
    if path.exists():
        return path
    with path.open("w", encoding="utf-8") as out:
        if array:
            out.write("[\n")
        for number, answers in enumerate(diverse_cohort(records, seed)):
            text = json.dumps(answers, separators=(",", ":"))
            out.write(f"{',' if array and number else ''}{text}\n")
        if array:
            out.write("]\n")
    return path


# -- memory of a process tree ------------------------------------------------------------------
def _tree_memory_kb(root: int) -> tuple[int, int]:
    """(RSS of ``root``, PSS of ``root`` and all its descendants), in kB, from /proc.

    PSS (proportional set size) shares each page among the processes that map it, so the
    pages forked workers share with their parent are counted once, not once per process."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    root_rss, total, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            if pid == root:
                with open(f"/proc/{pid}/status") as status:
                    root_rss = next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                total += next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
        except (OSError, ValueError, IndexError):
            continue
    return root_rss, total


class TreeSampler(threading.Thread):
    """Samples the memory of a process tree every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int, int]] = []  # (seconds, parent RSS kB, tree PSS kB)
        self._done = threading.Event()

    def run(self) -> None:
        start = time.perf_counter()
        while not self._done.is_set():
            parent, tree = _tree_memory_kb(self.pid)
            if tree:
                self.samples.append((time.perf_counter() - start, parent, tree))
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()

    @property
    def peak_tree_mb(self) -> float:
        return max((tree for _, _, tree in self.samples), default=0) / 1024

    @property
    def peak_parent_mb(self) -> float:
        return max((parent for _, parent, _ in self.samples), default=0) / 1024


# -- 1. end to end -----------------------------------------------------------------------------
def run_cli(cohort: Path, out: Path | None, workers: int, fmt: str = "jsonl", detail: str | None = None) -> dict[str, Any]:
    """``mgk-screen batch`` in a child process: wall time, summary and memory. With ``out`` None
    the output goes to the child's stdout, which is /dev/null opened here: never ``-o /dev/null``,
    which older versions, run as root, replaced with a file."""
    command = [sys.executable, "-c", "from screener.cli.main import main; main()", "batch", str(cohort)]
    command += ["-o", str(out)] if out is not None else []
    command += ["--format", fmt] + (["--workers", str(workers)] if workers != 1 else [])
    command += ["--detail", detail] if detail is not None else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(
        command, stdout=subprocess.DEVNULL if out is None else None, stderr=subprocess.PIPE, text=True
    )
    sampler = TreeSampler(child.pid)
    sampler.start()
    _, stderr = child.communicate()
    seconds = time.perf_counter() - started
    sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode not in (0, 3, 5):
        sys.exit(f"mgk-screen batch failed (exit {child.returncode}):\n{stderr}")
    read = int(stderr.split(" records read")[0].rsplit(" ", 1)[-1].replace(",", ""))
    return {
        "records": read,
        "seconds": seconds,
        "rate": read / seconds,
        "cpu_seconds": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "peak_tree_mb": sampler.peak_tree_mb,
        "peak_parent_mb": sampler.peak_parent_mb,
        # getrusage: the largest single process among the children waited for so far.
        "maxrss_mb": after.ru_maxrss / 1024,
        "samples": sampler.samples,
        "summary": stderr.strip(),
    }


# -- report --------------------------------------------------------------------------------------
def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), model)
    except OSError:
        pass
    try:
        from importlib.metadata import version

        durable = version("durable-rules")
    except Exception:
        durable = "?"
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()} ({platform.machine()}), "
        f"durable-rules {durable}, {platform.system()} {platform.release()}"
    )


def speed(args: argparse.Namespace, folder: Path) -> None:
    cohort = write_cohort(folder, args.records, args.seed, array=args.input == "array")
    size_mb = cohort.stat().st_size / 1e6
    print(f"machine: {machine()}")
    print(f"cohort: {args.records:,} diverse records, no two alike (seed {args.seed}), {args.input}, {size_mb:.0f} MB")
    print(f"output: {args.format}, --detail {args.detail or 'lean'}, to {'/dev/null' if args.sink == 'devnull' else 'a file'}")
    runs = end_to_end(args, cohort, folder)
    if args.no_split:
        return
    detail = args.detail or "lean"
    split_records = min(args.records, args.split_records)
    split, calls = stage_split(cohort, split_records, folder, detail)
    total = sum(split[name] for name in STAGES)
    print(f"\nper record, stage by stage (CPU, first {split['records']:,} records, one process):")
    for name in STAGES:
        print(f"  {name:9s} {split[name] * 1e6:7.1f} µs  {split[name] / total:5.1%}")
    print(f"  {'total':9s} {total * 1e6:7.1f} µs  = {1 / total:,.0f} records/s")

    floor = engine_floor(calls, int(split["records"]))
    around = split["engine"] - floor
    print(
        f"\nengine floor (the {sum(kind == 'assert' for kind, *_ in calls) / split['records']:.1f} facts a record sends the engine, "
        f"and its session deletions, replayed with no Python around them): {1 / floor:,.0f} records/s ({floor * 1e6:.1f} µs per record)"
    )
    print(f"  Python around the engine steps: {around * 1e6:.1f} µs per record, {around / floor:.2f}x the floor")
    everything_else = total - floor
    print(f"  all the Python of a record (validate, normalise, steps, result, write, parse): {everything_else * 1e6:.1f} µs, {everything_else / floor:.2f}x the floor")
    for workers, run in runs.items():
        print(f"  end to end with --workers {workers}: {run['rate'] * floor:.2f} of the engine floor's rate (x{workers} processes: {run['rate'] * floor / workers:.2f} each)")

    io = io_floor(cohort, folder, detail=detail)
    print(
        f"\nI/O floor (read every record, write a real result entry for each, no screening): "
        f"{io['rate']:,.0f} records/s ({io['cpu_per_record'] * 1e6:.0f} µs CPU per record)"
    )
    for workers, run in runs.items():
        print(f"  end to end with --workers {workers} takes {io['rate'] / run['rate']:.2f}x the I/O floor's time")


def end_to_end(args: argparse.Namespace, cohort: Path, folder: Path) -> dict[int, dict[str, Any]]:
    """The real command, ``--repeat`` times per worker count, interleaved; the median runs."""
    runs: dict[int, dict[str, Any]] = {}
    tries: dict[int, list[dict[str, Any]]] = {workers: [] for workers in args.workers}
    for _attempt in range(args.repeat):  # interleaved, so that a slow spell of the machine hits all alike
        for workers in args.workers:
            out = folder / f"out-{workers}.{args.format}"
            tries[workers].append(run_cli(cohort, None if args.sink == "devnull" else out, workers, args.format, args.detail))
            if out.exists() and workers != args.workers[0]:
                first = folder / f"out-{args.workers[0]}.{args.format}"
                tries[workers][-1]["identical"] = _same_file(out, first) if first.exists() else None
                out.unlink()
    for workers in args.workers:
        ranked = sorted(tries[workers], key=lambda run: run["rate"])
        run = runs[workers] = ranked[len(ranked) // 2]  # the median run
        print(
            f"\nend to end, --workers {workers}: {run['rate']:,.0f} records/s "
            f"({run['records']:,} records in {run['seconds']:.1f} s, {run['cpu_seconds'] / run['records'] * 1e6:.0f} µs CPU per record)"
        )
        if args.repeat > 1:
            print(f"  {args.repeat} runs: " + ", ".join(f"{r['rate']:,.0f}" for r in tries[workers]) + " records/s (median shown)")
        print(
            f"  peak memory: {max(r['peak_tree_mb'] for r in tries[workers]):.0f} MB for the whole process tree (PSS), "
            f"{max(r['peak_parent_mb'] for r in tries[workers]):.0f} MB RSS for the parent, "
            f"largest single process {max(r['maxrss_mb'] for r in tries[workers]):.0f} MB (max RSS)"
        )
        if "identical" in run:
            same = all(r.get("identical") for r in tries[workers])
            print(f"  output identical to --workers {args.workers[0]}: {'yes' if same else 'NO'}")
    if len(runs) > 1:
        first_run = runs[args.workers[0]]
        for workers, run in runs.items():
            if workers != args.workers[0]:
                print(f"  speed-up of --workers {workers} over {args.workers[0]}: {run['rate'] / first_run['rate']:.2f}x")
    return runs


def _same_file(a: Path, b: Path) -> bool:
    with a.open("rb") as left, b.open("rb") as right:
        while True:
            one, two = left.read(1 << 20), right.read(1 << 20)
            if one != two:
                return False
            if not one:
                return True


def memory(args: argparse.Namespace, folder: Path) -> None:
    print(f"machine: {machine()}")
    ok = True
    for kind in ("jsonl", "array"):
        cohort = write_cohort(folder, args.records, args.seed, array=kind == "array")
        out = None if args.sink == "devnull" else folder / f"memory-out.{args.format}"
        where = "/dev/null (the child's stdout)" if out is None else "a file"
        print(f"\n{kind}: {args.records:,} records, {cohort.stat().st_size / 1e6:,.0f} MB, output to {where}, --workers {args.workers[0]}")
        run = run_cli(cohort, out, args.workers[0], args.format, args.detail)
        if out is not None:
            print(f"  output: {out.stat().st_size / 1e6:,.0f} MB ({out.stat().st_size / run['records']:,.0f} bytes per entry)")
            out.unlink()
        samples = run["samples"]
        points = [samples[min(len(samples) - 1, int(len(samples) * f))] for f in (0.1, 0.25, 0.5, 0.75, 1.0)] if samples else []
        print(f"  {run['rate']:,.0f} records/s, {run['seconds']:.0f} s")
        print("  memory of the process tree (PSS) during the run: " + ", ".join(f"{t:.0f} s {tree / 1024:.0f} MB" for t, _, tree in points))
        print(f"  peak: {run['peak_tree_mb']:.0f} MB (process tree, PSS), {run['peak_parent_mb']:.0f} MB RSS of the main process, largest single process {run['maxrss_mb']:.0f} MB (max RSS)")
        ok &= max(run["peak_tree_mb"], run["maxrss_mb"]) < RSS_LIMIT_MB
    print(f"\npeak memory under {RSS_LIMIT_MB} MB on both: {'yes' if ok else 'NO'}")
    if not ok:
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=None, help="cohort size (default 100,000; 1,000,000 with --memory)")
    parser.add_argument("--seed", type=int, default=7, help="cohort seed (default 7)")
    parser.add_argument(
        "--workers", type=lambda text: [int(n) for n in text.split(",")], default=[1], help="e.g. 1 or 2 or 1,2 (default 1)"
    )
    parser.add_argument("--input", choices=("jsonl", "array"), default="jsonl", help="cohort as JSON Lines or one JSON array")
    parser.add_argument("--format", choices=("jsonl", "json", "csv"), default="jsonl", help="output format (default jsonl)")
    parser.add_argument(
        "--sink", choices=("file", "devnull"), default="file", help="write the output to a file (default) or to /dev/null"
    )
    parser.add_argument(
        "--detail", choices=("lean", "full"), default=None, help="batch --detail (default: the command's own, lean)"
    )
    parser.add_argument("--split-records", type=int, default=20000, help="records timed stage by stage (default 20,000)")
    parser.add_argument("--repeat", type=int, default=1, help="end-to-end runs per worker count, interleaved (median shown)")
    parser.add_argument("--no-split", action="store_true", help="end to end only (also works against older versions)")
    parser.add_argument("--memory", action="store_true", help="the 1M-record memory check, JSON Lines and array")
    parser.add_argument("--keep", metavar="DIR", help="keep the cohort and outputs in DIR (reused when run again)")
    args = parser.parse_args(argv)
    if args.records is None:
        args.records = 1_000_000 if args.memory else 100_000
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="mgk-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        (memory if args.memory else speed)(args, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
