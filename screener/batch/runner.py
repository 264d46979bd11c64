"""Batch screening: many records in, one entry per record out, in input order.

Every record read is accounted for: screened, or written as an "invalid" entry saying what is
wrong and where. A whole file that cannot be read is reported by name and skipped; its
neighbours are still screened.

With ``workers`` > 1 the records are screened in that many processes: this one and forked
workers (the rules engine is C code that holds the GIL, so threads would not help). This process
reads and parses the input, sends chunks of ``CHUNK_RECORDS`` records to the workers, screens the
chunks they have no room for, and writes every entry in input order; only a few chunks are ever
in flight, so memory stays flat however long the input. Each worker compiles its own copy of the
rules into the engine after the fork: the C engine's handles and sessions belong to one process.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import signal
import sys
import time
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from screener.batch.readers import RawRecord, UnreadableRecord, UnreadableSource, iter_records
from screener.contract.validation import Problem
from screener.errors import EngineError, InputError
from screener.screening.pipeline import Screener, invalid_entry

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future
    from datetime import date

    from screener.screening.ruleset import Ruleset

#: Levels ``--fail-on`` understands: headline levels and urgencies, each meaning "or higher".
FAIL_ON_CHOICES = ("possible", "likely", "routine", "soon", "urgent", "emergency")
#: ``--workers`` may be at most this many per CPU (``most_workers``).
WORKERS_PER_CPU = 4
#: Records sent to a worker at a time (large enough that passing them costs little).
CHUNK_RECORDS = 64
_QUEUED_PER_WORKER = 3  # chunks waiting for each worker, so that it never runs dry
_SWITCH_INTERVAL = 0.0001  # seconds; see _screened_in_workers
_CHUNKS_AHEAD = 4  # chunks held besides the workers' (done and waiting their turn, or screened here)
_PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h): a signal sent to this process when its parent dies

Item = RawRecord | UnreadableRecord | UnreadableSource


class SeenIds:
    """The ids seen so far, in about 16 bytes each (a million ids in 16 MB), to count duplicates.

    Each id is kept as a 64-bit fingerprint (Python's string hash) in flat open-addressing
    tables, not as a string in a set (about 100 bytes each: a million-record batch would hold
    100 MB for its summary alone). The fingerprints are spread over 16 tables that grow one at a
    time, so growing never holds two copies of them all. Two different ids are taken for the
    same one only if their fingerprints collide: odds below 1 in 30 million for a batch of a
    million records.
    """

    __slots__ = ("_counts", "_tables")
    _SHARD_BITS = 4

    def __init__(self) -> None:
        self._tables = [array("Q", bytes(8 * 256)) for _ in range(1 << self._SHARD_BITS)]
        self._counts = [0] * (1 << self._SHARD_BITS)

    def __len__(self) -> int:
        return sum(self._counts)

    def add(self, identifier: str) -> bool:
        """Remember an id; False when it was seen before."""
        fingerprint = (hash(identifier) & 0xFFFF_FFFF_FFFF_FFFF) or 1  # 0 marks an empty slot
        shard = fingerprint >> (64 - self._SHARD_BITS)
        slots = self._tables[shard]
        mask = len(slots) - 1
        index = fingerprint & mask
        while True:
            held = slots[index]
            if held == fingerprint:
                return False
            if held == 0:
                slots[index] = fingerprint
                self._counts[shard] += 1
                if self._counts[shard] * 3 > mask * 2:  # keep each table at most two thirds full
                    self._tables[shard] = _rehashed(slots)
                return True
            index = (index + 1) & mask


def _rehashed(old: array[int]) -> array[int]:
    slots = array("Q", bytes(8 * 2 * len(old)))
    mask = len(slots) - 1
    for fingerprint in old:
        if fingerprint:
            index = fingerprint & mask
            while slots[index]:
                index = (index + 1) & mask
            slots[index] = fingerprint
    return slots


@dataclass
class BatchSummary:
    records_read: int = 0
    screened: int = 0
    invalid: int = 0
    unreadable_sources: list[str] = field(default_factory=list)
    by_headline: Counter[str] = field(default_factory=Counter)
    by_urgency: Counter[str] = field(default_factory=Counter)
    by_coverage: Counter[str] = field(default_factory=Counter)
    reached_fail_on: int = 0
    first_reaching_fail_on: list[str] = field(default_factory=list)
    """The first few records that reached ``--fail-on``, as "id (source record N)"."""
    duplicate_ids: int = 0
    """Records whose id was already used by an earlier record of the batch."""
    _ids: SeenIds = field(default_factory=SeenIds, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "records_read": self.records_read,
            "screened": self.screened,
            "invalid": self.invalid,
            "unreadable_sources": list(self.unreadable_sources),
            "combined_depletion": dict(self.by_headline),
            "urgency": dict(self.by_urgency),
            "coverage": dict(self.by_coverage),
            "duplicate_ids": self.duplicate_ids,
        }


#: How many of the records that reached ``--fail-on`` the summary names (the rest are counted).
FAIL_ON_NAMED = 10


def _where(entry: dict[str, Any]) -> str:
    source = entry.get("source")
    return f"{entry['id']} ({source} record {entry['position']})" if source else str(entry["id"])


def reaches(entry: dict[str, Any], level: str, screener: Screener) -> bool:
    """Whether a screened entry reaches a ``--fail-on`` level (that level or higher)."""
    scales = screener.ruleset.scales
    for name in (screener.ruleset.headline, "urgency"):
        scale = scales[name]
        if level in scale.values:
            return scale.rank(entry[name]) >= scale.rank(level)
    raise ValueError(f"unknown level {level!r}")


def screen_stream(
    items: Iterable[Item],
    screener: Screener,
    summary: BatchSummary,
    *,
    fail_on: str | None = None,
    on_unreadable_source: Callable[[UnreadableSource], None] | None = None,
    workers: int = 1,
) -> Iterator[dict[str, Any]]:
    """Screen records as they arrive, keeping the summary up to date. Entries are JSON-ready
    dicts in the shape of the contract's ``ScreeningResult`` and ``InvalidRecord``."""
    check_workers(workers)
    entries = _screened(items, screener) if workers == 1 else _screened_in_workers(items, screener, workers)
    for entry in entries:
        if isinstance(entry, UnreadableSource):
            summary.unreadable_sources.append(f"{entry.source}: {entry.message}")
            if on_unreadable_source is not None:
                on_unreadable_source(entry)
            continue
        summary.records_read += 1
        if entry["status"] == "invalid":
            summary.invalid += 1
        else:
            summary.screened += 1
            summary.by_headline[entry[screener.ruleset.headline]] += 1
            summary.by_urgency[entry["urgency"]] += 1
            summary.by_coverage[entry["coverage"]] += 1
            if fail_on is not None and reaches(entry, fail_on, screener):
                summary.reached_fail_on += 1
                if len(summary.first_reaching_fail_on) < FAIL_ON_NAMED:
                    summary.first_reaching_fail_on.append(_where(entry))
        if not summary._ids.add(entry["id"]):
            summary.duplicate_ids += 1
        yield entry


def screen_inputs(
    inputs: Sequence[str],
    screener: Screener,
    summary: BatchSummary,
    *,
    stdin: BinaryIO | None = None,
    fail_on: str | None = None,
    on_unreadable_source: Callable[[UnreadableSource], None] | None = None,
    workers: int = 1,
) -> Iterator[dict[str, Any]]:
    """Read and screen every record of the given files, folders or ``-`` (stdin)."""
    check_workers(workers)
    return screen_stream(
        iter_records(inputs, stdin=stdin),
        screener,
        summary,
        fail_on=fail_on,
        on_unreadable_source=on_unreadable_source,
        workers=workers,
    )


def most_workers() -> int:
    """The most processes ``--workers`` may ask for: ``WORKERS_PER_CPU`` per CPU this process
    may run on. More only slows the run down, and far more (``--workers 100000000``) forks
    until the machine stops answering."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return WORKERS_PER_CPU * max(cpus, 1)


def check_workers(workers: int) -> None:
    """Refuse a worker count that cannot work here, with a message saying why."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"--workers must be a whole number of at least 1, not {workers!r}")
    cap = most_workers()
    if workers > cap:
        raise InputError(
            f"--workers {workers} is more than this machine can use: at most {cap} "
            f"({WORKERS_PER_CPU} per CPU, {cap // WORKERS_PER_CPU} CPUs)",
            hint=f"--workers {max(cap // WORKERS_PER_CPU, 1)} (one per CPU) is usually fastest",
        )
    if workers > 1:
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            raise InputError(
                "--workers above 1 needs processes started by fork, which this system does not offer",
                hint="leave --workers out (one process)",
            )


def record_entry(item: RawRecord | UnreadableRecord, screener: Screener) -> dict[str, Any]:
    """The output entry of one record read: its result, or why it is invalid."""
    if isinstance(item, UnreadableRecord):
        return invalid_entry(None, [Problem("$", item.message)], source=item.source, position=item.position)
    if item.problems:
        return invalid_entry(item.value, record_problems(item, screener), source=item.source, position=item.position)
    return screener.screen_entry(item.value, source=item.source, position=item.position)


def record_problems(item: RawRecord, screener: Screener) -> list[Problem]:
    """Every problem of a record read: its bad cells (a sheet's, a Parquet file's), then whatever
    validation finds in the rest of it, in path order.

    A bad cell's text stays in the record at its path, so validation sees the record's shape
    (a lab value that is not a number is not also reported as missing); what validation says at
    or under that path is left out, since the cell's own problem says it better.
    """
    _, found = screener.check(item.value)
    if not item.problems:
        return found
    cells = tuple(problem.path for problem in item.problems if problem.path != "$")
    rest = [problem for problem in found if not any(_at_or_under(problem.path, cell) for cell in cells)]
    return sorted([*item.problems, *rest], key=lambda problem: problem.path)


def _at_or_under(path: str, cell: str) -> bool:
    return path == cell or path.startswith((cell + ".", cell + "["))


def _screened(items: Iterable[Item], screener: Screener) -> Iterator[dict[str, Any] | UnreadableSource]:
    for item in items:
        yield item if isinstance(item, UnreadableSource) else record_entry(item, screener)


# -- workers ----------------------------------------------------------------------------------

_worker_screener: Screener | None = None


def _start_worker(ruleset: Ruleset, parent: int, as_of: date | None = None) -> None:
    """In a new worker: its own engine, compiled from the (inherited) rules.

    Ctrl-C and SIGTERM are the parent's to handle (it stops the workers cleanly), so a worker
    neither dies of them nor prints a traceback. A worker must not outlive its parent: killed
    with it (where the system offers that) or on noticing it is gone, and holding neither the
    output pipe nor stdin meanwhile, so that whoever reads the output sees its end.
    """
    global _worker_screener
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent(parent)
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 1)
        os.close(null)
    # A copy of the ruleset compiles its own engine on first use (``Ruleset.engine`` is cached
    # per object, and the parent's compiled rules and sessions are the parent's).
    _worker_screener = Screener(dataclasses.replace(ruleset), as_of=as_of)


