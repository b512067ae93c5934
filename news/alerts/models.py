"""Topic alerts as the domain sees them: subscriptions, a person's alert preferences (pause,
quiet hours), what waits to be told and the batches that tell it, and keyword parsing.

A keyword matches exactly as ``/headlines`` searches (news.archive.search_terms): every word must be
in the headline, Korean words as substrings of any length; a quoted phrase must stand as
written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from news.archive.search_terms import Phrase, Unit, phrase_unit, query_units
from news.core.errors import InvalidInput
from news.core.models import Headline

MAX_KEYWORD_LENGTH = 100
MAX_KEYWORD_WORDS = 8
_QUOTES = {'"': '"', "“": "”", "'": "'", "‘": "’", "「": "」"}
# An hour (0-23), then optionally its minutes after ':' or '.', or straight after (0730).
_CLOCK = re.compile(r"([01]?\d|2[0-3])(?:[:.]?([0-5]\d))?", re.ASCII)


class SubscriptionKind(StrEnum):
    TOPIC = "topic"
    COMPANY = "company"
    KEYWORD = "keyword"


class Delivery(StrEnum):
    DM = "dm"
    CHANNEL = "channel"  # the server's alert channel, with a mention


@dataclass(frozen=True, slots=True)
class NewSubscription:
    guild_id: int
    user_id: int
    kind: SubscriptionKind
    target_id: int | None  # the topic or company id; None for a keyword
    query: str  # a keyword's normalised terms (JSON), the target's id as text otherwise
    key: str  # unique per user and server: 'topic:3', 'company:12', 'keyword:<query>'
    label: str  # what the user sees: the keyword as typed, the company or topic name
    delivery: Delivery


@dataclass(frozen=True, slots=True)
class Subscription(NewSubscription):
    id: int = 0
    undeliverable: bool = False  # DMs refused and no alert channel to fall back on

    def keyword_units(self) -> tuple[Unit, ...]:
        return keyword_units_from_query(self.query) if self.kind is SubscriptionKind.KEYWORD else ()


@dataclass(frozen=True, slots=True)
class Keyword:
    label: str  # as typed, whitespace collapsed
    units: tuple[Unit, ...]

    @property
    def query(self) -> str:
        """The units as stable text: two spellings that search alike are one subscription."""
        return json.dumps(
            [[[list(p.terms), p.prefix] for p in unit] for unit in self.units],
            ensure_ascii=False,
            separators=(",", ":"),
        )


def parse_keyword(text: str) -> Keyword:
    """A keyword typed by a user: a word, several (all must appear), or a quoted phrase."""
    label = " ".join(text.split())
    if not label:
        raise InvalidInput("keyword.empty")
    if len(label) > MAX_KEYWORD_LENGTH:
        raise InvalidInput("keyword.too_long", limit=MAX_KEYWORD_LENGTH)
    units = _phrase_units(label) if _is_quoted(label) else query_units(label)
    if not units:
        raise InvalidInput("keyword.no_letters")
    if len(units) > MAX_KEYWORD_WORDS:
        raise InvalidInput("keyword.too_many_words", limit=MAX_KEYWORD_WORDS)
    return Keyword(label, tuple(units))


def keyword_units_from_query(query: str) -> tuple[Unit, ...]:
    """The units stored as ``Keyword.query``."""
    return tuple(
        tuple(Phrase(tuple(terms), bool(prefix)) for terms, prefix in unit)
        for unit in json.loads(query)
    )


def _is_quoted(label: str) -> bool:
    return len(label) > 2 and _QUOTES.get(label[0]) == label[-1]


def _phrase_units(label: str) -> list[Unit]:
    unit = phrase_unit(label[1:-1])
    return [unit] if unit is not None else []


# --- preferences ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily stretch without alerts, in the user's own time zone; it may cross midnight
    (22:00-07:00). Alerts found meanwhile wait and arrive together when it ends."""

    start: int  # minutes after local midnight
    end: int
    timezone: str

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        minute = local.hour * 60 + local.minute
        if self.start <= self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end

    def describe(self) -> str:
        return f"{_clock_text(self.start)}–{_clock_text(self.end)} ({self.timezone})"


