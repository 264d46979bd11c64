"""When a lab result was taken, precisely enough to tell which of two results is the later one.

A FHIR ``dateTime`` can be a year, a month, a day, or a time on a day with its offset from UTC
(``2024-07-30T23:00:00-10:00``). Two results with times on them are put in order by the instant
they name, so that an evening result comes after the morning one, and a result taken late in the
evening in Honolulu after one taken early the next morning in UTC. A value without a time is the
whole of the day (month, year) it names: it is later than a timed result only when its whole day
is later than the day the timed one is written on, and a result on the same day cannot be put
before or after it. A time without an offset, which FHIR does not allow but some systems send,
is ordered by instant only against another time without an offset (the same system's clock),
and by its day against everything else.

How old a result is counted from the day it is written on (as
``screener.fhir.elements.earliest_day`` reads it), whatever the instant's offset. Whether it is
after the reference date (``AsOf.is_after``) compares instants, never the day written
against the screener's own calendar day: a time written in UTC, or by an EHR east of the
screener, carries tomorrow's date during part of the screener's today. When no reference date is
given (``--as-of``), the reference is *now*: a time is in the future only when its instant is
more than ``CLOCK_SKEW`` after now, and a date without a time only when the day cannot have
begun anywhere (its first instant at UTC+14:00 is after now and the skew). What is in the future
is left out and named in the warnings (an EHR sends no data from the future: a clock or a time
zone is wrong). With a reference date given, what is written on a later day is left out without a
word (a screen "as of" a day sees what was known then), unless its instant falls within the
reference day in the screener's own time zone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from screener.fhir.conversion import Conversion
from screener.fhir.elements import earliest_day, latest_day, naming, recorded_on
from screener.interview.answer_paths import get_path

#: How far after now a time may be and still be read as now: the clocks of two systems differ.
CLOCK_SKEW = timedelta(minutes=10)
#: The zone furthest ahead of UTC (Kiribati): where a written day begins first.
_EARLIEST_ZONE = timezone(timedelta(hours=14))

_TIME = re.compile(
    r"^\s*\d{4}-\d{2}-\d{2}T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:\d{2})?\s*$",
)


@dataclass(frozen=True)
class Taken:
    """When a result was taken, as its record says: the days it may be on and, when it gives a
    time, the instant (``zoned`` when the time has an offset from UTC)."""

    written: str
    first_day: date
    last_day: date
    instant: datetime | None
    zoned: bool

    def is_later_than(self, other: Taken) -> bool:
        """Whether this result was certainly taken after ``other``."""
        if self.instant is not None and other.instant is not None and self.zoned == other.zoned:
            return self.instant > other.instant
        return self.first_day > other.last_day


def taken_at(text: str) -> Taken | None:
    """A FHIR date, dateTime or instant read as ``Taken``; None when it is not one."""
    first = earliest_day(text)
    if first is None:
        return None
    match = _TIME.match(text)
    if match is None:
        return Taken(text.strip(), first, latest_day(text), None, False)
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    fraction = int((match[4] or "0")[:6].ljust(6, "0"))
    if hours > 23 or minutes > 59 or seconds > 60:
        return Taken(text.strip(), first, first, None, False)
    # A leap second (:60) is the end of its minute: one second less changes no order that matters.
    clock = datetime(first.year, first.month, first.day, hours, minutes, min(seconds, 59), fraction)
    offset = match[5]
    if offset is None:
        return Taken(text.strip(), first, first, clock, False)
    if offset != "Z":
        sign = -1 if offset[0] == "-" else 1
        offset_hours, offset_minutes = int(offset[1:3]), int(offset[4:6])
        if offset_hours > 14 or offset_minutes > 59:
            return Taken(text.strip(), first, first, None, False)
        zone = timezone(sign * timedelta(hours=offset_hours, minutes=offset_minutes))
    else:
        zone = timezone.utc
    return Taken(text.strip(), first, first, clock.replace(tzinfo=zone), True)


@dataclass(frozen=True)
class AsOf:
    """The reference of a screen: ``day``, the date ages and how old a result is are counted to,
    and ``now`` (timezone-aware) when no date was given (``--as-of``) and the reference is the
    present moment."""

    day: date
    now: datetime | None = None

    @classmethod
    def given(cls, day: date | None) -> AsOf:
        """The reference of a screen: the date given (``--as-of``), else now (today, by the
        screener's own calendar)."""
        if day is not None:
            return cls(day)
        now = datetime.now(timezone.utc)
        return cls(now.astimezone().date(), now)

    def is_after(self, taken: Taken | None) -> bool:
        """Whether a time is after the reference (see the module's description)."""
        if taken is None:
            return False
        if self.now is None:
            if taken.first_day <= self.day:
                return False
            if taken.instant is None or not taken.zoned:
                return True
            end_of_day = datetime.combine(self.day + timedelta(days=1), datetime.min.time()).astimezone()
            return taken.instant > end_of_day + CLOCK_SKEW
        if taken.instant is not None and taken.zoned:
            first_instant = taken.instant
        else:  # a day (or a time without its offset) begins first at UTC+14:00
            clock = taken.instant or datetime.combine(taken.first_day, datetime.min.time())
            first_instant = clock.replace(tzinfo=_EARLIEST_ZONE)
        return first_instant > self.now + CLOCK_SKEW


def left_out(as_of: AsOf, taken: Taken | None, resource: Mapping[str, Any], out: Conversion) -> bool:
    """Whether ``resource``, dated ``taken``, is after the reference and so not read. One in the
    future (no reference date given) is named in ``out.dated_in_future``, for one warning
    (``future_warning``)."""
    if not as_of.is_after(taken):
        return False
    if as_of.now is not None and taken is not None:
        said = f"{naming(resource)} ({taken.written})"
        if said not in out.dated_in_future:
            out.dated_in_future.append(said)
    return True


def future_warning(as_of: AsOf, skipped: list[str]) -> str | None:
    """The warning naming what was left out as dated in the future, if anything was."""
    if not skipped or as_of.now is None:
        return None
    now = as_of.now.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    shown = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
    return (
        f"{len(skipped)} resource{'s' if len(skipped) > 1 else ''} dated in the future (after now, {now}, by more "
        f"than {int(CLOCK_SKEW.total_seconds() // 60)} minutes) {'were' if len(skipped) > 1 else 'was'} not read: "
        f"{shown}. An EHR sends no data from the future: check the clock and time zone of the system that wrote "
        f"{'them' if len(skipped) > 1 else 'it'}, and of this one"
    )


def when_recorded(resource: Mapping[str, Any]) -> Taken | None:
    """When a resource's fact happened (the element ``recorded_on`` reads), with its time."""
    _, element = recorded_on(resource)
    value = get_path(resource, element) if element is not None else None
    return taken_at(value) if isinstance(value, str) else None


def latest_of(times: list[Taken | None]) -> list[int]:
    """The positions of the results no other result was certainly taken after: one when the
    latest can be told, several when the latest results cannot be put in order. An undated
    result (None) counts only when no result is dated."""
    dated = [(index, taken) for index, taken in enumerate(times) if taken is not None]
    if not dated:
        return list(range(len(times)))
    latest = [index for index, taken in dated if not any(other.is_later_than(taken) for _, other in dated)]
    # No result can be later than one that is later than it (an offset moves an instant by less
    # than a day, so no whole day lies between two instants it reorders): some result is always
    # the latest. All dated ones stand, should that ever fail.
    return latest or [index for index, _ in dated]
