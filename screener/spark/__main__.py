"""Screen a cohort with Spark: ``python -m screener.spark INPUT OUTPUT [--master URL]``.

INPUT is JSON Lines, a JSON array of records or one record (read on the driver: see
``screener.spark.json_documents``), a sheet of answers (CSV) or Parquet, told apart by content as batch mode
does, or a folder of them read as batch mode reads one (each file as if given alone, whatever
mix of kinds; the other files named in one line on stderr); OUTPUT is a folder of Parquet files
with one row per record, screened or invalid (with its errors), and the columns of the Parquet
output of ``mgk-screen batch``. A bad record never fails the job. Exit codes as ``batch``: 0 every record
screened, 3 some invalid, 2 usage or unreadable input.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from datetime import date
from typing import TYPE_CHECKING, Final

from screener.errors import ExitCode, ScreenerError
from screener.extras import require

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from screener.spark.inputs import CohortFile

#: Records from which the summary gives a rate (over fewer, it would be Spark's start).
_RATE_FROM: Final = 1000


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        require("spark", "Screening with Spark", "pyspark", "pyarrow")
        return _run(args)
    except ScreenerError as error:
        print(f"mgk-screen spark: {error}", file=sys.stderr)
        return int(error.exit_code)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m screener.spark",
        description="Screen JSON (Lines, an array or a record), a CSV sheet or Parquet with Spark into a Parquet folder of results.",
    )
    parser.add_argument("input", metavar="INPUT", help="JSON Lines, a JSON array or record, CSV or Parquet: a file or a folder of them")
    parser.add_argument("output", metavar="OUTPUT", help="folder to write the results to, as Parquet")
    parser.add_argument("--master", metavar="URL", help="Spark master (default: as spark-submit says, else local[*])")
    parser.add_argument("--rules", metavar="DIR", help="rule folder, readable on every executor (default: the shipped rules)")
    parser.add_argument("--format", dest="fmt", choices=("auto", "jsonl", "json", "csv", "parquet"), default="auto", help="input format (default: from the content)")
    parser.add_argument("--partitions", type=int, metavar="N", help="screen in N partitions (default: 4 per core of the cluster)")
    parser.add_argument("--overwrite", action="store_true", help="replace OUTPUT if it exists")
    parser.add_argument(
        "--as-of", metavar="DATE", type=_date, help="reference date for FHIR data (ages, how old a result is), as batch --as-of (default: today)"
    )
    parser.add_argument(
        "--detail", choices=("lean", "full"), default="lean", help="findings as batch writes them: lean (default) or full"
    )
    parser.add_argument(
        "--ignore-column",
        dest="ignore",
        action="append",
        default=[],
        type=_pattern,
        metavar="NAME",
        help="leave out this column of a sheet or Parquet file: a name or a pattern such as 'Q*' (any case; repeatable), "
        "as batch --ignore-column. The columns Google Forms, Microsoft Forms and REDCap add are left out without it, and named",
    )
    return parser


def _run(args: argparse.Namespace) -> int:
    from pyspark.errors import PySparkException
    from pyspark.sql import functions as F

    from screener.errors import InputError
    from screener.spark.inputs import cohort_files

    if args.partitions is not None and args.partitions < 1:
        raise InputError("--partitions must be at least 1")
    local_output = "://" not in args.output or args.output.startswith("file://")
    if local_output and os.path.exists(args.output.removeprefix("file://")) and not args.overwrite:
        raise InputError(f"{args.output} exists", hint="remove it, or add --overwrite")
    if args.rules is not None:
        from screener.screening.ruleset import load_ruleset

        load_ruleset(args.rules)  # a broken rule folder is reported here, not by every executor
    started = time.perf_counter()
    cohort = cohort_files(args.input, None if args.fmt == "auto" else args.fmt)
    if cohort.skipped is not None:
        print(f"mgk-screen spark: {args.input}: {cohort.skipped}", file=sys.stderr)
    spark = session(args.master)
    try:
        partitions = args.partitions or 4 * spark.sparkContext.defaultParallelism
        results, unreadable = _screen_files(spark, cohort.files, partitions, args)
        results.write.mode("overwrite" if args.overwrite else "errorifexists").parquet(args.output)
        counts: dict[str, int] = dict(spark.read.parquet(args.output).groupBy("status").count().select("status", F.col("count")).collect())
    except PySparkException as error:
        raise InputError(_first_line(error)) from None
    screened, invalid = counts.get("screened", 0), counts.get("invalid", 0)
    seconds = time.perf_counter() - started
    read = screened + invalid
    # Over a few records the rate is Spark's start ("0 records/s" for six): the time says it.
    rate = f"{read / seconds:,.0f} records/s, " if read >= _RATE_FROM else ""
    print(
        f"mgk-screen spark: {read:,} record{'' if read == 1 else 's'} read: {screened:,} screened, {invalid:,} invalid "
        f"({rate}{seconds:.1f} s with Spark's start) -> {args.output}",
        file=sys.stderr,
    )
    if screened + invalid == 0:
        return int(ExitCode.USAGE)
    return int(ExitCode.INVALID_RECORDS if invalid or unreadable else ExitCode.OK)


def _screen_files(spark: SparkSession, files: list[CohortFile], partitions: int, args: argparse.Namespace) -> tuple[DataFrame, int]:
    """The results of every file, each read and screened as if given alone, one after another.

    The files' results share their columns, so a folder mixing JSON Lines, sheets and Parquet
    gives one output. Each file's records are spread over its share of the partitions (by size,
    at least one) in input order: partition k holds the k-th range of positions, in order, and a
    union keeps its parts' partitions in turn, so the output's part files read back in input order.
    Also returns how many files stopped early (an array that breaks, read on the driver), each
    named on stderr as batch mode names it; their records before the break are kept.
    """
    from pyspark.errors import PySparkException

    from screener.batch.json_text import trailing_comma_note
    from screener.batch.parquet_io import NO_ROWS
    from screener.errors import InputError
    from screener.spark import POSITION, screen_dataframe
    from screener.spark.bulk_data import screen_bulk_data, split_bulk_data
    from screener.spark.bundles import expand_bundles
    from screener.spark.inputs import read_cohort
    from screener.spark.json_documents import trailing_comma_line

    total = sum(file.size or 0 for file in files)
    results = []
    bulk_data = []
    unreadable = 0
    for number, file in enumerate(files):
        share = partitions if len(files) == 1 or not total else max(1, round(partitions * (file.size or 0) / total))
        try:
            cohort, json_column, stopped, note = read_cohort(spark, file.path, file.fmt, file.size, args.ignore)
        except (PySparkException, InputError) as error:  # as batch names a file it cannot read, and reads the others
            message = error if isinstance(error, InputError) else (
                f"{file.path}: Spark cannot read it ({_first_line(error)}); try `mgk-screen batch` on it"
            )
            print(f"mgk-screen spark: {message}", file=sys.stderr)
            unreadable += 1
            continue
        if note is not None:  # columns left out, as batch names them (not a fault)
            print(f"mgk-screen spark: {file.path}: {note}", file=sys.stderr)
        for message in stopped:
            print(f"mgk-screen spark: {message}", file=sys.stderr)
        unreadable += len(stopped)
        comma = trailing_comma_line(file.path) if file.fmt == "jsonl" else None
        if comma is not None:  # read past on the executors, named as batch names it (not a fault)
            print(f"mgk-screen spark: {file.path}: {trailing_comma_note(comma)}", file=sys.stderr)
        if json_column is not None:  # FHIR bulk data is gathered per patient, from every file
            cohort, bulk = split_bulk_data(cohort, json_column, file.path, number, POSITION)
            bulk_data.append(bulk)
        if file.fmt == "jsonl" and json_column is not None:  # a Bundle on a line: a row per record (a file read on the driver has them)
            cohort = expand_bundles(cohort, json_column)
        # said, as batch says it, never passed over in silence (a note, not a fault)
        empty = file.fmt == "parquet" and cohort.isEmpty()
        cohort = cohort.repartitionByRange(share, POSITION).sortWithinPartitions(POSITION)
        try:
            results.append(
                screen_dataframe(
                    cohort,
                    json_column=json_column,
                    position_column=POSITION,
                    source=file.path,
                    rules=args.rules,
                    detail=args.detail,
                    as_of=args.as_of,
                    split_bundles=False,  # split above, numbered as batch numbers a file
                )
            )
        except InputError as error:  # a Parquet file refused for its columns: named, the others read
            print(f"mgk-screen spark: {file.path}: {error}", file=sys.stderr)
            unreadable += 1
        else:
            if empty:
                print(f"mgk-screen spark: {file.path}: {NO_ROWS}", file=sys.stderr)
    if bulk_data:
        lines = functools.reduce(lambda first, second: first.union(second), bulk_data)
        if not lines.isEmpty():
            results.append(screen_bulk_data(lines, partitions, rules=args.rules, detail=args.detail, as_of=args.as_of))
    if not results:
        raise InputError(f"{args.input}: nothing was read")
    return functools.reduce(lambda first, second: first.union(second), results), unreadable


def session(master: str | None = None) -> SparkSession:
    """The active Spark session, or a new one. Locally (``local[...]``, the default outside
    spark-submit) it runs offline: no web UI, bound to 127.0.0.1, with this Python on the executors."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("mgk-screen")
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit
        master = "local[*]"
    if master is not None:
        builder = builder.master(master)
    if master is not None and master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (
            builder.config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write it YYYY-MM-DD") from None


def _pattern(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("give a column's name or a pattern such as 'Q*', not an empty text")
    return text


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
