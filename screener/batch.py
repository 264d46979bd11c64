"""Batch screening: many records in, one entry per record out, in input order.

Every record read is accounted for: screened, or written as an "invalid" entry saying what is
wrong and where. A whole file that cannot be read is reported by name and skipped; its
neighbours are still screened.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from screener.batch_io import RawRecord, UnreadableRecord, UnreadableSource, iter_records
from screener.screening import Screener, invalid_entry
from screener.validation import Problem

#: Levels ``--fail-on`` understands: headline levels and urgencies, each meaning "or higher".
FAIL_ON_CHOICES = ("possible", "likely", "routine", "soon", "urgent", "emergency")


@dataclass
class BatchSummary:
    records_read: int = 0
    screened: int = 0
    invalid: int = 0
    unreadable_sources: list[str] = field(default_factory=list)
    by_headline: Counter[str] = field(default_factory=Counter)
    by_urgency: Counter[str] = field(default_factory=Counter)
    reached_fail_on: int = 0
    _ids: Counter[str] = field(default_factory=Counter, repr=False)

    @property
    def duplicate_ids(self) -> int:
        """Records whose id was already used by an earlier record of the batch."""
        return sum(count - 1 for count in self._ids.values() if count > 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "records_read": self.records_read,
            "screened": self.screened,
            "invalid": self.invalid,
            "unreadable_sources": list(self.unreadable_sources),
            "combined_depletion": dict(self.by_headline),
            "urgency": dict(self.by_urgency),
            "duplicate_ids": self.duplicate_ids,
        }


def reaches(entry: dict[str, Any], level: str, screener: Screener) -> bool:
    """Whether a screened entry reaches a ``--fail-on`` level (that level or higher)."""
    scales = screener.ruleset.scales
    for name in (screener.ruleset.headline, "urgency"):
        scale = scales[name]
        if level in scale.values:
            return scale.rank(entry[name]) >= scale.rank(level)
    raise ValueError(f"unknown level {level!r}")


def screen_stream(
    items: Iterable[RawRecord | UnreadableRecord | UnreadableSource],
    screener: Screener,
    summary: BatchSummary,
    *,
    fail_on: str | None = None,
    on_unreadable_source: Callable[[UnreadableSource], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Screen records as they arrive, keeping the summary up to date. Entries are JSON-ready
    dicts in the shape of the contract's ``ScreeningResult`` and ``InvalidRecord``."""
    for item in items:
        if isinstance(item, UnreadableSource):
            summary.unreadable_sources.append(f"{item.source}: {item.message}")
            if on_unreadable_source is not None:
                on_unreadable_source(item)
            continue
        summary.records_read += 1
        if isinstance(item, UnreadableRecord):
            entry = invalid_entry(None, [Problem("$", item.message)], source=item.source, position=item.position)
        else:
            entry = screener.screen_entry(item.value, source=item.source, position=item.position)
        if entry["status"] == "invalid":
            summary.invalid += 1
        else:
            summary.screened += 1
            summary.by_headline[entry[screener.ruleset.headline]] += 1
            summary.by_urgency[entry["urgency"]] += 1
            if fail_on is not None and reaches(entry, fail_on, screener):
                summary.reached_fail_on += 1
        summary._ids[entry["id"]] += 1
        yield entry


def screen_inputs(
    inputs: Sequence[str],
    screener: Screener,
    summary: BatchSummary,
    *,
    stdin: BinaryIO | None = None,
    fail_on: str | None = None,
    on_unreadable_source: Callable[[UnreadableSource], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Read and screen every record of the given files, folders or ``-`` (stdin)."""
    return screen_stream(
        iter_records(inputs, stdin=stdin),
        screener,
        summary,
        fail_on=fail_on,
        on_unreadable_source=on_unreadable_source,
    )
