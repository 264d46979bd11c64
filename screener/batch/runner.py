"""Batch screening: many records in, one entry per record out, in input order.

Every record read is accounted for: screened, or written as an "invalid" entry saying what is
wrong and where. A whole file that cannot be read is reported by name and skipped; its
neighbours are still screened.

With ``workers`` > 1 the records are screened in that many forked processes (the rules engine is
C code that holds the GIL, so threads would not help), each reading the input itself and
screening its own share of chunks, while this process only puts their output together in input
order (``screener.batch.workers``). ``write_batch`` has the workers encode the output too, so this
process writes their bytes as they are; ``screen_inputs`` gives the entries themselves.
"""

from __future__ import annotations

import os
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from screener.batch.readers import RawRecord, UnreadableRecord, UnreadableSource, iter_records
from screener.batch.refused_red_flags import said_first
from screener.batch.workers import (
    CHUNK_RECORDS,
    DIGEST_HEADLINE,
    DIGEST_MADE_UP_ID,
    DIGEST_URGENCY,
    Digest,
    Job,
    digest,
    id_made_up,
    screened_chunks,
)
from screener.batch.writers import EntryWriter, ResultWriter
from screener.contract.validation import Problem
from screener.errors import InputError
from screener.fhir.records import check_record, screen_record_entry
from screener.headline import level_shown, urgency_shown
from screener.screening.pipeline import Screener, invalid_entry

if TYPE_CHECKING:
    from screener.screening.findings import Detail

__all__ = ["CHUNK_RECORDS", "BatchSummary", "SeenIds", "check_workers", "screen_inputs", "screen_stream", "write_batch"]

#: Levels ``--fail-on`` understands: headline levels and urgencies, each meaning "or higher".
FAIL_ON_CHOICES = ("possible", "likely", "routine", "soon", "urgent", "emergency")
#: ``--workers`` may be at most this many per CPU (``most_workers``).
WORKERS_PER_CPU = 4

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
    invalid_with_red_flags: int = 0
    """Invalid records that report red flags now (screened on those alone: ``red_flags_alone``)."""
    first_invalid_with_red_flags: list[str] = field(default_factory=list)
    """The first few of them, as "id (source record N)"."""
    names_unread: int = 0
    """Screened records with a medicine name not read that may lower magnesium or potassium (a
    "did you mean" of such a medicine, or an unread name beside a water pill): their headline says
    "a medicine name could not be read"; in a batch no one is there to answer the "did you mean"."""
    first_names_unread: list[str] = field(default_factory=list)
    """The first few of them, as "id (source record N)"."""
    duplicate_ids: int = 0
    """Records whose id was already used by an earlier record of the batch."""
    first_duplicate_ids: list[str] = field(default_factory=list)
    """The first few of them, as "id (source record N)"."""
    _ids: SeenIds = field(default_factory=SeenIds, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "records_read": self.records_read,
            "screened": self.screened,
            "invalid": self.invalid,
            "invalid_with_red_flags": self.invalid_with_red_flags,
            "unreadable_sources": list(self.unreadable_sources),
            "combined_depletion": dict(self.by_headline),
            "urgency": dict(self.by_urgency),
            "coverage": dict(self.by_coverage),
            "duplicate_ids": self.duplicate_ids,
            "medicine_names_not_read": self.names_unread,
        }

    def count(self, item: Digest, fail_on: tuple[int, int, str] | None) -> None:
        """Count one entry, from its digest (``workers.digest``). ``fail_on``: the rank a level
        must reach, the index of the digest field it is read from, and that field's scale
        (``_fail_on_test``)."""
        self.records_read += 1
        if item[0] == "invalid":
            self.invalid += 1
            if item[DIGEST_URGENCY] is not None:  # it reports red flags: its urgency is theirs
                self.invalid_with_red_flags += 1
                if len(self.first_invalid_with_red_flags) < FAIL_ON_NAMED:
                    self.first_invalid_with_red_flags.append(_where(item))
                if fail_on is not None and fail_on[1] == DIGEST_URGENCY and _reached(item, fail_on):
                    self._reach(item)
        else:
            _, _, _, _, headline, urgency, coverage, name_unread, _ = item
            self.screened += 1
            self.by_headline[level_shown(headline, coverage)] += 1
            self.by_urgency[urgency_shown(urgency, coverage)] += 1
            self.by_coverage[coverage] += 1
            if name_unread:
                self.names_unread += 1
                if len(self.first_names_unread) < FAIL_ON_NAMED:
                    self.first_names_unread.append(_where(item))
            if fail_on is not None and _reached(item, fail_on):
                self._reach(item)
        if not item[DIGEST_MADE_UP_ID] and not self._ids.add(item[1]):
            self.duplicate_ids += 1
            if len(self.first_duplicate_ids) < DUPLICATES_NAMED:
                self.first_duplicate_ids.append(_where(item))

    def _reach(self, item: Digest) -> None:
        self.reached_fail_on += 1
        if len(self.first_reaching_fail_on) < FAIL_ON_NAMED:
            self.first_reaching_fail_on.append(_where(item))