def _die_with_parent(parent: int) -> None:
    """Be killed when the parent process dies (Linux: PR_SET_PDEATHSIG), and watch for it
    elsewhere; if the parent is already gone, leave now."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        import threading

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(1)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    if os.getppid() != parent:
        os._exit(1)


def _screen_chunk(items: list[Item]) -> list[bytes | UnreadableSource]:
    """In a worker: the entries of one chunk, each pickled on its own so that the parent
    unpickles one at a time, as it writes them (one big list would cost it far more)."""
    screener = _worker_screener
    assert screener is not None, "the worker was not started with _start_worker"
    return [
        item if isinstance(item, UnreadableSource) else pickle.dumps(record_entry(item, screener), pickle.HIGHEST_PROTOCOL)
        for item in items
    ]


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Local:
    """A chunk this process screens itself; ``entries`` once screened (ahead of its turn)."""

    __slots__ = ("chunk", "entries")

    def __init__(self, chunk: list[Item]) -> None:
        self.chunk = chunk
        self.entries: list[dict[str, Any] | UnreadableSource] | None = None


def _screened_in_workers(
    items: Iterable[Item], screener: Screener, processes: int
) -> Iterator[dict[str, Any] | UnreadableSource]:
    """Screen in ``processes`` processes: this one and ``processes - 1`` forked workers.

    This process reads every record and writes every entry, in input order. The workers are
    kept fed first: whenever one has fewer than ``_QUEUED_PER_WORKER`` chunks to do, the next
    chunk read goes to it. When the next entries to write are still with a worker, this
    process does not wait: it screens a chunk itself (one it reads for that), ahead of its turn.
    So on two cores one worker and this process, which also does all the reading and writing,
    keep both cores busy. At most ``_CHUNKS_AHEAD`` chunks beyond the workers' are held.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    helpers = processes - 1
    executor = ProcessPoolExecutor(
        max_workers=helpers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(screener.ruleset, os.getpid(), screener.as_of),
    )
    most_queued = helpers * _QUEUED_PER_WORKER
    most_held = most_queued + _CHUNKS_AHEAD
    # The executor's threads here pass chunks to the workers and take their results back, and
    # need the GIL for it: by default they get it only every 5 ms from this busy thread, long
    # enough for a worker to stall on a full pipe (measured: a worker busy 58% of the time,
    # 81% with 0.1 ms). Put back when done.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(_SWITCH_INTERVAL)
    # Chunks read and not yet written, in input order: with a worker, or screened here.
    window: deque[Future[list[bytes | UnreadableSource]] | _Local] = deque()
    chunks = _chunks(items, CHUNK_RECORDS)
    try:
        yield from _in_order(window, executor, chunks, screener, most_queued, most_held)
    except BrokenProcessPool as error:  # a worker was killed (out of memory, or by hand)
        raise EngineError(f"a worker process died while screening ({error}); try again with --workers 1") from None
    finally:
        # On an error or Ctrl-C: nothing more is started, and chunks under way (a fraction of a
        # second each) are let finish, so no worker is left behind.
        executor.shutdown(wait=True, cancel_futures=True)
        sys.setswitchinterval(switch_interval)


