"""When a report was made, in words that say where: a date and time printed without its time zone
reads as a different day on the other side of the world (23:30 in New York is already the next
day in London), so every printed date-time carries its offset from UTC."""

from __future__ import annotations

from datetime import datetime, timedelta


def moment_text(moment: datetime) -> str:
    """"29 November 2025, 23:30 UTC-05:00 (EST)", or "29 November 2025, 10:30 UTC". A time with
    no zone (a naive datetime) is the computer's local time, as Python reads it."""
    local = moment.astimezone() if moment.tzinfo is None else moment
    name = local.tzname() or ""
    # An abbreviation alone is ambiguous (CST is China and the American Midwest): it only follows the offset.
    named = f" ({name})" if name.isalpha() and name.upper() not in ("UTC", "GMT", "Z") else ""
    return f"{local.day} {local:%B %Y}, {local:%H:%M} {_offset(local.utcoffset())}{named}"


def moment_iso(moment: datetime) -> str:
    """The same moment for machines (an HTML ``<time datetime>``): "2025-11-29T23:30-05:00"."""
    local = moment.astimezone() if moment.tzinfo is None else moment
    return local.isoformat(timespec="minutes")


def _offset(offset: timedelta | None) -> str:
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes > 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"