#: How many of the records that reached ``--fail-on`` the summary names (the rest are counted).
FAIL_ON_NAMED = 10
#: How many records with an id used before them the summary names.
DUPLICATES_NAMED = 5


def _where(item: Digest) -> str:
    _, identifier, source, position = item[:4]
    return f"{identifier} ({source} record {position})" if source else str(identifier)


def reaches(entry: Mapping[str, Any], level: str, screener: Screener) -> bool:
    """Whether a screened entry reaches a ``--fail-on`` level (that level or higher)."""
    scales = screener.ruleset.scales
    for name in (screener.ruleset.headline, "urgency"):
        scale = scales[name]
        if level in scale.values:
            return scale.rank(entry[name]) >= scale.rank(level)
    raise ValueError(f"unknown level {level!r}")


def _fail_on_test(level: str | None, screener: Screener) -> tuple[int, int, Any] | None:
    """How a digest is tested against ``--fail-on``: see ``BatchSummary.count``."""
    if level is None:
        return None
    scales = screener.ruleset.scales
    for index, name in ((DIGEST_HEADLINE, screener.ruleset.headline), (DIGEST_URGENCY, "urgency")):
        scale = scales[name]
        if level in scale.values:
            return scale.rank(level), index, scale
    raise ValueError(f"unknown level {level!r}")


def _reached(item: Digest, fail_on: tuple[int, int, Any]) -> bool:
    rank, index, scale = fail_on
    return bool(scale.rank(item[index]) >= rank)


def screen_stream(
    items: Iterable[Item],
    screener: Screener,
    summary: BatchSummary,
    *,
    fail_on: str | None = None,
    on_unreadable_source: Callable[[UnreadableSource], None] | None = None,
    workers: int = 1,
    detail: Detail = "full",
) -> Iterator[dict[str, Any]]:
    """Screen records as they arrive, in this process, keeping the summary up to date. Entries
    are JSON-ready dicts in the shape of the contract's ``ScreeningResult`` and ``InvalidRecord``.
    (Records read elsewhere are screened here: ``screen_inputs`` and ``write_batch`` use workers.)"""
    check_workers(workers)
    return _counted(_screened(items, screener, detail), screener, summary, fail_on, on_unreadable_source)


def _counted(
    entries: Iterable[tuple[dict[str, Any], bool] | UnreadableSource],
    screener: Screener,
    summary: BatchSummary,
    fail_on: str | None,
    on_unreadable_source: Callable[[UnreadableSource], None] | None,
) -> Iterator[dict[str, Any]]:
    test = _fail_on_test(fail_on, screener)
    headline = screener.ruleset.headline
    for item in entries:
        if isinstance(item, UnreadableSource):
            _unreadable(item, summary, on_unreadable_source)
            continue
        entry, made_up = item
        summary.count(digest(entry, headline, made_up), test)
        yield entry


def _unreadable(item: UnreadableSource, summary: BatchSummary, report: Callable[[UnreadableSource], None] | None) -> None:
    if not item.note:
        summary.unreadable_sources.append(f"{item.source}: {item.message}")
    if report is not None:
        report(item)


def screen_inputs(
    inputs: Sequence[str],
    screener: Screener,
    summary: BatchSummary,
    *,
    stdin: BinaryIO | None = None,
    fail_on: str | None = None,
    on_unreadable_source: Callable[[UnreadableSource], None] | None = None,
    workers: int = 1,
    detail: Detail = "full",
    ignore: Sequence[str] = (),
) -> Iterator[dict[str, Any]]:
    """Read and screen every record of the given files, folders or ``-`` (stdin). ``ignore``:
    columns of a sheet or Parquet file to leave out (names or glob patterns, any case), besides
    those a form tool adds (``screener.batch.form_columns``)."""
    check_workers(workers)
    if workers == 1:
        items: Iterable[tuple[dict[str, Any], bool] | UnreadableSource] = _screened(
            iter_records(inputs, stdin=stdin, ignore=ignore), screener, detail
        )
    else:
        job = Job(tuple(inputs), screener, detail, None, record_entry, tuple(ignore))
        items = _from_chunks(screened_chunks(job, workers, stdin))
    return _counted(items, screener, summary, fail_on, on_unreadable_source)


