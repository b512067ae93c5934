"""How the database stores times: whole seconds since the epoch, in UTC."""

from __future__ import annotations

import math
from datetime import UTC, datetime


def unix(moment: datetime) -> int:
    """Seconds since the epoch; a naive time is taken as UTC, as the models promise UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return math.floor(moment.timestamp())


def unix_or_none(moment: datetime | None) -> int | None:
    return None if moment is None else unix(moment)


def from_unix(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def from_unix_or_none(seconds: int | None) -> datetime | None:
    return None if seconds is None else from_unix(seconds)
