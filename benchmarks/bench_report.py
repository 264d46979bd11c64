"""Cohort report benchmark: records/s and peak memory of `report --cohort` over a large results file.

    python benchmarks/bench_report.py                       # 10,000 and 100,000 records
    python benchmarks/bench_report.py --records 10000,100000,1000000

It screens a pool of seeded synthetic records once (``--pool``, 2,000 by default: real results,
about 19 KB of JSON each), then writes a results file of each size by repeating the pool with new
ids and positions, so the file is real batch output without screening every record. For each
size a child process reads the file as `mgk-screen report --cohort` does (``tally_files``, one
record in memory at a time), builds the report (charts and tables) and writes it; it prints:

- counting: records/s of reading and counting the results file (parse included);
- report: the seconds to draw the charts and write the page, which do not grow with the cohort;
- peak memory: the child's max RSS. Flat memory means the same peak for 10,000 and 1,000,000
  records: only counts and a bounded number of listed records are kept.

Figures depend on the machine and what else runs on it; compare sizes within one run. Nothing
here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_results(path: Path, records: int, pool_size: int, seed: int) -> None:
    from screener import Screener
    from screener.synthetic import cohort

    screener = Screener()
    pool = [screener.screen_entry(answers, source="synthetic", position=n) for n, answers in enumerate(cohort(pool_size, seed), 1)]
    with path.open("w", encoding="utf-8") as out:
        for position in range(1, records + 1):
            entry = pool[(position - 1) % pool_size] | {"id": f"p-{position}", "position": position}
            out.write(json.dumps(entry, separators=(",", ":")) + "\n")


def child(results: Path, output: Path) -> None:
    """Measure one report, in a process of its own (so its peak memory is its own)."""
    from screener.reports import cohort_report, tally_files, write_report
    from screener.screening.ruleset import load_ruleset

    ruleset = load_ruleset()
    import matplotlib  # noqa: F401  (loaded before timing, like the command does before reading)

    before = time.perf_counter()
    tally = tally_files([str(results)], ruleset)
    counted = time.perf_counter()
    write_report(cohort_report(tally, ruleset, sources=[results.name]), str(output))
    done = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"records": tally.records, "count_s": counted - before, "report_s": done - counted, "peak_mb": peak_kb / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", default="10000,100000", help="comma-separated cohort sizes (default 10000,100000)")
    parser.add_argument("--pool", type=int, default=2000, help="distinct screened records repeated to fill each file")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", nargs=2, metavar=("RESULTS", "OUTPUT"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(Path(options.child[0]), Path(options.child[1]))
        return
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs", file=sys.stderr)
    with tempfile.TemporaryDirectory() as scratch:
        for size in (int(n) for n in options.records.split(",")):
            results = Path(scratch) / f"results-{size}.jsonl"
            write_results(results, size, options.pool, options.seed)
            megabytes = results.stat().st_size / 1e6
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(results), str(Path(scratch) / "cohort.html")],
                check=True,
                capture_output=True,
                text=True,
            )
            figures = json.loads(done.stdout)
            print(
                f"{size:>9,} records ({megabytes:,.0f} MB): counting {figures['records'] / figures['count_s']:,.0f} records/s "
                f"({figures['count_s']:.1f} s), report {figures['report_s']:.1f} s, peak memory {figures['peak_mb']:.0f} MB"
            )
            results.unlink()


if __name__ == "__main__":
    main()
