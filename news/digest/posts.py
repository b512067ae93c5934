"""The record of a weekly digest post, and the rules of which week a post covers.

A post of (server, week) is made of parts, one Discord message each. Each part gets a nonce
and a marker before it is sent, and its message id in a transaction of its own once Discord
has it: a part with a nonce but no message id is "in doubt" (sent or not, we crashed before
knowing), and is looked for in the channel before it is ever sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from news.catalog.relevance import Strictness
from news.core.errors import RoundupError
from news.core.weeks import week_of

MARKER_PREFIX = "roundup-bot"
# A post covers the latest ISO week of which the majority (4 of 7 days) is behind it.
_DAYS_INTO_COVERED_WEEK = 4


class PostState(StrEnum):
    PENDING = "pending"  # recorded, nothing sent yet
    POSTING = "posting"  # some parts planned or sent; resumed at the next attempt
    POSTED = "posted"  # every part has its message id
    MISSED = "missed"  # the bot was down at the scheduled time, beyond the grace window
    FAILED = "failed"  # Discord refused (channel gone, permission missing); last_error says why


class FailureReason(StrEnum):
    CHANNEL_MISSING = "channel_missing"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True, slots=True)
class DigestPart:
    index: int  # 0-based position of the message in the post
    nonce: str
    marker: str  # the footer that tells the message apart in the channel, for good
    message_id: int | None = None  # None until Discord returned it: the part is in doubt

    @property
    def sent(self) -> bool:
        return self.message_id is not None


@dataclass(frozen=True, slots=True)
class DigestPost:
    guild_id: int
    week: str
    state: PostState
    channel_id: int | None
    edition: int  # 1 for the first copy; a forced re-post is edition 2, 3, …
    part_count: int  # as planned by the latest attempt
    created_at: datetime
    updated_at: datetime
    last_error: str | None = None
    parts: tuple[DigestPart, ...] = ()  # of the current edition, by index

    def part(self, index: int) -> DigestPart | None:
        return next((part for part in self.parts if part.index == index), None)


class OptionPart(StrEnum):
    """The parts of DigestOptions that are written apart: a change writes only what it
    changes, so that two admins changing different options at once both keep theirs, and
    neither writes back an older schedule time (which would let the start-up catch-up post
    for a time before the schedule was set)."""

    THREAD = "thread"
    SECTIONS = "sections"
    ITEMS = "items"
    RELEVANCE = "relevance"
    SCHEDULE = "schedule"


@dataclass(frozen=True, slots=True)
class DigestOptions:
    """How a server wants its digest: its size, a discussion thread, and since when."""

    thread: bool = False
    max_sections: int = 5
    max_items: int = 5
    # When the schedule was last set: a missed post is only reported after it (None: unknown).
    scheduled_since: datetime | None = None
    # How tech a story must be to make the compiled digest (news.catalog.relevance).
    relevance: Strictness = Strictness.NORMAL


class DigestUndeliverable(RoundupError):
    """Discord refused the post for a reason the server's admins must fix."""

    def __init__(self, reason: FailureReason, detail: str = "") -> None:
        if reason is FailureReason.FORBIDDEN:
            super().__init__("digest.forbidden", detail=detail)
        else:
            super().__init__("digest.channel_missing", detail=detail)
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        # Kept as the post's last_error: the reason, and Discord's words when it gave any.
        return f"{self.reason}: {self.detail}" if self.detail else str(self.reason)


def covered_week(local_day: date | datetime) -> str:
    """The ISO week a post made on ``local_day`` (the server's own date) covers.

    It is the latest week of which most days (four of seven) are over: a post from Monday to
    Thursday covers the week that just ended, a post from Friday to Sunday the current week,
    which is nearly over. Servers posting on Friday evening thus get this week's news, and
    servers posting on Monday morning get last week's, never a week that has barely begun.
    """
    day = local_day.date() if isinstance(local_day, datetime) else local_day
    return week_of(day - timedelta(days=_DAYS_INTO_COVERED_WEEK))


def part_marker(week: str, edition: int, index: int, total: int) -> str:
    """The footer of part ``index`` (0-based) of ``total``, e.g. ``roundup-bot · 2026-W48 · 1/3``.

    Readers see a page number; the bot finds its own messages by it in the channel history.
    A forced copy adds ``· #2`` so it is never mistaken for the first."""
    marker = f"{MARKER_PREFIX} · {week} · {index + 1}/{total}"
    return marker if edition == 1 else f"{marker} · #{edition}"
