"""What `mgk-screen batch` says on stderr when it has read everything: the counts, how fast, the
records to see to first, and those that reached ``--fail-on``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def count_of(number: int, noun: str) -> str:
    """ "1 record", "2 records" (the plural is the noun with an s)."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


#: From how many records, and how many seconds, a run says how fast it went. Below either, the
#: time is mostly the start (loading the rules: 1-2 s on a busy machine), so "6 records/s" for the
#: dozen bundled people would read as the screener's speed, which it is not.
RATE_FROM_RECORDS = 1_000
RATE_FROM_SECONDS = 10.0


def pace(records: int, seconds: float) -> str:
    """How long the run took, always in one form ("in 0.4 s"), and for a run of 1,000 records or
    more that took 10 s or more, how fast it went ("in 27.0 s, 3,704 records/s"). No rate for a
    smaller or shorter run, which is mostly the start, nor for a run that read no record."""
    took = f"in {seconds:,.1f} s"
    if seconds < RATE_FROM_SECONDS or records < RATE_FROM_RECORDS:
        return took
    return f"{took}, {records / seconds:,.0f} records/s"


def _named(first: Sequence[str], total: int) -> str:
    """The first few records a summary line names, and how many more it counts: "a, b, and 3 more"."""
    more = total - len(first)
    return ", ".join(first) + (f", and {more:,} more" if more > 0 else "")


def print_summary(summary: Any, seconds: float, console: Any, report: str | None = None) -> None:
    console.print(
        f"mgk-screen: {count_of(summary.records_read, 'record')} read: {summary.screened:,} screened, {summary.invalid:,} invalid"
        + (f", {count_of(len(summary.unreadable_sources), 'unreadable file')}" if summary.unreadable_sources else "")
        + f" ({pace(summary.records_read, seconds)})",
        markup=False,
    )
    if summary.invalid_with_red_flags:  # red flags first, even of records that could not be screened
        console.print(
            f"  red flags now, in {count_of(summary.invalid_with_red_flags, 'invalid record')} (not screened; see to "
            f"{'it' if summary.invalid_with_red_flags == 1 else 'them'} first): "
            + _named(summary.first_invalid_with_red_flags, summary.invalid_with_red_flags),
            markup=False,
        )
    if summary.screened:
        # Records with no core section answered are "not screened", not "unlikely" or "none",
        # as every door shows such a person (shown only when there are some).
        from screener.headline import NOT_SCREENED, TOO_FEW_ANSWERS  # here: `--help` loads no validation library

        # Said as "too few answers", not "not screened": they are among the records counted as
        # screened on the line above (their entries say "screened"), and the two must not disagree.
        headline = ", ".join(
            f"{TOO_FEW_ANSWERS if k == NOT_SCREENED else k} {summary.by_headline.get(k, 0):,}"
            for k in ("likely", "possible", "unlikely", NOT_SCREENED)
            if k != NOT_SCREENED or summary.by_headline.get(k)
        )
        urgency = ", ".join(
            f"{TOO_FEW_ANSWERS if k == NOT_SCREENED else k} {summary.by_urgency.get(k, 0):,}"
            for k in ("emergency", "urgent", "soon", "routine", "none", NOT_SCREENED)
            if k != NOT_SCREENED or summary.by_urgency.get(k)
        )
        coverage = ", ".join(f"{k} {summary.by_coverage.get(k, 0):,}" for k in ("full", "partial", "none"))
        console.print(f"  combined depletion: {headline}", markup=False)
        console.print(f"  urgency: {urgency}", markup=False)
        console.print(f"  coverage of the core sections: {coverage}", markup=False)
    if summary.names_unread:  # no one is there to answer a "did you mean" in a batch
        console.print(
            f"  a medicine name could not be read, and may be one that lowers magnesium or potassium or keeps potassium, in "
            f"{count_of(summary.names_unread, 'record')} (check the names): " + _named(summary.first_names_unread, summary.names_unread),
            markup=False,
        )
    if summary.duplicate_ids:
        console.print(
            f"  duplicate ids: {summary.duplicate_ids:,} (an id used by an earlier record: "
            + _named(summary.first_duplicate_ids, summary.duplicate_ids)
            + ")",
            markup=False,
        )
    if report is not None:  # as `report --cohort` says it
        console.print(f"mgk-screen: wrote {report}: cohort report of {count_of(summary.records_read, 'record')}", markup=False)


def print_fail_on(summary: Any, level: str, console: Any) -> None:
    console.print(
        f"mgk-screen: {count_of(summary.reached_fail_on, 'record')} reached --fail-on {level}: "
        + _named(summary.first_reaching_fail_on, summary.reached_fail_on),
        markup=False,
    )
