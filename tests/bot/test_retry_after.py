"""Retry-After, as a feed server sends it with a 429 or 503: seconds or an HTTP date."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.fetch import retry_after_seconds

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Tue, 01 Dec 2026 01:00:00 GMT", NOW) == 3600
    assert retry_after_seconds("soon") is None
