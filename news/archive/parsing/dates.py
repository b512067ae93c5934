"""The time an article says it was published, when it gives a time of day and not only a date.

Front matter (``date: 2026-02-21 09:30:00 +0900``) and HTML metadata
(``article:published_time``) give one; a bare date gives none, so the importer's day stands.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_DATE_TIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})[T ]\s*"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:[.,]\d+)?\s*"
    r"(?P<zone>Z|UTC|GMT|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
DATE_KEYS = frozenset({"date", "published", "published_at", "pubdate", "datepublished"})


def published_time(value: str) -> datetime | None:
    """``2026-02-21T09:30:00+09:00`` and the like as an aware datetime (UTC when no offset is
    written); None for a bare date or anything unreadable."""
    match = _DATE_TIME.match(value.strip().strip("\"'"))
    if match is None:
        return None
    zone = (match["zone"] or "").upper()
    if zone in ("", "Z", "UTC", "GMT"):
        tzinfo: timezone = UTC
    else:
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset >= timedelta(hours=24):
            return None
        tzinfo = timezone(-offset if zone[0] == "-" else offset)
    try:
        return datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"] or 0),
            tzinfo=tzinfo,
        )
    except ValueError:
        return None
