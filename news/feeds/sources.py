"""Feed sources as the services see them, and the pure rules of when each is polled next.

Polling politely: every feed waits DEFAULT_INTERVAL between polls, longer when the
publisher asks for it (RSS ``ttl``, HTTP ``Cache-Control: max-age``, ``Retry-After`` on a
refusal), never less than the bot's shortest interval (``FEED_POLL_SECONDS``), twice as long after
every QUIET_STREAK polls that brought nothing new, always within MIN_INTERVAL..MAX_INTERVAL.
A failure waits exponentially longer, up to MAX_BACKOFF; PAUSE_AFTER failures in a row
pause the feed until an admin runs /feed retry. Every wait is spread by a jitter derived
from the source's id, so that feeds added together are not polled together, and tests
know the exact time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from news.core.errors import InvalidInput
from news.core.urls import canonical_url

DEFAULT_INTERVAL = timedelta(minutes=15)
MIN_INTERVAL = timedelta(minutes=5)
NO_FLOOR = timedelta(0)  # no shortest interval but the rules' own
MAX_INTERVAL = timedelta(hours=6)
QUIET_STREAK = 4  # quiet polls before the interval doubles
MAX_SLOWDOWN = 8  # the interval grows at most this many times for quiet feeds
FIRST_BACKOFF = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
MAX_RETRY_AFTER = timedelta(days=1)  # a Retry-After asking for longer is read as a day
PAUSE_AFTER = 8  # failures in a row
JITTER_SHARE = 0.1  # a wait moves by at most this share of itself, either way
ERROR_LIMIT = 300  # characters of the last error kept


@dataclass(frozen=True, slots=True)
class FeedSource:
    """A feed the bot polls, shared by every guild that follows it."""

    id: int
    url: str
    title: str
    site_link: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: datetime | None = None
    failure_count: int = 0
    last_error: str | None = None
    last_success_at: datetime | None = None
    paused: bool = False
    quiet_polls: int = 0  # successful polls in a row that brought nothing new
    ttl_minutes: int | None = None
    # The newest date the feed's items have given: an item dated before it is not news.
    newest_item_at: datetime | None = None
    icon_url: str | None = None  # the feed's image, for webhook posts

    @property
    def never_polled(self) -> bool:
        return self.last_success_at is None


@dataclass(frozen=True, slots=True)
class GuildFeed:
    """A feed as one guild follows it."""

    guild_id: int
    source: FeedSource
    name: str | None  # the guild's own name for it, when given
    added_by: int | None

    @property
    def label(self) -> str:
        return self.name or self.source.title or self.source.url


@dataclass(frozen=True, slots=True)
class PollResult:
    source: FeedSource  # as recorded after the poll
    new_headlines: int  # stories the archive did not have before
    linked: int  # items filed or linked to this source in this poll
    backfill: bool  # True on the first poll: the stories are the week so far, never alerted
    not_modified: bool = False
    error: str | None = None  # the failure's user-safe message
    paused_now: bool = False  # this failure paused the feed
    skipped: tuple[str, ...] = ()  # items that could not be filed, named (retried next poll)


def poll_interval(
    *,
    ttl_minutes: int | None,
    max_age_seconds: int | None,
    quiet_polls: int,
    shortest: timedelta = NO_FLOOR,
) -> timedelta:
    """How long a healthy feed waits before its next poll, before jitter; never less than
    ``shortest``."""
    wait = max(DEFAULT_INTERVAL, shortest)
    if ttl_minutes:
        wait = max(wait, timedelta(minutes=ttl_minutes))
    if max_age_seconds:
        wait = max(wait, timedelta(seconds=max_age_seconds))
    wait *= min(1 << min(quiet_polls // QUIET_STREAK, 8), MAX_SLOWDOWN)
    return min(max(wait, MIN_INTERVAL, shortest), max(MAX_INTERVAL, shortest))


def backoff(failure_count: int) -> timedelta:
    """How long a feed waits after its ``failure_count``-th failure in a row (from 1)."""
    doublings = min(max(failure_count - 1, 0), 16)
    return min(FIRST_BACKOFF * (1 << doublings), MAX_BACKOFF)


def jittered(wait: timedelta, source_id: int) -> timedelta:
    """``wait`` moved by a share of itself that depends only on the source's id, in whole
    seconds (as the database keeps times)."""
    # Knuth's multiplicative hash spreads consecutive ids over the whole range.
    fraction = (source_id * 2654435761 % 2**32) / 2**32  # in [0, 1)
    factor = 1 + JITTER_SHARE * (2 * fraction - 1)
    return timedelta(seconds=round(wait.total_seconds() * factor))


def not_before(wait: timedelta, source_id: int, shortest: timedelta) -> timedelta:
    """``wait`` jittered, but never shorter than ``shortest``: a jitter that would bring the
    poll sooner moves it as much later instead, so feeds stay spread."""
    moved = jittered(wait, source_id)
    return moved if moved >= shortest else shortest + (shortest - moved)


def after_success(
    source: FeedSource,
    now: datetime,
    *,
    new_headlines: int,
    max_age_seconds: int | None,
    shortest: timedelta = NO_FLOOR,
) -> FeedSource:
    """The source's state after a poll that worked (304 included)."""
    quiet = 0 if new_headlines else source.quiet_polls + 1
    wait = poll_interval(
        ttl_minutes=source.ttl_minutes,
        max_age_seconds=max_age_seconds,
        quiet_polls=quiet,
        shortest=shortest,
    )
    return replace(
        source,
        next_poll_at=now + not_before(wait, source.id, shortest),
        failure_count=0,
        last_error=None,
        last_success_at=now,
        quiet_polls=quiet,
    )