def _from_chunks(chunks: Iterable[Any]) -> Iterator[tuple[dict[str, Any], bool] | UnreadableSource]:
    """The entries (each with whether its id was made up) and unreadable sources of chunks of
    entries, in order."""
    for chunk in chunks:
        entries = iter(chunk.entries)
        for item in chunk.digests:
            yield UnreadableSource(*item[1:]) if item[0] == "unreadable" else (next(entries), item[DIGEST_MADE_UP_ID])


def write_batch(
    inputs: Sequence[str],
    screener: Screener,
    summary: BatchSummary,
    writer: ResultWriter,
    *,
    stdin: BinaryIO | None = None,
    fail_on: str | None = None,
    on_unreadable_source: Callable[[UnreadableSource], None] | None = None,
    on_entry: Callable[[dict[str, Any]], None] | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    detail: Detail = "full",
    ignore: Sequence[str] = (),
) -> None:
    """Screen every record of the inputs and write its entry (``mgk-screen batch``).

    ``on_entry`` sees every entry (a cohort report counting them); ``progress`` is told the
    number of records done every ``CHUNK_RECORDS`` records or so. With workers, they encode the
    entries themselves unless ``on_entry`` needs them."""
    check_workers(workers)
    # Workers hand back entries already encoded, which only a text writer takes; Parquet (and
    # anything that watches each entry) gets the entries themselves, screened by the workers all the same.
    if workers == 1 or on_entry is not None or not isinstance(writer, EntryWriter):
        entries = screen_inputs(
            inputs, screener, summary, stdin=stdin, fail_on=fail_on, on_unreadable_source=on_unreadable_source,
            workers=workers, detail=detail, ignore=ignore,
        )
        for count, entry in enumerate(entries, 1):
            if on_entry is not None:
                on_entry(entry)
            writer.write(entry)
            if progress is not None and count % CHUNK_RECORDS == 0:
                progress(count)
        return
    test = _fail_on_test(fail_on, screener)
    encoder = writer.encoder
    job = Job(tuple(inputs), screener, detail, lambda: encoder, record_entry, tuple(ignore))
    for chunk in screened_chunks(job, workers, stdin):
        written = 0
        for item in chunk.digests:
            if item[0] == "unreadable":
                _unreadable(UnreadableSource(*item[1:]), summary, on_unreadable_source)
            else:
                summary.count(item, test)
                written += 1
        writer.write_encoded(chunk.data, written)
        if progress is not None:
            progress(summary.records_read)


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


def record_entry(item: RawRecord | UnreadableRecord, screener: Screener, detail: Detail = "full") -> dict[str, Any]:
    """The output entry of one record read: its result, or why it is invalid."""
    if isinstance(item, UnreadableRecord):
        return invalid_entry(None, [Problem("$", item.message)], source=item.source, position=item.position)
    if item.problems:
        return invalid_entry(
            item.value, record_problems(item, screener), source=item.source, position=item.position, reported=screener.red_flags_alone(item.value)
        )
    return screen_record_entry(screener, item.value, source=item.source, position=item.position, detail=detail)


def record_problems(item: RawRecord, screener: Screener) -> list[Problem]:
    """Every problem of a record read: its bad cells (a sheet's, a Parquet file's), then whatever
    validation finds in the rest of it, in path order.

    A bad cell's text stays in the record at its path, so validation sees the record's shape
    (a lab value that is not a number is not also reported as missing); what validation says at
    or under that path is left out, since the cell's own problem says it better.
    """
    _, found = check_record(screener, item.value)
    if not item.problems:
        return found
    cells = tuple(problem.path for problem in item.problems if problem.path != "$")
    rest = [problem for problem in found if not any(_at_or_under(problem.path, cell) for cell in cells)]
    return sorted([*item.problems, *rest], key=lambda problem: problem.path)


def _at_or_under(path: str, cell: str) -> bool:
    return path == cell or path.startswith((cell + ".", cell + "["))


def _screened(items: Iterable[Item], screener: Screener, detail: Detail) -> Iterator[tuple[dict[str, Any], bool] | UnreadableSource]:
    """Each record's entry, with whether its id was made up (``id_made_up``)."""
    for item in items:
        if isinstance(item, UnreadableSource):
            yield said_first(item, screener)  # a table refused with red flags in its rows says them first
            continue
        entry = record_entry(item, screener, detail)
        yield entry, id_made_up(item, entry)
