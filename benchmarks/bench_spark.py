"""Spark benchmark: what one core and two give, next to batch mode on the same records.

    python benchmarks/bench_spark.py --records 20000 --masters 'local[1],local[2]'

It writes a seeded synthetic cohort (diverse records: no two alike) as JSON Lines, then:

1. runs ``mgk-screen batch COHORT -f parquet -o OUT`` (one process) for reference;
2. for each master, starts a fresh Spark (a child process, so that each run pays its own start)
   and times ``python -m screener.spark COHORT OUT --master M``, and within it, after a first
   run has warmed the executors (Python workers started, rules compiled), a second screening
   of the same DataFrame: the steady rate a long job runs at.

Figures depend on the machine and on what else runs on it: run twice, compare ratios within a
run. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

STEADY = textwrap.dedent(
    """
    import json, sys, time
    from screener.spark import POSITION, screen_dataframe
    from screener.spark.__main__ import session
    from screener.spark.inputs import read_cohort

    master, cohort, out, partitions = sys.argv[1:5]
    started = time.perf_counter()
    spark = session(master)
    spark_up = time.perf_counter()
    frame, json_column, _ = read_cohort(spark, cohort, "jsonl")  # and what stopped it early: nothing here
    frame = frame.repartitionByRange(int(partitions), POSITION).sortWithinPartitions(POSITION).cache()
    count = frame.count()
    read = time.perf_counter()
    runs = []
    for attempt in range(2):
        begun = time.perf_counter()
        screen_dataframe(frame, json_column=json_column, position_column=POSITION, source=cohort).write.mode("overwrite").parquet(out)
        runs.append(time.perf_counter() - begun)
    print(json.dumps({"records": count, "start": spark_up - started, "read": read - spark_up, "first": runs[0], "steady": runs[1]}))
    """
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--masters", default="local[1],local[2]")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    with tempfile.TemporaryDirectory() as folder:
        cohort = Path(folder) / "cohort.jsonl"
        with cohort.open("w", encoding="utf-8") as out:
            subprocess.run([sys.executable, "-m", "screener.synthetic", str(args.records), "--seed", str(args.seed)], stdout=out, check=True)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "screener", "batch", str(cohort), "-f", "parquet", "-o", str(Path(folder) / "batch.parquet"), "-q"],
            check=False,
        )
        batch_seconds = time.perf_counter() - started
        print(f"batch, one process: {args.records / batch_seconds:,.0f} records/s ({batch_seconds:.1f} s, start-up included)")
        for master in args.masters.split(","):
            cores = int(master[master.index("[") + 1 : -1]) if "[" in master else os.cpu_count() or 1
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "screener.spark", str(cohort), str(Path(folder) / f"cli-{cores}"), "--master", master],
                check=False,
                env=env,
                capture_output=True,
            )
            whole = time.perf_counter() - started
            done = subprocess.run(
                [sys.executable, "-c", STEADY, master, str(cohort), str(Path(folder) / f"steady-{cores}"), str(4 * cores)],
                check=False,
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:  # say why, not only that it failed
                raise SystemExit(f"{master}: the steady run failed:\n{done.stderr[-3000:]}")
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{master}: whole command {args.records / whole:,.0f} records/s ({whole:.1f} s); "
                f"Spark start {figures['start']:.1f} s, reading and numbering {figures['read']:.1f} s, "
                f"first screening {figures['first']:.1f} s, steady {figures['records'] / figures['steady']:,.0f} records/s"
            )


if __name__ == "__main__":
    main()
