"""When a feed is polled next: intervals, backoff, jitter and pausing (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from news.feeds.sources import (
    DEFAULT_INTERVAL,
    JITTER_SHARE,
    MAX_BACKOFF,
    MAX_INTERVAL,
    PAUSE_AFTER,
    QUIET_STREAK,
    FeedSource,
    after_failure,
    after_success,
    backoff,
    feed_identity,
    jittered,
    poll_interval,
    resumed,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_a_feed_without_hints_is_polled_every_fifteen_minutes() -> None:
    assert poll_interval(ttl_minutes=None, max_age_seconds=None, quiet_polls=0) == DEFAULT_INTERVAL


def test_a_short_ttl_never_makes_polling_more_frequent_than_the_default() -> None:
    assert poll_interval(ttl_minutes=1, max_age_seconds=30, quiet_polls=0) == DEFAULT_INTERVAL


def test_a_long_ttl_is_honoured() -> None:
    wait = poll_interval(ttl_minutes=60, max_age_seconds=None, quiet_polls=0)
    assert wait == timedelta(hours=1)


def test_a_huge_max_age_is_capped_at_six_hours() -> None:
    wait = poll_interval(ttl_minutes=None, max_age_seconds=10**7, quiet_polls=0)
    assert wait == MAX_INTERVAL


def test_each_quiet_streak_doubles_the_interval() -> None:
    wait = poll_interval(ttl_minutes=None, max_age_seconds=None, quiet_polls=2 * QUIET_STREAK)
    assert wait == DEFAULT_INTERVAL * 4


def test_backoff_doubles_up_to_its_cap() -> None:
    assert backoff(2) == backoff(1) * 2
    assert backoff(40) == MAX_BACKOFF


def test_jitter_depends_only_on_the_source_id() -> None:
    assert jittered(DEFAULT_INTERVAL, 7) == jittered(DEFAULT_INTERVAL, 7)
    assert jittered(DEFAULT_INTERVAL, 7) != jittered(DEFAULT_INTERVAL, 8)


def test_jitter_stays_within_its_share() -> None:
    spread = DEFAULT_INTERVAL * JITTER_SHARE
    for source_id in range(1, 200):
        assert abs(jittered(DEFAULT_INTERVAL, source_id) - DEFAULT_INTERVAL) <= spread


def test_a_feed_is_paused_at_its_eighth_failure_in_a_row() -> None:
    source = FeedSource(id=1, url="https://a.test/feed", title="A")
    for _ in range(PAUSE_AFTER - 1):
        source = after_failure(source, NOW, "HTTP 500")
    assert not source.paused
    assert after_failure(source, NOW, "HTTP 500").paused


def test_a_success_clears_the_failures() -> None:
    failing = after_failure(FeedSource(id=1, url="https://a.test/feed", title="A"), NOW, "down")
    healthy = after_success(failing, NOW, new_headlines=1, max_age_seconds=None)
    assert (healthy.failure_count, healthy.last_error) == (0, None)


def test_resuming_makes_a_paused_feed_due_now() -> None:
    paused = FeedSource(id=1, url="https://a.test/feed", title="A", paused=True, failure_count=8)
    assert resumed(paused, NOW) == FeedSource(
        id=1, url="https://a.test/feed", title="A", next_poll_at=NOW
    )


def test_a_feeds_identity_ignores_scheme_tracking_default_port_and_trailing_slash() -> None:
    same = [
        "https://news.test/feed/",
        "http://news.test/feed",
        "HTTPS://NEWS.test:443/feed?utm_campaign=x&fbclid=1",
        "http://news.test:80/feed/#top",
    ]
    assert {feed_identity(url) for url in same} == {"news.test/feed"}
    assert feed_identity("https://news.test/feed?page=2") == "news.test/feed?page=2"
    assert feed_identity("https://news.test:8080/feed") == "news.test:8080/feed"
