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

How old a result is, and whether it is after the reference date, is counted from the day it is
written on (as ``screener.fhir.elements.earliest_day`` reads it), whatever the instant's offset:
the reference date is a calendar day, not an instant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from screener.fhir.elements import earliest_day, latest_day

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
