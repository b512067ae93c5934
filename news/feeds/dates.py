"""A feed item's date: read from RSS/Atom (via feedparser) or JSON Feed, then settled.

A missing date, one in the future (beyond a small clock skew), or one date shared by every item
(scrapers stamp their run time) is replaced by ``now``, the time first seen.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

# Publishers' clocks and time zones are often a little off; beyond this a date is a mistake.
FUTURE_SKEW = timedelta(minutes=10)


def entry_date(entry: Any) -> datetime | None:
    """The first usable date feedparser read for an RSS or Atom entry."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                year, month, day, hour, minute, second = parsed[:6]
                return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def rfc3339(value: object) -> datetime | None:
    """A JSON Feed date in UTC; None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:  # JSON Feed requires an offset; a missing one is most often UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def settled_dates(
    dates: list[datetime | None], now: datetime, problems: list[str]
) -> list[tuple[datetime, bool]]:
    """Each item's date and whether the feed gave it: missing, future and feed-wide identical
    dates are replaced by now."""
    known = [date for date in dates if date is not None]
    if len(known) > 1 and len(known) == len(dates) and len(set(known)) == 1:
        problems.append("every item has the same date; using the time first seen")
        return [(now, False)] * len(dates)
    latest = now + FUTURE_SKEW
    future = sum(1 for date in known if date > latest)
    if future:
        problems.append(f"{future} item(s) dated in the future; using the time first seen")
    return [(date, True) if date and date <= latest else (now, False) for date in dates]