def parse_clock(text: str) -> int:
    """'22:30', '22', '7:05', '7.05', '0730' or '730' as minutes after midnight."""
    # A pattern rather than time.fromisoformat, which before Python 3.12 refuses a one-digit
    # hour (7:05) and which takes offsets and seconds that a time of day here has no use for.
    found = _CLOCK.fullmatch(text.strip())
    if found is None:
        raise InvalidInput("alerts.not_a_time", text=text[:20])
    hour, minute = found.groups()
    return int(hour) * 60 + int(minute or 0)


def _clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class Notice(StrEnum):
    """What a user is told at their next command."""

    DMS_REFUSED_CHANNEL = "dms_refused_channel"  # their alerts went to the alert channel
    DMS_REFUSED_STOPPED = "dms_refused_stopped"  # no alert channel: DM alerts stopped


class PrefsField(StrEnum):
    """The parts of AlertPrefs that are written apart. Each change writes only the part it
    changes, so that two at once (a user pausing while a delivery records their refused DMs)
    both last, instead of the later one writing back the other's old value."""

    LANGUAGE = "language"
    PAUSE = "pause"
    QUIET = "quiet"
    DM_REFUSED = "dm_refused"
    NOTICE = "notice"


@dataclass(frozen=True, slots=True)
class AlertPrefs:
    user_id: int
    language: str = "en"
    paused_until: datetime | None = None
    quiet: QuietHours | None = None
    dm_channel_id: int | None = None
    dm_refused_at: datetime | None = None
    notice: Notice | None = None
    notice_guild: int | None = None

    def paused_at(self, moment: datetime) -> bool:
        return self.paused_until is not None and moment < self.paused_until

    def holds_at(self, moment: datetime) -> bool:
        """Alerts wait (paused or quiet hours) rather than go out now."""
        return self.paused_at(moment) or (self.quiet is not None and self.quiet.contains(moment))


# --- matching and delivery --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArrivedHeadline:
    """A headline newly stored, as the matcher sees it."""

    id: int
    text: str  # title and summary
    published_at: datetime
    company_ids: tuple[int, ...]
    topic_ids: tuple[int, ...]
    guild_ids: tuple[int, ...]  # the servers that follow one of its sources
    # (guild id, company id): a server's own tags on it (news.catalog.guild_tags), which
    # answer that server's company subscriptions only.
    guild_company_ids: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class QueuedAlert:
    user_id: int
    headline_id: int
    guild_id: int
    subscription_id: int
    delivery: Delivery


@dataclass(frozen=True, slots=True)
class PendingAlert:
    """A headline waiting to be told to a user, with the subscription that found it."""

    user_id: int
    guild_id: int
    delivery: Delivery
    headline: Headline
    label: str | None  # None when the subscription was removed since
    queued_at: datetime


@dataclass(frozen=True, slots=True)
class AlertBatch:
    """One message to one user: in their DMs, or in one server's alert channel."""

    id: int
    user_id: int
    guild_id: int | None  # None for a DM, which may gather several servers' alerts
    delivery: Delivery
    channel_id: int
    nonce: str
    alerts: tuple[PendingAlert, ...] = field(default=())
    language: str = "en"

    @property
    def marker(self) -> str:
        """Stays in the message for good; how a batch in doubt is found after the nonce is
        forgotten."""
        return f"alert #{self.id}"


@dataclass(frozen=True, slots=True)
class AlertQueue:
    """What /status shows of a server's alerts."""

    subscriptions: int
    waiting: int  # alerts of the server's members not sent yet (quiet hours, cap, outage)
    oldest_waiting: datetime | None
    unmatched: int  # headlines stored but not matched yet, all servers (the matcher's lag)


class UndeliverableReason(StrEnum):
    DMS_REFUSED = "dms_refused"  # 50007: the user does not accept DMs from the bot
    CHANNEL_MISSING = "channel_missing"
    FORBIDDEN = "forbidden"


class AlertUndeliverable(Exception):
    """Discord refused a batch for a reason that sending again will not fix."""

    def __init__(self, reason: UndeliverableReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