def after_failure(
    source: FeedSource,
    now: datetime,
    error: str,
    *,
    retry_after_seconds: int | None = None,
    shortest: timedelta = NO_FLOOR,
) -> FeedSource:
    """The source's state after a failed poll: backed off (at least as long as the server's
    Retry-After asked, up to MAX_RETRY_AFTER), paused after PAUSE_AFTER."""
    failures = source.failure_count + 1
    wait = backoff(failures)
    if retry_after_seconds:
        wait = max(wait, min(timedelta(seconds=retry_after_seconds), MAX_RETRY_AFTER))
    return replace(
        source,
        next_poll_at=now + not_before(wait, source.id, shortest),
        failure_count=failures,
        last_error=error[:ERROR_LIMIT],
        paused=failures >= PAUSE_AFTER,
    )


def resumed(source: FeedSource, now: datetime) -> FeedSource:
    """Unpaused, with a clean record, due now."""
    return replace(source, paused=False, failure_count=0, last_error=None, next_poll_at=now)


def feed_identity(url: str) -> str:
    """What makes two feed URLs one feed: the canonical URL (news.core.urls: no tracking
    parameters, fragment or default port), without its scheme (http and https of one host
    are one feed, the upgrade of the other) and without a trailing slash."""
    canonical = canonical_url(url) or url.strip()
    _, _, rest = canonical.partition("://")
    host, _, path_and_query = rest.partition("/")
    path, mark, query = path_and_query.partition("?")
    return f"{host}/{path.rstrip('/')}{mark}{query}"


def feed_host(url: str) -> str | None:
    """The URL's host in lower case (what every URL of one feed shares); None without one."""
    try:
        return urlsplit(url.strip()).hostname
    except ValueError:
        return None


MAX_URL_LENGTH = 2000


def require_url(url: str) -> str:
    """The URL an admin typed, trimmed; InvalidInput when empty or absurdly long."""
    cleaned = url.strip()
    if not cleaned or len(cleaned) > MAX_URL_LENGTH:
        raise InvalidInput("feed.url_required")
    return cleaned


def is_web_url(url: str) -> bool:
    """An http(s) address with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def url_host(url: str) -> str:
    """The host, to name a feed without a title."""
    try:
        return urlsplit(url).hostname or url[:100]
    except ValueError:
        return url[:100]