def _in_order(
    window: deque[Future[list[bytes | UnreadableSource]] | _Local],
    executor: Executor,
    chunks: Iterator[list[Item]],
    screener: Screener,
    most_queued: int,
    most_held: int,
) -> Iterator[dict[str, Any] | UnreadableSource]:
    """The entries of the chunks in input order (see ``_screened_in_workers``)."""
    from concurrent.futures import Future

    more = True

    def queued() -> int:
        return sum(1 for part in window if isinstance(part, Future) and not part.done())

    def read() -> list[Item] | None:
        nonlocal more
        chunk = next(chunks, None) if more else None
        more = chunk is not None
        return chunk

    while True:
        while len(window) < most_held and queued() < most_queued and (chunk := read()) is not None:
            window.append(executor.submit(_screen_chunk, chunk))
        if not window:
            break
        head = window[0]
        if isinstance(head, _Local) or head.done():
            window.popleft()
            if isinstance(head, _Local):
                yield from head.entries if head.entries is not None else _screened(head.chunk, screener)
            else:
                yield from _unpacked(head.result())
            continue
        # The next entries are a worker's and not ready yet: screen a chunk here meanwhile.
        ahead = next((part for part in window if isinstance(part, _Local) and part.entries is None), None)
        if ahead is None and len(window) < most_held and (chunk := read()) is not None:
            ahead = _Local(chunk)
            window.append(ahead)
        if ahead is not None:
            ahead.entries = list(_screened(ahead.chunk, screener))
        else:
            window.popleft()
            yield from _unpacked(head.result())




def _unpacked(results: list[bytes | UnreadableSource]) -> Iterator[dict[str, Any] | UnreadableSource]:
    for result in results:
        yield result if isinstance(result, UnreadableSource) else pickle.loads(result)
